# Two entry points for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CHROMIUM ?= /usr/bin/chromium
# pytest-xdist workers for make test; whole test files go to one worker (module fixtures crawl once)
TEST_WORKERS ?= 2

REDIS_SERVER ?= /usr/bin/redis-server

.PHONY: demo test test-fast browser redis bench bench-import clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/replyaudit demo --out demo-output

# Browser tests need Chromium. As root (CI), install Debian's package when it is missing;
# elsewhere, run `playwright install chromium` or set REPLYAUDIT_CHROMIUM.
browser:
	@if [ ! -x "$(CHROMIUM)" ] && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	fi

# `--workers N` starts a private redis-server per run. As root (CI), install Debian's package
# when it is missing; elsewhere, install it yourself or pass --redis URL (docs/scale.md).
redis:
	@if [ ! -x "$(REDIS_SERVER)" ] && ! command -v redis-server >/dev/null \
		&& [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server; \
	fi

# Everything, the browser and whole crawls included: the README's test command and what CI runs.
test: $(VENV)/.installed-test browser redis
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

# The lane to run while you work: everything but whole crawls and the browser (docs/testing.md).
test-fast: $(VENV)/.installed-test
	$(BIN)/pytest -n 2 -m "not crawl and not requires_browser"

clean:
	rm -rf $(VENV) demo-output .pytest_cache

# Speed is measured here, not asserted in tests: the metric views over ~10 M posts.
bench: $(VENV)/.installed
	$(BIN)/python -m tests.perf.bench_metrics --posts $${POSTS:-10000000}

# The TWCS import on a file the size of the full dataset (2.8 M rows): wall time and peak RSS.
bench-import: $(VENV)/.installed
	$(BIN)/python -m tests.perf.bench_import --rows $${ROWS:-2811774}
