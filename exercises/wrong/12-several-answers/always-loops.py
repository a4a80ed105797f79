# expect: the first request should ask for all 3 at once
# Never uses n: correct everywhere, but it pays for the prompt n times where one would do.
### BEGIN WRONG
return [
    client.chat.completions.create(model=model, messages=messages, **params).choices[0].message.content
    for _ in range(n)
]
### END WRONG
