# Xiaodian: the one entry point. `make help` lists what you can do.
.DEFAULT_GOAL := help
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
RASA_DATA := --data data/nlu data/stories --config config.yml --domain domain.yml
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: help setup setup-browser setup-scaled check-shop data train orders run run-scaled agent report chat validate test test-unit test-stories bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

setup: ## Find Python 3.10, create .venv and install the pinned dependencies (once)
	@bash scripts/setup.sh

check-shop: setup ## Validate the shop's policy, catalogue and replies; say what is wrong and where
	@$(PY) scripts/check_shop.py

data: check-shop ## Regenerate the jieba dictionary and lookup tables from the shop's data
	@$(PY) -m bot.nlu.jieba_dictionary --out data/jieba/shop_dict.txt
	@$(PY) -m bot.nlu.lookup_tables --out data/nlu/lookups.yml

train: data ## Train the model if data, config or domain changed since the last one
	@bash scripts/train_if_needed.sh

orders: setup ## (Re)create the demo buyer's orders, timed from now (SQLite var/orders.sqlite, or $$DATABASE_URL)
	@$(PY) -m bot.orders.seed

run: train orders ## Start the assistant (Rasa, action server, web service on 127.0.0.1); Ctrl-C stops it
	@$(PY) -m bot.stack run

setup-scaled: ## Install Debian's redis-server and postgresql for make run-scaled, if missing
	@bash scripts/setup_scaled.sh

INSTANCES ?= 2
run-scaled: train setup-scaled ## Two Rasa instances (INSTANCES=N) on PostgreSQL + Redis behind the web service; Ctrl-C stops it
	@$(PY) -m bot.stack run --stores shared --instances $(INSTANCES)

agent: setup ## Add a console agent or change their password (ROLE=agent|trainer|supervisor); REMOVE=1 removes; ROLE alone on a known name changes the role
	@test -n "$(NAME)" || { echo "usage: make agent NAME=<name> [ROLE=agent|trainer|supervisor] [REMOVE=1]" >&2; exit 2; }
	@if [ -n "$(REMOVE)" ]; then $(PY) -m bot.web.agents remove $(NAME); \
	elif [ -n "$(ROLE)" ] && $(PY) -m bot.web.agents role $(NAME) $(ROLE) 2>/dev/null; then :; \
	else $(PY) -m bot.web.agents add $(NAME) $(if $(ROLE),--role $(ROLE)); fi

report: setup ## The service report as CSV and HTML in var/report/: make report FROM=2026-11-01 TO=2026-11-30 (default: the last 30 days)
	@$(PY) -m bot.report $(if $(FROM),--from $(FROM)) $(if $(TO),--to $(TO)) $(ARGS)

chat: setup ## Chat with the running assistant in this terminal (start `make run` first)
	@$(PY) scripts/chat.py $(ARGS)

validate: setup ## Check the training data and domain (rasa data validate)
	@$(RASA) data validate $(RASA_DATA) --fail-on-warnings

test-unit: setup ## Fast tests: shop logic, text normalisation, components, actions (no trained model)
	@$(PY) -m pytest tests -m "not assistant"

test-stories: train ## Story tests (tests/test_*.yml) against the trained model
	@$(RASA) test core --stories tests/test_conversations.yml --model models/xiaodian.tar.gz \
	  --fail-on-prediction-errors --out results/stories

setup-browser: ## Install Debian's chromium for the browser tests, if missing
	@bash scripts/setup_browser.sh

test: train validate setup-browser setup-scaled ## Everything: unit tests, the running assistant and shop page (browser), NLU floor, stories
	@$(PY) -m pytest tests

bench: train ## Benchmarks (NLU latency, cold start, load, one vs two instances, training): make bench ARGS="--quick --only nlu,cold"
	@bash scripts/setup_scaled.sh || echo "==> Without redis-server and PostgreSQL the 'scaled' benchmark is skipped"
	@$(PY) -m bench $(ARGS)

clean: ## Remove the trained model, results and caches (keeps .venv)
	rm -rf models results .state .pytest_cache
