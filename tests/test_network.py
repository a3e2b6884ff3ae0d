"""The sheet's 2-2-1 network, `multilayer_perceptron` (chapters 3 and 5)."""

import numpy as np
import pytest
import sheet_literal
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sheet import SHEET_PARS, SHEET_X
from tolerance import assert_close_rounding, network_scales

from mlp_by_hand import PARAMETER_NAMES, mlp, multilayer_perceptron

coords = st.floats(-3, 3, allow_nan=False, allow_infinity=False, allow_subnormal=False)
points = st.integers(1, 12).flatmap(lambda n: arrays(np.float64, (n, 2), elements=coords))
nine_pars = arrays(np.float64, (9,), elements=coords)


def hidden_features(X, pars):
    """The two hidden features before the ReLU, shape (N, 2), computed here."""
    W = np.array([[pars[0], pars[1]], [pars[3], pars[4]]])
    return X @ W.T + np.array([pars[2], pars[5]])


def test_the_sheets_reference_numbers():
    theta, grad = multilayer_perceptron(SHEET_X, SHEET_PARS)
    # The sheet prints 8 significant digits; agreement to half a unit in the last one.
    np.testing.assert_allclose(theta, [0.9552123], rtol=0, atol=5e-8)
    sheet_grad = [
        [
            0.02994724, 0.05989447, 0.02994724,
            0.03422541, 0.06845082, 0.03422541,
            0.03422541, 0.08556353, 0.04278176,
        ]
    ]  # fmt: skip
    np.testing.assert_allclose(grad, sheet_grad, rtol=0, atol=5e-9)
    assert np.array2string(theta, precision=7) == "[0.9552123]"


@pytest.mark.parametrize("N", [1, 5])
def test_shapes_and_dtype(N, rng):
    theta, grad = multilayer_perceptron(rng.normal(size=(N, 2)), rng.normal(size=9))
    assert theta.shape == (N,)
    assert grad.shape == (N, 9)
    assert theta.dtype == grad.dtype == np.float64


def test_parameter_names_follow_the_layout():
    assert PARAMETER_NAMES == ("w_11", "w_12", "b_1", "w_21", "w_22", "b_2", "v_1", "v_2", "c")


@pytest.mark.parametrize("scale", [0.3, 1.0, 3.0])
def test_matches_the_literal_sheet_code(scale, rng):
    X = rng.normal(scale=scale, size=(200, 2))
    pars = rng.normal(scale=scale, size=9)
    theta, grad = multilayer_perceptron(X, pars)
    sheet_theta, sheet_grad = sheet_literal.multilayer_perceptron(X, pars)
    theta_scale, grad_scale = network_scales(X, pars)
    assert_close_rounding(theta, sheet_theta, theta_scale, n_terms=5)
    assert_close_rounding(grad, sheet_grad, grad_scale, n_terms=5)


def test_theta_matches_a_plain_loop(rng):
    X, pars = rng.normal(size=(30, 2)), rng.normal(size=9)
    theta, _ = multilayer_perceptron(X, pars)
    w11, w12, b1, w21, w22, b2, v1, v2, c = pars.tolist()
    for n, (x1, x2) in enumerate(X.tolist()):
        h1 = max(w11 * x1 + w12 * x2 + b1, 0.0)
        h2 = max(w21 * x1 + w22 * x2 + b2, 0.0)
        expected = 1 / (1 + np.exp(-(v1 * h1 + v2 * h2 + c)))
        assert_close_rounding(theta[n], expected, network_scales(X[n : n + 1], pars)[0], n_terms=5)


def test_inactive_hidden_neurons_get_no_gradient():
    # Both hidden features are negative at this point: theta = sigmoid(c) only.
    pars = np.array([1.0, 1.0, -10.0, -1.0, 0.0, -10.0, 3.0, -2.0, 0.4])
    theta, grad = multilayer_perceptron(np.array([[1.0, 2.0]]), pars)
    s = 1 / (1 + np.exp(-0.4))
    assert_close_rounding(theta, [s], n_terms=3)
    np.testing.assert_array_equal(grad[0, :8], np.zeros(8))
    assert_close_rounding(grad[0, 8], s * (1 - s), n_terms=3)


def test_inputs_are_not_modified(rng):
    X, pars = rng.normal(size=(5, 2)), rng.normal(size=9)
    X0, pars0 = X.copy(), pars.copy()
    multilayer_perceptron(X, pars)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(pars, pars0)


@given(X=points, pars=nine_pars)
def test_grad_is_the_derivative_away_from_relu_kinks(X, pars, central_difference):
    # A hidden feature within 1e-4 of 0 could cross the kink inside the stencil.
    assume(np.abs(hidden_features(X, pars)).min() > 1e-4)
    _, grad = multilayer_perceptron(X, pars)
    numeric = central_difference(lambda p: multilayer_perceptron(X, p)[0], pars)
    # Truncation and cancellation error, not rounding: see conftest.central_difference.
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-9)


def test_agrees_with_mlp_for_two_hidden_neurons(rng):
    # Same chain rule; mlp sums with matrix products in its own order, so the two may
    # differ by a few units in the last place of the largest term.
    X, pars = rng.normal(size=(50, 2)), rng.normal(size=9)
    theta, grad = multilayer_perceptron(X, pars)
    theta_mlp, grad_mlp = mlp(X, pars)
    theta_scale, grad_scale = network_scales(X, pars)
    assert_close_rounding(theta, theta_mlp, theta_scale, n_terms=5)
    assert_close_rounding(grad, grad_mlp, grad_scale, n_terms=5)
