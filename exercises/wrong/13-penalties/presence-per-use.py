# expect: should score
# Multiplies the presence penalty by the count: then it is just a second frequency penalty.
### BEGIN WRONG
return {
    token: score - generated.count(token) * (frequency_penalty + presence_penalty)
    for token, score in logits.items()
}
### END WRONG
