# expect: a retry sent model 'llama3.2'
# The reference's code as published: `kwargs.pop` inside the loop takes the model out after
# the first attempt, so every retry asks for "llama3.2".
### BEGIN WRONG
from openai import APIError

for attempt in range(max_retries):
    try:
        return client.chat.completions.create(
            model=kwargs.pop("model", "llama3.2"),
            messages=messages,
            **kwargs
        )
    except RateLimitError as e:
        wait = 2 ** attempt  # Exponential backoff
        print(f"Rate limited, waiting {wait}s...")
        time.sleep(wait)
    except APIConnectionError as e:
        print(f"Connection error: {e}")
        time.sleep(1)
    except AuthenticationError as e:
        raise  # Don't retry auth errors
    except BadRequestError as e:
        print(f"Bad request: {e}")
        raise  # Don't retry bad requests
    except APIError as e:
        print(f"API error: {e}")
        if attempt == max_retries - 1:
            raise
raise Exception("Max retries exceeded")
### END WRONG
