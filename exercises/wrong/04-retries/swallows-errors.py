# expect: a 401 came back as a result
# Turns a failure into None: the caller never learns the key is wrong.
### BEGIN WRONG 2
for attempt in range(attempts):
    try:
        return call()
    except openai.RateLimitError as error:
        time.sleep(seconds_to_wait(error.response.headers.get("retry-after", "1")))
    except openai.APIError:
        return None
### END WRONG
