# expect: ask for one answer at a time
# Sends n=n again in the loop: Groq refuses every one of them.
### BEGIN WRONG
answers = []
try:
    reply = client.chat.completions.create(model=model, messages=messages, n=n, **params)
    answers = [choice.message.content for choice in reply.choices]
except openai.BadRequestError:
    pass
while len(answers) < n:
    try:
        reply = client.chat.completions.create(
            model=model, messages=messages, n=n - len(answers), **params
        )
    except openai.BadRequestError:
        reply = client.chat.completions.create(model=model, messages=messages, **params)
    answers += [choice.message.content for choice in reply.choices]
return answers[:n]
### END WRONG
