# expect: wrong key (401) was passed on
# Passes on every API error, a wrong key included: the fallback hides a mistake to fix.
### BEGIN WRONG 4
last = None
for name, client, model in self.candidates:
    try:
        return stream_turn(client, model, messages, **params)
    except openai.APIError as error:
        last = error
raise last
### END WRONG
