# expect: send only the new question
# Continues by previous_response_id, but sends the earlier answer again as well: the
# server already holds it, so the model reads it twice.
### BEGIN WRONG 2
if previous is None:
    return client.responses.create(model=MODEL, input=question, max_output_tokens=40, temperature=0)
return client.responses.create(
    model=MODEL,
    previous_response_id=previous.id,
    input=[{"role": "assistant", "content": previous.output_text}, {"role": "user", "content": question}],
    max_output_tokens=40,
    temperature=0,
)
### END WRONG
