"""One neuron: `linear`, `sigmoid`, `theta_perceptron` (chapters 1 and 4)."""

import ast
import math
import re
from pathlib import Path

import numpy as np
import pytest
import sheet_literal
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from tolerance import assert_close_rounding

from mlp_by_hand import linear, sigmoid, theta_perceptron

coords = st.floats(-3, 3, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def points(max_n=12):
    return st.integers(1, max_n).flatmap(lambda n: arrays(np.float64, (n, 2), elements=coords))


three_pars = arrays(np.float64, (3,), elements=coords)


# --- shapes and dtypes -------------------------------------------------------------


@pytest.mark.parametrize("N", [1, 7])
def test_linear_shapes(N, rng):
    out, grad_pars, grad_x = linear(rng.normal(size=(N, 2)), rng.normal(size=3))
    assert out.shape == (N,)
    assert grad_pars.shape == (N, 3)
    assert grad_x.shape == (1, 2)  # the sheet's hint: one row, shared by every point
    assert out.dtype == grad_pars.dtype == grad_x.dtype == np.float64


@pytest.mark.parametrize("N", [1, 7])
def test_sigmoid_shapes(N, rng):
    out, grad = sigmoid(rng.normal(size=N))
    assert out.shape == (N,)
    assert grad.shape == (N, 1)
    assert out.dtype == grad.dtype == np.float64


@pytest.mark.parametrize("N", [1, 7])
def test_theta_perceptron_shapes(N, rng):
    theta, grad = theta_perceptron(rng.normal(size=(N, 2)), rng.normal(size=3))
    assert theta.shape == (N,)
    assert grad.shape == (N, 3)
    assert theta.dtype == grad.dtype == np.float64


def test_integer_input_gives_float64():
    out, grad_pars, grad_x = linear(np.array([[1, 2], [3, 4]]), np.array([1, 1, 1]))
    assert out.dtype == grad_pars.dtype == grad_x.dtype == np.float64
    np.testing.assert_array_equal(out, [4.0, 8.0])


# --- values against plain Python and against the sheet ----------------------------


def test_linear_matches_a_plain_loop(rng):
    X, pars = rng.normal(size=(9, 2)), rng.normal(size=3)
    out, grad_pars, grad_x = linear(X, pars)
    for n, (x1, x2) in enumerate(X.tolist()):
        terms = np.array([pars[0] * x1, pars[1] * x2, pars[2]])
        assert_close_rounding(out[n], terms.sum(), np.abs(terms).sum(), n_terms=3)
        np.testing.assert_array_equal(grad_pars[n], [x1, x2, 1.0])
    np.testing.assert_array_equal(grad_x, [pars[:2]])


def test_sigmoid_matches_math_exp():
    x = np.linspace(-30, 30, 61)
    out, grad = sigmoid(x)
    expected = np.array([1 / (1 + math.exp(-v)) for v in x.tolist()])
    assert_close_rounding(out, expected, n_terms=4)
    # 1 - theta is rounded at the size of 1, then scaled by theta.
    assert_close_rounding(grad[:, 0], expected * (1 - expected), expected, n_terms=4)


def test_sigmoid_landmarks():
    out, grad = sigmoid(np.array([0.0, -2.0, 2.0]))
    assert out[0] == 0.5
    assert grad[0, 0] == 0.25
    assert_close_rounding(out[1] + out[2], 1.0, n_terms=5)  # sigmoid(-x) = 1 - sigmoid(x)
    assert_close_rounding(grad[1, 0], grad[2, 0], 1.0, n_terms=5)


def test_functions_match_the_sheet(rng):
    X, pars = rng.normal(size=(20, 2)), rng.normal(size=3)
    # The feature sums three terms; the gradients are copies of X, 1 and pars: exact.
    out_size = np.abs(X) @ np.abs(pars[:2]) + abs(pars[2])
    mine, sheet = linear(X, pars), sheet_literal.linear(X, pars)
    for got, want, size in zip(mine, sheet, [out_size, 0.0, 0.0], strict=True):
        assert_close_rounding(got, want, size, n_terms=3)
    x = rng.normal(scale=5, size=20)
    (out, grad_out), (sheet_out, sheet_grad) = sigmoid(x), sheet_literal.sigmoid(x)
    assert_close_rounding(out, sheet_out, n_terms=4)
    assert_close_rounding(grad_out, sheet_grad, sheet_out.reshape(grad_out.shape), n_terms=4)
    # The sheet's theta_perceptron, written from its own linear and sigmoid.
    feature, grad_linear, _ = sheet_literal.linear(X, pars)
    activation, grad_sigmoid = sheet_literal.sigmoid(feature)
    theta, grad = theta_perceptron(X, pars)
    # theta moves by sigma' <= 1/4 times the feature's rounding, sigma' by <= 0.1 times it.
    f_size = out_size + 1.0
    assert_close_rounding(theta, activation, f_size, n_terms=5)
    grad_size = f_size[:, None] * np.abs(grad_linear)
    assert_close_rounding(grad, grad_sigmoid * grad_linear, grad_size, n_terms=5)


# --- numerics ---------------------------------------------------------------------


def test_sigmoid_saturates_exactly_and_quietly():
    # learn() runs with over/invalid/divide set to raise: sigmoid must not trip them.
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out, grad = sigmoid(np.array([-1000.0, 1000.0, -1e300, 1e300]))
    np.testing.assert_array_equal(out, [0.0, 1.0, 0.0, 1.0])
    np.testing.assert_array_equal(grad, np.zeros((4, 1)))


def test_sigmoid_is_monotone_and_bounded_over_a_wide_range():
    x = np.linspace(-1000, 1000, 20001)
    out, grad = sigmoid(x)
    assert np.isfinite(out).all() and np.isfinite(grad).all()
    assert (out >= 0).all() and (out <= 1).all()
    assert (np.diff(out) >= 0).all()
    assert (grad >= 0).all() and grad.max() == 0.25


# --- gradients against central differences ----------------------------------------


@given(X=points(), pars=three_pars)
def test_linear_grad_pars_is_the_derivative(X, pars, central_difference):
    _, grad_pars, _ = linear(X, pars)
    numeric = central_difference(lambda p: linear(X, p)[0], pars)  # (N, 3)
    # Truncation and cancellation error, not rounding: see conftest.central_difference.
    np.testing.assert_allclose(grad_pars, numeric, rtol=1e-6, atol=1e-8)


@given(X=points(), pars=three_pars)
def test_linear_grad_x_is_the_derivative(X, pars, central_difference):
    _, _, grad_x = linear(X, pars)
    numeric = central_difference(lambda x: linear(x, pars)[0], X)  # (N, N, 2)
    N = X.shape[0]
    # Truncation and cancellation error, not rounding: see conftest.central_difference.
    # out[n] depends on X[n] only, through the same two weights for every n.
    for n in range(N):
        np.testing.assert_allclose(numeric[n, n], grad_x[0], rtol=1e-6, atol=1e-8)
        others = np.delete(numeric[n], n, axis=0)
        np.testing.assert_allclose(others, 0.0, atol=1e-8)


@given(x=st.integers(1, 12).flatmap(lambda n: arrays(np.float64, (n,), elements=coords)))
def test_sigmoid_grad_is_the_derivative(x, central_difference):
    _, grad = sigmoid(x)
    numeric = central_difference(lambda v: sigmoid(v)[0], x)  # (N, N), diagonal
    # Truncation and cancellation error, not rounding: see conftest.central_difference.
    np.testing.assert_allclose(grad[:, 0], np.diag(numeric), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(numeric - np.diag(np.diag(numeric)), 0.0, atol=1e-12)


@given(X=points(), pars=three_pars)
def test_theta_perceptron_grad_is_the_derivative(X, pars, central_difference):
    _, grad = theta_perceptron(X, pars)
    numeric = central_difference(lambda p: theta_perceptron(X, p)[0], pars)
    # Truncation and cancellation error, not rounding: see conftest.central_difference.
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-9)


# --- the chapters' listings skip exactly the docstring ------------------------------


LISTING = re.compile(
    r":::\{literalinclude\} \.\./code/mlp_by_hand/(\w+)\.py\n"
    r"(?::\w+:.*\n)*?:pyobject: (\w+)\n:lines: 1, (\d+)-\n"
)


@pytest.mark.parametrize(
    ("chapter", "count"), [("01_perceptron", 3), ("02_relu", 1), ("03_forward", 1)]
)
def test_chapter_listings_start_right_after_the_docstring(chapter, count):
    # A listing shows the def line and then the body from :lines: on; a docstring that
    # grows or shrinks would shift that line and print half a docstring or cut code.
    root = Path(__file__).resolve().parent.parent
    text = (root / "book" / f"{chapter}.md").read_text(encoding="utf-8")
    listings = LISTING.findall(text)
    assert len(listings) == count  # every listing of a documented function matched
    for module, name, first in listings:
        tree = ast.parse((root / "code" / "mlp_by_hand" / f"{module}.py").read_text())
        [node] = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name]
        assert ast.get_docstring(node) is not None
        body_start = node.body[1].lineno - node.lineno + 1
        assert int(first) == body_start, f"{chapter}: {name} body starts at line {body_start}"
