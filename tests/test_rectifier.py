"""The ReLU activation and its gradient (chapter 2)."""

import numpy as np
import pytest
import sheet_literal
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mlp_by_hand import relu

values = st.integers(1, 15).flatmap(
    lambda n: arrays(
        np.float64, (n,), elements=st.floats(-5, 5, allow_nan=False, allow_subnormal=False)
    )
)


@pytest.mark.parametrize("N", [1, 6])
def test_shapes_and_dtype(N, rng):
    out, grad = relu(rng.normal(size=N))
    assert out.shape == (N,)
    assert grad.shape == (N, 1)  # the sheet: "make sure the gradient is returned as (N,1)"
    assert out.dtype == grad.dtype == np.float64


def test_the_sheets_plotting_range():
    x = np.linspace(-5, 5, 1001)
    out, grad = relu(x)
    assert out.shape == (1001,) and grad.shape == (1001, 1)
    np.testing.assert_array_equal(out, [max(v, 0.0) for v in x.tolist()])
    np.testing.assert_array_equal(grad[:, 0], [1.0 if v > 0 else 0.0 for v in x.tolist()])


def test_integer_input_gives_float64():
    out, grad = relu(np.array([-2, 0, 3]))
    assert out.dtype == grad.dtype == np.float64
    np.testing.assert_array_equal(out, [0.0, 0.0, 3.0])


def test_derivative_at_zero_is_zero():
    # Documented choice: relu'(0) = 0 (as PyTorch and scikit-learn), also for -0.0.
    out, grad = relu(np.array([0.0, -0.0]))
    np.testing.assert_array_equal(out, [0.0, 0.0])
    np.testing.assert_array_equal(grad, [[0.0], [0.0]])
    assert "relu'(0) = 0" in relu.__doc__


def test_smallest_positive_and_negative_values():
    tiny = np.nextafter(0.0, 1.0)
    out, grad = relu(np.array([tiny, -tiny]))
    np.testing.assert_array_equal(out, [tiny, 0.0])
    np.testing.assert_array_equal(grad[:, 0], [1.0, 0.0])


def test_matches_the_sheet(rng):
    x = rng.normal(scale=3, size=50)
    out, grad = relu(x)
    sheet_out, sheet_grad = sheet_literal.relu(x)
    np.testing.assert_array_equal(out, sheet_out)
    np.testing.assert_array_equal(grad, sheet_grad)


def test_input_is_not_modified(rng):
    x = rng.normal(size=10)
    before = x.copy()
    relu(x)
    np.testing.assert_array_equal(x, before)


@given(x=values)
def test_grad_is_the_derivative_away_from_the_kink(x, central_difference):
    assume(np.abs(x).min() > 1e-4)
    _, grad = relu(x)
    numeric = central_difference(lambda v: relu(v)[0], x)  # (N, N): diagonal
    # relu is linear on each side: only the difference's rounding, eps |x| / h, remains.
    np.testing.assert_allclose(grad[:, 0], np.diag(numeric), atol=1e-9)
    np.testing.assert_allclose(numeric - np.diag(np.diag(numeric)), 0.0, atol=1e-12)
