"""Reverse mode: the gradient of the risk without the (N, P) Jacobian (chapter 10).

`empirical_risk` asks the network for d theta_n / d pars, an (N, P) matrix with one
row per point, and only then averages it against loss'(theta_n). But the risk needs
just one P-vector. Going backwards from the risk, every step multiplies a small
array (the derivative of the risk with respect to some intermediate array) by one
layer's local derivative; no (N, P) matrix is ever formed. This is backpropagation,
and it is what every deep-learning framework does.
"""

import numpy as np

from ._validate import as_labels, as_mlp_pars, as_points, trusted
from .perceptron import sigmoid
from .training import loss


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

    # The points as the rows x_1, x_2 and 1 of a (3, N) array, as `linear` appends a 1:
    # all H hidden features are then one matrix product, and so is their gradient.
    X1 = np.ones((3, N))
    X1[:2] = X.T

    # Forward, keeping what the backward pass reads.
    A = U @ X1  # (H, N) hidden features
    active = A > 0  # (H, N) relu'(A), as booleans
    hidden = np.maximum(A, 0.0)  # (H, N) relu(A)
    with trusted():  # the arrays passed on below were made here: skip re-checking them
        theta, _ = sigmoid(v @ hidden + c)  # (N,)
        losses, _ = loss(z, theta)  # (N,)

    # Backward, from the output down.
    d_f = (theta - z) / N  # (N,) the output feature (see Notes)
    d_v = hidden @ d_f  # (H,)
    d_c = d_f.sum()
    # d_A = outer(v, d_f) * active is (H, N), and d_U = d_A @ X1.T. But v_h is the same
    # for every point in row h, so it is applied after the sum over the points, to the
    # (H, 3) result: one pass fewer over an (H, N) array.
    d_U = v[:, None] * ((active * d_f) @ X1.T)  # (H, 3), rows [w_h1, w_h2, b_h]
    grad = np.concatenate([d_U.ravel(), d_v, [d_c]])  # the layout of pars
    return float(losses.sum()) / N, grad, theta
