# expect: a refused question should leave the history as it was
# Adds the question to the history before asking: when every provider fails, it stays there
# unanswered, and goes out again with the next question.
### BEGIN WRONG 6
self.messages.append({"role": "user", "content": text})
pending = self.messages
for _ in range(max_rounds):
    if self.spent_usd >= self.budget_usd:
        raise BudgetSpent(f"spent ${self.spent_usd:.6f} of ${self.budget_usd}")
    options = {"max_tokens": self.reply_tokens, **params}
    if self.tools:
        options["tools"] = self.tools
        if tool_choice is not None:
            options["tool_choice"] = tool_choice
    message, usage = self._first_that_answers(
        trim(pending, self.window - self.reply_tokens), **options
    )
    self.spent_usd += self._cost(usage)
    pending.append(message)
    if not message.get("tool_calls"):
        return message["content"] or ""
    for call in message["tool_calls"]:
        pending.append({"role": "tool", "tool_call_id": call["id"], "content": self._run(call)})
    tool_choice = None
raise RuntimeError(f"no answer after {max_rounds} rounds of tool calls")
### END WRONG
