"""One artificial neuron: a linear feature followed by the sigmoid (chapters 1 and 4).

Every function returns its value together with its derivatives, so that a network
can be differentiated by multiplying the pieces together with the chain rule.
"""

import numpy as np

from ._validate import as_pars, as_points, as_values


def linear(X, pars):
    """The linear feature ``w_1 x_1 + w_2 x_2 + b`` of every point, with its gradients.

    Parameters
    ----------
    X : ndarray of shape (N, 2)
        One point per row.
    pars : ndarray of shape (3,)
        ``[w_1, w_2, b]``: two weights and a bias.

    Returns
    -------
    out : ndarray of shape (N,)
        The feature of each point.
    grad_pars : ndarray of shape (N, 3)
        Row n is the gradient of ``out[n]`` with respect to ``[w_1, w_2, b]``,
        which is ``[x_n1, x_n2, 1]``.
    grad_x : ndarray of shape (1, 2)
        The gradient of the feature with respect to the point, ``[w_1, w_2]``. It is
        the same for every point, so one row serves all N: it broadcasts.

    Raises
    ------
    ValueError
        If X is not of shape (N, 2) or pars not of shape (3,), or either is not finite.
    TypeError
        If either holds something that is not a real number.
    """
    X = as_points(X)
    pars = as_pars(pars, 3, what=": [w_1, w_2, b]")
    out = X @ pars[:2] + pars[2]
    # row n of grad_pars is [x_n1, x_n2, 1]
    grad_pars = np.column_stack([X, np.ones(len(X))])
    grad_x = pars[:2].reshape(1, 2)  # [w_1, w_2] at every point
    return out, grad_pars, grad_x


def sigmoid(x):
    """The logistic sigmoid ``1 / (1 + exp(-x))`` and its derivative.

    Parameters
    ----------
    x : ndarray of shape (N,)
        A scalar is taken as shape (1,).

    Returns
    -------
    out : ndarray of shape (N,)
        Values in [0, 1].
    grad : ndarray of shape (N, 1)
        ``out * (1 - out)``, as a column so that it scales the rows of an (N, P)
        gradient by broadcasting.

    Raises
    ------
    ValueError
        If x is not a vector or holds NaN.

    Notes
    -----
    For x below about -709, ``exp(-x)`` overflows to inf and numpy warns. The
    warning is harmless here: ``1 / (1 + inf)`` is exactly 0, the right limit, so it
    is silenced for this one line (``sigmoid(-1000)`` is 0, ``sigmoid(1000)`` is 1).
    """
    x = as_values(x)
    with np.errstate(over="ignore"):  # exp(1000) = inf: harmless
        out = 1 / (1 + np.exp(-x))
    grad = out * (1 - out)
    return out, grad.reshape(-1, 1)


def theta_perceptron(X, pars):
    """A single neuron, ``theta(x) = sigmoid(w . x + b)``, and its gradient.

    Parameters
    ----------
    X : ndarray of shape (N, 2)
    pars : ndarray of shape (3,)
        ``[w_1, w_2, b]``.

    Returns
    -------
    theta : ndarray of shape (N,)
        The probability of class 1 at each point.
    grad : ndarray of shape (N, 3)
        Gradient of ``theta[n]`` with respect to the three parameters: the chain rule,
        ``sigmoid'(feature) * d feature / d pars``.

    Raises
    ------
    ValueError
        If X is not of shape (N, 2) or pars not of shape (3,).
    """
    feature1, grad_linear1, _ = linear(X, pars)
    activation1, grad_sigmoid1 = sigmoid(feature1)
    return activation1, grad_sigmoid1 * grad_linear1
