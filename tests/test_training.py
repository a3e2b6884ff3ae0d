"""Loss, empirical risk, accuracy and gradient descent (chapter 6)."""

import math
import re
from itertools import pairwise

import matplotlib.pyplot as plt
import numpy as np
import pytest
import sheet_literal
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sheet import SHEET_INIT
from tolerance import assert_close_rounding, descent_scale, network_scales, risk_scales

from mlp_by_hand import (
    EPS,
    History,
    accuracy,
    empirical_risk,
    generate_data,
    init_pars,
    learn,
    loss,
    mlp,
    multilayer_perceptron,
    theta_perceptron,
)

coords = st.floats(-2, 2, allow_nan=False, allow_infinity=False, allow_subnormal=False)


@pytest.fixture(scope="module")
def half_circles():
    return generate_data(400, seed=11)


# --- loss -------------------------------------------------------------------------


@pytest.mark.parametrize("N", [1, 6])
def test_loss_shapes(N, rng):
    out, grad = loss(rng.integers(0, 2, size=N), rng.uniform(0.01, 0.99, size=N))
    assert out.shape == (N,) and grad.shape == (N, 1)
    assert out.dtype == grad.dtype == np.float64


def test_loss_matches_the_sheet_inside_the_unit_interval(rng):
    z = rng.integers(0, 2, size=100)
    theta = rng.uniform(1e-6, 1 - 1e-6, size=100)
    for mine, sheet in zip(loss(z, theta), sheet_literal.loss(z, theta), strict=True):
        assert_close_rounding(mine, sheet, n_terms=3)  # a log or a quotient of one term


def test_loss_values_by_hand():
    out, grad = loss(np.array([1, 0, 1, 0]), np.array([0.25, 0.25, 0.5, 0.9]))
    expected = [-math.log(0.25), -math.log(0.75), math.log(2), -math.log(0.1)]
    assert_close_rounding(out, expected, n_terms=3)
    assert_close_rounding(grad[:, 0], [-4.0, 1 / 0.75, -2.0, 1 / 0.1], n_terms=3)


def test_loss_is_finite_and_clipped_at_exactly_zero_and_one():
    z = np.array([1, 0, 1, 0])
    theta = np.array([0.0, 1.0, 1.0, 0.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out, grad = loss(z, theta)
    # A confident wrong answer costs -log(EPS); the gradient is taken at the clipped
    # probability p = EPS: -1/EPS where z = 1, +1/EPS where z = 0 (see the docstring).
    np.testing.assert_array_equal(out, [-np.log(EPS), -np.log(EPS), 0.0, 0.0])
    np.testing.assert_array_equal(grad[:, 0], [-1 / EPS, 1 / EPS, -1.0, 1.0])
    assert out.max() == pytest.approx(36.04365338911715)
    assert "EPS" in loss.__doc__ and "clip" in loss.__doc__


def test_loss_clips_below_eps_and_nowhere_else():
    z = np.array([1, 1, 0, 0])
    theta = np.array([EPS / 4, 1e-10, 1 - EPS / 4, 1 - 1e-10])
    out, grad = loss(z, theta)
    np.testing.assert_array_equal(out[[0, 2]], [-np.log(EPS)] * 2)
    assert_close_rounding(out[1], -np.log(1e-10), n_terms=2)
    np.testing.assert_allclose(grad[:, 0], [-1 / EPS, -1e10, 1 / EPS, 1 / (1 - theta[3])])


def test_loss_gradient_is_consistent_with_its_value_everywhere():
    # out = -log(p) and grad = -+1/p at the same (clipped) p, so |grad| = exp(out).
    theta = np.concatenate([[0.0, EPS / 2, EPS, 2 * EPS], np.linspace(0, 1, 101), [1.0]])
    for label in (0, 1):
        z = np.full(theta.shape, label)
        out, grad = loss(z, theta)
        sign = -1.0 if label == 1 else 1.0
        # exp turns the rounding of out (size |out|) into a relative error of exp(out).
        scale = np.exp(out) * (1 + np.abs(out))
        assert_close_rounding(grad[:, 0], sign * np.exp(out), scale, n_terms=3)


@given(
    theta=st.integers(1, 12).flatmap(
        lambda n: arrays(np.float64, (n,), elements=st.floats(1e-3, 1 - 1e-3))
    ),
    data=st.data(),
)
def test_loss_grad_is_the_derivative(theta, data, central_difference):
    z = data.draw(arrays(np.int64, theta.shape, elements=st.integers(0, 1)))
    _, grad = loss(z, theta)
    numeric = central_difference(lambda t: loss(z, t)[0], theta, h=1e-8)  # (N, N) diagonal
    # Truncation and cancellation error, not rounding: see conftest.central_difference.
    np.testing.assert_allclose(grad[:, 0], np.diag(numeric), rtol=1e-5)
    np.testing.assert_allclose(numeric - np.diag(np.diag(numeric)), 0.0, atol=1e-6)


@given(
    X=st.integers(1, 10).flatmap(lambda n: arrays(np.float64, (n, 2), elements=coords)),
    pars=arrays(np.float64, (3,), elements=coords),
    data=st.data(),
)
def test_loss_of_theta_perceptron_grad_is_the_derivative(X, pars, data, central_difference):
    # The chain loss(z, theta_perceptron(X, pars)) differentiated with respect to pars.
    z = data.draw(arrays(np.int64, (X.shape[0],), elements=st.integers(0, 1)))
    theta, grad_theta = theta_perceptron(X, pars)
    _, grad_loss = loss(z, theta)
    numeric = central_difference(lambda p: loss(z, theta_perceptron(X, p)[0])[0], pars)
    # Truncation and cancellation error, not rounding: see conftest.central_difference.
    np.testing.assert_allclose(grad_loss * grad_theta, numeric, rtol=1e-5, atol=1e-8)


# --- empirical risk ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("theta_func", "P"), [(theta_perceptron, 3), (multilayer_perceptron, 9), (mlp, 4 * 15 + 1)]
)
@pytest.mark.parametrize("N", [1, 8])
def test_empirical_risk_shapes(theta_func, P, N, rng):
    X, z = rng.normal(size=(N, 2)), rng.integers(0, 2, size=N)
    risk, grad, theta = empirical_risk(X, z, theta_func, rng.normal(size=P))
    assert type(risk) is float
    assert grad.shape == (P,) and grad.dtype == np.float64
    assert theta.shape == (N,) and theta.dtype == np.float64


def test_empirical_risk_matches_the_sheet(half_circles, rng):
    X, z = half_circles
    pars = rng.normal(size=9)
    risk, grad, theta = empirical_risk(X, z, multilayer_perceptron, pars)
    s_risk, s_grad, s_theta = sheet_literal.empirical_risk(
        X, z, sheet_literal.multilayer_perceptron, pars
    )
    risk_scale, grad_scale = risk_scales(X, z, pars)
    assert_close_rounding(risk, s_risk, risk_scale, n_terms=len(z))
    assert_close_rounding(grad, s_grad, grad_scale, n_terms=len(z))
    assert_close_rounding(theta, s_theta, network_scales(X, pars)[0], n_terms=5)


def test_empirical_risk_is_the_mean_of_a_plain_loop(rng):
    X, z = rng.normal(size=(15, 2)), rng.integers(0, 2, size=15)
    pars = rng.normal(size=13)
    risk, grad, _ = empirical_risk(X, z, mlp, pars)
    total_risk, total_grad = 0.0, np.zeros(13)
    for n in range(15):
        theta_n, grad_n = mlp(X[n : n + 1], pars)
        p = theta_n[0] if z[n] == 1 else 1 - theta_n[0]
        total_risk += -math.log(p)
        total_grad += (-1 / theta_n[0] if z[n] == 1 else 1 / (1 - theta_n[0])) * grad_n[0]
    risk_scale, grad_scale = risk_scales(X, z, pars)
    assert_close_rounding(risk, total_risk / 15, risk_scale, n_terms=15)
    assert_close_rounding(grad, total_grad / 15, grad_scale, n_terms=15)


@st.composite
def risk_problems(draw):
    """A data set (X, z) and parameters for theta_perceptron, the 2-2-1 net or mlp."""
    which = draw(st.sampled_from(["perceptron", "2-2-1", "mlp"]))
    N = draw(st.integers(1, 10))
    X = draw(arrays(np.float64, (N, 2), elements=coords))
    z = draw(arrays(np.int64, (N,), elements=st.integers(0, 1)))
    if which == "perceptron":
        return X, z, theta_perceptron, draw(arrays(np.float64, (3,), elements=coords)), 0
    H = 2 if which == "2-2-1" else draw(st.integers(1, 5))
    pars = draw(arrays(np.float64, (4 * H + 1,), elements=coords))
    return X, z, (multilayer_perceptron if which == "2-2-1" else mlp), pars, H


@given(problem=risk_problems())
def test_empirical_risk_grad_is_the_derivative(problem, central_difference):
    X, z, theta_func, pars, H = problem
    logit = X @ pars[:2] + pars[2]
    if H:  # away from the ReLU kinks; the logit as the networks compute it
        rows = pars[: 3 * H].reshape(H, 3)
        A = X @ rows[:, :2].T + rows[:, 2]
        assume(np.abs(A).min() > 1e-4)
        logit = np.maximum(A, 0) @ pars[3 * H : 4 * H] + pars[4 * H]
    # -log(1 - theta) loses digits as theta nears 1: stay where the differences are exact.
    assume(np.abs(logit).max() < 8)
    _, grad, _ = empirical_risk(X, z, theta_func, pars)
    numeric = central_difference(lambda p: empirical_risk(X, z, theta_func, p)[0], pars)
    # Truncation and cancellation error, not rounding: see conftest.central_difference.
    np.testing.assert_allclose(grad, numeric[0], rtol=1e-5, atol=1e-8)


def test_accuracy_counts_by_hand():
    def theta_func(X, pars):  # theta is the first coordinate itself
        return X[:, 0].copy(), np.zeros((X.shape[0], len(pars)))

    X = np.array([[0.9, 0], [0.2, 0], [0.7, 0], [0.4, 0], [0.5, 0]])
    z = np.array([1, 0, 0, 1, 0])  # right, right, wrong, wrong, right (0.5 is class 0)
    assert accuracy(X, z, theta_func, np.zeros(3)) == pytest.approx(3 / 5)


# --- learn: the update rule and what it leaves alone ------------------------------


def test_one_step_is_exactly_pars_minus_lr_grad(half_circles, rng):
    X, z = half_circles
    pars = rng.normal(size=9)
    _, grad, _ = empirical_risk(X, z, multilayer_perceptron, pars)
    np.testing.assert_array_equal(
        learn((X, z), pars, multilayer_perceptron, nsteps=1, lr=0.3), pars - 0.3 * grad
    )


def test_matches_the_literal_sheet_learn(half_circles):
    X, z = half_circles
    mine = learn((X, z), SHEET_INIT, multilayer_perceptron, nsteps=300, lr=0.01)
    sheet = sheet_literal.learn((X, z), SHEET_INIT, sheet_literal.multilayer_perceptron, 300)
    assert_close_rounding(mine, sheet, descent_scale(sheet, 300))


def test_zero_steps_returns_a_copy(half_circles):
    pars = SHEET_INIT.copy()
    out = learn(half_circles, pars, multilayer_perceptron, nsteps=0)
    np.testing.assert_array_equal(out, pars)
    assert out is not pars and not np.shares_memory(out, pars)


def test_learn_leaves_the_callers_arrays_alone(half_circles):
    X, z = half_circles
    X0, z0, pars = X.copy(), z.copy(), SHEET_INIT.copy()
    out = learn((X, z), pars, multilayer_perceptron, nsteps=50, lr=0.1)
    np.testing.assert_array_equal(pars, SHEET_INIT)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(z, z0)
    assert not np.array_equal(out, SHEET_INIT)  # it did move


def test_learn_accepts_lists(half_circles):
    X, z = half_circles
    from_lists = learn((X.tolist(), z.tolist()), SHEET_INIT.tolist(), multilayer_perceptron, 20)
    from_arrays = learn((X, z), SHEET_INIT, multilayer_perceptron, 20)
    np.testing.assert_array_equal(from_lists, from_arrays)


# --- learn: history and the sheet's report ----------------------------------------


def test_history_records_risks_and_quarter_snapshots(half_circles):
    X, z = half_circles
    n = 200
    history = History()
    out = learn((X, z), SHEET_INIT, multilayer_perceptron, nsteps=n, lr=0.05, history=history)
    assert len(history.risks) == n + 1
    assert [s.step for s in history.snapshots] == [0, n // 4, n // 2, 3 * n // 4, n]
    np.testing.assert_array_equal(history.snapshots[0].pars, SHEET_INIT)
    np.testing.assert_array_equal(history.snapshots[-1].pars, out)
    for shot in history.snapshots:
        assert shot.risk == history.risks[shot.step]
        # Each snapshot's risk is the risk of its own parameters.
        assert shot.risk == pytest.approx(empirical_risk(X, z, multilayer_perceptron, shot.pars)[0])
    assert history.frames == []


@pytest.mark.parametrize("n", [0, 1, 3, 9, 10])
def test_history_for_any_number_of_steps(half_circles, n):
    history = History()
    learn(half_circles, SHEET_INIT, multilayer_perceptron, nsteps=n, lr=0.05, history=history)
    steps = [s.step for s in history.snapshots]
    assert len(history.risks) == n + 1
    assert steps[0] == 0 and steps[-1] == n  # the start and the result, always
    assert steps == sorted(set(steps))  # no step twice, in order


def test_history_frames(half_circles):
    history = History(every=10)
    learn(half_circles, SHEET_INIT, multilayer_perceptron, nsteps=40, lr=0.05, history=history)
    assert [f.step for f in history.frames] == [0, 10, 20, 30, 40]
    assert not np.shares_memory(history.frames[0].pars, history.frames[1].pars)


def test_verbose_prints_and_draws_the_sheets_quarters(half_circles, capsys, monkeypatch):
    drawn = []

    def show():  # Agg cannot show: record what would appear, then close it
        fig = plt.gcf()
        ax = fig.axes[0]
        drawn.append((tuple(fig.get_size_inches()), ax.get_xlim(), ax.get_ylim()))
        plt.close(fig)

    monkeypatch.setattr(plt, "show", show)
    learn(half_circles, SHEET_INIT, multilayer_perceptron, nsteps=40, lr=0.05, verbose=True)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 5
    for line, step in zip(lines, [0, 10, 20, 30, 40], strict=True):
        assert re.search(rf"step\s+{step}\b", line) and "risk" in line
    assert drawn == [((3.0, 3.0), (-2.0, 2.0), (-2.0, 2.0))] * 5
    assert plt.get_fignums() == []


def test_quiet_by_default(half_circles, capsys):
    learn(half_circles, SHEET_INIT, multilayer_perceptron, nsteps=20)
    assert capsys.readouterr().out == ""
    assert plt.get_fignums() == []


# --- learn: numerics --------------------------------------------------------------


@pytest.mark.parametrize(
    ("theta_func", "P", "half"),
    [(theta_perceptron, 3, True), (multilayer_perceptron, 9, True), (mlp, 4 * 15 + 1, False)],
)
@pytest.mark.parametrize(("scale", "lr"), [(1e3, 1e3), (1e2, 1e6), (1e5, 1e2)])
@pytest.mark.parametrize("seed", [0, 1])
def test_wild_start_gives_finite_pars_or_a_clear_error(theta_func, P, half, scale, lr, seed):
    data = generate_data(200, half=half, seed=seed)
    pars = np.random.default_rng(seed).normal(scale=scale, size=P)
    try:
        out = learn(data, pars, theta_func, nsteps=100, lr=lr)
    except FloatingPointError as err:
        assert re.search(r"step \d+", str(err)), str(err)
    else:
        assert np.isfinite(out).all()
    # No warning either: pytest turns any into an error (filterwarnings = error).


@pytest.mark.parametrize(("theta_func", "P"), [(multilayer_perceptron, 9), (mlp, 61)])
def test_a_start_that_overflows_at_once_names_step_0(theta_func, P, half_circles):
    # hidden features ~1e200 times output weights 1e200: the first forward pass overflows.
    pars = np.full(P, 1e200)
    with pytest.raises(FloatingPointError, match=r"step 0\b"):
        learn(half_circles, pars, theta_func, nsteps=10, lr=0.01)


def test_divergence_is_reported_not_returned(half_circles):
    # Finite but enormous parameters and learning rate: the first step overflows.
    pars = np.full(9, 1e154)
    with pytest.raises(FloatingPointError, match=r"diverged at step \d+.*lr=1e\+300"):
        learn(half_circles, pars, multilayer_perceptron, nsteps=5, lr=1e300)


# --- learn: it learns (the sheet's two problems) ----------------------------------


@pytest.mark.slow
def test_sheet_network_learns_the_half_circles():
    data = generate_data(1000, seed=0)
    history = History()
    pars = learn(data, SHEET_INIT, multilayer_perceptron, nsteps=15000, lr=0.01, history=history)
    X_new, z_new = generate_data(1000, seed=1)
    assert accuracy(X_new, z_new, multilayer_perceptron, pars) >= 0.95
    risks = np.array(history.risks)
    assert risks[-1] < 0.5 * risks[0]
    assert all(b.risk < a.risk for a, b in pairwise(history.snapshots))


@pytest.mark.slow
def test_fifteen_neurons_learn_the_full_circles():
    data = generate_data(1000, half=False, seed=2)
    history = History()
    pars = learn(data, init_pars(15, seed=2), mlp, nsteps=15000, lr=0.5, history=history)
    X_new, z_new = generate_data(1000, half=False, seed=3)
    assert accuracy(X_new, z_new, mlp, pars) >= 0.95
    assert history.risks[-1] < 0.5 * history.risks[0]
    assert all(b.risk < a.risk for a, b in pairwise(history.snapshots))


# --- the package's house: imports run one way ---------------------------------------


def _imported_modules(name):
    import ast
    from pathlib import Path

    import mlp_by_hand

    source = Path(mlp_by_hand.__file__).with_name(f"{name}.py").read_text()
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found |= {node.module} if node.module else {a.name for a in node.names}
    return found


def test_training_uses_backprop_and_not_the_other_way():
    assert "backprop" in _imported_modules("training")
    assert "training" not in _imported_modules("backprop")
    assert "training" not in _imported_modules("cross_entropy")
    assert "backprop" not in _imported_modules("cross_entropy")


def test_history_frames_at_chosen_steps(half_circles):
    history = History(at=[0, 1, 3, 40, 99])  # 99 is past the end: never reached
    learn(half_circles, SHEET_INIT, multilayer_perceptron, nsteps=40, lr=0.05, history=history)
    assert [f.step for f in history.frames] == [0, 1, 3, 40]
    for frame in history.frames:
        assert frame.risk == history.risks[frame.step]
