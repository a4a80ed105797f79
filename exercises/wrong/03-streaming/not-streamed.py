# expect: no request streamed
# The right text and usage, from a request that never streamed.
### BEGIN WRONG
reply = client.chat.completions.create(
    model=MODEL,
    messages=[{"role": "user", "content": question}],
    max_tokens=40,
    temperature=0,
)
return reply.choices[0].message.content, reply.usage
### END WRONG
