# expect: numbered items, not 3
# A newline stop ends the answer after its first line.
### BEGIN WRONG
STOP = "\n"
reply = client.chat.completions.create(
    model=MODEL,
    messages=[{"role": "user", "content": "List ten fruits as a numbered list, one per line."}],
    stop=[STOP],
    temperature=0,
    max_tokens=120,
)
### END WRONG
