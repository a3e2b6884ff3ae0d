"""Helpers for the browser tests (tests/test_browser.py): where things are, a local server.

- :func:`unavailable` says why the browser tests cannot run here (no Chromium, no
  Playwright, no built book), or ``None``; :func:`skip_or_fail` skips with that reason,
  or fails under ``CI=true``, where a skipped browser run would hide a broken book.
- :func:`serve` serves the built book on 127.0.0.1 at a free port, quietly, in a thread.
- :func:`chapter_pages` lists every page of the book in the order of ``_toc.yml``.
- :func:`corner_pixels` reads the corners of a PNG screenshot.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import io
import os
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")

# Chromium switches for a quiet, reproducible, offline-friendly headless run. The
# host-resolver rule makes every host except the local server unresolvable, so even a
# request that escaped Playwright's routing could not leave the machine.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--metrics-recording-only",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


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


@functools.cache
def chapter_pages() -> list[str]:
    """Every page of the book as a path relative to the HTML root, in the toc's order.

    Returns
    -------
    list of str
        ``["book/intro.html", "book/01_perceptron.html", ...]``.
    """
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part.get("chapters", [])]
    return [f"{file}.html" for file in files]


class _QuietHandler(SimpleHTTPRequestHandler):
    # A notebook is a file to save, as on a static host such as GitHub Pages.
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".ipynb": "application/x-ipynb+json",
    }

    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` over HTTP on 127.0.0.1 at a free port while the block runs.

    Yields
    ------
    str
        The server's base URL, ``http://127.0.0.1:<port>/``.
    """
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


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
