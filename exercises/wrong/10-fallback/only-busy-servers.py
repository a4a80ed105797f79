# expect: APIConnectionError stopped the chain
# Passes on 429s and 5xx only: an unreachable provider stops the chain.
### BEGIN WRONG
last = None
for name, candidate, model in candidates:
    try:
        return name, candidate.chat.completions.create(model=model, messages=messages, **params)
    except (openai.RateLimitError, openai.InternalServerError) as error:
        last = error
raise last
### END WRONG
