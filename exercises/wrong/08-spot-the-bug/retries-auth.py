# expect: a 401 was retried
# Retries every status but 400: a wrong key is retried as if it could come right.
### BEGIN WRONG
from openai import APIStatusError

model = kwargs.pop("model", "llama3.2")
for attempt in range(max_retries):
    try:
        return client.chat.completions.create(model=model, messages=messages, **kwargs)
    except BadRequestError:
        raise
    except (APIStatusError, APIConnectionError) as error:
        if attempt == max_retries - 1:
            raise
        response = getattr(error, "response", None)
        asked = response.headers.get("retry-after") if response is not None else None
        time.sleep(seconds_to_wait(asked) if asked else 0.1)
### END WRONG
