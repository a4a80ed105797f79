# expect: `text` is not what the model answered
# The model's answer, "corrected" by hand afterwards.
### BEGIN WRONG
import json

reply = client.chat.completions.create(
    model=llmwidgets.get_provider(PROVIDER).json_schema_model(MODEL),
    messages=[{"role": "user", "content": f"Extract the contact: {SENTENCE}"}],
    response_format={
        "type": "json_schema",
        "json_schema": {"name": "contact", "strict": True, "schema": CONTACT},
    },
    temperature=0,
    max_tokens=300,
)
data = json.loads(reply.choices[0].message.content)
data["email"] = "grace@example.org"
text = json.dumps(data)
### END WRONG
