"""Helpers for the browser tests (tests/test_browser.py): where things are, a local server.

- :func:`unavailable` says why the browser tests cannot run here (no Chromium, no
  Playwright, no built book), or ``None``; :func:`skip_or_fail` skips with that reason,
  or fails under ``CI=true``, where a skipped browser run would hide a broken book.
- :func:`serve`, :func:`chapter_pages`, :data:`CHROMIUM` and :data:`CHROMIUM_ARGS` come
  from ``tools/local_book.py``, which ``make pdf`` uses too: the built book served on
  127.0.0.1, its pages in the order of ``_toc.yml``, and the offline Chromium.
- :func:`corner_pixels` reads the corners of a PNG screenshot.
"""

from __future__ import annotations

import importlib.util
import io
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from local_book import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402, F401  (re-exported)
from local_book import book_pages as chapter_pages  # noqa: E402, F401


def book_html() -> Path:
    """The built book's HTML folder: $BOOK_HTML, else _build/html at the root."""
    return Path(os.environ.get("BOOK_HTML") or ROOT / "_build" / "html").resolve()


def unavailable() -> str | None:
    """Why the browser tests cannot run on this machine, or None when they can."""
    if importlib.util.find_spec("playwright") is None:
        return "the Python package playwright is not installed (pip install -r requirements.txt)"
    if not CHROMIUM.is_file():
        return f"no Chromium at {CHROMIUM} (Debian/Ubuntu: apt-get install chromium)"
    html = book_html()
    if not (html / "index.html").is_file():
        return f"no built book in {html}: run `make gate` first (or set BOOK_HTML)"
    return None


def skip_or_fail(reason: str) -> None:
    """Skip with ``reason``; under CI=true fail instead, so CI cannot pass untested."""
    message = f"browser tests not run: {reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI=true: a skipped browser run is a failure)", pytrace=False)
    pytest.skip(message)


def corner_pixels(png: bytes, inset: int = 2) -> list[tuple[int, int, int]]:
    """The RGB colours a few pixels inside each corner of a PNG image.

    Parameters
    ----------
    png : bytes
        A PNG file, as ``locator.screenshot()`` returns it.
    inset : int
        How far in from the edges to sample, in pixels (the very edge can be
        anti-aliased against the page).

    Returns
    -------
    list of 4 tuples (r, g, b)
        Top-left, top-right, bottom-left, bottom-right.
    """
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        rgb = image.convert("RGB")
        width, height = rgb.size
        xs = (min(inset, width - 1), max(width - 1 - inset, 0))
        ys = (min(inset, height - 1), max(height - 1 - inset, 0))
        return [rgb.getpixel((x, y)) for y in ys for x in xs]
