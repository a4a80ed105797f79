# expect: the roles should be
# Sends each example's answer as another user message: the model sees a list of inputs,
# not a conversation it has had.
### BEGIN WRONG
messages = [{"role": "system", "content": instruction}] if instruction else []
for shown, answer in examples:
    messages += [{"role": "user", "content": shown}, {"role": "user", "content": answer}]
messages.append({"role": "user", "content": text})
return messages
### END WRONG
