# expect: this reply did not come from a request
# A tool call written by hand: no model chose it.
### BEGIN WRONG
from openai.types.chat import ChatCompletion

reply = ChatCompletion.model_validate({
    "id": "chatcmpl-made-up", "object": "chat.completion", "created": 0, "model": MODEL,
    "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
        "role": "assistant", "content": None, "tool_calls": [{
            "id": "call_1", "type": "function", "function": {
                "name": "convert_currency",
                "arguments": '{"amount": 20, "from_currency": "EUR", "to_currency": "USD"}',
            }}]}}],
})
### END WRONG
