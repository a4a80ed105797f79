# expect: continue with previous_response_id and send only the new question
# Resends the history even where the server keeps it: it works, but every turn carries
# the whole conversation again, which the server already has.
### BEGIN WRONG 2
return client.responses.create(
    model=MODEL,
    input=[*history, {"role": "user", "content": question}],
    max_output_tokens=40,
    temperature=0,
)
### END WRONG
