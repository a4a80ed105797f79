# expect: include_usage
# Streams, but never asks for the usage chunk: the budget would count nothing.
### BEGIN WRONG
stream = client.chat.completions.create(model=model, messages=messages, stream=True, **params)
text, calls, usage = [], {}, None
for chunk in stream:
    if chunk.usage:
        usage = chunk.usage
    if not chunk.choices:
        continue
    delta = chunk.choices[0].delta
    if delta.content:
        print(delta.content, end="", flush=True)
        text.append(delta.content)
    for piece in delta.tool_calls or []:
        call = calls.setdefault(
            piece.index, {"id": "", "type": "function", "function": {"name": "", "arguments": ""}}
        )
        call["id"] = call["id"] or piece.id or ""
        if piece.function:
            call["function"]["name"] = call["function"]["name"] or piece.function.name or ""
            call["function"]["arguments"] += piece.function.arguments or ""
message = {"role": "assistant", "content": "".join(text) or None}
if calls:
    message["tool_calls"] = [calls[i] for i in sorted(calls)]
return message, usage
### END WRONG
