"""Failure modes read off the parameters: `mlp_by_hand.diagnose` (chapter 8).

Each detector is checked on networks built by hand so that the answer is known
(a neuron pointed away from every point is dead; a row and a multiple of it
coincide), against plain loops over the points, and on the consequence that makes
the mode matter: a dead neuron's parameters get a zero gradient and do not move
under `learn`; coinciding neurons compute a function that one neuron can compute.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sheet import SHEET_INIT
from tolerance import assert_close_rounding, network_scales

from mlp_by_hand import EPS, empirical_risk, generate_data, learn, mlp, multilayer_perceptron
from mlp_by_hand.diagnose import (
    PLATEAU_GRAD,
    PLATEAU_RISK,
    active_fraction,
    always_active,
    coinciding_pairs,
    dead_neurons,
    diagnose,
    hidden_features,
    neuron_similarity,
)

coords = st.floats(-3, 3, allow_nan=False, allow_infinity=False, allow_subnormal=False)


@pytest.fixture(scope="module")
def half_circles():
    return generate_data(400, seed=21)


def test_hidden_features_by_a_loop(rng):
    X = rng.normal(size=(7, 2))
    pars = rng.normal(size=4 * 3 + 1)
    features = hidden_features(X, pars)
    assert features.shape == (7, 3)
    for n in range(7):
        for h in range(3):
            w1, w2, b = pars[3 * h : 3 * h + 3]
            terms = np.array([w1 * X[n, 0], w2 * X[n, 1], b])
            assert_close_rounding(features[n, h], terms.sum(), np.abs(terms).sum(), n_terms=3)


def test_a_neuron_pointing_away_from_the_data_is_dead(half_circles):
    X, z = half_circles  # every point has x_2 > 0
    pars = SHEET_INIT.copy()
    pars[0:3] = [0, -1, -0.5]  # active only where x_2 < -0.5
    np.testing.assert_array_equal(dead_neurons(X, pars), [True, False])
    # Why it matters: its three parameters get a zero gradient and never move.
    _, grad, _ = empirical_risk(X, z, multilayer_perceptron, pars)
    np.testing.assert_array_equal(grad[0:3], 0.0)
    trained = learn(half_circles, pars, multilayer_perceptron, nsteps=200)
    np.testing.assert_array_equal(trained[0:3], pars[0:3])


def test_dead_means_no_point_at_all_is_active():
    X = np.array([[0.0, 1.0], [0.0, 2.0]])
    pars = np.array([0, -1, 1.0, 0, -1, 2.0, 1, 1, 0])  # features [0, -1] and [1, 0]
    np.testing.assert_array_equal(dead_neurons(X, pars), [True, False])  # 0 counts as dead
    np.testing.assert_array_equal(active_fraction(X, pars), [0.0, 0.5])
    np.testing.assert_array_equal(always_active(X, pars), [False, False])


def test_always_active_neuron_is_linear_on_the_data(half_circles):
    X, _ = half_circles
    pars = SHEET_INIT.copy()
    pars[3:6] = [0, 1, 0.5]  # x_2 + 0.5 > 0 on the upper half plane
    np.testing.assert_array_equal(always_active(X, pars), [False, True])
    # On X, relu does nothing to it: its hidden output equals its feature.
    features = hidden_features(X, pars)[:, 1]
    np.testing.assert_allclose(np.maximum(features, 0), features, rtol=0)


@settings(max_examples=30)
@given(arrays(np.float64, (6, 2), elements=coords), arrays(np.float64, (17,), elements=coords))
def test_dead_and_always_active_against_a_loop(X, pars):
    dead, always, share = dead_neurons(X, pars), always_active(X, pars), active_fraction(X, pars)
    for h in range(4):
        w1, w2, b = pars[3 * h : 3 * h + 3]
        values = [w1 * x1 + w2 * x2 + b for x1, x2 in X]
        # The loop rounds like the matrix product only to within an ulp; skip ties.
        if min(abs(a) for a in values) < 1e-9:
            continue
        assert dead[h] == all(a <= 0 for a in values)
        assert always[h] == all(a > 0 for a in values)
        assert share[h] == sum(a > 0 for a in values) / len(values)
    assert not np.any(dead & always)


def test_similarity_of_multiples_and_opposites():
    rows = [[1.0, 2.0, -1.0], [2.0, 4.0, -2.0], [-1.0, -2.0, 1.0], [2.0, -1.0, 0.0]]
    pars = np.concatenate([np.ravel(rows), [1, 1, 1, 1, 0]])
    similarity = neuron_similarity(pars)
    assert similarity.shape == (4, 4)
    # A cosine: a 3-term dot product over two norms (about 8 roundings), and its terms
    # have total size at most 1 (Cauchy-Schwarz).
    assert_close_rounding(np.diag(similarity), np.ones(4), 1.0, n_terms=8)
    np.testing.assert_array_equal(similarity, similarity.T)
    assert_close_rounding(similarity[0, 1], 1.0, 1.0, n_terms=8)
    assert_close_rounding(similarity[0, 2], -1.0, 1.0, n_terms=8)
    assert_close_rounding(similarity[0, 3], 0.0, 1.0, n_terms=8)  # orthogonal rows
    assert coinciding_pairs(pars) == [(0, 1)]


def test_similarity_against_the_definition(rng):
    pars = rng.normal(size=4 * 5 + 1)
    rows = pars[:15].reshape(5, 3)
    similarity = neuron_similarity(pars)
    for h in range(5):
        for g in range(5):
            expected = rows[h] @ rows[g] / (np.linalg.norm(rows[h]) * np.linalg.norm(rows[g]))
            assert_close_rounding(similarity[h, g], expected, 1.0, n_terms=8)


def test_a_row_of_zeros_coincides_with_nothing():
    pars = np.array([0, 0, 0, 0, 0, 0, 1, 1, 0.0])
    np.testing.assert_array_equal(neuron_similarity(pars), 0.0)
    assert coinciding_pairs(pars) == []


def test_coinciding_neurons_act_as_one(half_circles):
    """Row 2 = 3 x row 1: the network equals a one-neuron network with v = v_1 + 3 v_2."""
    X, _ = half_circles
    pars = np.array([0.4, 1.0, -0.2, 1.2, 3.0, -0.6, -0.7, 0.5, 0.1])
    assert coinciding_pairs(pars) == [(0, 1)]
    one_neuron = np.array([0.4, 1.0, -0.2, -0.7 + 3 * 0.5, 0.1])
    theta_scale, _ = network_scales(X, pars)
    assert_close_rounding(mlp(X, pars)[0], mlp(X, one_neuron)[0], theta_scale, n_terms=5)


def test_the_threshold_decides(rng):
    base = np.array([1.0, 0.0, 0.0])
    tilted = np.array([math.cos(0.2), math.sin(0.2), 0.0])  # cosine 0.980
    pars = np.concatenate([base, tilted, [1, 1, 0]])
    assert coinciding_pairs(pars) == []
    assert coinciding_pairs(pars, threshold=0.97) == [(0, 1)]


def test_diagnose_a_healthy_start_and_the_all_zero_start(half_circles):
    X, z = half_circles
    healthy = diagnose(X, z, SHEET_INIT)
    risk, grad, _ = empirical_risk(X, z, multilayer_perceptron, SHEET_INIT)
    # The risk is a mean of N positive losses, whose size is the risk itself; a gradient
    # entry a mean of N terms loss'(theta) dtheta/dparameter, |loss'| <= 1/min(theta, 1-theta).
    assert_close_rounding(healthy.risk, risk, risk, n_terms=len(z))
    theta, _ = multilayer_perceptron(X, SHEET_INIT)
    term_size = network_scales(X, SHEET_INIT)[1] / np.minimum(theta, 1 - theta)[:, None]
    grad_scale = term_size.mean(axis=0).sum()
    assert_close_rounding(healthy.grad_norm, np.linalg.norm(grad), grad_scale, n_terms=len(z))
    assert not healthy.dead.any() and not healthy.plateau and healthy.coinciding == []

    zero = diagnose(X, z, np.zeros(9))  # chapter 6: dead and twin at once, only c moves
    assert zero.dead.all()
    assert zero.coinciding == []  # zero rows have no direction
    # A fair-coin risk, but c still has a gradient: not a plateau until c has settled.
    assert_close_rounding(zero.risk, math.log(2), n_terms=len(z))
    assert zero.plateau == (zero.grad_norm < PLATEAU_GRAD)


def test_a_network_with_every_neuron_dead_ends_on_a_plateau(half_circles):
    X, z = half_circles
    pars = np.array([0, -1, -0.5, 0.3, -1, -0.5, 1.0, -1.0, 0.0])
    assert dead_neurons(X, pars).all()
    trained = learn(half_circles, pars, multilayer_perceptron, nsteps=3000, lr=0.5)
    found = diagnose(X, z, trained)
    # Only c can move, to log(p / (1 - p)) for the share p of inner points.
    p = z.mean()
    assert math.isclose(trained[8], math.log(p / (1 - p)), rel_tol=1e-6)
    assert found.plateau and found.risk > PLATEAU_RISK and found.grad_norm < PLATEAU_GRAD
    np.testing.assert_array_equal(found.dead, [True, True])


def test_a_network_certain_of_everything_is_frozen(half_circles):
    """Outputs so large that theta rounds to 0 or 1: learn's gradient is exactly zero.

    A plateau made by rounding: half the points are certain and wrong, the risk is
    -log(EPS) / 2, and `learn` does not move at all.
    """
    X, z = half_circles
    pars = np.array([0, 0, 1, 0, 0, 1, 50, 0, 0.0])  # f = 50 at every point: theta == 1
    found = diagnose(X, z, pars)
    assert found.grad_norm == 0.0 and found.plateau
    assert_close_rounding(found.risk, (1 - z.mean()) * -math.log(EPS), n_terms=len(z))
    np.testing.assert_array_equal(learn(half_circles, pars, mlp, nsteps=50), pars)


def test_diagnose_works_for_any_number_of_neurons(rng):
    X, z = generate_data(100, half=False, seed=2)
    pars = rng.normal(size=4 * 7 + 1)
    found = diagnose(X, z, pars)
    assert found.dead.shape == found.always_active.shape == (7,)
    risk, grad, _ = empirical_risk(X, z, mlp, pars)
    assert_close_rounding(found.risk, risk, risk, n_terms=len(z))


def test_bad_input_is_rejected(half_circles):
    X, z = half_circles
    with pytest.raises(ValueError, match="4H\\+1"):
        dead_neurons(X, np.zeros(8))
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        hidden_features(X[:, 0], SHEET_INIT)
    with pytest.raises(ValueError, match="finite"):
        neuron_similarity(np.full(9, np.nan))
    with pytest.raises(ValueError, match="labels 0 or 1"):
        diagnose(X, z + 2, SHEET_INIT)
