"""The tool loop: rounds of model and tools until the model answers in text, drawn as a
timeline. A loopback server plays the model round by round; the sandbox plays it for real."""

from __future__ import annotations

import asyncio
import json

import openai
import pytest
from support.loopback import LoopbackServer
from support.waiting import until

from llmwidgets import CostMeter, ToolLoop, tool_loop

CITY = {
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
    "additionalProperties": False,
}
TOOLS = [{"type": "function", "function": {"name": "get_weather", "parameters": CITY}}]
ASK = [{"role": "user", "content": "Is it warm in Oslo?"}]
SAID: list[str] = []


def get_weather(city: str) -> dict:
    SAID.append(city)
    return {"celsius": 4, "sky": "cloudy"}


def _call(args: str, name: str = "get_weather", id: str = "call_1") -> dict:
    return {
        "tool_calls": [
            {
                "index": 0,
                "id": id,
                "type": "function",
                "function": {"name": name, "arguments": args},
            }
        ]
    }


def _client(server: LoopbackServer, key: str = "test") -> openai.OpenAI:
    return openai.OpenAI(base_url=server.origin + "/v1", api_key=key)


def _loop(server: LoopbackServer, *, key: str = "test", functions=None, **options):
    """tool_loop on the loopback's scripted model, quietly: no display, no meter."""
    return tool_loop(
        _client(server, key), ASK, tools=TOOLS, functions=functions or [get_weather],
        model="m", meter=None, display=False, **options,
    )  # fmt: skip


@pytest.fixture(autouse=True)
def _quiet() -> None:
    SAID.clear()


def test_two_rounds_call_then_answer(
    loopback: LoopbackServer, comm_log: list[dict], canary_key: str
) -> None:
    loopback.scripted = [
        (
            [
                _call('{"city": '),
                {"tool_calls": [{"index": 0, "function": {"arguments": '"Oslo"}'}}]},
            ],
            "tool_calls",
        ),
        ([{"content": "It is 4 °C "}, {"content": "and cloudy."}], "stop"),
    ]
    meter = CostMeter()
    view = tool_loop(
        _client(loopback, canary_key),
        ASK,
        tools=TOOLS,
        functions=[get_weather],
        model="loopback-small",
        tool_choice="required",
        meter=meter,
        display=False,
    )
    result = view.result
    assert (result.status, result.answer) == ("done", "It is 4 °C and cloudy.")
    assert SAID == ["Oslo"]
    first, second = (r.body for r in loopback.requests if r.path.endswith("/chat/completions"))
    assert first["tool_choice"] == "required" and "tool_choice" not in second  # first round only
    assert [m["role"] for m in second["messages"]] == ["user", "assistant", "tool"]
    assert second["messages"][1]["tool_calls"][0]["function"] == {
        "name": "get_weather",
        "arguments": '{"city": "Oslo"}',
    }
    assert second["messages"][2] == {
        "role": "tool",
        "tool_call_id": "call_1",
        "content": '{"celsius": 4, "sky": "cloudy"}',
    }
    assert result.messages == [
        *ASK,
        second["messages"][1],
        second["messages"][2],
        {"role": "assistant", "content": "It is 4 °C and cloudy."},
    ]
    assert len(meter.records) == 2  # every round is a call, and costs
    # what the timeline shows
    one, two = view.rounds
    (call,) = one["calls"]
    assert (call["name"], call["state"], call["result"], call["failed"]) == (
        "get_weather",
        "valid",
        '{"celsius": 4, "sky": "cloudy"}',
        "",
    )
    assert call["took"].endswith(" ms") and one["status"] == "done" and two["calls"] == []
    assert (
        two["text"] == "It is 4 °C and cloudy."
        and "<p>It is 4 °C and cloudy.</p>" in view.answer_html
    )
    assert view.status == "done" and view.opened == []
    saved = view._repr_mimebundle_()[0]
    assert 'get_weather({"city": "Oslo"}) → {"celsius": 4, "sky": "cloudy"}' in saved["text/plain"]
    assert "ToolLoop(done, 2 rounds, 1 tool calls)" in saved["text/plain"]
    assert canary_key not in json.dumps(comm_log) + json.dumps(saved)


def test_arguments_that_break_the_schema_go_back_as_an_error(loopback: LoopbackServer) -> None:
    loopback.scripted = [
        ([_call('{"town": "Oslo"}')], "tool_calls"),
        ([{"content": "Sorry."}], "stop"),
    ]
    view = _loop(loopback)
    assert SAID == []  # the function never saw them
    sent = json.loads(loopback.requests[-1].body["messages"][-1]["content"])
    assert sent["error"].startswith(
        "the arguments do not fit the tool's schema ($: 'city' is a required property"
    )
    (call,) = view.rounds[0]["calls"]
    assert call["state"] == "invalid" and call["failed"] == sent["error"]


def test_a_tool_that_raises_is_an_answer_not_a_crash(loopback: LoopbackServer) -> None:
    def get_weather(city: str) -> dict:
        raise LookupError(f"no station in {city}")

    loopback.scripted = [
        ([_call('{"city": "Atlantis"}')], "tool_calls"),
        ([{"content": "No data."}], "stop"),
    ]
    result = _loop(loopback, functions={"get_weather": get_weather}).result
    assert result.status == "done"
    assert json.loads(result.messages[2]["content"]) == {
        "error": "get_weather raised LookupError: no station in Atlantis"
    }


def test_async_functions_are_awaited(loopback: LoopbackServer) -> None:
    async def get_weather(city: str) -> str:
        await asyncio.sleep(0)
        return f"mild in {city}"

    loopback.scripted = [
        ([_call('{"city": "Oslo"}')], "tool_calls"),
        ([{"content": "Mild."}], "stop"),
    ]
    result = (
        ToolLoop(_client(loopback), ASK, tools=TOOLS, functions=[get_weather], model="m")
        .start()
        .result
    )
    assert result.messages[2]["content"] == "mild in Oslo"  # a string goes back as it is


def test_a_model_that_never_stops_calling_gives_up(loopback: LoopbackServer) -> None:
    loopback.stream_deltas = [_call('{"city": "Oslo"}')]
    loopback.stream_finish = "tool_calls"
    view = _loop(loopback, max_rounds=2)
    assert (view.status, view.result.answer, len(view.rounds)) == ("gave-up", "", 2)
    assert view.error == "the model still asked for tools after 2 rounds"


def test_a_tool_without_its_function_is_refused_before_any_request(
    loopback: LoopbackServer,
) -> None:
    with pytest.raises(ValueError, match="no function given for the tool"):
        tool_loop(
            _client(loopback), ASK, tools=TOOLS, functions=[], model="m", meter=None, display=False
        )
    assert loopback.requests == []


def test_stop_ends_the_loop_and_keeps_the_text(loopback: LoopbackServer) -> None:
    loopback.stream_pieces = [f"w{i} " for i in range(20000)]

    async def scenario():
        client = openai.AsyncOpenAI(base_url=loopback.origin + "/v1", api_key="test")
        view = tool_loop(
            client, ASK, tools=TOOLS, functions=[get_weather], model="m", meter=None, display=False
        )
        await until(lambda: view.rounds and view.rounds[0]["text"], "the first round's text")
        view.stop()
        result = await view
        await client.close()
        return view, result

    view, result = asyncio.run(scenario())
    assert result.status == view.status == "stopped"
    assert view.rounds[0]["status"] == "stopped" and view.rounds[0]["text"].startswith("w0 ")


def test_the_sandbox_runs_a_whole_loop(sandbox_url: str) -> None:
    client = openai.OpenAI(base_url=sandbox_url, api_key="unused")
    # (asked "Is it warm in Oslo?", the tiny model calls the tool again every round)
    view = tool_loop(
        client,
        [{"role": "user", "content": "What is the weather like in Oslo?"}],
        tools=TOOLS,
        functions=[get_weather],
        model="smollm2-135m-instruct",
        tool_choice="required",
        temperature=0,
        max_tokens=60,
        meter=None,
        display=False,
    )
    result = view.result
    assert result.status == "done" and result.answer
    assert len(SAID) == 1 and SAID[0]
    assert [m["role"] for m in result.messages] == ["user", "assistant", "tool", "assistant"]
    assert view.rounds[0]["calls"][0]["state"] == "valid"


def test_shown_once_as_a_cells_last_line(loopback: LoopbackServer, run_notebook) -> None:
    """`chat(...)` and `tool_loop(...)` show themselves at once; as a cell's last line,
    IPython would show the returned widget a second time."""
    import nbformat

    loopback.scripted = [
        ([_call('{"city": "Oslo"}')], "tool_calls"),
        ([{"content": "Cold."}], "stop"),
    ]
    setup = f"""import openai, llmwidgets
client = openai.OpenAI(base_url="{loopback.origin}/v1", api_key="test")
def get_weather(city): return {{"celsius": 4}}
tools = {TOOLS!r}"""
    sources = [
        setup,
        'llmwidgets.tool_loop(client, [{"role": "user", "content": "Oslo?"}], tools=tools,'
        ' functions=[get_weather], model="m")',
        "import asyncio\nawait asyncio.sleep(1)  # the loop ends; its saved view follows",
        'cell = llmwidgets.chat(client, [{"role": "user", "content": "Hi"}], model="m")\ncell',
        "cell",  # asked for again in a later cell: shown again
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    run_notebook(notebook)
    views = [
        [o for o in cell.outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
        for cell in notebook.cells[1:]
    ]
    assert [len(v) for v in views] == [1, 0, 1, 1]
    assert "ToolLoop(done, 2 rounds, 1 tool calls)" in views[0][0]["data"]["text/plain"]


def test_inspect_shows_every_round_on_the_wire(loopback: LoopbackServer, canary_key: str) -> None:
    loopback.scripted = [
        ([_call('{"city": "Oslo"}')], "tool_calls"),
        ([{"content": "Cold."}], "stop"),
    ]
    view = _loop(loopback, key=canary_key, inspect=True)
    assert view.status == "done" and view.inspector is not None
    exchanges = view.inspector.log.exchanges
    assert [x.status for x in exchanges] == [200, 200]  # both rounds, each streamed
    second = exchanges[1].body
    assert [m["role"] for m in second["messages"]] == ["user", "assistant", "tool"]
    assert canary_key not in json.dumps(view.inspector.exchanges)


def test_a_result_json_cannot_hold_goes_back_as_an_error(loopback: LoopbackServer) -> None:
    def get_weather(city: str) -> dict:
        return {(1, 2): "a tuple key"}

    loopback.scripted = [
        ([_call('{"city": "Oslo"}')], "tool_calls"),
        ([{"content": "Hm."}], "stop"),
    ]
    loop = ToolLoop(_client(loopback), ASK, tools=TOOLS, functions=[get_weather], model="m")
    result = loop.start().result
    assert result.status == "done"  # the conversation stays whole: every call answered
    assert json.loads(result.messages[2]["content"])["error"].startswith(
        "get_weather raised TypeError: keys must be"
    )


def test_stop_in_a_tool_answers_the_other_calls_without_running_them(
    loopback: LoopbackServer,
) -> None:
    ran: list[str] = []
    two = {
        "tool_calls": [
            {
                "index": 1,
                "id": "call_2",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city": "Rome"}'},
            }
        ]
    }
    loopback.scripted = [([_call('{"city": "Oslo"}'), two], "tool_calls")]

    def get_weather(city: str) -> dict:
        ran.append(city)
        loop.stop()  # Stop pressed while the first tool runs
        return {"celsius": 4}

    loop = ToolLoop(_client(loopback), ASK, tools=TOOLS, functions=[get_weather], model="m")
    result = loop.start().result
    assert ran == ["Oslo"] and result.status == "stopped"
    assert [m["role"] for m in result.messages] == ["user", "assistant", "tool", "tool"]
    assert json.loads(result.messages[3]["content"]) == {"error": "stopped before it ran"}
    assert len([r for r in loopback.requests if r.path.endswith("/completions")]) == 1


def test_a_key_in_a_tools_exception_is_hidden(loopback: LoopbackServer, canary_key: str) -> None:
    from llmwidgets.redaction import register_key

    register_key(canary_key)

    def get_weather(city: str) -> dict:
        raise PermissionError(f"weather API refused key {canary_key}")

    loopback.scripted = [
        ([_call('{"city": "Oslo"}')], "tool_calls"),
        ([{"content": "No."}], "stop"),
    ]
    view = _loop(loopback, functions=[get_weather])  # this get_weather, which raises
    sent = json.dumps(loopback.requests[-1].body)
    assert canary_key not in sent and "weather API refused key" in sent
    assert canary_key not in json.dumps(view.rounds) + json.dumps(view._repr_mimebundle_()[0])


def test_display_asked_for_again_shows_again(loopback: LoopbackServer, run_notebook) -> None:
    import nbformat

    source = f"""import openai, llmwidgets
client = openai.OpenAI(base_url="{loopback.origin}/v1", api_key="test")
cell = llmwidgets.chat(client, [{{"role": "user", "content": "Hi"}}], model="m")
display(cell)"""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    run_notebook(notebook)
    views = [
        o
        for o in notebook.cells[0].outputs
        if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert len(views) == 2
