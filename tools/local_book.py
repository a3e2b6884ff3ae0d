"""The built book served locally and the Chromium that reads it, for tools and tests.

`tools/make_pdf.py` prints the pages with it, and the browser tests
(`tests/browser_support.py`) open them with it, so both see the same pages in the
same order, served the same way, by the same offline Chromium.

- :data:`CHROMIUM`, :data:`CHROMIUM_ARGS`: Debian's Chromium and the switches for a
  quiet, reproducible, offline headless run.
- :func:`book_pages` lists every page of the book in the order of ``_toc.yml``.
- :func:`serve` serves a folder on 127.0.0.1 at a free port, quietly, in a thread.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")

# The host-resolver rule makes every host except the local server unresolvable, so even
# a request that escaped Playwright's routing could not leave the machine.
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


@functools.cache
def book_pages() -> list[str]:
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
