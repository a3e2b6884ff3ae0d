"""The whole book as one PDF, printed from the built HTML by Chromium, fully offline.

Usage: ``python tools/make_pdf.py [HTML_DIR]`` (``make pdf``; HTML_DIR defaults to
_build/html). Writes ``HTML_DIR/backprop-by-hand.pdf``, which every page links to.

How: the built pages are served from 127.0.0.1 (requests to any other host are refused)
and Debian's Chromium, driven by Playwright, prints each page of ``_toc.yml`` with the
print rules of ``_static/custom.css`` (sidebars and header hidden, code wrapped at the
margin instead of clipped). Before printing, every solution and folded cell is opened
(the instructor's edition), MathJax has typeset the page, and each film shows its last
frame without its controls. pypdf then joins the chapters behind a title page with a
table of contents, keeps Chromium's outline of each chapter's headings as bookmarks, and
stamps page numbers (a page of numbers printed by Chromium, laid over each page).
"""

from __future__ import annotations

import argparse
import html
import io
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from local_book import CHROMIUM, CHROMIUM_ARGS, ROOT, book_pages, serve
from pypdf import PdfReader, PdfWriter

# The name book/_ext/pdf_edition.py links to.
PDF_NAME = "backprop-by-hand.pdf"
# A4 with margins: the printable width is 178 mm = 673 CSS px, and the page is laid out
# (and MathJax breaks its lines) at that width before it is printed.
MARGIN = {"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"}
PRINT_WIDTH_PX = 673
TIMEOUT_MS = 120_000

# The instructor's edition: open every solution (sphinx-togglebutton) and every folded
# cell (<details>); each film (matplotlib's player) stops on its last frame.
PREPARE = """async () => {
    document.querySelectorAll('.toggle-hidden')
        .forEach(el => el.classList.remove('toggle-hidden'));
    document.querySelectorAll('details').forEach(el => { el.open = true; });
    for (const film of document.querySelectorAll('.animation')) {
        for (const what of ['pause_animation', 'last_frame']) {
            const button = film.querySelector(`button[onclick*="${what}"]`);
            if (button) button.click();
        }
    }
    await new Promise(r => setTimeout(r, 300));
}"""

WAIT_FOR_PAGE = """async () => {
    if (document.querySelector("script[src*='mathjax']")) {
        while (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) {
            await new Promise(r => setTimeout(r, 50));
        }
        await MathJax.startup.promise;
    }
    await document.fonts.ready;
    await Promise.all(Array.from(document.images).map(img => img.complete ? null :
        new Promise(r => { img.onload = img.onerror = r; })));
    return true;
}"""

# The printed headings, in order, as (level, text): the text of each formula in them is
# its assistive MathML's (the typeset glyphs are drawn by CSS, without text).
HEADINGS = """() => Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6'))
    .filter(h => h.getClientRects().length > 0)
    .map(h => {
        const copy = h.cloneNode(true);
        copy.querySelectorAll('.headerlink').forEach(e => e.remove());
        copy.querySelectorAll('mjx-container').forEach(m => {
            const mml = m.querySelector('mjx-assistive-mml, math');
            m.replaceWith(document.createTextNode(mml ? mml.textContent : ''));
        });
        return [Number(h.tagName[1]), copy.textContent.replace(/\\s+/g, ' ').trim()];
    })"""

TITLE_PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
  @page {{ size: A4; margin: 0; }}
  body {{ font-family: "DejaVu Sans", sans-serif; margin: 0; color: #111; }}
  .page {{ height: 296mm; box-sizing: border-box; padding: 60mm 24mm 0; break-after: page; }}
  h1 {{ font-size: 34pt; margin: 0 0 6mm; }}
  .sub {{ font-size: 14pt; color: #333; margin: 0 0 40mm; }}
  .meta {{ font-size: 11pt; line-height: 1.6; }}
  .contents {{ padding-top: 24mm; }}
  h2 {{ font-size: 18pt; margin: 0 0 8mm; }}
  table {{ width: 100%; border-collapse: collapse; font-size: 11.5pt; }}
  td {{ padding: 1.6mm 0; border-bottom: 0.2mm dotted #999; }}
  td.n {{ text-align: right; width: 20mm; }}
</style></head><body>
<div class="page">
  <h1>{title}</h1>
  <p class="sub">Instructor's edition, with the solutions</p>
  <div class="meta">{author}<br>Printed on {today} from the book's web pages.<br>
  Every number in it was computed when the book was built.</div>
</div>
<div class="page contents"><h2>Contents</h2><table>{rows}</table></div>
</body></html>"""

NUMBERS_PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
  @page {{ size: A4; margin: 0; }}
  body {{ margin: 0; font-family: "DejaVu Sans", sans-serif; }}
  .p {{ height: 296.9mm; position: relative; break-after: page; overflow: hidden; }}
  .p span {{ position: absolute; bottom: 8mm; left: 0; right: 0; text-align: center;
            font-size: 9pt; color: #333; }}
</style></head><body>{pages}</body></html>"""


def _only_local(base_url):
    host = urlsplit(base_url).netloc

    def route(route):
        url = route.request.url
        if urlsplit(url).netloc == host or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    return route


def print_page(context, url: str) -> tuple[bytes, list[tuple[int, str]]]:
    """Print one built page; returns the PDF and its printed headings (level, text)."""
    page = context.new_page()
    try:
        page.emulate_media(media="print")
        response = page.goto(url, wait_until="load")
        if response is None or not response.ok:
            raise RuntimeError(f"{url}: {response.status if response else 'no response'}")
        page.evaluate(WAIT_FOR_PAGE)
        page.evaluate(PREPARE)
        page.evaluate(WAIT_FOR_PAGE)
        headings = page.evaluate(HEADINGS)
        pdf = page.pdf(
            format="A4",
            margin=MARGIN,
            print_background=True,
            outline=True,
            tagged=True,
        )
        return pdf, headings
    finally:
        page.close()


def _flatten(reader, items, depth=1):
    found = []
    for item in items:
        if isinstance(item, list):
            found += _flatten(reader, item, depth + 1)
        else:
            found.append((depth, item.title, reader.get_destination_page_number(item)))
    return found


def bookmarks(reader, headings, path) -> list[tuple[int, str, int]]:
    """The chapter's bookmarks as (level, title, page index), chapter and sections only.

    Chromium's outline knows on which page each heading landed; its titles lose the
    spaces at line breaks and the formulas, so the titles come from the page itself.
    """
    outline = _flatten(reader, reader.outline)
    if len(outline) == len(headings):
        marks = [
            (level, text, page)
            for (level, text), (_, _, page) in zip(headings, outline, strict=True)
        ]
    else:
        print(f"  {path}: {len(outline)} outline entries for {len(headings)} headings")
        marks = outline
    marks = [mark for mark in marks if mark[0] <= 3]
    if not marks or marks[0][0] != 1:
        raise RuntimeError(f"{path}: the printed page does not start with its title")
    return marks


def print_html(context, markup: str) -> bytes:
    page = context.new_page()
    try:
        page.set_content(markup)
        return page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    finally:
        page.close()


def title_pages(context, title, author, chapters, first_page) -> bytes:
    rows = []
    start = first_page
    for name, pages in chapters:
        rows.append(f'<tr><td>{html.escape(name)}</td><td class="n">{start}</td></tr>')
        start += pages
    markup = TITLE_PAGE.format(
        title=html.escape(title),
        author=html.escape(author),
        today=date.today().isoformat(),
        rows="".join(rows),
    )
    return print_html(context, markup)


def number_pages(context, count: int) -> PdfReader:
    """A PDF of ``count`` blank A4 pages, page k showing the number k at its foot."""
    pages = "".join(
        f'<div class="p"><span>{k if k > 1 else ""}</span></div>' for k in range(1, count + 1)
    )
    reader = PdfReader(io.BytesIO(print_html(context, NUMBERS_PAGE.format(pages=pages))))
    if len(reader.pages) != count:
        raise RuntimeError(f"the page numbers came out on {len(reader.pages)} pages, not {count}")
    return reader


def make_pdf(html_dir: Path, out: Path) -> dict:
    from playwright.sync_api import sync_playwright

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    missing = [path for path in book_pages() if not (html_dir / path).is_file()]
    if missing:
        raise SystemExit(f"_toc.yml names pages the build has not made: {missing}")
    started = time.perf_counter()
    with serve(html_dir) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        context = browser.new_context(
            viewport={"width": PRINT_WIDTH_PX, "height": 1000}, color_scheme="light"
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/*", _only_local(base_url))
        # The light theme, whatever the reader's last choice on this machine was.
        context.add_init_script("try { localStorage.setItem('mode', 'light'); } catch (e) {}")
        printed = []
        for path in book_pages():
            page_pdf, headings = print_page(context, base_url + path)
            reader = PdfReader(io.BytesIO(page_pdf))
            printed.append((reader, bookmarks(reader, headings, path)))
            print(f"  {path}: {len(reader.pages)} pages", flush=True)
        chapters = [(marks[0][1], len(reader.pages)) for reader, marks in printed]
        front = PdfReader(
            io.BytesIO(title_pages(context, config["title"], config.get("author", ""), chapters, 3))
        )
        if len(front.pages) != 2:
            # The contents ran onto another page: number the chapters from there.
            first = len(front.pages) + 1
            front = PdfReader(
                io.BytesIO(
                    title_pages(context, config["title"], config.get("author", ""), chapters, first)
                )
            )
        total = len(front.pages) + sum(pages for _, pages in chapters)
        numbers = number_pages(context, total)
        browser.close()

    writer = PdfWriter()
    writer.append(front, import_outline=False)
    writer.add_outline_item(title="Contents", page_number=1)
    for reader, marks in printed:
        start = len(writer.pages)
        writer.append(reader, import_outline=False)
        parents = []  # (level, outline item) of the headings above the current one
        for level, text, page in marks:
            while parents and parents[-1][0] >= level:
                parents.pop()
            parent = parents[-1][1] if parents else None
            item = writer.add_outline_item(title=text, page_number=start + page, parent=parent)
            parents.append((level, item))
    for index, page in enumerate(writer.pages):
        page.merge_page(numbers.pages[index])
    writer.add_metadata(
        {"/Title": config["title"], "/Author": config.get("author", ""), "/Creator": __file__}
    )
    writer.page_mode = "/UseOutlines"
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as handle:
        writer.write(handle)
    return {
        "pages": len(writer.pages),
        "chapters": chapters,
        "bytes": out.stat().st_size,
        "seconds": time.perf_counter() - started,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html_dir", nargs="?", default=str(ROOT / "_build" / "html"))
    parser.add_argument("--out", help=f"where to write the PDF (default HTML_DIR/{PDF_NAME})")
    args = parser.parse_args(argv)
    html_dir = Path(args.html_dir).resolve()
    if not (html_dir / "index.html").is_file():
        print(f"no built book in {html_dir}: run `make book` first", file=sys.stderr)
        return 2
    if not CHROMIUM.is_file():
        print(f"no Chromium at {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else html_dir / PDF_NAME
    print(f"Printing the book from {html_dir} ...", flush=True)
    facts = make_pdf(html_dir, out)
    print(
        f"Wrote {out}: {facts['pages']} pages, {facts['bytes'] / 1e6:.1f} MB, "
        f"in {facts['seconds']:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
