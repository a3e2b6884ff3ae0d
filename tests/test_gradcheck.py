"""Finite-difference gradient checking: `numerical_gradient`, `relative_error`,
`gradient_check` (chapter 5). Checked on functions whose derivatives we know exactly,
and on gradients that are wrong on purpose: a checker must be able to say no.
"""

import numpy as np
import pytest
from tolerance import assert_close_rounding

from mlp_by_hand import (
    gradient_check,
    mlp,
    multilayer_perceptron,
    numerical_gradient,
    relative_error,
    theta_perceptron,
)


def test_numerical_gradient_of_a_known_function():
    def f(p):  # two outputs of three parameters
        return np.array([p[0] ** 2 * p[1], np.sin(p[2]) + p[0]])

    p = np.array([1.5, -2.0, 0.3])
    exact = np.array([[2 * p[0] * p[1], p[0] ** 2, 0.0], [1.0, 0.0, np.cos(p[2])]])
    numeric = numerical_gradient(f, p)
    assert numeric.shape == (2, 3)
    np.testing.assert_allclose(numeric, exact, rtol=1e-8, atol=1e-9)


def test_numerical_gradient_of_a_scalar_function():
    numeric = numerical_gradient(lambda p: float(p @ p), np.array([1.0, -3.0]))
    assert numeric.shape == (1, 2)
    np.testing.assert_allclose(numeric, [[2.0, -6.0]], rtol=1e-8)


def test_central_differences_are_exact_for_quadratics():
    # The error of a central difference is h^2 f'''/6: zero for a quadratic.
    numeric = numerical_gradient(lambda p: 3 * p**2, np.array([2.0]), eps=1e-3)
    np.testing.assert_allclose(numeric, [[12.0]], rtol=1e-9)


def test_numerical_gradient_leaves_pars_alone():
    p = np.array([1.0, 2.0])
    numerical_gradient(lambda q: q * 2, p)
    np.testing.assert_array_equal(p, [1.0, 2.0])


def test_numerical_gradient_rejects_a_matrix():
    with pytest.raises(ValueError, match=r"vector of shape \(P,\).*\(2, 2\)"):
        numerical_gradient(lambda p: p.sum(), np.ones((2, 2)))


def test_relative_error():
    analytic = np.array([1.0, 100.0, 0.0, 1e-12])
    numeric = np.array([1.0, 101.0, 0.0, 2e-12])
    err = relative_error(analytic, numeric)
    np.testing.assert_allclose(err, [0.0, 1 / 101, 0.0, 1e-12 / 1e-8])
    assert relative_error(-2.0, 2.0) == 2.0  # opposite signs: the largest error there is


@pytest.mark.parametrize(
    ("theta_func", "P"), [(theta_perceptron, 3), (multilayer_perceptron, 9), (mlp, 21)]
)
def test_gradient_check_accepts_the_packages_gradients(theta_func, P):
    rng = np.random.default_rng(P)
    X, pars = rng.normal(size=(12, 2)), rng.normal(size=P)
    analytic, numeric, err = gradient_check(theta_func, X, pars)
    assert analytic.shape == numeric.shape == err.shape == (12, P)
    np.testing.assert_array_equal(analytic, theta_func(X, pars)[1])
    assert err.max() < 1e-5


def test_gradient_check_catches_a_wrong_gradient():
    def almost_right(X, pars):  # forgets the sigmoid's derivative in the bias column
        theta, grad = theta_perceptron(X, pars)
        grad = grad.copy()
        grad[:, 2] = 1.0
        return theta, grad

    X = np.array([[0.5, -1.0], [2.0, 0.3]])
    _, _, err = gradient_check(almost_right, X, np.array([0.3, -0.7, 0.2]))
    assert err[:, :2].max() < 1e-6
    assert err[:, 2].min() > 0.5


def test_gradient_check_catches_swapped_columns():
    def swapped(X, pars):  # the weights' columns exchanged: a classic slip
        theta, grad = multilayer_perceptron(X, pars)
        return theta, grad[:, [1, 0, 2, 3, 4, 5, 6, 7, 8]]

    rng = np.random.default_rng(0)
    pars = np.array([1.0, 0.5, 0.2, -0.3, 1.0, 0.4, 0.8, -0.6, 0.1])
    _, _, err = gradient_check(swapped, rng.normal(size=(10, 2)), pars)
    assert err[:, 2:].max() < 1e-5
    assert err[:, :2].max() > 0.1


def test_relative_error_floor_and_zeros():
    # Both exactly zero (a silent neuron's entries): nothing to compare, error 0.
    assert relative_error(0.0, 0.0) == 0.0
    # Both below the floor: the absolute error divided by the floor (1e-8).
    assert_close_rounding(relative_error(3e-12, 1e-12), 2e-4, n_terms=3)
    # Above the floor: divided by the larger size, whichever side it is on.
    assert_close_rounding(relative_error(1.0, 1.5), 0.5 / 1.5, n_terms=3)
    assert_close_rounding(relative_error(-2.0, 1.0), 1.5, n_terms=3)
    assert relative_error(0.0, 0.0, floor=1.0) == 0.0
    assert relative_error(0.5, 0.0, floor=1.0) == 0.5


def test_a_correct_gradient_lands_in_the_fine_band():
    # The rule of thumb of chapter 4: with eps = 1e-6, a right gradient of a smooth
    # function is off by about 1e-10 or less; the sheet's point is such a case.
    X = np.array([[1.0, 2.0]])
    pars = np.arange(1, 10) / 10
    _, _, rel_error = gradient_check(multilayer_perceptron, X, pars)
    assert rel_error.max() < 1e-8
