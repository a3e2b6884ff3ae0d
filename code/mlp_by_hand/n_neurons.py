"""The network with H hidden ReLU neurons, written with matrices (chapter 7).

The parameter vector keeps the sheet's order, three numbers per hidden neuron and
then the output neuron::

    pars = [w_11, w_12, b_1, ..., w_H1, w_H2, b_H,   v_1, ..., v_H,   c]
            hidden neuron h: row h of an (H, 3) matrix   output weights  bias

so that H = 2 is exactly the nine-vector of `multilayer_perceptron`.
"""

import numpy as np

from ._validate import as_mlp_pars, as_points
from .perceptron import sigmoid


def unpack(pars):
    """Split a flat parameter vector into the network's matrices.

    Parameters
    ----------
    pars : ndarray of shape (4H+1,)

    Returns
    -------
    W : ndarray of shape (H, 2)
        Row h holds hidden neuron h's weights ``[w_h1, w_h2]``.
    b : ndarray of shape (H,)
        The hidden biases.
    v : ndarray of shape (H,)
        The output neuron's weights.
    c : float
        The output neuron's bias.

    These are views into `pars`, not copies.
    """
    pars, H = as_mlp_pars(pars)
    hidden = pars[: 3 * H].reshape(H, 3)
    return hidden[:, :2], hidden[:, 2], pars[3 * H : 4 * H], pars[4 * H]


def mlp(X, pars):
    """theta(x) of the 2-H-1 network for N points, and its (N, 4H+1) gradient.

    Parameters
    ----------
    X : ndarray of shape (N, 2)
    pars : ndarray of shape (4H+1,)
        ``[w_11, w_12, b_1, ..., w_H1, w_H2, b_H, v_1, ..., v_H, c]``;
        H is ``(len(pars) - 1) // 4``.

    Returns
    -------
    theta : ndarray of shape (N,)
        The probability of class 1 at each point.
    grad : ndarray of shape (N, 4H+1)
        Row n is the gradient of ``theta[n]`` with respect to every parameter, in
        the order of `pars`.

    Notes
    -----
    The same chain rule as `multilayer_perceptron`, with matrix products instead of
    one call per neuron. Writing A for the (N, H) hidden features, a_k for its column
    k and s for sigmoid'(f), the gradient of theta with respect to

    - ``v_k`` is ``s * relu(a_k)``,
    - ``c`` is ``s``,
    - ``[w_k1, w_k2, b_k]`` is ``s * v_k * relu'(a_k) * [x_1, x_2, 1]``.

    With H = 2 the numbers are those of `multilayer_perceptron` up to rounding (a
    few units in the last bit): a matrix product adds its terms in its own order.
    The code is written to be read against the equations; the fast gradient of the
    risk is `mlp_by_hand.backprop`'s.
    """
    X = as_points(X)
    W, b, v, c = unpack(pars)
    A = X @ W.T + b  # (N, H) hidden features a_nk
    hidden = np.maximum(A, 0)  # (N, H) relu(A)
    theta, s = sigmoid(hidden @ v + c)  # (N,) and (N, 1): s = sigma'(f)

    D = s * v * (A > 0)  # (N, H) d theta / d A = s v_k relu'(a_nk)
    X1 = np.column_stack([X, np.ones(len(X))])  # (N, 3) rows [x_1, x_2, 1]
    # (N, H, 3): row n, neuron k holds d theta_n / d (w_k1, w_k2, b_k)
    grad_hidden = D[:, :, None] * X1[:, None, :]
    grad = np.column_stack([grad_hidden.reshape(len(X), -1), s * hidden, s])
    return theta, grad  # (N,), (N, 4H+1)


def init_pars(n_hidden, seed=None):
    """Random starting parameters for `mlp` with `n_hidden` ReLU neurons.

    Parameters
    ----------
    n_hidden : int
        H, the number of hidden neurons (at least 1).
    seed : int or None
        Seed for ``numpy.random.default_rng``; the same seed gives the same vector.

    Returns
    -------
    pars : ndarray of shape (4H+1,)

    Notes
    -----
    Hidden weights are drawn from N(0, 2 / fan_in) with fan_in = 2 inputs (He et al.,
    2015): a ReLU zeroes about half of its inputs, and this variance makes up for it
    so the hidden features keep the scale of the data. Hidden biases are drawn from
    N(0, 0.1^2) so that the neurons' lines do not all pass through the origin.
    Output weights are drawn from N(0, 1 / H) (Glorot's scale for a sigmoid unit
    reading H inputs) so that theta starts near 0.5 whatever H is; the output bias
    starts at 0.
    """
    is_int = isinstance(n_hidden, (int, np.integer))
    if isinstance(n_hidden, bool) or not is_int:
        kind = type(n_hidden).__name__
        raise TypeError(f"n_hidden must be an int, got {kind}")
    if n_hidden < 1:
        raise ValueError(f"n_hidden must be at least 1, got {n_hidden}")
    rng = np.random.default_rng(seed)
    H = int(n_hidden)
    W = rng.normal(0.0, np.sqrt(2.0 / 2), size=(H, 2))
    b = rng.normal(0.0, 0.1, size=H)
    v = rng.normal(0.0, np.sqrt(1.0 / H), size=H)
    return np.concatenate([np.column_stack([W, b]).ravel(), v, [0.0]])
