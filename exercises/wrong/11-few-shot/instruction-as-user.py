# expect: the roles should be
# Sends the instruction as a user message, where it reads as part of the conversation.
### BEGIN WRONG
messages = [{"role": "user", "content": instruction}] if instruction else []
for shown, answer in examples:
    messages += [{"role": "user", "content": shown}, {"role": "assistant", "content": answer}]
messages.append({"role": "user", "content": text})
return messages
### END WRONG
