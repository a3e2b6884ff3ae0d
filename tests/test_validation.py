"""Bad input is refused with a message that names what was expected and what was given.

Every public function checks its arguments (`mlp_by_hand._validate`); a student who
passes the wrong thing must read why, not a broadcasting error from three calls deeper,
and never get a silently wrong answer.
"""

import numpy as np
import pytest

from mlp_by_hand import (
    accuracy,
    empirical_risk,
    learn,
    linear,
    loss,
    mlp,
    multilayer_perceptron,
    relu,
    sigmoid,
    theta_perceptron,
    unpack,
)

X_GOOD = np.array([[0.5, -1.0], [1.5, 0.2], [-0.3, 0.7]])
Z_GOOD = np.array([0, 1, 1])
PARS = {linear: np.ones(3), theta_perceptron: np.ones(3), multilayer_perceptron: np.ones(9)}
PARS[mlp] = np.ones(13)
NETWORKS = [linear, theta_perceptron, multilayer_perceptron, mlp]


def good_theta_func(X, pars):
    return theta_perceptron(X, pars)


# --- X ----------------------------------------------------------------------------


@pytest.mark.parametrize("func", NETWORKS)
@pytest.mark.parametrize(
    ("X", "given"),
    [
        (np.ones((4, 3)), r"\(4, 3\)"),
        (np.ones((2, 1)), r"\(2, 1\)"),
        (np.ones((1, 2, 2)), r"\(1, 2, 2\)"),
        (np.ones(5), r"\(5,\)"),
        (np.float64(3.0), r"scalar 3\.0"),
    ],
)
def test_points_of_the_wrong_shape(func, X, given):
    with pytest.raises(ValueError, match=rf"X must have shape \(N, 2\).*got .*{given}"):
        func(X, PARS[func])


@pytest.mark.parametrize("func", NETWORKS)
def test_a_single_point_as_a_1d_array_gets_a_hint(func):
    with pytest.raises(ValueError, match=r"shape \(N, 2\).*\(2,\).*reshape\(1, 2\)"):
        func(np.array([1.0, 2.0]), PARS[func])


@pytest.mark.parametrize("func", NETWORKS)
def test_no_points(func):
    with pytest.raises(ValueError, match=r"at least one point.*\(0, 2\)"):
        func(np.empty((0, 2)), PARS[func])


@pytest.mark.parametrize("func", NETWORKS)
@pytest.mark.parametrize(("bad", "shown"), [(np.nan, "nan"), (np.inf, "inf"), (-np.inf, "-inf")])
def test_non_finite_points(func, bad, shown):
    X = X_GOOD.copy()
    X[1, 1] = bad
    with pytest.raises(ValueError, match=rf"X must be finite.*holds {shown}.*flat index 3"):
        func(X, PARS[func])


@pytest.mark.parametrize("func", NETWORKS)
def test_non_numeric_points(func):
    with pytest.raises(TypeError, match=r"X must be numeric.*got"):
        func([["a", "b"]], PARS[func])


# --- parameters -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("func", "pars", "expected", "given"),
    [
        (linear, np.ones(4), r"\(3,\)", r"\(4,\)"),
        (linear, np.ones(2), r"\(3,\)", r"\(2,\)"),
        (theta_perceptron, np.ones(9), r"\(3,\)", r"\(9,\)"),
        (multilayer_perceptron, np.ones(8), r"\(9,\)", r"\(8,\)"),
        (multilayer_perceptron, np.ones(13), r"\(9,\)", r"\(13,\)"),
        (multilayer_perceptron, np.ones((3, 3)), r"\(9,\)", r"\(3, 3\)"),
        (linear, np.float64(1.0), r"\(3,\)", r"scalar 1\.0"),
    ],
)
def test_parameter_vectors_of_the_wrong_length(func, pars, expected, given):
    with pytest.raises(
        ValueError, match=rf"pars must be a vector of shape {expected}.*got .*{given}"
    ):
        func(X_GOOD, pars)


@pytest.mark.parametrize(
    ("pars", "given"),
    [
        (np.ones(8), r"\(8,\)"),
        (np.ones(4), r"\(4,\)"),
        (np.ones(1), r"\(1,\)"),
        (np.ones((1, 9)), r"\(1, 9\)"),
    ],
)
@pytest.mark.parametrize("func", [mlp, unpack])
def test_mlp_parameters_must_have_length_4h_plus_1(func, pars, given):
    with pytest.raises(ValueError, match=rf"4H\+1.*5, 9, 13.*got .*{given}"):
        func(X_GOOD, pars) if func is mlp else func(pars)


@pytest.mark.parametrize("func", NETWORKS)
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_parameters(func, bad):
    pars = PARS[func].copy()
    pars[2] = bad
    with pytest.raises(ValueError, match=rf"pars must be finite.*{bad}.*flat index 2"):
        func(X_GOOD, pars)


def test_the_message_lists_the_parameters_it_wanted():
    # The nine names, abbreviated so that the listed line fits the page: first and last.
    with pytest.raises(ValueError, match=r"\[w_11, w_12, b_1, \.\.\., v_2, c\]"):
        multilayer_perceptron(X_GOOD, np.ones(3))
    with pytest.raises(ValueError, match=r"\[w_1, w_2, b\]"):
        linear(X_GOOD, np.ones(9))


# --- values for relu and sigmoid --------------------------------------------------


@pytest.mark.parametrize("func", [relu, sigmoid])
def test_activations_want_a_vector(func):
    with pytest.raises(ValueError, match=r"x must be a vector of shape \(N,\).*\(3, 1\)"):
        func(np.ones((3, 1)))


@pytest.mark.parametrize("func", [relu, sigmoid])
def test_activations_refuse_nan(func):
    with pytest.raises(ValueError, match=r"x holds NaN at index 1"):
        func(np.array([0.0, np.nan, 1.0]))


# --- labels and probabilities -----------------------------------------------------


@pytest.mark.parametrize(
    ("z", "message"),
    [
        (np.array([0, 2, 1]), r"z must hold class labels 0 or 1 only; z\[1\] is 2(\.0)? \("),
        (np.array([0, 1, -1]), r"0 or 1 only; z\[2\] is -1(\.0)? \("),
        (np.array([0.5, 1, 0]), r"0 or 1 only; z\[0\] is 0\.5 \("),
        (
            np.array([0, 1]),
            r"z must be a vector of shape \(3,\): one label per point; got .*\(2,\)",
        ),
        (np.array([0, 1, 1, 0]), r"shape \(3,\).*got .*\(4,\)"),
        (np.array([[0, 1, 1]]), r"shape \(3,\).*got .*\(1, 3\)"),
    ],
)
def test_bad_labels_everywhere(z, message):
    # The offending value as the student would write it: 2 or 2.0, not np.float64(2.0).
    with pytest.raises(ValueError, match=message):
        empirical_risk(X_GOOD, z, good_theta_func, np.ones(3))
    with pytest.raises(ValueError, match=message):
        accuracy(X_GOOD, z, good_theta_func, np.ones(3))
    with pytest.raises(ValueError, match=message):
        learn((X_GOOD, z), np.ones(3), good_theta_func, nsteps=1)
    with pytest.raises(ValueError, match=message):
        loss(z, np.full(3, 0.5))


def test_nan_labels():
    with pytest.raises(ValueError, match=r"0 or 1 only; z\[1\] is nan \("):
        loss(np.array([0, np.nan, 1]), np.full(3, 0.5))


@pytest.mark.parametrize(
    ("theta", "message"),
    [
        (np.array([0.5, 1.2]), r"theta must lie in \[0, 1\].*theta\[1\] is 1\.2$"),
        (np.array([-0.1, 0.5]), r"theta must lie in \[0, 1\].*theta\[0\] is -0\.1$"),
        (np.array([0.5, np.nan]), r"theta holds NaN at index 1"),
    ],
)
def test_loss_wants_probabilities(theta, message):
    with pytest.raises(ValueError, match=message):
        loss(np.array([0, 1]), theta)


# --- learn's own arguments --------------------------------------------------------


@pytest.mark.parametrize(
    ("nsteps", "error", "message"),
    [
        (-1, ValueError, r"nsteps must be >= 0, got -1"),
        (10.0, TypeError, r"nsteps must be an int, got float"),
        (True, TypeError, r"nsteps must be an int, got bool"),
        ("10", TypeError, r"nsteps must be an int, got str"),
    ],
)
def test_learn_bad_nsteps(nsteps, error, message):
    with pytest.raises(error, match=message):
        learn((X_GOOD, Z_GOOD), np.ones(3), theta_perceptron, nsteps=nsteps)


@pytest.mark.parametrize(
    ("lr", "error", "message"),
    [
        (0, ValueError, r"lr \(the learning rate\) must be a finite number > 0, got 0"),
        (-0.01, ValueError, r"> 0, got -0\.01"),
        (np.nan, ValueError, r"> 0, got nan"),
        (np.inf, ValueError, r"> 0, got inf"),
        ("0.1", TypeError, r"lr must be a number, got str"),
        (None, TypeError, r"lr must be a number, got NoneType"),
    ],
)
def test_learn_bad_learning_rate(lr, error, message):
    with pytest.raises(error, match=message):
        learn((X_GOOD, Z_GOOD), np.ones(3), theta_perceptron, nsteps=5, lr=lr)


@pytest.mark.parametrize("data", [X_GOOD, (X_GOOD,), (X_GOOD, Z_GOOD, Z_GOOD), None])
def test_learn_wants_a_pair(data):
    with pytest.raises(TypeError, match=r"data must be a pair \(X, z\)"):
        learn(data, np.ones(3), theta_perceptron, nsteps=1)


def test_learn_checks_the_points():
    with pytest.raises(ValueError, match=r"X must have shape \(N, 2\).*\(3, 3\)"):
        learn((np.ones((3, 3)), Z_GOOD), np.ones(3), theta_perceptron, nsteps=1)


@pytest.mark.parametrize(
    ("theta_func", "pars", "message"),
    [
        (multilayer_perceptron, np.ones(3), r"shape \(9,\).*got .*\(3,\)"),
        (mlp, np.ones(6), r"4H\+1.*got .*\(6,\)"),
        (theta_perceptron, np.ones((3, 1)), r"vector of shape \(P,\).*\(3, 1\)"),
        (theta_perceptron, np.array([1.0, np.nan, 1.0]), r"pars must be finite"),
    ],
)
def test_learn_checks_the_parameters_before_the_first_step(theta_func, pars, message):
    with pytest.raises(ValueError, match=message):
        learn((X_GOOD, Z_GOOD), pars, theta_func, nsteps=3)


# --- theta functions that break the contract --------------------------------------


def theta_as_column(X, pars):
    theta, grad = theta_perceptron(X, pars)
    return theta[:, None], grad


def grad_transposed(X, pars):
    theta, grad = theta_perceptron(X, pars)
    return theta, grad.T


def grad_mean_only(X, pars):
    theta, grad = theta_perceptron(X, pars)
    return theta, grad.mean(axis=0)


X4, Z4 = np.vstack([X_GOOD, X_GOOD[:1]]), np.append(Z_GOOD, 0)  # 4 points, 3 parameters


@pytest.mark.parametrize(
    ("theta_func", "given"),
    [
        (theta_as_column, r"\(4, 1\) and \(4, 3\)"),
        (grad_transposed, r"\(4,\) and \(3, 4\)"),
        (grad_mean_only, r"\(4,\) and \(3,\)"),
    ],
)
def test_theta_func_returning_wrong_shapes(theta_func, given):
    expected = rf"{theta_func.__name__}\(X, pars\) must return theta of shape \(4,\) "
    expected += rf"and grad of shape \(4, 3\).*got {given}"
    with pytest.raises(ValueError, match=expected):
        empirical_risk(X4, Z4, theta_func, np.ones(3))
    with pytest.raises(ValueError, match=expected):
        learn((X4, Z4), np.ones(3), theta_func, nsteps=2)


def test_theta_func_returning_a_single_array():
    def theta_only(X, pars):
        return theta_perceptron(X, pars)[0]

    with pytest.raises(TypeError, match=r"theta_only\(X, pars\) must return a pair"):
        empirical_risk(X_GOOD, Z_GOOD, theta_only, np.ones(3))


def test_loss_wants_theta_as_a_vector_not_a_column():
    with pytest.raises(ValueError, match=r"theta must be a vector of shape \(N,\).*\(2, 1\)"):
        loss(np.array([0, 1]), np.full((2, 1), 0.5))


@pytest.mark.parametrize("func", NETWORKS)
def test_complex_points_are_refused_not_truncated(func):
    # Casting to float64 would drop the imaginary part: a silently wrong answer.
    with pytest.raises(TypeError, match=r"X must .*(real|numeric).*complex"):
        func(X_GOOD + 1j, PARS[func])
