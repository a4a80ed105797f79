# expect: would draw exactly what is missing
# When fewer choices came back, throws them away and draws all n again.
### BEGIN WRONG
try:
    reply = client.chat.completions.create(model=model, messages=messages, n=n, **params)
    if len(reply.choices) == n:
        return [choice.message.content for choice in reply.choices]
except openai.BadRequestError:
    pass
answers = []
while len(answers) < n:
    reply = client.chat.completions.create(model=model, messages=messages, **params)
    answers.append(reply.choices[0].message.content)
return answers
### END WRONG
