"""The engine computes the numbers the committed outputs came from, on any machine of ours.

llama.cpp's numbers depend on the SIMD kernels it is compiled with, so the sandbox's
llama.cpp is built for one CPU target (tools/llama_cpp_sandbox.cmake), and the engine's
`system_fingerprint` is a digest of the logits it computes (`Engine.fingerprint`). Every
fingerprint in a committed notebook output is this engine's: when not, nbval's diffs are
what a rebuild would fix, and this says so first.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What tools/llama_cpp_sandbox.cmake builds for: the SIMD features llama.cpp reports.
CPU_TARGET = {"SSE3", "SSSE3", "AVX", "AVX2", "F16C", "FMA", "BMI2"}
SIMD = re.compile(r"^(SSE|SSSE|AVX|F16C|FMA|BMI|AMX)")


def committed_fingerprints() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted(ROOT.glob("notebooks/*.ipynb")) + sorted(ROOT.glob("exercises/*/*.ipynb")):
        for fingerprint in re.findall(r"fp_[0-9a-f]{10}\b", path.read_text()):
            found.setdefault(fingerprint, set()).add(path.name)
    return found


def test_the_engine_is_built_for_the_one_cpu_target() -> None:
    import llama_cpp

    info = llama_cpp.llama_print_system_info().decode()
    features = {name for name, on in re.findall(r"(\w+) = (\d)", info) if on == "1"}
    cpu = Path("/proc/cpuinfo").read_text().split() if Path("/proc/cpuinfo").exists() else []
    lacking = [flag for flag in ("avx2", "fma", "f16c", "bmi2") if flag not in cpu]
    why = (
        f"this CPU lacks {', '.join(lacking)}: its own build computes other numbers, and the "
        "committed outputs cannot be compared here"
        if lacking
        else "the committed outputs come from the build in tools/llama_cpp_sandbox.cmake: "
        "`make clean setup` builds it"
    )
    assert {f for f in features if SIMD.match(f)} == CPU_TARGET, (
        f"llama.cpp was built for another CPU target ({info.strip()}): {why}"
    )


def test_every_committed_fingerprint_is_this_engines(engine) -> None:
    found = committed_fingerprints()
    assert found, "no notebook shows the sandbox's system_fingerprint any more"
    assert set(found) == {engine.fingerprint}, (
        f"this engine computes {engine.fingerprint}; the committed outputs came from "
        f"{found}: another build of llama.cpp (`make clean setup` builds the committed one) "
        "or outputs to regenerate (`make notebooks`)"
    )


def test_the_fingerprint_does_not_depend_on_the_threads(engine) -> None:
    """The sandbox fits its threads to the free cores as it goes: the numbers, and so the
    fingerprint, are the same with one thread or two."""
    from llmwidgets.sandbox.engine import Engine

    assert Engine(n_threads=1).fingerprint == Engine(n_threads=2).fingerprint == engine.fingerprint
