"""Shared set-up for the package's tests.

- matplotlib draws off screen (Agg), whatever MPLBACKEND says, and every test
  closes the figures it leaves open.
- ``benchmarks/`` goes on sys.path so that tests can ``import sheet_literal``: the
  exercise sheet's code transcribed literally, our oracle for values and gradients.
- hypothesis runs derandomized (the same examples on every run, so the suite is
  seeded like everything else), without a deadline and without an example database.
- the header names numpy's BLAS kernel (threadpoolctl), and when
  ``MLP_EXPECT_BLAS_KERNEL`` is set (``make portable``) the run stops unless OpenBLAS
  really runs that kernel.
- ``central_difference``: a finite-difference Jacobian written here, independent of
  ``mlp_by_hand.gradcheck`` (which has tests of its own).
"""

import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=True)

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402
from sheet import SHEET_INIT, SHEET_PARS, SHEET_X  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

settings.register_profile(
    "mlp_by_hand", max_examples=60, deadline=None, derandomize=True, database=None
)
settings.load_profile("mlp_by_hand")


def _central_difference(func, x, h=1e-6):
    """Jacobian of ``func`` at ``x`` by central differences.

    Parameters
    ----------
    func : callable
        ``func(x) -> ndarray of shape S`` (a scalar counts as shape (1,)).
    x : ndarray of any shape T
    h : float

    Returns
    -------
    ndarray of shape S + T
        Entry ``[s, t]`` approximates d func(x)[s] / d x[t].

    Notes
    -----
    Comparing this with an exact gradient needs a tolerance far above rounding
    (tests/tolerance.py does not apply). With step h the central difference is off by
    the truncation error ``h**2 / 6 * |third derivative|`` (1e-13 for h = 1e-6 and
    third derivatives of order 1, more where they are large: the relative part,
    rtol 1e-6 to 1e-5 in the tests) plus the rounding of ``f(x + h) - f(x - h)``
    divided by 2h, about ``eps * |f| / h`` = 2e-10 for |f| of order 1 (the absolute
    part, atol 1e-9 to 1e-8). A wrong gradient formula is off by the size of the
    gradient itself.
    """
    x = np.array(x, dtype=np.float64)
    out_shape = np.atleast_1d(np.asarray(func(x))).shape
    jac = np.empty(out_shape + x.shape)
    for t in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[t] += h
        down[t] -= h
        diff = np.atleast_1d(func(up)) - np.atleast_1d(func(down))
        # Divide by the step actually taken: x + h is rounded to a float64.
        jac[(...,) + t] = diff / (up[t] - down[t])
    return jac


@pytest.fixture(scope="session")
def central_difference():
    """The independent finite-difference Jacobian (see the module docstring)."""
    return _central_difference


@pytest.fixture
def sheet_init():
    """The sheet's starting vector for learning, (9,), a writable copy for this test."""
    return SHEET_INIT.copy()


@pytest.fixture
def sheet_point():
    """The sheet's reference point x = (1, 2) and nine parameters 0.1 ... 0.9.

    Returns (X of shape (1, 2), pars of shape (9,)), writable copies for this test; the
    expected values are sheet.SHEET_THETA and sheet.SHEET_GRAD.
    """
    return SHEET_X.copy(), SHEET_PARS.copy()


@pytest.fixture
def rng():
    """A fresh, seeded generator for every test."""
    return np.random.default_rng(20240607)


def _blas():
    """numpy's BLAS as threadpoolctl sees it: (library, kernel architecture, version)."""
    from threadpoolctl import threadpool_info

    found = [i for i in threadpool_info() if i["user_api"] == "blas"]
    if not found:
        return ("unknown", "unknown", "")
    info = found[0]
    return (info["internal_api"], info.get("architecture") or "", info.get("version") or "")


def pytest_report_header(config):
    library, kernel, version = _blas()
    asked = os.environ.get("OPENBLAS_CORETYPE", "(not set)")
    return f"numpy BLAS: {library} {version}, kernel {kernel}; OPENBLAS_CORETYPE={asked}"


def pytest_sessionstart(session):
    """Under `make portable`, fail at once if OpenBLAS ignored the kernel asked for."""
    expected = os.environ.get("MLP_EXPECT_BLAS_KERNEL")
    if expected:
        kernel = _blas()[1]
        if kernel != expected:
            raise pytest.UsageError(f"asked OpenBLAS for the {expected} kernel, it runs {kernel}")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="session")
def html_dir():
    """The built book's HTML folder (browser tests: skipped, or failed under CI, without one)."""
    from browser_support import book_html, skip_or_fail, unavailable

    reason = unavailable()
    if reason:
        skip_or_fail(reason)
    return book_html()


@pytest.fixture(scope="session")
def base_url(html_dir):
    """The built book served on 127.0.0.1 for the whole session."""
    from browser_support import serve

    with serve(html_dir) as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for every browser test of the session.

    Playwright's sync API runs one instance per thread. With a browser per test module,
    a module started while another module's browser was still open (pytest-randomly
    interleaves the modules) failed with "Sync API inside the asyncio loop".
    """
    from browser_support import CHROMIUM, CHROMIUM_ARGS, skip_or_fail, unavailable

    reason = unavailable()
    if reason:
        skip_or_fail(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
        except Exception as error:  # a broken Chromium install: say so, as for a missing one
            skip_or_fail(f"{CHROMIUM} does not start: {error}")
        yield browser
        browser.close()
