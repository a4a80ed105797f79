"""`TokenView`: text as a model sees it, in tokens; an answer's tokens coloured by how sure
the model was of each.

    TokenView(completion)                        # asked with logprobs=True, top_logprobs=5
    TokenView.tokenize("Ein Eichhörnchen", model="gpt-4o-mini")    # OpenAI's tokenizer
    TokenView.tokenize("Ein Eichhörnchen", client=sandbox_client)  # the sandbox model's own
    TokenView.tokenize(messages, model="gpt-4o")                  # tokens per message

An answer's tokens come from `logprobs` (each token's log-probability, and with
`top_logprobs=k` the k tokens the model rated highest at that step): hover a token for its
probability and its rivals, click it to keep them in view. Providers differ: OpenAI and the
sandbox return them, Groq refuses the request (400), Anthropic's layer drops them without
a word; a completion without them is one line saying so. The tokenizer view cuts any text
with tiktoken's encodings (shipped with llmwidgets: offline) or the sandbox's `/tokenize`.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

import anywidget
import traitlets

from ..tokens import count_message_tokens, pieces, sandbox_pieces
from .bundle import module, split_bundle, stylesheet

__all__ = ["TokenView"]

_NO_LOGPROBS = (
    "No logprobs in this completion: ask with logprobs=True (and top_logprobs=5 for the "
    "rivals). Groq refuses them with a 400; Anthropic's layer leaves them out."
)
MAX_TOKENS = 2000  # drawn; a longer text is cut, and says so


class TokenView(anywidget.AnyWidget):
    """Tokens, each with its text, id and (for an answer) probability and rivals."""

    _esm = module("token_view")
    _css = stylesheet("token_view")

    mode = traitlets.Unicode("tokens", help="tokens (a tokenizer's cut) or logprobs").tag(sync=True)
    title = traitlets.Unicode("", help="whose tokens, and how many").tag(sync=True)
    groups = traitlets.List(
        traitlets.Dict(), help="[{label, count, tokens: [{text, id, p, top}]}]"
    ).tag(sync=True)
    note = traitlets.Unicode("", help="one line: why there is nothing to show, or a cut").tag(
        sync=True
    )

    def __init__(self, completion: Any = None, *, choice: int = 0, **traits: Any) -> None:
        """An answer's tokens by probability, from a ChatCompletion (or a `Reply`)."""
        super().__init__(**traits)
        if completion is None:
            return
        completion = getattr(completion, "completion", completion)  # a Reply holds one
        if not hasattr(completion, "choices"):
            raise TypeError(
                "TokenView(...) takes a chat completion (asked with logprobs=True); for a "
                "text, TokenView.tokenize(text)"
            )
        choices = completion.choices
        content = None
        if len(choices) > choice and choices[choice].logprobs is not None:
            content = choices[choice].logprobs.content
        self.mode = "logprobs"
        if not content:
            self.title = f"{completion.model}: no token probabilities"
            empty = content is not None  # asked for, and the answer had no tokens at all
            self.note = "The answer is empty: no tokens to show." if empty else _NO_LOGPROBS
            return
        tokens = probable_tokens(content[:MAX_TOKENS])
        average = sum(t["p"] for t in tokens) / len(tokens)
        self.title = f"{completion.model}: {len(content)} tokens, {average:.0%} sure on average" + (
            f" (choice {choice})" if len(choices) > 1 else ""
        )
        self.groups = [{"label": "", "count": len(content), "tokens": tokens}]
        self.note = _cut(len(content))

    @classmethod
    def tokenize(
        cls,
        text: str | list[dict[str, Any]],
        *,
        model: str = "gpt-4o",
        client: Any = None,
    ) -> TokenView:
        """`text` (or each message of a `messages` list) in tokens: OpenAI's tokenizer for
        `model`, or with `client` (the sandbox) the sandbox model's own."""
        if client is not None:
            from ..client_record import record_of

            reached = record_of(client)
            if reached.provider_id not in ("sandbox", "local") and reached.rehearsal is None:
                raise ValueError(
                    "Only the sandbox (and llama.cpp servers) cut text on request (/tokenize); "
                    "for another provider's tokens, TokenView.tokenize(text, model=...)"
                )
        if not isinstance(text, str) and not (
            isinstance(text, list) and all(isinstance(m, dict) for m in text)
        ):
            raise TypeError("tokenize() takes a text or a messages list of dicts")
        cut = (
            (lambda t: sandbox_pieces(client, t))
            if client is not None
            else (lambda t: pieces(t, model))
        )
        whose = "the sandbox's SmolLM2" if client is not None else f"tiktoken, {model}"
        view = cls()
        if isinstance(text, str):
            found = cut(text)
            view.groups = [{"label": "", "count": len(found), "tokens": _plain(found)}]
            view.title = f"{len(found)} tokens ({whose})"
            view.note = _cut(len(found))
            return view
        groups = []
        for message in text:
            content = message.get("content") or ""
            if isinstance(content, list):  # content parts: the text ones
                content = " ".join(p.get("text", "") for p in content if isinstance(p, dict))
            found = cut(str(content))
            groups.append(
                {"label": message.get("role", ""), "count": len(found), "tokens": _plain(found)}
            )
        view.groups = groups
        counted = sum(g["count"] for g in groups)
        if client is None:  # the framing every message adds, as OpenAI's cookbook counts it
            total = count_message_tokens(text, model)
            view.title = (
                f"{total} prompt tokens ({whose}): {counted} of text, {total - counted} of "
                "framing (each role, 3 a message, 3 to prime the reply)"
            )
        else:
            view.title = f"{counted} tokens of text ({whose})"
        return view

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """The live view; for viewers without widgets, the tokens between bars (with each
        one's probability in an answer)."""
        bundle, metadata = split_bundle(super()._repr_mimebundle_(**kwargs))
        lines = [self.title]
        spans = []
        for group in self.groups:
            shown = [_shown_token(t, self.mode) for t in group["tokens"]]
            head = f"{group['label']} ({group['count']}): " if group["label"] else ""
            lines.append(head + "|".join(shown))
            spans.append(
                f"<p>{html.escape(head)}"
                + "".join(
                    f'<span title="{html.escape(_tip(t))}" style="border:1px solid #aaa;'
                    f'margin:0 1px">{html.escape(t["text"])}</span>'
                    for t in group["tokens"]
                )
                + "</p>"
            )
        if self.note:
            lines.append(self.note)
            spans.append(f"<p><i>{html.escape(self.note)}</i></p>")
        bundle["text/plain"] = "\n".join(lines)
        bundle["text/html"] = f"<div><b>{html.escape(self.title)}</b>{''.join(spans)}</div>"
        return bundle, metadata

    def __repr__(self) -> str:
        return f"TokenView({self.title})"


def _plain(found: list[tuple[int, str]]) -> list[dict[str, Any]]:
    return [{"text": piece, "id": token_id} for token_id, piece in found[:MAX_TOKENS]]


def _cut(count: int) -> str:
    return f"The first {MAX_TOKENS} of {count} tokens are shown." if count > MAX_TOKENS else ""


def _shown_token(token: dict[str, Any], mode: str) -> str:
    if mode == "logprobs":
        return f"{token['text']} ({token['p']:.0%})"
    return token["text"]


def _tip(token: dict[str, Any]) -> str:
    if "p" not in token:
        return f"id {token['id']}"
    rivals = ", ".join(f"{a['text']!r} {a['p']:.0%}" for a in token.get("top", []))
    return f"{token['p']:.1%}" + (f"; rivals: {rivals}" if rivals else "")


def probable_tokens(content: Sequence[Any]) -> list[dict[str, Any]]:
    """Each token of an answer's logprobs with its probability and its rivals', as both
    the token view and the Playground's chips draw them."""
    return [
        {
            "text": t.token,
            "p": math.exp(t.logprob),
            "top": [{"text": a.token, "p": math.exp(a.logprob)} for a in t.top_logprobs or []],
        }
        for t in content
    ]
