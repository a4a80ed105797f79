# expect: a refused n should not end it
# Lets Groq's 400 for n escape instead of falling back to a loop.
### BEGIN WRONG
answers = [
    c.message.content
    for c in client.chat.completions.create(model=model, messages=messages, n=n, **params).choices
]
while len(answers) < n:
    reply = client.chat.completions.create(model=model, messages=messages, **params)
    answers.append(reply.choices[0].message.content)
return answers
### END WRONG
