# expect: NotFoundError stopped the chain
# Treats an unknown model as everyone's problem: the next provider has its own model ids.
### BEGIN WRONG
last = None
for name, candidate, model in candidates:
    try:
        return name, candidate.chat.completions.create(model=model, messages=messages, **params)
    except (openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError) as error:
        last = error
raise last
### END WRONG
