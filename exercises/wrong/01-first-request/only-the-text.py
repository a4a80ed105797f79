# expect: expected the object returned by client.chat.completions.create
# The answer's text, not the whole response (no finish_reason, no usage).
### BEGIN WRONG 2
reply = client.chat.completions.create(
    model=MODEL, messages=[{"role": "user", "content": "What is an API?"}], max_tokens=30
).choices[0].message.content
### END WRONG
