# expect: the request did not send stop
# Cut by length: the list ends wherever the budget runs out, mid-word if need be.
### BEGIN WRONG
STOP = "4."
reply = client.chat.completions.create(
    model=MODEL,
    messages=[{"role": "user", "content": "List ten fruits as a numbered list, one per line."}],
    temperature=0,
    max_tokens=12,
)
### END WRONG
