"""Read, and so execute, the chapters two at a time.

myst-nb executes each chapter while Sphinx reads it. Sphinx can read in parallel
processes (its -j option), but Jupyter Book 1's command line offers no way to ask for
it, so this extension asks instead: with two cores the chapters run two at a time.

Two details make that work:

- Sphinx reads in parallel only if every extension says it is safe to. Two say
  nothing: sphinx_multitoc_numbering (it renumbers the table of contents after all
  pages are read) and sphinx_jupyterbook_latex (it acts on LaTeX builds). Neither
  keeps anything per page while reading, so they are marked safe.
- Only the reading runs in parallel: writing the pages is quick, and some extensions
  (ours among them) write files as they go, so it stays in one process.
- Sphinx hands each process a contiguous run of pages. Sorted by name, the heavy
  chapters (training runs) would all land in one run; the pages are reordered so that
  each run gets a fair share of the work, estimated by the size of its code cells.
"""

import math
import os
import re
from pathlib import Path

SILENT_BUT_SAFE = (
    "sphinx_multitoc_numbering",
    "sphinx_jupyterbook_latex",
)
CODE_CELL = re.compile(r"^```\{code-cell\}.*?^```", re.M | re.S)


def _mark_safe(app):
    for name in SILENT_BUT_SAFE:
        extension = app.extensions.get(name)
        if extension is not None and extension.parallel_read_safe is None:
            extension.parallel_read_safe = True


def _work(env, docname):
    """A rough cost of reading a page: how much code it executes."""
    path = Path(env.doc2path(docname))
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return 1 + sum(len(cell) for cell in CODE_CELL.findall(text))


def _balance(app, env, docnames):
    nproc = app.parallel
    if nproc < 2 or len(docnames) <= 5:
        return
    # The run length Sphinx will use (sphinx.util.parallel.make_chunks).
    size = max(1, len(docnames) // nproc)
    if size >= 10:
        size = int(math.sqrt(len(docnames) / nproc * 10))
    full, rest = divmod(len(docnames), size)
    by_work = sorted(docnames, key=lambda d: _work(env, d))
    # A short last run starts only when a process is free again: give it the lightest
    # pages. The others get the rest, heaviest first, each into the lightest run.
    last, by_work = by_work[:rest], by_work[rest:]
    runs = [[] for _ in range(full)]
    load = [0] * full
    for doc in reversed(by_work):
        i = min((i for i in range(full) if len(runs[i]) < size), key=lambda i: load[i])
        runs[i].append(doc)
        load[i] += _work(env, doc)
    docnames[:] = [doc for run in runs for doc in run] + last


def _read_done(app, env):
    app.parallel = 1  # write in one process (see above)


def setup(app):
    app.parallel = max(app.parallel, min(2, os.cpu_count() or 1))
    app.connect("builder-inited", _mark_safe)
    app.connect("env-before-read-docs", _balance)
    app.connect("env-updated", _read_done)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
