"""The counted work of the two gradient paths against what numpy really does (chapter 10).

Oracles: numpy itself, instrumented to count the multiplications it performs, and
tracemalloc's record of the memory the calls really allocate.
"""

import tracemalloc

import numpy as np
import pytest

from mlp_by_hand import backprop_risk, empirical_risk, init_pars, mlp
from mlp_by_hand._validate import trusted
from mlp_by_hand.opcount import (
    Counts,
    backprop_counts,
    cache_sizes,
    compare_paths,
    jacobian_counts,
    measure,
    measure_in_turns,
)


class Counted(np.ndarray):
    """An array that counts the multiplications numpy performs on it and its offspring.

    Every result computed from a Counted array is Counted again, so the count follows
    the parameters through a whole function. ``np.multiply`` counts one per entry of
    its output, ``np.matmul`` one per term of every sum (m * k * n).
    """

    multiplications = 0

    @staticmethod
    def _plain(x):
        return x.view(np.ndarray) if isinstance(x, Counted) else x

    @staticmethod
    def _wrap(result):
        if isinstance(result, tuple):
            return tuple(Counted._wrap(r) for r in result)
        if isinstance(result, np.ndarray) and not isinstance(result, Counted):
            return result.view(Counted)
        return result

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        inputs = [self._plain(x) for x in inputs]
        if "out" in kwargs:
            kwargs["out"] = tuple(self._plain(o) for o in kwargs["out"])
        result = getattr(ufunc, method)(*inputs, **kwargs)
        if method == "__call__" and ufunc is np.multiply:
            Counted.multiplications += np.broadcast(*inputs).size
        elif method == "__call__" and ufunc is np.matmul:
            a, b = (np.asarray(x) for x in inputs)
            inner = a.shape[-1]
            Counted.multiplications += inner * (a.size // inner) * (b.size // inner)
        return self._wrap(result)

    def __array_function__(self, func, types, args, kwargs):
        return self._wrap(super().__array_function__(func, types, args, kwargs))


def count_multiplications(func, *args):
    Counted.multiplications = 0
    with trusted():  # the checks would convert the Counted parameters to plain arrays
        func(*args)
    return Counted.multiplications


def problem(N, H, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, size=(N, 2))
    z = rng.integers(0, 2, size=N).astype(float)
    return X, z, init_pars(H, seed=seed)


def test_the_counting_array_counts():
    a = np.arange(6.0).reshape(2, 3).view(Counted)
    assert count_multiplications(lambda: a * 2.0) == 6
    assert count_multiplications(lambda: a @ np.ones((3, 4))) == 2 * 3 * 4
    assert count_multiplications(lambda: np.where(a > 1, a, 0) @ np.ones(3)) == 6
    assert count_multiplications(lambda: (a + 1).sum()) == 0


@pytest.mark.parametrize(("N", "H"), [(50, 1), (50, 7), (300, 2), (300, 15), (1000, 40)])
def test_multiplications_are_what_numpy_performs(N, H):
    # The counts leave out the steps that do not grow with N * H: the sigmoid (N),
    # and on the backward path the points scaled by d_f (3N) and d_U scaled by v
    # (3H). numpy's count may exceed them by that much only.
    X, z, pars = problem(N, H)
    counted_pars = pars.view(Counted)
    jac = count_multiplications(empirical_risk, X, z, mlp, counted_pars)
    bp = count_multiplications(backprop_risk, X, z, counted_pars)
    assert 0 <= jac - jacobian_counts(N, H).multiplications <= N
    assert 0 <= bp - backprop_counts(N, H).multiplications <= 4 * N + 3 * H


@pytest.mark.parametrize(("N", "H"), [(1000, 4), (1000, 32), (4000, 15), (4000, 100)])
def test_numbers_held_are_what_tracemalloc_sees(N, H):
    X, z, pars = problem(N, H)
    for func, args, cost in [
        (empirical_risk, (X, z, mlp, pars), jacobian_counts(N, H)),
        (backprop_risk, (X, z, pars), backprop_counts(N, H)),
    ]:
        peak = measure(func, *args, repeat=1).peak_bytes
        assert peak >= 8 * cost.numbers
        # Besides the counted arrays: those of size N (points, predictions, loss) and
        # numpy's buffers. An (N, H) temporary that numpy reuses in place for large
        # arrays is a new one for small ones (under 256 kB), hence the N * H slack.
        assert peak <= 8 * (cost.numbers + N * H + 30 * N + 8192)


def test_the_backward_path_holds_no_number_per_parameter():
    N, sizes = 4000, (16, 64)
    X, z, _ = problem(N, 1)
    bp = [measure(backprop_risk, X, z, init_pars(H), repeat=1).peak_bytes for H in sizes]
    jac = [measure(empirical_risk, X, z, mlp, init_pars(H), repeat=1).peak_bytes for H in sizes]
    # Per extra hidden neuron: about 3.1 N numbers backwards, 4 N + 7 N with the Jacobian.
    per_neuron_bp = (bp[1] - bp[0]) / (8 * N * (sizes[1] - sizes[0]))
    per_neuron_jac = (jac[1] - jac[0]) / (8 * N * (sizes[1] - sizes[0]))
    assert 2.9 < per_neuron_bp < 3.4
    assert 10.8 < per_neuron_jac < 11.4


def test_count_formulas_scale_with_points_and_neurons():
    for cost in (jacobian_counts, backprop_counts):
        assert cost(2000, 15).multiplications == 2 * cost(1000, 15).multiplications
        assert cost(2000, 15).numbers == 2 * cost(1000, 15).numbers
        assert isinstance(cost(10, 2), Counts)
    # The Jacobian alone is N (4H + 1) numbers; the backward path holds none of it.
    assert jacobian_counts(100, 3).numbers == 100 * 13 + 7 * 100 * 3
    assert backprop_counts(100, 3).numbers == 3.125 * 100 * 3


@pytest.mark.parametrize("bad", [0, -1, 2.0, True, "5", None])
def test_counts_refuse_bad_sizes(bad):
    for cost in (jacobian_counts, backprop_counts):
        with pytest.raises(ValueError, match="must be an int >= 1"):
            cost(bad, 3)
        with pytest.raises(ValueError, match="must be an int >= 1"):
            cost(10, bad)


def test_measure_sees_an_allocation():
    # (Processor time also counts other threads, such as BLAS workers still spinning
    # after a matrix product, so how long a sleep "costs" is not tested here.)
    result = measure(lambda: np.ones(1_000_000), repeat=2)
    assert 8_000_000 <= result.peak_bytes < 8_000_000 + 10_000


def test_measure_times_more_work_as_longer():
    small = measure(np.sort, np.random.default_rng(0).normal(size=1000), repeat=3)
    large = measure(np.sort, np.random.default_rng(0).normal(size=200_000), repeat=3)
    assert large.seconds > 20 * small.seconds > 0


def test_measure_leaves_tracemalloc_as_it_found_it():
    assert not tracemalloc.is_tracing()
    measure(np.ones, 10, repeat=1)
    assert not tracemalloc.is_tracing()
    tracemalloc.start()
    try:
        kept = np.ones(100_000)  # held before the call: not the call's
        assert measure(np.ones, 1000, repeat=1).peak_bytes < 100_000
        assert tracemalloc.is_tracing()
        del kept
    finally:
        tracemalloc.stop()
    with pytest.raises(ValueError, match="repeat"):
        measure(np.ones, 10, repeat=0)


def test_calls_take_turns():
    log = []
    calls = {"a": lambda: log.append("a"), "b": lambda: log.append("b")}
    result = measure_in_turns(calls, repeat=3, min_time=0)
    assert list(result) == ["a", "b"]
    # Two untimed calls each (one to warm up, one to size the runs), then the timed
    # runs in turns, then one traced run each.
    assert log == ["a", "a", "b", "b"] + ["a", "b"] * 3 + ["a", "b"]


def test_compare_paths_measures_both_paths_on_the_same_problem():
    result = compare_paths(2000, 8, repeat=2, seed=3)
    assert set(result) == {"jacobian", "backprop"}
    for path, cost in (
        ("jacobian", jacobian_counts(2000, 8)),
        ("backprop", backprop_counts(2000, 8)),
    ):
        assert result[path].seconds > 0
        assert 8 * cost.numbers <= result[path].peak_bytes <= 8 * (cost.numbers + 2000 * 40 + 8192)
    with pytest.raises(ValueError, match="must be an int >= 1"):
        compare_paths(0, 8)


def test_cache_sizes_reads_a_sysfs_folder(tmp_path):
    for name, (level, kind, size) in {
        "index0": ("1", "Data", "48K"),
        "index1": ("1", "Instruction", "32K"),
        "index2": ("2", "Unified", "2048K"),
        "index3": ("3", "Unified", "32M"),
    }.items():
        folder = tmp_path / name
        folder.mkdir()
        (folder / "level").write_text(level + "\n")
        (folder / "type").write_text(kind + "\n")
        (folder / "size").write_text(size + "\n")
    assert cache_sizes(tmp_path) == {1: 48 * 1024, 2: 2048 * 1024, 3: 32 * 1024**2}
    assert cache_sizes(tmp_path / "nowhere") == {}
