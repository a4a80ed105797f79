# expect: every candidate failed, yet it returned None
# Gives up quietly: the caller gets None and no reason.
### BEGIN WRONG
for name, candidate, model in candidates:
    try:
        return name, candidate.chat.completions.create(model=model, messages=messages, **params)
    except PASS_ON:
        continue
return None
### END WRONG
