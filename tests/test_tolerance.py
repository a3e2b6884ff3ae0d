"""The rounding tolerance of tests/tolerance.py: loose enough for any summation order or
BLAS kernel, tight enough that a wrong formula fails by orders of magnitude."""

import functools
import math
import operator

import numpy as np
import pytest
from tolerance import (
    EPS,
    assert_close_rounding,
    network_scales,
    rounding_margin,
    rounding_tol,
)

from mlp_by_hand import mlp, multilayer_perceptron

# A wrong formula must miss the tolerance by at least this factor.
MARGIN = 1e3


@pytest.fixture
def terms():
    """Terms of mixed signs and sizes from 1e-3 to 1e3 whose sum cancels to near zero."""
    gen = np.random.default_rng(7)
    values = gen.normal(size=2000) * 10.0 ** gen.uniform(-3, 3, size=2000)
    return np.append(values, -math.fsum(values) + 1e-3)


def test_tolerance_is_ulps_times_terms_times_scale():
    assert rounding_tol(2.0, n_terms=3, ulps=4) == 4 * 3 * EPS * 2.0
    np.testing.assert_array_equal(rounding_tol([-1.0, 0.0]), [4 * EPS, 0.0])
    with pytest.raises(ValueError, match="n_terms"):
        rounding_tol(1.0, n_terms=0)


def test_summation_orders_agree_to_rounding(terms):
    exact = math.fsum(terms)
    sums = {
        "numpy pairwise": np.sum(terms),
        "left to right": functools.reduce(operator.add, terms.tolist()),
        "right to left": functools.reduce(operator.add, terms[::-1].tolist()),
        "BLAS dot": np.ones_like(terms) @ terms,
        "sorted": np.sum(np.sort(terms)),
    }
    scale = np.sum(np.abs(terms))
    for name, value in sums.items():
        assert_close_rounding(value, exact, scale, n_terms=len(terms), err_msg=name)
    # The orders really differ, and a relative tolerance on the (cancelled) result,
    # even a loose 1e-9, would reject them: the error follows the terms, not the sum.
    assert len(set(sums.values())) > 1
    assert not all(math.isclose(v, exact, rel_tol=1e-9) for v in sums.values())


def test_blas_and_elementwise_features_agree_to_rounding():
    gen = np.random.default_rng(8)
    X, W, b = gen.normal(size=(500, 2)) * 10, gen.normal(size=(7, 2)) * 10, gen.normal(size=7)
    by_blas = X @ W.T + b
    by_hand = X[:, :1] * W[:, 0] + X[:, 1:] * W[:, 1] + b
    scale = np.abs(X) @ np.abs(W).T + np.abs(b)
    assert_close_rounding(by_blas, by_hand, scale, n_terms=3)


@pytest.fixture
def network():
    """The 2-2-1 network on points of size 10, where rounding differences are largest."""
    gen = np.random.default_rng(9)
    X, pars = gen.normal(scale=10.0, size=(1000, 2)), gen.normal(scale=3.0, size=9)
    theta_scale, grad_scale = network_scales(X, pars)
    return X, pars, theta_scale, grad_scale


def test_two_network_codes_agree_to_rounding(network):
    X, pars, theta_scale, grad_scale = network
    theta, grad = mlp(X, pars)
    theta_mp, grad_mp = multilayer_perceptron(X, pars)
    assert_close_rounding(theta, theta_mp, theta_scale, n_terms=5)
    assert_close_rounding(grad, grad_mp, grad_scale, n_terms=5)


def test_network_scales_follow_the_layout():
    X = np.array([[1.0, -2.0]])
    pars = np.array([1.0, 2.0, -3.0, 4.0, 5.0, 6.0, 7.0, -8.0, 9.0])
    theta_scale, grad_scale = network_scales(X, pars)
    a_size = np.array([1 + 4 + 3, 4 + 10 + 6])  # |w x_1| + |w x_2| + |b| per neuron
    f_size = 9 + 7 * a_size[0] + 8 * a_size[1] + 1
    np.testing.assert_array_equal(theta_scale, [f_size])
    dfdp = [7 * 1, 7 * 2, 7, 8 * 1, 8 * 2, 8, a_size[0], a_size[1], 1]
    np.testing.assert_array_equal(grad_scale, [f_size * np.array(dfdp)])


def _wrong_gradients(X, pars):
    """The gradient with the slips a student makes, each its own wrong formula."""
    theta, grad = multilayer_perceptron(X, pars)
    v = pars[6:8]
    no_v = grad.copy()  # ch05's easiest slip: the factor v_k left out
    no_v[:, 0:3] /= v[0]
    no_v[:, 3:6] /= v[1]
    no_sigma_prime = grad / (theta * (1 - theta))[:, None]
    wrong_sign = grad.copy()
    wrong_sign[:, 8] *= -1
    perturbed = grad * (1 + 1e-8)
    return {
        "no v_k": no_v,
        "no sigma'(f)": no_sigma_prime,
        "sign of dc": wrong_sign,
        "1e-8 off": perturbed,
    }


def test_a_wrong_formula_fails_by_orders_of_magnitude(network):
    X, pars, theta_scale, grad_scale = network
    _, grad = mlp(X, pars)
    for name, wrong in _wrong_gradients(X, pars).items():
        margin = rounding_margin(wrong, grad, grad_scale, n_terms=5)
        assert margin > MARGIN, f"{name}: only {margin:.3g} times the tolerance"
        with pytest.raises(AssertionError, match="not equal up to rounding"):
            assert_close_rounding(wrong, grad, grad_scale, n_terms=5)
    theta, _ = mlp(X, pars)
    flipped = 1 - theta  # the sign of f flipped
    assert rounding_margin(flipped, theta, theta_scale, n_terms=5) > MARGIN


def test_a_perturbation_of_1e8_fails_at_unit_scale():
    gen = np.random.default_rng(10)
    X, pars = gen.normal(size=(50, 2)), gen.normal(size=9)
    theta, grad = mlp(X, pars)
    theta_scale, grad_scale = network_scales(X, pars)
    assert rounding_margin(theta * (1 + 1e-8), theta, theta_scale, n_terms=5) > MARGIN
    assert rounding_margin(grad * (1 + 1e-8), grad, grad_scale, n_terms=5) > MARGIN


def test_zero_terms_must_agree_exactly():
    assert rounding_margin([0.0, 1.0], [0.0, 1.0], [0.0, 1.0]) == 0.0
    assert rounding_margin([1e-300, 1.0], [0.0, 1.0], [0.0, 1.0]) == math.inf


def test_default_scale_is_the_values_own_size():
    assert_close_rounding(1e20 * (1 + EPS), 1e20)
    assert_close_rounding(1e-20 * (1 + EPS), 1e-20)
    with pytest.raises(AssertionError, match="times the tolerance"):
        assert_close_rounding(1e-20 * (1 + 1e-10), 1e-20)
    with pytest.raises(AssertionError, match="shapes differ"):
        assert_close_rounding([1.0], [1.0, 1.0])
