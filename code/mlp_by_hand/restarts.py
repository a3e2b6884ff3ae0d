"""Many training runs at once: one vectorised gradient descent over a batch of starts.

Whether a small network learns depends on where it starts (chapter 6). To see how
often, and why, chapter 8 trains a hundred starting points. Run one after the other,
each step of each run pays numpy's fixed cost per call on small arrays; stacked into
one batch, a hundred runs share every call, and the arithmetic, identical for each
run, is done on arrays a hundred times larger.
"""

import numpy as np

from ._validate import as_mlp_pars, trusted
from .n_neurons import mlp
from .network import multilayer_perceptron
from .perceptron import sigmoid
from .training import _check_lr, _check_nsteps, _unpack_data, learn

#: Largest K * N * H (numbers in one batched (K, H, N) array) that `learn_many` lets
#: a batch grow to. Beyond it each array spills out of the processor's cache and the
#: batch stops paying; `make bench` measures where that happens.
BATCH_BUDGET = 2**17


def learn_many(data, pars_batch, theta_func=multilayer_perceptron, nsteps=15000, lr=0.01):
    """Train K starting parameter vectors of the same network, as K `learn` calls would.

    Parameters
    ----------
    data : tuple (X, z)
        X of shape (N, 2), labels z of shape (N,).
    pars_batch : ndarray of shape (K, P)
        One starting vector per row; P = 4H+1 (9 for the sheet's network).
    theta_func : {multilayer_perceptron, mlp}
        The network, as for `learn`. Both are the same 2-H-1 network here.
    nsteps : int
    lr : float

    Returns
    -------
    ndarray of shape (K, P)
        Row k is what ``learn(data, pars_batch[k], theta_func, nsteps, lr)`` returns,
        up to rounding (agreement to 1e-12 is tested).

    Raises
    ------
    FloatingPointError
        If any run diverges; the message lists which.

    Notes
    -----
    The runs are split into chunks of at most ``BATCH_BUDGET / (N H)`` runs (at least
    one), each chunk trained as one batch with the backward pass of
    `mlp_by_hand.backprop`. For large N * H a chunk holds a single run, and that is
    plain ``learn(..., method="backprop")``.
    """
    if theta_func not in (mlp, multilayer_perceptron):
        name = getattr(theta_func, "__name__", repr(theta_func))
        raise ValueError(f"theta_func must be mlp or multilayer_perceptron, got {name}")
    X, z = _unpack_data(data)
    nsteps = _check_nsteps(nsteps)
    lr = _check_lr(lr)
    pars_batch = np.array(pars_batch, dtype=np.float64)  # a copy, trained in place
    if pars_batch.ndim != 2:
        raise ValueError(
            f"pars_batch must have shape (K, P): one parameter vector per row; "
            f"got shape {pars_batch.shape}"
        )
    for k, pars in enumerate(pars_batch):
        as_mlp_pars(pars, name=f"pars_batch[{k}]")
    if theta_func is multilayer_perceptron and pars_batch.shape[1] != 9:
        raise ValueError(
            f"multilayer_perceptron takes 9 parameters; pars_batch has shape {pars_batch.shape}"
        )

    K, P = pars_batch.shape
    H = (P - 1) // 4
    chunk = max(1, BATCH_BUDGET // (X.shape[0] * H))
    if chunk == 1:
        return np.stack([learn(data, p, mlp, nsteps, lr, method="backprop") for p in pars_batch])
    for start in range(0, K, chunk):
        runs = slice(start, min(K, start + chunk))
        pars_batch[runs] = _descend_batch(X, z, pars_batch[runs], nsteps, lr, first=start)
    return pars_batch


def _descend_batch(X, z, pars, nsteps, lr, first=0):
    """Gradient descent on a (K, P) batch, all K runs in every array operation."""
    N = X.shape[0]
    K, P = pars.shape
    H = (P - 1) // 4
    X1 = np.ones((N, 3))  # [x_1, x_2, 1] per point, as in linear
    X1[:, :2] = X
    with trusted(), np.errstate(over="ignore", invalid="ignore"):
        for step in range(nsteps):
            pars = pars - lr * _batch_gradient(X1, z, pars, K, H, N)
            if step % 1000 == 999 or step == nsteps - 1:
                _check_finite(pars, step, first)
    return pars


def _batch_gradient(X1, z, pars, K, H, N):
    """The risk gradient of K runs: `backprop_risk` with a leading axis of length K."""
    hidden_pars = pars[:, : 3 * H].reshape(K * H, 3)  # every run's rows stacked
    v, c = pars[:, 3 * H : 4 * H], pars[:, 4 * H]

    A = (hidden_pars @ X1.T).reshape(K, H, N)  # one matrix product for all runs
    active = A > 0
    hidden = np.maximum(A, 0.0)
    f = np.einsum("kh,khn->kn", v, hidden) + c[:, None]  # (K, N)
    theta = sigmoid(f.ravel())[0].reshape(K, N)

    d_f = (theta - z) / N  # (K, N)
    d_A = v[:, :, None] * d_f[:, None, :] * active  # (K, H, N)
    grad = np.empty((K, 4 * H + 1))
    grad[:, : 3 * H] = (d_A.reshape(K * H, N) @ X1).reshape(K, 3 * H)
    grad[:, 3 * H : 4 * H] = np.einsum("khn,kn->kh", hidden, d_f)
    grad[:, 4 * H] = d_f.sum(axis=1)
    return grad


def _check_finite(pars, step, first):
    bad = ~np.isfinite(pars).all(axis=1)
    if bad.any():
        runs = (np.flatnonzero(bad) + first).tolist()
        raise FloatingPointError(
            f"training diverged by step {step + 1} in run(s) {runs[:10]}"
            f"{' ...' if len(runs) > 10 else ''}: their parameters overflowed. Try a "
            f"smaller learning rate or smaller starting parameters for those rows."
        )
