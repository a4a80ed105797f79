# expect: no request asked for this schema
# JSON mode promises JSON, not these fields: the schema never reached the provider.
### BEGIN WRONG
reply = client.chat.completions.create(
    model=MODEL,
    messages=[
        {"role": "system", "content": "Answer in JSON with keys name, email and city."},
        {"role": "user", "content": f"Extract the contact: {SENTENCE}"},
    ],
    response_format={"type": "json_object"},
    temperature=0,
    max_tokens=300,
)
text = reply.choices[0].message.content
### END WRONG
