"""Loss, empirical risk and gradient descent (chapter 6).

The model says that the label z of a point x is a coin flip, z ~ Bernoulli(theta(x)).
Training makes the observed labels likely: it lowers the mean negative
log-likelihood, the empirical risk, one gradient step at a time.
"""

import math
from dataclasses import dataclass, field

import numpy as np

from . import _validate, backprop
from ._validate import as_labels, as_points, trusted
from .cross_entropy import EPS, loss
from .cross_entropy import diverged as _diverged
from .n_neurons import mlp
from .network import multilayer_perceptron

__all__ = [
    "EPS",
    "History",
    "Snapshot",
    "accuracy",
    "empirical_risk",
    "film_steps",
    "learn",
    "loss",
]


def empirical_risk(X, z, theta_func, pars):
    """The mean loss over a data set, its gradient, and the predictions.

    Parameters
    ----------
    X : ndarray of shape (N, 2)
    z : ndarray of shape (N,)
        Labels, 0 or 1.
    theta_func : callable
        ``theta_func(X, pars) -> (theta, grad)`` with shapes (N,) and (N, P), such as
        `theta_perceptron`, `multilayer_perceptron` or `mlp`.
    pars : ndarray of shape (P,)

    Returns
    -------
    risk : float
        The mean loss.
    grad : ndarray of shape (P,)
        Its gradient with respect to `pars`: by the chain rule, the mean over points
        of ``loss'(theta_n) * d theta_n / d pars``.
    theta : ndarray of shape (N,)
        The predicted probabilities.
    """
    X = as_points(X)
    z = as_labels(z, len(X))
    theta, grad_theta = _call_theta_func(theta_func, X, pars)
    loss_val, grad_loss = loss(z, theta)
    grad = (grad_loss * grad_theta).mean(axis=0)  # mean over the N rows
    return float(loss_val.mean()), grad, theta


def _call_theta_func(theta_func, X, pars):
    result = theta_func(X, pars)
    if _validate._trusted_depth:
        return result
    name = getattr(theta_func, "__name__", "theta_func")
    if not isinstance(result, tuple) or len(result) != 2:
        raise TypeError(f"{name}(X, pars) must return a pair (theta, grad), got {type(result)}")
    theta, grad = (np.asarray(r, dtype=np.float64) for r in result)
    N, P = X.shape[0], np.size(pars)
    if theta.shape != (N,) or grad.shape != (N, P):
        raise ValueError(
            f"{name}(X, pars) must return theta of shape ({N},) and grad of shape ({N}, {P}) "
            f"for {N} points and {P} parameters; got {theta.shape} and {grad.shape}"
        )
    return theta, grad


def accuracy(X, z, theta_func, pars):
    """The fraction of points whose label is the likelier class under theta.

    Parameters
    ----------
    X : ndarray of shape (N, 2)
    z : ndarray of shape (N,)
    theta_func : callable
        ``theta_func(X, pars) -> (theta, grad)``.
    pars : ndarray of shape (P,)

    Returns
    -------
    float
        In [0, 1]; a point counts as class 1 when theta > 0.5.
    """
    X = as_points(X)
    z = as_labels(z, X.shape[0])
    theta, _ = _call_theta_func(theta_func, X, pars)
    return float(np.mean((theta > 0.5) == (z == 1)))


@dataclass
class Snapshot:
    """The state of a run just before step `step`: its risk and its parameters."""

    step: int
    risk: float
    pars: np.ndarray


@dataclass
class History:
    """What `learn` records when it is given one of these.

    Attributes
    ----------
    risks : list of float
        The empirical risk before each step, and after the last one
        (``nsteps + 1`` values).
    snapshots : list of Snapshot
        The sheet's snapshots: before the steps 0, q, 2q and 3q with q = nsteps // 4,
        and after the last step (five in all when nsteps >= 4).
    every : int
        Also keep the parameters every `every` steps in `frames` (0: never), for
        animations.
    at : collection of int
        Also keep the parameters at these steps in `frames` (for a film whose frames
        are dense early, see `mlp_by_hand.plotting.film_steps`).
    frames : list of Snapshot
    """

    every: int = 0
    risks: list = field(default_factory=list)
    snapshots: list = field(default_factory=list)
    frames: list = field(default_factory=list)
    at: frozenset = frozenset()

    def __post_init__(self):
        self.at = frozenset(int(step) for step in self.at)


def film_steps(nsteps, n_frames=100):
    """Steps at which to keep a film's frames: dense early, sparse late.

    Parameters
    ----------
    nsteps : int
        The length of the run.
    n_frames : int
        How many frames at most (at least 2).

    Returns
    -------
    list of int
        Step ``round(nsteps * (j / (n_frames - 1))**2)`` for j = 0, ..., n_frames - 1,
        without repeats: 0 and nsteps always, and frames closer together early, where
        a run usually changes fastest. Pass them as ``History(at=film_steps(...))``.
    """
    nsteps = _check_nsteps(nsteps)
    if isinstance(n_frames, bool) or not isinstance(n_frames, (int, np.integer)) or n_frames < 2:
        raise ValueError(f"n_frames must be an int >= 2, got {n_frames!r}")
    j = np.arange(n_frames) / (n_frames - 1)
    return sorted({int(step) for step in np.round(nsteps * j**2)})


def learn(
    data,
    pars,
    theta_func,
    nsteps=15000,
    lr=0.01,
    *,
    history=None,
    verbose=False,
    method="jacobian",
):
    """Gradient descent on the empirical risk: ``pars <- pars - lr * grad``, nsteps times.

    Parameters
    ----------
    data : tuple (X, z)
        X of shape (N, 2) and labels z of shape (N,).
    pars : ndarray of shape (P,)
        Starting parameters; not modified.
    theta_func : callable
        ``theta_func(X, pars) -> (theta, grad)``, e.g. `multilayer_perceptron`.
    nsteps : int
        Number of full-batch steps (0 returns a copy of `pars`).
    lr : float
        The learning rate, > 0.
    history : History or None
        If given, the risk of every step and the snapshots are appended to it.
    verbose : bool
        Print the risk and the parameters and draw the data with the contour of theta
        at every quarter of the run, as the exercise sheet's `learn` does.
    method : {"jacobian", "backprop"}
        How the gradient of the risk is computed. "jacobian" (the sheet's way) asks
        `theta_func` for the (N, P) gradient of theta and averages it with `empirical_risk`.
        "backprop" runs the network backwards (`mlp_by_hand.backprop`) and never
        forms the (N, P) matrix: same numbers, far less work; it needs `theta_func`
        to be `mlp` or `multilayer_perceptron`. With nothing to record (no
        `history`, not `verbose`) the whole run is `backprop.descend`, which
        allocates its arrays once and never computes the risk.

    Returns
    -------
    pars : ndarray of shape (P,)
        The parameters after the last step.

    Raises
    ------
    FloatingPointError
        If the risk or the parameters overflow (a learning rate or a start too large):
        the message names the step.
    """
    X, z = _unpack_data(data)
    nsteps, lr = _check_nsteps(nsteps), _check_lr(lr)
    pars = _check_start(pars)
    risk_function = _risk_function(X, z, theta_func, method)
    note = _recorder(history, verbose, nsteps, X, z, theta_func)
    i = 0  # the step an overflow is reported at
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            note(0, risk_function(pars)[0], None)  # checks theta_func once
            if method == "backprop" and history is None and not verbose:
                # chapter 10: the same steps, nothing recorded
                return backprop.descend(X, z, pars, nsteps, lr)
            with trusted():  # inputs checked: skip the per-call checks
                for i in range(nsteps):
                    risk, grad, _ = risk_function(pars)
                    note(i, risk, pars)
                    pars = pars - lr * grad
                i = nsteps
                if history is not None or verbose:
                    note(i, risk_function(pars)[0], pars)  # the final risk
    except FloatingPointError as err:
        raise _diverged(i, lr, str(err)) from None
    return pars


def _check_start(pars):
    pars = np.array(pars, dtype=np.float64)  # a copy: the caller's vector is left alone
    if pars.ndim != 1:
        raise ValueError(f"pars must be a vector of shape (P,), got shape {pars.shape}")
    return pars


def _risk_function(X, z, theta_func, method):
    """``f(pars) -> (risk, grad, theta)`` for the chosen way of differentiating."""
    if method == "jacobian":
        return lambda pars: empirical_risk(X, z, theta_func, pars)
    if method == "backprop":
        if theta_func not in (mlp, multilayer_perceptron):
            name = getattr(theta_func, "__name__", repr(theta_func))
            raise ValueError(
                f'method="backprop" trains the package\'s network: theta_func must be mlp '
                f"or multilayer_perceptron, got {name}"
            )
        return lambda pars: backprop.backprop_risk(X, z, pars)
    raise ValueError(f'method must be "jacobian" or "backprop", got {method!r}')


def _recorder(history, verbose, nsteps, X, z, theta_func):
    """``note(i, risk, pars)``: keep what `history` asks for, draw what `verbose` asks."""
    # The sheet's snapshots: before the steps 0, q, 2q, 3q (q = nsteps // 4), and the end.
    shots = {0, nsteps} | {k * (nsteps // 4) for k in range(1, 4) if nsteps >= 4}

    def note(i, risk, pars):
        if not math.isfinite(risk):
            raise FloatingPointError(f"the risk is {risk}")
        if pars is None:  # the check before the first step records nothing
            return
        if history is not None:
            history.risks.append(risk)
            if i in shots:
                history.snapshots.append(Snapshot(i, risk, pars.copy()))
            if (history.every and i % history.every == 0) or i in history.at:
                history.frames.append(Snapshot(i, risk, pars.copy()))
        if verbose and i in shots:
            _report(i, risk, pars, X, z, theta_func)

    return note


def _unpack_data(data):
    try:
        X, z = data
    except (TypeError, ValueError):
        raise TypeError("data must be a pair (X, z) of points and labels") from None
    X = as_points(X)
    return X, as_labels(z, X.shape[0])


def _check_nsteps(nsteps):
    if isinstance(nsteps, bool) or not isinstance(nsteps, (int, np.integer)):
        raise TypeError(f"nsteps must be an int, got {type(nsteps).__name__}")
    if nsteps < 0:
        raise ValueError(f"nsteps must be >= 0, got {nsteps}")
    return int(nsteps)


def _check_lr(lr):
    if isinstance(lr, bool) or not isinstance(lr, (int, float, np.floating, np.integer)):
        raise TypeError(f"lr must be a number, got {type(lr).__name__}")
    if not (math.isfinite(lr) and lr > 0):
        raise ValueError(f"lr (the learning rate) must be a finite number > 0, got {lr}")
    return float(lr)


def _report(i, risk, pars, X, z, theta_func):
    import matplotlib.pyplot as plt

    from .plotting import plot  # matplotlib only when asked to draw

    print(f"step {i:>6}  risk {risk:.6f}  pars {np.array2string(pars, precision=4)}")
    plot(X, z, theta_func, pars)
    plt.show()
