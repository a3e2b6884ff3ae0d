"""The computation graph of the risk (chapter 10): its shapes are the arrays' shapes."""

import matplotlib
import numpy as np
import pytest

from mlp_by_hand import generate_data, init_pars, unpack
from mlp_by_hand.graph import draw_risk_graph, risk_graph

matplotlib.use("Agg")


def test_shapes_are_those_of_the_forward_pass():
    # Oracle: the arrays themselves, computed as chapter 10's equations have them.
    X, z = generate_data(40, half=False, seed=0)
    N, H = len(X), 3
    W, b, v, c = unpack(init_pars(H, seed=1))
    X1 = np.column_stack([X, np.ones(N)])
    U = np.column_stack([W, b])
    A = X1 @ U.T
    f = np.maximum(A, 0) @ v + c
    arrays = {"X1": X1, "U": U, "A": A, "hidden": np.maximum(A, 0), "v": v, "c": c, "f": f}
    arrays.update({"theta": 1 / (1 + np.exp(-f)), "z": z, "risk": 0.5})
    nodes, _ = risk_graph(N, H)
    assert set(nodes) == set(arrays)
    for key, array in arrays.items():
        assert nodes[key]["shape"] == np.shape(array), key
        assert nodes[key]["size"] == np.size(array), key


def test_every_parameter_and_array_but_the_data_gets_a_bar():
    nodes, edges = risk_graph(5, 2)
    tails_with_bars = {tail for tail, _, _, backward, _ in edges if backward}
    assert tails_with_bars == set(nodes) - {"X1", "z", "risk"}
    assert {head for _, head, *_ in edges} <= set(nodes)
    # Every edge points down the forward pass, towards the risk.
    order = {key: i for i, key in enumerate(["X1", "U", "A", "hidden", "v", "c", "f"])}
    order.update({"theta": 7, "z": 8, "risk": 9})
    assert all(order[tail] < order[head] for tail, head, *_ in edges)


def test_drawing_writes_every_shape_and_bar():
    ax = draw_risk_graph(1000, 15)
    gids = {t.get_gid(): t.get_text() for t in ax.texts if t.get_gid()}
    assert gids["shape:A"] == "(1,000, 15)"
    assert gids["shape:risk"] == "a number"
    assert gids["bar:U"].startswith(r"$\bar U")
    matplotlib.pyplot.close(ax.figure)


@pytest.mark.parametrize(("N", "H"), [(0, 2), (3, 0), (2.5, 2), (True, 2), (3, "2")])
def test_bad_sizes_are_refused(N, H):
    with pytest.raises(ValueError, match="must be an int >= 1"):
        risk_graph(N, H)
