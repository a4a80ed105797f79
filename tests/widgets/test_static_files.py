"""The widgets' ES modules, read as text: what a browser test would only see as a slow leak."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from llmwidgets.widgets import bundle
from llmwidgets.widgets.bundle import module, stylesheet
from llmwidgets.widgets.figures import duration

STATIC = Path(__file__).resolve().parents[2] / "llmwidgets" / "widgets" / "static"


@pytest.mark.parametrize("path", sorted(STATIC.glob("*.js")), ids=lambda p: p.name)
def test_a_view_stops_listening_to_its_model_when_it_goes(path: Path) -> None:
    """A view goes when its cell is run again or its output cleared; the model stays. Each
    `model.on` in `render` needs its `model.off` in the function `render` returns, which
    anywidget calls then (else every old view goes on redrawing, unseen)."""
    source = path.read_text()
    added = len(re.findall(r"\bmodel\.on\(", source))
    removed = len(re.findall(r"\bmodel\.off\(", source))
    assert added == removed, f"{path.name}: {added} model.on, {removed} model.off"
    if added:
        assert re.search(r"return \(\) =>", source), f"{path.name}: render returns no cleanup"


WIDGETS = sorted(p.stem for p in STATIC.glob("*.js") if p.stem != "kit")
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="Node.js checks the modules' syntax")


@pytest.mark.parametrize("name", WIDGETS)
def test_each_page_is_one_module_with_the_kit_in_it(name: str) -> None:
    """anywidget loads a module from a blob, where `./kit.js` cannot resolve: the kit is put
    in place of the import, once, and nothing is left to fetch."""
    source = module(name)
    assert not re.search(r"^import ", source, re.MULTILINE)
    own = (STATIC / f"{name}.js").read_text()
    if "./kit.js" in own:
        assert source.count("export function element(") == 1
    for helper in ("element", "withCode", "verdict", "duration", "percent", "visible"):
        assert not re.search(rf"^(function|const) {helper}\b", own, re.MULTILINE), (
            f"{name}.js keeps its own {helper}: the kit has it"
        )


def test_a_module_that_asks_the_kit_for_what_it_lacks_fails_in_python(tmp_path, monkeypatch):
    (tmp_path / "kit.js").write_text("export function element() {}\n")
    (tmp_path / "odd.js").write_text('import { element, sparkle } from "./kit.js";\n')
    monkeypatch.setattr(bundle, "STATIC", tmp_path)
    with pytest.raises(ImportError, match="sparkle"):
        bundle.module("odd")


@needs_node
@pytest.mark.parametrize("name", WIDGETS)
def test_each_page_parses_as_an_es_module(name: str, tmp_path: Path) -> None:
    """A name declared twice (a widget's own helper beside the kit's) is a SyntaxError that
    would leave the widget blank: Node finds it without a browser."""
    path = tmp_path / f"{name}.mjs"
    path.write_text(module(name))
    checked = subprocess.run([NODE, "--check", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


@needs_node
def test_the_page_writes_a_time_as_python_does(tmp_path: Path) -> None:
    values = [0.0004, 0.012, 0.412, 0.9991, 1.0, 1.234, 9.999, 75.5]
    (tmp_path / "kit.mjs").write_text((STATIC / "kit.js").read_text())
    script = "import { duration } from './kit.mjs';"
    script += f"console.log(JSON.stringify({values}.map(duration)));"
    (tmp_path / "times.mjs").write_text(script)
    said = subprocess.run([NODE, str(tmp_path / "times.mjs")], capture_output=True, text=True)
    assert json.loads(said.stdout) == [duration(v) for v in values], said.stderr


def test_every_stylesheet_starts_with_the_kits_and_reads_each_colour_from_it() -> None:
    """One fallback per theme colour, in base.css: a widget's own CSS names the kit's."""
    for name in (p.stem for p in STATIC.glob("*.css") if p.stem != "base"):
        css = stylesheet(name)
        assert css.startswith((STATIC / "base.css").read_text())
        own = (STATIC / f"{name}.css").read_text()
        themed = re.findall(r"var\(--jp-(?!mirror-editor)[\w-]+", own)
        assert not themed, f"{name}.css reads {themed[:3]} itself: base.css names each colour"


def test_a_page_in_parts_is_put_together_each_part_once(tmp_path, monkeypatch):
    """A widget's page may import parts of its own (playground_controls.js): each part and
    the kit go in once, in the order first asked for, and no import is left."""
    (tmp_path / "kit.js").write_text("export function element() {}\n")
    (tmp_path / "part.js").write_text(
        'import { element } from "./kit.js";\nexport const FORMATS = [];\n'
        "export function control() { return element(); }\n"
    )
    (tmp_path / "page.js").write_text(
        'import { element } from "./kit.js";\nimport { control, FORMATS } from "./part.js";\n'
        "export default { render() { return [element(), control(), FORMATS]; } };\n"
    )
    monkeypatch.setattr(bundle, "STATIC", tmp_path)
    page = bundle.module("page")
    assert "import " not in page
    assert page.count("export function element") == 1 and page.count("export function control") == 1
    assert page.index("function element") < page.index("function control") < page.index("render")
