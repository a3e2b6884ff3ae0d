"""The student self-checks: correct code passes, each typical mistake is named.

Correct code comes from three independent places: the package itself, the exercise
sheet's literal code (benchmarks/sheet_literal.py and the sheet's "From Ex3" code
copied below), and plain per-point loops written here. The broken implementations
are the mistakes students make; each must be caught, with False returned and a
verdict that names the item, the shape or the parameter concerned.
"""

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from tolerance import assert_close_rounding, network_scales

from mlp_by_hand import (
    PARAMETER_NAMES,
    empirical_risk,
    linear,
    loss,
    mlp,
    multilayer_perceptron,
    relu,
    sigmoid,
    theta_perceptron,
)
from mlp_by_hand.checks import (
    check_empirical_risk,
    check_forward_pass,
    check_from_sklearn,
    check_input_gradient,
    check_linear,
    check_loss,
    check_mlp,
    check_multilayer_perceptron,
    check_parameter_gradient,
    check_prediction,
    check_relu,
    check_sigmoid,
    check_theta_perceptron,
)

_SHEET_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "sheet_literal.py"
_spec = importlib.util.spec_from_file_location("sheet_literal", _SHEET_PATH)
sheet = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sheet)


def run(check, func, capsys):
    """Run a check; return its result and what it printed."""
    result = check(func)
    return result, capsys.readouterr().out


# ------------------------------------------------------------------------------------
# Correct code passes
# ------------------------------------------------------------------------------------

PACKAGE = [
    (check_relu, relu, 7),
    (check_sigmoid, sigmoid, 6),
    (check_linear, linear, 6),
    (check_theta_perceptron, theta_perceptron, 6),
    (check_multilayer_perceptron, multilayer_perceptron, 6),
    (check_multilayer_perceptron, mlp, 6),  # mlp with H = 2 is the same network
    (check_mlp, mlp, 7),
    (check_loss, loss, 7),
    (check_empirical_risk, empirical_risk, 7),
]


@pytest.mark.parametrize(
    ("check", "func", "count"), PACKAGE, ids=lambda p: getattr(p, "__name__", p)
)
def test_the_package_passes_every_check(check, func, count, capsys):
    result, out = run(check, func, capsys)
    assert result is True
    assert out == f"{check.__name__}: all {count} checks passed.\n"


# The sheet's "From Ex3" code, before chapter 4 gave linear its third output.
def sheet_ex3_linear(X, pars):
    out = X @ pars[:2].T + pars[2]
    grad_pars = np.column_stack([X, np.ones(len(X))])
    return out, grad_pars


def sheet_theta_perceptron(X, pars):
    feature1, grad_linear1 = sheet_ex3_linear(X, pars[0:3])
    activation1, grad_sigmoid1 = sheet.sigmoid(feature1)
    return activation1, grad_sigmoid1 * grad_linear1


SHEET = [
    (check_relu, sheet.relu),
    (check_sigmoid, sheet.sigmoid),
    (check_linear, sheet.linear),
    (check_theta_perceptron, sheet_theta_perceptron),
    (check_multilayer_perceptron, sheet.multilayer_perceptron),
    (check_loss, sheet.loss),
    (check_empirical_risk, sheet.empirical_risk),
]


@pytest.mark.parametrize(("check", "func"), SHEET, ids=lambda p: getattr(p, "__name__", p))
def test_the_sheets_own_code_passes(check, func, capsys):
    result, out = run(check, func, capsys)
    assert result is True, out
    assert "checks passed." in out


def loop_mlp(X, pars):
    """The 2-H-1 network one point and one neuron at a time: nothing vectorised."""
    H = (len(pars) - 1) // 4
    theta = np.empty(len(X))
    grad = np.empty((len(X), 4 * H + 1))
    for n, (x1, x2) in enumerate(X):
        features = [pars[3 * h] * x1 + pars[3 * h + 1] * x2 + pars[3 * h + 2] for h in range(H)]
        output = pars[4 * H] + sum(pars[3 * H + h] * max(f, 0.0) for h, f in enumerate(features))
        t = 1.0 / (1.0 + np.exp(-output))
        s = t * (1.0 - t)
        theta[n] = t
        for h, f in enumerate(features):
            on = 1.0 if f > 0 else 0.0
            grad[n, 3 * h : 3 * h + 3] = s * pars[3 * H + h] * on * np.array([x1, x2, 1.0])
            grad[n, 3 * H + h] = s * max(f, 0.0)
        grad[n, 4 * H] = s
    return theta, grad


def test_an_independent_loop_network_passes_both_network_checks(capsys):
    assert check_mlp(loop_mlp) is True
    assert check_multilayer_perceptron(loop_mlp) is True
    out = capsys.readouterr().out
    assert "check_mlp: all 7 checks passed." in out
    assert "check_multilayer_perceptron: all 6 checks passed." in out


def test_relu_derivative_one_at_zero_passes_with_a_note(capsys):
    def my_relu(x):
        return np.maximum(x, 0), (x >= 0).astype(float).reshape(-1, 1)

    result, out = run(check_relu, my_relu, capsys)
    assert result is True
    assert out.startswith("check_relu: all 7 checks passed.\n")
    assert "Note: your relu'(0) is 1; the package uses 0" in out
    assert "[0, 1]" in out


def test_lists_and_boolean_gradients_are_accepted(capsys):
    def my_relu(x):
        return list(np.maximum(x, 0)), (x > 0).reshape(-1, 1)  # a list, and bools

    assert check_relu(my_relu) is True
    assert "all 7 checks passed" in capsys.readouterr().out


# ------------------------------------------------------------------------------------
# Broken implementations are caught and named
# ------------------------------------------------------------------------------------


def relu_flat_grad(x):
    return np.maximum(x, 0), (x > 0).astype(float)  # (N,), not (N, 1)


def relu_value_only(x):
    return np.maximum(x, 0)


def relu_swapped_outputs(x):
    out, grad = relu(x)
    return grad, out


def relu_grad_is_value(x):
    out = np.maximum(x, 0)
    return out, out.reshape(-1, 1)


def relu_nan_at_zero(x):
    grad = (x / np.abs(x) + 1) / 2  # 0 / 0 at x = 0
    return np.maximum(x, 0), grad.reshape(-1, 1)


def relu_in_place(x):
    grad = (x > 0).astype(float).reshape(-1, 1)
    x[x < 0] = 0
    return x, grad


def relu_raises(x):
    raise ZeroDivisionError("my own message")


def sigmoid_wrong_sign(x):
    out = 1 / (1 + np.exp(x))
    return out, (out * (1 - out)).reshape(-1, 1)


def linear_no_bias(X, pars):
    return X @ pars[:2], np.column_stack([X, np.ones(len(X))]), pars[:2].reshape(1, 2)


def linear_grad_x_flat(X, pars):
    out, grad_pars, _ = linear(X, pars)
    return out, grad_pars, pars[:2]  # (2,)


def linear_grad_x_per_point(X, pars):
    out, grad_pars, _ = linear(X, pars)
    return out, grad_pars, np.tile(pars[:2], (len(X), 1))  # (N, 2)


def linear_no_ones_column(X, pars):
    out, _, grad_x = linear(X, pars)
    return out, X.copy(), grad_x


def theta_wrong_sign(X, pars):
    feature, grad_linear, _ = linear(X, pars)
    theta, grad_sigmoid = sigmoid_wrong_sign(feature)
    return theta, grad_sigmoid * grad_linear


def theta_no_sigmoid_factor(X, pars):
    feature, grad_linear, _ = linear(X, pars)
    return sigmoid(feature)[0], grad_linear


def theta_value_only(X, pars):
    return theta_perceptron(X, pars)[0]


def network_no_relu_factor(X, pars):
    feature1, grad_f1, _ = linear(X, pars[0:3])
    feature2, grad_f2, _ = linear(X, pars[3:6])
    activation1, _ = relu(feature1)
    activation2, _ = relu(feature2)
    hidden = np.column_stack([activation1, activation2])
    output_feature, grad_f3, grad_x = linear(hidden, pars[6:9])
    theta, grad_sig = sigmoid(output_feature)
    first = grad_sig * grad_x[0, 0] * grad_f1  # relu' left out
    second = grad_sig * grad_x[0, 1] * grad_f2
    return theta, np.column_stack([first, second, grad_sig * grad_f3])


def network_no_v(X, pars):
    """Chapter 5's "easiest slip": the factor v_k = grad_x[0, k - 1] left out."""
    feature1, grad_f1, _ = linear(X, pars[0:3])
    feature2, grad_f2, _ = linear(X, pars[3:6])
    activation1, grad_r1 = relu(feature1)
    activation2, grad_r2 = relu(feature2)
    hidden = np.column_stack([activation1, activation2])
    output_feature, grad_f3, grad_x = linear(hidden, pars[6:9])
    theta, grad_sig = sigmoid(output_feature)
    first = grad_sig * grad_r1 * grad_f1  # grad_x[0, 0] left out
    second = grad_sig * grad_r2 * grad_f2  # grad_x[0, 1] left out
    return theta, np.column_stack([first, second, grad_sig * grad_f3])


def network_no_sigmoid_slope(X, pars):
    feature1, grad_f1, _ = linear(X, pars[0:3])
    feature2, grad_f2, _ = linear(X, pars[3:6])
    activation1, grad_r1 = relu(feature1)
    activation2, grad_r2 = relu(feature2)
    hidden = np.column_stack([activation1, activation2])
    output_feature, grad_f3, grad_x = linear(hidden, pars[6:9])
    theta, _ = sigmoid(output_feature)
    first = grad_x[0, 0] * grad_r1 * grad_f1  # grad_sig left out everywhere
    second = grad_x[0, 1] * grad_r2 * grad_f2
    return theta, np.column_stack([first, second, grad_f3])


def network_output_block_without_slope(X, pars):
    theta, grad = multilayer_perceptron(X, pars)
    hidden = np.maximum(X @ pars[[0, 1, 3, 4]].reshape(2, 2).T + pars[[2, 5]], 0)
    grad[:, 6:9] = np.column_stack([hidden, np.ones(len(X))])  # sigma'(f) left out here
    return theta, grad


def network_hidden_signs_flipped(X, pars):
    theta, grad = multilayer_perceptron(X, pars)
    grad[:, 0:6] *= -1
    return theta, grad


def mlp_no_v(X, pars):
    """A loop over H hidden neurons whose blocks leave out v_k."""
    H = (len(pars) - 1) // 4
    v, c = pars[3 * H : 4 * H], pars[4 * H]
    X1 = np.column_stack([X, np.ones(len(X))])
    A = X1 @ pars[: 3 * H].reshape(H, 3).T
    theta = 1 / (1 + np.exp(-(np.maximum(A, 0) @ v + c)))
    s = (theta * (1 - theta))[:, None]
    blocks = [s * (A[:, k : k + 1] > 0) * X1 for k in range(H)]  # no v[k]
    return theta, np.column_stack([*blocks, s * np.maximum(A, 0), s])


def network_blocks_swapped(X, pars):
    theta, grad = multilayer_perceptron(X, pars)
    return theta, grad[:, [3, 4, 5, 0, 1, 2, 6, 7, 8]]


def network_wrong_sign(X, pars):
    theta, grad = multilayer_perceptron(X, pars)
    return theta, -grad


def network_gradient_transposed(X, pars):
    theta, grad = multilayer_perceptron(X, pars)
    return theta, grad.T


def mlp_weights_then_biases(X, pars):
    """Reads pars as [w_11, w_12, ..., w_H1, w_H2, b_1, ..., b_H, v_1, ..., v_H, c]."""
    H = (len(pars) - 1) // 4
    W, b = pars[: 2 * H].reshape(H, 2), pars[2 * H : 3 * H]
    v, c = pars[3 * H : 4 * H], pars[4 * H]
    A = X @ W.T + b
    hidden = np.maximum(A, 0)
    theta = 1 / (1 + np.exp(-(hidden @ v + c)))
    s = theta * (1 - theta)
    dA = s[:, None] * v * (A > 0)
    dW = (dA[:, :, None] * X[:, None, :]).reshape(len(X), -1)
    return theta, np.column_stack([dW, dA, s[:, None] * hidden, s])


def mlp_only_nine(X, pars):
    return multilayer_perceptron(X, pars)


def loss_grad_wrong_sign(z, theta):
    out, grad = loss(z, theta)
    return out, -grad


def loss_cases_swapped(z, theta):
    out = np.where(z == 1, -np.log(1 - theta), -np.log(theta))
    grad = np.where(z == 1, 1 / (1 - theta), -1 / theta)
    return out, grad.reshape(-1, 1)


def loss_log_of_zero(z, theta):
    out = -np.log(theta - theta)  # log(0): numpy would warn; the check must not
    return out, loss(z, theta)[1]


def risk_sums(X, z, theta_func, pars):
    theta, grad_theta = theta_func(X, pars)
    loss_val, grad_loss = loss(z, theta)
    return loss_val.sum(), (grad_loss * grad_theta).sum(axis=0), theta


def risk_grad_not_averaged(X, z, theta_func, pars):
    theta, grad_theta = theta_func(X, pars)
    loss_val, grad_loss = loss(z, theta)
    return loss_val.mean(), grad_loss * grad_theta, theta


def risk_two_outputs(X, z, theta_func, pars):
    return empirical_risk(X, z, theta_func, pars)[:2]


BROKEN = [
    (
        check_relu,
        relu_flat_grad,
        [
            "check 1 of 7 failed",
            "grad must have shape (5, 1) (a column, one row per point); yours has shape (5,)",
            "grad.reshape(-1, 1)",
        ],
    ),
    (check_relu, relu_value_only, ["returned a single array of shape (5,)", "value only"]),
    (check_relu, relu_swapped_outputs, ["out must have shape (5,)", "wrong order"]),
    (check_relu, relu_grad_is_value, ["grad is wrong", "grad holds relu(x) itself"]),
    (
        check_relu,
        relu_nan_at_zero,
        ["check 5 of 7 failed", "values including exactly 0", "relu'(0) is nan"],
    ),
    (check_relu, relu_in_place, ["changed its input x in place"]),
    (
        check_relu,
        relu_raises,
        ["raised ZeroDivisionError: my own message", "in relu_raises, line"],
    ),
    (
        check_sigmoid,
        sigmoid_wrong_sign,
        ["out is wrong", "1 - sigmoid everywhere", "np.exp(-x)"],
    ),
    (
        check_linear,
        linear_no_bias,
        ["out is wrong in 5 of 5 entries", "bias b = 0.6", "+ pars[2]"],
    ),
    (
        check_linear,
        linear_grad_x_flat,
        ["grad_x must have shape (1, 2)", "yours has shape (2,)", "reshape(1, 2)"],
    ),
    (
        check_linear,
        linear_grad_x_per_point,
        ["grad_x must have shape (1, 2)", "yours has shape (5, 2)", "one row serves all"],
    ),
    (
        check_linear,
        sheet_ex3_linear,
        ["returned 2 things; it must return 3: (out, grad_pars, grad_x)", "grad_x"],
    ),
    (
        check_linear,
        linear_no_ones_column,
        ["grad_pars must have shape (5, 3)", "yours has shape (5, 2)", "bias is missing"],
    ),
    (check_theta_perceptron, theta_wrong_sign, ["theta is wrong", "1 - sigmoid everywhere"]),
    (
        check_theta_perceptron,
        theta_no_sigmoid_factor,
        [
            "grad is wrong",
            "parameter w_1",
            "Parameters with a wrong entry: w_1, w_2, b.",
            "sigmoid'",
        ],
    ),
    (check_theta_perceptron, theta_value_only, ["returned a single array", "theta only"]),
    (
        check_multilayer_perceptron,
        network_no_relu_factor,
        [
            "check 2 of 6 failed",
            "parameter w_11",
            "Parameters with a wrong entry: w_11, w_12, b_1, w_21, w_22, b_2.",
            "forget the relu' factor",
        ],
    ),
    (
        check_multilayer_perceptron,
        network_no_v,
        [
            "check 1 of 6 failed",
            "the sheet's reference point",
            "Parameters with a wrong entry: w_11, w_12, b_1, w_21, w_22, b_2.",
            "lack the factor v_k",
            "v_1 for neuron 1, v_2 for neuron 2",
        ],
    ),
    (
        check_multilayer_perceptron,
        network_no_sigmoid_slope,
        ["check 1 of 6 failed", "Parameters with a wrong entry: w_11,", "sigma'(f) (grad_sig)"],
    ),
    (
        check_multilayer_perceptron,
        network_output_block_without_slope,
        ["check 1 of 6 failed", "wrong entry: v_1, v_2, c.", "lack the factor sigma'(f)"],
    ),
    (
        check_multilayer_perceptron,
        network_hidden_signs_flipped,
        ["check 1 of 6 failed", "wrong entry: w_11, w_12, b_1, w_21, w_22, b_2.", "wrong sign"],
    ),
    (check_mlp, mlp_no_v, ["check 1 of 7 failed", "lack the factor v_k"]),
    (
        check_multilayer_perceptron,
        network_blocks_swapped,
        [
            "check 1 of 6 failed",
            "the sheet's reference point",
            "Parameters with a wrong entry: w_11, w_12, b_1, w_21, w_22, b_2.",
            "your w_11 column holds the gradient of w_21",
            "your b_1 column holds the gradient of b_2",
        ],
    ),
    (check_multilayer_perceptron, network_wrong_sign, ["grad is wrong", "wrong sign"]),
    (
        check_multilayer_perceptron,
        network_gradient_transposed,
        ["grad must have shape (1, 9)", "yours has shape (9, 1)", "transposed"],
    ),
    (
        check_mlp,
        mlp_weights_then_biases,
        [
            "theta is wrong",
            "reads pars in the order [w_11, w_12, w_21, w_22, b_1, b_2, v_1, v_2, c]",
            "[w_11, w_12, b_1, w_21, w_22, b_2, v_1, v_2, c]",
        ],
    ),
    (check_mlp, mlp_only_nine, ["check 3 of 7 failed", "H = 1", "raised ValueError"]),
    (
        check_loss,
        loss_grad_wrong_sign,
        ["grad is wrong in 6 of 6 entries", "wrong sign", "-1/theta"],
    ),
    (check_loss, loss_cases_swapped, ["out is wrong", "swapped", "z == 1"]),
    (check_loss, loss_log_of_zero, ["out is wrong", "yours is inf", "log of 0"]),
    (
        check_empirical_risk,
        risk_sums,
        ["risk is wrong", "10 times too large", "mean", "not the sum"],
    ),
    (
        check_empirical_risk,
        risk_grad_not_averaged,
        ["grad must have shape (3,)", "yours has shape (10, 3)", "mean(axis=0)"],
    ),
    (check_empirical_risk, risk_two_outputs, ["returned 2 things", "risk, grad, theta"]),
]


@pytest.mark.parametrize(
    ("check", "func", "expected"), BROKEN, ids=lambda p: getattr(p, "__name__", None)
)
def test_a_broken_function_is_caught_and_named(check, func, expected, capsys):
    result, out = run(check, func, capsys)
    assert result is False
    assert out.startswith(f"{check.__name__}: check ")
    for text in expected:
        assert text in out, f"{text!r} missing from:\n{out}"
    # Short and friendly: one failing check, a few lines, no traceback.
    assert out.count(" failed, on ") == 1
    assert len(out.splitlines()) <= 6
    assert "Traceback" not in out


def test_a_network_that_only_fails_where_a_neuron_is_off_passes_the_sheet_point(capsys):
    # At Xtest both hidden neurons are on, so a missing relu' factor cannot show
    # there: the check must find it on a later input, and it does (check 2).
    theta, grad = network_no_relu_factor(np.array([[1.0, 2.0]]), np.arange(1, 10) / 10)
    want = multilayer_perceptron(np.array([[1.0, 2.0]]), np.arange(1, 10) / 10)
    _, grad_scale = network_scales(np.array([[1.0, 2.0]]), np.arange(1, 10) / 10)
    assert_close_rounding(grad, want[1], grad_scale, n_terms=5)
    assert check_multilayer_perceptron(network_no_relu_factor) is False
    assert "check 2 of 6" in capsys.readouterr().out


def test_the_mixed_network_case_has_every_neuron_on_and_off():
    from mlp_by_hand.checks import _network_cases

    case = _network_cases(np.random.default_rng(4))[1]
    X, pars = case.args
    features = np.column_stack([linear(X, pars[0:3])[0], linear(X, pars[3:6])[0]])
    assert ((features > 0).any(axis=0) & (features < 0).any(axis=0)).all()
    assert (features != 0).all()  # no input where relu'(0) would be asked


def test_mlp_parameter_names_match_the_nine_vector():
    from mlp_by_hand.checks import _mlp_names

    assert _mlp_names(2) == PARAMETER_NAMES
    names15 = _mlp_names(15)
    assert len(names15) == 61 and len(set(names15)) == 61
    assert names15[-1] == "c" and "w_15,1" in names15


def test_something_that_is_not_a_function_is_explained(capsys):
    result, out = run(check_relu, relu(np.array([1.0])), capsys)
    assert result is False
    assert "pass your function itself" in out and "tuple" in out


def test_a_function_returning_none_is_explained(capsys):
    def my_loss(z, theta):
        loss(z, theta)  # forgot the return

    result, out = run(check_loss, my_loss, capsys)
    assert result is False
    assert "returned None" in out and "return statement" in out


def test_a_caller_keyboard_interrupt_is_not_swallowed():
    def my_relu(x):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        check_relu(my_relu)


# --- the checks for the forward pass, a prediction by hand, and scikit-learn's arrays ---


def test_check_forward_pass_accepts_theta_only_and_theta_with_grad(capsys):
    assert check_forward_pass(lambda X, pars: multilayer_perceptron(X, pars)[0])
    assert check_forward_pass(multilayer_perceptron)
    assert "all 6 checks passed" in capsys.readouterr().out


def test_check_forward_pass_names_the_wrong_point(capsys):
    def one_minus(X, pars):
        return 1 - multilayer_perceptron(X, pars)[0]

    assert not check_forward_pass(one_minus)
    out = capsys.readouterr().out
    assert "theta[0] (point 0, x = [1, 2]): expected 0.9552123" in out
    assert not check_forward_pass(lambda X, pars: multilayer_perceptron(X, pars)[0][:, None])
    assert "theta must have shape (1,)" in capsys.readouterr().out


def test_check_prediction(capsys):
    probe = np.array([[-3.0, 0.0], [0.0, 0.0], [3.0, 0.0]])
    pars = np.array([1, 0, 1, 1, 0, -1, 1, -1, -1], dtype=float)
    right = multilayer_perceptron(probe, pars)[0].round(4)
    assert check_prediction(right, probe, pars)
    assert "all 3 predictions are right" in capsys.readouterr().out
    assert not check_prediction(right + [0, 0.1, 0], probe, pars)
    assert "1 of 3 predictions are off. At the point x = [0, 0]" in capsys.readouterr().out
    assert not check_prediction([..., ..., ...], probe, pars)
    assert "replace every ... with your prediction" in capsys.readouterr().out
    assert not check_prediction([0.5, 0.5], probe, pars)
    assert "2 prediction(s) for 3 point(s)" in capsys.readouterr().out


def test_check_prediction_accepts_two_decimals(capsys):
    # Chapter 3's exercise: theta is 0.2689, 0.5 and 0.7311 at these three points.
    probe = np.array([[-3.0, 0.0], [0.0, 0.0], [3.0, 0.0]])
    pars = np.array([1, 0, 1, 1, 0, -1, 1, -1, -1], dtype=float)
    theta = multilayer_perceptron(probe, pars)[0]
    assert np.all(np.abs(theta - [0.27, 0.5, 0.73]) < 0.005)  # what two decimals give
    assert check_prediction([0.27, 0.5, 0.73], probe, pars)
    assert "all 3 predictions are right" in capsys.readouterr().out
    assert check_prediction(np.round(theta, 2), probe, pars)
    capsys.readouterr()
    # One unit off in the second decimal is not a rounding of the right answer.
    assert not check_prediction([0.26, 0.5, 0.73], probe, pars)
    assert "predicted 0.26" in capsys.readouterr().out
    assert not check_prediction([0.27, 0.5, 0.74], probe, pars)
    capsys.readouterr()


def test_check_prediction_allows_exactly_half_a_unit():
    # Two decimals are within 0.005 of the truth; 0.735 is not exact in float64.
    X = np.array([[0.0, 0.0]])
    f = np.log(0.735 / (1 - 0.735))  # theta = 0.735 at the origin when c = f
    pars = np.array([0, 0, 0, 0, 0, 0, 0, 0, f])
    assert check_prediction([0.73], X, pars)
    assert check_prediction([0.74], X, pars)
    assert not check_prediction([0.7401], X, pars)


def test_check_input_gradient(capsys):
    # Chapter 4's exercise: d theta / d x at the sheet's point is sigma'(f) [0.39, 0.54].
    X, pars = np.array([[1.0, 2.0]]), np.arange(1, 10) / 10
    theta = multilayer_perceptron(X, pars)[0][0]
    slope = theta * (1 - theta)
    assert check_input_gradient(slope * np.array([0.39, 0.54]), X, pars)
    assert "all 2 derivatives are right" in capsys.readouterr().out
    assert check_input_gradient([0.01668, 0.02310], X, pars)  # by hand, 4 digits
    capsys.readouterr()
    # One path only (through neuron 2): both entries off, and the hint says add them.
    assert not check_input_gradient(slope * 0.8 * np.array([0.4, 0.5]), X, pars)
    out = capsys.readouterr().out
    assert "2 of 2 derivatives are off" in out and "the two paths add" in out
    assert not check_input_gradient([0.39, 0.54], X, pars)
    assert "sigma'(f) = theta (1 - theta) is missing" in capsys.readouterr().out
    assert not check_input_gradient([..., ...], X, pars)
    assert "replace every ..." in capsys.readouterr().out
    # Several points, one neuron off at the second: the check uses relu'.
    X2 = np.array([[1.0, 2.0], [-3.0, 1.0]])
    on = np.array([[1, 1], [1, 0]])
    W, v = pars[[0, 1, 3, 4]].reshape(2, 2), pars[6:8]
    t = multilayer_perceptron(X2, pars)[0]
    right = (t * (1 - t))[:, None] * ((on * v) @ W)
    assert check_input_gradient(right, X2, pars)
    wrong = (t * (1 - t))[:, None] * (v @ W)  # relu'(a_2) = 0 ignored at the second point
    assert not check_input_gradient(wrong, X2, pars)
    assert "2 of 4 derivatives are off. At x = [-3, 1]" in capsys.readouterr().out


def test_check_parameter_gradient(capsys):
    # Chapter 5's second exercise: x = (-3, 1), the sheet's pars; neuron 2 is off.
    X, pars = np.array([[-3.0, 1.0]]), np.arange(1, 10) / 10
    theta = multilayer_perceptron(X, pars)[0][0]
    slope = theta * (1 - theta)
    right = slope * np.array([-2.1, 0.7, 0.7, 0, 0, 0, 0.2, 0, 1])
    assert check_parameter_gradient(right, X, pars)
    assert "all 9 entries are right" in capsys.readouterr().out
    assert check_parameter_gradient(np.round(right, 5), X, pars)  # by hand, 5 decimals
    capsys.readouterr()
    # relu'(a_2) taken as 1: neuron 2's block filled in although the neuron is off.
    no_relu = right + slope * 0.8 * np.array([0, 0, 0, -3, 1, 1, 0, 0, 0])
    assert not check_parameter_gradient(no_relu, X, pars)
    out = capsys.readouterr().out
    assert "3 of 9 entries are off" in out and "wrong entry: w_21, w_22, b_2." in out
    assert "hidden neuron 2 is off at this point" in out
    # A wrong entry elsewhere is named, without the relu' hint.
    assert not check_parameter_gradient(right * [1, 1, 1, 1, 1, 1, 1, 1, 2], X, pars)
    out = capsys.readouterr().out
    assert "d theta / d c is" in out and "Hint" not in out
    assert not check_parameter_gradient([...] * 9, X, pars)
    assert "replace every ..." in capsys.readouterr().out


def test_check_from_sklearn(capsys):
    from mlp_by_hand.sklearn_bridge import from_sklearn

    assert check_from_sklearn(from_sklearn)
    assert "all 3 checks passed" in capsys.readouterr().out

    def weights_read_row_by_row(clf):
        return np.concatenate(
            [clf.coefs_[0].ravel(), clf.intercepts_[0], clf.coefs_[1].ravel(), clf.intercepts_[1]]
        )

    assert not check_from_sklearn(weights_read_row_by_row)
    out = capsys.readouterr().out
    assert "Parameters with a wrong entry: w_12, b_1, w_21, w_22" in out
    assert "the right numbers in the wrong order" in out
    assert not check_from_sklearn(lambda clf: clf.coefs_[0])
    assert "pars must have shape (9,)" in capsys.readouterr().out


def test_check_dead_neurons(capsys):
    from mlp_by_hand.checks import check_dead_neurons
    from mlp_by_hand.diagnose import dead_neurons

    assert check_dead_neurons(dead_neurons)
    assert "all 5 checks passed" in capsys.readouterr().out

    def strict_inequality(X, pars):
        H = (len(pars) - 1) // 4
        rows = pars[: 3 * H].reshape(H, 3)
        return np.all(X @ rows[:, :2].T + rows[:, 2] < 0, axis=0)

    assert not check_dead_neurons(strict_inequality)
    assert "<= 0, not < 0" in capsys.readouterr().out
    assert not check_dead_neurons(lambda X, pars: np.zeros(3, dtype=bool))
    assert "dead must have shape" in capsys.readouterr().out
