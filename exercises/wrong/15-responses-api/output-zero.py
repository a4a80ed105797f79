# expect: a function_call item came first
# Reads the first item as if it were always the message: it breaks the day a tool call (or
# a reasoning model's reasoning item) comes first.
### BEGIN WRONG
if response.status != "completed":
    raise ValueError(f"the response did not complete ({response.status})")
return response.output[0].content[0].text
### END WRONG
