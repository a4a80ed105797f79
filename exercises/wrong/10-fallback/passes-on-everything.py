# expect: a 400 for a bad request was passed on to the next provider
# Catches every API error: a malformed request goes round the whole chain, failing everywhere.
### BEGIN WRONG
last = None
for name, candidate, model in candidates:
    try:
        return name, candidate.chat.completions.create(model=model, messages=messages, **params)
    except openai.APIError as error:
        last = error
raise last
### END WRONG
