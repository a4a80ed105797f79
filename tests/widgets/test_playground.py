"""The playground, headless: a loopback provider (or the sandbox) and a recording comm stand
in for the provider and the page. What the page does is what ipywidgets would deliver: a
state update (`page_sets`) or a custom message (`frontend_sends`)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import time

import openai
import pytest
from support.frontend import frontend_sends
from support.loopback import LoopbackServer
from support.waiting import until

import llmwidgets
from llmwidgets.providers import PRESETS
from llmwidgets.usage import UsageLog
from llmwidgets.widgets.playground import Playground

STREAM_FIELDS = {"stream": True, "stream_options": {"include_usage": True}}


def client_of(server: LoopbackServer, api_key: str = "test") -> openai.OpenAI:
    return openai.OpenAI(base_url=server.origin + "/v1", api_key=api_key, max_retries=0)


def preset_on(server: LoopbackServer, provider: str, api_key: str = "test") -> openai.OpenAI:
    """A client made by `connect` for a preset, its host swapped for the loopback's."""
    url = server.url_for(PRESETS[provider].base_url or "")
    return llmwidgets.connect(provider, base_url=url, api_key=api_key, max_retries=0)


def page_sets(widget, **state) -> None:
    """A state change from the page (a control moved), as ipywidgets delivers it."""
    widget._handle_msg(
        {
            "content": {"data": {"method": "update", "state": state, "buffer_paths": []}},
            "buffers": [],
        }
    )


def chat_bodies(server: LoopbackServer) -> list[dict]:
    return [r.body for r in server.requests if r.path.endswith("/chat/completions")]


def test_the_request_holds_what_was_set_and_is_what_run_sends(loopback):
    pg = Playground(
        client_of(loopback), model="loopback-small", system="Be brief.", prompt="Hi", meter=None
    )
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]
    assert pg.request == {"model": "loopback-small", "messages": messages, **STREAM_FIELDS}
    page_sets(pg, params={"temperature": 0.2, "seed": 7, "stop": ["END"], "logprobs": True})
    assert pg.request == {
        "model": "loopback-small",
        "messages": messages,
        "temperature": 0.2,
        "stop": ["END"],
        "seed": 7,
        "logprobs": True,
        **STREAM_FIELDS,
    }
    pg.run()
    assert chat_bodies(loopback) == [pg.request]  # exactly the body shown, nothing more


def test_an_unset_parameter_is_not_sent(loopback):
    pg = Playground(client_of(loopback), prompt="Hi", meter=None, temperature=0.5, n=2)
    assert pg.request["temperature"] == 0.5 and pg.request["n"] == 2
    pg.set(temperature=None)  # unticked
    page_sets(pg, params={"n": 2})  # the page sends what its controls hold
    assert "temperature" not in pg.request and pg.request["n"] == 2
    page_sets(pg, params={})
    assert set(pg.request) == {"model", "messages", *STREAM_FIELDS}
    pg.set(response_format="none", stop=[])  # "none" and no stop sequence: nothing to send
    assert set(pg.request) == {"model", "messages", *STREAM_FIELDS} and pg.error == ""
    pg.run()
    assert set(chat_bodies(loopback)[0]) == {"model", "messages", *STREAM_FIELDS}


def test_values_are_normalised_to_the_api_s(loopback):
    pg = Playground(client_of(loopback), prompt="Hi", meter=None)
    schema = '{"type": "object", "properties": {"colour": {"type": "string"}}}'
    pg.set(
        max_tokens="40",
        n=2.0,
        response_format={"type": "json_schema", "json_schema": {"schema": schema}},
    )
    assert pg.request["max_tokens"] == 40 and pg.request["n"] == 2
    assert isinstance(pg.request["n"], int)
    assert pg.request["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "answer", "schema": json.loads(schema)},
    }
    pg.set(response_format="json_object")
    assert pg.request["response_format"] == {"type": "json_object"} and pg.error == ""


def test_a_bad_value_is_one_line_and_is_not_sent(loopback):
    pg = Playground(client_of(loopback), prompt="Hi", meter=None, seed=3)
    page_sets(
        pg,
        params={
            "seed": 3,
            "temperature": 3,
            "n": "many",
            "stop": ["a", "b", "c", "d", "e"],
            "top_logprobs": 2,  # without logprobs
            "response_format": {"type": "json_schema", "json_schema": {"schema": "{oops"}},
            "temprature": 1,
        },
    )
    assert "\n" not in pg.error and pg.error.startswith("Not sent:")
    for words in ("temperature must be from 0 to 2 (got 3)", "n must be a number", "up to 4"):
        assert words in pg.error
    assert "needs logprobs" in pg.problems["top_logprobs"]
    assert "not JSON" in pg.problems["response_format"]
    assert "temprature" in pg.problems  # a typo is named, not dropped in silence
    assert pg.request["seed"] == 3  # the good one is still there
    assert not {"temperature", "n", "stop", "top_logprobs", "response_format"} & set(pg.request)
    assert pg.run() is None and chat_bodies(loopback) == []  # nothing goes out with a bad value
    page_sets(pg, params={"seed": 3, "temperature": 1.5})
    assert pg.error == "" and pg.run() is not None


@pytest.mark.parametrize(
    ("provider", "params", "expected"),
    [
        ("groq", {"logprobs": True}, {"logprobs": "Groq rejects `logprobs`"}),
        ("groq", {"n": 2, "seed": 1}, {"n": "only n=1"}),
        ("groq", {"top_logprobs": 2, "logprobs": True}, {"logprobs": "400", "top_logprobs": "400"}),
        ("anthropic", {"seed": 7, "temperature": 1.5}, {"seed": "ignores", "temperature": "caps"}),
        (
            "ollama",
            {"max_completion_tokens": 9, "max_tokens": 9},
            {"max_completion_tokens": "Ollama (local) ignores `max_completion_tokens`"},
        ),
    ],
)
def test_each_warning_sits_by_its_own_control(loopback, provider, params, expected):
    pg = Playground(preset_on(loopback, provider), prompt="Hi", meter=None, **params)
    assert set(pg.warnings) == set(expected)
    for name, words in expected.items():
        assert any(words in w for w in pg.warnings[name]), pg.warnings
    assert pg.error == ""  # warned, yet sent: the student meets the provider's answer


def test_json_schema_is_warned_for_a_model_that_does_not_take_it(loopback):
    groq = PRESETS["groq"]
    pg = Playground(preset_on(loopback, "groq"), model=groq.model_hints[0], meter=None)
    pg.set(response_format={"type": "json_schema", "json_schema": {"schema": {"type": "object"}}})
    assert "openai/gpt-oss-20b" in pg.warnings["response_format"][0]
    pg.set(model="openai/gpt-oss-20b")
    assert "response_format" not in pg.warnings


def test_run_streams_text_and_numbers_into_the_page(loopback, comm_log):
    loopback.stream_pieces = ["The ", "sky ", "is ", "blue."]
    meter = UsageLog()
    pg = Playground(client_of(loopback), model="loopback-small", prompt="Sky?", meter=meter)
    frontend_sends(pg, {"type": "run"})  # Run, or Ctrl+Enter
    assert pg.status == "done"
    answer = pg.answer
    assert answer["choices"] == [{"text": "The sky is blue.", "finish_reason": "stop"}]
    assert answer["usage"]["completion_tokens"] == 4 and not answer["estimated"]
    assert answer["ttft_s"] is not None and answer["cost"] == "free (local)"
    assert pg.reply is not None and pg.reply.text == "The sky is blue."
    (row,) = meter.records
    assert row.completion_tokens == 4 and row.outcome == "ok"
    updates = [m["data"]["state"] for m in comm_log if m["data"].get("method") == "update"]
    assert any(u.get("status") == "waiting" for u in updates)  # the page saw it start


def test_redraws_are_batched(loopback, comm_log):
    loopback.stream_pieces = [f"t{i} " for i in range(3000)]
    pg = Playground(client_of(loopback), prompt="Hi", meter=None)
    started = time.perf_counter()
    run = pg.run()
    elapsed = time.perf_counter() - started
    assert run is not None and pg.answer["choices"][0]["text"].startswith("t0 t1")
    assert run.progress_calls <= elapsed * Playground.MAX_REDRAWS_PER_SECOND + 2
    updates = [m for m in comm_log if m["data"].get("method") == "update"]
    assert len(updates) <= run.progress_calls + 10


def test_stop_keeps_the_text_so_far(loopback):
    loopback.stream_pieces = [f"w{i} " for i in range(20000)]
    meter = UsageLog()

    async def scenario() -> Playground:
        pg = Playground(client_of(loopback), prompt="Tell me everything", meter=meter)
        frontend_sends(pg, {"type": "run"})
        await until(lambda: (pg.answer.get("choices") or [{}])[0].get("text"), "a choice's text")
        assert pg.status == "streaming"
        frontend_sends(pg, {"type": "run"})  # a second Run while streaming: refused
        assert "stop it first" in pg.error
        frontend_sends(pg, {"type": "stop"})  # Escape, or the Stop button
        await until(lambda: pg.status == "stopped", "the run stopped")
        return pg

    pg = asyncio.run(scenario())
    text = pg.answer["choices"][0]["text"]
    assert pg.status == "stopped" and text.startswith("w0 w1")
    assert len(text) < len("".join(loopback.stream_pieces))
    assert pg.error == ""  # the refusal's line went with the run
    assert meter.records[-1].outcome == "stopped"


def test_a_failed_call_is_one_line_and_the_playground_runs_again(loopback):
    pg = Playground(client_of(loopback), prompt="Hi", meter=None)
    loopback.fail_next(429, "Rate limit reached: try again in 2s")
    pg.run()
    assert pg.status == "error" and pg.answer["error"].startswith("RateLimitError 429")
    assert "\n" not in pg.answer["error"]
    pg.run()
    assert pg.status == "done" and pg.answer["error"] == ""


def test_a_run_without_a_prompt_or_model_is_refused_in_words(loopback):
    pg = Playground(client_of(loopback), meter=None)
    assert pg.run() is None and pg.error == "Write a prompt first."
    page_sets(pg, prompt="Hi", llm_model="")
    assert pg.run() is None and pg.error == "Choose a model first."
    assert chat_bodies(loopback) == []


def test_code_is_the_same_call_and_compiles(loopback):
    pg = Playground(
        preset_on(loopback, "groq"),
        model="llama-3.1-8b-instant",
        system='Say "hi".',
        prompt="Hi\nthere",
        meter=None,
    )
    pg.set(temperature=0.2, seed=7, stop=["\n\n"], logprobs=True, top_logprobs=2, n=1)
    code = pg.code
    compile(code, "playground", "exec")
    assert 'api_key=os.environ["GROQ_API_KEY"]' in code
    assert f'base_url="{loopback.url_for(PRESETS["groq"].base_url or "")}"' in code
    call = code[code.index("client.chat.completions.create(") :]
    for argument in ("temperature=0.2,", "seed=7,", 'stop=["\\n\\n"],', "logprobs=True,"):
        assert argument in call
    assert "stream" not in call  # the script asks for the whole answer at once
    assert "top_p" not in call and "max_tokens" not in call  # unset: absent
    assert 'Say \\"hi\\".' in call and "Hi\\nthere" in call


def test_no_key_in_state_messages_outputs_or_code(loopback, comm_log, canary_key):
    pg = Playground(client_of(loopback, canary_key), prompt="Hi", meter=None, seed=1)
    pg.run()
    loopback.fail_next(401, f"Incorrect API key provided: {canary_key}")
    pg.run()
    assert pg.answer["error"].startswith("AuthenticationError 401")
    groq = Playground(preset_on(loopback, "groq", canary_key), prompt="Hi", meter=None)
    loopback.fail_next(401, f"Invalid API Key {canary_key}")
    frontend_sends(groq, {"type": "run"})
    everything = json.dumps([m["data"] for m in comm_log], default=str)
    for widget in (pg, groq):
        everything += json.dumps(widget.get_state(), default=str) + repr(widget)
        everything += json.dumps(widget._repr_mimebundle_()[0], default=str)
        everything += widget.code + json.dumps(widget.request) + widget.answer["error"]
    assert "[redacted]" in everything and canary_key not in everything


def test_the_saved_view_shows_request_warnings_and_answer(loopback):
    pg = Playground(preset_on(loopback, "groq"), prompt="Say <b>hi</b>", meter=None)
    pg.set(logprobs=True, seed=3)
    loopback.stream_pieces = ["<i>hi</i>"]
    pg.run()
    data, _ = pg._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    page = data["text/html"]
    assert "Say &lt;b&gt;hi&lt;/b&gt;" in page and "<b>hi</b>" not in page
    assert "&lt;i&gt;hi&lt;/i&gt;" in page and "Groq rejects" in page
    text = data["text/plain"]
    assert '"seed": 3' in text and "warning: logprobs: Groq rejects" in text
    assert "<i>hi</i>" in text and "done" in text


def test_the_provider_menu_and_a_choice_it_cannot_make(loopback):
    pg = Playground(client_of(loopback), prompt="Hi", meter=None)
    ids = [p["id"] for p in pg.providers]
    assert ids[0] == "local" and "this client" in pg.providers[0]["hint"]
    assert set(ids[1:]) == set(PRESETS) - {"custom"}
    page_sets(pg, provider="nowhere")
    assert pg.provider == "local" and "Unknown provider" in pg.note
    assert "\n" not in pg.note


@pytest.mark.parametrize("bad", [{"type": "nope"}, {"no": "type"}, ["run"]])
def test_a_bad_message_from_the_page_changes_nothing(loopback, bad):
    pg = Playground(client_of(loopback), prompt="Hi", meter=None)
    pg._handle_msg({"content": {"data": {"method": "custom", "content": bad}}, "buffers": []})
    assert pg.status == "idle" and chat_bodies(loopback) == []


# -- on the sandbox's real model, and its rehearsals of the providers ----------------------


@pytest.fixture
def offline(sandbox_url, no_keys):
    """No provider key here: each preset chosen in the menu is rehearsed on the sandbox."""
    return sandbox_url


def test_groq_rehearsed_warns_refuses_logprobs_then_the_sandbox_answers(offline):
    pg = Playground(prompt="Name a colour.", meter=None, max_completion_tokens=12)
    assert pg.provider == "sandbox" and pg.llm_model == "smollm2-135m-instruct"
    assert "llmwidgets.connect()" in pg.code
    page_sets(pg, provider="groq")  # chosen in the menu
    assert pg.note == "No GROQ_API_KEY here: Groq rehearsed on the sandbox."
    assert pg.llm_model == "llama-3.1-8b-instant" and "llama-3.3-70b-versatile" in pg.models
    assert 'llmwidgets.connect("groq", rehearse=True)' in pg.code
    page_sets(pg, params={"max_completion_tokens": 12, "logprobs": True})
    assert "Groq rejects `logprobs`" in pg.warnings["logprobs"][0]
    frontend_sends(pg, {"type": "run"})
    assert pg.status == "error"
    assert pg.answer["error"] == "BadRequestError 400: 'logprobs' : is not supported"
    page_sets(pg, provider="anthropic", params={"max_completion_tokens": 12, "seed": 7})
    assert pg.warnings == {"seed": ["Anthropic (OpenAI compatibility) ignores `seed`."]}
    page_sets(pg, provider="sandbox")
    assert pg.note == "" and pg.warnings == {} and pg.llm_model == "smollm2-135m-instruct"
    frontend_sends(pg, {"type": "run"})
    assert pg.status == "done" and pg.answer["choices"][0]["text"]
    assert pg.answer["usage"]["completion_tokens"] <= 12


def test_n_choices_and_logprobs_from_the_sandbox(offline):
    pg = Playground(prompt="Name a fruit.", meter=None)
    pg.set(n=2, seed=5, max_completion_tokens=6, logprobs=True, top_logprobs=2)
    pg.run()
    assert pg.status == "done", pg.answer
    assert len(pg.answer["choices"]) == 2
    assert all(c["text"] and c["finish_reason"] for c in pg.answer["choices"])
    tokens = pg.answer["logprobs"]
    assert tokens and all(0 < t["p"] <= 1 and len(t["top"]) == 2 for t in tokens)
    assert "".join(t["text"] for t in tokens) == pg.answer["choices"][0]["text"]


@pytest.mark.parametrize("how", ["sdk", "sandbox", "rehearsed"])
def test_the_code_runs_and_gets_a_completion(offline, monkeypatch, canary_key, how):
    if how == "sdk":  # a client made with the SDK alone: its key from LLMWIDGETS_API_KEY
        monkeypatch.setenv("LLMWIDGETS_API_KEY", canary_key)
        client = openai.OpenAI(base_url=offline, api_key=canary_key)
        pg = Playground(client, prompt="Say hi.", meter=None)
    else:
        pg = Playground(prompt="Say hi.", meter=None)
        if how == "rehearsed":
            page_sets(pg, provider="groq")
    pg.set(max_completion_tokens=8, seed=1, temperature=0)
    assert canary_key not in pg.code
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(pg.code, "playground", "exec"), {})
    out = printed.getvalue()
    assert "CompletionUsage(" in out and out.split("CompletionUsage(")[0].strip()


def test_json_mode_is_warned_until_the_messages_ask_for_json(loopback):
    pg = Playground(client_of(loopback), prompt="Name a fruit.", meter=None)
    pg.set(response_format="json_object")
    assert "ask for JSON" in pg.warnings["response_format"][0]
    pg.set(system="Answer in JSON.")
    assert pg.warnings == {}


def test_a_key_or_an_unknown_name_is_refused_before_it_is_kept(loopback, canary_key):
    for given in ({"api_key": canary_key}, {"temprature": canary_key}):
        with pytest.raises(TypeError) as refused:
            Playground(client_of(loopback), meter=None, **given)
        assert canary_key not in str(refused.value)
        assert next(iter(given)) in str(refused.value)  # the name, never the value
    pg = Playground(client_of(loopback), meter=None)
    with pytest.raises(TypeError, match="belongs to the client"):
        pg.set(base_url="http://elsewhere/v1")
    assert canary_key not in json.dumps(pg.get_state(), default=str)


def test_code_for_a_server_on_this_machine_runs_without_a_key_set(loopback, monkeypatch):
    from llmwidgets import environment

    monkeypatch.delenv(environment.CUSTOM_API_KEY, raising=False)
    pg = Playground(client_of(loopback), model="loopback-small", prompt="Hi", meter=None)
    assert 'os.environ.get("LLMWIDGETS_API_KEY", "none")' in pg.code
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(pg.code, "<playground code>", "exec"), {})  # no KeyError: it runs
    assert "pong" in printed.getvalue()


def test_a_password_in_a_base_url_is_never_shown(loopback, canary_key):
    url = loopback.origin.replace("http://", f"http://student:{canary_key}@") + "/v1"
    pg = Playground(openai.OpenAI(base_url=url, api_key="t"), model="m", prompt="Hi", meter=None)
    shown = json.dumps(pg.get_state(), default=str) + json.dumps(pg._repr_mimebundle_()[0])
    assert canary_key not in shown and canary_key not in pg.code


def test_the_page_offers_the_ranges_python_checks(loopback):
    """One table (parameters.CONTROLS) gives the page its controls and the checks their
    ranges: a value the page lets a student pick is sent, one past it is refused."""
    pg = Playground(client_of(loopback), model="loopback-small", prompt="Hi", meter=None)
    controls = {c["name"]: c for c in pg.controls}
    assert controls["n"]["max"] == 128 and controls["top_logprobs"]["max"] == 20
    assert controls["max_completion_tokens"]["names"] == ["max_completion_tokens", "max_tokens"]
    for spec in pg.controls:
        for edge, past in (("min", -1), ("max", 1)):
            if edge not in spec:
                continue
            step = spec.get("step", 1) if spec["kind"] == "slider" else 1
            value = spec[edge]
            pg.params = {"logprobs": True, spec["name"]: value}
            assert spec["name"] in pg.request, (spec["name"], value, pg.problems)
            pg.params = {"logprobs": True, spec["name"]: value + past * step}
            assert spec["name"] not in pg.request and spec["name"] in pg.problems
