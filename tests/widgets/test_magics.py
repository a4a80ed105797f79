"""`%%chat` and `%llm` in a real IPython shell, against a loopback provider."""

from __future__ import annotations

import pytest
from support.loopback import LoopbackServer

from llmwidgets import environment


@pytest.fixture
def shell(loopback: LoopbackServer, monkeypatch, comm_log):
    """An IPython shell with the extension loaded; "the sandbox" is the loopback server."""
    from IPython.testing.globalipapp import get_ipython

    monkeypatch.setenv(environment.SANDBOX_URL, loopback.origin + "/v1")
    ip = get_ipython()
    ip.run_line_magic("load_ext", "llmwidgets")
    yield ip
    ip.run_line_magic("unload_ext", "llmwidgets")


def state(ip):
    return ip.magics_manager.magics["cell"]["chat"].__self__


def test_a_chat_cell_streams_and_the_conversation_goes_on(shell, loopback, capsys):
    shell.run_cell_magic("chat", "sandbox:loopback-small --temperature 0.2", "Hi there\n")
    shell.run_cell_magic("chat", "", "And again?")
    bodies = [r.body for r in loopback.requests if r.path.endswith("/chat/completions")]
    assert bodies[0]["temperature"] == 0.2 and bodies[0]["model"] == "loopback-small"
    assert bodies[1]["messages"] == [
        {"role": "user", "content": "Hi there"},
        {"role": "assistant", "content": "pong"},
        {"role": "user", "content": "And again?"},
    ]
    assert "temperature" not in bodies[1]  # options belong to their cell
    assert len(state(shell).conversation.messages) == 4


def test_a_bad_option_or_a_failed_call_is_one_line(shell, loopback, capsys, comm_log):
    shell.run_cell_magic("chat", "--temperature hot", "Hi")
    shell.run_cell_magic("chat", "", "   ")
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("✗")]
    assert len(lines) == 2 and "Traceback" not in out
    assert "invalid float value: 'hot'" in lines[0] and "write the message" in lines[1]
    loopback.fail_next(401, "Incorrect API key provided")
    shell.run_cell_magic("chat", "sandbox:loopback-small", "Hi")  # the stream cell says it
    errors = [
        m["data"]["state"]["error"]
        for m in comm_log
        if m["data"].get("method") == "update" and m["data"]["state"].get("error")
    ]
    assert len(errors) == 1 and "401" in errors[0] and "\n" not in errors[0]
    assert state(shell).conversation.messages == []  # nothing half-added


def test_llm_lists_providers_models_and_history(shell, loopback, capsys):
    shell.run_line_magic("llm", "providers")
    out = capsys.readouterr().out
    assert "sandbox" in out and "groq" in out and "no key needed" in out
    shell.run_line_magic("llm", "models sandbox")
    assert "loopback-small" in capsys.readouterr().out
    shell.run_cell_magic("chat", "sandbox:loopback-small --system 'Be brief.'", "Hi")
    shell.run_line_magic("llm", "history")
    history = capsys.readouterr().out
    assert "system: Be brief." in history and "assistant: pong" in history
    shell.run_line_magic("llm", "reset")
    assert state(shell).conversation.messages == []
    capsys.readouterr()
    shell.run_line_magic("llm", "dance")
    assert capsys.readouterr().out.startswith("✗ %llm: say providers")


@pytest.mark.kernel
def test_interrupting_the_kernel_stops_a_chat_cell_and_keeps_its_text(sandbox_url):
    """A real kernel, a real SIGINT (what Kernel → Interrupt sends), the real model."""
    import os

    import jupyter_client

    manager = jupyter_client.KernelManager(kernel_name="python3")
    manager.start_kernel(env={**os.environ, environment.SANDBOX_URL: sandbox_url})
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        client.execute_interactive("%load_ext llmwidgets", timeout=60)
        states: list[dict] = []

        def seen(message: dict) -> None:
            data = message["content"].get("data") or {}
            if message["msg_type"] == "comm_msg" and data.get("method") == "update":
                states.append(data["state"])
                text = data["state"].get("text", "")
                if len(text) > 40 and not interrupted:
                    interrupted.append(True)
                    manager.interrupt_kernel()

        interrupted: list[bool] = []
        # seeded: the story runs to its 1500 tokens (unseeded, a short one ended the cell first)
        long_story = (
            "%%chat sandbox --max-tokens 1500 --seed 3\nTell me a very long story about a dragon."
        )
        client.execute_interactive(long_story, output_hook=seen, timeout=120)
        assert interrupted, "no text streamed"
        final = [s["status"] for s in states if s.get("status") in ("done", "stopped", "error")]
        assert final == ["stopped"]
        usage = [s["usage"] for s in states if s.get("usage")][-1]
        assert usage["estimated"] and 0 < usage["completion_tokens"] < 1500

        printed: list[str] = []
        client.execute_interactive(
            "%llm history",
            output_hook=lambda m: printed.append(m["content"].get("text", "")),
            timeout=60,
        )
        lines = "".join(printed).splitlines()
        roles = [line.split(":")[0].strip() for line in lines if ":" in line]
        assert roles[:2] == ["user", "assistant"]  # the stopped answer stays, as far as it went
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
