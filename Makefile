# The two commands of the README: `make run` and `make test`. Everything else helps them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: run test lint setup messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed-run $@

setup: $(VENV)/.installed-run
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_model
	$(BIN)/python manage.py load_inspiration
	$(BIN)/python manage.py load_demo

# The web server and the mail worker together; Ctrl+C stops both.
run: setup
	@echo "Datagedreven draait op http://$(HOST)/ met de mailverzending ernaast (stoppen: Ctrl+C)"
	$(BIN)/python manage.py run_with_worker $(HOST)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

# Regenerate the English translation catalogue and compile it (needs GNU gettext).
messages: $(VENV)/.installed-run
	$(BIN)/python manage.py makemessages -l en --no-location --ignore=.venv
	$(BIN)/python manage.py compilemessages -l en --ignore=.venv

# The figures of spec/quality.md, each against its floor, in a PostgreSQL database of their
# own (BENCH_DATABASE_URL, else DATABASE_URL's name + _bench; only a *_bench database is
# ever dropped). Prints `name value unit` lines.
bench: $(VENV)/.installed-test
	cd bench && for script in scoring poster results_page departments imports load faults survey_speed mail; do \
		../$(BIN)/python $$script.py || exit 1; \
	done

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
