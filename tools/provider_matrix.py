"""The curriculum run on providers: papermill copies of every notebook and exercise
solution on one provider (`run`), and on every provider profile and through LiteLLM's real
proxy (`matrix`, the table in notebooks/PROVIDERS.md). See tools/curriculum.py."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
from kernels import PatientKernelManager, fork_server, set_environment
from navigation import EXERCISES, NOTEBOOKS, ROOT, curriculum


def run(provider: str, model: str | None, names: list[str], rehearse: bool = False) -> int:
    import pandas as pd

    from llmwidgets.sandbox import private_state

    out = ROOT / "build" / "curriculum" / (f"{provider}-rehearsal" if rehearse else provider)
    with (
        _environment(rehearse=provider if rehearse else None),
        private_state() if rehearse else contextlib.nullcontext(),
    ):
        rows = _run_all(_paths(names), out, provider, model)
    summary = pd.DataFrame(rows)
    summary.to_csv(out / "summary.csv", index=False)
    print(summary.to_string(index=False))
    return 0 if summary["passed"].all() else 1


# The rehearsal's per-minute free-tier limits last this many seconds in the matrix: they
# are met (OpenRouter's 20 a minute, Groq's 30) without waiting out whole minutes.
MATRIX_MINUTE = 6.0
ADAPTED = "↪ "
SKIPPED = "NotebookSkipped:"  # llmwidgets.notebook.skip_rest: the rest cannot run here
PROVIDERS_MD = NOTEBOOKS / "PROVIDERS.md"


def matrix(check: bool, live: bool, workers: int, report: Path | None = None) -> int:
    """Every notebook and solution on every provider; the table in notebooks/PROVIDERS.md."""
    from llmwidgets.providers import PRESETS, REHEARSABLE

    paths = _paths([])
    results: dict[str, list[dict[str, Any]]] = {}
    if live:
        from llmwidgets import connect, list_models
        from llmwidgets.keys import find_key

        for pid in REHEARSABLE:
            preset = PRESETS[pid]
            if preset.requires_key and find_key(preset) is None:
                print(f"{pid}: no key set, not run")
                continue
            listing = list_models(connect(pid, prompt=False, rehearse=False))
            if not listing.from_api:  # a local server that is not running, a dead proxy
                print(f"{pid}: not reachable, not run ({listing.note})")
                continue
            results[pid] = _run_all(paths, ROOT / "build" / "curriculum" / pid, pid, None, workers)
        if not results:
            print("no provider to run: set a key (GROQ_API_KEY, ...) or start Ollama")
            return 0
        table = _table(results, live=True)
        (ROOT / "build" / "curriculum" / "PROVIDERS-live.md").write_text(table)
        print(table)
        return 0 if _all_passed(results) else 1

    from litellm_proxy import litellm_proxy

    from llmwidgets import environment
    from llmwidgets.sandbox import private_state, start

    build = ROOT / "build" / "curriculum"
    # One sandbox serves every profile, at its own path. The targets ask it much the same:
    # each deterministic answer is computed once (llmwidgets/sandbox/memo.py; a test run
    # shares its own memo), each kernel forked ready (tools/kernels.py).
    memo = {}
    if not os.environ.get(environment.SANDBOX_MEMO):
        shutil.rmtree(build / "memo", ignore_errors=True)
        memo[environment.SANDBOX_MEMO] = f"replay:{build / 'memo'}"
    with (
        private_state(),
        _environment(extra=memo),
        start(minute=MATRIX_MINUTE) as box,
        _environment(sandbox_url=box.url),
        fork_server(),
    ):
        for pid in REHEARSABLE:
            if pid == "litellm":
                continue  # the real proxy below, not its rehearsal
            with _environment(rehearse=pid):
                results[pid] = _run_all(paths, build / f"{pid}-rehearsal", pid, None, workers)
            _progress(pid, results[pid])
        with litellm_proxy(box.url) as proxy:
            moved = {"LITELLM_PROXY_API_BASE": proxy.url, "LITELLM_API_KEY": proxy.master_key}
            with _environment(extra=moved):
                results["litellm"] = _run_all(paths, build / "litellm", "litellm", None, workers)
            _progress("litellm", results["litellm"])
        box.stop()  # it writes how long its engine computed, how much it replayed
        work = [line for line in box.log.read_text().splitlines() if line.startswith("engine:")]
        print(*(f"sandbox {line}" for line in work))
    if report is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(json.dumps({"targets": results, "sandbox": work}, indent=1))
    table = _table(results, live=False)
    if check:
        (build / "PROVIDERS.md").write_text(table)
        stale = not PROVIDERS_MD.exists() or PROVIDERS_MD.read_text() != table
        if stale:
            print(
                f"{PROVIDERS_MD.relative_to(ROOT)} is not what this run produced (see "
                "build/curriculum/PROVIDERS.md): run `python tools/curriculum.py matrix`"
            )
        return 0 if _all_passed(results) and not stale else 1
    PROVIDERS_MD.write_text(table)
    return 0 if _all_passed(results) else 1


def _progress(pid: str, rows: list[dict[str, Any]]) -> None:
    failed = [r["notebook"] for r in rows if not r["passed"]]
    seconds = sum(r["seconds"] for r in rows)
    passed = f"{pid}: {len(rows) - len(failed)}/{len(rows)} passed ({seconds:.0f} s of kernels)"
    print(passed + (f"; failed: {', '.join(failed)}" if failed else ""), flush=True)


def _all_passed(results: dict[str, list[dict[str, Any]]]) -> bool:
    return all(row["passed"] for rows in results.values() for row in rows)


def _table(results: dict[str, list[dict[str, Any]]], live: bool) -> str:
    """PROVIDERS.md: one row per notebook, one column per provider, then what adapted."""
    from llmwidgets.providers import PRESETS

    providers = list(results)
    how = (
        "on the real providers whose keys were set"
        if live
        else "offline: each provider's profile in the sandbox (a rehearsal of its documented "
        "surface), and LiteLLM's real proxy in front of the sandbox"
    )
    lines = [
        "# The curriculum on every provider",
        "",
        f"Every notebook and exercise solution, run top to bottom {how}. Generated by",
        "`python tools/curriculum.py matrix`"
        + (" --live" if live else "")
        + "; CI runs it again and fails when a cell fails or this page is out of date. On the",
        "sandbox itself, nbval compares every output as well.",
        "",
        "✓ passed as written · ↪ passed, adapting to the provider · ⏭ stopped early, saying "
        "why · ✗ failed (notes below)",
        "",
        "| notebook | " + " | ".join(PRESETS[p].label for p in providers) + " |",
        "|---|" + "---|" * len(providers),
    ]
    names = [row["notebook"] for row in next(iter(results.values()), [])]
    notes: list[str] = []
    for index, name in enumerate(names):
        marks = []
        for pid in providers:
            row = results[pid][index]
            skipped = row.get("skipped", "")
            mark = "⏭" if skipped else "↪" if row["adapted"] else "✓"
            marks.append(mark if row["passed"] else "✗")
            for note in row["adapted"]:
                notes.append(f"- **{name}** on {PRESETS[pid].label}: {note}")
            if skipped:
                notes.append(f"- **{name}** on {PRESETS[pid].label}, stopped early: {skipped}")
            if not row["passed"]:
                notes.append(f"- **{name}** on {PRESETS[pid].label} failed: {row['error']}")
        lines.append(f"| {_link(name)} | " + " | ".join(marks) + " |")
    if notes:
        lines += ["", "## How notebooks adapted", "", *notes]
    return "\n".join(lines) + "\n"


def _link(name: str) -> str:
    where = "" if (NOTEBOOKS / name).exists() else "../exercises/solutions/"
    return f"[{name.removesuffix('.ipynb')}]({where}{name})"


def _paths(names: list[str]) -> list[Path]:
    solutions = sorted((EXERCISES / "solutions").glob("*.ipynb"))
    everything = {p.name: p for p in [*curriculum(), *solutions]}
    return [everything[n] for n in names] if names else list(everything.values())


def _run_all(
    paths: list[Path], out: Path, provider: str, model: str | None, workers: int = 1
) -> list[dict[str, Any]]:
    """Papermill copies under `out`, `workers` kernels at a time; a row per notebook."""
    from concurrent.futures import ProcessPoolExecutor

    out.mkdir(parents=True, exist_ok=True)
    jobs = [(path, out, provider, model) for path in paths]
    if workers <= 1:
        return [_run_one(*job) for job in jobs]
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(_run_one, *zip(*jobs, strict=True)))


@contextlib.contextmanager
def _environment(
    *,
    rehearse: str | None = None,
    sandbox_url: str | None = None,
    extra: dict[str, str] | None = None,
) -> Iterator[None]:
    """Variables the kernels inherit, for the duration of a run."""

    from llmwidgets import environment

    wanted = dict(extra or {})
    if rehearse:
        wanted[environment.REHEARSE] = rehearse
    if sandbox_url:
        wanted[environment.SANDBOX_URL] = sandbox_url
    with set_environment(wanted):
        yield


# No cell of the curriculum takes half a minute, even on a loaded machine: a cell that
# takes two is stuck, and fails the run instead of holding it up.
CELL_TIMEOUT_S = 120


def _run_one(path: Path, out: Path, provider: str, model: str | None) -> dict[str, Any]:
    import papermill

    started = time.perf_counter()
    error = ""
    try:
        papermill.execute_notebook(
            str(path),
            str(out / path.name),
            parameters={"PROVIDER": provider, "MODEL": model},
            cwd=str(path.parent),
            progress_bar=False,
            execution_timeout=CELL_TIMEOUT_S,
            kernel_manager_class=PatientKernelManager,
            request_save_on_cell_execute=False,  # written once at the end (or on an error)
        )
    except Exception as exc:
        error = _error_line(exc)
    skipped = error.startswith(SKIPPED)
    return {
        "notebook": path.name,
        "passed": not error or skipped,
        "seconds": round(time.perf_counter() - started, 1),
        "error": "" if skipped else error,
        "skipped": error.removeprefix(SKIPPED).strip() if skipped else "",
        "adapted": _adaptations(out / path.name),
        **_timings(out / path.name),
    }


def _timings(executed: Path) -> dict[str, float]:
    """Where a run's time went, from papermill's timestamps: starting the kernel (before the
    first cell), and the setup cells (up to the one that connects: imports, the client)."""
    from datetime import datetime

    if not executed.exists():
        return {}
    book = nbformat.read(executed, as_version=4)

    def at(meta: Any, field: str) -> datetime | None:
        value = meta.get("papermill", {}).get(field)
        return datetime.fromisoformat(value) if value else None

    began, first = at(book.metadata, "start_time"), at(book.cells[0].metadata, "start_time")
    if began is None or first is None:
        return {}
    setup = 0.0
    for cell in book.cells:
        if cell.cell_type == "code":
            setup += cell.metadata.get("papermill", {}).get("duration") or 0.0
            if "connect(" in cell.source:
                break
    return {"kernel_start": round((first - began).total_seconds(), 2), "setup": round(setup, 2)}


def _error_line(exc: Exception) -> str:
    """The exception a cell raised, in one line (papermill's message is the traceback)."""
    ename, evalue = getattr(exc, "ename", ""), getattr(exc, "evalue", "")
    text = f"{ename}: {evalue}" if ename else str(exc)
    return " ".join(text.split())[:200]


def _adaptations(executed: Path) -> list[str]:
    """The lines an executed notebook printed starting with "↪ ": how it adapted."""
    if not executed.exists():
        return []
    found = []
    for cell in nbformat.read(executed, as_version=4).cells:
        for output in cell.get("outputs", []):
            for line in output.get("text", "").splitlines():
                if line.startswith(ADAPTED) and line[2:] not in found:
                    found.append(line[2:])
    return found
