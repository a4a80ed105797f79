# expect: sent the history and previous_response_id together
# Sends everything, to be safe: the server already holds the history, so the model reads
# it twice (and OpenAI refuses the items it already has).
### BEGIN WRONG 2
return client.responses.create(
    model=MODEL,
    previous_response_id=previous.id if previous is not None else None,
    input=[*history, {"role": "user", "content": question}],
    max_output_tokens=40,
    temperature=0,
)
### END WRONG
