# Two commands for a new user: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint format run migrate manifest bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e . -e ./devkit -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## the bot's main job, on SQLite, against a local Slack stand-in, with a transcript
demo: install
	$(BIN)/interview-bot demo

## lint, then every test (on PostgreSQL instead of SQLite when TEST_DATABASE_URL is set)
test: install lint
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## serve a real workspace (settings from .env; see README)
run: install
	$(BIN)/interview-bot run

migrate: install
	$(BIN)/interview-bot migrate

manifest: install
	$(BIN)/interview-bot manifest > manifest.json

bench: install
	$(BIN)/python bench/ack_latency.py
	$(BIN)/python bench/dispatch_throughput.py
	$(BIN)/python bench/idle_tick.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info
