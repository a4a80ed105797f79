# expect: no user message
# A system message alone: nobody asked anything.
### BEGIN WRONG 2
reply = client.chat.completions.create(
    model=MODEL, messages=[{"role": "system", "content": "What is an API?"}], max_tokens=30
)
### END WRONG
