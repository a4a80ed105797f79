# expect: should score
# Applies the frequency penalty once per token, like the presence penalty: a token used
# three times is penalised no more than one used once.
### BEGIN WRONG
return {
    token: score - (token in generated) * (frequency_penalty + presence_penalty)
    for token, score in logits.items()
}
### END WRONG
