"""Input checks shared by every public function.

A student who passes an array of the wrong shape should read what was expected and
what was given, not a broadcasting error from three calls deeper. Each check returns
the input as a float64 array so the functions behind it can trust what they get.

Inside `learn` the same functions are called thousands of times with arrays the
package made itself; `trusted()` switches the checks off there, after `learn` has
checked its own inputs once.
"""

from contextlib import contextmanager

import numpy as np

_trusted_depth = 0


@contextmanager
def trusted():
    """Skip the per-call checks inside a block whose inputs were already checked."""
    global _trusted_depth
    _trusted_depth += 1
    try:
        yield
    finally:
        _trusted_depth -= 1


def _describe(a):
    return f"an array of shape {a.shape}" if a.ndim else f"the scalar {a.item()!r}"


def _to_float(value, name):
    if np.iscomplexobj(value):
        raise TypeError(f"{name} must hold real numbers, got complex values")
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be numeric, got {type(value).__name__}: {err}") from None


def _require_finite(a, name):
    if not np.isfinite(a).all():
        bad = np.flatnonzero(~np.isfinite(a.ravel()))
        raise ValueError(
            f"{name} must be finite, but it holds {a.ravel()[bad[0]]} "
            f"(at flat index {bad[0]}; {bad.size} non-finite value(s) in all)"
        )


def as_points(X, name="X"):
    """Return `X` as a float64 array of shape (N, 2), or raise saying why not."""
    if _trusted_depth:
        return X
    X = _to_float(X, name)
    if X.ndim != 2 or X.shape[1] != 2:
        hint = ""
        if X.ndim == 1 and X.size == 2:
            hint = f" (one point? write {name}.reshape(1, 2) or [[x1, x2]])"
        raise ValueError(
            f"{name} must have shape (N, 2): one row per point, two coordinates; "
            f"got {_describe(X)}{hint}"
        )
    if X.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one point, got shape {X.shape}")
    _require_finite(X, name)
    return X


def as_pars(pars, expected, name="pars", what=""):
    """Return `pars` as a float64 vector of length `expected`, or raise."""
    if _trusted_depth:
        return pars
    pars = _to_float(pars, name)
    if pars.ndim != 1 or pars.shape[0] != expected:
        raise ValueError(
            f"{name} must be a vector of shape ({expected},){what}; got {_describe(pars)}"
        )
    _require_finite(pars, name)
    return pars


def as_mlp_pars(pars, name="pars"):
    """Return `pars` as a float64 vector of length 4H+1 (H >= 1) and H itself."""
    if _trusted_depth:
        return pars, (pars.shape[0] - 1) // 4
    pars = _to_float(pars, name)
    if pars.ndim != 1 or pars.shape[0] < 5 or (pars.shape[0] - 1) % 4:
        raise ValueError(
            f"{name} must be a vector of length 4H+1 for H hidden neurons "
            f"(5, 9, 13, ...: [w_11, w_12, b_1, ..., w_H1, w_H2, b_H, v_1, ..., v_H, c]); "
            f"got {_describe(pars)}"
        )
    _require_finite(pars, name)
    return pars, (pars.shape[0] - 1) // 4


def as_values(x, name="x"):
    """Return `x` as a float64 vector of shape (N,); a scalar becomes shape (1,)."""
    if _trusted_depth:
        return x
    x = _to_float(x, name)
    if x.ndim == 0:
        x = x.reshape(1)
    if x.ndim != 1:
        raise ValueError(
            f"{name} must be a vector of shape (N,), one value per point; got {_describe(x)}"
        )
    if np.isnan(x).any():
        raise ValueError(f"{name} holds NaN at index {int(np.flatnonzero(np.isnan(x))[0])}")
    return x


def as_labels(z, n, name="z"):
    """Return `z` as a float64 vector of n labels, each 0 or 1, or raise."""
    if _trusted_depth:
        return z
    z = _to_float(z, name)
    if z.ndim != 1 or z.shape[0] != n:
        raise ValueError(
            f"{name} must be a vector of shape ({n},): one label per point; got {_describe(z)}"
        )
    bad = (z != 0) & (z != 1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{name} must hold class labels 0 or 1 only; {name}[{i}] is {z[i].item()!r} "
            f"({int(bad.sum())} bad label(s) in all)"
        )
    return z


def as_probabilities(theta, name="theta"):
    """Return `theta` as a float64 vector of values in [0, 1], or raise."""
    if _trusted_depth:
        return theta
    theta = as_values(theta, name)
    bad = (theta < 0) | (theta > 1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{name} must lie in [0, 1] (a probability); {name}[{i}] is {theta[i].item()!r}"
        )
    return theta
