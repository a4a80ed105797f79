# expect: the roles should be
# Always sends a system message, even an empty one when there is no instruction.
### BEGIN WRONG
messages = [{"role": "system", "content": instruction or ""}]
for shown, answer in examples:
    messages += [{"role": "user", "content": shown}, {"role": "assistant", "content": answer}]
messages.append({"role": "user", "content": text})
return messages
### END WRONG
