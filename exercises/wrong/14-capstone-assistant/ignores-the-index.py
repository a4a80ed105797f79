# expect: keep one call per `index`
# Joins every fragment of every call into one call: two calls at once become one garbled one.
### BEGIN WRONG
stream = client.chat.completions.create(
    model=model, messages=messages, stream=True, stream_options={"include_usage": True}, **params
)
text, call, usage = [], None, None
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
        if call is None:
            call = {"id": piece.id, "type": "function", "function": {"name": "", "arguments": ""}}
        if piece.function:
            call["function"]["name"] = call["function"]["name"] or piece.function.name or ""
            call["function"]["arguments"] += piece.function.arguments or ""
message = {"role": "assistant", "content": "".join(text) or None}
if call:
    message["tool_calls"] = [call]
return message, usage
### END WRONG
