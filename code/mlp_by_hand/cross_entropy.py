"""The loss of one prediction, and the error a run that blows up raises (chapter 6).

Both `training` (the sheet's way to the gradient) and `backprop` (chapter 10's way)
need them; they live here so that those two modules import in one direction only:
`training` uses `backprop`, and neither is needed to define the loss.
"""

import numpy as np

from ._validate import as_labels, as_probabilities

#: The smallest probability `loss` takes the logarithm of (float64's machine epsilon).
EPS = np.finfo(np.float64).eps


def loss(z, theta):
    """Binary cross-entropy of each label under the predicted probability.

    Parameters
    ----------
    z : ndarray of shape (N,)
        Observed labels, 0 or 1.
    theta : ndarray of shape (N,)
        Predicted probabilities of label 1, in [0, 1].

    Returns
    -------
    out : ndarray of shape (N,)
        ``-log(theta)`` where z is 1 and ``-log(1 - theta)`` where z is 0.
    grad : ndarray of shape (N, 1)
        d out / d theta: ``-1 / theta`` where z is 1, ``1 / (1 - theta)`` where z is 0.

    Notes
    -----
    Write p for the probability the model gives to the label it sees: theta where z
    is 1, 1 - theta where z is 0. Then ``out = -log(p)``.

    A confident wrong answer (p exactly 0) would cost -log(0) = inf. p is therefore
    clipped from below at EPS = 2.2e-16, float64's machine epsilon (as scikit-learn
    does), so the loss never exceeds -log(EPS) = 36.04. Value and gradient are both
    taken at the clipped p, so they stay finite and consistent: where the clip acts
    the gradient is ``-1 / EPS`` (or ``+1 / EPS``), the steepest push back there is.
    Above EPS nothing changes.
    """
    theta = as_probabilities(theta)
    z = as_labels(z, len(theta))
    p = np.where(z == 1, theta, 1 - theta)  # probability of the label seen
    p = np.maximum(p, EPS)  # -log(0) is inf: see "Why the package clips"
    out = -np.log(p)
    grad = np.where(z == 1, -1 / p, 1 / p)
    return out, grad.reshape(-1, 1)


def diverged(step, lr, why):
    """The error `learn` and `descend` raise when a run overflows at `step`."""
    return FloatingPointError(
        f"training diverged at step {step}: {why}. The parameters grew too large to "
        f"represent; try a smaller learning rate than lr={lr} or smaller starting parameters."
    )
