# Every target creates .venv when it is missing, so a fresh clone needs nothing but Python 3.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Each target installs into .venv only what it needs, once per change of pyproject.toml: one
# stamp per set of extras. `make demo` installs the project alone (no test, lint or fleet
# toolchain); a later `make test` adds the test extras to the same .venv. A stamp also stands
# for the smaller sets it holds (touched with it), so nothing is installed twice.
DEMO_STAMP := $(VENV)/.installed-demo
TEST_STAMP := $(VENV)/.installed-test
LINT_STAMP := $(VENV)/.installed-lint
FLEET_STAMP := $(VENV)/.installed-fleet
# Every extra: `make bench`, and a developer's set-up (`make .venv/.installed`).
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
# Test workers (pytest-xdist): one more than the cores, as the suite also waits (on timeouts,
# a start-up file that sleeps, a terminal); measured in docs/development.md, "Tests".
JOBS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) + 1 )))

, := ,
.PHONY: test check lint bench demo dist clean fleet-ready clients

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# $(call install,EXTRAS,STAMPS): the project, editable, with EXTRAS (comma-separated, or
# none); then this stamp and the STAMPS of the smaller sets it holds.
define install
$(BIN)/python -m pip install --quiet -e '.$(if $(1),[$(1)])'
touch $@ $(2)
endef

$(DEMO_STAMP): pyproject.toml | $(BIN)/python
	$(call install,,)
# The fleet's tests run with the others (and tests/test_fleet_args.py imports Ansible's).
$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(call install,test$(,)fleet,$(DEMO_STAMP) $(FLEET_STAMP))
# mypy --strict reads the tests, so it needs pytest's and hypothesis' types.
$(LINT_STAMP): pyproject.toml | $(BIN)/python
	$(call install,test$(,)lint,$(DEMO_STAMP))
$(FLEET_STAMP): pyproject.toml | $(BIN)/python
	$(call install,fleet,$(DEMO_STAMP))
$(STAMP): pyproject.toml | $(BIN)/python
	$(call install,test$(,)lint$(,)fleet,$(DEMO_STAMP) $(TEST_STAMP) $(LINT_STAMP) $(FLEET_STAMP))

# Every test (the README's command; CI runs it).
test: $(TEST_STAMP)
	$(BIN)/python -m pytest -n $(JOBS) $(PYTEST_ARGS)

# The inner loop: what needs no real client, no root, no fleet, no browser and is not slow
# (real shells are in: they are what remedy is about). Markers: pyproject.toml; tests/support/markers.py.
CHECK_MARKERS := not real_client and not root and not fleet and not slow and not browser
check: $(TEST_STAMP)
	$(BIN)/python -m pytest -n $(JOBS) -m "$(CHECK_MARKERS)" $(PYTEST_ARGS)

lint: $(LINT_STAMP)
	$(BIN)/ruff check remedies shells tests bench demo fleet
	$(BIN)/ruff format --check remedies shells tests bench demo fleet
	$(BIN)/mypy

bench: $(STAMP) dist/remedy.pyz
	$(BIN)/python bench/status_vs_import.py
	$(BIN)/python -m bench.doctor_vs_floor
	$(BIN)/python bench/fleet_rollout.py
	$(BIN)/python bench/fleet_page.py
	$(BIN)/python bench/big_startup_file.py
	$(BIN)/python -m bench.verify_vs_client
	$(BIN)/python bench/test_suite.py

# The real clients the tests run (demo/claude_cache.py), installed into .cache/claude-code;
# exits 1 naming any that does not install or run (.ci/run runs it before `make test`).
clients: $(DEMO_STAMP)
	$(BIN)/python -m demo.claude_cache

demo: $(DEMO_STAMP)
	$(BIN)/python -m demo.demo

# The sdist and the wheel PyPI would get (dist/remedy_cli-*), built from a clean copy by
# `python -m build` and checked as PyPI checks them (tests/test_packaging.py installs the
# wheel with pipx).
dist: $(TEST_STAMP)
	rm -f dist/remedy_cli-*
	$(BIN)/python -m build --quiet --outdir dist .
	$(BIN)/twine check --strict dist/remedy_cli-*

# --- fleet rollout through Ansible (see docs/fleets.md) -------------------------------------
INVENTORY ?=
REMEDY ?= mantle
ARGS ?=
REPORTS ?= reports
BATCH ?= 25%
MAX_FAIL ?= 0
SCOPE ?= user
FLEET_TARGETS := rollout rollout-check rollout-revert rollout-verify fleet-doctor
# What a person typed reaches the playbook in the environment, never through the recipe's
# shell (a quote in ARGS broke out of REMEDY_ARGS='$(ARGS)') nor `-e key=value` (split at
# spaces, templated by Ansible). $(value X) is X as typed: make expands no `$` in it.
# The playbook splits ARGS into words itself (fleet/filter_plugins/remedy_argv.py).
$(FLEET_TARGETS) fleet-ready fleet-report: export REMEDY_INVENTORY := $(value INVENTORY)
$(FLEET_TARGETS) fleet-ready fleet-report: export REMEDY_REPORTS := $(value REPORTS)
$(FLEET_TARGETS): export REMEDY_NAME := $(value REMEDY)
$(FLEET_TARGETS): export REMEDY_ARGS := $(value ARGS)
$(FLEET_TARGETS): export REMEDY_BATCH := $(value BATCH)
$(FLEET_TARGETS): export REMEDY_MAX_FAIL := $(value MAX_FAIL)
$(FLEET_TARGETS): export REMEDY_SCOPE := $(value SCOPE)
# An ARGS that cannot be split is one line before Ansible starts; then the playbook, whose
# inventory the recipe's shell reads from the environment (quoted: taken as it is).
PLAYBOOK = $(BIN)/python fleet/filter_plugins/remedy_argv.py && \
	$(BIN)/ansible-playbook -i "$$REMEDY_INVENTORY" fleet/rollout.yml
PYZ_SOURCES := $(shell find remedies shells -name '*.py') pyproject.toml fleet/build_pyz.py

.PHONY: rollout rollout-check rollout-revert rollout-verify fleet-doctor fleet-report pyz

dist/remedy.pyz: $(DEMO_STAMP) $(PYZ_SOURCES)
	$(BIN)/python fleet/build_pyz.py

pyz: dist/remedy.pyz

fleet-ready: $(FLEET_STAMP) dist/remedy.pyz
	@test -n "$$REMEDY_INVENTORY" || { echo "make: give INVENTORY=<inventory file>" >&2; exit 2; }
	@mkdir -p "$$REMEDY_REPORTS"

rollout: fleet-ready
	$(PLAYBOOK) -e remedy_action=apply

rollout-check: fleet-ready
	$(PLAYBOOK) -e remedy_action=check --check

rollout-revert: fleet-ready
	$(PLAYBOOK) -e remedy_action=revert

rollout-verify: fleet-ready
	$(PLAYBOOK) -e remedy_action=verify

# What is wrong on each host, changing nothing (remedy doctor --check --json): the reports
# carry each host's Claude Code version and problems, which fleet-report counts.
fleet-doctor: fleet-ready
	$(PLAYBOOK) -e remedy_action=doctor

fleet-report: $(DEMO_STAMP)
	@$(BIN)/remedy fleet-report "$$REMEDY_REPORTS" $(if $(JSON),--json,) \
		--html "$$REMEDY_REPORTS/fleet-report.html" --csv "$$REMEDY_REPORTS/fleet-report.csv"

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist *.egg-info
