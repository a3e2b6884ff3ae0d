"""The rectified linear unit, the hidden neurons' activation (chapter 2)."""

import numpy as np

from ._validate import as_values


def relu(x):
    """The ReLU activation ``max(0, x)`` and its derivative.

    Parameters
    ----------
    x : ndarray of shape (N,)
        A scalar is taken as shape (1,).

    Returns
    -------
    out : ndarray of shape (N,)
        ``x`` where it is positive, 0 elsewhere.
    grad : ndarray of shape (N, 1)
        1.0 where ``x > 0``, 0.0 elsewhere, as a column (like `sigmoid`'s) so that
        it scales the rows of an (N, P) gradient by broadcasting.

    Raises
    ------
    ValueError
        If x is not a vector or holds NaN.

    Notes
    -----
    ReLU has no derivative at 0: the slope jumps from 0 to 1 there. We take
    ``relu'(0) = 0``, as PyTorch and scikit-learn do. Any value in [0, 1] would be a
    valid subgradient; 0 means a neuron whose feature is exactly 0 does not learn
    from that point.
    """
    x = as_values(x)
    out = np.maximum(x, 0.0)
    grad = (x > 0).astype(np.float64)  # relu'(0) = 0, as in PyTorch
    return out, grad.reshape(-1, 1)
