"""The body of `POST /v1/responses` the sandbox accepts, checked as OpenAI checks it.

The shapes follow OpenAI's `CreateResponse` schema: `input` as a text or as items (messages
with text parts, `function_call`, `function_call_output`), function tools with their name
at the top level (not under `function`, as chat has it), `tool_choice` as
`{"type": "function", "name": ...}`, and the output format under `text.format`. Every
field the schema makes nullable takes `null`, and means what leaving it out means.

OpenAI's built-in tools (`web_search`, `file_search`, ...) are valid requests that the
sandbox's model cannot serve: `responding.py` refuses them by name, as OpenAI refuses a
tool that a model lacks.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import Discriminator, Field, Tag

from .schemas import NOT_NULL, JSONSchemaFormat, Number, _Strict

__all__ = ["BUILT_IN_TOOLS", "InputItem", "ResponsesRequest"]

# The tool types of OpenAI's `Tool` schema other than `function`.
BUILT_IN_TOOLS = (
    "file_search",
    "computer",
    "computer_use_preview",
    "web_search",
    "web_search_2025_08_26",
    "web_search_preview",
    "web_search_preview_2025_03_11",
    "mcp",
    "code_interpreter",
    "programmatic_tool_calling",
    "image_generation",
    "local_shell",
    "shell",
    "custom",
    "namespace",
    "tool_search",
    "apply_patch",
)


class InputText(_Strict):
    type: Literal["input_text"]
    text: str
    prompt_cache_breakpoint: dict[str, Any] | None = None


class OutputText(_Strict):
    """An earlier answer's text, as `response.output` items carry it back in."""

    type: Literal["output_text"]
    text: str
    annotations: list[dict[str, Any]] = NOT_NULL
    logprobs: list[dict[str, Any]] | None = None


class Refusal(_Strict):
    type: Literal["refusal"]
    refusal: str


def by_type(*models: type[_Strict], default: str | None = None) -> Discriminator:
    """Chooses among `models` by each one's `type` literal (`default` when a value has
    none). The tags are the class names, which `bodies.py` leaves out of an error's
    `param`: a client reads `input[0].content`, not the name of a union member."""
    names = {_literal(m): m.__name__ for m in models}

    def tag(value: Any) -> str | None:
        if isinstance(value, dict):
            kind = value.get("type", default)
        else:
            kind = getattr(value, "type", None)
        return names.get(kind, kind)

    known = ", ".join(f"'{kind}'" for kind in names)
    return Discriminator(
        tag,
        custom_error_type="invalid_type",
        custom_error_message=f"its `type` should be one of {known} (the sandbox reads text)",
    )


def _literal(model: type[_Strict]) -> Any:
    return get_args(model.model_fields["type"].annotation)[0]


Part = Annotated[
    Annotated[InputText, Tag("InputText")]
    | Annotated[OutputText, Tag("OutputText")]
    | Annotated[Refusal, Tag("Refusal")],
    by_type(InputText, OutputText, Refusal),
]


class MessageItem(_Strict):
    """A message: `{"role": "user", "content": "..."}`, or as a response returned it."""

    type: Literal["message"] = "message"
    role: Literal["user", "assistant", "system", "developer"]
    content: str | list[Part]
    id: str = NOT_NULL
    status: Literal["in_progress", "completed", "incomplete"] = NOT_NULL
    phase: str | None = None


class FunctionCallItem(_Strict):
    """A call the model made, sent back with the history: its `call_id` is what the
    output answering it names."""

    type: Literal["function_call"]
    call_id: str
    name: str
    arguments: str
    id: str = NOT_NULL
    status: Literal["in_progress", "completed", "incomplete"] = NOT_NULL
    # Fields of a call as a proxy returns it, sent back with it: LiteLLM adds these as nulls
    # (its `async` as `async_`, its own field's name, which is taken too).
    model_config = _Strict.model_config | {"populate_by_name": True}
    namespace: str | None = None
    caller: dict[str, Any] | None = None
    async_: Annotated[bool | None, Field(alias="async")] = None


class FunctionCallOutputItem(_Strict):
    type: Literal["function_call_output"]
    call_id: Annotated[str, Field(min_length=1, max_length=64)]
    output: str | list[InputText]
    id: str | None = None
    status: Literal["in_progress", "completed", "incomplete"] | None = None


# A message may leave out its `type`: it is the one item that can.
InputItem = Annotated[
    Annotated[MessageItem, Tag("MessageItem")]
    | Annotated[FunctionCallItem, Tag("FunctionCallItem")]
    | Annotated[FunctionCallOutputItem, Tag("FunctionCallOutputItem")],
    by_type(MessageItem, FunctionCallItem, FunctionCallOutputItem, default="message"),
]


class FunctionTool(_Strict):
    type: Literal["function"]
    name: Annotated[str, Field(pattern=r"^[a-zA-Z0-9_-]{1,64}$")]
    description: str | None = None
    parameters: dict[str, Any] | None = None
    strict: bool | None = None


class BuiltInTool(_Strict):
    """One of OpenAI's own tools: accepted as a shape, refused by name when planned."""

    model_config = _Strict.model_config | {"extra": "allow"}
    type: Literal[BUILT_IN_TOOLS]  # type: ignore[valid-type]


def _tool_kind(value: Any) -> str:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return "FunctionTool" if kind == "function" else "BuiltInTool"


Tool = Annotated[
    Annotated[FunctionTool, Tag("FunctionTool")] | Annotated[BuiltInTool, Tag("BuiltInTool")],
    Discriminator(_tool_kind),
]


class FunctionChoice(_Strict):
    type: Literal["function"]
    name: str


class AllowedToolReference(_Strict):
    type: Literal["function"]
    name: str


class AllowedToolsChoice(_Strict):
    type: Literal["allowed_tools"]
    mode: Literal["auto", "required"]
    tools: Annotated[list[AllowedToolReference], Field(min_length=1)]


ToolChoice = (
    Literal["none", "auto", "required"]
    | Annotated[
        Annotated[FunctionChoice, Tag("FunctionChoice")]
        | Annotated[AllowedToolsChoice, Tag("AllowedToolsChoice")],
        by_type(FunctionChoice, AllowedToolsChoice),
    ]
)


class TextFormatText(_Strict):
    type: Literal["text"]


class TextFormatJSONObject(_Strict):
    type: Literal["json_object"]


class TextFormatJSONSchema(JSONSchemaFormat):
    """`text.format` of type json_schema: chat's `json_schema` fields, one level up."""

    type: Literal["json_schema"]


TextFormat = Annotated[
    Annotated[TextFormatText, Tag("TextFormatText")]
    | Annotated[TextFormatJSONObject, Tag("TextFormatJSONObject")]
    | Annotated[TextFormatJSONSchema, Tag("TextFormatJSONSchema")],
    by_type(TextFormatText, TextFormatJSONObject, TextFormatJSONSchema),
]


class TextOptions(_Strict):
    format: TextFormat = NOT_NULL
    verbosity: Literal["low", "medium", "high"] | None = None


class StreamOptions(_Strict):
    include_obfuscation: bool = NOT_NULL


class ResponsesRequest(_Strict):
    model: str
    input: str | list[InputItem] = NOT_NULL
    instructions: str | None = None
    max_output_tokens: Annotated[int, Field(ge=16)] | None = None
    temperature: Annotated[Number, Field(ge=0, le=2)] | None = None
    top_p: Annotated[Number, Field(ge=0, le=1)] | None = None
    tools: list[Tool] = NOT_NULL
    tool_choice: ToolChoice = NOT_NULL
    parallel_tool_calls: bool | None = None
    text: TextOptions = NOT_NULL
    stream: bool | None = None
    stream_options: StreamOptions | None = None
    store: bool | None = None
    previous_response_id: str | None = None
    metadata: (
        Annotated[dict[str, Annotated[str, Field(max_length=512)]], Field(max_length=16)] | None
    ) = None
    truncation: Literal["auto", "disabled"] | None = None
    include: list[str] | None = None
    top_logprobs: Annotated[int, Field(ge=0, le=20)] = NOT_NULL
    # Accepted for compatibility; they change nothing here.
    user: str = NOT_NULL
    safety_identifier: Annotated[str, Field(max_length=64)] | None = None
    prompt_cache_key: str | None = None
    service_tier: str | None = None
    background: bool | None = None
    max_tool_calls: int | None = None

    @property
    def items(self) -> list[MessageItem | FunctionCallItem | FunctionCallOutputItem]:
        """`input` as items: a text is one user message."""
        if self.input is None:
            return []
        if isinstance(self.input, str):
            return [MessageItem(role="user", content=self.input)]
        return list(self.input)
