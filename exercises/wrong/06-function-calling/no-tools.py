# expect: no tool was called
# Asks the question without describing the tool: the model can only answer in words.
### BEGIN WRONG
reply = client.chat.completions.create(
    model=MODEL,
    messages=[{"role": "user", "content": "How much is 20 euros in dollars?"}],
    temperature=0,
    max_tokens=80,
)
### END WRONG
