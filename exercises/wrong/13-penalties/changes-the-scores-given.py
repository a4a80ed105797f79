# expect: return a new dict
# Right numbers, but written into the caller's dict: its scores before the penalty are lost.
### BEGIN WRONG
for token in logits:
    count = generated.count(token)
    logits[token] -= count * frequency_penalty + (count > 0) * presence_penalty
return logits
### END WRONG
