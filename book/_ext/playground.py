"""The ``{playground}`` directive: where ``_static/playground.js`` draws its widget.

The directive writes an empty container and, inside it, the sheet's data as JSON:
``generate_data(1000, seed=0)`` (the data set of chapter 6), the sheet's starting
point and learning rate, and its reference point. The data is computed by the build,
from the package, and travels inside the page, so the widget needs no request: it
works offline and from ``file://``. Builders other than HTML (the PDF) get one
sentence instead.

Usage, in a Markdown page (``ch05``: parameters and gradient; ``ch06``: also training)::

    ```{playground} ch06
    ```
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

MODES = ("ch05", "ch06")
# The sheet's data set, its starting parameters and learning rate (chapter 6), and
# the point and parameters of its reference value (chapter 5).
N_POINTS, SEED = 1000, 0
SHEET_START = [-0.1, 1, 0, 0.1, 1, 0, -0.1, -0.1, 0]
SHEET_LR = 0.01
REFERENCE_POINT = [1.0, 2.0]
REFERENCE_PARS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
# The book's _static folder, which holds playground.js and playground.css.
STATIC = Path(__file__).resolve().parents[2] / "_static"


@functools.cache
def playground_json(mode: str) -> str:
    """The widget's data as JSON (floats written with repr, so they round-trip exactly)."""
    from mlp_by_hand import generate_data

    X, z = generate_data(N_POINTS, seed=SEED)
    data = {
        "mode": mode,
        "X": X.ravel().tolist(),  # row-major: x_1, x_2 of point 1, then of point 2, ...
        "z": z.tolist(),
        "start": SHEET_START,
        "lr": SHEET_LR,
        "point": REFERENCE_POINT,
        "pars": REFERENCE_PARS,
    }
    # Only numbers and fixed keys: nothing in it can close the <script> element.
    return json.dumps(data, separators=(",", ":"))


class Playground(SphinxDirective):
    required_arguments = 1
    has_content = False

    def run(self):
        mode = self.arguments[0]
        if mode not in MODES:
            raise self.error(f"playground: the argument must be one of {MODES}, got {mode!r}")
        html = (
            f'<div class="bph-playground" id="bph-{mode}" data-mode="{mode}">'
            f'<script type="application/json" class="bph-data">{playground_json(mode)}</script>'
            '<p class="bph-fallback">The playground needs JavaScript; every number it '
            "shows is also computed in the text above.</p></div>"
            '<p class="bph-print-note">The interactive playground is on the book\'s web page.</p>'
        )
        other = addnodes.only(expr="not html")
        other += nodes.paragraph(
            text="The interactive version of this network is on the book's web page."
        )
        return [nodes.raw("", html, format="html"), other]


def _static_files(app, config):
    """Ship the script and style sheet in a one-page build (`make chapter`) too.

    Jupyter Book adds every file of ``_static`` beside the source to every page; a
    one-page build's source is ``book/``, which has no ``_static``, so there the files
    are added here, from the book's root.
    """
    if "playground.js" in (config.html_js_files or []):
        return
    config.html_static_path = [*config.html_static_path, str(STATIC)]
    app.add_js_file("playground.js")
    app.add_css_file("playground.css")


def setup(app):
    app.add_directive("playground", Playground)
    app.connect("config-inited", _static_files)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
