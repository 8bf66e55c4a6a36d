# The README's commands. `make run` and `make test` work on a fresh machine:
# they install uv, the Python packages, axe-core, vnu-jar and (for tests) Chromium and Java first.
SHELL := /bin/bash

# uv from PATH, or the copy pip just installed (pyenv may not have rehashed its shims yet).
# Recursive on purpose: re-evaluated in each recipe, after `install` has run.
UV ?= $(shell command -v uv || echo "python3 -m uv")

CHROMIUM := /usr/bin/chromium

# The suite runs on every core (pytest-xdist), each test file whole on one worker: a file's
# module fixtures are made once. `make test WORKERS=` runs it in one process.
WORKERS ?= -n auto --dist loadfile

# `check --deploy` the way production runs: prod settings, a throwaway key made on the spot.
DEPLOY_CHECK_ENV = DJANGO_SETTINGS_MODULE=config.settings.prod \
	SECRET_KEY="$$(python3 -c 'import secrets; print(secrets.token_hex(32))')" \
	ALLOWED_HOSTS=trellis.example \
	EMAIL_URL=smtp://mail.example:587

.PHONY: install run test lint check worker bench load clean

install:
	@if ! command -v uv >/dev/null 2>&1 && ! python3 -m uv --version >/dev/null 2>&1; then \
		echo "Installing uv from PyPI"; \
		python3 -m pip install --quiet uv || python3 -m pip install --quiet --user uv || pip install --quiet uv; \
		if command -v pyenv >/dev/null 2>&1; then pyenv rehash; fi; \
	fi
	$(UV) sync --frozen
	@if [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ]; then \
		if command -v npm >/dev/null 2>&1; then \
			npm ci --no-audit --no-fund; \
		else \
			echo "npm not found: the tests need node_modules/axe-core and vnu-jar (npm ci)."; \
		fi; \
	fi

run: install
	$(UV) run python manage.py migrate
	$(UV) run python manage.py demo
	$(UV) run python manage.py runserver 127.0.0.1:8000

test: install
	@if [ ! -x $(CHROMIUM) ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing Chromium for the browser tests"; \
			apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
		else \
			echo "The browser tests need $(CHROMIUM): sudo apt-get install -y chromium" >&2; \
			exit 1; \
		fi; \
	fi
	@if ! command -v java >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing Java for the Nu HTML Checker"; \
			apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y default-jre-headless; \
		else \
			echo "The HTML validity test needs Java: sudo apt-get install -y default-jre-headless" >&2; \
			exit 1; \
		fi; \
	fi
	$(UV) run pytest $(WORKERS) $(PYTEST_ARGS)

# Files under version control only: what lands is what is linted.
TEMPLATE_FILES = git ls-files -z 'templates/*.html' 'templates/*.txt'
PYTHON_FILES = git ls-files -z '*.py'

lint: install
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy .
	$(TEMPLATE_FILES) | xargs -0 $(UV) run djade --check --target-version 6.1
	$(PYTHON_FILES) | xargs -0 $(UV) run django-upgrade --check --target-version 6.1
	$(UV) run lint-imports

check: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(UV) run python manage.py makemigrations --check --dry-run
	$(DEPLOY_CHECK_ENV) $(UV) run python manage.py check --deploy --fail-level WARNING

# The database-backed task worker. Development settings run tasks at once and have no
# queue, so this uses production settings unless DJANGO_SETTINGS_MODULE says otherwise.
# `manage.py worker` is django-tasks-db's db_worker that waits out a database restart.
worker: install
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-config.settings.prod} $(UV) run python manage.py worker

# The project's own benchmark (bench/run.py): every main page as a ratio to a trivial signed-in
# page, with production settings under gunicorn and a PostgreSQL database of its own
# (BENCH_DATABASE_URL, default trellis_bench on 127.0.0.1:5432, created and dropped by the run),
# at 30 members / 2,000 items / 40,000 versions / 500,000 acknowledgments, then with 100,000
# other polycules. A markdown table on stdout, JSON in bench/results.json. CI runs
# `make bench BENCH_ARGS="--size small"`.
BENCH_ARGS ?=
bench: install
	$(UV) run python -m bench.run $(BENCH_ARGS)

# A bounded load test (load/run.py): 30 members at once against gunicorn and a PostgreSQL
# database of its own (LOAD_DATABASE_URL, default trellis_load on 127.0.0.1:5432, created and
# dropped by the run), then the database checked against the log of saved writes.
LOAD_SECONDS ?= 30
load: install
	$(UV) run python -m load.run --seconds $(LOAD_SECONDS)

clean:
	rm -rf staticfiles test-artifacts .pytest_cache .mypy_cache .ruff_cache
	find . -path ./.venv -prune -o -path ./node_modules -prune -o -path ./.git -prune \
		-o -type d -name __pycache__ -prune -exec rm -rf {} +
