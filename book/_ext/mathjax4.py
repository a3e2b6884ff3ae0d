"""MathJax 4, served from the build: no page loads anything from another host.

MathJax 4 breaks a display equation that is wider than its column onto several lines,
where MathJax 3 let it run off the edge. Its files come from ``node_modules`` (``npm ci``
installs the exact version in package-lock.json; ``make book`` runs it) and are copied
into ``_build/html/_static/mathjax`` when the build finishes. They cannot live in the
source ``_static`` folder: Jupyter Book adds every ``_static/*.js`` file to every page.

The font (``@mathjax/mathjax-newcm-font``) goes to ``_static/mathjax/fonts``; by default
MathJax 4 would fetch it from a CDN, so ``loader.paths.fonts`` points it there.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.errors import ExtensionError

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
# What a page needs: the TeX-to-HTML component and what it loads on demand (TeX
# extensions, the accessibility tools with their speech rules, the menu).
MATHJAX_PARTS = ("tex-chtml.js", "input", "output", "a11y", "sre", "ui", "adaptors")
FONT = "mathjax-newcm-font"
FONT_PARTS = ("chtml.js", "chtml")

CONFIG = {
    "loader": {"paths": {"fonts": "[mathjax]/fonts"}},
    "output": {
        # Too wide for the column: break at operators and relations, do not overflow.
        # Inline formulas stay whole: broken, they made table columns as narrow as one
        # symbol; the line of prose breaks around them instead.
        "displayOverflow": "linebreak",
        "linebreaks": {"inline": False, "width": "100%"},
    },
}


def _sources() -> list[tuple[Path, str]]:
    mathjax = NODE_MODULES / "mathjax"
    font = NODE_MODULES / "@mathjax" / FONT
    if not (mathjax / "tex-chtml.js").is_file() or not (font / "chtml.js").is_file():
        raise ExtensionError(
            f"MathJax 4 is not installed in {NODE_MODULES}: run `npm ci` in {ROOT} "
            "(make book does it)"
        )
    return [(mathjax / part, part) for part in MATHJAX_PARTS] + [
        (font / part, f"fonts/{FONT}/{part}") for part in FONT_PARTS
    ]


def _check(app):
    if app.builder.format == "html":
        _sources()


def _copy(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "mathjax"
    shutil.rmtree(target, ignore_errors=True)
    for source, name in _sources():
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, destination)
        else:
            shutil.copy2(source, destination)


def setup(app):
    app.config.mathjax_path = "mathjax/tex-chtml.js"
    app.config.mathjax3_config = CONFIG
    app.connect("builder-inited", _check)
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
