"""Our network inside scikit-learn's MLPClassifier, and back (chapter 9).

scikit-learn stores the 2-H-1 network layer by layer, as matrices whose columns are
neurons; we store it as one flat vector, neuron by neuron::

    ours:  pars = [w_11, w_12, b_1, ..., w_H1, w_H2, b_H,   v_1, ..., v_H,   c]

    scikit-learn:  coefs_[0]      (2, H)  column h = [w_h1, w_h2]  (hidden neuron h)
                   intercepts_[0] (H,)    entry h  = b_h
                   coefs_[1]      (H, 1)  row h    = v_h
                   intercepts_[1] (1,)             = c

`to_sklearn` and `from_sklearn` translate between the two. `sklearn_classifier` builds
an MLPClassifier that starts from our parameters and runs plain full-batch gradient
descent, so that it takes exactly the steps `learn` takes; `sklearn_learn` trains it
and returns the parameters in our layout.
"""

import math
import warnings

import numpy as np

from ._validate import as_mlp_pars
from .n_neurons import unpack
from .training import _check_lr, _check_nsteps, _unpack_data

# What makes MLPClassifier plain full-batch gradient descent on our network. The
# settings that depend on the call (batch_size, max_iter, learning_rate_init,
# n_iter_no_change, hidden_layer_sizes) are filled in by `sklearn_classifier`.
GRADIENT_DESCENT = {
    "activation": "relu",
    "solver": "sgd",
    "learning_rate": "constant",  # the same lr at every step
    "momentum": 0.0,  # each step is -lr * gradient, nothing more
    "nesterovs_momentum": False,
    "alpha": 0.0,  # no L2 penalty
    "shuffle": False,  # one batch: nothing to shuffle
    "early_stopping": False,
    "tol": 0.0,  # with n_iter_no_change > nsteps: never stops early
    "warm_start": True,  # fit() continues from coefs_: our start
    "random_state": 0,  # for shuffling, if asked to
}

# Settings a caller may not change: they are what makes the classifier our network
# with our start, our number of steps and our learning rate.
_FIXED = ("hidden_layer_sizes", "activation", "warm_start", "max_iter", "learning_rate_init")


def to_sklearn(pars):
    """Our flat parameter vector as MLPClassifier's coefs_ and intercepts_.

    Parameters
    ----------
    pars : ndarray of shape (4H+1,)
        ``[w_11, w_12, b_1, ..., w_H1, w_H2, b_H, v_1, ..., v_H, c]``.

    Returns
    -------
    coefs : list of two ndarrays, of shapes (2, H) and (H, 1)
        ``coefs[0][:, h]`` is hidden neuron h's weights ``[w_h1, w_h2]``;
        ``coefs[1][h, 0]`` is ``v_h``.
    intercepts : list of two ndarrays, of shapes (H,) and (1,)
        ``intercepts[0][h]`` is ``b_h``; ``intercepts[1][0]`` is ``c``.

    Notes
    -----
    The arrays are fresh copies. scikit-learn updates its parameters in place, so a
    view into `pars` would let training change the caller's vector.
    """
    W, b, v, c = unpack(pars)
    coefs = [np.ascontiguousarray(W.T), v.reshape(-1, 1).copy()]
    intercepts = [b.copy(), np.array([c])]
    return coefs, intercepts


def from_sklearn(clf_or_coefs, intercepts=None):
    """The parameters of a one-hidden-layer MLPClassifier as our flat vector.

    Parameters
    ----------
    clf_or_coefs : MLPClassifier, or list of two ndarrays
        A fitted classifier with one hidden layer of ReLU neurons, two input
        features and two classes; or its ``coefs_``, of shapes (2, H) and (H, 1).
    intercepts : list of two ndarrays, of shapes (H,) and (1,), or None
        The ``intercepts_`` that go with `clf_or_coefs` when that is a list; None when
        it is a classifier.

    Returns
    -------
    pars : ndarray of shape (4H+1,)
        ``[w_11, w_12, b_1, ..., w_H1, w_H2, b_H, v_1, ..., v_H, c]``, ready for `mlp`
        (and, for H = 2, for `multilayer_perceptron`). theta is the probability of the
        classifier's second class, ``clf.classes_[1]``.

    Raises
    ------
    TypeError
        If a classifier comes with `intercepts`, or a list without them.
    ValueError
        If the classifier is not fitted, is not a ReLU network with one hidden layer
        and one logistic output, or the arrays have other shapes than the ones above.
    """
    if hasattr(clf_or_coefs, "get_params"):  # a scikit-learn estimator
        clf = clf_or_coefs
        if intercepts is not None:
            raise TypeError("pass either a classifier or (coefs, intercepts), not both")
        if not hasattr(clf, "coefs_"):
            raise ValueError("the classifier has no parameters yet: fit it first")
        if clf.activation != "relu" or getattr(clf, "out_activation_", None) != "logistic":
            raise ValueError(
                "our network has ReLU hidden neurons and one sigmoid (logistic) output; "
                f"this classifier has activation={clf.activation!r} and output "
                f"{getattr(clf, 'out_activation_', None)!r} (two classes give 'logistic')"
            )
        coefs, intercepts = clf.coefs_, clf.intercepts_
    else:
        coefs = clf_or_coefs
        if intercepts is None:
            raise TypeError("coefs without intercepts: call from_sklearn(coefs, intercepts)")
    coefs = [np.asarray(a, dtype=np.float64) for a in coefs]
    intercepts = [np.asarray(a, dtype=np.float64) for a in intercepts]
    if len(coefs) != 2 or len(intercepts) != 2:
        raise ValueError(
            "our network has one hidden layer: two weight matrices and two bias vectors; "
            f"got {len(coefs)} and {len(intercepts)}"
        )
    H = coefs[0].shape[1] if coefs[0].ndim == 2 else -1
    want = [(2, H), (H, 1)], [(H,), (1,)]
    got = [a.shape for a in coefs], [a.shape for a in intercepts]
    if H < 1 or got != want:
        raise ValueError(
            "expected coefs of shapes (2, H) and (H, 1) and intercepts of shapes (H,) and (1,) "
            f"for two inputs, H hidden neurons and one output; got coefs {got[0]} and "
            f"intercepts {got[1]}"
        )
    hidden = np.column_stack([coefs[0].T, intercepts[0]])  # (H, 3): [w_h1, w_h2, b_h]
    return np.concatenate([hidden.ravel(), coefs[1][:, 0], intercepts[1]])


def sklearn_classifier(data, pars, nsteps=15000, lr=0.01, *, train=True, **changes):
    """An MLPClassifier that starts from `pars` and trains as `learn` does.

    Parameters
    ----------
    data : tuple (X, z)
        X of shape (N, 2) and labels z of shape (N,), 0 or 1.
    pars : ndarray of shape (4H+1,)
        The starting parameters, in our layout; not modified.
    nsteps : int
        Epochs (passes over the data). With the default settings one epoch is one
        full-batch gradient step, as in `learn`.
    lr : float
        The learning rate (scikit-learn's ``learning_rate_init``), > 0.
    train : bool
        False returns the classifier at `pars`, untrained (for its forward pass).
    **changes
        Other MLPClassifier settings, to depart from plain gradient descent: for
        example ``batch_size=32, shuffle=True`` (mini-batches), ``momentum=0.9``,
        ``solver="adam"``, ``alpha=1e-3`` (L2) or ``early_stopping=True`` (with
        ``tol`` and ``n_iter_no_change``). The network, the start, `nsteps` and `lr`
        cannot be changed this way.

    Returns
    -------
    MLPClassifier
        ``coefs_`` of shapes (2, H), (H, 1) and ``intercepts_`` of shapes (H,), (1,):
        trained for `nsteps` epochs (fewer with early stopping), or at `pars` if
        ``train=False`` or ``nsteps == 0``.

    Notes
    -----
    By default the classifier is plain full-batch gradient descent
    (`GRADIENT_DESCENT`): one batch of all N points, a constant learning rate, no
    momentum, no L2 penalty, and a stopping rule that can never fire, so it takes
    exactly `nsteps` steps of ``pars <- pars - lr * grad``. Its gradient is the
    gradient of our empirical risk: scikit-learn's output-layer delta is
    ``theta - z``, the derivative of the cross-entropy through the sigmoid, and both
    clip the loss at float64's epsilon.

    MLPClassifier has no argument for starting weights. So one ``partial_fit`` step
    creates its arrays (from random weights, thrown away), our parameters are written
    over them, the record of that step is cleared, and ``warm_start=True`` makes
    ``fit`` continue from there.

    ``fit`` warns (ConvergenceWarning) whenever it stops at ``max_iter``. Here that is
    the plan, not a failure: we ask for exactly `nsteps` steps and switched the
    convergence test off. The warning is silenced for that one call and only that
    category; any other warning still shows.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    X, z = _unpack_data(data)
    z = z.astype(np.int64)  # class labels 0 and 1, as the classifier's classes_
    pars, H = as_mlp_pars(pars)
    nsteps = _check_nsteps(nsteps)
    lr = _check_lr(lr)
    fixed = sorted(set(changes) & set(_FIXED))
    if fixed:
        raise ValueError(
            f"{', '.join(fixed)} cannot be changed: they are set by pars, nsteps and lr"
        )

    settings = dict(
        GRADIENT_DESCENT,
        hidden_layer_sizes=(H,),
        batch_size=X.shape[0],  # one batch of all points: one step per epoch
        learning_rate_init=lr,
        max_iter=max(nsteps, 1),
        n_iter_no_change=nsteps + 1,
    )
    settings.update(changes)
    # Create the arrays with plain settings: partial_fit refuses early stopping and
    # exists only for the stochastic solvers.
    clf = MLPClassifier(**dict(settings, solver="sgd", early_stopping=False))
    clf.partial_fit(X, z, classes=[0, 1])
    clf.set_params(**settings)
    if clf.early_stopping and "batch_size" not in changes:
        # Early stopping trains on what is left after setting the validation points
        # aside (scikit-learn rounds their number up); one batch is all of those.
        n_val = math.ceil(clf.validation_fraction * X.shape[0])
        clf.set_params(batch_size=X.shape[0] - n_val)
    _start_at(clf, pars)
    if train and nsteps > 0:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X, z)
    return clf


def _start_at(clf, pars):
    """Put `pars` into `clf` and clear the bookkeeping of its throwaway first step.

    The attributes are the ones MLPClassifier sets up before a first fit. Left as
    partial_fit leaves them, ``fit`` would compare its losses with that of the
    random-weight step (and could stop early), and early stopping would find no
    record of validation scores to append to. Three of them are private to
    scikit-learn (checked against version 1.9); tests/test_sklearn_bridge.py fails if
    their meaning changes.
    """
    clf.coefs_, clf.intercepts_ = to_sklearn(pars)
    clf.n_iter_ = 0
    clf.t_ = 0
    clf.loss_curve_ = []
    clf._no_improvement_count = 0
    clf._best_coefs = [a.copy() for a in clf.coefs_]
    clf._best_intercepts = [a.copy() for a in clf.intercepts_]
    if clf.early_stopping:
        clf.validation_scores_, clf.best_validation_score_, clf.best_loss_ = [], -np.inf, None
    else:
        clf.validation_scores_, clf.best_validation_score_, clf.best_loss_ = None, None, np.inf


def sklearn_learn(data, pars, nsteps=15000, lr=0.01, **changes):
    """Train scikit-learn's MLPClassifier from `pars`: `learn`'s result, computed there.

    Parameters
    ----------
    data : tuple (X, z)
        X of shape (N, 2) and labels z of shape (N,).
    pars : ndarray of shape (4H+1,)
        Starting parameters, in our layout; not modified.
    nsteps : int
        Epochs; with the default settings, full-batch gradient steps.
    lr : float
        The learning rate, > 0.
    **changes
        Other MLPClassifier settings, as in `sklearn_classifier`.

    Returns
    -------
    pars : ndarray of shape (4H+1,)
        The trained parameters in our layout. With the default settings they equal
        ``learn(data, pars, mlp, nsteps, lr)`` up to rounding.
    """
    return from_sklearn(sklearn_classifier(data, pars, nsteps, lr, **changes))
