# expect: a 400 was retried
# Retries every API error but a wrong key, a malformed request included.
### BEGIN WRONG
from openai import APIError

model = kwargs.pop("model", "llama3.2")
for attempt in range(max_retries):
    try:
        return client.chat.completions.create(model=model, messages=messages, **kwargs)
    except AuthenticationError:
        raise
    except APIError as error:
        if attempt == max_retries - 1:
            raise
        response = getattr(error, "response", None)
        asked = response.headers.get("retry-after") if response is not None else None
        time.sleep(seconds_to_wait(asked) if asked else 0.1)
### END WRONG
