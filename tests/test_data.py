"""The sheet's data sets: `generate_data` (chapter 6)."""

import numpy as np
import pytest
import sklearn.datasets as skld

from mlp_by_hand import generate_data


def sheet_generate_data(N, half, seed):
    """The sheet's two generate_data functions, with a seed added."""
    X, z = skld.make_circles(N, noise=0.1, factor=0.5, random_state=seed)
    if half:
        filt = X[:, 1] > 0
        return X[filt], z[filt]
    return X, z


@pytest.mark.parametrize("half", [True, False])
def test_shapes_dtypes_and_labels(half):
    X, z = generate_data(1000, half=half, seed=0)
    M = X.shape[0]
    assert X.shape == (M, 2) and z.shape == (M,)
    assert X.dtype == np.float64
    assert set(np.unique(z).tolist()) == {0, 1}
    if half:
        assert 400 < M < 600  # about half of the points have y > 0
    else:
        assert M == 1000


def test_half_keeps_the_upper_half_only():
    X, _ = generate_data(1000, half=True, seed=1)
    assert (X[:, 1] > 0).all()
    X_full, _ = generate_data(1000, half=False, seed=1)
    assert (X_full[:, 1] < 0).sum() > 400  # the full circles do go below


def test_half_is_the_default():
    X, _ = generate_data(300, seed=2)
    assert (X[:, 1] > 0).all()


@pytest.mark.parametrize("half", [True, False])
def test_same_points_as_the_sheets_function(half):
    X, z = generate_data(500, half=half, seed=7)
    X_sheet, z_sheet = sheet_generate_data(500, half, seed=7)
    np.testing.assert_array_equal(X, X_sheet)
    np.testing.assert_array_equal(z, z_sheet)


def test_classes_are_the_two_circles():
    X, z = generate_data(4000, half=False, seed=3)
    radius = np.hypot(X[:, 0], X[:, 1])
    # Label 0: outer circle of radius 1; label 1: inner circle of radius 0.5; noise 0.1.
    assert radius[z == 0].mean() == pytest.approx(1.0, abs=0.02)
    assert radius[z == 1].mean() == pytest.approx(0.5, abs=0.02)
    assert (z == 0).sum() == (z == 1).sum() == 2000


def test_seed_reproducibility():
    X1, z1 = generate_data(200, seed=42)
    X2, z2 = generate_data(200, seed=42)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(z1, z2)
    X3, _ = generate_data(200, seed=43)
    assert X3.shape != X1.shape or not np.array_equal(X1, X3)


def test_no_seed_gives_fresh_draws():
    X1, _ = generate_data(200, half=False)
    X2, _ = generate_data(200, half=False)
    assert not np.array_equal(X1, X2)


def test_numpy_integer_size_is_accepted():
    X, _ = generate_data(np.int64(100), half=False, seed=0)
    assert X.shape == (100, 2)


@pytest.mark.parametrize(
    ("N", "error", "message"),
    [
        (1, ValueError, r"at least 2.*got 1"),
        (-5, ValueError, r"at least 2.*got -5"),
        (100.0, TypeError, r"N must be an int.*float"),
        (True, TypeError, r"N must be an int.*bool"),
        ("100", TypeError, r"N must be an int.*str"),
    ],
)
def test_bad_sizes(N, error, message):
    with pytest.raises(error, match=message):
        generate_data(N)
