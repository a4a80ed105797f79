# expect: drop whole turns
# Drops the oldest message, one at a time, until the prompt fits: it can cut a turn in half
# and keep a tool result whose call is gone.
### BEGIN WRONG 2
system = messages[:1] if messages and messages[0]["role"] == "system" else []
rest = list(messages[len(system) :])
while len(rest) > 1 and count(system + rest) > budget:
    rest.pop(0)
return system + rest
### END WRONG
