# expect: the stream never carried usage
# Streamed, but usage never asked for: a word count stands in for it.
### BEGIN WRONG
from types import SimpleNamespace

stream = client.chat.completions.create(
    model=MODEL,
    messages=[{"role": "user", "content": question}],
    max_tokens=40,
    temperature=0,
    stream=True,
)
text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
return text, SimpleNamespace(completion_tokens=len(text.split()))
### END WRONG
