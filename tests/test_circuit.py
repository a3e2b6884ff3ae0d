"""The circuit of chapter 5: its numbers, its backward sweep and the figure drawn from them."""

import numpy as np
import pytest
from tolerance import assert_close_rounding, rounding_tol

from mlp_by_hand import PARAMETER_NAMES, linear, multilayer_perceptron, relu, sigmoid
from mlp_by_hand.circuit import backward_sweep, circuit, draw_circuit

SHEET_X = np.array([1.0, 2.0])
SHEET_PARS = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
SHEET_GRAD = [0.02994724, 0.05989447, 0.02994724, 0.03422541, 0.06845082, 0.03422541,
              0.03422541, 0.08556353, 0.04278176]  # fmt: skip


def _term_scale(x, pars):
    """Sum of |terms| behind the features a_k and f: the size of their rounding."""
    w = np.abs(pars[[0, 1, 3, 4]].reshape(2, 2))
    terms_a = w @ np.abs(x) + np.abs(pars[[2, 5]])
    terms_f = np.abs(pars[6:8]) @ terms_a + abs(pars[8])
    return terms_a, terms_f


def test_the_sweep_gives_the_sheets_nine_numbers():
    upstream = backward_sweep(SHEET_X, SHEET_PARS)
    grad = [upstream[name] for name in PARAMETER_NAMES]
    # The sheet prints 8 decimals: agreement to half a unit in the last one.
    np.testing.assert_allclose(grad, SHEET_GRAD, rtol=0, atol=5e-9)
    assert upstream["theta"] == 1.0


@pytest.mark.parametrize("seed", range(20))
def test_the_sweep_is_multilayer_perceptrons_gradient(seed):
    rng = np.random.default_rng(seed)
    x, pars = rng.normal(size=2), rng.normal(size=9)
    upstream = backward_sweep(x, pars)
    _, grad = multilayer_perceptron(x.reshape(1, 2), pars)
    terms_a, terms_f = _term_scale(x, pars)
    # Each entry is a product of a few factors, one of them read from a sum of terms
    # (a_k, f): its rounding scales with those terms, times sigma's slope (<= 1/4).
    scale = (1 + terms_f) * (np.abs(grad[0]) + terms_a.max() + 1)
    got = np.array([upstream[name] for name in PARAMETER_NAMES])
    assert np.all(np.abs(got - grad[0]) <= rounding_tol(scale, n_terms=8))


def test_dtheta_dx_adds_the_two_paths():
    # x_j reaches theta through a_1 and through a_2: d_x_j is the sum of both paths,
    # which is chapter 4's d theta / d x. Checked against the product of the
    # package's local derivatives, path by path.
    x, pars = np.array([0.3, -1.2]), np.array([0.5, -0.4, 0.2, 1.1, 0.3, 0.9, -0.8, 1.3, 0.1])
    upstream = backward_sweep(x, pars)
    X = x.reshape(1, 2)
    a1, _, gx1 = linear(X, pars[0:3])
    a2, _, gx2 = linear(X, pars[3:6])
    (h1, r1), (h2, r2) = relu(a1), relu(a2)
    f, _, gx3 = linear(np.column_stack([h1, h2]), pars[6:9])
    _, s = sigmoid(f)
    assert r1[0, 0] == r2[0, 0] == 1.0  # both paths open at this point
    paths = s[0, 0] * (gx3[0, 0] * r1[0, 0] * gx1[0] + gx3[0, 1] * r2[0, 0] * gx2[0])
    got = [upstream["x_1"], upstream["x_2"]]
    path_size = np.abs(s[0, 0] * gx3[0, 0] * gx1[0]) + np.abs(s[0, 0] * gx3[0, 1] * gx2[0])
    assert_close_rounding(got, paths, path_size, n_terms=6)
    one_path = s[0, 0] * gx3[0, 0] * gx1[0]
    assert np.all(np.abs(np.array(got) - one_path) > 1e-3)  # one path alone is not enough


def test_an_inactive_neuron_passes_nothing_back():
    # At x = (-3, 1) with the sheet's pars, a_2 = -1.2 + 0.5 + 0.6 < 0: neuron 2 is off.
    upstream = backward_sweep([-3.0, 1.0], SHEET_PARS)
    assert upstream["h_2"] != 0  # theta would move with h_2 ...
    for name in ("a_2", "w_21", "w_22", "b_2"):
        assert upstream[name] == 0  # ... but nothing flows back through relu'(a_2) = 0


def test_the_circuit_holds_the_package_numbers():
    values, edges = circuit(SHEET_X, SHEET_PARS)
    theta, _ = multilayer_perceptron(SHEET_X.reshape(1, 2), SHEET_PARS)
    assert values["theta"] == theta[0]
    assert len(edges) == 18
    # Multiplying the local derivatives along every path from a parameter to theta,
    # and adding the paths, gives the gradient: the edges are the chain rule's factors.
    into = {}
    for tail, head, d in edges:
        into.setdefault(tail, []).append((head, d))

    def d_theta(node):
        if node == "theta":
            return 1.0
        return sum(d * d_theta(head) for head, d in into[node])

    _, grad = multilayer_perceptron(SHEET_X.reshape(1, 2), SHEET_PARS)
    # Products of a few positive factors here (all paths open, all numbers > 0).
    assert_close_rounding([d_theta(p) for p in PARAMETER_NAMES], grad[0], n_terms=8)
    upstream = backward_sweep(SHEET_X, SHEET_PARS)
    for node in ("x_1", "x_2", "a_1", "h_2", "f"):
        assert_close_rounding(d_theta(node), upstream[node], n_terms=8)


def test_the_figure_shows_the_circuits_numbers():
    ax = draw_circuit(SHEET_X, SHEET_PARS)
    values, edges = circuit(SHEET_X, SHEET_PARS)
    drawn = {t.get_gid(): t.get_text() for t in ax.texts if t.get_gid()}
    assert len(drawn) == len(values) + len(edges) == 17 + 18
    for name, value in values.items():
        assert float(drawn[f"value:{name}"]) == pytest.approx(value, rel=5e-4, abs=0)
    for tail, head, d in edges:
        assert float(drawn[f"edge:{tail}->{head}"]) == pytest.approx(d, rel=5e-4, abs=0)
    assert drawn["value:theta"] == "0.9552"  # the sheet's 0.9552123, to four digits
    assert drawn["edge:f->theta"] == "0.04278"  # sigma'(f), the sheet's d theta / d c


def test_the_figure_is_opaque():
    ax = draw_circuit(SHEET_X, SHEET_PARS)
    assert ax.figure.get_facecolor() == (1.0, 1.0, 1.0, 1.0)


@pytest.mark.parametrize("bad", [[1.0, 2.0, 3.0], [np.nan, 1.0]])
def test_bad_points_are_refused(bad):
    with pytest.raises(ValueError, match="x"):
        backward_sweep(bad, SHEET_PARS)


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError, match=r"\(9,\)"):
        circuit(SHEET_X, SHEET_PARS[:8])
