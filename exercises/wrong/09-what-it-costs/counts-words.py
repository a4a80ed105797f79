# expect: prompt tokens) and max_tokens=
# Counts words, not tokens: a model reads tokens, and framing tokens around every message.
### BEGIN WRONG 2
words = sum(len(m["content"].split()) for m in messages)
return (words * PRICES["input_per_mtok"] + max_tokens * PRICES["output_per_mtok"]) / 1_000_000
### END WRONG
