# expect: after a 429 whose Retry-After asked for
# Doubles from one second, as the reference does, whatever the server asked for.
### BEGIN WRONG
model = kwargs.pop("model", "llama3.2")
for attempt in range(max_retries):
    try:
        return client.chat.completions.create(model=model, messages=messages, **kwargs)
    except (AuthenticationError, BadRequestError):
        raise
    except (RateLimitError, InternalServerError, APIConnectionError):
        if attempt == max_retries - 1:
            raise
        time.sleep(2**attempt)
### END WRONG
