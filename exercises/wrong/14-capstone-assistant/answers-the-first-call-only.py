# expect: send one `tool` message per call
# Runs only the first of the calls the model made at once: OpenAI answers 400 when a call
# has no result.
### BEGIN WRONG 6
pending = [*self.messages, {"role": "user", "content": text}]
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
        self.messages = pending
        return message["content"] or ""
    call = message["tool_calls"][0]
    pending.append({"role": "tool", "tool_call_id": call["id"], "content": self._run(call)})
    tool_choice = None
raise RuntimeError(f"no answer after {max_rounds} rounds of tool calls")
### END WRONG
