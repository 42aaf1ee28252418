# `make run` and `make test` are all a newcomer needs; both install what they use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
INSTALLED := $(VENV)/.installed
# Front-end files from the npm packages (package-lock.json), copied at install time; never committed.
VENDOR := static_vendor
ASSETS := $(VENDOR)/.installed
MESSAGES := locale/da/LC_MESSAGES/django.mo locale_wagtail/da/LC_MESSAGES/django.mo \
	locale_wagtail/da/LC_MESSAGES/djangojs.mo

.PHONY: install messages run test test-system-db lint format bench db-stop clean hostile

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(INSTALLED)

$(ASSETS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/dkfds $(VENDOR)/axe-core $(VENDOR)/chart.js
	cp -R node_modules/dkfds/dist/css node_modules/dkfds/dist/js node_modules/dkfds/dist/fonts \
		node_modules/dkfds/dist/img node_modules/dkfds/LICENSE.md $(VENDOR)/dkfds/
	cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE $(VENDOR)/axe-core/
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/dist/chart.umd.min.js.map \
		node_modules/chart.js/LICENSE.md $(VENDOR)/chart.js/
	touch $(ASSETS)

$(MESSAGES) &: $(INSTALLED) locale/da/LC_MESSAGES/django.po locale_wagtail/da/LC_MESSAGES/django.po \
		locale_wagtail/da/LC_MESSAGES/djangojs.po
	$(BIN)/python manage.py compilemessages --locale da --ignore .venv --ignore node_modules

install: $(INSTALLED) $(ASSETS) $(MESSAGES)

# The source strings are Danish: new ones are copied into the Danish catalogue as their own translation (msgen),
# which a translator may then improve; a guessed (fuzzy) translation is dropped first. Plural forms follow Danish.
messages: $(INSTALLED)
	$(BIN)/python manage.py makemessages --locale da --add-location file --ignore .venv \
		--ignore node_modules --ignore tests \
		--ignore $(VENDOR) --ignore var --ignore '*.egg-info'
	msgattrib --no-wrap --clear-fuzzy --empty --output-file locale/da/LC_MESSAGES/django.po locale/da/LC_MESSAGES/django.po
	msgen --no-wrap --output-file locale/da/LC_MESSAGES/django.po locale/da/LC_MESSAGES/django.po

# The task worker (alerts, reminders, digest) runs beside the web server and stops with it.
run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python -m config.database settings
	$(BIN)/python manage.py load_demo_data --if-empty --with-users
	$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The test database is kept between runs (--reuse-db); Django's test runner still applies new migrations to it on
# every run. PYTEST_ARGS=--create-db builds it afresh (CI does), e.g. after a migration was edited in place.
# The tests run in one process per core (pytest-xdist), each with a test database of its own (test_frikommune_gw0,
# …); PYTEST_WORKERS=0 runs them in this process alone. Each process takes a contiguous part of the tests in their
# order and takes over half of another's remaining part when it runs out (worksteal): a module's shared fixtures are
# built once rather than in every process, and tests that empty the database still come after those that expect it.
PYTEST_WORKERS ?= auto
test: install
	@test -x /usr/bin/chromium || echo "NOTE: /usr/bin/chromium is missing: the browser tests (tests/browser/) will be skipped."
	$(BIN)/python -m pytest --reuse-db -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# A benchmark, not a test: 10,000 then 100,000 pages (SCALE=1000000 make bench for one size; BENCH_ARGS=--keep).
bench: install
	$(BIN)/python bench/search_bench.py --scales $${SCALE:-10000,100000} $(BENCH_ARGS)

# /fremdrift/ and the API's list pages at N experiments (default 10000), in a database of its own.
bench-progress: install
	$(BIN)/python scripts/bench_progress.py $${N:-10000}

# How long importing N experiments takes (default 10000), in a database of its own; --publish via BENCH_ARGS.
bench-import: install
	$(BIN)/python scripts/bench_import.py $${N:-10000} $(BENCH_ARGS)

db-stop:
	-$(BIN)/python -m config.database stop

clean: db-stop
	rm -rf $(VENV) var static_collected $(VENDOR) node_modules

# A seeded run of hostile requests (scripts/hostile_requests.py) against a running site, e.g. one started by `make run`.
hostile: install
	$(BIN)/python scripts/hostile_requests.py $${URL:-http://127.0.0.1:$(PORT)} --requests $${N:-10000} --seed $${SEED:-1}

# The site served the production way (gunicorn, production settings, collectstatic) under a bounded load from wrk on
# 127.0.0.1: requests/s, p50/p95/p99 and errors per target (scripts/loadtest.py). A benchmark, not part of CI.
# LOADTEST_ARGS, e.g. "--duration 60 --connections 32"; --fresh loads the demo data anew.
.PHONY: loadtest
loadtest: install
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python scripts/loadtest.py $(LOADTEST_ARGS)
