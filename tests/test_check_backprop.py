"""check_backprop_risk: a correct backward pass passes, each typical mistake is named.

Correct code: the package's backprop_risk, and the exercise's solution written here
with the (N, H) arrays the way round the equations have them. The broken versions are
the mistakes of chapter 10's exercise.
"""

import re

import numpy as np
import pytest

from mlp_by_hand import backprop_risk, loss, sigmoid
from mlp_by_hand.checks import check_backprop_risk


def solution(X, z, pars, mistake=None):
    """The exercise's solution; `mistake` breaks one line of it."""
    X, z = np.asarray(X, dtype=float), np.asarray(z, dtype=float)
    N, H = X.shape[0], (len(pars) - 1) // 4
    U = pars[: 3 * H].reshape(H, 3)
    v, c = pars[3 * H : 4 * H], pars[4 * H]
    X1 = np.column_stack([X, np.ones(N)])
    A = X1 @ U.T
    R = np.maximum(A, 0.0)
    theta, _ = sigmoid(R @ v + c)
    risk = loss(z, theta)[0].mean()
    d_f = (theta - z) / N
    if mistake == "sum":
        d_f = theta - z
        risk = risk * N
    if mistake == "sign":
        d_f = (z - theta) / N
    d_v = R.T @ d_f
    d_c = d_f.sum()
    d_A = np.outer(d_f, v) * (A > 0)
    if mistake == "no mask":
        d_A = np.outer(d_f, v)
    d_U = d_A.T @ X1
    if mistake == "layout":
        d_U = d_U.T  # (3, H): all w_1 first, then all w_2, then all b
    grad = np.concatenate([d_U.ravel(), d_v, [d_c]])
    if mistake == "no theta":
        return risk, grad
    return risk, grad, theta


def run(func, capsys):
    result = check_backprop_risk(func)
    return result, capsys.readouterr().out


@pytest.mark.parametrize("func", [backprop_risk, solution], ids=["package", "solution"])
def test_correct_code_passes(func, capsys):
    result, out = run(func, capsys)
    assert result is True
    assert out.startswith("check_backprop_risk: all 6 checks passed.")


@pytest.mark.parametrize(
    ("mistake", "message"),
    [
        ("sum", "times too large"),
        ("sign", "wrong sign"),
        ("no mask", r"relu'\(A\)"),
        ("layout", r"wrong order: pars holds U row by row"),
        ("no theta", "returned 2 things"),
    ],
)
def test_each_mistake_is_named(mistake, message, capsys):
    result, out = run(lambda X, z, pars: solution(X, z, pars, mistake), capsys)
    assert result is False
    assert "failed" in out
    assert re.search(message, out), out


def test_a_wrong_gradient_names_its_parameters(capsys):
    _, out = run(lambda X, z, pars: solution(X, z, pars, "no mask"), capsys)
    assert "Parameters with a wrong entry: w_11, w_12, b_1, w_21, w_22, b_2." in out


def test_a_raising_function_and_a_value_are_verdicts(capsys):
    def broken(X, z, pars):
        raise IndexError("oops")

    result, out = run(broken, capsys)
    assert result is False and "raised IndexError: oops" in out
    result, out = run(backprop_risk(np.zeros((1, 2)), [0], np.zeros(9)), capsys)
    assert result is False and "pass your function itself" in out


def test_changing_the_input_in_place_fails(capsys):
    def in_place(X, z, pars):
        out = backprop_risk(X, z, pars)
        pars *= 2
        return out

    result, out = run(in_place, capsys)
    assert result is False and "changed its input pars in place" in out
