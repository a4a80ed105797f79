# expect: a 401 was retried
# Retries every API error, a wrong key included: no wait makes a bad key good.
### BEGIN WRONG 2
for attempt in range(3):
    try:
        return call()
    except openai.APIStatusError as error:
        if attempt == 2:
            raise
        asked = error.response.headers.get("retry-after")
        time.sleep(seconds_to_wait(asked) if asked else 0.1)
### END WRONG
