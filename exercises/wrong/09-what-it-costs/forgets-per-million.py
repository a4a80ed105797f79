# expect: cost_usd gave
# Prices are per million tokens: this bills each token at the price of a million.
### BEGIN WRONG
return usage.prompt_tokens * PRICES["input_per_mtok"] + usage.completion_tokens * PRICES["output_per_mtok"]
### END WRONG
