"""The curriculum's housekeeping: regenerate outputs, contents and links; run on a provider.

    python tools/curriculum.py regenerate [NAMES...]   # notebooks and solutions, on the sandbox
    python tools/curriculum.py links                    # contents page + previous/next links
    python tools/curriculum.py run --provider groq      # papermill copies + a pass/fail table
    python tools/curriculum.py run --provider groq --rehearse   # the same, offline
    python tools/curriculum.py matrix [--check]         # every provider: notebooks/PROVIDERS.md
    python tools/curriculum.py students                 # exercises: student copies

`regenerate` is the one command that produces the outputs committed with the notebooks:
every notebook runs top to bottom on the sandbox, then widget state is dropped (it could
carry what was typed into a widget, and nbval does not need it) and the links are redone.
`run` never touches the committed notebooks: it writes executed copies of the notebooks
and exercise solutions under `build/curriculum/<provider>/` and prints which passed, for
checking real providers when keys are at hand. With `--rehearse` it needs no key: the
kernels connect to the sandbox's profile of that provider (`LLMWIDGETS_REHEARSE`), on a
sandbox started for the run.

`matrix` runs every notebook and exercise solution on every provider profile, and through
LiteLLM's real proxy in front of the sandbox, and writes `notebooks/PROVIDERS.md`: which
passed, which adapted (the lines a notebook prints starting with "↪"), which failed.
`--check` fails on any failure or when the committed table is not what the run produced.
`--live` runs on the real providers whose keys are set, into `build/curriculum/`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from exercise_copies import students
from navigation import EXERCISES, curriculum, links, write_notebook
from provider_matrix import CELL_TIMEOUT_S, matrix, run


def regenerate(names: list[str]) -> None:
    """Outputs come from a sandbox started for this run, from the code in this tree: never
    from one left running by an older version."""
    from kernels import PatientKernelManager
    from nbclient import NotebookClient

    from llmwidgets.sandbox import private_state

    solutions = sorted((EXERCISES / "solutions").glob("*.ipynb"))
    everything = {p.name: p for p in [*curriculum(), *solutions]}
    paths = [everything[n] for n in names] if names else list(everything.values())
    with private_state():  # the kernels inherit it
        for path in paths:
            book = nbformat.read(path, as_version=4)
            started = time.perf_counter()
            NotebookClient(
                book,
                timeout=CELL_TIMEOUT_S,
                kernel_name="python3",
                kernel_manager_class=PatientKernelManager,
                resources={"metadata": {"path": path.parent}},
            ).execute()
            write_notebook(book, path)
            print(f"{path.name}: {time.perf_counter() - started:.1f} s")
    links()
    students()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    regen = commands.add_parser("regenerate", help="execute notebooks in place on the sandbox")
    regen.add_argument("names", nargs="*")
    commands.add_parser("links", help="contents page and previous/next links")
    runner = commands.add_parser("run", help="papermill copies on a provider, and a summary")
    runner.add_argument("--provider", default="sandbox")
    runner.add_argument("--model", default=None)
    runner.add_argument(
        "--rehearse", action="store_true", help="on the sandbox's profile of the provider"
    )
    runner.add_argument("names", nargs="*")
    grid = commands.add_parser("matrix", help="every provider: notebooks/PROVIDERS.md")
    grid.add_argument("--check", action="store_true", help="fail on a failure or a stale page")
    grid.add_argument("--live", action="store_true", help="the real providers with keys set")
    grid.add_argument("--workers", type=int, default=2, help="kernels at a time")
    grid.add_argument("--report", type=Path, help="write every run's timings here (JSON)")
    commands.add_parser("students", help="student copies of the exercise solutions")
    args = parser.parse_args(argv)
    if args.command == "regenerate":
        regenerate(args.names)
    elif args.command == "links":
        links()
    elif args.command == "run":
        return run(args.provider, args.model, args.names, args.rehearse)
    elif args.command == "matrix":
        return matrix(args.check, args.live, args.workers, args.report)
    elif args.command == "students":
        students()
    return 0


if __name__ == "__main__":
    sys.exit(main())
