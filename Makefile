# The two commands a newcomer needs: `make run` and `make test` (see README.md).
.PHONY: setup run test test-fast lint validate content-audit unit train test-stories pytest clean bench nlu-report lang-report triage-report

VENV := .venv/bin

setup:
	@scripts/bootstrap.sh

## Set up, train if rasa_project/ changed, start actions + Rasa + gateway (Ctrl-C stops all).
run: setup
	$(VENV)/huurhulp run

## Set up, then lint, validate the Rasa data, train once if rasa_project/ changed, test the
## stories and run the whole test suite (unit, integration, browser). CI runs this.
test: setup lint validate content-audit train test-stories pytest

## The fast tier: lint, validate the Rasa data and the unit tests; no trained model, no
## servers, no browser. Lint and validation run beside the unit tests (two jobs).
test-fast: setup
	$(MAKE) --no-print-directory -j2 --output-sync=target lint validate content-audit unit

lint:
	$(VENV)/ruff check bot actions vocabulary tests scripts
	$(VENV)/mypy

validate:
	RASA_TELEMETRY_ENABLED=false $(VENV)/rasa data validate --fail-on-warnings \
	  --domain rasa_project/domain --data rasa_project/data --config rasa_project/config.yml

## The curated content: exits non-zero on a verified fact or contact without a source.
content-audit:
	@mkdir -p var
	$(VENV)/huurhulp content audit > var/content-audit.txt || { cat var/content-audit.txt; exit 1; }
	@tail -n 3 var/content-audit.txt

train:
	$(VENV)/huurhulp train

test-stories: train
	$(VENV)/huurhulp test-stories

## Everything pytest has; the integration and browser tests need the model (`make train`).
pytest:
	$(VENV)/pytest

## The unit tests only (what `make test-fast` runs).
unit:
	$(VENV)/pytest -m "not integration and not browser"

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache

## Speed and memory, full stack beside raw Rasa, in one run (trains first if needed; ~6 min).
bench: setup train
	$(VENV)/python scripts/bench.py

## NLU cross-validation with intent F1 per language (trains 3 models; not part of `make test`).
nlu-report: setup
	$(VENV)/python scripts/nlu_crossval.py --folds 3

## Language detection per language: our design vs langdetect and lingua alone, on the dev set
## and, when present, the held-out set (not part of `make test`).
lang-report: setup
	$(VENV)/python scripts/lang_benchmark.py

## Triage figures per set and language on the dev splits (real messages, out of scope,
## the written held-out sets). SPLIT=test measures the test splits: do that once.
triage-report: setup
	$(VENV)/huurhulp triage-report --split $(or $(SPLIT),dev)
