"""check_learn: a correct loop passes; each broken loop is caught, at the right step.

The correct loops come from the exercise sheet (its `learn`, with the learning rate as
an argument) written here with the package's risk and with a plain per-point risk; the
broken ones are the slips a student makes when writing the loop.
"""

import re

import numpy as np
import pytest

from mlp_by_hand import empirical_risk, learn, loss
from mlp_by_hand.checks import check_learn


def sheet_learn(data, pars, theta_func, nsteps, lr):
    X, z = data
    for _ in range(nsteps):
        _, grad, _ = empirical_risk(X, z, theta_func, pars)
        pars = pars - lr * grad
    return pars


def per_point_learn(data, pars, theta_func, nsteps, lr):
    """The same loop with a risk averaged one point at a time, as a student may write it."""
    X, z = data
    for _ in range(nsteps):
        grad = np.zeros(len(pars))
        for n in range(len(X)):
            theta, grad_theta = theta_func(X[n : n + 1], pars)
            _, grad_loss = loss(z[n : n + 1], theta)
            grad = grad + grad_loss[0, 0] * grad_theta[0] / len(X)
        pars = pars - lr * grad
    return pars


def wrong_sign(data, pars, theta_func, nsteps, lr):
    X, z = data
    for _ in range(nsteps):
        _, grad, _ = empirical_risk(X, z, theta_func, pars)
        pars = pars + lr * grad
    return pars


def lr_twice(data, pars, theta_func, nsteps, lr):
    X, z = data
    for _ in range(nsteps):
        _, grad, _ = empirical_risk(X, z, theta_func, pars)
        grad = lr * grad
        pars = pars - lr * grad
    return pars


def step_twice(data, pars, theta_func, nsteps, lr):
    X, z = data
    for _ in range(nsteps):
        _, grad, _ = empirical_risk(X, z, theta_func, pars)
        pars = pars - lr * grad
        pars = pars - lr * grad
    return pars


def returns_first_pars(data, pars, theta_func, nsteps, lr):
    X, z = data
    new_pars = pars
    for _ in range(nsteps):
        _, grad, _ = empirical_risk(X, z, theta_func, new_pars)
        new_pars = new_pars - lr * grad
    return pars


def one_step_too_many(data, pars, theta_func, nsteps, lr):
    return sheet_learn(data, pars, theta_func, nsteps + 1, lr)


def one_step_too_few(data, pars, theta_func, nsteps, lr):
    return sheet_learn(data, pars, theta_func, max(nsteps - 1, 0), lr)


def mutates_pars(data, pars, theta_func, nsteps, lr):
    X, z = data
    for _ in range(nsteps):
        _, grad, _ = empirical_risk(X, z, theta_func, pars)
        pars -= lr * grad
    return pars


def forgets_return(data, pars, theta_func, nsteps, lr):
    sheet_learn(data, pars, theta_func, nsteps, lr)


def wrong_gradient(data, pars, theta_func, nsteps, lr):
    X, z = data
    for _ in range(nsteps):
        _, grad, _ = empirical_risk(X, z, theta_func, pars)
        pars = pars - lr * len(X) * grad  # the sum over points, not the mean
    return pars


def verdict(func, capsys):
    ok = check_learn(func)
    return ok, capsys.readouterr().out


@pytest.mark.parametrize("func", [sheet_learn, per_point_learn])
def test_correct_loops_pass(func, capsys):
    ok, out = verdict(func, capsys)
    assert ok, out
    assert "all 3 checks passed" in out


def test_the_package_learn_passes(capsys):
    ok, out = verdict(lambda data, pars, f, n, lr: learn(data, pars, f, nsteps=n, lr=lr), capsys)
    assert ok, out


@pytest.mark.parametrize(
    ("func", "step", "hint"),
    [
        (wrong_sign, 1, r"wrong sign.*pars - lr \* grad"),
        (lr_twice, 1, r"learning rate is applied twice"),
        (step_twice, 1, r"twice learn's"),
        (returns_first_pars, 1, r"returns the starting parameters"),
        (one_step_too_many, 0, r"one step too many"),
        (one_step_too_few, 1, r"one step too few"),
        (wrong_gradient, 1, r"check_empirical_risk"),
    ],
)
def test_broken_loops_are_named_with_step_and_parameter(func, step, hint, capsys):
    ok, out = verdict(func, capsys)
    assert not ok
    assert "check 1 of 3 failed" in out
    assert re.search(rf"nsteps = {step}\b", out), out
    # the parameter that differs most, by its name in the sheet's order
    assert re.search(r"largest difference is in (w_[12][12]|b_[12]|v_[12]|c):", out), out
    assert re.search(hint, out, flags=re.DOTALL), out


def test_the_parameter_named_is_the_one_that_differs_most(capsys):
    def nudges_c(data, pars, theta_func, nsteps, lr):
        pars = sheet_learn(data, pars, theta_func, nsteps, lr)
        return pars + np.eye(len(pars))[-1] * 1e-3 * nsteps  # only c drifts

    ok, out = verdict(nudges_c, capsys)
    assert not ok
    assert "nsteps = 1 " in out and "largest difference is in c:" in out, out


def test_mutating_the_callers_pars_is_caught(capsys):
    ok, out = verdict(mutates_pars, capsys)
    assert not ok
    assert "changed the caller's pars in place" in out and "pars = pars - lr * grad" in out


def test_forgotten_return(capsys):
    ok, out = verdict(forgets_return, capsys)
    assert not ok and "returned None" in out


def test_a_loop_that_raises_is_reported(capsys):
    def raises(data, pars, theta_func, nsteps, lr):
        raise RuntimeError("boom")

    ok, out = verdict(raises, capsys)
    assert not ok and "RuntimeError: boom" in out


def test_not_a_function(capsys):
    ok, out = verdict(sheet_learn(([[0.0, 1.0]], [1]), np.zeros(3), None, 0, 0.1), capsys)
    assert not ok and "pass your function itself" in out
