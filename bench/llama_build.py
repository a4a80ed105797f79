"""The sandbox's llama.cpp build against pip's default one: compile time, speed, numbers.

    python bench/llama_build.py            # about 9 minutes on 2 cores

Builds llama-cpp-python's wheel from its sdist twice in one run, with pip and no cache:
once as `pip install llama-cpp-python` does (everything, `-march=native`), once with the
Makefile's LLAMA_CMAKE_ARGS (tools/llama_cpp_sandbox.cmake: only what the engine loads, for
one CPU target). Prints the wall time of each build and the compile time by component (from
ninja's log); then loads each build in a process of its own and runs the sandbox's engine
on it: the fingerprint of the numbers it computes (`Engine.fingerprint`: the same
fingerprint, the same tokens), prompt evaluation and generation speed, best of three. On a
machine whose native build uses other SIMD kernels (AVX-512, say) the fingerprints differ:
that is why the sandbox is built for one target. Needs network access to PyPI for the sdist.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
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
# Run in a fresh process with one build's llama_cpp first on sys.path.
MEASURE = """
import json, sys, time
from llmwidgets.sandbox.engine import Engine, Sampling
import llama_cpp
engine = Engine(n_threads=2)
ask = [{"role": "user", "content": "Tell me about the sea. " * 40}]
prompt = engine.tokenize(engine.render(ask))
prompt_s, gen_s = [], []
for _ in range(3):
    engine._prompt_cache.clear()
    started = time.perf_counter()
    items = engine.generate(prompt, Sampling(max_tokens=128, temperature=0,
                                             logit_bias={engine.chat.token_eos(): -100}))
    next(items)
    first = time.perf_counter()
    produced = [i for i in items][-1].completion_tokens
    prompt_s.append(first - started)
    gen_s.append((time.perf_counter() - first) / max(1, produced - 1))
print(json.dumps({
    "library": llama_cpp.__file__,
    "features": llama_cpp.llama_print_system_info().decode().strip(),
    "fingerprint": engine.fingerprint,
    "prompt tokens/s": len(prompt) / min(prompt_s),
    "generated tokens/s": 1 / min(gen_s),
}))
"""


def sandbox_args() -> str:
    found = re.search(r"^LLAMA_CMAKE_ARGS := (.+)$", (ROOT / "Makefile").read_text(), re.M)
    assert found, "the Makefile has no LLAMA_CMAKE_ARGS"
    return found.group(1).replace("$(CURDIR)", str(ROOT))


def build(sdist: Path, work: Path, cmake_args: str | None) -> tuple[float, Path, Path]:
    """(seconds, ninja's build folder, the built wheel)."""
    env = {k: v for k, v in os.environ.items() if k != "CMAKE_ARGS"}
    if cmake_args:
        env["CMAKE_ARGS"] = cmake_args
    env["SKBUILD_BUILD_DIR"] = str(work / "build")
    started = time.perf_counter()
    wheel = ["wheel", "--no-deps", "--no-cache-dir", "-q", "-w", str(work / "wheel")]
    subprocess.run([sys.executable, "-m", "pip", *wheel, str(sdist)], env=env, check=True)
    return time.perf_counter() - started, work / "build", next((work / "wheel").glob("*.whl"))


def compile_seconds(build_dir: Path) -> dict[str, float]:
    """Seconds per component, summed over ninja's log (jobs overlap: a share, not a clock)."""
    totals: dict[str, float] = defaultdict(float)
    for line in (build_dir / ".ninja_log").read_text().splitlines()[1:]:
        start, end, _, target, _ = line.split("\t")
        name = next((n for n, p in COMPONENTS if re.search(p, target)), "other")
        totals[name] += (int(end) - int(start)) / 1000
    return dict(totals)


def measure(wheel: Path, into: Path) -> dict[str, object]:
    """The engine on this build: unpack the wheel, put it first on the path, measure."""
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(into)
    env = {**os.environ, "PYTHONPATH": str(into)}
    done = subprocess.run(
        [sys.executable, "-c", MEASURE], env=env, capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    assert str(result.pop("library")).startswith(str(into)), "the build under test was not loaded"
    return result


def main() -> None:
    assert VERSION, "pyproject.toml pins no llama-cpp-python"
    with tempfile.TemporaryDirectory(prefix="llama-build-") as tmp:
        work = Path(tmp)
        download = ["download", "--no-deps", "--no-binary", ":all:", "-q", "-d", str(work)]
        requirement = f"llama-cpp-python=={VERSION.group(1)}"
        subprocess.run([sys.executable, "-m", "pip", *download, requirement], check=True)
        sdist = next(work.glob("llama_cpp_python-*.tar.gz"))
        print(f"llama-cpp-python {VERSION.group(1)}, {os.cpu_count()} cores")
        native_s, native_dir, native_wheel = build(sdist, work / "native", None)
        ours_s, ours_dir, ours_wheel = build(sdist, work / "sandbox", sandbox_args())
        native, ours = compile_seconds(native_dir), compile_seconds(ours_dir)
        print(f"\n{'component':<28}{'pip default':>12}{'sandbox':>10}  (compile job seconds)")
        for name in sorted(native, key=native.get, reverse=True):
            print(f"{name:<28}{native[name]:>12.1f}{ours.get(name, 0.0):>10.1f}")
        print(f"{'total':<28}{sum(native.values()):>12.1f}{sum(ours.values()):>10.1f}")
        print(f"\nwheel build, wall clock: pip default {native_s:.0f} s, sandbox {ours_s:.0f} s")
        print(f"ratio sandbox / pip default: {ours_s / native_s:.2f}")
        runs = {
            "pip default (native)": measure(native_wheel, work / "native-site"),
            "sandbox (one target)": measure(ours_wheel, work / "sandbox-site"),
        }
        print()
        for name, result in runs.items():
            print(f"{name}: {result.pop('features')}")
        print(f"\n{'':<24}{'fingerprint':>16}{'prompt tok/s':>14}{'generated tok/s':>17}")
        for name, result in runs.items():
            print(
                f"{name:<24}{result['fingerprint']:>16}{result['prompt tokens/s']:>14.0f}"
                f"{result['generated tokens/s']:>17.1f}"
            )
        native_run, ours_run = runs.values()
        same = native_run["fingerprint"] == ours_run["fingerprint"]
        print(f"\nthe same numbers on this machine: {'yes' if same else 'no'}")
        for key in ("prompt tokens/s", "generated tokens/s"):
            ratio = float(ours_run[key]) / float(native_run[key])  # type: ignore[arg-type]
            print(f"{key}, sandbox / pip default: {ratio:.2f}")


if __name__ == "__main__":
    main()
