# seawatch: the two commands for a fresh machine are `make demo` and `make test`.
# Everything either needs is installed here, into .venv, from the package registries.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SCENARIO := replay_data/karachi

.PHONY: install demo demo-real test lint unit scenario replay evaluate clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "seawatch needs Python >= 3.11; set PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,asterix,bench,coastline]'
	touch $(STAMP)

## Replay the bundled Karachi scenario live (10x real time) and serve the dashboard on :8050.
demo: install
	$(BIN)/seawatch demo $(SCENARIO) --speed 10 --host 127.0.0.1 --port 8050

## Import the real Solent AIS recording (../shared/data/real, MANIFEST.md section 2) into
## out/solent (docs/import.md) and replay it live (10x real time) in the dashboard on :8050.
SOLENT_CSV := ../shared/data/real/dstl-Stone-Soup/docs/demos/SolentAIS_20160112_130211.csv
demo-real: install
	@test -f $(SOLENT_CSV) || { echo "demo-real needs $(SOLENT_CSV) (the shared real data beside this clone)"; exit 2; }
	$(BIN)/seawatch import $(SOLENT_CSV) --out out/solent
	$(BIN)/seawatch info out/solent --map out/solent/map.png > /dev/null
	$(BIN)/seawatch demo out/solent --speed 10 --host 127.0.0.1 --port 8050

## Lint, check the import layers, install Debian chromium for the browser tests
## (scripts/install_browser), run the whole test suite against a fresh single-node Kafka
## broker (scripts/kafka, its own instance folder) and a PostgreSQL server (scripts/postgres,
## Debian's package) for the history's PostgreSQL leg, both stopped however the tests end.
KAFKA_TEST_DIR := .cache/kafka/test
test: install lint
	scripts/install_browser
	@rm -rf $(KAFKA_TEST_DIR)
	@set -e; export SEAWATCH_KAFKA_DIR=$(CURDIR)/$(KAFKA_TEST_DIR); \
	trap 'scripts/kafka stop; scripts/postgres stop' EXIT INT TERM; \
	bootstrap=$$(scripts/kafka start); echo "Kafka test broker on $$bootstrap"; \
	postgres=$$(scripts/postgres start); echo "PostgreSQL test server on $$postgres"; \
	SEAWATCH_KAFKA_BOOTSTRAP=$$bootstrap SEAWATCH_REQUIRE_KAFKA=1 \
	SEAWATCH_POSTGRES_URL=$$postgres SEAWATCH_REQUIRE_POSTGRES=1 $(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

## Regenerate the bundled scenario (deterministic: the same bytes every time).
scenario: install
	rm -rf $(SCENARIO)
	$(BIN)/seawatch simulate --seed 7 --vessels 60 --minutes 25 --out $(SCENARIO)

## Replay the bundled scenario as fast as possible and score it.
evaluate: install
	$(BIN)/seawatch replay $(SCENARIO) --speed max --out out/karachi
	$(BIN)/seawatch evaluate $(SCENARIO) out/karachi/tracks.jsonl --alerts out/karachi/alerts.jsonl

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache *.egg-info
