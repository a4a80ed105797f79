# expect: prompt tokens) and max_tokens=
# Prices the prompt only: the answer, up to max_tokens, is the dear part.
### BEGIN WRONG 2
prompt = llmwidgets.count_message_tokens(messages, "gpt-4o-mini")
return prompt * PRICES["input_per_mtok"] / 1_000_000
### END WRONG
