"""Reverse mode: the gradient of the risk without the (N, P) Jacobian (chapter 10).

`empirical_risk` asks the network for d theta_n / d pars, an (N, P) matrix with one
row per point, and only then averages it against loss'(theta_n). But the risk needs
just one P-vector. Going backwards from the risk, every step multiplies a small
vector (the derivative of the risk with respect to some intermediate array) by one
layer's local derivative; no (N, P) matrix is ever formed. This is backpropagation,
and it is what every deep-learning framework does.
"""

import numpy as np

from ._validate import as_labels, as_mlp_pars, as_points
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
    The hidden layer is computed as an (H, N) array, one row per hidden neuron, so
    that each step below works on contiguous rows of N numbers.

    The first backward step uses a fact that only holds for a sigmoid output with
    the cross-entropy loss: ``loss'(theta) * sigmoid'(f) = theta - z``. Where `loss`
    clips theta (a probability within 2.2e-16 of the wrong label) the two paths
    differ; nowhere else.
    """
    X = as_points(X)
    N = X.shape[0]
    z = as_labels(z, N)
    pars, H = as_mlp_pars(pars)
    hidden_pars = pars[: 3 * H].reshape(H, 3)  # row h: [w_h1, w_h2, b_h]
    v, c = pars[3 * H : 4 * H], pars[4 * H]

    # Append a 1 to every point, as `linear` does: a hidden neuron's feature is then
    # one dot product with its row [w_h1, w_h2, b_h], and the gradient with respect
    # to that row comes out of one matrix product at the end.
    X1 = np.ones((N, 3))
    X1[:, :2] = X

    # Forward, keeping what the backward pass reads.
    A = hidden_pars @ X1.T  # (H, N) hidden features
    active = A > 0  # (H, N) where relu' = 1
    hidden = np.maximum(A, 0.0)  # (H, N)
    theta, _ = sigmoid(v @ hidden + c)  # (N,)
    losses, _ = loss(z, theta)

    # Backward: d risk / d (each array), from the output down.
    d_f = (theta - z) / N  # (N,)   the output feature
    d_A = np.outer(v, d_f) * active  # (H, N) the hidden features: through v, then relu'

    grad = np.empty(4 * H + 1)
    grad[: 3 * H] = (d_A @ X1).ravel()  # (H, 3) in the layout of pars
    grad[3 * H : 4 * H] = hidden @ d_f  # (H,)
    grad[4 * H] = d_f.sum()
    return float(losses.sum()) / N, grad, theta
