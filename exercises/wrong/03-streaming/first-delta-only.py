# expect: the joined deltas differ from the whole answer
# Keeps the first piece of text and drops the rest.
### BEGIN WRONG
stream = client.chat.completions.create(
    model=MODEL,
    messages=[{"role": "user", "content": question}],
    max_tokens=40,
    temperature=0,
    stream=True,
    stream_options={"include_usage": True},
)
text, usage = "", None
for chunk in stream:
    if chunk.choices and chunk.choices[0].delta.content and not text:
        text = chunk.choices[0].delta.content
    if chunk.usage is not None:
        usage = chunk.usage
return text, usage
### END WRONG
