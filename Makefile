# Two commands for a fresh machine:  make book  (build the book)  and  make test  (everything).
# Both create .venv from requirements.txt when it is missing or out of date.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# MPLBACKEND=Agg (set on many servers) makes myst-nb drop every figure: clear it.
JB     := env -u MPLBACKEND PYDEVD_DISABLE_FILE_VALIDATION=1 $(BIN)/jupyter-book
JBFLAGS := --all -W -n --keep-going

.PHONY: help venv book student test lint unit gate browser bench serve chapter clean

help:
	@echo "make book      build the whole book into _build/html (sets up .venv first)"
	@echo "make test      ruff, pytest, the strict book build, then the browser tests"
	@echo "make serve     serve _build/html on http://localhost:8000"
	@echo "make chapter CH=02_relu   execute one chapter and build it alone"
	@echo "make student   the book with solutions hidden, into _build/student"
	@echo "make bench     speed comparisons, printed as a table"

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

venv: $(STAMP)

book: $(STAMP)
	$(JB) build $(JBFLAGS) .

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check code tests benchmarks

unit: $(STAMP)
	$(BIN)/python -m pytest -m "not browser" -q

# The gate: every chapter re-executed from clean, any warning, broken reference or
# raising cell fails it.
gate: $(STAMP)
	rm -rf _build/html _build/.doctrees _build/jupyter_execute
	$(JB) build $(JBFLAGS) .

browser: $(STAMP)
	$(BIN)/python -m pytest -m browser -q

test: lint unit gate browser

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

serve:
	@test -f _build/html/index.html || { echo "no book yet: run 'make book' first"; exit 1; }
	$(BIN)/python -m http.server --directory _build/html 8000

chapter: $(STAMP)
	@test -n "$(CH)" || { echo "usage: make chapter CH=02_relu"; exit 2; }
	$(JB) build book/$(CH).md

clean:
	rm -rf _build book/_build
