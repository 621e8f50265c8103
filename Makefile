# Quick start: `make run` serves the app on SQLite; `make test` runs the whole suite.
PYTHON ?= python3
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
ASSETS := static/build/epa.css static/build/govuk-frontend.min.js
export SECRET_KEY ?= $(shell cat instance/secret_key 2>/dev/null)

.PHONY: run test test-postgres lint audit format serve assets clean bench load lock e2e worker beat

# Every dependency comes from the lock, each file checked against its hash; the project itself
# is installed editable on top, without resolving anything again.
$(BIN)/.installed: pyproject.toml requirements-test.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed (set PYTHON=...)")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements-test.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

static/build/epa.css: assets/epa.scss node_modules/.installed
	mkdir -p static/build
	npx sass --load-path=node_modules --style=compressed --no-source-map --quiet-deps $< $@

static/build/govuk-frontend.min.js: node_modules/.installed
	mkdir -p static/build
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $@

assets: $(ASSETS)

instance/secret_key:
	mkdir -p instance
	$(PYTHON) -c 'import secrets; print(secrets.token_hex(32))' > $@
	chmod 600 $@

# Sets everything up on the embedded SQLite database, then serves.
run: $(BIN)/.installed assets instance/secret_key
	SECRET_KEY=$$(cat instance/secret_key) $(FLASK) db upgrade
	SECRET_KEY=$$(cat instance/secret_key) $(FLASK) epa load-standard fixtures/standard.json
	SECRET_KEY=$$(cat instance/secret_key) $(FLASK) epa demo-data --if-empty
	SECRET_KEY=$$(cat instance/secret_key) $(FLASK) run --host 127.0.0.1 --port $(PORT)

# Serves with gunicorn on whatever DATABASE_URL names (SQLite by default).
serve: $(BIN)/.installed assets instance/secret_key
	SECRET_KEY=$${SECRET_KEY:-$$(cat instance/secret_key)} $(FLASK) db upgrade
	HOST=127.0.0.1 PORT=$(PORT) SECRET_KEY=$${SECRET_KEY:-$$(cat instance/secret_key)} $(BIN)/gunicorn --config gunicorn.conf.py app:app

# A worker for the queue on REDIS_URL (any number, on any machine sharing DATABASE_URL and
# REDIS_URL); `make beat` runs the one scheduler of timed work. See docs/operations.md.
worker: $(BIN)/.installed instance/secret_key
	SECRET_KEY=$${SECRET_KEY:-$$(cat instance/secret_key)} $(BIN)/celery -A epa.worker worker --loglevel=INFO $(WORKER_ARGS)

beat: $(BIN)/.installed instance/secret_key
	SECRET_KEY=$${SECRET_KEY:-$$(cat instance/secret_key)} $(BIN)/celery -A epa.worker beat --loglevel=INFO

test: $(BIN)/.installed assets
	$(BIN)/pytest $(PYTEST_ARGS)

# The same suite against a fresh database on a local PostgreSQL server.
test-postgres: $(BIN)/.installed assets
	TEST_POSTGRES_URL=$${TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/postgres} $(BIN)/pytest $(PYTEST_ARGS)

# The journeys of each role in a real browser (e2e/): gunicorn on a fresh SQLite database with
# the demonstration, Debian's Chromium driven by Playwright, every page checked with axe-core at
# 1280 and 320 px; screenshots in e2e-artifacts/. `make e2e E2E_ARGS="-k staff"` runs some.
e2e: $(BIN)/.installed assets
	scripts/ensure-chromium
	$(BIN)/pytest e2e -c e2e/pytest.ini $(E2E_ARGS)

# bandit: no finding of medium severity or above; each exception is commented where it stands.
lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint Dockerfile
	$(BIN)/bandit --quiet --recursive --severity-level medium epa app.py

# The pinned dependencies against known vulnerabilities (pip-audit); an advisory service that
# cannot be reached is said, and does not fail the run. See scripts/audit-dependencies.
audit: $(BIN)/.installed
	$(BIN)/python scripts/audit-dependencies

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules static/build

# Timings at scale; kept out of `make test` because a busy machine would make them flaky.
# Every budget (issue 13), on 100,000 seeded apprentices: a fresh database on the PostgreSQL server
# DATABASE_URL (or BENCH_DATABASE_URL) names, dropped afterwards, else a throwaway SQLite file.
# BENCH_JSON=path writes every figure there; exits 1 when a budget is missed. See bench/run.py.
bench: $(BIN)/.installed
	$(BIN)/python bench/run.py

# LOAD_USERS (20) people at once for LOAD_SECONDS (60) on gunicorn and PostgreSQL (DATABASE_URL,
# the machine's own server by default): no 5xx, no write lost or made twice. See bench/load.py.
load: $(BIN)/.installed
	$(BIN)/python bench/load.py

# Writes the locks again from pyproject.toml, against PyPI alone (this machine's pip settings
# are ignored). `make lock UPGRADE=flask` moves one package (and what it needs) to its newest.
LOCK := PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes --strip-extras \
	--no-emit-index-url --no-emit-find-links --index-url https://pypi.org/simple \
	$(if $(UPGRADE),--upgrade-package $(UPGRADE))
lock: $(BIN)/.installed
	$(BIN)/pip install --quiet pip-tools
	$(LOCK) -o requirements.lock pyproject.toml
	$(LOCK) --extra test -o requirements-test.lock pyproject.toml
