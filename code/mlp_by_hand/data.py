"""The sheet's data: two noisy concentric circles, or their upper halves (chapter 6)."""

import numpy as np


def generate_data(N, half=True, seed=None):
    """Draw N points on two noisy circles and keep the upper half if asked.

    Parameters
    ----------
    N : int
        Points drawn before filtering: half on the outer circle (class 0, radius 1),
        half on the inner circle (class 1, radius 0.5), with Gaussian noise of
        standard deviation 0.1.
    half : bool
        Keep only the points with y > 0, as in the sheet's first data set. With
        ``half=False`` all N points are returned (the sheet's "going beyond").
    seed : int or None
        Seed for the draw; the same seed gives the same data.

    Returns
    -------
    X : ndarray of shape (M, 2)
        float64 points; M = N for ``half=False`` and about N / 2 otherwise.
    z : ndarray of shape (M,)
        Labels: 1 for the inner circle, 0 for the outer one (int64).
    """
    if isinstance(N, bool) or not isinstance(N, (int, np.integer)):
        kind = type(N).__name__
        raise TypeError(f"N must be an int (points to draw), got {kind}")
    if N < 2:
        raise ValueError(f"N must be at least 2 (one per circle), got {N}")
    # Imported here, not at the top: sklearn.datasets takes seconds to
    # import, and every chapter imports this package, drawing data or not.
    from sklearn.datasets import make_circles

    X, z = make_circles(int(N), noise=0.1, factor=0.5, random_state=seed)
    X = X.astype(np.float64)
    z = z.astype(np.int64)
    if half:
        keep = X[:, 1] > 0
        X, z = X[keep], z[keep]
    return X, z
