# expect: gave up with Exception, not the InternalServerError
# The model fixed, but running out of retries still ends in a bare Exception: the caller
# loses the status, the message and the Retry-After.
### BEGIN WRONG
model = kwargs.pop("model", "llama3.2")
for attempt in range(max_retries):
    try:
        return client.chat.completions.create(model=model, messages=messages, **kwargs)
    except (AuthenticationError, BadRequestError):
        raise
    except (RateLimitError, InternalServerError, APIConnectionError) as error:
        if attempt < max_retries - 1:
            asked = error.response.headers.get("retry-after") if hasattr(error, "response") else None
            time.sleep(seconds_to_wait(asked) if asked else 2**attempt)
raise Exception("Max retries exceeded")
### END WRONG
