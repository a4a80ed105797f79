# expect: for 1,000 prompt and 0 completion tokens cost_usd gave
# Input and output prices the wrong way round.
### BEGIN WRONG
return (
    usage.prompt_tokens * PRICES["output_per_mtok"]
    + usage.completion_tokens * PRICES["input_per_mtok"]
) / 1_000_000
### END WRONG
