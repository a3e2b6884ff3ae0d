"""The PDF edition (make pdf, tools/make_pdf.py): the whole book, readable on paper.

Read with pypdf from ``$BOOK_HTML/backprop-by-hand.pdf`` (``_build/html`` by default)
after ``make pdf``; without it the tests are skipped, with the reason (under CI=true
they fail). Marked ``browser``: Chromium printed the PDF, and `make test` runs these
after `make pdf`, with the browser tests.

What is checked: a title page and a contents page, every chapter's title in the text and
in the bookmarks (with its sections under it), a page number on every page after the
title page, the exercise sheet's reference value, and no line of code cut off at the
margin: every line of every code cell on the web pages is in the PDF's text.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata

import pytest
from browser_support import ROOT, book_html, chapter_pages, skip_or_fail

sys.path.insert(0, str(ROOT / "tools"))
from make_pdf import PDF_NAME  # noqa: E402

pytestmark = pytest.mark.browser

# The sheet's value of theta at its reference point (exercise-sheet.txt).
REFERENCE_VALUE = "0.9552123"


@functools.cache
def _reader():
    from pypdf import PdfReader

    return PdfReader(book_html() / PDF_NAME)


@functools.cache
def _page_texts() -> tuple[str, ...]:
    return tuple(page.extract_text() or "" for page in _reader().pages)


@pytest.fixture(scope="module")
def pdf():
    path = book_html() / PDF_NAME
    if not path.is_file():
        skip_or_fail(f"no PDF at {path}: run `make pdf` (after `make book`)")
    return _reader()


def _squeeze(text: str) -> str:
    """``text`` without whitespace, ligatures spelled out ("ﬁ" is "fi")."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@functools.cache
def _html_titles() -> list[tuple[str, str]]:
    """Each page of the toc as (page path, its numbered title as the web page shows it)."""
    from bs4 import BeautifulSoup

    titles = []
    for path in chapter_pages():
        soup = BeautifulSoup((book_html() / path).read_text(encoding="utf-8"), "html.parser")
        h1 = soup.select_one(".bd-article h1")
        for link in h1.select(".headerlink"):
            link.decompose()
        titles.append((path, " ".join(h1.get_text().split())))
    return titles


def _without_page_number(index: int, text: str) -> str:
    """A page's text without the number stamped at its foot (the last thing drawn)."""
    return re.sub(rf"\s*{index + 1}\s*$", "", text) if index else text


@functools.cache
def _book_text() -> str:
    """The whole PDF's text, whitespace removed, page numbers left out."""
    return "".join(
        _squeeze(_without_page_number(index, text)) for index, text in enumerate(_page_texts())
    )


def _outline(pdf):
    """The bookmarks as (level, title, page index), in order."""
    found = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, item.title, pdf.get_destination_page_number(item)))

    walk(pdf.outline, 1)
    return found


def test_title_page_then_contents(pdf):
    texts = _page_texts()
    assert "Backprop by Hand" in texts[0]
    assert "solutions" in texts[0]
    assert "Contents" in texts[1]
    for _, title in _html_titles():
        # The contents list each chapter's title (perhaps wrapped) with its first page.
        assert _squeeze(title) in _squeeze(texts[1]), f"{title!r} not in the contents"


def test_every_chapter_is_in_the_pdf_and_its_bookmarks(pdf):
    titles = [title for _, title in _html_titles()]
    for title in titles:
        assert _squeeze(title) in _book_text(), f"chapter {title!r} is not in the PDF's text"
    outline = _outline(pdf)
    chapters = [(title, page) for level, title, page in outline if level == 1]
    assert [title for title, _ in chapters] == ["Contents", *titles]
    pages = [page for _, page in chapters]
    assert pages == sorted(pages) and len(set(pages)) == len(pages), pages
    # Sections sit under their chapter: at least one in every chapter but the intro.
    sections = [title for level, title, _ in outline if level == 2]
    assert len(sections) >= 2 * (len(titles) - 1), sections
    assert all(re.match(r"\d+\.\d+\. ", s) for s in sections if s[0].isdigit()), sections


def test_pages_are_numbered(pdf):
    texts = _page_texts()
    assert len(texts) >= 3 * len(chapter_pages()), f"only {len(texts)} pages"
    unnumbered = [
        index + 1
        for index, text in enumerate(texts)
        if index and not re.search(rf"(?:^|\s){index + 1}\s*$", text)
    ]
    assert unnumbered == [], f"pages without their number at the foot: {unnumbered}"


def test_the_sheets_reference_value_is_printed(pdf):
    assert REFERENCE_VALUE in _book_text()


def _code_lines(path):
    """Every non-blank line of every code cell (input and output) on a built page."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((book_html() / path).read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one(".bd-article")
    lines = []
    for pre in article.select("div.highlight pre, div.cell_output pre"):
        lines += [line for line in pre.get_text().splitlines() if line.strip()]
    return lines


def test_no_code_line_is_cut_at_the_margin(pdf):
    """Every line of code on the web pages is whole in the PDF, wrapped or not.

    Wrapping a line only adds whitespace, so with all whitespace removed each line must
    be found in the PDF's text; a line clipped at the margin loses its end and is not.
    """
    text = _book_text()
    missing = []
    checked = 0
    for path in chapter_pages():
        for line in _code_lines(path):
            checked += 1
            if _squeeze(line) not in text:
                missing.append(f"{path}: {line.strip()[:100]}")
    assert checked > 500, f"only {checked} code lines found on the pages"
    assert missing == [], f"{len(missing)} code lines not whole in the PDF:\n" + "\n".join(
        missing[:40]
    )


def test_every_page_links_to_the_pdf():
    html = book_html()
    if not (html / "index.html").is_file():
        skip_or_fail(f"no built book in {html}")
    for path in [*chapter_pages(), "search.html", "genindex.html"]:
        page = html / path
        if not page.is_file():
            continue
        depth = len(path.split("/")) - 1
        link = f'href="{"../" * depth}{PDF_NAME}"'
        assert link in page.read_text(encoding="utf-8"), f"{path} has no link to the PDF"
