# Two commands for a fresh machine:  make book  (build the book)  and  make test  (everything).
# Both create .venv from requirements.txt when it is missing or out of date.
# OUT=/some/dir puts every build under /some/dir/_build instead of ./_build.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= .
BUILD  := $(OUT)/_build
HTML   := $(BUILD)/html
# MPLBACKEND=Agg (set on many servers) makes myst-nb drop every figure: clear it.
JB     := env -u MPLBACKEND PYDEVD_DISABLE_FILE_VALIDATION=1 $(BIN)/jupyter-book
# --all: rebuild every page, -W: a warning fails the build, -n: so does a broken
# reference, --keep-going: report every problem before failing.
JBFLAGS := --all -W -n --keep-going
# make book: the same checks, but Sphinx reads again only the pages whose source or
# package changed, and a chapter re-executes only when its code cells or the package
# changed (execute_notebooks: cache, keyed on the package by book/_ext/package_hash.py).
BOOKFLAGS := -W -n --keep-going
PYTEST := env -u MPLBACKEND BOOK_HTML=$(abspath $(HTML)) $(BIN)/python -m pytest -q

.PHONY: help venv book student test lint unit portable gate built browser bench serve chapter pdf clean

help:
	@echo "make book      build the whole book into _build/html (sets up .venv first)"
	@echo "make test      ruff, pytest, the strict book build, then the built-book and browser tests"
	@echo "make portable  the unit tests under five OpenBLAS kernels (part of make test)"
	@echo "make serve     serve _build/html on http://localhost:8000"
	@echo "make chapter CH=02_relu   execute one chapter and build its page alone"
	@echo "make pdf       the whole book as one PDF, into _build/html (after make book)"
	@echo "make student   the book with solutions hidden, into _build/student"
	@echo "make bench     speed comparisons, printed as a table"

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

venv: $(STAMP)

# MathJax 4, the book's only browser dependency, exactly as package-lock.json pins it
# (book/_ext/mathjax4.py copies it into the build).
NODE_STAMP := node_modules/.package-lock.json
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

book: $(STAMP) $(NODE_STAMP)
	$(JB) build $(BOOKFLAGS) --path-output $(OUT) .

# The same book for students: solutions hidden on the pages and left out of the
# notebooks (they still execute, so the pages after them keep working).
student: $(STAMP) $(NODE_STAMP)
	rm -rf $(BUILD)/student
	$(BIN)/python book/_ext/student_config.py _config.yml $(BUILD)/student/_config.yml
	$(JB) build $(JBFLAGS) --config $(BUILD)/student/_config.yml --path-output $(BUILD)/student .
	@echo "Student edition: $(BUILD)/student/_build/html/index.html"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Everything that does not need the built book, including running every chapter's
# notebook in an empty folder. pytest-randomly shuffles the order on every run and
# prints the seed; repeat an order with  make unit ARGS=-p\ randomly\ --randomly-seed=N
UNIT_ARGS := -m "not browser" --ignore=tests/test_built_book.py \
	--ignore=tests/test_copyable_cells.py
unit: $(STAMP)
	$(PYTEST) $(UNIT_ARGS) $(ARGS)

# The package's unit tests once per OpenBLAS kernel (Prescott, Sandybridge, Haswell,
# SkylakeX, Zen): each kernel rounds matrix products in its own order, and a tolerance
# tuned to one of them fails on another machine. The chapters' notebooks are left out:
# they call the same package functions and would add minutes per kernel.
portable: $(STAMP)
	env -u MPLBACKEND $(BIN)/python tests/portable.py -q $(UNIT_ARGS) \
		--ignore=tests/test_notebooks.py $(ARGS)

# The gate: every chapter re-executed from clean (execute_notebooks: force, whatever
# the cache holds); any warning, broken reference, raising cell or output on stderr
# fails it. CI runs this, never the cached make book.
gate: $(STAMP) $(NODE_STAMP)
	rm -rf $(HTML) $(BUILD)/.doctrees $(BUILD)/jupyter_execute
	$(BIN)/python book/_ext/package_hash.py _config.yml $(BUILD)/gate/_config.yml
	$(JB) build $(JBFLAGS) --config $(BUILD)/gate/_config.yml --path-output $(OUT) .

# What the gate built: nothing loaded from another host, a notebook per chapter, and
# every chapter's visible cells running as one script where only the package is installed.
built: $(STAMP)
	$(PYTEST) tests/test_built_book.py tests/test_copyable_cells.py

browser: $(STAMP)
	$(PYTEST) -m browser

# The whole book as one PDF (instructor's edition), printed from the built pages by
# Chromium: $(HTML)/backprop-by-hand.pdf, linked from every page. Run after book or gate.
pdf: $(STAMP)
	$(BIN)/python tools/make_pdf.py $(HTML)

test: lint unit portable gate built pdf browser

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

serve:
	@test -f $(HTML)/index.html || { echo "no book yet: run 'make book' first"; exit 1; }
	$(BIN)/python -m http.server --directory $(HTML) 8000

# One chapter alone: executed (a failing cell stops it with the traceback) and built as a
# single page. References to other chapters cannot resolve there, so it is not -W.
chapter: $(STAMP) $(NODE_STAMP)
	@test -n "$(CH)" || { echo "usage: make chapter CH=02_relu"; exit 2; }
	@test -f book/$(CH).md || { echo "no chapter book/$(CH).md"; exit 2; }
	$(JB) build --path-output $(OUT) book/$(CH).md
	@echo "(Warnings about other chapters' documents and equations are expected: they are not in a one-page build.)"
	@echo "Chapter page: $$(ls -d $(BUILD)/_page/*$(CH)/html)/$(CH).html"

clean:
	rm -rf _build book/_build
