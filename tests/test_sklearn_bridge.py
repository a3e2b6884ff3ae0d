"""Chapter 9: our flat parameter vector inside scikit-learn's MLPClassifier, and back.

Oracles: scikit-learn itself (its forward pass, its training loop, its recorded
losses), the parameter layout written out by name from the exercise sheet, the
literal sheet code, and short numpy loops for momentum, Nesterov and L2 written
here from the update rules that chapter 9 states.
"""

import numpy as np
import pytest
import sheet_literal
from sheet import SHEET_INIT as SHEET_START
from sklearn.neural_network import MLPClassifier
from tolerance import assert_close_rounding, descent_scale, network_scales

from mlp_by_hand import History, empirical_risk, generate_data, init_pars, learn, mlp
from mlp_by_hand.sklearn_bridge import (
    from_sklearn,
    sklearn_classifier,
    sklearn_learn,
    to_sklearn,
)


@pytest.fixture(scope="module")
def half():
    """The sheet's half circles (about 500 points)."""
    return generate_data(1000, seed=0)


@pytest.fixture(scope="module")
def full():
    """Full circles, kept small so that 1000 steps of 15 neurons stay quick."""
    return generate_data(300, half=False, seed=0)


def random_pars(rng, H):
    return rng.normal(0.0, 1.0, size=4 * H + 1)


# The layout -----------------------------------------------------------------------


def test_layout_of_the_sheets_nine_parameters():
    # Each of the sheet's names gets a distinct value, so a misplaced entry shows.
    names = ["w_11", "w_12", "b_1", "w_21", "w_22", "b_2", "v_1", "v_2", "c"]
    value = {name: float(i + 1) for i, name in enumerate(names)}
    coefs, intercepts = to_sklearn(np.array([value[n] for n in names]))
    assert [a.shape for a in coefs] == [(2, 2), (2, 1)]
    assert [a.shape for a in intercepts] == [(2,), (1,)]
    # coefs_[0][i, h]: from input i to hidden neuron h; coefs_[1][h, 0]: from h to the output.
    for h in (1, 2):
        assert coefs[0][0, h - 1] == value[f"w_{h}1"]
        assert coefs[0][1, h - 1] == value[f"w_{h}2"]
        assert intercepts[0][h - 1] == value[f"b_{h}"]
        assert coefs[1][h - 1, 0] == value[f"v_{h}"]
    assert intercepts[1][0] == value["c"]


def test_hidden_neuron_one_is_the_first_column(rng):
    pars = random_pars(rng, 15)
    coefs, intercepts = to_sklearn(pars)
    np.testing.assert_array_equal(pars[0:2], coefs[0][:, 0])
    assert pars[2] == intercepts[0][0]
    np.testing.assert_array_equal(pars[3 * 14 : 3 * 14 + 2], coefs[0][:, 14])
    np.testing.assert_array_equal(pars[45:60], coefs[1][:, 0])
    assert pars[60] == intercepts[1][0]


@pytest.mark.parametrize("H", [1, 2, 15])
def test_round_trip_is_exact(rng, H):
    pars = random_pars(rng, H)
    coefs, intercepts = to_sklearn(pars)
    np.testing.assert_array_equal(from_sklearn(coefs, intercepts), pars)
    coefs2, intercepts2 = to_sklearn(from_sklearn(coefs, intercepts))
    for a, b in zip(coefs + intercepts, coefs2 + intercepts2, strict=True):
        np.testing.assert_array_equal(a, b)


def test_to_sklearn_returns_copies(rng):
    # scikit-learn updates its arrays in place; that must not reach our vector.
    pars = random_pars(rng, 2)
    before = pars.copy()
    coefs, intercepts = to_sklearn(pars)
    for a in coefs + intercepts:
        a += 1.0
    np.testing.assert_array_equal(pars, before)


# The forward pass -----------------------------------------------------------------


@pytest.mark.parametrize("H", [2, 15])
def test_predict_proba_is_our_theta(half, rng, H):
    X, _ = half
    pars = random_pars(rng, H)
    clf = sklearn_classifier(half, pars, train=False)
    np.testing.assert_array_equal(from_sklearn(clf), pars)
    theirs = clf.predict_proba(X)[:, 1]
    theta_scale, _ = network_scales(X, pars)
    assert_close_rounding(theirs, mlp(X, pars)[0], theta_scale, n_terms=H + 3)
    if H == 2:
        literal, _ = sheet_literal.multilayer_perceptron(X, pars)
        assert_close_rounding(theirs, literal, theta_scale, n_terms=H + 3)


def test_a_classifier_trained_by_scikit_learn_maps_to_our_network(half):
    # A classifier that never saw our code: its own random start, its own solver.
    X, z = half
    clf = MLPClassifier(hidden_layer_sizes=(3,), solver="sgd", random_state=3)
    for _ in range(5):
        clf.partial_fit(X, z, classes=[0, 1])
    pars = from_sklearn(clf)
    assert_close_rounding(
        clf.predict_proba(X)[:, 1], mlp(X, pars)[0], network_scales(X, pars)[0], n_terms=6
    )


# Training, step for step ----------------------------------------------------------


@pytest.mark.parametrize("nsteps", [1, 10, 1000])
def test_two_neurons_train_as_learn_does(half, nsteps):
    ours = learn(half, SHEET_START, mlp, nsteps, 0.01)
    theirs = sklearn_learn(half, SHEET_START, nsteps, 0.01)
    assert np.abs(ours - SHEET_START).max() > 1e-4  # the step count changes the parameters
    assert_close_rounding(theirs, ours, descent_scale(ours, nsteps))


@pytest.mark.parametrize("nsteps", [1, 10, 1000])
def test_fifteen_neurons_train_as_learn_does(full, nsteps):
    start = init_pars(15, seed=0)
    ours = learn(full, start, mlp, nsteps, 0.5)
    theirs = sklearn_learn(full, start, nsteps, 0.5)
    assert np.abs(ours - start).max() > 1e-3
    assert_close_rounding(theirs, ours, descent_scale(ours, nsteps))


def test_recorded_losses_are_our_risks(half):
    # loss_curve_[k] is the loss scikit-learn computed for step k: the risk before it.
    history = History()
    learn(half, SHEET_START, mlp, 10, 0.01, history=history)
    clf = sklearn_classifier(half, SHEET_START, 10, 0.01)
    assert clf.n_iter_ == 10 and len(clf.loss_curve_) == 10
    # A risk is the mean of N positive losses: their size is the risk itself.
    risks = history.risks[:-1]
    assert_close_rounding(clf.loss_curve_, risks, risks, n_terms=len(half[0]))


def test_the_throwaway_first_step_does_not_stop_training_early(half):
    # A start far worse than scikit-learn's own random weights (theta near 1
    # everywhere). Had fit kept the loss of the throwaway random-weight step as its
    # best so far, none of these epochs would count as an improvement, and the
    # stopping rule would end the run after n_iter_no_change + 1 of them.
    start = SHEET_START.copy()
    start[8] = 5.0
    clf = sklearn_classifier(half, start, 30, 0.01, tol=1e-4, n_iter_no_change=5)
    curve = np.array(clf.loss_curve_)
    assert curve.min() > 1.0  # worse than any random start: log 2 = 0.69
    assert np.all(np.diff(curve) < -1e-4)  # yet every epoch improves by more than tol
    assert clf.n_iter_ == 30


def test_zero_steps_and_the_callers_vector_is_left_alone(half):
    start = SHEET_START.copy()
    np.testing.assert_array_equal(sklearn_learn(half, start, 0, 0.01), SHEET_START)
    sklearn_learn(half, start, 3, 0.01)
    np.testing.assert_array_equal(start, SHEET_START)


def test_labels_as_floats_train_the_same(half):
    X, z = half
    a = sklearn_learn((X, z.astype(float)), SHEET_START, 5, 0.01)
    b = sklearn_learn((X, z), SHEET_START, 5, 0.01)
    np.testing.assert_array_equal(a, b)


# What scikit-learn adds, checked against the update rules chapter 9 writes out ----


def _loop(data, pars, nsteps, lr, momentum=0.0, nesterov=False, alpha=0.0):
    """Full-batch heavy-ball / Nesterov / L2 steps on our empirical risk, in numpy."""
    X, z = data
    H = (len(pars) - 1) // 4
    # L2 acts on the weights only: every parameter except the H + 1 biases.
    weights = np.ones(len(pars), dtype=bool)
    weights[2 : 3 * H : 3] = False
    weights[-1] = False
    pars = np.array(pars, dtype=float)
    velocity = np.zeros_like(pars)
    for _ in range(nsteps):
        _, grad, _ = empirical_risk(X, z, mlp, pars)
        grad = grad + alpha * weights * pars / len(X)
        velocity = momentum * velocity - lr * grad
        pars = pars + (momentum * velocity - lr * grad if nesterov else velocity)
    return pars


@pytest.mark.parametrize(
    "changes",
    [
        {"momentum": 0.9},
        {"momentum": 0.9, "nesterovs_momentum": True},
        {"alpha": 0.5},
        {"alpha": 0.5, "momentum": 0.5},
    ],
    ids=["momentum", "nesterov", "l2", "l2+momentum"],
)
def test_momentum_nesterov_and_l2_follow_their_update_rules(half, changes):
    start = init_pars(2, seed=1)
    theirs = sklearn_learn(half, start, 40, 0.05, **changes)
    plain = sklearn_learn(half, start, 40, 0.05)
    expected = _loop(
        half,
        start,
        40,
        0.05,
        momentum=changes.get("momentum", 0.0),
        nesterov=changes.get("nesterovs_momentum", False),
        alpha=changes.get("alpha", 0.0),
    )
    assert np.abs(theirs - plain).max() > 1e-4  # the setting made a difference
    assert_close_rounding(theirs, expected, descent_scale(expected, 40))


def test_mini_batches_are_reproducible_and_differ_from_full_batch(full):
    start = init_pars(4, seed=2)
    a = sklearn_learn(full, start, 3, 0.1, batch_size=32, shuffle=True, random_state=5)
    b = sklearn_learn(full, start, 3, 0.1, batch_size=32, shuffle=True, random_state=5)
    c = sklearn_learn(full, start, 3, 0.1)
    np.testing.assert_array_equal(a, b)
    assert np.abs(a - c).max() > 1e-3


def test_early_stopping_stops_and_keeps_its_best_parameters(full):
    start = init_pars(4, seed=0)
    clf = sklearn_classifier(
        full, start, 500, 0.01, solver="adam", early_stopping=True, tol=1e-4, n_iter_no_change=3
    )
    assert 3 < clf.n_iter_ < 500
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)


# Bad input ------------------------------------------------------------------------


@pytest.mark.parametrize("pars", [np.zeros(8), np.zeros((9, 1)), np.zeros(4), [np.nan] * 9])
def test_to_sklearn_rejects_a_vector_that_is_not_4h_plus_1(pars):
    with pytest.raises(ValueError, match="4H\\+1|finite"):
        to_sklearn(pars)


def test_from_sklearn_rejects_what_is_not_our_network(half):
    X, z = half
    with pytest.raises(ValueError, match="fit it first"):
        from_sklearn(MLPClassifier(hidden_layer_sizes=(2,)))
    tanh = MLPClassifier(hidden_layer_sizes=(2,), activation="tanh")
    tanh.partial_fit(X, z, classes=[0, 1])
    with pytest.raises(ValueError, match="ReLU"):
        from_sklearn(tanh)
    three_classes = MLPClassifier(hidden_layer_sizes=(2,)).partial_fit(X, z, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="logistic"):
        from_sklearn(three_classes)
    deep = MLPClassifier(hidden_layer_sizes=(2, 2)).partial_fit(X, z, classes=[0, 1])
    with pytest.raises(ValueError, match="one hidden layer"):
        from_sklearn(deep)
    coefs, intercepts = to_sklearn(SHEET_START)
    with pytest.raises(TypeError, match="not both"):
        from_sklearn(tanh, intercepts)
    with pytest.raises(TypeError, match="without intercepts"):
        from_sklearn(coefs)
    with pytest.raises(ValueError, match="shapes"):
        from_sklearn([coefs[0], coefs[1].T], intercepts)  # v as a row, (1, 2)
    with pytest.raises(ValueError, match="shapes"):
        from_sklearn(coefs, [intercepts[0], np.zeros(2)])  # two output biases
    with pytest.raises(ValueError, match="shapes"):
        from_sklearn([np.zeros((3, 2)), np.zeros((2, 1))], intercepts)


def test_sklearn_classifier_rejects_bad_settings_and_data(half):
    X, z = half
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        sklearn_classifier(half, SHEET_START, 5, 0.01, hidden_layer_sizes=(3,))
    with pytest.raises(ValueError, match="learning_rate_init"):
        sklearn_learn(half, SHEET_START, 5, 0.01, learning_rate_init=0.1)
    with pytest.raises(TypeError):
        sklearn_learn(half, SHEET_START, 5, 0.01, not_a_setting=1)
    with pytest.raises(ValueError, match="nsteps"):
        sklearn_learn(half, SHEET_START, -1, 0.01)
    with pytest.raises(ValueError, match="learning rate"):
        sklearn_learn(half, SHEET_START, 5, 0.0)
    with pytest.raises(ValueError, match="0 or 1"):
        sklearn_learn((X, z + 1), SHEET_START, 5, 0.01)
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        sklearn_learn((X[:, :1], z), SHEET_START, 5, 0.01)
    with pytest.raises(ValueError, match="4H\\+1"):
        sklearn_learn(half, SHEET_START[:8], 5, 0.01)
