# expect: the roles should be
# Writes the examples into the system message as text: it may work, but it is not what the
# roles are for, and the exercise asks for the conversation form.
### BEGIN WRONG
shown = "\n".join(f"{q} -> {a}" for q, a in examples)
system = "\n".join(part for part in (instruction, shown) if part)
return [{"role": "system", "content": system}, {"role": "user", "content": text}]
### END WRONG
