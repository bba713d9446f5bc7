# The README's two commands:
#   make site   build the website into _build/html (creates .venv and vendors the front-end
#               files on first use; notebooks run through Jupyter Book's cache)
#   make test   run every test: lab's unit tests, the twin checks and every notebook of both
#               languages (pytest --nbval-lax, with book/conftest.py's student-version and
#               otter checks); then build the site from those runs and test it
# Also: make check       the fast tier: every test but the notebooks and the built site
#       make assign      the student versions of the notebooks and their autograders, in dist/
#                        (tools/assign.py, otter-grader; PUBLISH_URL=... see the README)
#       make bench       lab's step times against Keras' (benchmarks/speed.py) and the trajectory
#                        widget's redraw time (benchmarks/widget.py); not tests
#       make bench-book  seconds per notebook, two side by side as in make test
#                        (benchmarks/book.py); not a test
# Stamp files make reruns fast: .venv/.installed (requirements), book/_vendor/.vendored (npm).

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := site
PYTHON ?= python3
BIN := .venv/bin
VENV_STAMP := .venv/.installed
VENDOR := book/_vendor/_static/vendor
VENDOR_STAMP := book/_vendor/.vendored
SITE_STAMP := _build/.site-assets
CHROMIUM := /usr/bin/chromium

# TensorFlow's C++ logs and oneDNN notice would end up in the notebooks' stderr (both needed).
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0

.PHONY: site test check assign bench bench-book chromium clean

$(VENV_STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv .venv
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

node_modules/.package-lock.json: package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

# Only the files the pages load are copied, into an ignored folder that _config.yml publishes
# with html_extra_path as the site's _static/vendor/: KaTeX's stylesheet and fonts (the math
# itself is rendered to HTML at build time by sphinxcontrib-katex, with node and this same
# katex package), and Vazirmatn Regular and Bold with its licence.
$(VENDOR_STAMP): node_modules/.package-lock.json Makefile
	rm -rf book/_vendor
	mkdir -p $(VENDOR)/katex/fonts $(VENDOR)/vazirmatn
	cp node_modules/katex/dist/katex.min.css node_modules/katex/LICENSE $(VENDOR)/katex/
	cp node_modules/katex/dist/fonts/* $(VENDOR)/katex/fonts/
	cp node_modules/vazirmatn/fonts/webfonts/Vazirmatn-{Regular,Bold}.woff2 \
	   node_modules/vazirmatn/OFL.txt $(VENDOR)/vazirmatn/
	touch $@

# Sphinx re-renders only the pages that changed, so a change to the extension, the CSS, the
# vendored files or the table of contents (every page's sidebar) needs --all (pages come back
# from the execution cache: seconds).
site: $(VENV_STAMP) $(VENDOR_STAMP)
	all=""; if [ ! -f $(SITE_STAMP) ] || [ -n "$$(find _ext _static _toc.yml _config.yml $(VENDOR_STAMP) \
	  -newer $(SITE_STAMP) -print -quit)" ]; then all=--all; fi; \
	mkdir -p _build && touch $(SITE_STAMP).new && \
	$(BIN)/jupyter-book build -W -n --keep-going $$all . && mv $(SITE_STAMP).new $(SITE_STAMP)
	@echo
	@echo "The site is in _build/html/index.html. Serve it with"
	@echo "    python3 -m http.server -d _build/html 8000"
	@echo "and open http://127.0.0.1:8000"

# The browser test needs Debian's Chromium: installed here when missing and running as root;
# otherwise tests/test_site.py skips its browser checks (and fails instead when CI=true).
chromium:
	if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else echo "chromium is missing and we are not root: the browser test will skip"; fi

# Every notebook runs once, as a test: nbval executes it cell by cell, book/conftest.py adds the
# student version's checks and stores the run in Jupyter Book's execution cache, from which
# `make site` then renders the pages (only a notebook changed since then runs there again).
# Two pytest workers (pytest-xdist), each taking whole files: two kernels side by side finished
# the book in about half the time of one after the other on two cores (benchmarks/book.py).
test: $(VENV_STAMP) $(VENDOR_STAMP) chromium
	BOOK_EXECUTION_CACHE=$(CURDIR)/_build/.jupyter_cache $(BIN)/python -m pytest -rs -n 2 \
	  --dist loadfile --nbval-lax --nbval-current-env tests book -m "not site"
	$(MAKE) site
	$(BIN)/python -m pytest -rs tests -m site

# For whoever changes lab or a page: lab's unit tests, the twin, exercise and glossary checks;
# no notebook runs and no site is built (a few minutes).
check: $(VENV_STAMP)
	$(BIN)/python -m pytest -rs -n 2 tests -m "not site"

# For instructors: dist/<language>/<topic>/student/ (hand out) and .../autograder/ (grade with).
assign: $(VENV_STAMP)
	$(BIN)/python tools/assign.py --out dist $(if $(PUBLISH_URL),--publish-url $(PUBLISH_URL))

# Not part of the tests: lab's step time against Keras', on whatever device TensorFlow picks.
bench: $(VENV_STAMP)
	$(BIN)/python benchmarks/speed.py
	$(BIN)/python benchmarks/widget.py

# Not part of the tests: how long the book takes to execute, in seconds and in units of a
# reference workload timed in the same run (the machines vary from week to week).
bench-book: $(VENV_STAMP)
	$(BIN)/python benchmarks/book.py --jobs 2

clean:
	rm -rf _build book/_vendor dist
