"""Many starts trained at once: `learn_many` (chapter 8).

The oracle is the one-run-at-a-time training the book has used so far: K separate
`learn` calls (and, for the sheet's network, the sheet's own `learn`, transcribed in
benchmarks/sheet_literal.py). Runs are kept short (a few thousand steps on a few
hundred points) so the file takes seconds; the agreement does not depend on length
until a run's rounding differences are amplified, far later than this.
"""

import math
import re

import numpy as np
import pytest
import sheet_literal
from tolerance import assert_close_rounding, descent_scale

from mlp_by_hand import (
    EPS,
    empirical_risk,
    generate_data,
    init_pars,
    learn,
    learn_many,
    mlp,
    multilayer_perceptron,
    restarts,
    theta_perceptron,
)

STEPS = 2000


@pytest.fixture(scope="module")
def half_circles():
    return generate_data(300, seed=3)


@pytest.fixture(scope="module")
def full_circles():
    return generate_data(200, half=False, seed=4)


@pytest.fixture(scope="module")
def starts_9():
    """Six random 2-2-1 starts, N(0, 1) like the chapter's, plus the sheet's start."""
    rows = np.random.default_rng(5).normal(0.0, 1.0, size=(6, 9))
    return np.vstack([rows, [-0.1, 1, 0, 0.1, 1, 0, -0.1, -0.1, 0]])


def one_by_one(data, starts, theta_func, nsteps, lr):
    return np.stack([learn(data, p, theta_func, nsteps, lr) for p in starts])


# --- agreement with separate runs ----------------------------------------------------


def test_matches_separate_learn_calls_for_the_sheets_network(half_circles, starts_9):
    starts = starts_9[[0, 1, 2, 4, 6]]  # four random starts and the sheet's
    batched = learn_many(half_circles, starts, multilayer_perceptron, STEPS, 0.01)
    separate = one_by_one(half_circles, starts, multilayer_perceptron, STEPS, 0.01)
    assert batched.shape == starts.shape and batched.dtype == np.float64
    assert_close_rounding(batched, separate, descent_scale(separate, STEPS))
    # Not a vacuous agreement: every run moved, and its risk went down.
    assert np.all(np.abs(batched - starts).max(axis=1) > 1e-3)
    X, z = half_circles
    for start, end in zip(starts, batched, strict=True):
        before = empirical_risk(X, z, multilayer_perceptron, start)[0]
        after = empirical_risk(X, z, multilayer_perceptron, end)[0]
        assert after < before


def test_matches_the_sheets_own_learn(half_circles, starts_9):
    """The literal transcription of the sheet, lr 0.01, is an independent oracle."""
    starts = starts_9[[0, 3, 6]]
    batched = learn_many(half_circles, starts, nsteps=500)
    for start, row in zip(starts, batched, strict=True):
        literal = sheet_literal.learn(
            half_circles, start, sheet_literal.multilayer_perceptron, nsteps=500
        )
        assert_close_rounding(row, literal, descent_scale(literal, 500))


@pytest.mark.parametrize("H", [3, 5])
def test_matches_separate_learn_calls_for_mlp(full_circles, H):
    starts = np.stack([init_pars(H, seed=10 * H + k) for k in range(4)])
    batched = learn_many(full_circles, starts, mlp, STEPS, 0.5)
    separate = one_by_one(full_circles, starts, mlp, STEPS, 0.5)
    assert batched.shape == (4, 4 * H + 1)
    assert_close_rounding(batched, separate, descent_scale(separate, STEPS))
    assert np.all(np.abs(batched - starts).max(axis=1) > 1e-2)


def test_matches_learn_where_the_loss_clips(half_circles):
    """Large starts make the network certain and wrong at some points (|f| > 36).

    There `loss` clips the probability and `learn` follows the clipped loss, not
    theta - z; `learn_many` must do the same.
    """
    X, z = half_circles
    starts = np.random.default_rng(6).normal(0.0, 30.0, size=(4, 9))
    # The regime is really reached: some start is that certain of a wrong label...
    certain_and_wrong = [
        np.any(np.abs(multilayer_perceptron(X, p)[0] - z) > 1 - EPS) for p in starts
    ]
    assert any(certain_and_wrong)
    batched = learn_many(half_circles, starts, nsteps=300)
    separate = one_by_one(half_circles, starts, multilayer_perceptron, 300, 0.01)
    assert_close_rounding(batched, separate, descent_scale(separate, 300))
    # ... and there theta - z (the backward pass without the clip) would differ.
    unclipped = np.stack([learn(half_circles, p, mlp, 300, method="backprop") for p in starts])
    assert np.abs(unclipped - separate).max() > 1e-3


def test_mlp_and_multilayer_perceptron_train_the_same_network(half_circles, starts_9):
    a = learn_many(half_circles, starts_9, multilayer_perceptron, 300)
    b = learn_many(half_circles, starts_9, mlp, 300)
    assert_close_rounding(a, b, descent_scale(b, 300))


def test_one_run_and_zero_steps(half_circles, starts_9):
    one = learn_many(half_circles, starts_9[:1], nsteps=300)
    alone = learn(half_circles, starts_9[0], multilayer_perceptron, 300)
    assert_close_rounding(one[0], alone, descent_scale(alone, 300))
    same = learn_many(half_circles, starts_9, nsteps=0)
    np.testing.assert_array_equal(same, starts_9)
    assert same is not starts_9


def test_runs_do_not_depend_on_their_neighbours(half_circles, starts_9):
    """A run's result is the same whichever other runs share its batch."""
    alone = learn_many(half_circles, starts_9[2:3], nsteps=300)
    reordered = learn_many(half_circles, starts_9[::-1], nsteps=300)
    assert_close_rounding(reordered[::-1][2], alone[0], descent_scale(alone[0], 300))


# --- chunking ----------------------------------------------------------------------


@pytest.mark.parametrize("runs_per_chunk", [1, 2, 3])
def test_chunks_give_the_same_results(monkeypatch, half_circles, starts_9, runs_per_chunk):
    whole = learn_many(half_circles, starts_9, nsteps=300)
    N, H = half_circles[0].shape[0], 2
    sizes = []
    descend = restarts._descend_batch

    def spy(X, z, pars, *args, **kwargs):
        sizes.append(pars.shape[0])
        return descend(X, z, pars, *args, **kwargs)

    monkeypatch.setattr(restarts, "BATCH_BUDGET", runs_per_chunk * N * H)
    monkeypatch.setattr(restarts, "_descend_batch", spy)
    chunked = learn_many(half_circles, starts_9, nsteps=300)
    K = starts_9.shape[0]
    assert sum(sizes) == K and len(sizes) == math.ceil(K / runs_per_chunk)
    assert max(sizes) <= runs_per_chunk and max(sizes) - min(sizes) <= 1  # even chunks
    assert_close_rounding(chunked, whole, descent_scale(whole, 300))


def test_default_budget_keeps_a_chunk_small(monkeypatch, full_circles):
    """Even a batch far larger than the budget is split, not trained in one piece."""
    sizes = []
    descend = restarts._descend_batch

    def spy(X, z, pars, *args, **kwargs):
        sizes.append(pars.shape[0])
        return descend(X, z, pars, *args, **kwargs)

    monkeypatch.setattr(restarts, "_descend_batch", spy)
    H, N = 15, full_circles[0].shape[0]
    K = 2 * restarts.BATCH_BUDGET // (N * H) + 1  # more than two budgets' worth
    starts = np.stack([init_pars(H, seed=k) for k in range(K)])
    learn_many(full_circles, starts, mlp, nsteps=1, lr=0.5)
    assert sum(sizes) == K and len(sizes) > 1
    assert max(sizes) * N * H <= restarts.BATCH_BUDGET


# --- bad input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape, pattern",
    [((9,), r"shape \(K, P\)"), ((2, 3, 9), r"shape \(K, P\)"), ((0, 9), r"K >= 1")],
)
def test_rejects_the_wrong_number_of_dimensions(half_circles, shape, pattern):
    with pytest.raises(ValueError, match=pattern):
        learn_many(half_circles, np.zeros(shape), nsteps=1)


def test_rejects_the_wrong_number_of_parameters(half_circles):
    with pytest.raises(ValueError, match="multilayer_perceptron takes 9 parameters"):
        learn_many(half_circles, np.zeros((3, 13)), multilayer_perceptron, nsteps=1)
    with pytest.raises(
        ValueError, match=re.escape("pars_batch[0] must be a vector of length 4H+1")
    ):
        learn_many(half_circles, np.zeros((3, 10)), mlp, nsteps=1)


def test_rejects_nan_and_names_the_row(half_circles, starts_9):
    bad = starts_9.copy()
    bad[4, 2] = np.nan
    with pytest.raises(ValueError, match=re.escape("pars_batch[4] must be finite")):
        learn_many(half_circles, bad, nsteps=1)


@pytest.mark.parametrize("theta_func", [theta_perceptron, lambda X, pars: mlp(X, pars), "mlp"])
def test_rejects_a_theta_func_that_is_not_the_packages_network(half_circles, theta_func):
    with pytest.raises(ValueError, match="theta_func must be mlp or multilayer_perceptron"):
        learn_many(half_circles, np.zeros((2, 9)), theta_func, nsteps=1)


def test_rejects_bad_steps_rates_and_data(half_circles):
    starts = np.zeros((2, 9))
    with pytest.raises(TypeError, match="nsteps must be an int"):
        learn_many(half_circles, starts, nsteps=10.0)
    with pytest.raises(ValueError, match="lr"):
        learn_many(half_circles, starts, nsteps=1, lr=-0.1)
    with pytest.raises(TypeError, match="data must be a pair"):
        learn_many(half_circles[0], starts, nsteps=1)
    with pytest.raises(TypeError, match="pars_batch must be a"):
        learn_many(half_circles, [[1, 2], [3]], nsteps=1)


# --- divergence --------------------------------------------------------------------


def exploding_starts(starts):
    """Rows 1 and 4 of `starts` replaced by a start that overflows at lr = LR_BIG.

    Neuron 1's feature is 1e307 at every point, so the gradient of v_1 is about
    1e307 * mean(theta - z), and lr times that is beyond float64's 1.8e308. Random
    starts such as the others stay finite at this learning rate for a few steps.
    """
    big = starts.copy()
    big[[1, 4]] = [0, 0, 1e307, 0, 0, -1, 1e-307, 0, 0]
    return big


LR_BIG = 100.0


def test_divergence_names_the_runs(half_circles, starts_9):
    starts = exploding_starts(starts_9)
    with pytest.raises(FloatingPointError, match=r"run\(s\) \[1, 4\]"):
        learn_many(half_circles, starts, nsteps=5, lr=LR_BIG)
    # The oracle agrees that these runs, and only these, blow up. (Its first step runs
    # with numpy's default error handling, which would warn before learn can raise.)
    with np.errstate(all="ignore"), pytest.raises(FloatingPointError):
        learn(half_circles, starts[1], multilayer_perceptron, 5, LR_BIG)
    for k in (0, 2, 3, 5, 6):
        assert np.isfinite(learn(half_circles, starts[k], multilayer_perceptron, 5, LR_BIG)).all()


def test_divergence_names_rows_of_the_whole_batch_when_chunked(monkeypatch, half_circles, starts_9):
    N = half_circles[0].shape[0]
    monkeypatch.setattr(restarts, "BATCH_BUDGET", 3 * N * 2)  # chunks: rows 0-2, 3-4, 5-6
    with pytest.raises(FloatingPointError, match=r"run\(s\) \[1\]"):
        learn_many(half_circles, exploding_starts(starts_9), nsteps=5, lr=LR_BIG)
    later = starts_9.copy()
    later[5] = exploding_starts(starts_9)[4]
    with pytest.raises(FloatingPointError, match=r"run\(s\) \[5\]"):
        learn_many(half_circles, later, nsteps=5, lr=LR_BIG)


# --- the caller's arrays -----------------------------------------------------------


def test_input_is_not_modified(half_circles, starts_9):
    X, z = half_circles
    X_before, z_before, starts_before = X.copy(), z.copy(), starts_9.copy()
    out = learn_many((X, z), starts_9, nsteps=50)
    np.testing.assert_array_equal(starts_9, starts_before)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(z, z_before)
    assert not np.shares_memory(out, starts_9)


def test_accepts_nested_lists(half_circles, starts_9):
    out = learn_many(half_circles, starts_9[:2].tolist(), nsteps=50)
    np.testing.assert_array_equal(out, learn_many(half_circles, starts_9[:2], nsteps=50))


@pytest.mark.parametrize(("k", "n"), [(0, 10), (3, 10), (75, 200), (199, 200), (40, 40)])
def test_wilson_bounds_solve_the_score_equation(k, n):
    # The definition as the oracle: an interior bound p satisfies
    # (k/n - p)^2 = q^2 p (1 - p) / n with q = 1.959963984540054 (95 %).
    q = 1.959963984540054
    low, high = restarts.wilson_interval(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0
    for p in (low, high):
        if 0.0 < p < 1.0:
            residual = (k / n - p) ** 2 - q**2 * p * (1 - p) / n
            assert abs(residual) < 1e-14  # terms of size <= 1: rounding only
    assert (low == 0.0) == (k == 0) and (high == 1.0) == (k == n)


def test_wilson_known_values_and_symmetry():
    # 0 of n: the upper bound is q^2 / (n + q^2) in closed form.
    q2 = 1.959963984540054**2
    assert_close_rounding(restarts.wilson_interval(0, 10)[1], q2 / (10 + q2), n_terms=8)
    low, high = restarts.wilson_interval(7, 20)
    mirror_low, mirror_high = restarts.wilson_interval(13, 20)
    # A dozen roundings of terms of size <= 1 on each side.
    assert_close_rounding(low, 1 - mirror_high, 1.0, n_terms=12)
    assert_close_rounding(high, 1 - mirror_low, 1.0, n_terms=12)
    # More runs, a narrower interval; a higher confidence, a wider one.
    assert np.diff(restarts.wilson_interval(70, 200)) < np.diff(restarts.wilson_interval(7, 20))
    assert np.diff(restarts.wilson_interval(7, 20, 0.99)) > np.diff(restarts.wilson_interval(7, 20))


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((1.5, 10), TypeError),
        ((True, 10), TypeError),
        ((11, 10), ValueError),
        ((-1, 10), ValueError),
        ((0, 0), ValueError),
        ((1, 10, 1.0), ValueError),
    ],
)
def test_wilson_rejects_bad_counts(args, error):
    with pytest.raises(error):
        restarts.wilson_interval(*args)
