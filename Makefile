# The two set-up commands: `make demo` and `make test`. Each creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO_OUT ?= demo-output

.PHONY: demo test venv clean samplewiki docs bench-tools

$(VENV)/.installed: setup.py
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

venv: $(VENV)/.installed

demo: $(VENV)/.installed
	$(PY) -m runners.demo --output $(DEMO_OUT)

test: $(VENV)/.installed
	$(PY) -m pytest -q

# The baselines the benchmarks compare with (wikiextractor, mwparserfromhell): the dev extra, not needed by tests.
bench-tools: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'

# Rewrites the committed sample dumps from the deterministic generator.
samplewiki: $(VENV)/.installed
	$(PY) sample_dumps/generate.py

# Regenerates docs/datasets.md from the schemas declared in schemas/.
docs: $(VENV)/.installed
	$(PY) -m schemas.reference > docs/datasets.md

clean:
	rm -rf $(VENV) $(DEMO_OUT) .pytest_cache .hypothesis
