"""Reverse mode: the gradient of the risk without the (N, P) Jacobian (chapter 10).

`empirical_risk` asks the network for d theta_n / d pars, an (N, P) matrix with one
row per point, and only then averages it against loss'(theta_n). But the risk needs
just one P-vector. Going backwards from the risk, every step multiplies a small
array (the derivative of the risk with respect to some intermediate array) by one
layer's local derivative; no (N, P) matrix is ever formed. This is backpropagation,
and it is what every deep-learning framework does.

`backprop_risk` is one evaluation, written to be read against the equations.
`descend` runs the same arithmetic for a whole training run, the way a framework's
training loop does: every array is allocated once and overwritten at each step.
"""

import math

import numpy as np

from ._validate import as_labels, as_mlp_pars, as_points, trusted
from .cross_entropy import diverged as _diverged
from .cross_entropy import loss
from .perceptron import sigmoid


def backprop_risk(X, z, pars):
    """The empirical risk of the 2-H-1 network and its gradient, computed backwards.

    Parameters
    ----------
    X : ndarray of shape (N, 2)
    z : ndarray of shape (N,)
        Labels, 0 or 1.
    pars : ndarray of shape (4H+1,)
        ``[w_11, w_12, b_1, ..., w_H1, w_H2, b_H, v_1, ..., v_H, c]``, as for `mlp`;
        H = 2 is `multilayer_perceptron`'s nine-vector.

    Returns
    -------
    risk : float
        The mean loss, as `empirical_risk` returns it.
    grad : ndarray of shape (4H+1,)
        Its gradient: the same numbers as ``empirical_risk(X, z, mlp, pars)[1]``, up to
        rounding.
    theta : ndarray of shape (N,)

    Notes
    -----
    Every array of the hidden layer is (H, N), one row per hidden neuron, so that each
    step works on contiguous rows of N numbers. Each ``d_name`` is the derivative of
    the risk with respect to ``name`` and has its shape.

    The first backward step uses a fact that only holds for a sigmoid output with
    the cross-entropy loss: ``loss'(theta) * sigmoid'(f) = theta - z``. Where `loss`
    clips theta (a probability within 2.2e-16 of the wrong label) the two paths
    differ; nowhere else.
    """
    X = as_points(X)
    N = X.shape[0]
    z = as_labels(z, N)
    pars, H = as_mlp_pars(pars)
    U = pars[: 3 * H].reshape(H, 3)  # row h: [w_h1, w_h2, b_h]
    v, c = pars[3 * H : 4 * H], pars[4 * H]

    # The points as the rows x_1, x_2 and 1 of a (3, N) array (`linear`
    # appends the same 1): all H hidden features are one matrix product.
    X1 = np.ones((3, N))
    X1[:2] = X.T

    # Forward, keeping what the backward pass reads.
    A = U @ X1  # (H, N) hidden features
    hidden = np.maximum(A, 0.0)  # (H, N) relu(A)
    with trusted():  # arrays made here: no need to check them again
        theta, _ = sigmoid(v @ hidden + c)  # (N,)
        losses, _ = loss(z, theta)  # (N,)

    # Backward, from the output down.
    d_f = (theta - z) / N  # (N,) the output feature (see Notes)
    d_v = hidden @ d_f  # (H,)
    d_c = d_f.sum()
    # d_A = outer(v, d_f) * relu'(A) is (H, N), and d_U = d_A @ X1.T.
    # But v_h is the same for every point, and d_f_n for every neuron:
    # both can leave the (H, N) array. d_f scales the rows of X1 (3N
    # numbers) and v the (H, 3) result; only relu'(A) is (H, N).
    relu_grad = (A > 0).astype(np.float64)  # 1 where A > 0, relu'(0) = 0
    d_U = v[:, None] * (relu_grad @ (X1 * d_f).T)  # rows [w_h1, w_h2, b_h]
    grad = np.concatenate([d_U.ravel(), d_v, [d_c]])  # the layout of pars
    return float(losses.sum()) / N, grad, theta


def descend(X, z, pars, nsteps, lr):
    """Gradient descent with the backward pass of `backprop_risk`, in preallocated arrays.

    This is what ``learn(data, pars, mlp, nsteps, lr, method="backprop")`` runs when it
    records nothing (no `history`, not `verbose`).

    Parameters
    ----------
    X : ndarray of shape (N, 2)
    z : ndarray of shape (N,)
        Labels, 0 or 1.
    pars : ndarray of shape (4H+1,)
        The starting parameters, as for `mlp`; not modified.
    nsteps : int
    lr : float

    Returns
    -------
    pars : ndarray of shape (4H+1,)
        The parameters after `nsteps` steps ``pars <- pars - lr * grad``, with grad
        the gradient of `backprop_risk`: the same numbers up to rounding.

    Raises
    ------
    FloatingPointError
        If the parameters overflow; the message names the step.

    Notes
    -----
    The inputs are trusted: `learn` has checked them. Three things make a step cheaper
    than a call of `backprop_risk`, none of which changes the arithmetic beyond
    rounding:

    - No array is allocated inside the loop. At N = 1000 and H = 15 a step is about
      twenty numpy calls on arrays that fit in the processor's cache, and numpy's
      fixed cost per call is a good part of the time.
    - The hidden layer carries a last row of ones, so that the output bias c is one
      more weight, on a neuron that always outputs 1: ``[v, c] @ hidden1`` is the
      output feature and ``hidden1 @ d_f`` the gradient of ``[v, c]``, one product each.
    - The risk itself is never computed: no step needs it. The 1/N of the mean moves
      from the gradient into the step size, ``lr / N``.
    """
    N = X.shape[0]
    pars = np.array(pars, dtype=np.float64)  # the copy that descends
    H = (pars.shape[0] - 1) // 4
    # Views into pars, so that each update of pars moves them too:
    U = pars[: 3 * H].reshape(H, 3)  # rows [w_h1, w_h2, b_h]
    v, v_c = pars[3 * H : 4 * H], pars[3 * H :]  # v, and [v, c]

    # Every array a step needs, made once. Names as in `backprop_risk`.
    X1 = np.ones((3, N))  # the points as rows x_1, x_2, 1
    X1[:2] = X.T
    hidden1 = np.ones((H + 1, N))  # relu(A), and a last row of ones
    hidden = hidden1[:H]
    relu_grad = np.empty((H, N))
    f = np.empty(N)  # f, then theta, then N * d risk / d f
    scaled = np.empty((3, N))  # the rows of X1 times d_f
    grad_rows = np.empty((3, H))  # d_U transposed, without v
    grad = np.empty_like(pars)  # N times the gradient of the risk
    grad_U, grad_v_c = grad[: 3 * H].reshape(H, 3), grad[3 * H :]
    step_size = lr / N

    # exp(-f) overflows to inf for f < -709, and 1 / (1 + inf) = 0 is
    # the right sigmoid there: no warnings. Parameters that overflow
    # are caught by the check at the end of each step instead.
    with np.errstate(all="ignore"):
        for step in range(nsteps):
            np.dot(U, X1, out=hidden)  # A
            np.greater(hidden, 0.0, out=relu_grad)  # relu'(A)
            hidden *= relu_grad  # relu(A)
            np.dot(v_c, hidden1, out=f)  # v @ relu(A) + c
            np.negative(f, out=f)  # theta = 1 / (1 + exp(-f))
            np.exp(f, out=f)
            f += 1.0
            np.reciprocal(f, out=f)
            f -= z  # theta - z

            np.dot(hidden1, f, out=grad_v_c)  # [v, c]
            np.multiply(X1, f, out=scaled)
            # Three matrix-vector products: faster than one matrix
            # product (H, N) @ (N, 3) at these sizes.
            for j in range(3):
                np.dot(relu_grad, scaled[j], out=grad_rows[j])
            np.multiply(grad_rows.T, v[:, None], out=grad_U)
            pars -= step_size * grad
            if not math.isfinite(pars.sum()):  # any inf or nan
                raise _diverged(step, lr, "the parameters overflowed")
    return pars
