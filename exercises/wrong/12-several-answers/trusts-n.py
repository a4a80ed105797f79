# expect: would draw exactly what is missing
# Returns whatever choices came back: on a provider that ignores n, one answer, not three.
### BEGIN WRONG
try:
    reply = client.chat.completions.create(model=model, messages=messages, n=n, **params)
except openai.BadRequestError:
    return [
        client.chat.completions.create(model=model, messages=messages, **params)
        .choices[0]
        .message.content
        for _ in range(n)
    ]
return [choice.message.content for choice in reply.choices]
### END WRONG
