# expect: a candidate was asked twice
# Retries each provider before moving on: slower, and the failing ones fail again.
### BEGIN WRONG
last = None
for name, candidate, model in candidates:
    for attempt in range(2):
        try:
            return name, candidate.chat.completions.create(model=model, messages=messages, **params)
        except PASS_ON as error:
            last = error
raise last
### END WRONG
