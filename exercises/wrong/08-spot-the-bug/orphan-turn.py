# expect: a failed call left 1 message(s) behind
# The reference's `send`: the question joins the history before the call, and stays there
# when the call fails.
### BEGIN WRONG 2
self.messages.append({"role": "user", "content": user_input})

response = self.client.chat.completions.create(
    model=kwargs.pop("model", "llama3.2"),
    messages=self.messages,
    **kwargs
)

assistant_msg = response.choices[0].message.content
self.messages.append({"role": "assistant", "content": assistant_msg})

return assistant_msg
### END WRONG
