# expect: amount is 30
# A valid call, for another question than the one asked.
### BEGIN WRONG
tool = {
    "type": "function",
    "function": {"name": "convert_currency", "parameters": PARAMETERS},
}
reply = client.chat.completions.create(
    model=MODEL,
    messages=[{"role": "user", "content": "How much is 30 pounds in yen?"}],
    tools=[tool],
    tool_choice={"type": "function", "function": {"name": "convert_currency"}},
    temperature=0,
    max_tokens=80,
)
### END WRONG
