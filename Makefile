# The single entry point. `make run` and `make test` are all a new machine needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export RASA_TELEMETRY_ENABLED := false
export PYTHONDONTWRITEBYTECODE := 1

VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa

.PHONY: help setup run run-prod shell train test lint unit validate test-stories test-nlu e2e browser-deps eval-nlu bench clean

help:
	@echo "make run       set up, train if needed, load demo data, start Rasa + actions + web app"
	@echo "make run-prod  the production profile: PostgreSQL, Redis, RabbitMQ, 2 Rasa + 2 action servers behind nginx"
	@echo "make test      set up, then lint, unit/integration tests, data validation, story tests, NLU check, whole-stack tests"
	@echo "make train     train the model if its inputs changed"
	@echo "make shell     talk to the bot in the terminal (ports 5006/5056, beside make run)"
	@echo "make eval-nlu  compare our NLU pipeline with Rasa's default (writes docs/benchmarks.md)"
	@echo "make bench     benchmarks: our stack vs the stock rasa init bot under load, data layer, notices"
	@echo "               (writes docs/benchmarks.md and docs/img/; BENCH_ARGS=--quick for a short check)"
	@echo "make clean     remove models, var/ data and caches of this checkout"

setup:
	@tools/ensure-venv.sh

run: setup
	@$(PY) -m bot.launch run

run-prod: setup
	@tools/ensure-nginx.sh
	@tools/ensure-services.sh
	@$(PY) -m bot.prod run

shell: setup
	@$(PY) -m bot.launch shell

train: setup
	@$(PY) -m bot.modelcache ensure

test: setup lint unit validate test-stories test-nlu e2e
	@echo "make test: all checks passed"

lint: setup
	$(VENV)/bin/ruff check .

unit: setup
	tools/pytest-strict.sh tests --ignore=tests/e2e

validate: setup
	$(RASA) data validate --fail-on-warnings

test-stories: train
	$(RASA) test core --model "$$($(PY) -m bot.modelcache ensure)" --stories tests/test_stories.yml \
		--fail-on-prediction-errors --out var/results/core

test-nlu: train
	$(PY) -m bot.evaluation.nlu --check --model "$$($(PY) -m bot.modelcache ensure)"

e2e: train
	tools/pytest-strict.sh tests/e2e

browser-deps:
	@tools/ensure-browser.sh

eval-nlu: setup
	$(PY) -m bot.evaluation.nlu

# BENCH_ARGS: e.g. "--quick" (a short check of the harness) or "-k 1 10 50 --duration 30"
# (python -m bot.evaluation.bench_load --help). Writes docs/benchmarks.md and docs/img/.
bench: train
	$(PY) -m bot.evaluation.bench_load $(BENCH_ARGS)
	$(PY) -m bot.evaluation.bench
	$(PY) -m bot.evaluation.bench_notices

clean:
	rm -rf models var .pytest_cache .ruff_cache
	find . -path ./.venv -prune -o -name __pycache__ -type d -print0 | xargs -0 rm -rf
