"""Shared set-up for the package's tests.

- matplotlib draws off screen (Agg), whatever MPLBACKEND says, and every test
  closes the figures it leaves open.
- ``benchmarks/`` goes on sys.path so that tests can ``import sheet_literal``: the
  exercise sheet's code transcribed literally, our oracle for values and gradients.
- hypothesis runs derandomized (the same examples on every run, so the suite is
  seeded like everything else), without a deadline and without an example database.
- ``central_difference``: a finite-difference Jacobian written here, independent of
  ``mlp_by_hand.gradcheck`` (which has tests of its own).
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=True)

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

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
def rng():
    """A fresh, seeded generator for every test."""
    return np.random.default_rng(20240607)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")
