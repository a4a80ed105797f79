# expect: the request did not send stop
# The whole list generated (and paid for), then cut in Python.
### BEGIN WRONG
STOP = "4."
reply = client.chat.completions.create(
    model=MODEL,
    messages=[{"role": "user", "content": "List ten fruits as a numbered list, one per line."}],
    temperature=0,
    max_tokens=120,
)
message = reply.choices[0].message
message.content = message.content.split(STOP)[0]
reply.choices[0].finish_reason = "stop"
### END WRONG
