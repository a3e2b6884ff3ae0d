"""The 2-H-1 network `mlp`, its parameter layout `unpack`, and `init_pars` (chapter 7)."""

import math

import numpy as np
import pytest
import sheet_literal
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sheet import SHEET_GRAD, SHEET_GRAD_ATOL, SHEET_THETA, SHEET_THETA_ATOL
from tolerance import assert_close_rounding, network_scales

from mlp_by_hand import init_pars, mlp, multilayer_perceptron, unpack

coords = st.floats(-3, 3, allow_nan=False, allow_infinity=False, allow_subnormal=False)


@st.composite
def network_inputs(draw, max_n=10, max_h=6):
    """Points X (N, 2) and parameters (4H+1,) for random N and H."""
    N = draw(st.integers(1, max_n))
    H = draw(st.integers(1, max_h))
    X = draw(arrays(np.float64, (N, 2), elements=coords))
    pars = draw(arrays(np.float64, (4 * H + 1,), elements=coords))
    return X, pars


def hidden_features(X, pars):
    """(N, H) hidden features before the ReLU, from the documented layout, computed here."""
    H = (len(pars) - 1) // 4
    rows = pars[: 3 * H].reshape(H, 3)
    return X @ rows[:, :2].T + rows[:, 2]


def theta_by_loops(X, pars):
    """theta for every point with Python loops over points and neurons: the oracle."""
    H = (len(pars) - 1) // 4
    p = pars.tolist()
    thetas = []
    for x1, x2 in X.tolist():
        a = p[4 * H]  # c
        for h in range(H):
            w1, w2, b = p[3 * h : 3 * h + 3]
            a += p[3 * H + h] * max(w1 * x1 + w2 * x2 + b, 0.0)
        thetas.append(1 / (1 + math.exp(-a)))
    return np.array(thetas)


# --- shapes and layout ------------------------------------------------------------


@pytest.mark.parametrize("N", [1, 6])
@pytest.mark.parametrize("H", [1, 2, 15])
def test_shapes_and_dtype(N, H, rng):
    theta, grad = mlp(rng.normal(size=(N, 2)), rng.normal(size=4 * H + 1))
    assert theta.shape == (N,)
    assert grad.shape == (N, 4 * H + 1)
    assert theta.dtype == grad.dtype == np.float64


def test_unpack_follows_the_documented_layout():
    H = 3
    pars = np.arange(4 * H + 1, dtype=np.float64)  # every entry names its own index
    W, b, v, c = unpack(pars)
    np.testing.assert_array_equal(W, [[0, 1], [3, 4], [6, 7]])
    np.testing.assert_array_equal(b, [2, 5, 8])
    np.testing.assert_array_equal(v, [9, 10, 11])
    assert c == 12
    assert W.shape == (H, 2) and b.shape == (H,) and v.shape == (H,)


def test_unpack_returns_views():
    pars = np.arange(9, dtype=np.float64)
    W, b, v, _ = unpack(pars)
    assert np.shares_memory(W, pars) and np.shares_memory(b, pars) and np.shares_memory(v, pars)


def test_unpack_of_the_nine_vector_matches_the_sheets_neurons():
    pars = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
    W, b, v, c = unpack(pars)
    # The sheet: neuron 1 is pars[0:3], neuron 2 is pars[3:6], the output is pars[6:9].
    np.testing.assert_array_equal(np.column_stack([W, b]), [pars[0:3], pars[3:6]])
    np.testing.assert_array_equal(np.append(v, c), pars[6:9])


# --- values -----------------------------------------------------------------------


@pytest.mark.parametrize("H", [1, 2, 5, 15])
def test_theta_matches_plain_loops(H, rng):
    X, pars = rng.normal(size=(25, 2)), rng.normal(size=4 * H + 1)
    theta, _ = mlp(X, pars)
    assert_close_rounding(theta, theta_by_loops(X, pars), network_scales(X, pars)[0], H + 3)


def test_the_sheets_reference_numbers(sheet_point):
    theta, grad = mlp(*sheet_point)
    # The sheet prints them rounded: agreement to half a unit in the last digit.
    np.testing.assert_allclose(theta, [SHEET_THETA], rtol=0, atol=SHEET_THETA_ATOL)
    np.testing.assert_allclose(grad, [SHEET_GRAD], rtol=0, atol=SHEET_GRAD_ATOL)


@pytest.mark.parametrize("scale", [0.1, 1.0, 10.0])
@pytest.mark.parametrize("N", [1, 3, 50, 1000])
def test_h2_is_multilayer_perceptron_up_to_rounding(N, scale):
    rng = np.random.default_rng(1000 * N + int(10 * scale))
    X = rng.normal(scale=scale, size=(N, 2))
    pars = rng.normal(scale=scale, size=9)
    theta, grad = mlp(X, pars)
    theta_mp, grad_mp = multilayer_perceptron(X, pars)
    # mlp adds w_1 x_1 + w_2 x_2 + b inside a matrix product, in the BLAS kernel's
    # order, multilayer_perceptron in `linear`'s: they differ by rounding, a few ulps
    # of the size of the terms (which kernel runs decides which ulps: see tolerance.py).
    theta_scale, grad_scale = network_scales(X, pars)
    assert_close_rounding(theta, theta_mp, theta_scale, n_terms=5)
    assert_close_rounding(grad, grad_mp, grad_scale, n_terms=5)


def test_h2_matches_the_literal_sheet_code(rng):
    X, pars = rng.normal(size=(200, 2)), rng.normal(size=9)
    theta, grad = mlp(X, pars)
    sheet_theta, sheet_grad = sheet_literal.multilayer_perceptron(X, pars)
    theta_scale, grad_scale = network_scales(X, pars)
    assert_close_rounding(theta, sheet_theta, theta_scale, n_terms=5)
    assert_close_rounding(grad, sheet_grad, grad_scale, n_terms=5)


def test_neuron_order_does_not_matter(rng):
    # Permuting hidden neurons (their rows and their output weights) leaves theta alone.
    H = 4
    X, pars = rng.normal(size=(20, 2)), rng.normal(size=4 * H + 1)
    perm = np.array([2, 0, 3, 1])
    rows = pars[: 3 * H].reshape(H, 3)[perm].ravel()
    permuted = np.concatenate([rows, pars[3 * H : 4 * H][perm], pars[4 * H :]])
    # The output feature adds the same H terms in another order.
    assert_close_rounding(mlp(X, permuted)[0], mlp(X, pars)[0], network_scales(X, pars)[0], H + 3)


def test_inputs_are_not_modified(rng):
    X, pars = rng.normal(size=(5, 2)), rng.normal(size=13)
    X0, pars0 = X.copy(), pars.copy()
    mlp(X, pars)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(pars, pars0)


@given(data=network_inputs())
def test_grad_is_the_derivative_away_from_relu_kinks(data, central_difference):
    X, pars = data
    assume(np.abs(hidden_features(X, pars)).min() > 1e-4)
    _, grad = mlp(X, pars)
    numeric = central_difference(lambda p: mlp(X, p)[0], pars)
    # Truncation and cancellation error, not rounding: see conftest.central_difference.
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-9)


@given(data=network_inputs(max_h=4))
def test_theta_matches_plain_loops_everywhere(data):
    X, pars = data
    H = (len(pars) - 1) // 4
    theta_scale, _ = network_scales(X, pars)
    assert_close_rounding(mlp(X, pars)[0], theta_by_loops(X, pars), theta_scale, H + 3)


# --- init_pars --------------------------------------------------------------------


@pytest.mark.parametrize("H", [1, 2, 15])
def test_init_pars_shape_and_determinism(H):
    pars = init_pars(H, seed=3)
    assert pars.shape == (4 * H + 1,) and pars.dtype == np.float64
    assert np.isfinite(pars).all()
    np.testing.assert_array_equal(pars, init_pars(H, seed=3))
    assert not np.array_equal(pars, init_pars(H, seed=4))
    assert unpack(pars)[3] == 0.0  # the output bias starts at 0


def test_init_pars_scales_are_the_documented_ones():
    H = 20000
    W, b, v, _ = unpack(init_pars(H, seed=0))
    # He: Var w = 2 / fan_in = 1; hidden biases sd 0.1; output weights Var = 1 / H.
    # Sample sd of 40000 (or 20000) normals is within 2 % of the truth with room to spare.
    assert W.std() == pytest.approx(1.0, rel=0.02)
    assert b.std() == pytest.approx(0.1, rel=0.03)
    assert v.std() == pytest.approx(np.sqrt(1 / H), rel=0.03)
    assert abs(W.mean()) < 0.02 and abs(b.mean()) < 0.003


def test_init_pars_keeps_the_output_feature_of_order_one_for_any_h():
    # Output weights of sd 1/sqrt(H) keep the output feature (the logit of theta)
    # O(1) whatever H is, so theta starts away from 0 and 1. With N(0, 1) output
    # weights its sd would grow like sqrt(H): 10 times larger at H = 200 than at H = 2.
    X = np.random.default_rng(0).normal(size=(200, 2))
    sd = {}
    for H in (2, 15, 200):
        logits = []
        for seed in range(20):
            theta, _ = mlp(X, init_pars(H, seed=seed))
            logits.append(np.log(theta / (1 - theta)))
        sd[H] = np.std(logits)
        assert 0.5 < sd[H] < 2.0
    assert 1 / 2 < sd[200] / sd[2] < 2


@pytest.mark.parametrize(("bad", "error", "message"), [
    (0, ValueError, r"at least 1.*got 0"),
    (-3, ValueError, r"at least 1.*got -3"),
    (2.5, TypeError, r"int.*float"),
    (True, TypeError, r"int.*bool"),
])  # fmt: skip
def test_init_pars_rejects_bad_sizes(bad, error, message):
    with pytest.raises(error, match=message):
        init_pars(bad)
