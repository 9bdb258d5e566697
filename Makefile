# The two set-up commands: `make demo` and `make test`. Each creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO_OUT ?= demo-output

.PHONY: demo test venv browser clean samplewiki docs bench-tools fetch-runners cluster-flink cluster-flink-stop cluster-spark cluster-spark-stop

# setup.py builds the native engine (engine/, Rust) with cargo and compiles modules of transforms/wikitext with
# mypyc: an edit there rebuilds them.
$(VENV)/.installed: setup.py pyproject.toml engine/Cargo.toml engine/Cargo.lock $(wildcard engine/src/*.rs) \
		$(wildcard transforms/wikitext/*.py)
	@command -v cargo >/dev/null 2>&1 || { echo "wikidumps builds its native engine with Rust's cargo, which is not on PATH: install it from https://rustup.rs (or 'sudo apt-get install cargo'), then run make again" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@# Compiled modules of an earlier build go first: one whose source was removed would still be imported.
	rm -f transforms/wikitext/*.so
	$(PY) -m pip install --quiet -e '.[pipelines,analysis,gcp,test]'
	touch $@

venv: $(VENV)/.installed

demo: $(VENV)/.installed
	$(PY) -m runners.cli.demo --output $(DEMO_OUT)

test: $(VENV)/.installed fetch-runners browser $(VENV)/wheelhouse/.fetched
	$(PY) -m pytest -q

# The reader install's dependency (pyarrow, the version of .venv) as a wheel file: tests/test_packaging.py
# installs the project's wheel with it into a clean virtual environment, without the network.
$(VENV)/wheelhouse/.fetched: $(VENV)/.installed
	$(PY) -m pip download --quiet --only-binary :all: --dest $(VENV)/wheelhouse \
		"pyarrow==$$($(PY) -c 'import pyarrow; print(pyarrow.__version__)')"
	touch $@

# The report's browser test renders the page in Debian's headless Chromium (no browser download of its own):
# installed with apt when missing and make runs as root, else make stops and names the packages.
browser:
	@if ! { command -v chromium && command -v chromedriver; } >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing Debian's chromium and chromium-driver for the report's browser test"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
		else \
			echo "make test needs Debian's chromium and chromium-driver: run 'sudo apt-get install chromium chromium-driver'" >&2; \
			exit 1; \
		fi; \
	fi

# The baselines the benchmarks compare with (wikiextractor, mwparserfromhell, mwxml): the dev extra, not needed by tests.
bench-tools: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	test -x $(VENV)/bin/wikrs || cargo install --quiet --locked wikrs --version 0.4.0 --root $(VENV)

# Flink and Spark (from PyPI), Beam's job servers and Iceberg's Spark runtime with SQLite's JDBC driver (Maven
# Central) and Prism (Go module proxy), fetched once into $$WIKIDUMPS_CACHE (default ~/.cache/wikidumps); the
# cluster tests, the runner profiles and Spark's test of the Iceberg tables use them.
fetch-runners: $(VENV)/.installed
	$(PY) -m runners.clusters fetch all

# A Flink (JobManager + TaskManager) or Spark (master + worker) cluster on 127.0.0.1 for `--runner flink|spark`.
cluster-flink: $(VENV)/.installed
	$(PY) -m runners.clusters start flink

cluster-flink-stop: $(VENV)/.installed
	$(PY) -m runners.clusters stop flink

cluster-spark: $(VENV)/.installed
	$(PY) -m runners.clusters start spark

cluster-spark-stop: $(VENV)/.installed
	$(PY) -m runners.clusters stop spark

# Rewrites the committed sample dumps from the deterministic generator.
samplewiki: $(VENV)/.installed
	$(PY) sample_dumps/generate.py

# Regenerates docs/datasets.md from the schemas declared in schemas/.
docs: $(VENV)/.installed
	$(PY) -m schemas.reference > docs/datasets.md

clean:
	rm -rf $(VENV) $(DEMO_OUT) .pytest_cache .hypothesis build engine/target transforms/wikitext/*.so
