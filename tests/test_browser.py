"""The built book in a real browser: headless Chromium, driven by Playwright, offline.

The built HTML is served from 127.0.0.1 and every request to any other host is blocked
(and recorded), so each page has to render completely from the build. Over every page in
``_toc.yml`` the tests check what a reader sees: no console errors, every equation typeset
by MathJax, every figure loaded, the ``.ipynb`` download, solutions folded until their
toggle (or their title) is clicked, figures that keep a light background in the theme's
dark mode, and a layout that fits a phone (390 px): no sideways scrolling, nothing cut off
at the screen's edge. One more test searches for "sigmoid". Screenshots of every page
(desktop, phone, dark) go to ``screenshots/`` beside the HTML folder
(``_build/screenshots/``): look at them after a change to the theme.
BROWSER_SCREENSHOTS=0 leaves them out (a third faster, for a quick re-run).

Speed: one browser for the session, and each page is opened once per layout (desktop,
phone) and shared by that page's tests, which pytest runs one page after another.
Without Chromium or a built book the tests are skipped, with the reason; under CI=true
they fail instead (see ``browser_support.skip_or_fail``).

Static checks of the same HTML (no remote URLs in the markup, notebook contents) live in
``test_built_book.py``; these tests check what only a browser can tell.
"""

from __future__ import annotations

import json
import os
import re
from functools import cached_property
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import nbformat
import pytest
from browser_support import (
    chapter_pages,
    corner_pixels,
)

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE_WIDTH = 390
PHONE = {
    "viewport": {"width": PHONE_WIDTH, "height": 844},
    "is_mobile": True,
    "has_touch": True,
}
# How far past the screen's edge something may reach before it counts as cut off: less
# than half a character (a glyph's overhang, the border of an inline code box).
CUT_OFF_PX = 4
# A figure pixel counts as light when every channel is at least this (of 255). The dark
# theme dims images (filter: brightness(.8) contrast(1.2)), which takes white to about 219.
LIGHT = 200
# Text that means a formula reached the reader as TeX source instead of typeset math.
RAW_TEX = ("$$", "\\(", "\\)", "\\[", "\\]", "\\begin{", "\\frac{")
# The elements MathJax must typeset, as Sphinx writes them: <span class="math ...">, <div ...>.
MATH_CLASS = re.compile(r'<(?:span|div)\s+class="math(?:\s[^"]*)?"')
TIMEOUT_MS = 30_000


def _stem(page_path):
    return Path(page_path).stem


def _is_favicon(url):
    """Whether ``url`` is the icon Chromium asks every site for by itself.

    The book declares no icon, so the browser tries /favicon.ico once per session and
    logs the 404 as a console error; no page asked for it, and every page renders
    without it, so it does not count against a page.
    """
    return urlsplit(url).path == "/favicon.ico"


def _has_code(html):
    """Whether a built page shows executed code cells (then it offers a notebook)."""
    return 'class="cell docutils container' in html


# --- the browser, the server, the pages -------------------------------------------------


@pytest.fixture(scope="session")
def browser(html_dir, chromium):
    return chromium


@pytest.fixture(scope="session")
def screenshots(html_dir):
    folder = html_dir.parent / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Visit:
    """One page open in its own offline browser context, with what went wrong loading it.

    ``blocked`` lists requests to other hosts (aborted), ``errors`` console errors and
    uncaught exceptions, ``failed`` local requests that failed or answered >= 400.
    """

    def __init__(self, browser, base_url, path, options):
        self.base_url = base_url
        self.blocked, self.errors, self.failed = [], [], []
        self.context = browser.new_context(**options)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.route("**/*", self._only_local)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        self.page.on("requestfailed", self._request_failed)
        self.page.on("response", self._response)
        self.url = urljoin(base_url, path)
        self.page.goto(self.url, wait_until="load")
        self.settle()

    def _is_local(self, url):
        return urlsplit(url).netloc == urlsplit(self.base_url).netloc

    def _only_local(self, route):
        url = route.request.url
        if self._is_local(url) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    def _console(self, message):
        where = message.location.get("url", "")
        if message.type == "error" and not _is_favicon(where):
            self.errors.append(f"console: {message.text} ({where})")

    def _request_failed(self, request):
        if self._is_local(request.url):
            self.failed.append(f"{request.url}: {request.failure}")

    def _response(self, response):
        failed = response.status >= 400 and not _is_favicon(response.url)
        if failed and self._is_local(response.url):
            self.failed.append(f"{response.url}: HTTP {response.status}")

    def settle(self):
        """Wait until MathJax has typeset the page, fonts are in and every image is loaded."""
        page = self.page
        if page.locator("script[src*='mathjax']").count():
            page.wait_for_function(
                "() => window.MathJax && MathJax.startup && MathJax.startup.promise"
            )
            page.evaluate("() => MathJax.startup.promise.then(() => true)")
        page.evaluate("() => document.fonts.ready.then(() => true)")
        # Scroll through the page so that lazily loaded images, if any, are requested.
        page.evaluate(
            """async () => {
                const step = window.innerHeight;
                for (let y = 0; y < document.documentElement.scrollHeight; y += step) {
                    window.scrollTo(0, y);
                    await new Promise(r => requestAnimationFrame(r));
                }
                window.scrollTo(0, 0);
            }"""
        )
        page.wait_for_function("() => Array.from(document.images).every(img => img.complete)")

    def mark(self):
        """A bookmark in the visit's records, for :meth:`problems` ``since``."""
        return len(self.blocked), len(self.errors), len(self.failed)

    def problems(self, since=(0, 0, 0)):
        """Everything that went wrong, or only what went wrong after the ``since`` mark."""
        blocked, errors, failed = (
            records[start:]
            for records, start in zip((self.blocked, self.errors, self.failed), since, strict=True)
        )
        return (
            [f"blocked request to another host: {url}" for url in blocked]
            + errors
            + [f"failed local request: {failure}" for failure in failed]
        )

    def screenshot(self, path):
        if os.environ.get("BROWSER_SCREENSHOTS") == "0":
            return
        # From the top: sticky bars and sidebars are drawn where the scroll position puts
        # them, so a page scrolled to its end shows them at the bottom of the image.
        self.page.evaluate("() => window.scrollTo(0, 0)")
        # JPEG: a full page is 10 000 to 40 000 px tall, and PNG takes twice as long.
        self.page.screenshot(path=str(path), full_page=True, type="jpeg", quality=85)

    def close(self):
        self.context.close()


class Chapter:
    """A page of the book, opened lazily at desktop and at phone width."""

    def __init__(self, path, browser, base_url, html_dir, screenshots):
        self.path, self.stem = path, _stem(path)
        self._browser, self._base_url, self._screenshots = browser, base_url, screenshots
        self.html = (html_dir / path).read_text(encoding="utf-8")
        self._visits = []

    def _open(self, options, shot):
        visit = Visit(self._browser, self._base_url, self.path, options)
        self._visits.append(visit)
        visit.screenshot(self._screenshots / f"{self.stem}-{shot}.jpg")
        return visit

    @cached_property
    def desktop(self):
        return self._open(DESKTOP, "desktop")

    @cached_property
    def phone(self):
        return self._open(PHONE, "phone")

    def fresh(self):
        """A new desktop visit that no other test has clicked on (closed with the rest)."""
        visit = Visit(self._browser, self._base_url, self.path, DESKTOP)
        self._visits.append(visit)
        return visit

    def shot(self, visit, name):
        visit.screenshot(self._screenshots / f"{self.stem}-{name}.jpg")

    def close(self):
        for visit in self._visits:
            visit.close()


@pytest.fixture(scope="module", params=chapter_pages(), ids=_stem)
def chapter(request, browser, base_url, html_dir, screenshots):
    """One page of the book; module scope makes pytest run all its tests in a row."""
    if not (html_dir / request.param).is_file():
        pytest.fail(f"_toc.yml names {request.param}, but the build has no such page")
    chapter = Chapter(request.param, browser, base_url, html_dir, screenshots)
    yield chapter
    chapter.close()


# --- the tests, in the order they run on each page -------------------------------------


def test_page_renders_offline_without_errors(chapter):
    visit = chapter.desktop
    assert visit.problems() == [], "\n".join(visit.problems())
    assert visit.page.locator(".bd-article h1").first.is_visible(), "no visible title"


def test_every_equation_is_typeset(chapter):
    expected = len(MATH_CLASS.findall(chapter.html))
    page = chapter.desktop.page
    typeset = page.locator("mjx-container").count()
    assert typeset >= expected, f"{typeset} typeset formulas for {expected} in the HTML"
    errors = page.evaluate(
        """() => Array.from(document.querySelectorAll('mjx-merror'))
                   .map(e => e.getAttribute('data-mjx-error') || e.textContent)"""
    )
    assert errors == [], f"MathJax could not typeset: {errors}"
    # The article's prose as text, without code (where TeX may legitimately appear).
    prose = page.evaluate(
        """() => {
            const article = document.querySelector('.bd-article').cloneNode(true);
            article.querySelectorAll('pre, code, script, style, mjx-container, .highlight')
                   .forEach(e => e.remove());
            return article.textContent;
        }"""
    )
    raw = [token for token in RAW_TEX if token in prose]
    for token in raw:
        at = prose.index(token)
        raw[raw.index(token)] = f"{token!r} in ...{prose[max(at - 60, 0) : at + 60]!r}..."
    assert raw == [], "TeX left untypeset:\n" + "\n".join(raw)


def test_every_figure_loads(chapter):
    expected = chapter.html.count("<img")
    images = chapter.desktop.page.evaluate(
        """() => Array.from(document.images).map(img => ({
                src: img.getAttribute('src'), width: img.naturalWidth,
                height: img.naturalHeight}))"""
    )
    assert len(images) >= expected, f"{len(images)} images on the page, {expected} in the HTML"
    broken = [image["src"] for image in images if not (image["width"] and image["height"])]
    assert broken == [], f"images that did not load: {broken}"


def test_notebook_link_downloads(chapter):
    if not _has_code(chapter.html):
        pytest.skip(f"{chapter.stem} has no code cells, so it offers no notebook")
    page = chapter.desktop.page
    # A reader opens the download menu, then picks the notebook.
    page.locator(".dropdown-download-buttons > button").first.click()
    link = page.locator(".dropdown-download-buttons a[href$='.ipynb']")
    assert link.count() == 1, "no (or more than one) .ipynb item in the download menu"
    link.wait_for(state="visible")
    href = link.get_attribute("href")
    assert Path(urlsplit(href).path).name == f"{chapter.stem}.ipynb", href
    response = page.request.get(urljoin(page.url, href))
    assert response.ok, f"{href}: HTTP {response.status}"
    notebook = nbformat.reads(response.text(), as_version=4)
    nbformat.validate(notebook)
    assert notebook.cells, "the notebook is empty"
    assert any(cell.cell_type == "code" for cell in notebook.cells), "no code cells"
    title = page.locator(".bd-article h1").first.inner_text().strip("#¶ \n")
    first = notebook.cells[0].source.splitlines()[0]
    # The page's title is "1. The perceptron"; the notebook's first line "# 1. The perceptron".
    assert title.split(maxsplit=1)[-1] in first, f"notebook starts {first!r}, page is {title!r}"
    page.keyboard.press("Escape")


def test_clicking_a_solution_title_opens_it(chapter):
    """The title bar is what a reader clicks, and most of its text is a link to the exercise.

    Runs on a page of its own, before any toggle on it is clicked (the tests run in
    random order, and others click toggles): sphinx-togglebutton finds the button to
    toggle through a global variable that its last click left behind, so on a fresh page
    a click on the link throws ("button is not defined") and later ones toggle whichever
    solution was toggled last. Clicks on the title's text must reach the title itself
    (``.dropdown.admonition > .admonition-title a {pointer-events: none}`` does that).
    """
    visit = chapter.fresh()
    page = visit.page
    solutions = page.locator(".bd-article .solution.dropdown")
    if solutions.count() == 0:
        pytest.skip(f"{chapter.stem} has no folded solution")
    try:
        for index in range(solutions.count()):
            solution = solutions.nth(index)
            title = solution.locator(":scope > .admonition-title")
            since = visit.mark()
            opened_before = _open_solutions(page)
            # Where a reader aims: the title's text, most of which is a link. Centre it on
            # screen (out from under the sticky header) and click the middle of its first
            # line (a link that wraps has a gap in its bounding box) with the mouse, as a
            # reader does: whatever is on top there gets the click.
            links = title.locator("a")
            target = links.first if links.count() else title
            x, y = target.evaluate(
                """el => {
                    el.scrollIntoView({block: 'center'});
                    const line = el.getClientRects()[0];
                    return [line.x + line.width / 2, line.y + line.height / 2];
                }"""
            )
            page.mouse.click(x, y)
            assert visit.problems(since) == [], f"clicking the title: {visit.problems(since)}"
            assert _open_solutions(page) == opened_before | {index}, (
                f"clicking solution {index + 1}'s title opened {_open_solutions(page)}"
            )
    finally:
        # Fold everything again for the next test, which starts from folded solutions.
        for index in sorted(_open_solutions(page)):
            solutions.nth(index).locator("button.toggle-button").click()


def test_code_and_equations_fit_at_desktop_width(chapter):
    """At 1280 px no code box (input or output) and no display equation scrolls sideways.

    Checked with every solution open, on a page of its own: a listing inside a folded
    solution has a narrower box than one in the text.
    """
    page = chapter.fresh().page
    page.evaluate(
        """async () => {
            document.querySelectorAll('.toggle-hidden')
                .forEach(el => el.classList.remove('toggle-hidden'));
            document.querySelectorAll('details').forEach(el => { el.open = true; });
            await new Promise(r => requestAnimationFrame(r));
        }"""
    )
    too_wide = page.evaluate(
        """() => {
            const boxes = '.bd-article div.highlight pre, .bd-article .cell_output pre, '
                + '.bd-article mjx-container[display="true"]';
            return Array.from(document.querySelectorAll(boxes))
                .filter(el => el.getClientRects().length && el.scrollWidth > el.clientWidth + 1)
                .map(el => `${el.tagName.toLowerCase()} ${el.scrollWidth} px in `
                    + `${el.clientWidth} px: `
                    + el.textContent.trim().split('\\n')[0].slice(0, 70));
        }"""
    )
    assert too_wide == [], "scrolls sideways at 1280 px:\n" + "\n".join(too_wide)


def _open_solutions(page):
    """Indices of the page's folded-solution boxes that are open."""
    return set(
        page.locator(".bd-article .solution.dropdown").evaluate_all(
            "els => els.flatMap((el, i) => el.classList.contains('toggle-hidden') ? [] : [i])"
        )
    )


def test_solutions_hidden_until_toggled(chapter):
    visit = chapter.desktop
    page = visit.page
    solutions = page.locator(".bd-article .solution.dropdown")
    if not _has_code(chapter.html) and solutions.count() == 0:
        pytest.skip(f"{chapter.stem} has no code cells and no exercises")
    assert solutions.count() >= 1, f"{chapter.stem} has no folded solution"
    for index in range(solutions.count()):
        solution = solutions.nth(index)
        title = solution.locator(":scope > .admonition-title")
        body = solution.locator(":scope > :not(.admonition-title)")
        label = f"solution {index + 1} ({title.inner_text().strip()!r})"
        assert title.is_visible(), f"{label}: no visible title to click"
        assert body.count() >= 1, f"{label} is empty"
        shown = [body.nth(i).is_visible() for i in range(body.count())]
        assert not any(shown), f"{label} is visible before its toggle is clicked"
        since = visit.mark()
        solution.scroll_into_view_if_needed()
        # The toggle: the chevron button sphinx-togglebutton puts at the end of the title.
        title.locator("button.toggle-button").click()
        body.first.wait_for(state="visible")
        shown = [body.nth(i).is_visible() for i in range(body.count())]
        assert all(shown), f"{label}: parts still hidden after the click: {shown}"
        assert solution.get_attribute("class").split().count("toggle-hidden") == 0
        assert visit.problems(since) == [], f"{label}: {visit.problems(since)}"


def test_dark_mode_keeps_figures_light(chapter):
    visit = chapter.desktop
    page = visit.page
    since = visit.mark()
    # The reader's way in: the theme switch cycles auto -> dark -> light (or auto -> light
    # -> dark when the system prefers dark); click it until the page is dark.
    switch = page.locator(".theme-switch-button").first
    for _ in range(3):
        if page.evaluate("() => document.documentElement.dataset.theme") == "dark":
            break
        switch.click()
    assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    background = page.evaluate(
        "() => getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number)"
    )
    assert max(background[:3]) < 80, f"the page is not dark: body background {background}"
    chapter.shot(visit, "dark")
    new_problems = visit.problems(since)
    assert new_problems == [], "\n".join(new_problems)
    figures = page.locator(".bd-article img")
    dark_corners = []
    viewport = page.viewport_size
    for index in range(figures.count()):
        figure = figures.nth(index)
        if not figure.is_visible():
            continue
        # A figure taller than the screen would be photographed under the sticky header:
        # make the screen tall enough to hold it whole, below the header.
        height = figure.bounding_box()["height"]
        if height + 300 > viewport["height"]:
            page.set_viewport_size({"width": viewport["width"], "height": int(height) + 300})
        figure.evaluate("img => img.scrollIntoView({block: 'center'})")
        # Sample inside the element's padding, in the figure itself.
        inset = 2 + int(figure.evaluate("img => parseFloat(getComputedStyle(img).paddingTop) || 0"))
        corners = corner_pixels(figure.screenshot(), inset=inset)
        page.set_viewport_size(viewport)
        if min(min(corner) for corner in corners) < LIGHT:
            dark_corners.append(f"{figure.get_attribute('src')}: {corners}")
    assert dark_corners == [], "figures with a dark background in dark mode:\n" + "\n".join(
        dark_corners
    )


def test_readable_at_phone_width(chapter):
    visit = chapter.phone
    page = visit.page
    assert visit.problems() == [], "\n".join(visit.problems())
    sizes = page.evaluate(
        """() => ({inner: window.innerWidth,
                   html: document.documentElement.scrollWidth,
                   body: document.body.scrollWidth})"""
    )
    # A phone widens its layout viewport to fit content that is too wide (and zooms out),
    # so a page too wide for 390 px shows up as a larger innerWidth, not as a scrollbar.
    too_wide = _overflowing(page)
    assert max(sizes.values()) <= PHONE_WIDTH + 1, (
        f"the page is wider than the phone: {sizes}; too wide:\n"
        + "\n".join(too_wide or _overflowing(page, "body"))
    )
    # Nothing in the article reaches past the screen unless it sits in a box the reader
    # can scroll sideways (wide equations, code and tables scroll inside their own box).
    assert too_wide == [], "cut off at the right edge of a 390 px screen:\n" + "\n".join(too_wide)
    column = page.locator(".bd-article").bounding_box()
    assert column["width"] >= 0.8 * PHONE_WIDTH, f"the text column is squeezed: {column}"
    font = page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('.bd-article p')).fontSize)"
    )
    assert font >= 14, f"body text is {font}px at phone width"


def _overflowing(page, scope=".bd-article"):
    """The outermost elements in ``scope`` that reach past a phone's screen, out of reach.

    Returns
    -------
    list of str
        One line per element that extends more than ``CUT_OFF_PX`` past ``PHONE_WIDTH``
        and that no box the reader can scroll sideways holds: its tag, class, right edge,
        and the paragraph, heading or cell it is in.
    """
    return page.evaluate(
        """([width, slack, scope]) => {
            const limit = width + slack;
            const style = el => getComputedStyle(el);
            const scrollable = el => ['auto', 'scroll'].includes(style(el).overflowX)
                && style(el).display !== 'inline';
            // How far right an element's box, or the text that spills out of it, reaches.
            const reach = el => {
                const box = el.getBoundingClientRect();
                const spill = style(el).overflowX === 'visible' ? el.scrollWidth : 0;
                return box.width === 0 ? 0 : Math.max(box.right, box.left + spill);
            };
            const bad = [];
            for (const el of document.querySelectorAll(`${scope} *`)) {
                // A formula counts as one piece (it cannot break), and inside it is MathJax's
                // assistive MathML, laid out but clipped to nothing.
                if (el.parentElement.closest('mjx-container') || reach(el) <= limit) continue;
                let up = el.parentElement, reachable = false;
                while (up && !reachable) {
                    reachable = scrollable(up) && up.getBoundingClientRect().right <= limit;
                    up = up.parentElement;
                }
                if (!reachable) bad.push(el);
            }
            // Text that spills out widens every ancestor: name the innermost culprits, and
            // the paragraph, heading or cell they are in.
            const inner = el => !bad.some(other => other !== el && el.contains(other));
            const culprits = bad.filter(inner);
            return culprits.map(el => {
                const block = el.closest('p, li, dt, dd, td, th, h1, h2, h3, h4, h5, h6') || el;
                const section = el.closest('section[id]');
                return `<${el.tagName.toLowerCase()} class="${el.className}"> reaches ` +
                    `${Math.round(reach(el))} px, in <${block.tagName.toLowerCase()}> of ` +
                    `#${section ? section.id : '?'}: ` +
                    block.textContent.trim().replace(/\\s+/g, ' ').slice(0, 80);
            });
        }""",
        [PHONE_WIDTH, CUT_OFF_PX, scope],
    )


# --- tests that are not about one page ---------------------------------------------------


def test_search_finds_sigmoid(browser, base_url, screenshots):
    visit = Visit(browser, base_url, "search.html?q=sigmoid", DESKTOP)
    try:
        page = visit.page
        page.locator("#search-results ul.search li a").first.wait_for(state="attached")
        hrefs = page.locator("#search-results ul.search li a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        visit.screenshot(screenshots / "search-sigmoid.jpg")
        chapters = {Path(p).name for p in chapter_pages()}
        found = {Path(urlsplit(href).path).name for href in hrefs} & chapters
        assert found, f"no search result links to a chapter: {hrefs}"
        assert visit.problems() == [], "\n".join(visit.problems())
    finally:
        visit.close()


def test_other_hosts_are_blocked(browser, base_url):
    """The offline guard itself: a request to another host is stopped and recorded."""
    visit = Visit(browser, base_url, "search.html", DESKTOP)
    try:
        outcome = visit.page.evaluate(
            """() => fetch('http://elsewhere.invalid/x.js').then(() => 'loaded',
                                                              () => 'failed')"""
        )
        assert outcome == "failed"
        assert visit.blocked == ["http://elsewhere.invalid/x.js"]
    finally:
        visit.close()


def test_the_toc_lists_every_built_chapter(html_dir):
    """Every page the tests above visit exists, and no built chapter is left out of them."""
    built = {str(p.relative_to(html_dir)) for p in (html_dir / "book").glob("*.html")}
    assert built == set(chapter_pages()), json.dumps(sorted(built ^ set(chapter_pages())))
