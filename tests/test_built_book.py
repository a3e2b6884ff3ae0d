"""The built book: every page works offline and every chapter offers its notebook.

These tests read the HTML the strict build wrote, so they run after it (`make test`
runs them after `make gate`). The book is looked for in $BOOK_HTML, else _build/html.
Without a built book they are skipped, with the reason; under CI=true they fail.
"""

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from test_notebooks import CHAPTERS, _has_code, _markdown_problems

ROOT = Path(__file__).resolve().parent.parent

# Attributes through which a page makes the browser fetch something.
FETCHING = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "input": ("src",),
}
# <link rel=...> values that load something (canonical, next, prev only name pages).
LOADING_RELS = {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)|@import\s+['"]([^'"]+)""")


@pytest.fixture(scope="module")
def html_dir():
    path = Path(os.environ.get("BOOK_HTML") or ROOT / "_build" / "html")
    if not (path / "index.html").is_file():
        message = f"no built book in {path}: run `make gate` first (or set BOOK_HTML)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def _is_remote(url):
    url = url.strip()
    return url.startswith("//") or urlsplit(url).scheme in ("http", "https", "ftp", "ws", "wss")


class _Resources(HTMLParser):
    """Collects every URL a page fetches, and inline scripts and styles."""

    def __init__(self):
        super().__init__()
        self.urls, self.inline, self._tag = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._tag = tag
        for name in FETCHING.get(tag, ()):
            value = attrs.get(name) or ""
            parts = value.split(",") if name == "srcset" else [value]
            self.urls += [(tag, part.strip().split(" ")[0]) for part in parts if part.strip()]
        rels = set((attrs.get("rel") or "").lower().split())
        if tag == "link" and rels & LOADING_RELS:
            self.urls.append((f"link rel={attrs.get('rel')}", attrs.get("href") or ""))
        if "style" in attrs:
            self.inline.append(attrs["style"])

    def handle_data(self, data):
        if self._tag in ("script", "style") and data.strip():
            self.inline.append(data)

    def handle_endtag(self, tag):
        self._tag = None


def _pages(html_dir):
    pages = sorted(html_dir.rglob("*.html"))
    assert pages, f"no HTML pages in {html_dir}"
    return pages


def _remote_resources(html):
    """What a page would fetch from another host: (what, address) pairs."""
    parser = _Resources()
    parser.feed(html)
    found = [(tag, url) for tag, url in parser.urls if _is_remote(url)]
    for text in parser.inline:
        # Scripts may name the SVG namespace; an address to fetch is another matter.
        for url in re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s'\"()]*", text):
            if not url.startswith(("http://www.w3.org/", "//www.w3.org/")):
                found.append(("inline script or style", url))
    return found


def test_the_scan_finds_each_kind_of_remote_resource():
    page = """<html><head>
    <script src="https://cdn.example.org/mathjax.js"></script>
    <link rel="stylesheet" href="//fonts.example.org/font.css">
    <link rel="canonical" href="https://example.org/page.html">
    <script>const URL = "https://unpkg.example.org/thebe.js";</script>
    <script>document.createElementNS("http://www.w3.org/2000/svg", "svg")</script>
    </head><body>
    <img src="_static/local.png" srcset="_static/a.png 1x, https://img.example.org/b.png 2x">
    <div style="background: url(https://img.example.org/c.png)"></div>
    <a href="https://example.org/">a link is not a resource</a>
    </body></html>"""
    found = {url for _, url in _remote_resources(page)}
    assert found == {
        "https://cdn.example.org/mathjax.js",
        "//fonts.example.org/font.css",
        "https://unpkg.example.org/thebe.js",
        "https://img.example.org/b.png",
        "https://img.example.org/c.png",
    }


def test_no_page_fetches_from_another_host(html_dir):
    problems = []
    for page in _pages(html_dir):
        for what, url in _remote_resources(page.read_text(encoding="utf-8")):
            problems.append(f"{page.relative_to(html_dir)}: {what} {url}")
    assert not problems, "\n".join(problems)


def test_no_stylesheet_fetches_from_another_host(html_dir):
    problems = []
    for sheet in (html_dir / "_static").rglob("*.css"):
        for match in CSS_URL.finditer(sheet.read_text(encoding="utf-8", errors="replace")):
            url = match.group(1) or match.group(2)
            if _is_remote(url):
                problems.append(f"{sheet.relative_to(html_dir)}: {url}")
    assert not problems, "\n".join(problems)


def test_mathjax_and_its_fonts_come_from_the_build(html_dir):
    """MathJax 4 (book/_ext/mathjax4.py), its font, and a configuration that finds both."""
    mathjax = html_dir / "_static" / "mathjax"
    assert (mathjax / "tex-chtml.js").is_file()
    # package-lock.json pins the version; MathJax 3 cannot break a long equation.
    pinned = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    version = pinned["node_modules/mathjax"]["version"]
    assert version.startswith("4."), version
    assert f'"{version}"' in (mathjax / "tex-chtml.js").read_text(), "not the pinned MathJax"
    font = mathjax / "fonts" / "mathjax-newcm-font"
    assert (font / "chtml.js").is_file()
    assert list((font / "chtml" / "woff2").glob("*.woff2")), "MathJax fonts"
    with_math = [p for p in _pages(html_dir) if 'class="math' in p.read_text(encoding="utf-8")]
    assert with_math, "no page has math: is the book built?"
    for page in with_math:
        text = page.read_text(encoding="utf-8")
        assert re.search(r'<script[^>]+src="[./]*_static/mathjax/tex-chtml\.js', text), page.name
        # Without this path MathJax 4 fetches its font from a CDN.
        assert '"fonts": "[mathjax]/fonts"' in text, f"{page.name}: MathJax's font path"
        assert '"displayOverflow": "linebreak"' in text, f"{page.name}: long equations break"


def test_theme_icons_and_fonts_are_local(html_dir):
    static = html_dir / "_static"
    assert (static / "scripts" / "fontawesome.js").is_file()
    assert list((static / "vendor" / "fontawesome").rglob("*.woff2")), "icon fonts"


def test_no_launch_buttons_or_thebe(html_dir):
    for page in _pages(html_dir):
        text = page.read_text(encoding="utf-8").lower()
        for word in ("thebe", "binder", "colab.research", "launch-buttons", "jupyterhub"):
            assert word not in text, f"{page.name} mentions {word}"


def _chapter_pages(html_dir):
    chapters = [path for path in CHAPTERS if _has_code(path)]
    assert chapters, "no chapter has code cells yet"
    return [(path, html_dir / "book" / f"{path.stem}.html") for path in chapters]


def test_every_chapter_page_offers_its_notebook(html_dir):
    for source, page in _chapter_pages(html_dir):
        text = page.read_text(encoding="utf-8")
        link = f'href="../_sources/book/{source.stem}.ipynb"'
        assert link in text, f"{page.name} has no .ipynb download"
        notebook = nbformat.read(html_dir / "_sources" / "book" / f"{source.stem}.ipynb", 4)
        nbformat.validate(notebook)
        assert _markdown_problems(notebook) == [], source.name
        title = notebook.cells[0].source
        assert re.match(r"# \d+\. ", title), f"the notebook's title has no number: {title!r}"


def test_built_notebooks_show_the_books_numbers(html_dir):
    """Equation, exercise and chapter numbers in the notebook are the page's numbers."""
    for source, page in _chapter_pages(html_dir):
        html = page.read_text(encoding="utf-8")
        notebook = nbformat.read(html_dir / "_sources" / "book" / f"{source.stem}.ipynb", 4)
        markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
        page_eqs = set(re.findall(r'<span class="eqno">\((\d+\.\d+)\)', html))
        notebook_eqs = set(re.findall(r"\\tag\{(\d+\.\d+)\}", markdown))
        assert notebook_eqs == page_eqs, source.name
        page_exercises = set(re.findall(r"Exercise (\d+\.\d+)", html))
        notebook_exercises = set(re.findall(r"\*\*Exercise (\d+\.\d+)\*\*", markdown))
        assert notebook_exercises and notebook_exercises <= page_exercises, source.name
