"""Why did a run fail? Failure modes read off the parameters themselves (chapter 8).

A trained 2-H-1 network that has not learned its data usually has one of a few
defects, and each can be seen in the parameters and the data, without drawing a
single contour:

- a **dead** neuron: its feature ``a_h(x) = w_h1 x_1 + w_h2 x_2 + b_h`` is <= 0 at
  every data point, so relu'(a_h) = 0 there and gradient descent can never move
  its three parameters again;
- an **always active** neuron: ``a_h(x) > 0`` at every data point, so the ReLU is
  the identity on the data and the neuron bends nowhere: it adds a plane, no edge;
- **coinciding** neurons: two rows ``[w_h1, w_h2, b_h]`` that point the same way
  (cosine similarity near 1). Their features are then multiples of each other,
  ``relu(lambda a) = lambda relu(a)`` for lambda > 0, and the two neurons act as one;
- a **plateau**: the risk is still high but its gradient is almost zero, so
  gradient descent has (nearly) stopped where it is. The gradient is the one `learn`
  follows (`empirical_risk`): where theta rounds to exactly 0 or 1 it is exactly zero,
  and a run can freeze there with half of its points certain and wrong.
"""

from dataclasses import dataclass

import numpy as np

from ._validate import as_labels, as_mlp_pars, as_points
from .n_neurons import mlp, unpack
from .training import empirical_risk

#: Cosine similarity above which two hidden neurons count as coinciding.
SAME_DIRECTION = 0.99
#: A plateau: risk above this (log 2 = 0.693 is a fair coin) ...
PLATEAU_RISK = 0.3
#: ... with a gradient shorter than this.
PLATEAU_GRAD = 1e-3


def hidden_features(X, pars):
    """The hidden features before the ReLU, one column per neuron.

    Parameters
    ----------
    X : ndarray of shape (N, 2)
    pars : ndarray of shape (4H+1,)
        ``[w_11, w_12, b_1, ..., w_H1, w_H2, b_H, v_1, ..., v_H, c]``.

    Returns
    -------
    ndarray of shape (N, H)
        Entry ``[n, h]`` is ``w_h1 x_n1 + w_h2 x_n2 + b_h``.
    """
    W, b, _, _ = unpack(pars)
    return as_points(X) @ W.T + b


def active_fraction(X, pars):
    """The share of the points of X on which each hidden neuron is active.

    Parameters
    ----------
    X : ndarray of shape (N, 2)
    pars : ndarray of shape (4H+1,)

    Returns
    -------
    ndarray of shape (H,)
        In [0, 1]: 0 for a dead neuron, 1 for one that is always active. A neuron
        can draw an edge inside the data only in between.
    """
    return np.mean(hidden_features(X, pars) > 0, axis=0)


def dead_neurons(X, pars):
    """Which hidden neurons are silent on every point of X.

    Parameters
    ----------
    X : ndarray of shape (N, 2)
    pars : ndarray of shape (4H+1,)

    Returns
    -------
    ndarray of shape (H,), bool
        True for neuron h if its feature is <= 0 at every point: relu and relu' are
        then 0 on all of X, and its gradient is zero for good (chapter 6).
    """
    return np.all(hidden_features(X, pars) <= 0, axis=0)


def always_active(X, pars):
    """Which hidden neurons are active on every point of X.

    Parameters
    ----------
    X : ndarray of shape (N, 2)
    pars : ndarray of shape (4H+1,)

    Returns
    -------
    ndarray of shape (H,), bool
        True for neuron h if its feature is > 0 at every point: on X its ReLU is the
        identity, so the neuron is a linear function there and draws no edge.
    """
    return np.all(hidden_features(X, pars) > 0, axis=0)


def neuron_similarity(pars):
    """Cosine similarity of every pair of hidden rows ``[w_h1, w_h2, b_h]``.

    Parameters
    ----------
    pars : ndarray of shape (4H+1,)

    Returns
    -------
    ndarray of shape (H, H)
        Entry ``[h, g]`` is ``r_h . r_g / (|r_h| |r_g|)`` for the rows r_h, r_g: 1 when
        the two neurons' lines coincide and they are active on the same side, -1 for
        the same line with opposite sides. A row of zeros has similarity 0 with every
        row (it has no direction).
    """
    pars, H = as_mlp_pars(pars)
    rows = pars[: 3 * H].reshape(H, 3)
    norms = np.linalg.norm(rows, axis=1)
    has_length = norms[:, None] > 0  # a row of zeros has no direction: it stays 0
    unit = np.divide(rows, norms[:, None], out=np.zeros_like(rows), where=has_length)
    return unit @ unit.T


def coinciding_pairs(pars, threshold=SAME_DIRECTION):
    """The pairs of hidden neurons whose rows point the same way.

    Parameters
    ----------
    pars : ndarray of shape (4H+1,)
    threshold : float
        Pairs with cosine similarity >= threshold count.

    Returns
    -------
    list of tuple (h, g)
        Neuron numbers from 0, h < g.
    """
    similarity = neuron_similarity(pars)
    h, g = np.nonzero(np.triu(similarity >= threshold, k=1))
    return [(int(a), int(b)) for a, b in zip(h, g, strict=True)]


@dataclass
class Diagnosis:
    """What `diagnose` finds in one parameter vector.

    Attributes
    ----------
    risk : float
        The empirical risk on the data.
    grad_norm : float
        The length of its gradient, as `empirical_risk` (and so `learn`) computes it.
    dead : ndarray of shape (H,), bool
        `dead_neurons`.
    always_active : ndarray of shape (H,), bool
        `always_active`.
    coinciding : list of tuple (h, g)
        `coinciding_pairs`.
    plateau : bool
        risk > PLATEAU_RISK and grad_norm < PLATEAU_GRAD.
    """

    risk: float
    grad_norm: float
    dead: np.ndarray
    always_active: np.ndarray
    coinciding: list
    plateau: bool


def diagnose(X, z, pars):
    """Look for every failure mode of the module docstring in one run.

    Parameters
    ----------
    X : ndarray of shape (N, 2)
    z : ndarray of shape (N,)
        Labels, 0 or 1.
    pars : ndarray of shape (4H+1,)

    Returns
    -------
    Diagnosis
    """
    X = as_points(X)
    z = as_labels(z, X.shape[0])
    pars, _ = as_mlp_pars(pars)
    risk, grad, _ = empirical_risk(X, z, mlp, pars)  # the gradient `learn` descends
    grad_norm = float(np.linalg.norm(grad))
    return Diagnosis(
        risk=risk,
        grad_norm=grad_norm,
        dead=dead_neurons(X, pars),
        always_active=always_active(X, pars),
        coinciding=coinciding_pairs(pars),
        plateau=bool(risk > PLATEAU_RISK and grad_norm < PLATEAU_GRAD),
    )
