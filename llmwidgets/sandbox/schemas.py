"""Request bodies the sandbox accepts, checked as strictly as OpenAI checks them.

A body that does not fit becomes a 400 that names the offending parameter, in OpenAI's
words, never a 500 (`bodies.parse_body`). Fields the sandbox accepts but has no use for
(`user`, `store`, ...) are accepted and ignored, as OpenAI-compatible servers usually do.

What OpenAI does with what it does not expect, and so the sandbox:

| sent                                          | OpenAI, and the sandbox                 |
|-----------------------------------------------|-----------------------------------------|
| an unknown top-level field                    | 400 "Unrecognized request argument"     |
| an unknown key in a message or content part   | 400, naming it (`messages[0].foo`)      |
| an unknown key beside a tool's `function`     | ignored (`"strict"` placed one level up) |
| `null` for a field the schema makes nullable  | as if left out                          |
| `null` for `tools` or `tool_choice`           | as if left out (not in the schema)      |
| `null` for another field the schema does not make nullable (`user`) | 400, naming it |
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["ChatRequest", "EmbeddingsRequest", "Message"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


# An optional field that OpenAI's schema does not make nullable: omitted, it is None; sent
# as `null`, it fails its type check and the client gets a 400 naming it, as from OpenAI.
NOT_NULL: Any = Field(default=None)


class TextPart(_Strict):
    type: Literal["text"]
    text: str


Content = str | list[TextPart]


class FunctionCall(_Strict):
    name: str
    arguments: str


class ToolCall(_Strict):
    id: str
    type: Literal["function"] = "function"
    function: FunctionCall


class SystemMessage(_Strict):
    role: Literal["system", "developer"]
    content: Content
    name: str | None = None


class UserMessage(_Strict):
    role: Literal["user"]
    content: Content
    name: str | None = None


class AssistantMessage(_Strict):
    role: Literal["assistant"]
    content: Content | None = None
    name: str | None = None
    tool_calls: list[ToolCall] | None = None
    refusal: str | None = None
    # A response's message appended as it is (`messages.append(completion.choices[0].message)`,
    # as OpenAI's guides do) carries these too; OpenAI accepts them, so they are read and ignored.
    annotations: list[dict[str, Any]] | None = None
    audio: dict[str, Any] | None = None
    function_call: FunctionCall | None = None

    @model_validator(mode="after")
    def _has_something(self) -> AssistantMessage:
        if self.content is None and not self.tool_calls:
            raise ValueError("an assistant message needs content or tool_calls")
        return self


class ToolMessage(_Strict):
    role: Literal["tool"]
    content: Content
    tool_call_id: str
    name: str = NOT_NULL  # not in the schema, but sent by older SDK examples; OpenAI takes it


Message = Annotated[
    SystemMessage | UserMessage | AssistantMessage | ToolMessage, Field(discriminator="role")
]


class FunctionDefinition(_Strict):
    name: Annotated[str, Field(pattern=r"^[a-zA-Z0-9_-]{1,64}$")]
    description: str | None = None
    parameters: dict[str, Any] | None = None
    strict: bool | None = None


class Tool(_Strict):
    """A function tool. A key beside `type` and `function` (`"strict": true` one level too
    high, as some guides write it) is ignored, as OpenAI ignores it: it does not reach the
    function, so such a tool is not strict."""

    model_config = _Strict.model_config | {"extra": "ignore"}
    type: Literal["function"]
    function: FunctionDefinition


class CustomToolDefinition(_Strict):
    name: str
    description: str = NOT_NULL
    format: dict[str, Any] = NOT_NULL


class CustomTool(_Strict):
    """Free-text tools (GPT-5's). Valid requests, which the sandbox's model cannot serve:
    it answers as OpenAI does for a model without them (prompt.py)."""

    type: Literal["custom"]
    custom: CustomToolDefinition


AnyTool = Annotated[Tool | CustomTool, Field(discriminator="type")]


class NamedFunction(_Strict):
    name: str


class NamedToolChoice(_Strict):
    type: Literal["function"]
    function: NamedFunction


class NamedCustomToolChoice(_Strict):
    type: Literal["custom"]
    custom: NamedFunction


ToolReference = Annotated[NamedToolChoice | NamedCustomToolChoice, Field(discriminator="type")]


class AllowedTools(_Strict):
    mode: Literal["auto", "required"]
    tools: Annotated[list[ToolReference], Field(min_length=1)]


class AllowedToolsChoice(_Strict):
    """Only these of `tools` may be called, in this mode: the tool list itself stays the
    same from request to request (so a provider's prompt cache still works)."""

    type: Literal["allowed_tools"]
    allowed_tools: AllowedTools


ToolChoiceObject = Annotated[
    NamedToolChoice | NamedCustomToolChoice | AllowedToolsChoice, Field(discriminator="type")
]


class JSONSchemaFormat(_Strict):
    name: Annotated[str, Field(pattern=r"^[a-zA-Z0-9_-]{1,64}$")]
    description: str | None = None
    schema_: Annotated[dict[str, Any] | None, Field(alias="schema")] = None
    strict: bool | None = None


class TextFormat(_Strict):
    type: Literal["text"]


class JSONObjectFormat(_Strict):
    type: Literal["json_object"]


class JSONSchemaResponseFormat(_Strict):
    type: Literal["json_schema"]
    json_schema: JSONSchemaFormat


ResponseFormat = Annotated[
    TextFormat | JSONObjectFormat | JSONSchemaResponseFormat, Field(discriminator="type")
]


class StreamOptions(_Strict):
    include_usage: bool | None = None
    include_obfuscation: bool | None = None


Number = Annotated[float, Field(allow_inf_nan=False)]


class ChatRequest(_Strict):
    model: str
    messages: Annotated[list[Message], Field(min_length=1)]
    temperature: Annotated[Number, Field(ge=0, le=2)] | None = None
    top_p: Annotated[Number, Field(ge=0, le=1)] | None = None
    n: Annotated[int, Field(ge=1, le=8)] | None = None
    max_tokens: Annotated[int, Field(ge=1)] | None = None
    max_completion_tokens: Annotated[int, Field(ge=1)] | None = None
    stop: str | Annotated[list[str], Field(max_length=4)] | None = None
    presence_penalty: Annotated[Number, Field(ge=-2, le=2)] | None = None
    frequency_penalty: Annotated[Number, Field(ge=-2, le=2)] | None = None
    seed: int | None = None
    logit_bias: dict[str, Annotated[Number, Field(ge=-100, le=100)]] | None = None
    logprobs: bool | None = None
    top_logprobs: Annotated[int, Field(ge=0, le=20)] | None = None
    response_format: ResponseFormat = NOT_NULL
    # `null` is not in the schema for these two, but OpenAI answers it as if they were left
    # out, and a common helper (`tools=None, tool_choice=None` passed on) sends it.
    tools: list[AnyTool] | None = None
    tool_choice: Literal["none", "auto", "required"] | ToolChoiceObject | None = None
    parallel_tool_calls: bool = NOT_NULL
    stream: bool | None = None
    stream_options: StreamOptions | None = None
    # Accepted for compatibility; they change nothing here.
    user: str = NOT_NULL
    metadata: dict[str, str] | None = None
    store: bool | None = None
    service_tier: str | None = None
    prompt_cache_key: str | None = None
    safety_identifier: str | None = None

    @property
    def stop_sequences(self) -> list[str]:
        if self.stop is None:
            return []
        return [self.stop] if isinstance(self.stop, str) else list(self.stop)

    @property
    def token_limit(self) -> int | None:
        return self.max_completion_tokens or self.max_tokens


TokenIds = Annotated[list[int], Field(min_length=1)]


class EmbeddingsRequest(_Strict):
    """OpenAI's four shapes of `input`: a text, texts, a token array, token arrays. None of
    its optional fields takes `null` (the OpenAPI description says so): hence `= NOT_NULL`."""

    model: str
    input: (
        str
        | Annotated[list[str], Field(min_length=1, max_length=2048)]
        | TokenIds  # one text as ids, any length: longer than the model reads is that 400
        | Annotated[list[TokenIds], Field(min_length=1, max_length=2048)]
    )
    encoding_format: Literal["float", "base64"] = NOT_NULL
    dimensions: Annotated[int, Field(ge=1)] = NOT_NULL
    user: str = NOT_NULL

    @property
    def inputs(self) -> list[str | list[int]]:
        """One item per vector to return: a text or one token array."""
        if isinstance(self.input, str):
            return [self.input]
        if self.input and all(isinstance(i, int) for i in self.input):
            return [list(self.input)]  # type: ignore[arg-type]
        return list(self.input)  # type: ignore[arg-type]


class TokenizeRequest(_Strict):
    """llama.cpp server's `POST /tokenize`, which the sandbox keeps: the model's own token
    ids for a text (`logit_bias` takes them), with each token's text when asked."""

    content: str
    with_pieces: bool = False
