# expect: a retry came
# Retries at once, as fast as it can: the server asked it to wait.
### BEGIN WRONG 2
for attempt in range(200):
    try:
        return call()
    except openai.RateLimitError:
        if attempt == 199:
            raise
### END WRONG
