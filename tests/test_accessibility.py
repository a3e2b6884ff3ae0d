"""WCAG 2.1 A and AA on every page of the built book, in light and in dark mode.

axe-core (bundled by axe-playwright-python, pinned in requirements.txt) runs the rules
tagged wcag2a, wcag2aa, wcag21a and wcag21aa in headless Chromium, offline (see
browser_support), on every page of ``_toc.yml`` in each of the theme's two modes. Before
it runs, every solution and folded cell is opened, so their text is checked too, and
MathJax has typeset the page. Any violation fails, naming the rule, the elements and
axe's summary of what to fix.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest
from browser_support import (
    chapter_pages,
)

pytestmark = pytest.mark.browser

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MODES = ("light", "dark")
TIMEOUT_MS = 60_000

# Everything a reader can open, opened: solutions (sphinx-togglebutton) and <details>.
OPEN_EVERYTHING = """async () => {
    document.querySelectorAll('.toggle-hidden')
        .forEach(el => el.classList.remove('toggle-hidden'));
    document.querySelectorAll('button.toggle-button-hidden')
        .forEach(el => el.classList.remove('toggle-button-hidden'));
    document.querySelectorAll('details').forEach(el => { el.open = true; });
    // _static/scroll-focus.js makes the boxes that now scroll reachable, 0.1 s later.
    await new Promise(r => setTimeout(r, 500));
}"""

WAIT_FOR_MATH = """async () => {
    if (document.querySelector("script[src*='mathjax']")) {
        while (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) {
            await new Promise(r => setTimeout(r, 50));
        }
        await MathJax.startup.promise;
    }
    await document.fonts.ready;
    return true;
}"""


@pytest.fixture(scope="module")
def browser(html_dir, chromium):
    return chromium


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def _describe(violation) -> str:
    nodes = violation["nodes"]
    lines = [f"{violation['id']} ({violation['impact']}): {violation['help']} - {len(nodes)}x"]
    for node in nodes[:8]:
        summary = " ".join((node.get("failureSummary") or "").split())
        lines.append(f"    {' '.join(map(str, node['target']))}: {summary[:220]}")
    return "\n".join(lines)


def _violations(browser, axe, base_url, path, mode):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    # The theme keeps the reader's choice in localStorage ("mode": light, dark or auto).
    context.add_init_script(f"localStorage.setItem('mode', '{mode}');")
    try:
        page = context.new_page()
        page.goto(urljoin(base_url, path), wait_until="load")
        page.evaluate(WAIT_FOR_MATH)
        assert page.evaluate("() => document.documentElement.dataset.theme") == mode
        page.evaluate(OPEN_EVERYTHING)
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
        return results.response["violations"]
    finally:
        context.close()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("path", chapter_pages(), ids=lambda p: Path(p).stem)
def test_wcag_21_aa(browser, axe, base_url, html_dir, path, mode):
    if not (html_dir / path).is_file():
        pytest.fail(f"_toc.yml names {path}, but the build has no such page")
    violations = _violations(browser, axe, base_url, path, mode)
    assert violations == [], f"{path} in {mode} mode:\n" + "\n".join(map(_describe, violations))


def test_axe_finds_a_violation(browser, axe, base_url):
    """The check itself: a page with an image without alt text fails it."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(urljoin(base_url, "search.html"))
        page.evaluate(
            """() => { const img = document.createElement('img');
                       img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
                       document.querySelector('main, body').appendChild(img); }"""
        )
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
        assert "image-alt" in {v["id"] for v in results.response["violations"]}
    finally:
        context.close()
