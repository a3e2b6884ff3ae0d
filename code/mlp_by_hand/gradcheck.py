"""Checking a hand-derived gradient against finite differences (chapters 4 and 5).

Nudge one parameter by a small step eps in each direction and watch the output move:

    d f / d p_j  ~  (f(p + eps e_j) - f(p - eps e_j)) / (2 eps)

The error of this central difference shrinks like eps^2, while rounding error grows
like u / eps (u = 1.1e-16, float64's unit roundoff); eps = 1e-6 balances the two,
leaving about 1e-10 of disagreement where the function is smooth. A derivation that
is wrong disagrees by far more.
"""

import numpy as np


def numerical_gradient(func, pars, eps=1e-6):
    """Central-difference Jacobian of a vector-valued function of the parameters.

    Parameters
    ----------
    func : callable
        ``func(pars) -> ndarray of shape (N,)`` (or a scalar, treated as N = 1).
    pars : ndarray of shape (P,)
    eps : float
        The step, added to and subtracted from one parameter at a time.

    Returns
    -------
    ndarray of shape (N, P)
        Column j approximates the derivative of every output with respect to ``pars[j]``.
    """
    pars = np.asarray(pars, dtype=np.float64)
    if pars.ndim != 1:
        raise ValueError(f"pars must be a vector of shape (P,), got shape {pars.shape}")
    columns = []
    for j in range(pars.shape[0]):
        step = np.zeros_like(pars)
        step[j] = eps
        plus = np.atleast_1d(np.asarray(func(pars + step), dtype=np.float64))
        minus = np.atleast_1d(np.asarray(func(pars - step), dtype=np.float64))
        columns.append((plus - minus) / (2 * eps))
    return np.stack(columns, axis=-1)


def relative_error(analytic, numeric, floor=1e-8):
    """Elementwise ``|a - n| / max(|a|, |n|, floor)``.

    Parameters
    ----------
    analytic, numeric : array_like of one shape S
    floor : float
        The smallest denominator. Where both entries are below it in size, the
        result is the absolute error divided by the floor; where both are exactly 0,
        it is 0.

    Returns
    -------
    ndarray of shape S
    """
    analytic = np.asarray(analytic, dtype=np.float64)
    numeric = np.asarray(numeric, dtype=np.float64)
    scale = np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), floor)
    return np.abs(analytic - numeric) / scale


def gradient_check(theta_func, X, pars, eps=1e-6):
    """Compare ``theta_func``'s gradient with central differences, entry by entry.

    Parameters
    ----------
    theta_func : callable
        ``theta_func(X, pars) -> (theta, grad)`` with shapes (N,) and (N, P).
    X : ndarray of shape (N, 2)
    pars : ndarray of shape (P,)
    eps : float
        The finite-difference step.

    Returns
    -------
    analytic : ndarray of shape (N, P)
        The gradient `theta_func` returns.
    numeric : ndarray of shape (N, P)
        The central-difference estimate.
    rel_error : ndarray of shape (N, P)
        `relative_error` of the two.
    """
    pars = np.asarray(pars, dtype=np.float64)
    _, analytic = theta_func(X, pars)
    numeric = numerical_gradient(lambda p: theta_func(X, p)[0], pars, eps)
    return analytic, numeric, relative_error(analytic, numeric)
