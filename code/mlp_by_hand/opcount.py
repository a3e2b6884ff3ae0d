"""Operations and memory a gradient takes: counted by formula, measured by running (ch. 10).

Two ways give the same gradient of the risk of the 2-H-1 network on N points:

- the Jacobian path, ``empirical_risk(X, z, mlp, pars)``: the (N, P) gradient of
  theta at every point, then its average weighted by loss'(theta);
- the backward path, ``backprop_risk(X, z, pars)``: vector-Jacobian products from the
  risk down, never forming the (N, P) matrix.

`jacobian_counts` and `backprop_counts` count, step by step of the package's code, the
multiplications and the float64 numbers held at once. Steps whose size does not grow
with H (the sigmoid and the loss, a few operations per point) are left out: both
paths do them alike. `measure` times a call and records its peak memory, and
`compare_paths` does so for both paths, so that the counts can be held against what
really happens.
"""

import math
import time
import timeit
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .backprop import backprop_risk
from .n_neurons import init_pars, mlp
from .training import empirical_risk


@dataclass(frozen=True)
class Counts:
    """The work of one gradient evaluation.

    Attributes
    ----------
    multiplications : int
        Multiplications in the steps whose size grows with N * H.
    numbers : float
        float64 numbers in the arrays of N * H or N * P entries alive at the same
        moment, at the worst moment; a boolean counts as 1/8 of a number (one byte).
    """

    multiplications: int
    numbers: float


def _check_sizes(N, H):
    for name, value in (("N", N), ("H", H)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be an int >= 1, got {value!r}")


def jacobian_counts(N, H):
    """The counted work of ``empirical_risk(X, z, mlp, pars)`` for N points and H hidden neurons.

    Parameters
    ----------
    N : int
        Number of points.
    H : int
        Number of hidden neurons; P = 4H + 1 parameters.

    Returns
    -------
    Counts

    Notes
    -----
    Multiplications, 9NH + NP in all:

    - forward, 3NH: the hidden features ``X @ W.T + b`` (2 per point and neuron; the
      biases are added) and the output feature ``hidden @ v`` (1);
    - the (N, P) Jacobian of theta, 6NH: ``s * v * relu'`` gives d theta / d A (2),
      which is multiplied by the three columns x_1, x_2, 1 of ``X1`` (3);
      ``s * hidden`` gives the columns of v (1); the column of c is a copy;
    - the average: ``loss' * jacobian``, N(4H + 1) = NP, then a mean.

    Held at once, while `mlp` stacks the Jacobian's columns: the Jacobian, NP numbers,
    and seven (N, H) arrays: the hidden features, their ReLU, d theta / d A, its
    three products with ``X1`` (an (N, H, 3) array) and ``s * hidden``.
    """
    _check_sizes(N, H)
    P = 4 * H + 1
    return Counts(multiplications=3 * N * H + 6 * N * H + N * P, numbers=N * P + 7 * N * H)


def backprop_counts(N, H):
    """The counted work of ``backprop_risk(X, z, pars)`` for N points and H hidden neurons.

    Parameters
    ----------
    N : int
    H : int

    Returns
    -------
    Counts

    Notes
    -----
    Multiplications, 8NH in all:

    - forward, 4NH: the hidden features ``U @ X1`` with the row of ones that carries
      the biases (3 per point and neuron) and the output feature ``v @ hidden`` (1);
    - backward, 4NH: ``hidden @ d_f`` for the gradient of v (1), and ``relu_grad``
      times the three rows of ``X1`` scaled by ``d_f`` (3). Scaling those rows (3N)
      and the (H, 3) result by v (3H) does not grow with N * H.

    Held at once: three (H, N) arrays (the hidden features, their ReLU, and
    ``relu_grad``) and, while ``relu_grad`` is made, the boolean mask ``A > 0``:
    about 3NH numbers, whatever P is.
    """
    _check_sizes(N, H)
    return Counts(multiplications=4 * N * H + 4 * N * H, numbers=3.125 * N * H)


@dataclass(frozen=True)
class Measurement:
    """What one function call takes on this machine.

    Attributes
    ----------
    seconds : float
        Processor time per call, in the fastest of several timed runs.
    peak_bytes : int
        The most memory the call held at once beyond what existed before it, as
        `tracemalloc` sees it (numpy reports its arrays to it).
    """

    seconds: float
    peak_bytes: int


def measure(func, *args, repeat=5, min_time=0.005):
    """Time ``func(*args)`` and record its peak memory.

    Parameters
    ----------
    func : callable
    *args
        Passed to `func`.
    repeat : int
        Timed runs; the fastest is kept. Other programs only ever slow a run down
        (they take the processor or evict the call's data from its caches), so the
        minimum is the best estimate of the call's own cost.
    min_time : float
        Each timed run repeats the call until it lasts at least about this many
        seconds, so that the clock's resolution does not matter.

    Returns
    -------
    Measurement

    Notes
    -----
    The clock is the processor time of this process (`time.process_time`), not the
    wall clock: while the machine runs other programs, the time this process spends
    waiting for a processor is not counted. On an idle machine the two agree.
    """
    return measure_in_turns({"call": lambda: func(*args)}, repeat, min_time)["call"]


def measure_in_turns(calls, repeat=5, min_time=0.005):
    """Time several calls taking turns, and record each one's peak memory.

    Parameters
    ----------
    calls : dict
        Name -> a callable taking no arguments.
    repeat : int
        Rounds; in each, every call has one timed run, and each keeps its fastest.
        Taking turns makes a slow moment of the machine fall on all calls alike.
    min_time : float
        As for `measure`.

    Returns
    -------
    dict
        Name -> Measurement, in the order of `calls`.
    """
    if repeat < 1:
        raise ValueError(f"repeat must be at least 1, got {repeat}")
    clock = time.process_time
    numbers = {}
    for name, call in calls.items():
        call()  # once untimed: first calls pay for imports and caches
        start = clock()
        call()
        numbers[name] = max(1, int(min_time / max(clock() - start, 1e-9)))
    fastest = dict.fromkeys(calls, math.inf)
    for _ in range(repeat):
        for name, call in calls.items():
            total = timeit.timeit(call, number=numbers[name], timer=clock)
            fastest[name] = min(fastest[name], total / numbers[name])
    return {
        name: Measurement(seconds=fastest[name], peak_bytes=_peak_bytes(call))
        for name, call in calls.items()
    }


def _peak_bytes(call):
    """The most memory `call()` holds at once beyond what existed before it."""
    # A run of its own: tracemalloc slows every allocation down, so it never runs
    # while the clock does.
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        if not was_tracing:
            tracemalloc.stop()
    return peak - before


def compare_paths(N, H, repeat=5, seed=0):
    """Measure both gradient paths on N random points for a network of H hidden neurons.

    Parameters
    ----------
    N : int
    H : int
    repeat : int
        Rounds of `measure_in_turns`: the two paths take turns.
    seed : int
        For the points (uniform on [-1.5, 1.5]^2), the labels and `init_pars`.

    Returns
    -------
    dict
        ``{"jacobian": Measurement, "backprop": Measurement}``: the time and peak memory
        of ``empirical_risk(X, z, mlp, pars)`` and of ``backprop_risk(X, z, pars)``.
    """
    _check_sizes(N, H)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.5, 1.5, size=(N, 2))
    z = rng.integers(0, 2, size=N).astype(np.float64)
    pars = init_pars(H, seed=seed)
    calls = {
        "jacobian": lambda: empirical_risk(X, z, mlp, pars),
        "backprop": lambda: backprop_risk(X, z, pars),
    }
    return measure_in_turns(calls, repeat=repeat, min_time=0.002)


def cache_sizes(root="/sys/devices/system/cpu/cpu0/cache"):
    """The sizes of the first processor's data caches, as Linux reports them.

    Parameters
    ----------
    root : str or Path
        The folder of the processor's cache descriptions (``index0``, ``index1``, ...,
        each with the files ``level``, ``type`` and ``size``).

    Returns
    -------
    dict of int to int
        Cache level (1, 2, 3) -> size in bytes, for the caches that hold data (types
        ``Data`` and ``Unified``; instruction caches are left out). Empty where the
        folder does not exist (other operating systems).

    Notes
    -----
    A shared level-3 cache serves every core; the level-2 cache is usually one per
    core. A working set that outgrows a level makes each number moved cost more.
    """
    sizes = {}
    for index in sorted(Path(root).glob("index*")):
        try:
            kind = (index / "type").read_text().strip()
            level = int((index / "level").read_text())
            text = (index / "size").read_text().strip()
        except (OSError, ValueError):
            continue
        if kind not in ("Data", "Unified"):
            continue
        units = {"K": 1024, "M": 1024**2, "G": 1024**3}
        factor = units.get(text[-1:].upper(), 1)
        digits = text[:-1] if text[-1:].upper() in units else text
        sizes[level] = int(digits) * factor
    return sizes
