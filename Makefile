# Every target creates .venv when it is missing, so a fresh clone needs nothing but Python 3.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: test lint bench demo clean fleet-ready

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,lint,fleet]'
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check remedies shells tests bench demo fleet
	$(BIN)/ruff format --check remedies shells tests bench demo fleet
	$(BIN)/mypy

bench: $(STAMP) dist/remedy.pyz
	$(BIN)/python bench/status_vs_import.py
	$(BIN)/python -m bench.doctor_vs_floor
	$(BIN)/python bench/fleet_rollout.py
	$(BIN)/python bench/big_startup_file.py
	$(BIN)/python -m bench.verify_vs_client

demo: $(STAMP)
	$(BIN)/python -m demo.demo

# --- fleet rollout through Ansible (see README, "Fleets") -------------------------------------
INVENTORY ?=
REMEDY ?= mantle
ARGS ?=
REPORTS ?= reports
BATCH ?= 25%
MAX_FAIL ?= 0
SCOPE ?= user
# A remedy file (REMEDY=./fix.toml) is copied to each host: Ansible needs its absolute path.
REMEDY_ARG = $(if $(filter %.toml,$(REMEDY)),$(abspath $(REMEDY)),$(REMEDY))
# ARGS travel in the environment: `-e key=value` would split them at spaces.
PLAYBOOK = REMEDY_ARGS='$(ARGS)' REMEDY_REPORTS="$(abspath $(REPORTS))" \
	$(BIN)/ansible-playbook -i "$(INVENTORY)" fleet/rollout.yml \
	-e remedy_batch="$(BATCH)" -e remedy_max_fail="$(MAX_FAIL)" -e remedy_scope="$(SCOPE)"
PYZ_SOURCES := $(shell find remedies shells -name '*.py') pyproject.toml fleet/build_pyz.py

.PHONY: rollout rollout-check rollout-revert rollout-verify fleet-report pyz

dist/remedy.pyz: $(STAMP) $(PYZ_SOURCES)
	$(BIN)/python fleet/build_pyz.py

pyz: dist/remedy.pyz

fleet-ready: $(STAMP) dist/remedy.pyz
	@test -n "$(INVENTORY)" || { echo "make: give INVENTORY=<inventory file>" >&2; exit 2; }
	@mkdir -p "$(REPORTS)"

rollout: fleet-ready
	$(PLAYBOOK) -e remedy_action=apply -e remedy_name="$(REMEDY_ARG)"

rollout-check: fleet-ready
	$(PLAYBOOK) -e remedy_action=check -e remedy_name="$(REMEDY_ARG)" --check

rollout-revert: fleet-ready
	$(PLAYBOOK) -e remedy_action=revert -e remedy_name="$(REMEDY_ARG)"

rollout-verify: fleet-ready
	$(PLAYBOOK) -e remedy_action=verify

fleet-report: $(STAMP)
	@$(BIN)/remedy fleet-report "$(REPORTS)" $(if $(JSON),--json,)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist *.egg-info
