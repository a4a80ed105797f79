"""The widget layer: everything that imports ipywidgets or anywidget lives here.

| module          | what it shows                                                   |
|-----------------|-----------------------------------------------------------------|
| `cell`          | `StreamCell`: one streamed completion, Stop, time to first token |
| `chat`          | `Chat`: a conversation, streamed, edited, forked, as `messages` |
| `compare`       | `compare()`: one prompt to several lanes at once, and a word diff |
| `inspector`     | `inspect(client)`: each HTTP exchange, a stream's timeline, curl and Python |
| `embeddings`    | `EmbeddingsExplorer`: a similarity heatmap, a 2-D map, nearest texts |
| `token_view`    | `TokenView`: a tokenizer's cut, or an answer's tokens by probability |
| `playground`    | `Playground`: every request parameter as a control, the request beside it |
| `bundle`        | the static (HTML and text) view every widget adds for nbconvert  |
| `magics`        | `%%chat` and `%llm`, after `%load_ext llmwidgets`               |
| `session`       | `chat()`: a new stream cell that records into the session meter |
| `selector`      | `ProviderSelector` and its `KeyField` (a key that is never state) |
| `meter`         | `CostMeter`: a `UsageLog` shown as a live summary                |
| `meter_view`    | the meter's HTML                                                |
| `static/`       | the JavaScript and CSS the anywidgets load                      |

The core below (`providers`, `keys`, `client`, `usage`, `streaming`, ...) never imports
this package; public names are exported from `llmwidgets` itself.
"""
