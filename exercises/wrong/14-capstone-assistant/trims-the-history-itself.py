# expect: changed the history
# Deletes the old turns from the history it was given: the next question has lost them for good.
### BEGIN WRONG 2
start = 1 if messages and messages[0]["role"] == "system" else 0
while count(messages) > budget:
    users = [i for i, m in enumerate(messages) if m["role"] == "user"]
    if len(users) < 2:
        break
    del messages[start : users[1]]
return messages
### END WRONG
