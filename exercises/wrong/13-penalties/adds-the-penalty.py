# expect: should score
# Raises the scores of used tokens instead of lowering them: repetition gets more likely.
### BEGIN WRONG
return {
    token: score + generated.count(token) * frequency_penalty + (token in generated) * presence_penalty
    for token, score in logits.items()
}
### END WRONG
