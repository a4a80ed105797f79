# expect: changed the examples
# Pops the examples off the list it was given: the next call has none left.
### BEGIN WRONG
messages = [{"role": "system", "content": instruction}] if instruction else []
while examples:
    shown, answer = examples.pop(0)
    messages += [{"role": "user", "content": shown}, {"role": "assistant", "content": answer}]
messages.append({"role": "user", "content": text})
return messages
### END WRONG
