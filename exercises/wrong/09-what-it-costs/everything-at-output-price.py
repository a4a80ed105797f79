# expect: for 1,000 prompt and 0 completion tokens cost_usd gave
# All tokens at the output price: prompts are read at the (cheaper) input price.
### BEGIN WRONG
return usage.total_tokens * PRICES["output_per_mtok"] / 1_000_000
### END WRONG
