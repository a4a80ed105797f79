# expect: a retry came
# Doubles from one second whatever the server said.
### BEGIN WRONG 2
for attempt in range(attempts):
    try:
        return call()
    except (openai.RateLimitError, openai.InternalServerError, openai.APIConnectionError):
        if attempt == attempts - 1:
            raise
        time.sleep(2**attempt)
### END WRONG
