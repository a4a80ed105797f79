"""Binder's files agree with the rest of the repository."""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BINDER = ROOT / "binder"


def test_binder_installs_the_package_with_the_sandbox_built_as_make_builds_it() -> None:
    post_build = (BINDER / "postBuild").read_text()
    assert 'pip install --no-cache-dir ".[sandbox,lab]"' in post_build
    makefile = re.search(r"^LLAMA_CMAKE_ARGS := (.+)$", (ROOT / "Makefile").read_text(), re.M)
    assert makefile is not None
    expected = makefile.group(1).replace("$(CURDIR)", "$PWD")
    assert f'CMAKE_ARGS="{expected}"' in post_build
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"
    # requirements.txt would install (and compile) before postBuild, without CMAKE_ARGS
    assert not (BINDER / "requirements.txt").exists()


def test_the_weights_pin_is_the_makefiles() -> None:
    makefile = re.search(r"^WEIGHTS := (\S+)$", (ROOT / "Makefile").read_text(), re.M)
    assert makefile is not None
    assert f"--no-deps {makefile.group(1)}" in (BINDER / "postBuild").read_text()


def test_scripts_are_executable_and_start_hands_over() -> None:
    for name in ("postBuild", "start"):
        assert os.access(BINDER / name, os.X_OK), name
    assert (BINDER / "start").read_text().rstrip().endswith('exec "$@"')
