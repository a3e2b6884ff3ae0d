"""The performance record: `make bench`.

Every contender trains the same network on the same data for the same number of
full-batch gradient steps at the same learning rate, in this one process, on this
machine. Runs are interleaved (one of each, then again) so that a slow moment of the
machine falls on every contender alike. Each contender's fastest and median run are
printed, with the speed-up computed from either: other programs on the machine can
only ever slow a run down, so the fastest run is the best estimate of a contender's
own cost (as `timeit` takes it), and the median shows what a typical run costs. Where
the two ratios differ much, the machine was noisy. Before any
time is printed, each fast path is checked to give the same parameters as the slow
one it is compared with.

    python benchmarks/run.py              # the full record (a few minutes)
    python benchmarks/run.py --quick      # fewer steps and repeats, for a smoke test
"""

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sheet_literal  # noqa: E402  (the baseline beside this file)

from mlp_by_hand import (  # noqa: E402
    generate_data,
    init_pars,
    learn,
    learn_many,
    mlp,
    multilayer_perceptron,
    restarts,  # noqa: E402
    unpack,
)

SHEET_INIT = np.array([-0.1, 1, 0, 0.1, 1, 0, -0.1, -0.1, 0])


def sklearn_trainer(X, z, pars, nsteps, lr):
    """scikit-learn's MLPClassifier set up as plain full-batch gradient descent from `pars`."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    W, b, v, c = unpack(pars)
    clf = MLPClassifier(
        hidden_layer_sizes=(W.shape[0],),
        activation="relu",
        solver="sgd",
        batch_size=X.shape[0],  # full batch: one step per epoch
        learning_rate="constant",
        learning_rate_init=lr,
        momentum=0.0,
        nesterovs_momentum=False,
        alpha=0.0,  # no L2 penalty
        shuffle=False,
        tol=0.0,
        n_iter_no_change=nsteps + 1,  # never stop early
        max_iter=nsteps,
        warm_start=True,
        random_state=0,
    )

    def run():
        # One partial_fit builds the model's arrays; we then overwrite them with our
        # start and let fit() continue from there (warm_start) for nsteps steps.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.partial_fit(X, z, classes=[0, 1])
            clf.coefs_ = [W.T.copy(), v.reshape(-1, 1).copy()]
            clf.intercepts_ = [b.copy(), np.array([c])]
            clf.fit(X, z)
        out = np.concatenate(
            [
                np.column_stack([clf.coefs_[0].T, clf.intercepts_[0]]).ravel(),
                clf.coefs_[1].ravel(),
                clf.intercepts_[1],
            ]
        )
        return out

    return run


def torch_trainer(X, z, pars, nsteps, lr):
    """PyTorch eager autograd, the same network and steps; None if torch is missing."""
    try:
        import torch
    except ImportError:
        return None
    W, b, v, c = unpack(pars)
    Xt = torch.tensor(X, dtype=torch.float64)
    zt = torch.tensor(z, dtype=torch.float64)

    def run():
        params = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (W, b, v, [c])]
        Wt, bt, vt, ct = params
        for _ in range(nsteps):
            theta = torch.sigmoid(torch.relu(Xt @ Wt.T + bt) @ vt + ct)
            risk = torch.nn.functional.binary_cross_entropy(theta, zt)
            risk.backward()
            with torch.no_grad():
                for p in params:
                    p -= lr * p.grad
                    p.grad = None
        Wn, bn, vn, cn = (p.detach().numpy() for p in params)
        return np.concatenate([np.column_stack([Wn, bn]).ravel(), vn, cn])

    return run


def measure(contenders, repeats):
    """Interleaved runs; returns {name: (all run times in seconds, last result)}."""
    times = {name: [] for name in contenders}
    results = {}
    for _ in range(repeats):
        for name, fn in contenders.items():
            start = time.perf_counter()
            results[name] = fn()
            times[name].append(time.perf_counter() - start)
    return {name: (t, results[name]) for name, t in times.items()}


def report(title, timings, baseline, nsteps):
    """Each contender's fastest and median run, and both ratios to the baseline."""
    print(f"\n{title}")
    print(
        f"  {'contender':<46} {'best s':>8} {'median s':>9} {'us/step':>8} "
        f"{'speed-up':>9} {'(medians)':>10}"
    )
    best = {name: min(t) for name, (t, _) in timings.items()}
    median = {name: statistics.median(t) for name, (t, _) in timings.items()}
    for name in timings:
        print(
            f"  {name:<46} {best[name]:>8.3f} {median[name]:>9.3f} "
            f"{best[name] / nsteps * 1e6:>8.1f} {best[baseline] / best[name]:>8.2f}x "
            f"{median[baseline] / median[name]:>9.2f}x"
        )
    print(f"  (speed-up over: {baseline}; us/step from the fastest run)")


def agree(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=15000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="1500 steps, 1 repeat")
    args = parser.parse_args(argv)
    nsteps, repeats = (1500, 1) if args.quick else (args.steps, args.repeats)

    import threadpoolctl

    blas = threadpoolctl.threadpool_info()
    print(
        f"numpy {np.__version__}; BLAS: "
        + ", ".join(
            f"{i['internal_api']} {i.get('version')} ({i['num_threads']} threads)" for i in blas
        )
    )
    print(f"{nsteps} full-batch steps per run, {repeats} interleaved runs of each")

    # 1. The exercise path on the sheet's workload.
    X, z = generate_data(1000, seed=0)
    data = (X, z)
    timings = measure(
        {
            "sheet's code, transcribed literally": lambda: sheet_literal.learn(
                data, SHEET_INIT, sheet_literal.multilayer_perceptron, nsteps
            ),
            "package: learn + multilayer_perceptron": lambda: learn(
                data, SHEET_INIT, multilayer_perceptron, nsteps, 0.01
            ),
        },
        repeats,
    )
    diff = agree(*(r for *_, r in timings.values()))
    report(
        f"2-2-1 network, sheet's half circles ({len(X)} points), lr 0.01",
        timings,
        "sheet's code, transcribed literally",
        nsteps,
    )
    print(f"  same parameters: max |difference| = {diff:.1e}")
    assert diff <= 1e-10, "the exercise path no longer matches the sheet's code"

    # 2. Fifteen hidden neurons on the full circles.
    X, z = generate_data(1000, half=False, seed=0)
    data = (X, z)
    start = init_pars(15, seed=0)
    contenders = {
        "scikit-learn MLPClassifier (sgd, full batch)": sklearn_trainer(X, z, start, nsteps, 0.5),
        "package: learn + mlp (per-example Jacobians)": lambda: learn(
            data, start, mlp, nsteps, 0.5
        ),
        "package: learn + mlp, method='backprop'": lambda: learn(
            data, start, mlp, nsteps, 0.5, method="backprop"
        ),
    }
    timings = measure(contenders, repeats)
    # PyTorch runs on its own, after the others: its thread pool keeps spinning for a
    # while after each call and would slow whatever numpy code ran next.
    torch_run = torch_trainer(X, z, start, nsteps, 0.5)
    if torch_run is not None:
        timings.update(measure({"PyTorch eager autograd (CPU)": torch_run}, repeats))
    report(
        f"2-15-1 network, full circles ({len(X)} points), lr 0.5",
        timings,
        "scikit-learn MLPClassifier (sgd, full batch)",
        nsteps,
    )
    ours = timings["package: learn + mlp (per-example Jacobians)"][-1]
    for name, (*_, result) in timings.items():
        print(f"  {name}: max |difference| from the package = {agree(result, ours):.1e}")
        assert agree(result, ours) <= 1e-10, f"{name} no longer trains the same network"
    if torch_run is None:
        print("  (PyTorch is not installed: pip install torch to add it to this table)")

    # 3. A hundred restarts of the sheet's network, batched or one by one.
    restarts_table(nsteps, quick=args.quick)
    crossover_table(quick=args.quick)


def restarts_table(nsteps, quick):
    X, z = generate_data(1000, seed=0)
    data = (X, z)
    K = 20 if quick else 100
    starts = np.random.default_rng(0).normal(0.0, 1.0, size=(K, 9))

    def one_by_one():
        return np.stack([learn(data, p, multilayer_perceptron, nsteps, 0.01) for p in starts])

    # K separate runs take minutes: once each, which is plenty at this length.
    timings = measure(
        {
            f"{K} learn calls (exercise path)": one_by_one,
            f"learn_many, {K} runs batched": lambda: learn_many(data, starts, nsteps=nsteps),
        },
        1,
    )
    report(
        f"{K} random starts N(0, 1) of the 2-2-1 network, half circles, lr 0.01",
        timings,
        f"{K} learn calls (exercise path)",
        nsteps * K,
    )
    diff = agree(*(r for *_, r in timings.values()))
    print(f"  same parameters: max |difference| = {diff:.1e}  (us/step is per run and step)")
    assert diff <= 1e-12


def crossover_table(quick):
    """Where batching stops paying: us per run and step for K runs, three ways.

    All three run learn_many's engine (`_descend_batch`): all K runs in one batch,
    the chunks learn_many chooses (at most BATCH_BUDGET numbers K*N*H per batch), and
    one run at a time.
    """
    steps = 100 if quick else 300
    K = 32
    print(f"\n{K} runs of {steps} steps, us per run and step: all at once, learn_many, one by one")
    print(
        f"  {'N':>6} {'H':>4} {'K*N*H':>9} {'all at once':>12} {'learn_many':>11} "
        f"{'chunk':>8} {'one by one':>11}"
    )
    for N, H in [(500, 2), (1000, 2), (500, 15), (1000, 15), (4000, 15), (4000, 60)]:
        X, z = generate_data(N, half=False, seed=0)
        starts = np.stack([init_pars(H, seed=k) for k in range(K)])
        chunk = min(K, max(1, restarts.BATCH_BUDGET // (N * H)))
        per_step = K * steps / 1e6  # seconds -> us per run and step
        batched = min(_time(restarts._descend_batch, X, z, starts, steps, 0.1) for _ in range(2))
        chunked = min(_time(learn_many, (X, z), starts, mlp, steps, 0.1) for _ in range(2))
        # Four single runs stand for all K: they cost the same each.
        single = K / 4 * min(_time(_single_runs, X, z, starts[:4], steps) for _ in range(2))
        print(
            f"  {N:>6} {H:>4} {K * N * H:>9} {batched / per_step:>12.1f} "
            f"{chunked / per_step:>11.1f} {chunk:>8} {single / per_step:>11.1f}"
        )
    print(
        f"  learn_many batches at most BATCH_BUDGET = {restarts.BATCH_BUDGET} numbers "
        f"(K*N*H) at once, in equal chunks"
    )


def _single_runs(X, z, starts, steps):
    return [restarts._descend_batch(X, z, p[None], steps, 0.1) for p in starts]


def _time(fn, *args):
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
