"""Many training runs at once: one vectorised gradient descent over a batch of starts.

Whether a small network learns depends on where it starts (chapter 6). To see how
often, and why, chapter 8 trains a hundred starting points. Run one after the other,
each step of each run pays numpy's fixed cost per call on small arrays; stacked into
one batch, a hundred runs share every call, and the arithmetic, identical for each
run, is done on arrays a hundred times larger.
"""

from statistics import NormalDist

import numpy as np

from ._validate import as_mlp_pars, trusted
from .n_neurons import mlp
from .network import multilayer_perceptron
from .training import _check_lr, _check_nsteps, _unpack_data, loss

#: Largest K * N * H (numbers in one batched (K, H, N) array) that `learn_many` lets
#: a batch grow to. Beyond it the step's arrays no longer fit in the processor's
#: caches and the batch stops paying; `make bench` measures where that happens.
BATCH_BUDGET = 2**17

#: Beyond this |f| `loss` may clip a probability (-log(EPS) = 36.04), and a step then
#: computes d risk / d f the way `learn` does; below it, theta - z is the same number.
SATURATED = 35.0
THETA_LOW, THETA_HIGH = 1 / (1 + np.exp(SATURATED)), 1 / (1 + np.exp(-SATURATED))

#: How often (in steps) a batch looks for runs whose parameters overflowed.
CHECK_EVERY = 1000


def learn_many(data, pars_batch, theta_func=multilayer_perceptron, nsteps=15000, lr=0.01):
    """Train K starting parameter vectors of the same network, as K `learn` calls would.

    Parameters
    ----------
    data : tuple (X, z)
        X of shape (N, 2), labels z of shape (N,).
    pars_batch : ndarray of shape (K, P)
        One starting vector per row; P = 4H+1 (9 for the sheet's network). Not
        modified.
    theta_func : {multilayer_perceptron, mlp}
        The network, as for `learn`. Both are the same 2-H-1 network here;
        `multilayer_perceptron` insists on P = 9.
    nsteps : int
        Full-batch gradient steps per run (0 returns a copy of `pars_batch`).
    lr : float
        The learning rate, > 0.

    Returns
    -------
    ndarray of shape (K, P)
        Row k is what ``learn(data, pars_batch[k], theta_func, nsteps, lr)`` returns,
        up to rounding (agreement to 1e-12 is tested).

    Raises
    ------
    ValueError
        If `pars_batch` is not a (K, P) array of finite numbers with P = 4H+1, or
        `theta_func` is not one of the package's two networks.
    FloatingPointError
        If any run diverges; the message lists which rows.

    Notes
    -----
    The runs are split into equal chunks of at most ``BATCH_BUDGET / (N H)`` runs
    (at least one), each chunk trained as one batch (`_descend_batch`). Larger chunks
    would make every array of a step spill out of the processor's cache, and a chunk
    that large is slower per run than two smaller ones (`make bench` prints where).

    The backward pass starts from ``theta - z`` (as `backprop_risk` does). `learn`'s
    default, the sheet's Jacobian path, clips the loss at a confident wrong answer
    (theta within 2.2e-16 of the wrong label); only a run that gets there would
    differ from `learn` by more than rounding.
    """
    if theta_func not in (mlp, multilayer_perceptron):
        name = getattr(theta_func, "__name__", repr(theta_func))
        raise ValueError(f"theta_func must be mlp or multilayer_perceptron, got {name}")
    X, z = _unpack_data(data)
    nsteps = _check_nsteps(nsteps)
    lr = _check_lr(lr)
    try:
        pars_batch = np.array(pars_batch, dtype=np.float64)  # a copy: the caller's is left alone
    except (TypeError, ValueError) as err:
        raise TypeError(f"pars_batch must be a (K, P) array of numbers: {err}") from None
    if pars_batch.ndim != 2 or pars_batch.shape[0] == 0:
        raise ValueError(
            f"pars_batch must have shape (K, P) with K >= 1: one parameter vector per row; "
            f"got shape {pars_batch.shape}"
        )
    if theta_func is multilayer_perceptron and pars_batch.shape[1] != 9:
        raise ValueError(
            f"multilayer_perceptron takes 9 parameters; pars_batch has shape {pars_batch.shape}"
        )
    for k, pars in enumerate(pars_batch):
        as_mlp_pars(pars, name=f"pars_batch[{k}]")  # length 4H+1 and finite, or a clear error

    K, P = pars_batch.shape
    H = (P - 1) // 4
    largest = max(1, BATCH_BUDGET // (X.shape[0] * H))  # runs per chunk at most
    n_chunks = -(-K // largest)  # ceil(K / largest)
    for runs in np.array_split(np.arange(K), n_chunks):  # chunks of equal size, +-1
        pars_batch[runs] = _descend_batch(X, z, pars_batch[runs], nsteps, lr, first=runs[0])
    return pars_batch


def _descend_batch(X, z, pars, nsteps, lr, first=0):
    """Gradient descent on K runs at once, each step the backward pass of `backprop_risk`.

    Parameters
    ----------
    X : ndarray of shape (N, 2)
    z : ndarray of shape (N,)
    pars : ndarray of shape (K, 4H+1)
        The starting vectors, one per row; not modified.
    nsteps : int
    lr : float
    first : int
        The row of `pars` in the caller's batch, for error messages.

    Returns
    -------
    ndarray of shape (K, 4H+1)

    Notes
    -----
    Every array of `backprop_risk` gets a leading axis of length K: the (H, N) hidden
    features of one run become a (K, H, N) array, and a product of two of them
    becomes a stack of K matrix products (``np.matmul`` on 3-d arrays). Where the
    matrix on one side is the same for every run (the points ``[x_1, x_2, 1]``) the
    K runs' rows are stacked into one 2-d matrix product instead. The arrays are
    allocated once and overwritten (``out=``) at every step: a fresh array of this
    size would cost one more pass over memory each time. The factor v_h of the hidden
    rows' gradient is applied after the sum over points rather than before, which
    changes nothing but the rounding.

    The derivative of the risk with respect to the output feature f of point n is
    ``(theta_n - z_n) / N`` as long as `loss` does not clip: that needs the
    probability of the observed label to be at least EPS = 2.2e-16, which holds
    whenever |f| < 36. In a step where some |f| exceeds SATURATED, it is computed as
    `learn` computes it, ``loss'(theta) * sigmoid'(f) / N`` with the clipped loss.
    Then a point that the network is certain about, and wrong, pushes (almost) not at
    all, in `learn_many` as in `learn`.
    """
    N = X.shape[0]
    K, P = pars.shape
    H = (P - 1) // 4
    X1 = np.ones((N, 3))  # [x_1, x_2, 1] per point, as in `linear`
    X1[:, :2] = X
    X1T = np.ascontiguousarray(X1.T)  # (3, N), the rows x_1, x_2, 1
    z = np.asarray(z, dtype=np.float64)
    z_runs = np.tile(z, K)  # (K * N,) for `_clip_like_learn`

    # The parameters of all K runs, as three arrays that the steps update in place.
    hidden_rows = pars[:, : 3 * H].reshape(K, H, 3).copy()  # row [w_h1, w_h2, b_h]
    v = pars[:, 3 * H : 4 * H].copy()  # (K, H)
    c = pars[:, 4 * H].copy()  # (K,)

    A = np.empty((K, H, N))  # the hidden features, then relu of them
    d_A = np.empty((K, H, N))  # relu'(A), then d risk / d A without the factor v_h
    d_f = np.empty((K, 1, N))  # the output feature f, then theta, then d risk / d f
    grad_rows = np.empty((K, H, 3))
    grad_v = np.empty((K, H, 1))

    # exp(-f) overflows to inf for f < -709, and 1 / (1 + inf) = 0 is then the right
    # sigmoid (and exp(-f) underflows harmlessly for f > 709). A diverging run turns
    # into inf and nan, which the check below reports by run: so no warnings here.
    with np.errstate(all="ignore"):
        for step in range(nsteps):
            # Forward, as in `backprop_risk`, for K runs at once.
            np.dot(hidden_rows.reshape(K * H, 3), X1T, out=A.reshape(K * H, N))
            np.greater(A, 0.0, out=d_A)  # relu'(A): 1.0 or 0.0
            A *= d_A  # relu(A)
            np.matmul(v[:, None, :], A, out=d_f)  # (K, 1, H) @ (K, H, N): f without c
            d_f += c[:, None, None]
            saturated = d_f.max() > SATURATED or d_f.min() < -SATURATED
            np.negative(d_f, out=d_f)  # theta = 1 / (1 + exp(-f)), as `sigmoid` has it
            np.exp(d_f, out=d_f)
            d_f += 1.0
            np.reciprocal(d_f, out=d_f)

            # Backward. Sigmoid and cross-entropy together give theta - z, except where
            # `loss` clips a probability (see Notes); there only its own formula agrees.
            if saturated:
                _clip_like_learn(d_f, z_runs)
            else:
                d_f -= z
            d_f /= N
            d_A *= d_f  # relu'(A) * d_f, broadcast over the H neurons
            np.dot(d_A.reshape(K * H, N), X1, out=grad_rows.reshape(K * H, 3))
            grad_rows *= v[:, :, None]  # now d risk / d [w_h1, w_h2, b_h]
            np.matmul(A, d_f.reshape(K, N, 1), out=grad_v)  # (K, H, N) @ (K, N, 1)
            grad_c = d_f.reshape(K, N).sum(axis=1)

            hidden_rows -= lr * grad_rows
            v -= lr * grad_v[:, :, 0]
            c -= lr * grad_c
            if (step + 1) % CHECK_EVERY == 0 or step == nsteps - 1:
                _check_finite(hidden_rows, v, c, step, first)

    return np.concatenate([hidden_rows.reshape(K, 3 * H), v, c[:, None]], axis=1)


def _clip_like_learn(theta, z_runs):
    """Overwrite theta with ``loss'(theta) * sigmoid'(f)``, as `learn` computes it.

    Parameters
    ----------
    theta : ndarray of shape (K, 1, N)
        C-contiguous; changed in place.
    z_runs : ndarray of shape (K * N,)
        The labels, repeated for each run.

    Notes
    -----
    Only where |f| > SATURATED can the two formulas differ by more than rounding, so
    only those entries go through `loss`; the rest get theta - z.
    """
    flat = theta.reshape(-1)  # a view: writing it writes theta
    certain = np.flatnonzero((flat < THETA_LOW) | (flat > THETA_HIGH))
    theta_certain = flat[certain]
    with trusted():  # arrays made by `_descend_batch`: skip the input checks
        _, grad_loss = loss(z_runs[certain], theta_certain)  # clipped as in `learn`
    flat -= z_runs
    flat[certain] = grad_loss[:, 0] * (theta_certain * (1 - theta_certain))  # times sigmoid'


def _check_finite(hidden_rows, v, c, step, first):
    """Raise FloatingPointError naming every run (by its row) that has overflowed."""
    bad = ~(np.isfinite(hidden_rows).all(axis=(1, 2)) & np.isfinite(v).all(axis=1) & np.isfinite(c))
    if bad.any():
        runs = (np.flatnonzero(bad) + first).tolist()
        raise FloatingPointError(
            f"training diverged by step {step + 1} in run(s) {runs[:10]}"
            f"{' ...' if len(runs) > 10 else ''} (rows of pars_batch): their parameters "
            f"overflowed. Try a smaller learning rate or smaller starting parameters for "
            f"those rows."
        )


def wilson_interval(successes, n, confidence=0.95):
    """The Wilson score interval for a success rate seen as `successes` out of `n` runs.

    Parameters
    ----------
    successes : int
        Runs that succeeded, 0 <= successes <= n.
    n : int
        Runs in all, n >= 1.
    confidence : float
        The interval's confidence level, in (0, 1); 0.95 gives the 95 % interval.

    Returns
    -------
    low, high : float
        The rates p in [0, 1] that a score test at this level does not reject:
        ``(successes / n - p)**2 <= q**2 p (1 - p) / n`` with q the normal quantile
        (1.96 for 95 %).

    Raises
    ------
    TypeError
        If `successes` or `n` is not an int.
    ValueError
        If they are out of range, or `confidence` is not in (0, 1).

    Notes
    -----
    Chapter 8 counts how many of n random starts learn. The textbook interval
    p_hat +- q sqrt(p_hat (1 - p_hat) / n) shrinks to a point at 0 of n or n of n
    and leaves [0, 1] near them; the Wilson interval does neither (Wilson 1927; Brown,
    Cai and DasGupta 2001 recommend it for counts like these).
    """
    for name, value in (("successes", successes), ("n", n)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if n < 1 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n and n >= 1, got {successes} of {n}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    q = NormalDist().inv_cdf(0.5 + confidence / 2)
    rate = successes / n
    centre = (rate + q**2 / (2 * n)) / (1 + q**2 / n)
    half_width = q / (1 + q**2 / n) * np.sqrt(rate * (1 - rate) / n + q**2 / (4 * n**2))
    # At 0 of n and n of n the exact bounds are 0 and 1; rounding must not move them.
    low = 0.0 if successes == 0 else max(0.0, centre - half_width)
    high = 1.0 if successes == n else min(1.0, centre + half_width)
    return float(low), float(high)
