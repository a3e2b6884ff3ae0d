"""Self-checks for the exercises: is *your* function right?

Each ``check_*`` function takes a function you wrote, calls it on a handful of
inputs and compares everything it returns with what the package's own function
returns for the same inputs. It prints a short verdict and returns True or False::

    >>> from mlp_by_hand.checks import check_relu
    >>> check_relu(my_relu)
    check_relu: all 7 checks passed.

The inputs are random (from a fixed seed, so every run is the same) and edge cases:
a single point, negative values, large values, labels all 0 or all 1, and the
sheet's reference point ``Xtest = [[1.0, 2.0]]`` with ``pars = [0.1, ..., 0.9]``.

When something is wrong, the check stops at the first failing input and says what:
which returned item, the shape it should have, which entry differs (gradients
name the parameter: ``w_11``, ..., ``c``), the expected value and yours, and a
hint when the mistake looks like a common one.

What the checks accept
----------------------
- Values may differ by rounding: a relative tolerance of 1e-7 plus an absolute one
  of 1e-10 (`RTOL`, `ATOL`). A real mistake is far larger.
- ``relu'(0)``: ReLU has no derivative at 0 (the slope jumps from 0 to 1). The
  package uses 0; any value in [0, 1] at exactly x = 0 passes, with a note.
- ``loss`` is not asked for theta exactly 0 or 1: the package clips theta there to
  keep the loss finite, the sheet's loss returns inf, and both are reasonable.
- Your function is given copies of the inputs. If it changes them in place, the
  check fails: in your own code that would silently change the caller's data.
- Arrays may be returned as numpy arrays or lists of numbers; the results as a
  tuple (``return out, grad``) or a list.
"""

import os
import textwrap
import traceback

import numpy as np

from .data import generate_data
from .diagnose import hidden_features
from .n_neurons import init_pars, mlp
from .network import PARAMETER_NAMES, multilayer_perceptron
from .perceptron import linear, sigmoid, theta_perceptron
from .rectifier import relu
from .training import empirical_risk, loss

__all__ = [
    "ATOL",
    "RTOL",
    "check_backprop_risk",
    "check_dead_neurons",
    "check_empirical_risk",
    "check_forward_pass",
    "check_from_sklearn",
    "check_input_gradient",
    "check_learn",
    "check_linear",
    "check_loss",
    "check_mlp",
    "check_multilayer_perceptron",
    "check_parameter_gradient",
    "check_prediction",
    "check_relu",
    "check_sigmoid",
    "check_theta_perceptron",
]

#: Relative tolerance (values may differ by rounding), as ``np.isclose`` measures it.
RTOL = 1e-7
#: Absolute tolerance, for entries that should be (almost) zero.
ATOL = 1e-10

#: The sheet's reference point and parameters (hint 2 of step 5).
XTEST = np.array([[1.0, 2.0]])
PARS_SHEET = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])

NEURON_NAMES = ("w_1", "w_2", "b")  # the three parameters of one neuron


class _CheckFailedError(Exception):
    """Stops a check at the first problem; its text is what the student reads."""


class _Case:
    """One input to try: a label for the student and the arguments to pass."""

    def __init__(self, label, *args):
        self.label = label
        self.args = args


# --------------------------------------------------------------------------------------
# Formatting: numbers and places in an array, as a student would write them
# --------------------------------------------------------------------------------------


def _num(value):
    return f"{float(value) + 0.0:.8g}"  # + 0.0 turns -0.0 into 0.0


def _vec(values, limit=6):
    values = np.ravel(values)
    shown = ", ".join(_num(v) for v in values[:limit])
    return f"[{shown}{', ...' if values.size > limit else ''}]"


def _names(names, limit=12):
    names = list(names)
    more = f", ... ({len(names) - limit} more)" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _mlp_names(H):
    """Names of the 4H+1 parameters of `mlp`, in the order of its parameter vector."""
    sep = "," if H >= 10 else ""  # with 15 neurons, w_151 could be w_1,51: write w_15,1
    hidden = [name for h in range(1, H + 1) for name in (f"w_{h}{sep}1", f"w_{h}{sep}2", f"b_{h}")]
    return tuple(hidden + [f"v_{h}" for h in range(1, H + 1)] + ["c"])


def _at_value(x):
    """Describe index (n, ...) of an output computed elementwise from the vector x."""
    return lambda idx: f"for x = {_num(x[idx[0]])}"


def _at_point(X, names=None):
    """Describe index (n, j) of an output with one row per point of X (and j a parameter)."""

    def where(idx):
        text = f"point {idx[0]}, x = {_vec(X[idx[0]])}"
        if names is not None and len(idx) > 1:
            text += f", parameter {names[idx[1]]}"
        return text

    return where


def _at_parameter(names):
    return lambda idx: f"parameter {names[idx[0]]}"


# --------------------------------------------------------------------------------------
# Calling the student's function and comparing what it returns
# --------------------------------------------------------------------------------------

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_NUMPY_DIR = os.path.dirname(os.path.abspath(np.__file__))


def _run(check_name, func, cases, verify):
    """Try every case in turn; print one verdict; return True if all pass."""
    if not callable(func):
        print(
            f"{check_name}: please pass your function itself, as in {check_name}(my_function), "
            f"not the result of calling it (you passed a value of type {type(func).__name__})."
        )
        return False
    notes = []
    for number, case in enumerate(cases, start=1):
        try:
            verify(func, case, notes)
        except _CheckFailedError as failure:
            print(f"{check_name}: check {number} of {len(cases)} failed, on {case.label}.")
            print(textwrap.indent(str(failure), "  "))
            return False
    print(f"{check_name}: all {len(cases)} checks passed.")
    for note in dict.fromkeys(notes):  # each note once, in order
        print(f"  Note: {note}")
    return True


def _call(func, case, arg_names):
    """Call the student's function on copies of the case's arrays; never let it raise."""
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in case.args]
    try:
        # A naive exp or log may overflow on the edge inputs; what comes out of it
        # is compared below, so numpy's warnings would only repeat the verdict.
        with np.errstate(all="ignore"):
            result = func(*copies)
    except Exception as err:  # anything the student's code raises becomes a verdict
        raise _CheckFailedError(_describe_exception(err)) from None
    for name, original, given in zip(arg_names, case.args, copies, strict=True):
        if isinstance(original, np.ndarray) and not (
            given.shape == original.shape and np.array_equal(given, original)
        ):
            raise _CheckFailedError(
                f"Your function changed its input {name} in place (for example with "
                f"{name}[...] = ... or {name} *= ...).\n"
                f"Hint: the caller's {name} would change too. Build a new array instead "
                f"(np.maximum, np.where, ...), or start from {name} = {name}.copy()."
            )
    return result


def _describe_exception(err):
    text = f"Your function raised {type(err).__name__}: {err}"
    # Point at the last line of the student's own code, not at numpy's or ours.
    frames = [
        frame
        for frame in traceback.extract_tb(err.__traceback__)
        if not os.path.abspath(frame.filename).startswith((_PACKAGE_DIR, _NUMPY_DIR))
    ]
    if frames:
        frame = frames[-1]
        line = f": {frame.line.strip()}" if frame.line else ""
        text += f"\n(in {frame.name}, line {frame.lineno}{line})"
    if isinstance(err, ValueError) and "values to unpack" in str(err):
        text += (
            "\nHint: a function returns a different number of things than you unpack. "
            "Since chapter 4, linear returns three: out, grad_pars, grad_x."
        )
    return text


def _unpack(result, names, hints=None):
    """The student's result as a list of len(names) items, or a verdict saying why not.

    `hints` maps a wrong number of returned items to a hint for that mistake.
    """
    hints = hints or {}
    want = ", ".join(names)
    if isinstance(result, (tuple, list)) and len(result) == len(names):
        return list(result)
    if result is None:
        text = f"Your function returned None; it must return ({want})."
        hint = f"did you forget the return statement? End with: return {want}"
    elif isinstance(result, (tuple, list)):
        text = (
            f"Your function returned {len(result)} things; it must return {len(names)}: ({want})."
        )
        hint = hints.get(len(result), f"end with: return {want}")
    else:
        kind = type(result).__name__
        if isinstance(result, np.ndarray):
            kind = f"array of shape {result.shape}"
        text = f"Your function returned a single {kind}; it must return a tuple ({want})."
        hint = hints.get(1, f"did you return the value only? End with: return {want}")
    raise _CheckFailedError(f"{text}\nHint: {hint}")


def _as_array(name, got):
    try:
        return np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise _CheckFailedError(
            f"{name} must be a numpy array of numbers; numpy cannot read yours "
            f"(a {type(got).__name__}) as one: {err}"
        ) from None


def _check_shapes(names, got, expected, meanings):
    """Compare every returned item's shape with the expected one, before any value."""
    got = [_as_array(name, g) for name, g in zip(names, got, strict=True)]
    for i, name in enumerate(names):
        have, want = got[i].shape, expected[i].shape
        if have == want:
            continue
        want_text = "()" if want == () else str(want)
        text = f"{name} must have shape {want_text} ({meanings[i]}); yours has shape {have}."
        swapped = [
            names[j]
            for j in range(len(names))
            if j != i and got[j].shape == want and have == expected[j].shape
        ]
        hint = (
            f"are {name} and {swapped[0]} in the wrong order? Return ({', '.join(names)})."
            if swapped
            else _shape_hint(name, have, want)
        )
        raise _CheckFailedError(text + (f"\nHint: {hint}" if hint else ""))
    return got


def _shape_hint(name, have, want):
    """A hint for the shape mistakes we have seen students make."""
    if len(want) == 2 and want[1] == 1 and have == (want[0],):
        return f"{name}.reshape(-1, 1) turns it into a column."
    if len(want) == 1 and have == (want[0], 1):
        return f"{name}.reshape(-1) makes it flat: one value per point, no second axis."
    if want == (1, 2) and have == (2,):
        return "pars[:2].reshape(1, 2) gives the weights as one row."
    if want == (1, 2) and len(have) == 2 and have[1] == 2:
        return (
            "the derivative of w_1 x_1 + w_2 x_2 + b with respect to x is [w_1, w_2] at "
            "every point, so one row serves all N points (it broadcasts): pars[:2].reshape(1, 2)."
        )
    if len(want) == 2 and want[1] == 3 and have == (want[0], 2):
        return (
            "the column for the bias is missing: d out / d b = 1 at every point, "
            "so grad_pars is np.column_stack([X, np.ones(len(X))])."
        )
    if len(want) == 2 and have == want[::-1]:
        return "yours is transposed (rows and columns swapped): one row per point."
    if len(want) == 2 and want[0] == 1 and have == (want[1],):
        return "keep the row axis even for a single point: shape (1, P), not (P,)."
    if len(want) == 2 and have == (want[0], 1):
        return (
            "that is one column, but the gradient needs one column per parameter: "
            "multiply the (N, 1) factors by an (N, P) gradient such as linear's grad_pars."
        )
    if len(want) == 1 and len(have) == 2 and have[1] == want[0]:
        if have[0] == 1:
            return "use .mean(axis=0) on the (N, P) array, or .ravel() on yours."
        return "average over the points (the rows): grad.mean(axis=0)."
    if want == () and have == (1,):
        return "the risk is a single number: loss_val.mean() (or float(...) of yours)."
    if want == ():
        return "the risk is one number, the mean of the N losses: loss_val.mean()."
    return ""


def _check_values(name, got, want, where, names=None, axis=None, hints=()):
    """Compare one item entry by entry; on a difference, say where and why if we can.

    `names` with `axis` name the parameters along that axis of the array;
    `hints` are functions ``hint(got, want, bad) -> str or None``, tried in order.
    """
    bad = ~np.isclose(got, want, rtol=RTOL, atol=ATOL)
    if not bad.any():
        return
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    if got.ndim == 0:
        lines = [f"{name} is wrong: expected {_num(want)}, yours is {_num(got)}."]
    else:
        count = f"{int(bad.sum())} of {bad.size} entries" if bad.size > 1 else "its one entry"
        index = ", ".join(str(i) for i in first)
        lines = [
            f"{name} is wrong in {count}.",
            f"{name}[{index}] ({where(first)}): expected {_num(want[first])}, "
            f"yours is {_num(got[first])}.",
        ]
    if names is not None:
        wrong = np.flatnonzero(bad.any(axis=tuple(a for a in range(bad.ndim) if a != axis)))
        lines.append(f"Parameters with a wrong entry: {_names(names[j] for j in wrong)}.")
    for hint in [*hints, _hint_nan, _hint_sign]:
        text = hint(got, want, bad)
        if text:
            lines.append(f"Hint: {text}")
            break
    raise _CheckFailedError("\n".join(lines))


def _close(a, b):
    return np.allclose(a, b, rtol=RTOL, atol=ATOL)


def _hint_nan(got, want, bad):
    if not np.isfinite(got[bad]).all() and np.isfinite(want[bad]).all():
        return "nan or inf usually comes from 0 / 0, exp of a large number, or log of 0."
    return None


def _hint_sign(got, want, bad):
    if _close(got[bad], -want[bad]):
        return "the wrong entries have the right size but the wrong sign."
    return None


# --------------------------------------------------------------------------------------
# relu and sigmoid: one number in, one number out, for every entry of x
# --------------------------------------------------------------------------------------


def check_relu(relu_func):
    """Check a student's ReLU against the package's `relu`.

    Parameters
    ----------
    relu_func : callable
        ``relu_func(x) -> (out, grad)`` for x of shape (N,): out of shape (N,) and
        the derivative ``relu'(x)`` as a column, grad of shape (N, 1).

    Returns
    -------
    bool
        True if every check passed. The verdict is printed.

    Notes
    -----
    At exactly x = 0 the derivative does not exist; the package returns 0 there,
    and any value in [0, 1] passes (with a note), since each is a valid choice.
    """
    rng = np.random.default_rng(0)
    cases = [
        _Case("5 random values of x (seed 0)", rng.normal(0.0, 2.0, size=5)),
        _Case("a single positive value, x = [2.5]", np.array([2.5])),
        _Case("a single negative value, x = [-0.75]", np.array([-0.75])),
        _Case("only negative values", np.array([-3.0, -0.5, -1e-3, -42.0])),
        _Case("values including exactly 0", np.array([-2.0, 0.0, 1.5, 0.0, -1e-12])),
        _Case("large and tiny |x|", np.array([-1e8, 1e8, -1e-9, 1e-9, 1e3])),
        _Case("the sheet's range np.linspace(-5, 5, 1001)", np.linspace(-5, 5, 1001)),
    ]
    return _run("check_relu", relu_func, cases, _verify_relu)


def _verify_relu(func, case, notes):
    (x,) = case.args
    names = ("out", "grad")
    result = _unpack(_call(func, case, ["x"]), names)
    want = relu(x)
    out, grad = _check_shapes(
        names, result, want, ["one value per entry of x", "a column, one row per point"]
    )
    where = _at_value(x)
    _check_values("out", out, want[0], where, hints=[_hint_relu_out(x)])

    # relu'(0): any value in [0, 1] is a valid choice; accept it and say so once.
    zero = x == 0
    want_grad = want[1].copy()
    if zero.any():
        at_zero = grad[zero, 0]
        if not (np.isfinite(at_zero).all() and ((at_zero >= 0) & (at_zero <= 1)).all()):
            bad = at_zero[~(np.isfinite(at_zero) & (at_zero >= 0) & (at_zero <= 1))][0]
            raise _CheckFailedError(
                f"Your relu'(0) is {_num(bad)}. ReLU has no derivative at x = 0 (the slope "
                f"jumps from 0 to 1), so pick 0 (the package's choice) or 1.\n"
                f"Hint: nan comes from 0 / 0: a formula that divides by x (out / x, "
                f"x / abs(x)) breaks at exactly 0. (x > 0).astype(float) does not."
            )
        if (at_zero != 0).any():
            notes.append(
                f"your relu'(0) is {_num(at_zero[at_zero != 0][0])}; the package uses 0. "
                "Both are fine: ReLU has no derivative at 0, and any value in [0, 1] "
                "is a valid choice there."
            )
        want_grad[zero, 0] = grad[zero, 0]
    _check_values("grad", grad, want_grad, where, hints=[_hint_relu_grad(x)])


def _hint_relu_out(x):
    def hint(got, want, bad):
        if _close(got[bad], x[bad]):
            return "relu(x) is 0 where x < 0, and x elsewhere: np.maximum(x, 0)."
        return None

    return hint


def _hint_relu_grad(x):
    def hint(got, want, bad):
        if _close(got[:, 0], np.maximum(x, 0)):
            return (
                "grad holds relu(x) itself; the derivative is 1 where x > 0 and 0 "
                "elsewhere: (x > 0).astype(float)."
            )
        if _close(got[bad], 1.0) and (x[bad[:, 0]] < 0).all():
            return "relu'(x) is 0 where x < 0: the function is flat there."
        return None

    return hint


def check_sigmoid(sigmoid_func):
    """Check a student's sigmoid against the package's `sigmoid`.

    Parameters
    ----------
    sigmoid_func : callable
        ``sigmoid_func(x) -> (out, grad)`` for x of shape (N,): out of shape (N,)
        and ``sigmoid'(x)`` as a column, grad of shape (N, 1).

    Returns
    -------
    bool
        True if every check passed. The verdict is printed.
    """
    rng = np.random.default_rng(1)
    cases = [
        _Case("5 random values of x (seed 1)", rng.normal(0.0, 2.0, size=5)),
        _Case("a single value, x = [0.0] (sigmoid(0) = 0.5)", np.array([0.0])),
        _Case("only negative values", np.array([-0.3, -2.0, -7.5])),
        _Case("large |x|, where sigmoid is almost 0 or 1", np.array([-30.0, 30.0, -12.0, 12.0])),
        _Case("a single negative value, x = [-1.0]", np.array([-1.0])),
        _Case("the range np.linspace(-5, 5, 1001)", np.linspace(-5, 5, 1001)),
    ]
    return _run("check_sigmoid", sigmoid_func, cases, _verify_sigmoid)


def _verify_sigmoid(func, case, notes):
    (x,) = case.args
    names = ("out", "grad")
    result = _unpack(_call(func, case, ["x"]), names)
    want = sigmoid(x)
    out, grad = _check_shapes(
        names, result, want, ["one value per entry of x", "a column, one row per point"]
    )
    where = _at_value(x)
    _check_values("out", out, want[0], where, hints=[_hint_one_minus])
    _check_values("grad", grad, want[1], where)


def _hint_one_minus(got, want, bad):
    if _close(got, 1 - want):
        return (
            "yours is 1 - sigmoid everywhere: the sign in the exponent is flipped. "
            "sigmoid(x) = 1 / (1 + np.exp(-x))."
        )
    return None


# --------------------------------------------------------------------------------------
# One neuron: linear and theta_perceptron
# --------------------------------------------------------------------------------------


def check_linear(linear_func):
    """Check a student's `linear` (the chapter 4 version, with grad_x) against the package's.

    Parameters
    ----------
    linear_func : callable
        ``linear_func(X, pars) -> (out, grad_pars, grad_x)`` for X of shape (N, 2)
        and pars ``[w_1, w_2, b]`` of shape (3,): out of shape (N,), grad_pars of
        shape (N, 3) and grad_x of shape (1, 2).

    Returns
    -------
    bool
        True if every check passed. The verdict is printed.
    """
    rng = np.random.default_rng(2)
    cases = [
        _Case(
            "5 random points, pars = [0.8, -1.3, 0.6]",
            rng.normal(size=(5, 2)),
            np.array([0.8, -1.3, 0.6]),
        ),
        _Case(
            "the sheet's point Xtest = [[1.0, 2.0]], pars = [0.1, 0.2, 0.3]",
            XTEST,
            PARS_SHEET[:3],
        ),
        _Case(
            "negative coordinates and weights",
            -np.abs(rng.normal(size=(4, 2))),
            np.array([-0.5, -2.0, -1.5]),
        ),
        _Case("a single random point", rng.normal(size=(1, 2)), rng.normal(size=3)),
        _Case(
            "large coordinates (|x| about 10^4)",
            rng.normal(0.0, 1e4, size=(3, 2)),
            np.array([0.25, -0.75, 2.0]),
        ),
        _Case(
            "a hidden layer with zeros, pars = [0.7, 0.8, 0.9]",
            np.array([[0.0, 1.2], [0.5, 0.0], [0.0, 0.0], [2.0, 3.0]]),
            PARS_SHEET[6:],
        ),
    ]
    return _run("check_linear", linear_func, cases, _verify_linear)


def _verify_linear(func, case, notes):
    X, pars = case.args
    names = ("out", "grad_pars", "grad_x")
    result = _unpack(
        _call(func, case, ["X", "pars"]),
        names,
        hints={
            2: "chapter 4's linear also returns grad_x = pars[:2].reshape(1, 2), "
            "the derivative with respect to the point: return out, grad_pars, grad_x"
        },
    )
    want = linear(X, pars)
    out, grad_pars, grad_x = _check_shapes(
        names,
        result,
        want,
        [
            "one value per point",
            "one row [x_1, x_2, 1] per point",
            "one row [w_1, w_2], shared by all points",
        ],
    )
    where = _at_point(X)
    _check_values("out", out, want[0], where, hints=[_hint_no_bias(pars)])
    _check_values("grad_pars", grad_pars, want[1], _at_point(X, NEURON_NAMES), NEURON_NAMES, axis=1)
    _check_values(
        "grad_x",
        grad_x,
        want[2],
        lambda idx: f"d out / d x_{idx[1] + 1}",
        hints=[_hint_grad_x(pars)],
    )


def _hint_no_bias(pars):
    def hint(got, want, bad):
        if pars[2] != 0 and _close(got, want - pars[2]):
            return (
                f"every value is off by exactly the bias b = {_num(pars[2])}: "
                "did you forget + pars[2]?"
            )
        return None

    return hint


def _hint_grad_x(pars):
    def hint(got, want, bad):
        if _close(got.ravel(), pars[1::-1]):
            return "the two weights are swapped: d out / d x_1 is w_1 = pars[0]."
        return "d out / d x is the weight vector [w_1, w_2] = pars[:2], at every point."

    return hint


def check_theta_perceptron(theta_func):
    """Check a student's single-neuron model against the package's `theta_perceptron`.

    Parameters
    ----------
    theta_func : callable
        ``theta_func(X, pars) -> (theta, grad)`` for X of shape (N, 2) and pars
        ``[w_1, w_2, b]`` of shape (3,): theta of shape (N,) and grad of shape (N, 3).

    Returns
    -------
    bool
        True if every check passed. The verdict is printed.
    """
    rng = np.random.default_rng(3)
    cases = [
        _Case("6 random points, random pars", rng.normal(size=(6, 2)), rng.normal(size=3)),
        _Case(
            "the sheet's point Xtest = [[1.0, 2.0]], pars = [0.1, 0.2, 0.3]",
            XTEST,
            PARS_SHEET[:3],
        ),
        _Case("a single negative point", np.array([[-1.5, -0.5]]), np.array([0.4, -1.0, 0.2])),
        _Case(
            "large features (|w . x + b| up to 30)",
            np.array([[10.0, -10.0], [-20.0, 5.0], [3.0, 4.0]]),
            np.array([1.5, 0.5, -1.0]),
        ),
        _Case("all parameters 0 (theta = 0.5)", rng.normal(size=(4, 2)), np.zeros(3)),
        _Case(
            "20 points in [-2, 2]^2",
            rng.uniform(-2, 2, size=(20, 2)),
            np.array([-1.0, 2.0, 0.5]),
        ),
    ]
    return _run("check_theta_perceptron", theta_func, cases, _verify_theta_perceptron)


def _verify_theta_perceptron(func, case, notes):
    X, pars = case.args
    want = theta_perceptron(X, pars)
    theta, grad = _theta_result(func, case, want)
    _check_values("theta", theta, want[0], _at_point(X), hints=[_hint_one_minus])
    grad_linear = linear(X, pars)[1]
    _check_values(
        "grad",
        grad,
        want[1],
        _at_point(X, NEURON_NAMES),
        NEURON_NAMES,
        axis=1,
        hints=[_hint_no_sigmoid_factor(grad_linear)],
    )


def _theta_result(func, case, want):
    """Call a theta function; check it returned (theta, grad) of the right shapes."""
    names = ("theta", "grad")
    result = _unpack(
        _call(func, case, ["X", "pars"]),
        names,
        hints={
            1: "did you return theta only, like the sheet's first version? "
            "This one returns the gradient too: return theta, grad"
        },
    )
    return _check_shapes(
        names,
        result,
        want,
        ["one probability per point", "one row per point, one column per parameter"],
    )


def _hint_no_sigmoid_factor(grad_linear):
    def hint(got, want, bad):
        if _close(got, grad_linear):
            return (
                "yours is linear's grad_pars alone: multiply it by sigmoid'(feature), "
                "the chain rule's second factor."
            )
        return None

    return hint


# --------------------------------------------------------------------------------------
# The networks: multilayer_perceptron (2-2-1) and mlp (2-H-1)
# --------------------------------------------------------------------------------------


def _network_cases(rng):
    """Inputs both network checks share; H = 2 for all of them."""
    # Each hidden neuron is on (feature > 0) at some of these points and off at others,
    # so a missing relu' factor shows. No feature is exactly 0 (see relu'(0)).
    mixed = np.array([1.0, -0.5, 0.2, -0.7, 1.1, -0.3, 1.5, -2.0, 0.4])
    return [
        _Case(
            "the sheet's reference point Xtest = [[1.0, 2.0]], pars = [0.1, 0.2, ..., 0.9] "
            "(the sheet: value [0.9552123])",
            XTEST,
            PARS_SHEET,
        ),
        _Case(
            "8 random points, each hidden neuron on at some and off at others",
            rng.normal(size=(8, 2)),
            mixed,
        ),
        _Case("a single random point, random pars", rng.normal(size=(1, 2)), rng.normal(size=9)),
        _Case(
            "both hidden neurons off (negative features): only v and c matter",
            rng.uniform(-1, 1, size=(5, 2)),
            np.array([0.3, 0.2, -5.0, -0.4, 0.1, -6.0, 0.9, -1.1, 0.3]),
        ),
        _Case(
            "large coordinates (|x| up to 60)",
            np.array([[50.0, -40.0], [-30.0, 60.0], [45.0, 45.0]]),
            np.array([0.05, 0.02, 0.1, -0.03, 0.04, -0.2, 0.06, 0.05, -1.0]),
        ),
        _Case(
            "25 random points in [-5, 5]^2, the sheet's pars [1, 0, 0, 0, 1, 0, 1, 1, 0]",
            rng.uniform(-5, 5, size=(25, 2)),
            np.array([1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0]),
        ),
    ]


def check_multilayer_perceptron(theta_func):
    """Check a student's 2-2-1 network against the package's `multilayer_perceptron`.

    Parameters
    ----------
    theta_func : callable
        ``theta_func(X, pars) -> (theta, grad)`` for X of shape (N, 2) and the nine
        parameters ``[w_11, w_12, b_1, w_21, w_22, b_2, v_1, v_2, c]``: theta of
        shape (N,) and grad of shape (N, 9).

    Returns
    -------
    bool
        True if every check passed. The verdict is printed.
    """
    cases = _network_cases(np.random.default_rng(4))
    return _run(
        "check_multilayer_perceptron", theta_func, cases, _verify_network(multilayer_perceptron)
    )


def check_forward_pass(forward_func):
    """Check a student's forward pass of the 2-2-1 network: theta only (the sheet's step 2).

    Parameters
    ----------
    forward_func : callable
        ``forward_func(X, pars) -> theta`` for X of shape (N, 2) and the nine
        parameters: theta of shape (N,). A function that already returns
        ``(theta, grad)`` is accepted too; only theta is checked.

    Returns
    -------
    bool
        True if every check passed. The verdict is printed.
    """
    cases = _network_cases(np.random.default_rng(6))
    return _run("check_forward_pass", forward_func, cases, _verify_forward_pass)


def _verify_forward_pass(func, case, notes):
    X, pars = case.args
    want = multilayer_perceptron(X, pars)[0]
    result = _call(func, case, ["X", "pars"])
    if isinstance(result, (tuple, list)) and len(result) == 2:
        result = result[0]  # (theta, grad): the later version of the same function
    (theta,) = _check_shapes(["theta"], [result], [want], ["one probability per point"])
    _check_values(
        "theta", theta, want, _at_point(X), hints=[_hint_one_minus, _hint_layout(X, pars)]
    )


def check_prediction(my_theta, X, pars, theta_func=multilayer_perceptron, atol=0.005):
    """Check numbers worked out by hand: theta at the points X for the parameters pars.

    Parameters
    ----------
    my_theta : array_like of shape (N,)
        Your predictions, one per point.
    X : ndarray of shape (N, 2)
    pars : ndarray of shape (P,)
    theta_func : callable
        The network the predictions are for; `multilayer_perceptron` by default.
    atol : float
        How close counts as right. The default, 0.005, accepts an answer rounded to
        two decimals (0.27 for 0.2689); a little slack is added for the rounding of
        the numbers themselves (0.735 is not exactly 0.735 in float64).

    Returns
    -------
    bool
        True if every prediction is within `atol`. The verdict is printed.
    """
    X = np.asarray(X, dtype=np.float64)
    want = theta_func(X, np.asarray(pars, dtype=np.float64))[0]
    try:
        mine = np.asarray(my_theta, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        print(
            "check_prediction: my_theta must hold one number per point; "
            f"replace every ... with your prediction (got {my_theta!r})."
        )
        return False
    if mine.shape != want.shape:
        print(f"check_prediction: you gave {mine.size} prediction(s) for {want.size} point(s).")
        return False
    slack = 4 * np.finfo(np.float64).eps * np.maximum(np.abs(mine), np.abs(want))
    wrong = np.flatnonzero(~(np.abs(mine - want) <= atol + slack))
    if wrong.size:
        i = wrong[0]
        print(
            f"check_prediction: {wrong.size} of {want.size} predictions are off. At the point "
            f"x = {_vec(X[i])} you predicted {_num(mine[i])}; theta there is {_num(want[i])}."
        )
        return False
    print(f"check_prediction: all {want.size} predictions are right (to {atol:g}).")
    return True


def check_input_gradient(my_dtheta_dx, X, pars, rtol=5e-3):
    """Check d theta / d x of the 2-2-1 network, worked out by hand at the points X.

    Parameters
    ----------
    my_dtheta_dx : array_like of shape (N, 2), or (2,) for one point
        Your derivatives: row n is ``[d theta / d x_1, d theta / d x_2]`` at point n.
    X : ndarray of shape (N, 2)
    pars : ndarray of shape (9,)
        ``[w_11, w_12, b_1, w_21, w_22, b_2, v_1, v_2, c]``.
    rtol : float
        How close counts as right, relative to the size of the derivative: by hand,
        three significant digits are plenty.

    Returns
    -------
    bool
        True if every derivative is within `rtol`. The verdict is printed.
    """
    from .circuit import backward_sweep

    X = np.atleast_2d(np.asarray(X, dtype=np.float64))
    pars = np.asarray(pars, dtype=np.float64)
    sweeps = [backward_sweep(x, pars) for x in X]
    want = np.array([[d["x_1"], d["x_2"]] for d in sweeps])
    try:
        mine = np.asarray(my_dtheta_dx, dtype=np.float64).reshape(want.shape)
    except (TypeError, ValueError):
        print(
            f"check_input_gradient: give two numbers per point, shape {want.shape}; "
            f"replace every ... with your derivative (got {my_dtheta_dx!r})."
        )
        return False
    scale = np.maximum(np.abs(want), 1e-12)
    wrong = np.argwhere(~(np.abs(mine - want) <= rtol * scale))
    if wrong.size:
        n, j = (int(i) for i in wrong[0])
        print(
            f"check_input_gradient: {len(wrong)} of {want.size} derivatives are off. At "
            f"x = {_vec(X[n])}, d theta / d x_{j + 1} is {_num(want[n, j])}; "
            f"yours is {_num(mine[n, j])}."
        )
        theta = multilayer_perceptron(X, pars)[0]
        slope = theta * (1 - theta)
        on = hidden_features(X, pars) > 0
        W, v = pars[[0, 1, 3, 4]].reshape(2, 2), pars[6:8]
        paths = [slope[:, None] * v[k] * on[:, k : k + 1] * W[k] for k in (0, 1)]
        if any(np.allclose(mine, path, rtol=rtol) for path in paths):
            print(
                "  Hint: x_j reaches theta through both hidden neurons; "
                "the two paths add: sigma'(f) (v_1 relu'(a_1) w_1j + v_2 relu'(a_2) w_2j)."
            )
        elif np.allclose(mine, want / slope[:, None], rtol=rtol):
            print("  Hint: the factor sigma'(f) = theta (1 - theta) is missing.")
        return False
    print(f"check_input_gradient: all {want.size} derivatives are right (within {rtol:.1%}).")
    return True


def check_parameter_gradient(my_gradient, X, pars, rtol=5e-3):
    """Check the nine-entry gradient of the 2-2-1 network, worked out by hand.

    Parameters
    ----------
    my_gradient : array_like of shape (N, 9), or (9,) for one point
        Your gradient of theta with respect to
        ``[w_11, w_12, b_1, w_21, w_22, b_2, v_1, v_2, c]`` at each point of X.
    X : ndarray of shape (N, 2)
    pars : ndarray of shape (9,)
    rtol : float
        How close counts as right, relative to each entry (an entry that should be 0
        must be 0 to 1e-6): by hand, three significant digits are plenty.

    Returns
    -------
    bool
        True if every entry is within `rtol`. The verdict is printed.
    """
    X = np.atleast_2d(np.asarray(X, dtype=np.float64))
    pars = np.asarray(pars, dtype=np.float64)
    want = multilayer_perceptron(X, pars)[1]
    try:
        mine = np.asarray(my_gradient, dtype=np.float64).reshape(want.shape)
    except (TypeError, ValueError):
        print(
            f"check_parameter_gradient: give nine numbers per point, shape {want.shape}; "
            f"replace every ... with your entry (got {my_gradient!r})."
        )
        return False
    bad = ~(np.abs(mine - want) <= rtol * np.abs(want) + 1e-6)
    if not bad.any():
        print(f"check_parameter_gradient: all {want.size} entries are right (within {rtol:.1%}).")
        return True
    n, j = (int(i) for i in np.argwhere(bad)[0])
    wrong = np.flatnonzero(bad.any(axis=0))
    print(
        f"check_parameter_gradient: {int(bad.sum())} of {want.size} entries are off. At "
        f"x = {_vec(X[n])}, d theta / d {PARAMETER_NAMES[j]} is {_num(want[n, j])}; "
        f"yours is {_num(mine[n, j])}.\n"
        f"  Parameters with a wrong entry: {_names(PARAMETER_NAMES[i] for i in wrong)}."
    )
    off = hidden_features(X, pars)[n] <= 0
    for k in (0, 1):
        block = bad[n, 3 * k : 3 * k + 3]
        if off[k] and block.any() and np.all(want[n, 3 * k : 3 * k + 3] == 0):
            print(
                f"  Hint: hidden neuron {k + 1} is off at this point (a_{k + 1} <= 0), so "
                f"relu'(a_{k + 1}) = 0 and its three entries are 0: the sweep stops there."
            )
            return False
    return False


def check_mlp(theta_func):
    """Check a student's network with H hidden neurons against the package's `mlp`.

    Parameters
    ----------
    theta_func : callable
        ``theta_func(X, pars) -> (theta, grad)`` for X of shape (N, 2) and pars of
        shape (4H+1,) in the layout
        ``[w_11, w_12, b_1, ..., w_H1, w_H2, b_H, v_1, ..., v_H, c]``: theta of
        shape (N,) and grad of shape (N, 4H+1). With H = 2 this is the nine-vector
        of `multilayer_perceptron`.

    Returns
    -------
    bool
        True if every check passed. The verdict is printed.
    """
    rng = np.random.default_rng(5)
    cases = _network_cases(rng)[:2] + [
        _Case("H = 1 hidden neuron, 6 random points", rng.normal(size=(6, 2)), init_pars(1, 1)),
        _Case("H = 3 hidden neurons, 7 random points", rng.normal(size=(7, 2)), init_pars(3, 2)),
        _Case(
            "H = 15 hidden neurons (the sheet's 'going beyond'), 10 points",
            rng.uniform(-1.5, 1.5, size=(10, 2)),
            init_pars(15, 3),
        ),
        _Case("H = 4, a single point", rng.normal(size=(1, 2)), init_pars(4, 4)),
        _Case(
            "H = 5, large coordinates (|x| up to 30)",
            rng.uniform(-30, 30, size=(4, 2)),
            init_pars(5, 5) * 0.1,
        ),
    ]
    return _run("check_mlp", theta_func, cases, _verify_network(mlp))


def _verify_network(reference):
    """The comparison both network checks make, against `reference` (same signature)."""

    def verify(func, case, notes):
        X, pars = case.args
        H = (len(pars) - 1) // 4
        names = PARAMETER_NAMES if H == 2 else _mlp_names(H)
        want = reference(X, pars)
        theta, grad = _theta_result(func, case, want)
        _check_values(
            "theta",
            theta,
            want[0],
            _at_point(X),
            hints=[_hint_one_minus, _hint_layout(X, pars)],
        )
        features = hidden_features(X, pars)  # (N, H): a neuron is off where its feature is < 0
        _check_values(
            "grad",
            grad,
            want[1],
            _at_point(X, names),
            names,
            axis=1,
            # A missing factor or a flipped sign first: those are the likely slips, and
            # at the sheet's point they can make columns look moved by coincidence.
            hints=[_hint_chain_slip(X, pars, features), _hint_moved_columns(names)],
        )

    return verify


def _other_layouts(H):
    """Other orders of the parameters a student might choose instead of the book's."""
    ours = _mlp_names(H)
    w1, w2 = ours[0 : 3 * H : 3], ours[1 : 3 * H : 3]
    b, v = ours[2 : 3 * H : 3], ours[3 * H : 4 * H]
    layouts = [
        [w for h in range(H) for w in (w1[h], w2[h])] + list(b) + list(v) + ["c"],
        list(w1) + list(w2) + list(b) + list(v) + ["c"],
        [p for h in range(H) for p in (w1[h], w2[h], b[h], v[h])] + ["c"],
        list(v) + ["c"] + list(ours[: 3 * H]),
    ]
    return [layout for layout in layouts if tuple(layout) != ours]


def _hint_layout(X, pars):
    """Recognise a network that reads the parameter vector in another order."""

    def hint(got, want, bad):
        H = (len(pars) - 1) // 4
        ours = _mlp_names(H)
        for layout in _other_layouts(H):
            # Where the student reads pars[i] as parameter layout[i], the book's
            # network would have to be given this rearranged vector instead:
            rearranged = np.empty_like(pars)
            for i, name in enumerate(layout):
                rearranged[ours.index(name)] = pars[i]
            if _close(got, mlp(X, rearranged)[0]):
                return (
                    f"your function reads pars in the order [{_names(layout)}]. The book's "
                    f"order is [{_names(ours)}]: three numbers per hidden neuron, then "
                    f"v_1 ... v_H, then c (with H = 2, the sheet's nine-vector)."
                )
        return None

    return hint


def _hint_chain_slip(X, pars, features):
    """Recognise a gradient missing one factor of the chain rule, or with a flipped sign.

    Builds the gradient again without v_k, without sigma'(f), without relu'(a_k) and
    with its sign flipped, and names the slip whose result matches the wrong entries.
    """
    H = features.shape[1]
    v = pars[3 * H : 4 * H]
    theta = mlp(X, pars)[0]
    slope = (theta * (1 - theta))[:, None]  # sigma'(f), (N, 1)
    on = (features > 0).astype(np.float64)  # relu'(a_k), (N, H)
    X1 = np.column_stack([X, np.ones(len(X))])  # [x_1, x_2, 1], (N, 3)

    def gradient(s=slope, v=v, on=on):
        blocks = [s * v[k] * on[:, k : k + 1] * X1 for k in range(H)]
        return np.column_stack([*blocks, s * np.maximum(features, 0.0), s])

    v_names = ", ".join(f"v_{k} for neuron {k}" for k in range(1, min(H, 2) + 1))
    slips = [
        (
            lambda: gradient(v=np.ones(H)),
            "the hidden neurons' entries lack the factor v_k = d f / d h_k "
            f"({v_names}; grad_x[0, k - 1] of the output neuron's linear): the path "
            "from neuron k to theta passes through f = ... + v_k h_k + ..., so every "
            "entry of neuron k's block carries v_k.",
        ),
        (
            lambda: gradient(s=np.ones_like(slope)),
            "the wrong entries lack the factor sigma'(f) (grad_sig): every path to "
            "theta = sigma(f) ends with the sigmoid's slope, so every block starts "
            "with grad_sig.",
        ),
        (
            lambda: gradient(on=np.ones_like(on)),
            "the wrong entries belong to hidden neurons that are off at those points "
            "(a_k < 0, so relu'(a_k) = 0 and the neuron's three entries must be 0). "
            "Did you forget the relu' factor (grad_r1, grad_r2)?",
        ),
    ]

    def hint(got, want, bad):
        if got.shape != want.shape:
            return None
        if _close(got[bad], -want[bad]):
            return "the wrong entries have the right size but the wrong sign."
        for build, text in slips:
            if _close(got[bad], build()[bad]):
                return text
        return None

    return hint


def _hint_moved_columns(names):
    def hint(got, want, bad):
        moved = []
        for j in np.flatnonzero(bad.any(axis=0)):
            sources = [
                k
                for k in range(want.shape[1])
                if k != j
                and not _close(want[:, k], 0)
                and not _close(want[:, k], want[:, j])
                and _close(got[:, j], want[:, k])
            ]
            # At x_1 = 1, the columns of w_21 and b_2 are equal: prefer the same kind.
            sources.sort(key=lambda k: names[k][0] != names[j][0])
            if sources:
                moved.append(f"your {names[j]} column holds the gradient of {names[sources[0]]}")
        if moved:
            return (
                "; ".join(moved[:3])
                + f". The columns must follow the order of pars: [{_names(names)}]."
            )
        return None

    return hint


# --------------------------------------------------------------------------------------
# Learning: loss and empirical_risk
# --------------------------------------------------------------------------------------


def check_loss(loss_func):
    """Check a student's binary cross-entropy against the package's `loss`.

    Parameters
    ----------
    loss_func : callable
        ``loss_func(z, theta) -> (out, grad)`` for labels z of shape (N,) and
        probabilities theta of shape (N,): out of shape (N,) and d out / d theta as
        a column, grad of shape (N, 1).

    Returns
    -------
    bool
        True if every check passed. The verdict is printed.

    Notes
    -----
    theta is kept strictly between 0 and 1 (as close as 1e-6): at exactly 0 or 1 the
    package clips, the sheet's loss returns inf, and neither is wrong.
    """
    rng = np.random.default_rng(6)
    cases = [
        _Case(
            "6 random probabilities, labels 0 and 1",
            np.array([1, 0, 0, 1, 1, 0]),
            rng.uniform(0.05, 0.95, size=6),
        ),
        _Case("labels all 0", np.zeros(5, dtype=np.int64), rng.uniform(0.05, 0.95, size=5)),
        _Case("labels all 1", np.ones(5, dtype=np.int64), rng.uniform(0.05, 0.95, size=5)),
        _Case("a single point, z = [1], theta = [0.3]", np.array([1]), np.array([0.3])),
        _Case(
            "confident answers, theta = 1e-6 or 1 - 1e-6 (right and wrong)",
            np.array([1, 0, 1, 0]),
            np.array([1e-6, 1e-6, 1 - 1e-6, 1 - 1e-6]),
        ),
        _Case("theta = 0.5 everywhere", np.array([0, 1, 1]), np.full(3, 0.5)),
        _Case(
            "labels given as floats 0.0 and 1.0",
            np.array([0.0, 1.0, 1.0, 0.0]),
            np.array([0.2, 0.9, 0.4, 0.7]),
        ),
    ]
    return _run("check_loss", loss_func, cases, _verify_loss)


def _verify_loss(func, case, notes):
    z, theta = case.args
    names = ("out", "grad")
    result = _unpack(_call(func, case, ["z", "theta"]), names)
    want = loss(z, theta)
    out, grad = _check_shapes(
        names, result, want, ["one loss per point", "a column, one row per point"]
    )

    def where(idx):
        return f"z = {_num(z[idx[0]])}, theta = {_num(theta[idx[0]])}"

    _check_values("out", out, want[0], where, hints=[_hint_loss_out(z, theta)])
    _check_values("grad", grad, want[1], where, hints=[_hint_loss_grad])


def _hint_loss_out(z, theta):
    def hint(got, want, bad):
        if _close(got, -want):
            return "the loss is -log(p), a positive number: mind the minus sign."
        if _close(got, loss(1 - z, theta)[0]):
            return "the two cases are swapped: -log(theta) belongs to z == 1."
        return None

    return hint


def _hint_loss_grad(got, want, bad):
    if _close(got[bad], -want[bad]):
        return (
            "the gradient has the wrong sign. d/dtheta of -log(theta) is -1/theta; "
            "d/dtheta of -log(1 - theta) is +1/(1 - theta)."
        )
    return None


def check_empirical_risk(risk_func):
    """Check a student's `empirical_risk` against the package's.

    Parameters
    ----------
    risk_func : callable
        ``risk_func(X, z, theta_func, pars) -> (risk, grad, theta)``. It is called
        with the package's theta functions (`theta_perceptron`,
        `multilayer_perceptron`, `mlp`) and must return the mean loss (a single
        number), its gradient of shape (P,) and theta of shape (N,).

    Returns
    -------
    bool
        True if every check passed. The verdict is printed.

    Notes
    -----
    Your empirical_risk may call your own `loss`; if the verdict says the risk is
    wrong, check that one too with `check_loss`.
    """
    rng = np.random.default_rng(7)
    X_data, z_data = generate_data(40, seed=0)
    sheet_start = np.array([-0.1, 1, 0, 0.1, 1, 0, -0.1, -0.1, 0])
    cases = [
        _Case(
            "theta_perceptron, 10 random points, labels 0 and 1",
            rng.normal(size=(10, 2)),
            np.array([0, 1, 1, 0, 1, 0, 0, 1, 1, 0]),
            theta_perceptron,
            np.array([0.5, -1.0, 0.3]),
        ),
        _Case(
            "multilayer_perceptron, 12 random points, the sheet's pars [0.1, ..., 0.9]",
            rng.normal(size=(12, 2)),
            rng.integers(0, 2, size=12),
            multilayer_perceptron,
            PARS_SHEET,
        ),
        _Case(
            "mlp with H = 3, 15 random points",
            rng.normal(size=(15, 2)),
            rng.integers(0, 2, size=15),
            mlp,
            init_pars(3, 8),
        ),
        _Case(
            "labels all 0",
            rng.normal(size=(6, 2)),
            np.zeros(6, dtype=np.int64),
            multilayer_perceptron,
            np.array([1.0, -0.5, 0.2, -0.7, 1.1, -0.3, 1.5, -2.0, 0.4]),
        ),
        _Case(
            "labels all 1",
            rng.normal(size=(6, 2)),
            np.ones(6, dtype=np.int64),
            multilayer_perceptron,
            np.array([1.0, -0.5, 0.2, -0.7, 1.1, -0.3, 1.5, -2.0, 0.4]),
        ),
        _Case(
            "a single point, Xtest = [[1.0, 2.0]] with z = [0]",
            XTEST,
            np.array([0]),
            multilayer_perceptron,
            PARS_SHEET,
        ),
        _Case(
            "generate_data(40, seed=0) with the sheet's start "
            "[-0.1, 1, 0, 0.1, 1, 0, -0.1, -0.1, 0]",
            X_data,
            z_data,
            multilayer_perceptron,
            sheet_start,
        ),
    ]
    return _run("check_empirical_risk", risk_func, cases, _verify_empirical_risk)


def _verify_empirical_risk(func, case, notes):
    X, z, theta_func, pars = case.args
    names = ("risk", "grad", "theta")
    result = _unpack(
        _call(func, case, ["X", "z", "theta_func", "pars"]),
        names,
        hints={2: "the third item, theta, is what plot draws: return risk, grad, theta"},
    )
    want = empirical_risk(X, z, theta_func, pars)
    want = [np.asarray(w, dtype=np.float64) for w in want]
    risk, grad, theta = _check_shapes(
        names,
        result,
        want,
        ["a single number", "one entry per parameter", "one probability per point"],
    )
    P = len(pars)
    param_names = {3: NEURON_NAMES, 9: PARAMETER_NAMES}.get(P) or _mlp_names((P - 1) // 4)
    N = X.shape[0]
    _check_values("risk", risk, want[0], None, hints=[_hint_sum(N, "risk")])
    _check_values(
        "grad",
        grad,
        want[1],
        _at_parameter(param_names),
        param_names,
        axis=0,
        hints=[_hint_sum(N, "grad")],
    )
    _check_values("theta", theta, want[2], _at_point(X))


def _hint_sum(N, name):
    def hint(got, want, bad):
        if N > 1 and _close(got, N * want):
            return (
                f"your {name} is {N} times too large, one time per point: it must be the "
                f"mean over the N = {N} points, not the sum (.mean(axis=0), not .sum(axis=0))."
            )
        return None

    return hint


# --- chapter 10: a backward pass ---------------------------------------------------


def check_backprop_risk(risk_func):
    """Check a student's backward pass against the Jacobian path.

    Parameters
    ----------
    risk_func : callable
        ``risk_func(X, z, pars) -> (risk, grad, theta)`` for the 2-H-1 network, with
        H = (len(pars) - 1) // 4: the mean loss (a single number), its gradient of
        shape (4H+1,) in the layout of `mlp`'s parameters, and theta of shape (N,).

    Returns
    -------
    bool
        True if every check passed. The verdict is printed.
    """
    rng = np.random.default_rng(10)
    X_circles, z_circles = generate_data(60, half=False, seed=0)
    cases = [
        _Case(
            "H = 2, the sheet's pars [0.1, ..., 0.9], 12 random points",
            rng.normal(size=(12, 2)),
            rng.integers(0, 2, size=12),
            PARS_SHEET,
        ),
        _Case(
            "H = 1, 10 random points",
            rng.normal(size=(10, 2)),
            rng.integers(0, 2, size=10),
            np.array([1.0, -0.5, 0.2, 1.5, -0.3]),
        ),
        _Case(
            "H = 3, 15 random points, some on the silent side of every neuron",
            rng.normal(size=(15, 2)),
            rng.integers(0, 2, size=15),
            init_pars(3, seed=8),
        ),
        _Case(
            "labels all 1, H = 2",
            rng.normal(size=(6, 2)),
            np.ones(6, dtype=np.int64),
            np.array([1.0, -0.5, 0.2, -0.7, 1.1, -0.3, 1.5, -2.0, 0.4]),
        ),
        _Case(
            "a single point, Xtest = [[1.0, 2.0]] with z = [0]", XTEST, np.array([0]), PARS_SHEET
        ),
        _Case(
            "generate_data(60, half=False, seed=0) with init_pars(15, seed=0)",
            X_circles,
            z_circles,
            init_pars(15, seed=0),
        ),
    ]
    return _run("check_backprop_risk", risk_func, cases, _verify_backprop_risk)


def _verify_backprop_risk(func, case, notes):
    X, z, pars = case.args
    names = ("risk", "grad", "theta")
    result = _unpack(
        _call(func, case, ["X", "z", "pars"]),
        names,
        hints={2: "return the predictions too: return risk, grad, theta"},
    )
    want = [np.asarray(w, dtype=np.float64) for w in empirical_risk(X, z, mlp, pars)]
    risk, grad, theta = _check_shapes(
        names,
        result,
        want,
        ["a single number", "one entry per parameter", "one probability per point"],
    )
    H = (len(pars) - 1) // 4
    param_names = _mlp_names(H)
    N = X.shape[0]
    _check_values("theta", theta, want[2], lambda idx: f"point {idx[0]}")
    _check_values("risk", risk, want[0], None, hints=[_hint_sum(N, "risk")])
    _check_values(
        "grad",
        grad,
        want[1],
        lambda idx: f"parameter {param_names[idx[0]]}",
        param_names,
        axis=0,
        hints=[_hint_sum(N, "grad"), _hint_no_mask(X, z, pars, want[2]), _hint_rows_as_columns(H)],
    )


def _hint_no_mask(X, z, pars, theta):
    """Recognise a gradient whose hidden rows skipped relu'(A)."""
    H = (len(pars) - 1) // 4
    X1 = np.column_stack([X, np.ones(len(X))])
    d_f = (theta - z) / len(X)
    unmasked = (np.outer(d_f, pars[3 * H : 4 * H])).T @ X1  # (H, 3) without relu'(A)

    def hint(got, want, bad):
        if _close(got[: 3 * H], unmasked.ravel()):
            return (
                "the hidden neurons' entries look as if relu'(A) were 1 everywhere: "
                "d_A = d_R * (A > 0), so a point on a neuron's silent side adds nothing."
            )
        return None

    return hint


def _hint_rows_as_columns(H):
    """Recognise the hidden neurons' entries written column by column instead of row by row."""

    def hint(got, want, bad):
        if _close(got[: 3 * H], want[: 3 * H].reshape(H, 3).T.ravel()):
            return (
                "the hidden neurons' entries are there but in the wrong order: pars holds "
                "U row by row, [w_11, w_12, b_1, w_21, ...], so the gradient is d_U.ravel() "
                "with d_U of shape (H, 3), not (3, H)."
            )
        return None

    return hint


# --- chapter 9: reading scikit-learn's arrays --------------------------------------


def check_from_sklearn(from_sklearn_func):
    """Check a student's mapping from a fitted MLPClassifier to our flat parameters.

    Parameters
    ----------
    from_sklearn_func : callable
        ``from_sklearn_func(clf) -> pars`` for a fitted one-hidden-layer ReLU
        `MLPClassifier` with H hidden neurons: pars of shape (4H+1,) in the layout
        ``[w_11, w_12, b_1, ..., w_H1, w_H2, b_H, v_1, ..., v_H, c]``.

    Returns
    -------
    bool
        True if every check passed. The verdict is printed.
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    from .sklearn_bridge import from_sklearn

    X, z = generate_data(200, seed=3)
    fitted = []
    for H, seed in [(2, 2), (2, 7), (3, 4)]:
        clf = MLPClassifier(hidden_layer_sizes=(H,), solver="lbfgs", max_iter=50, random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X, z)
        fitted.append(_Case(f"an MLPClassifier with H = {H} (random_state={seed})", clf))

    def verify(func, case, notes):
        (clf,) = case.args
        want = from_sklearn(clf)
        H = (want.shape[0] - 1) // 4
        names = PARAMETER_NAMES if H == 2 else _mlp_names(H)
        result = _call(func, case, ["clf"])
        (pars,) = _check_shapes(["pars"], [result], [want], ["4H+1 numbers"])
        _check_values(
            "pars",
            pars,
            want,
            _at_parameter(names),
            names,
            axis=0,
            hints=[_hint_same_numbers_other_order],
        )

    return _run("check_from_sklearn", from_sklearn_func, fitted, verify)


def _hint_same_numbers_other_order(got, want, bad):
    if got.shape == want.shape and _close(np.sort(got), np.sort(want)):
        return (
            "you have all the right numbers in the wrong order. coefs_[0] is (2, H): "
            "column h holds hidden neuron h's two weights, and its bias is intercepts_[0][h]; "
            "pars lists each hidden neuron's [w_h1, w_h2, b_h] in turn, then v, then c."
        )
    return None


# --- chapter 8: reading a failure from the parameters ------------------------------


def check_dead_neurons(dead_func):
    """Check a student's dead-neuron detector against `mlp_by_hand.diagnose.dead_neurons`.

    Parameters
    ----------
    dead_func : callable
        ``dead_func(X, pars) -> dead`` for X of shape (N, 2) and pars of shape (4H+1,):
        a boolean array of shape (H,), True for every hidden neuron whose feature is
        <= 0 at every point of X.

    Returns
    -------
    bool
        True if every check passed. The verdict is printed.
    """
    from .diagnose import dead_neurons

    rng = np.random.default_rng(8)
    X_half, _ = generate_data(200, seed=0)
    cases = [
        _Case(
            "H = 2, the sheet's start, half circles",
            X_half,
            np.array([-0.1, 1, 0, 0.1, 1, 0, -0.1, -0.1, 0]),
        ),
        _Case(
            "H = 2, one neuron pointing away from every point (dead)",
            X_half,
            np.array([0.0, -1.0, -0.5, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0]),
        ),
        _Case("H = 5, a random start", X_half, rng.normal(size=21)),
        _Case("H = 1, a single point", X_half[:1], rng.normal(size=5)),
        _Case(
            "H = 3, features exactly 0 at every point (zero weights and biases): dead",
            X_half,
            np.r_[np.zeros(9), 1.0, 1.0, 1.0, 0.0],
        ),
    ]

    def verify(func, case, notes):
        X, pars = case.args
        want = dead_neurons(X, pars)
        result = _call(func, case, ["X", "pars"])
        (got,) = _check_shapes(["dead"], [result], [want], ["one True/False per neuron"])
        wrong = np.flatnonzero((got != 0) != want)
        if wrong.size:
            h = int(wrong[0])
            raise _CheckFailedError(
                f"hidden neuron {h + 1}: expected {bool(want[h])}, yours says {bool(got[h])}.\n"
                "Hint: a neuron is dead when its feature w_h1 x_1 + w_h2 x_2 + b_h is <= 0 "
                "at every point (<= 0, not < 0: relu'(0) is 0)."
            )

    return _run("check_dead_neurons", dead_func, cases, verify)


# --- chapter 6: the gradient-descent loop -------------------------------------------


def check_learn(learn_func):
    """Check a student's gradient-descent loop against `mlp_by_hand.learn`.

    Parameters
    ----------
    learn_func : callable
        ``learn_func(data, pars, theta_func, nsteps, lr) -> pars`` with data a pair
        (X of shape (N, 2), z of shape (N,)), pars of shape (P,), an int nsteps and a
        float lr. It must return the parameters after nsteps steps
        ``pars <- pars - lr * grad``, shape (P,), and leave its inputs alone.

    Returns
    -------
    bool
        True if every check passed. The verdict is printed.

    Notes
    -----
    Your loop is run for nsteps = 0, 1, 2, ... and each result is compared with the
    package's parameters after that many steps, so the verdict names the first step
    at which your trajectory parts from `learn`'s, and the parameter (w_11, ..., c)
    that differs most there. Your loop may use your own empirical risk: rounding
    differences are accepted.
    """
    X_half, z_half = generate_data(40, seed=0)
    rng = np.random.default_rng(11)
    X_rand = rng.normal(size=(12, 2))
    z_rand = rng.integers(0, 2, size=12)
    cases = [
        _Case(
            "multilayer_perceptron on generate_data(40, seed=0), the sheet's start, lr = 0.1",
            (X_half, z_half),
            np.array([-0.1, 1, 0, 0.1, 1, 0, -0.1, -0.1, 0]),
            multilayer_perceptron,
            6,
            0.1,
        ),
        _Case(
            "theta_perceptron on 12 random points, lr = 0.5",
            (X_rand, z_rand),
            np.array([0.5, -1.0, 0.3]),
            theta_perceptron,
            4,
            0.5,
        ),
        _Case(
            "mlp with H = 3 on generate_data(40, seed=0), lr = 0.05",
            (X_half, z_half),
            init_pars(3, 8),
            mlp,
            4,
            0.05,
        ),
    ]
    return _run("check_learn", learn_func, cases, _verify_learn)


def _verify_learn(func, case, notes):
    from .training import learn

    (X, z), start, theta_func, max_steps, lr = case.args
    P = len(start)
    names = {3: NEURON_NAMES, 9: PARAMETER_NAMES}.get(P) or _mlp_names((P - 1) // 4)
    path = [start]  # the package's trajectory: path[i] is pars after i steps
    for _ in range(max_steps + 1):
        path.append(learn((X, z), path[-1], theta_func, nsteps=1, lr=lr))
    runs = [_learn_result(func, X, z, start, theta_func, n, lr) for n in range(max_steps + 1)]
    parted = [n for n, got in enumerate(runs) if not _close(got, path[n])]
    if parted:
        raise _CheckFailedError(_learn_verdict(runs, path, parted[0], lr, names))


def _learn_result(func, X, z, start, theta_func, nsteps, lr):
    """Call the student's loop on copies; its result as a (P,) array, or a verdict."""
    X_copy, z_copy, pars_copy = X.copy(), z.copy(), start.copy()
    call = f"learn_func(data, pars, {theta_func.__name__}, nsteps={nsteps}, lr={lr})"
    try:
        with np.errstate(all="ignore"):
            result = func((X_copy, z_copy), pars_copy, theta_func, nsteps, lr)
    except Exception as err:  # whatever the student's code raises becomes a verdict
        raise _CheckFailedError(f"{call}:\n{_describe_exception(err)}") from None
    if not np.array_equal(pars_copy, start):
        raise _CheckFailedError(
            f"{call} changed the caller's pars in place.\n"
            "Hint: pars -= lr * grad (or pars[...] = ...) writes into the array the caller "
            "passed, so their starting vector is lost. Write pars = pars - lr * grad, which "
            "makes a new array."
        )
    if not (np.array_equal(X_copy, X) and np.array_equal(z_copy, z)):
        raise _CheckFailedError(f"{call} changed the data (X or z) in place.")
    if result is None:
        raise _CheckFailedError(
            f"{call} returned None.\nHint: end the function with return pars, after the loop."
        )
    (got,) = _check_shapes(["pars"], [result], [np.asarray(start)], ["one entry per parameter"])
    return got


def _learn_verdict(runs, path, n, lr, names):
    """Say at which step and in which parameter the student's run parts from learn's.

    runs[i] is the student's result after i steps, path[i] learn's; they first part at
    nsteps = n. The whole list of runs tells an off-by-one from a wrong step.
    """
    got, want = runs[n], path[n]
    k = int(np.argmax(np.abs(got - want)))
    lines = [
        f"With nsteps = {n} your loop returns other parameters than learn"
        + (f" (with nsteps < {n} they agree)." if n else "."),
        f"The largest difference is in {names[k]}: expected {_num(want[k])}, "
        f"yours is {_num(got[k])}.",
    ]
    later = range(max(n, 1), len(runs))
    if all(_close(runs[i], path[0]) for i in later):
        hint = (
            "your loop returns the starting parameters whatever nsteps is. Assign the "
            "step to the same name (pars = pars - lr * grad) and return pars after the loop."
        )
    elif all(_close(runs[i], path[i + 1]) for i in range(n, len(runs))):
        hint = (
            "with nsteps = i your result is learn's after i + 1 steps: your loop runs "
            "one step too many (range(nsteps), not range(nsteps + 1))."
        )
    elif n and all(_close(runs[i], path[i - 1]) for i in later):
        hint = (
            "with nsteps = i your result is learn's after i - 1 steps: your loop runs "
            "one step too few (range(nsteps), not range(nsteps - 1) or range(1, nsteps))."
        )
    elif n == 0:
        hint = "with nsteps = 0 the loop must not run: return the starting parameters."
    else:
        step, yours = path[n] - path[n - 1], got - path[n - 1]  # learn's: -lr * grad
        if _close(yours, -step):
            hint = (
                "your step has the right size but the wrong sign: it climbs the risk. "
                "Gradient descent subtracts: pars = pars - lr * grad."
            )
        elif _close(yours, 2 * step):
            hint = "your step is twice learn's: is the update made twice in one pass?"
        elif _close(yours, lr * step):
            hint = (
                f"your step is lr = {lr} times learn's: the learning rate is applied "
                "twice (lr * lr * grad). Multiply the gradient by lr once."
            )
        else:
            hint = (
                "the step itself differs. Check your risk's gradient with "
                "check_empirical_risk, then that the update is pars = pars - lr * grad."
            )
    lines.append(f"Hint: {hint}")
    return "\n".join(lines)
