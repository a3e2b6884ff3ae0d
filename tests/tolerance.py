"""Tolerances from rounding, for tests that compare two computations of one number.

Two float64 computations of the same quantity (a matrix product and a Python loop,
BLAS and numpy's pairwise sum, two OpenBLAS kernels, two orders of summation) differ
only by rounding. Each rounded operation has a relative error of at most u = eps/2
(``eps = np.finfo(np.float64).eps = 2**-52``), so a sum of n terms t_i computed in
any order is within about ``n * u * sum_i |t_i|`` of the exact sum (Higham, *Accuracy
and Stability of Numerical Algorithms*, 2nd ed., section 4.2). Two computations that
each meet that bound differ by at most twice it.

The bound scales with the size of the *terms*, ``sum_i |t_i|``, not with the result: a
sum that cancels to nearly zero keeps the absolute rounding error of its terms, which
is why a relative tolerance on the result fails there, and why a bare absolute
tolerance such as 1e-15 holds on one processor's summation order and fails on
another's (terms of size 10 give differences of 1e-15 on some kernels).

So a test passes ``scale`` (the sum of the absolute values of the terms behind each
entry, an array broadcasting against the values, or a number) and ``n_terms`` (how
many rounded operations lie on the longest path to an entry), and gets::

    tol = ulps * n_terms * eps * scale

with a few ulps (4 by default) of slack for the final rounding of each side. A wrong
formula (a dropped factor, a wrong sign, a perturbation of 1e-8) is off by many
orders of magnitude more than this: tests/test_tolerance.py asserts that margin.

Finite-difference comparisons do not use this module: their error is truncation
(of order eps_fd**2 times the third derivative for a central difference) plus
rounding amplified by 1/eps_fd, far above a few ulps; they state their own tolerance.
"""

import numpy as np

EPS = np.finfo(np.float64).eps


def rounding_tol(scale, n_terms=1, ulps=4):
    """The rounding tolerance for values whose terms have total size `scale`.

    Parameters
    ----------
    scale : float or ndarray
        Sum of the absolute values of the terms behind each value (use the absolute
        value of the value itself for a single rounded operation). Any shape that
        broadcasts against the values compared.
    n_terms : int
        Number of rounded operations on the longest path to a value (the count of
        terms of a sum, plus the operations after it).
    ulps : float
        Units of float64 roundoff allowed per operation and per unit of `scale`.

    Returns
    -------
    float or ndarray, the shape of `scale`
        ``ulps * n_terms * eps * scale``.
    """
    if n_terms < 1 or ulps <= 0:
        raise ValueError(f"n_terms must be >= 1 and ulps > 0, got {n_terms}, {ulps}")
    return ulps * n_terms * EPS * np.abs(np.asarray(scale, dtype=np.float64))


def rounding_margin(got, want, scale, n_terms=1, ulps=4):
    """The worst ratio ``|got - want| / rounding_tol(...)`` over all entries.

    At most 1 means the two agree to rounding; a wrong formula gives 1e3 and more.
    Entries whose tolerance is 0 (every term exactly 0) must agree exactly: any
    difference there gives ``inf``.

    Parameters
    ----------
    got, want : array_like of one shape S (or broadcasting together)
    scale, n_terms, ulps
        As for `rounding_tol`; `scale` broadcasts against S.

    Returns
    -------
    float
    """
    got = np.asarray(got, dtype=np.float64)
    want = np.asarray(want, dtype=np.float64)
    diff = np.abs(got - want)
    diff, tol = np.broadcast_arrays(diff, rounding_tol(scale, n_terms, ulps))
    if diff.size == 0:
        return 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(diff == 0, 0.0, diff / tol)
    return float(np.max(ratio))


def assert_close_rounding(got, want, scale=None, n_terms=1, ulps=4, err_msg=""):
    """Assert that `got` and `want` agree to rounding, entry by entry.

    Parameters
    ----------
    got, want : array_like of one shape S
    scale : float or array_like broadcasting against S, optional
        The size of the terms behind each entry (see `rounding_tol`). Default: the
        larger of ``|got|`` and ``|want|``, right when each entry is a few rounded
        operations with no cancellation (a product, a sigmoid of one number).
    n_terms, ulps
        As for `rounding_tol`.
    err_msg : str
        Added to the failure message.
    """
    got = np.asarray(got, dtype=np.float64)
    want = np.asarray(want, dtype=np.float64)
    assert got.shape == want.shape, f"shapes differ: {got.shape} != {want.shape}. {err_msg}"
    if scale is None:
        scale = np.maximum(np.abs(got), np.abs(want))
    margin = rounding_margin(got, want, scale, n_terms, ulps)
    if not margin <= 1.0:
        diff = np.abs(got - want)
        worst = np.unravel_index(np.argmax(diff), diff.shape) if diff.ndim else ()
        raise AssertionError(
            f"not equal up to rounding ({ulps} ulps x {n_terms} terms x scale): the "
            f"difference is {margin:.3g} times the tolerance; largest difference "
            f"{diff.max():.3g} at {worst}: got {got[worst]!r}, want {want[worst]!r}. {err_msg}"
        )


def network_scales(X, pars):
    """Sizes of the terms behind theta and its gradient in the 2-H-1 network.

    The output feature is ``f = sum_k v_k relu(a_k) + c`` with
    ``a_k = w_k1 x_1 + w_k2 x_2 + b_k``; its terms have total size
    ``F = |c| + sum_k |v_k| (|w_k1 x_1| + |w_k2 x_2| + |b_k|)``, which bounds the
    rounding of f. theta = sigma(f) moves by at most sigma' <= 1/4 times that, plus
    its own rounding: scale ``F + 1``. A gradient entry is sigma'(f) times
    ``df/dparameter`` (``v_k x_j``, ``v_k``, ``relu(a_k)`` or 1); sigma' moves by at
    most |sigma''| <= 0.1 times the error of f, so its scale is ``(F + 1)`` times the
    absolute size of ``df/dparameter``.

    Parameters
    ----------
    X : ndarray of shape (N, 2)
    pars : ndarray of shape (4H+1,)
        The package's layout: ``[w_11, w_12, b_1, ..., v_1, ..., v_H, c]``.

    Returns
    -------
    theta_scale : ndarray of shape (N,)
    grad_scale : ndarray of shape (N, 4H+1)
    """
    X = np.abs(np.asarray(X, dtype=np.float64))
    pars = np.abs(np.asarray(pars, dtype=np.float64))
    H = (len(pars) - 1) // 4
    rows = pars[: 3 * H].reshape(H, 3)
    v, c = pars[3 * H : 4 * H], pars[4 * H]
    a_size = X @ rows[:, :2].T + rows[:, 2]  # (N, H): the size of a_k's terms
    f_size = a_size @ v + c + 1.0  # (N,)
    N = X.shape[0]
    hidden = np.empty((N, H, 3))  # neuron k's [w_k1, w_k2, b_k] entries
    hidden[:, :, :2] = v[None, :, None] * X[:, None, :]
    hidden[:, :, 2] = v
    df = np.hstack([hidden.reshape(N, 3 * H), a_size, np.ones((N, 1))])
    return f_size, f_size[:, None] * df


def descent_scale(pars, nsteps):
    """The `scale` for parameters after `nsteps` of gradient descent computed two ways.

    Each step rounds ``pars - lr * grad`` once, at the size of the parameters, and the
    gradient to rounding of its own terms (smaller, times a small learning rate). Two
    runs that round differently at every step therefore drift apart by at most about
    ``nsteps`` roundings of the parameters' size, as long as the steps do not amplify
    a difference (gradient descent with a learning rate that decreases the risk does
    not, on these problems). Independent roundings add up like a random walk, so the
    drift measured is far below this linear bound (1e-4 of it in tests/test_restarts.py).

    Parameters
    ----------
    pars : ndarray of shape (..., P)
        The trained parameters (one run per row).
    nsteps : int

    Returns
    -------
    ndarray of shape (..., 1)
        ``max(nsteps, 1) * max |pars|`` per run.
    """
    pars = np.asarray(pars, dtype=np.float64)
    return max(nsteps, 1) * np.abs(pars).max(axis=-1, keepdims=True)


def risk_scales(X, z, pars):
    """Sizes of the terms behind the empirical risk of the 2-H-1 network and its gradient.

    The risk is the mean over the N points of ``loss = -log(theta)`` (z = 1) or
    ``-log(1 - theta)`` (z = 0); a rounding of theta moves the loss by at most
    ``1 / min(theta, 1 - theta)`` times itself. A gradient entry is the mean of
    ``loss'(theta) * dtheta/dparameter`` with ``|loss'| <= 1 / min(theta, 1 - theta)``.
    So the scales are those of `network_scales`, times that factor, averaged over the
    points (plus the losses themselves for the risk). Compare with ``n_terms`` about N.

    Parameters
    ----------
    X : ndarray of shape (N, 2)
    z : ndarray of shape (N,)
    pars : ndarray of shape (4H+1,)

    Returns
    -------
    risk_scale : float
    grad_scale : ndarray of shape (4H+1,)
    """
    X = np.asarray(X, dtype=np.float64)
    pars = np.asarray(pars, dtype=np.float64)
    H = (len(pars) - 1) // 4
    rows = pars[: 3 * H].reshape(H, 3)
    f = np.maximum(X @ rows[:, :2].T + rows[:, 2], 0.0) @ pars[3 * H : 4 * H] + pars[4 * H]
    theta = 1.0 / (1.0 + np.exp(-f))
    pull = 1.0 / np.maximum(np.minimum(theta, 1.0 - theta), EPS)
    losses = -np.log(np.maximum(np.where(np.asarray(z) == 1, theta, 1.0 - theta), EPS))
    theta_scale, grad_scale = network_scales(X, pars)
    risk_scale = float(np.mean(losses + pull * theta_scale))
    return risk_scale, (pull[:, None] * grad_scale).mean(axis=0)
