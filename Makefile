# Common jobs. `make help` lists them. Everything runs inside .venv, created on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help setup run demo ingest build bundled-index test test-fast browser-deps lint eval fit bench bench-ingest scale clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	@echo "setup 1/4: creating the virtual environment $(VENV) with $(PYTHON)"
	@$(PYTHON) -m venv $(VENV)
	@echo "setup 2/4: upgrading pip"
	@$(BIN)/pip install -qq --disable-pip-version-check --upgrade pip
	@echo "setup 3/4: installing torch, CPU build (the largest download)"
	@$(BIN)/pip install -qq --disable-pip-version-check torch==2.13.0
	@echo "setup 4/4: installing the project and its dev tools (pip install -e '.[dev]')"
	@$(BIN)/pip install -qq --disable-pip-version-check -e '.[dev]'
	@touch $@
	@echo "setup done; activate the environment with: . $(BIN)/activate"

setup: $(VENV)/.installed ## create .venv and install the project with its dev tools

run: setup ## the main job: serve the web app on 127.0.0.1:8000 (pages show progress until it is ready)
	@echo "serving http://$(HOST):$(PORT)/ (the first start converts the bundled model; under a minute)"
	$(BIN)/python -m assistant serve --host $(HOST) --port $(PORT)

demo: setup ## build the index and answer a sample question on the command line
	$(BIN)/python -m assistant build
	$(BIN)/python -m assistant search "养老护理员每个月能领多少岗位补贴？" --k 3
	$(BIN)/python -m assistant ask "我家老人做适老化改造最多能补多少？"

ingest: setup ## turn the raw seed pages into documents/
	$(BIN)/python -m assistant ingest ../shared/seeds

build: setup ## build or update the index from documents/
	$(BIN)/python -m assistant build

bundled-index: build ## refresh index/bundled/, the index shipped for documents/ (commit it after changing documents/)
	rm -rf index/.bundled.new && cp -r "index/$$(cat index/CURRENT)" index/.bundled.new
	rm -rf index/bundled && mv index/.bundled.new index/bundled
	@echo "index/bundled/ now matches documents/; commit it"

browser-deps: ## install Debian chromium + chromedriver for the browser tests, Tesseract for OCR (needs root)
	@if [ -x /usr/bin/chromium ]; then echo "chromium present"; \
	elif [ "$$(id -u)" = 0 ]; then echo "installing chromium and a CJK font with apt-get (quiet)"; \
	  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	  --no-install-recommends chromium chromium-driver fonts-wqy-microhei >/dev/null; \
	else echo "warning: /usr/bin/chromium missing and not root; browser tests will be skipped"; fi
	@if [ -d /usr/share/tesseract-ocr/5/tessdata ] && ls /usr/share/tesseract-ocr/5/tessdata | grep -q chi_sim; then echo "tesseract present"; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq --no-install-recommends tesseract-ocr tesseract-ocr-chi-sim fonts-wqy-microhei; \
	else echo "warning: tesseract-ocr-chi-sim missing and not root; OCR tests will be skipped"; fi

test: setup browser-deps ## the whole test suite, real model and real browser included
	$(BIN)/python -m pytest

test-fast: setup ## unit tests only (fake embedder, no browser)
	$(BIN)/python -m pytest -m "not slow and not browser"

lint: setup ## ruff and mypy
	$(BIN)/ruff check assistant tests eval
	$(BIN)/mypy assistant

eval: setup ## score retrieval and answers; writes eval/reports/
	$(BIN)/python -m assistant eval

fit: setup ## refit the speech-act and answerability models on eval/training (a minute or two)
	$(BIN)/python eval/fit_acts.py
	$(BIN)/python eval/fit_answerability.py

bench: setup ## build/search/ask latency, throughput and memory; writes eval/reports/
	$(BIN)/python -m assistant bench

bench-ingest: setup ## PDF/OCR pages per second, ingest-to-searchable time; writes eval/reports/ingest.md
	$(BIN)/python eval/ingest_benchmark.py

scale: setup ## synthetic 100k/1M-chunk scale benchmark (minutes, several GB of RAM)
	$(BIN)/python -m assistant bench --scale

clean: ## remove the index and caches (documents/ and eval reports stay)
	rm -rf index/CURRENT index/build-* .pytest_cache .mypy_cache .ruff_cache
