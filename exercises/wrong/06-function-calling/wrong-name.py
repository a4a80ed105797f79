# expect: 'currency_converter' was called, not 'convert_currency'
# The tool described under another name than the one the program runs.
### BEGIN WRONG
tool = {
    "type": "function",
    "function": {"name": "currency_converter", "parameters": PARAMETERS},
}
reply = client.chat.completions.create(
    model=MODEL,
    messages=[{"role": "user", "content": "How much is 20 euros in dollars?"}],
    tools=[tool],
    tool_choice={"type": "function", "function": {"name": "currency_converter"}},
    temperature=0,
    max_tokens=80,
)
### END WRONG
