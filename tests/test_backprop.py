"""The backward path, backprop_risk, against the Jacobian path and other oracles (chapter 10).

Oracles: `empirical_risk` with `mlp` or `multilayer_perceptron` (the (N, P) Jacobian
averaged), the exercise sheet's literal code, a per-point loop in plain Python floats,
central differences of the risk, and the sheet's reference gradient.
"""

import math

import numpy as np
import pytest
import sheet_literal
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sheet import SHEET_INIT
from tolerance import assert_close_rounding, descent_scale, network_scales, risk_scales

from mlp_by_hand import (
    History,
    backprop,
    backprop_risk,
    empirical_risk,
    generate_data,
    init_pars,
    learn,
    loss,
    mlp,
    multilayer_perceptron,
    theta_perceptron,
)

bounded = st.floats(-2, 2, allow_nan=False, allow_infinity=False, allow_subnormal=False)


@st.composite
def problems(draw, max_points=40, min_hidden=1, max_hidden=20):
    """Points, labels and parameters of a 2-H-1 network, away from saturation."""
    N = draw(st.integers(1, max_points))
    H = draw(st.integers(min_hidden, max_hidden))
    X = draw(arrays(np.float64, (N, 2), elements=bounded))
    z = draw(arrays(np.float64, N, elements=st.sampled_from([0.0, 1.0])))
    pars = draw(arrays(np.float64, 4 * H + 1, elements=bounded))
    # Where theta rounds to within 1e-13 of 0 or 1, the clipped loss and the exact
    # identity loss' * sigmoid' = theta - z part ways (see backprop_risk's Notes).
    theta, _ = mlp(X, pars)
    assume(np.all((theta > 1e-13) & (theta < 1 - 1e-13)))
    return X, z, pars


def assert_same_risk(risk, grad, ref_risk, ref_grad, X, z, pars):
    """Risk and gradient equal to rounding: a mean of N terms, each through the network."""
    risk_scale, grad_scale = risk_scales(X, z, pars)
    n_terms = len(z) + len(pars) // 4 + 5
    assert_close_rounding(risk, ref_risk, risk_scale, n_terms)
    assert_close_rounding(grad, ref_grad, grad_scale, n_terms)


# --- the same numbers as the Jacobian path ----------------------------------------


@given(problems())
def test_matches_empirical_risk_of_mlp(problem):
    X, z, pars = problem
    risk, grad, theta = backprop_risk(X, z, pars)
    ref_risk, ref_grad, ref_theta = empirical_risk(X, z, mlp, pars)
    assert_same_risk(risk, grad, ref_risk, ref_grad, X, z, pars)
    assert_close_rounding(theta, ref_theta, network_scales(X, pars)[0], len(pars) // 4 + 3)


@given(problems(min_hidden=2, max_hidden=2))
def test_matches_multilayer_perceptron_and_the_literal_sheet(problem):
    X, z, pars = problem
    risk, grad, theta = backprop_risk(X, z, pars)
    ref_risk, ref_grad, _ = empirical_risk(X, z, multilayer_perceptron, pars)
    assert_same_risk(risk, grad, ref_risk, ref_grad, X, z, pars)
    sheet_risk, sheet_grad, _ = sheet_literal.empirical_risk(
        X, z, sheet_literal.multilayer_perceptron, pars
    )
    assert_same_risk(risk, grad, float(sheet_risk), sheet_grad, X, z, pars)


def test_shapes_types_and_inputs_left_alone(rng):
    X = rng.normal(size=(30, 2))
    z = rng.integers(0, 2, size=30).astype(float)
    pars = rng.normal(size=4 * 7 + 1)
    copies = X.copy(), z.copy(), pars.copy()
    risk, grad, theta = backprop_risk(X, z, pars)
    assert type(risk) is float
    assert grad.shape == (29,) and grad.dtype == np.float64
    assert theta.shape == (30,) and theta.dtype == np.float64
    for before, after in zip(copies, (X, z, pars), strict=True):
        np.testing.assert_array_equal(before, after)


def test_accepts_lists_and_integer_labels(rng):
    X = rng.normal(size=(12, 2))
    z = rng.integers(0, 2, size=12)
    pars = rng.normal(size=13)
    from_lists = backprop_risk(X.tolist(), z.tolist(), pars.tolist())
    from_arrays = backprop_risk(X, z.astype(float), pars)
    assert from_lists[0] == from_arrays[0]
    np.testing.assert_array_equal(from_lists[1], from_arrays[1])


# --- other oracles ------------------------------------------------------------------


def _loop_risk_and_grad(X, z, pars):
    """The risk and its gradient, one point and one neuron at a time in Python floats.

    Forward mode written out: for each point, the derivative of theta with respect to
    every parameter by the chain rule, then loss'(theta) times that, averaged.
    """
    H = (len(pars) - 1) // 4
    P = len(pars)
    risk, grad = 0.0, [0.0] * P
    for (x1, x2), label in zip(X.tolist(), z.tolist(), strict=True):
        features = [pars[3 * h] * x1 + pars[3 * h + 1] * x2 + pars[3 * h + 2] for h in range(H)]
        hidden = [max(a, 0.0) for a in features]
        f = sum(pars[3 * H + h] * hidden[h] for h in range(H)) + pars[4 * H]
        theta = 1 / (1 + math.exp(-f))
        risk += -math.log(theta) if label == 1 else -math.log(1 - theta)
        dloss = -1 / theta if label == 1 else 1 / (1 - theta)
        slope = theta * (1 - theta)
        for h in range(H):
            gate = slope * pars[3 * H + h] * (1.0 if features[h] > 0 else 0.0)
            for j, local in enumerate((x1, x2, 1.0)):
                grad[3 * h + j] += dloss * gate * local
            grad[3 * H + h] += dloss * slope * hidden[h]
        grad[4 * H] += dloss * slope
    N = len(X)
    return risk / N, np.array(grad) / N


def test_matches_a_plain_loop_over_points_and_neurons(rng):
    for N, H in [(1, 1), (7, 3), (25, 6)]:
        X = rng.uniform(-2, 2, size=(N, 2))
        z = rng.integers(0, 2, size=N).astype(float)
        pars = rng.normal(size=4 * H + 1)
        risk, grad, _ = backprop_risk(X, z, pars)
        loop_risk, loop_grad = _loop_risk_and_grad(X, z, pars)
        assert_same_risk(risk, grad, loop_risk, loop_grad, X, z, pars)


@pytest.mark.parametrize("H", [1, 2, 5, 15])
def test_gradient_is_the_derivative_of_the_risk(H, rng, central_difference):
    X = rng.uniform(-2, 2, size=(50, 2))
    z = rng.integers(0, 2, size=50).astype(float)
    pars = rng.normal(size=4 * H + 1)
    # Central differences step over a ReLU corner only if a feature is within h of 0.
    features = np.column_stack([X, np.ones(50)]) @ pars[: 3 * H].reshape(H, 3).T
    assert np.abs(features).min() > 1e-4
    _, grad, _ = backprop_risk(X, z, pars)
    numeric = central_difference(lambda p: backprop_risk(X, z, p)[0], pars)[0]
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


def test_the_sheets_reference_point():
    # The sheet's point x = (1, 2) and parameters 0.1, ..., 0.9, labelled z = 1: the
    # risk is -log(theta), and its gradient loss'(theta) * grad theta = -grad theta / theta,
    # with theta and grad theta as the sheet prints them.
    Xtest = np.array([[1.0, 2.0]])
    pars = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
    sheet_theta = 0.9552123
    sheet_grad = np.array(
        [0.02994724, 0.05989447, 0.02994724, 0.03422541, 0.06845082]
        + [0.03422541, 0.03422541, 0.08556353, 0.04278176]
    )
    risk, grad, theta = backprop_risk(Xtest, [1], pars)
    np.testing.assert_allclose(theta, [sheet_theta], atol=5e-8)
    assert risk == pytest.approx(-math.log(sheet_theta), abs=1e-7)
    np.testing.assert_allclose(grad, -sheet_grad / sheet_theta, atol=1e-8)


def test_a_saturated_wrong_point_keeps_its_full_pull():
    # theta rounds to exactly 1 at a point labelled 0. The loss there is clipped at
    # -log(EPS); its derivative times sigmoid' is (1/EPS) * 0 = 0 on the Jacobian
    # path, while theta - z = 1 here: the derivative of the unclipped loss in f.
    X = np.array([[1.0, 1.0], [0.0, 0.0]])
    z = np.array([0.0, 1.0])
    pars = np.array([20.0, 20.0, 0.0, 1.0, 0.0])  # f = 40 at the first point, 0 at the second
    risk, grad, theta = backprop_risk(X, z, pars)
    assert theta[0] == 1.0
    assert_close_rounding(risk, float(loss(z, theta)[0].mean()), n_terms=3)
    assert_close_rounding(grad[-1], ((1.0 - 0.0) + (0.5 - 1.0)) / 2, n_terms=3)


# --- training with it ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("theta_func", "half", "pars", "lr"),
    [
        (multilayer_perceptron, True, SHEET_INIT, 0.01),
        (mlp, False, init_pars(15, seed=2), 0.5),
    ],
    ids=["sheet-2-2-1-half-circles", "2-15-1-full-circles"],
)
def test_learn_backprop_gives_the_jacobian_paths_parameters(theta_func, half, pars, lr):
    data = generate_data(400, half=half, seed=5)
    jac_history, bp_history = History(), History()
    by_jacobian = learn(data, pars, theta_func, nsteps=2000, lr=lr, history=jac_history)
    by_backprop = learn(
        data, pars, theta_func, nsteps=2000, lr=lr, history=bp_history, method="backprop"
    )
    assert_close_rounding(by_backprop, by_jacobian, descent_scale(by_jacobian, 2000))
    # A risk is the mean of N positive losses: their size is the risk itself.
    risks = np.asarray(jac_history.risks)
    assert_close_rounding(bp_history.risks, risks, risks, n_terms=len(data[0]))
    assert not np.allclose(by_backprop, pars)  # it did train


@pytest.mark.parametrize(
    ("theta_func", "H", "half", "lr"),
    [(multilayer_perceptron, 2, True, 0.01), (mlp, 15, False, 0.5), (mlp, 1, False, 0.3)],
    ids=["2-2-1", "2-15-1", "2-1-1"],
)
def test_learn_backprop_recording_nothing_runs_descend(monkeypatch, theta_func, H, half, lr):
    data = generate_data(300, half=half, seed=6)
    pars = SHEET_INIT if H == 2 else init_pars(H, seed=3)
    calls = []
    descend = backprop.descend  # the real one, before the spy replaces it

    def spy(*args):
        calls.append(args[3])
        return descend(*args)

    monkeypatch.setattr(backprop, "descend", spy)
    fast = learn(data, pars, theta_func, nsteps=1500, lr=lr, method="backprop")
    assert calls == [1500]  # the preallocated loop ran, once, for the whole run
    stepwise = learn(data, pars, theta_func, 1500, lr, history=History(), method="backprop")
    by_jacobian = learn(data, pars, theta_func, nsteps=1500, lr=lr)
    assert len(calls) == 1  # recording goes step by step through backprop_risk
    assert_close_rounding(fast, stepwise, descent_scale(stepwise, 1500))
    assert_close_rounding(fast, by_jacobian, descent_scale(by_jacobian, 1500))
    assert not np.allclose(fast, pars)


def test_descend_leaves_its_input_alone_and_zero_steps_is_a_copy():
    X, z = generate_data(50, seed=0)
    pars = init_pars(4, seed=0)
    before = pars.copy()
    out = backprop.descend(X, z, pars, 0, 0.1)
    assert out is not pars and np.array_equal(out, before)
    backprop.descend(X, z, pars, 10, 0.1)
    assert np.array_equal(pars, before)


def test_descend_names_the_step_where_the_parameters_overflow():
    X, z = generate_data(50, seed=0)
    with pytest.raises(FloatingPointError, match=r"diverged at step [12]\b.*overflowed"):
        backprop.descend(X, z, SHEET_INIT, 5, 1e300)


def test_learn_backprop_refuses_another_theta_func():
    data = generate_data(50, seed=0)
    with pytest.raises(ValueError, match=r'method="backprop".*mlp.*theta_perceptron'):
        learn(data, np.zeros(3), theta_perceptron, nsteps=1, method="backprop")

    def wrapped_mlp(X, pars):  # the same numbers, but backprop_risk cannot know that
        return mlp(X, pars)

    with pytest.raises(ValueError, match="wrapped_mlp"):
        learn(data, SHEET_INIT, wrapped_mlp, nsteps=1, method="backprop")


@pytest.mark.parametrize("method", ["reverse", "Backprop", "", None])
def test_learn_refuses_an_unknown_method(method):
    with pytest.raises(ValueError, match=r'"jacobian" or "backprop"'):
        learn(generate_data(20, seed=0), SHEET_INIT, multilayer_perceptron, 1, method=method)


@pytest.mark.parametrize("history", [None, History()], ids=["descend", "step-by-step"])
def test_learn_backprop_reports_divergence(history):
    # A sane start, an absurd learning rate: the first step throws the parameters to
    # about 1e300, and the products of the second overflow.
    with pytest.raises(FloatingPointError, match=r"diverged at step [12]\b.*lr=1e\+300"):
        learn(
            generate_data(50, seed=0), SHEET_INIT, mlp, 5, 1e300, history=history, method="backprop"
        )


# --- clear errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("X", "z", "pars", "message"),
    [
        (np.zeros((4, 3)), np.zeros(4), SHEET_INIT, r"X must have shape \(N, 2\)"),
        (np.zeros(2), np.zeros(1), SHEET_INIT, r"one point\?"),
        (np.zeros((0, 2)), np.zeros(0), SHEET_INIT, "at least one point"),
        ([[0.0, np.nan]], [0], SHEET_INIT, "X must be finite"),
        (np.zeros((4, 2)), np.zeros(3), SHEET_INIT, r"z must be a vector of shape \(4,\)"),
        (np.zeros((4, 2)), [0, 1, 2, 1], SHEET_INIT, r"z must hold class labels 0 or 1"),
        (np.zeros((4, 2)), np.zeros(4), np.zeros(8), r"length 4H\+1"),
        (np.zeros((4, 2)), np.zeros(4), np.zeros((1, 9)), r"length 4H\+1"),
        (np.zeros((4, 2)), np.zeros(4), [0.0] * 8 + [np.inf], "pars must be finite"),
    ],
)
def test_bad_inputs_say_what_was_expected(X, z, pars, message):
    with pytest.raises(ValueError, match=message):
        backprop_risk(X, z, pars)


def test_non_numeric_input_is_a_type_error():
    with pytest.raises(TypeError, match="X must be numeric"):
        backprop_risk([["a", "b"]], [0], SHEET_INIT)
