"""How long llama.cpp takes to compile for the sandbox: everything, against the engine only.

    python bench/llama_build.py            # about 8 minutes on 2 cores

Builds llama-cpp-python's wheel from its sdist twice in one run, with pip and no cache:
once as `pip install llama-cpp-python` does, once with the Makefile's LLAMA_CMAKE_ARGS
(no multimodal library, no "common" library for llama.cpp's own tools). It prints the wall
time of each, the compile time by component (from ninja's log) and whether the engine's
object files (libllama, libggml*) hold the same machine code in both builds: the point is
to build less, never a different engine. Needs network access to PyPI for the sdist only.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VERSION = re.search(r'"llama-cpp-python==([^"]+)"', (ROOT / "pyproject.toml").read_text())
COMPONENTS = [  # (name, pattern on the object's path), first match wins
    ("common (llama.cpp's tools)", r"/common/"),
    ("cpp-httplib (for common)", r"cpp-httplib"),
    ("mtmd (multimodal)", r"/mtmd/"),
    ("ggml-cpu", r"ggml-cpu"),
    ("ggml", r"/ggml/"),
    ("llama", r"/src/"),
]


def engine_only_args() -> str:
    found = re.search(r"^LLAMA_CMAKE_ARGS := (.+)$", (ROOT / "Makefile").read_text(), re.M)
    assert found, "the Makefile has no LLAMA_CMAKE_ARGS"
    return found.group(1).replace("$(CURDIR)", str(ROOT))


def build(sdist: Path, work: Path, cmake_args: str | None) -> tuple[float, Path]:
    env = {k: v for k, v in os.environ.items() if k != "CMAKE_ARGS"}
    if cmake_args:
        env["CMAKE_ARGS"] = cmake_args
    env["SKBUILD_BUILD_DIR"] = str(work / "build")
    started = time.perf_counter()
    wheel = ["wheel", "--no-deps", "--no-cache-dir", "-q", "-w", str(work / "wheel")]
    subprocess.run([sys.executable, "-m", "pip", *wheel, str(sdist)], env=env, check=True)
    return time.perf_counter() - started, work / "build"


def compile_seconds(build_dir: Path) -> dict[str, float]:
    """Seconds per component, summed over ninja's log (jobs overlap: a share, not a clock)."""
    totals: dict[str, float] = defaultdict(float)
    for line in (build_dir / ".ninja_log").read_text().splitlines()[1:]:
        start, end, _, target, _ = line.split("\t")
        name = next((n for n, p in COMPONENTS if re.search(p, target)), "other")
        totals[name] += (int(end) - int(start)) / 1000
    return dict(totals)


def text_digest(obj: Path) -> str:
    code = subprocess.run(
        ["objcopy", "-O", "binary", "--only-section=.text", str(obj), "/dev/stdout"],
        capture_output=True,
        check=True,
    ).stdout
    return hashlib.sha256(code).hexdigest()


def main() -> None:
    assert VERSION, "pyproject.toml pins no llama-cpp-python"
    with tempfile.TemporaryDirectory(prefix="llama-build-") as tmp:
        work = Path(tmp)
        download = ["download", "--no-deps", "--no-binary", ":all:", "-q", "-d", str(work)]
        requirement = f"llama-cpp-python=={VERSION.group(1)}"
        subprocess.run([sys.executable, "-m", "pip", *download, requirement], check=True)
        sdist = next(work.glob("llama_cpp_python-*.tar.gz"))
        print(f"llama-cpp-python {VERSION.group(1)}, {os.cpu_count()} cores")
        full_s, full_dir = build(sdist, work / "full", None)
        slim_s, slim_dir = build(sdist, work / "slim", engine_only_args())
        full, slim = compile_seconds(full_dir), compile_seconds(slim_dir)
        print(f"\n{'component':<28}{'everything':>12}{'engine only':>13}  (compile job seconds)")
        for name in sorted(full, key=full.get, reverse=True):
            print(f"{name:<28}{full[name]:>12.1f}{slim.get(name, 0.0):>13.1f}")
        print(f"{'total':<28}{sum(full.values()):>12.1f}{sum(slim.values()):>13.1f}")
        print(f"\nwheel build, wall clock: everything {full_s:.0f} s, engine only {slim_s:.0f} s")
        print(f"ratio engine only / everything: {slim_s / full_s:.2f}")
        objects = sorted(
            p.relative_to(slim_dir)
            for p in slim_dir.rglob("*.o")
            if re.search(r"vendor/llama\.cpp/(src|ggml)/", str(p))
        )
        same = sum(text_digest(full_dir / o) == text_digest(slim_dir / o) for o in objects)
        print(f"engine objects with identical machine code: {same} of {len(objects)}")


if __name__ == "__main__":
    main()
