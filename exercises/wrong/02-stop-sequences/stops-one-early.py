# expect: numbered items, not 3
# Stopping at "3." ends the list after two items.
### BEGIN WRONG
STOP = "3."
reply = client.chat.completions.create(
    model=MODEL,
    messages=[{"role": "user", "content": "List ten fruits as a numbered list, one per line."}],
    stop=[STOP],
    temperature=0,
    max_tokens=120,
)
### END WRONG
