# expect: email is 'grace@example.com'
# A valid record with a wrong value: nothing told the model to copy, so it guessed .com.
# (On the sandbox's model; a bigger model may copy it right, which is why checks compare.)
### BEGIN WRONG
reply = client.chat.completions.create(
    model=MODEL,
    messages=[{"role": "user", "content": f"Extract the contact: {SENTENCE}"}],
    response_format={
        "type": "json_schema",
        "json_schema": {"name": "contact", "strict": True, "schema": CONTACT},
    },
    temperature=0,
    max_tokens=300,
)
text = reply.choices[0].message.content
### END WRONG
