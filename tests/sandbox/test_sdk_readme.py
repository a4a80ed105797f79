"""The Responses examples of the openai SDK's own README run on the sandbox unchanged,
apart from where they connect (`OPENAI_BASE_URL`) and the model they name: the sandbox
serves one model, and answers another id with a 404, as OpenAI does.

They run on the fake engine: what is tested is the API's surface (the SDK's calls, shapes
and streams), not what the model writes.
"""

from __future__ import annotations

import importlib.metadata
import re

import pytest

MODEL = "smollm2-135m-instruct"
# What each skipped block needs that the sandbox's model has not: pictures, a cloud's
# identity. The others run; a fragment that assumes a `client` gets one.
NEEDS_WHAT_THE_SANDBOX_LACKS = ("input_image", "workload_identity", "azure", "bedrock")
CLIENT = "from openai import OpenAI\nclient = OpenAI()\n"


def readme_examples() -> list[tuple[str, str]]:
    readme = importlib.metadata.metadata("openai").get_payload()  # type: ignore[attr-defined]
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    runnable = []
    for block in blocks:
        if "responses." not in block or any(k in block for k in NEEDS_WHAT_THE_SANDBOX_LACKS):
            continue
        if "await client" in block and "async def" not in block:
            continue  # a fragment of an async function, shown without it
        first = next(line for line in block.splitlines() if "responses." in line)
        runnable.append((first.strip()[:60], block))
    return runnable


EXAMPLES = readme_examples()


def test_the_readme_still_shows_the_responses_api() -> None:
    assert len(EXAMPLES) >= 8, [name for name, _ in EXAMPLES]


@pytest.mark.parametrize("block", [b for _, b in EXAMPLES], ids=[n for n, _ in EXAMPLES])
def test_a_readme_example_runs(
    block: str, fake_sandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", fake_sandbox())
    monkeypatch.setenv("OPENAI_API_KEY", "sk-unused")
    source = re.sub(r'model="[^"]+"', f'model="{MODEL}"', block)
    if "client =" not in source and "client" in source:
        source = CLIENT + source
    exec(compile(source, "<openai README>", "exec"), {"__name__": "__readme__"})
    printed = capsys.readouterr().out
    if "print(" in source:
        assert printed.strip(), "the example printed nothing"
