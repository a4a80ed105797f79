"""What a widget is made of besides its Python: its page (an ES module and CSS built from
the files in static/, the page kit included) and the static view it adds to its live one
(HTML and text), for GitHub, nbconvert and papermill copies, which never run JavaScript.

A widget that changes after its cell has run (an answer streams in) is shown with a
display id (`SavedView`), so that what is saved with the notebook is updated with it.
"""

from __future__ import annotations

import re
import weakref
from pathlib import Path
from typing import Any, ClassVar

__all__ = [
    "SavedView",
    "module",
    "shown_in_this_cell",
    "split_bundle",
    "status_trait",
    "stylesheet",
]

STATIC = Path(__file__).parent / "static"
# An import of a module of our own (the page kit, a part of a widget's page), on a line.
_LOCAL_IMPORT = re.compile(r'^import \{([^}]*)\} from "\./([\w-]+)\.js";\n', re.MULTILINE)


def stylesheet(*names: str) -> str:
    """A widget's CSS: the page kit's (static/base.css: theme colours with one fallback
    each, buttons, Markdown), then static/<name>.css for each name, in order."""
    files = [STATIC / f"{name}.css" for name in ("base", *names)]
    return "\n".join(file.read_text(encoding="utf-8") for file in files)


def status_trait(help: str) -> Any:
    """A widget's synced `status`: one of `status.Status`'s words (the ones it uses named in
    `help`), "idle" at first; any other word is a TraitError, not a page that misdraws."""
    import traitlets

    from ..status import Status

    words = tuple(s.value for s in Status)
    return traitlets.Enum(words, Status.IDLE.value, help=help).tag(sync=True)


def module(name: str) -> str:
    """A widget's ES module, static/<name>.js, with each module it imports from static/ (the
    page kit, kit.js, and parts of its own page) in place of the import, each once.

    anywidget loads a module from a blob URL, where `./kit.js` cannot resolve: so the text
    takes the import's place, and every page shares one copy of the kit with no build step.
    A name a module imports that the other does not export fails here, not in the page."""
    return _inlined(name, set())


def _inlined(name: str, seen: set[str]) -> str:
    source = (STATIC / f"{name}.js").read_text(encoding="utf-8")

    def put_in(found: re.Match[str]) -> str:
        wanted = {n.strip() for n in found.group(1).split(",")} - {""}
        part = found.group(2)
        text = (STATIC / f"{part}.js").read_text(encoding="utf-8")
        exported = set(re.findall(r"^export (?:function|const) (\w+)", text, re.MULTILINE))
        if wanted - exported:
            raise ImportError(
                f"static/{name}.js imports {sorted(wanted - exported)} from {part}.js"
            )
        if part in seen:
            return ""
        seen.add(part)
        return _inlined(part, seen)

    return _LOCAL_IMPORT.sub(put_in, source)


def split_bundle(found: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """anywidget returns (data, metadata), or a bare dict or None on some versions."""
    data, metadata = found if isinstance(found, tuple) else (found or {}, {})
    return dict(data), dict(metadata)


class SavedView:
    """Mixin for a widget whose saved view must follow it, by two hooks: what it shows,
    `_saved_view()` (HTML and text), and when it changed, `_update_saved_view()` after each
    change worth keeping (an answer, a finished grid). It is shown with a display id.

    Updating a display makes the notebook draw the widget anew, under the student's hands:
    text typed in it and its focus would be lost. So in a kernel the update waits until a
    cell runs (IPython's `pre_run_cell`) or has just run (`post_run_cell`), when the student
    is not typing in the widget; nbclient and papermill apply it to the earlier cell's
    output by its display id. The second is what saves a widget that changed in a
    notebook's last cell: no cell comes after it."""

    # A widget with nothing a student types into (the stream cell) writes its saved view
    # at once: there is no text or focus to lose, and a notebook saved right away keeps it.
    _writes_at_once: ClassVar[bool] = False

    def _saved_view(self) -> tuple[str, str] | None:
        """What a saved notebook shows of the widget: (HTML, text), or None while the live
        widget's own text says enough. The widget's own."""
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """The live widget, and its saved view as HTML and text: what GitHub, nbconvert and
        a terminal show of a saved notebook."""
        bundle, metadata = split_bundle(super()._repr_mimebundle_(**kwargs))  # type: ignore[misc]
        saved = self._saved_view()
        if saved is not None:
            bundle["text/html"], bundle["text/plain"] = saved
        return bundle, metadata

    def _bundle(self) -> dict[str, Any]:
        return self._repr_mimebundle_()[0]

    def _ipython_display_(self) -> None:
        if shown_in_this_cell(self):  # shown by its function, then returned as the cell's value
            return
        self._display_kept()

    def _display_kept(self) -> None:
        """Display the widget, keeping the handle its saved view is written through."""
        from IPython.display import display

        self.__dict__.setdefault("_saved_views", []).append(
            display(self._bundle(), raw=True, display_id=True)
        )

    def _update_saved_view(self) -> None:
        if not self.__dict__.get("_saved_views"):
            return
        shell = _shell()
        if shell is None or self._writes_at_once:  # no kernel to wait for, or no need: now
            self._write_saved_view()
            return
        _waiting.add(self)
        if not _hooked:
            shell.events.register("pre_run_cell", _write_waiting)
            shell.events.register("post_run_cell", _write_waiting)
            _hooked.append(shell)

    def _write_saved_view(self) -> None:
        for handle in self.__dict__.get("_saved_views", []):
            handle.update(self._bundle(), raw=True)


_waiting: weakref.WeakSet[SavedView] = weakref.WeakSet()
_hooked: list[Any] = []  # the shell our hook is registered with (once)


def _write_waiting(*_info: Any) -> None:
    """Before a cell runs and after: write the saved views that changed since."""
    for widget in list(_waiting):
        widget._write_saved_view()
    _waiting.clear()


def shown_in_this_cell(widget: Any) -> bool:
    """True when IPython is showing `widget` as the value of the cell that already showed
    it; notes each showing.

    `cell = chat(...)` shows the cell at once, so that it streams where it was asked; the
    same call as a cell's last line would have IPython show its value a second time. Only
    that second showing is skipped: `display(widget)` asked for again always shows."""
    shell = _shell()
    count = getattr(shell, "execution_count", None)
    if count is None:
        return False
    hook = getattr(shell, "displayhook", None)
    # IPython's own hook says so; ipykernel's holds its message while it shows a value
    showing_value = getattr(hook, "is_active", False) or getattr(hook, "msg", None) is not None
    seen = showing_value and widget.__dict__.get("_shown_in_cell") == count
    widget.__dict__["_shown_in_cell"] = count
    return bool(seen)


def _shell() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return None
    return get_ipython()
