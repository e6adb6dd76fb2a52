# Two commands set up a fresh machine: `make demo` serves the portal with demo data at
# http://127.0.0.1:8000, `make test` runs the whole test suite. Both create .venv themselves.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test install lint messages check-libs worker beat clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

# Pango and fonts for WeasyPrint, installed from Debian when missing (see bin/system-packages).
check-libs: $(STAMP)
	@sh bin/system-packages runtime
	@$(PY) -c "import weasyprint" 2>/dev/null || { \
	  echo "WeasyPrint cannot load Pango: install Pango 1.44+ and a TrueType font"; \
	  exit 1; }

demo: $(STAMP) check-libs
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

# The suite in TEST_PROCESSES processes (pytest-xdist), each with its own test database, Redis
# database and var directory (tests/parallel.py); the browser journeys dominate its time.
TEST_PROCESSES ?= 2

test: $(STAMP) check-libs
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(PY) -m pytest --numprocesses=$(TEST_PROCESSES) --dist=worksteal

lint: $(STAMP)
	$(VENV)/bin/ruff check .

# Regenerate and compile the nl/fr/de/en catalogues (needs gettext).
messages: $(STAMP)
	$(PY) manage.py makemessages -l nl -l fr -l de -l en --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv

worker: $(STAMP)
	$(VENV)/bin/celery -A botp worker --loglevel=info

beat: $(STAMP)
	$(VENV)/bin/celery -A botp beat --loglevel=info

clean:
	rm -rf var
