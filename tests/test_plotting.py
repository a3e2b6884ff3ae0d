"""The book's figures: `mlp_by_hand.plotting`. Drawn off screen (Agg, see conftest).

The contour tests use theta functions whose level sets we know: theta = (x_1 + lim) /
(2 lim) has its 0.5 line on x_1 = 0. A grid transposed the wrong way would put it on
x_2 = 0 instead, which the sheet's np.swapaxes guards against.
"""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure

from mlp_by_hand import History, generate_data, learn, multilayer_perceptron
from mlp_by_hand.plotting import (
    CLASS_COLORS,
    THETA_CMAP,
    grid_points,
    plot,
    plot_contour,
    plot_data,
    plot_risk,
    plot_snapshots,
)


def ramp(lim):
    """theta rising from 0 to 1 along x_1 across [-lim, lim], with a dummy gradient."""

    def theta_func(X, pars):
        return (X[:, 0] + lim) / (2 * lim), np.zeros((X.shape[0], len(pars)))

    return theta_func


def contour_sets(ax):
    return [c for c in ax.collections if isinstance(c, ContourSet)]


def level_vertices(contour_set, level):
    i = int(np.argmin(np.abs(np.asarray(contour_set.levels) - level)))
    return contour_set.get_paths()[i].vertices


@pytest.fixture(scope="module")
def data():
    return generate_data(200, seed=5)


def test_grid_points_is_the_sheets_grid():
    grid, X = grid_points()
    sheet_grid = np.mgrid[-5:5:101j, -5:5:101j]
    np.testing.assert_array_equal(grid, sheet_grid)
    np.testing.assert_array_equal(X, np.swapaxes(sheet_grid, 0, -1).reshape(-1, 2))
    assert X.shape == (101 * 101, 2)


def test_plot_contour_returns_axes_over_minus_five_to_five():
    ax = plot_contour(ramp(5.0), np.zeros(3))
    assert isinstance(ax, Axes)
    assert ax.get_xlim() == (-5.0, 5.0) and ax.get_ylim() == (-5.0, 5.0)
    assert ax.get_aspect() == 1.0
    assert ax.get_xlabel() and ax.get_ylabel()
    assert len(ax.figure.axes) == 2  # the plot and its colour bar


def test_plot_contour_draws_theta_the_right_way_round():
    ax = plot_contour(ramp(5.0), np.zeros(3), colorbar=False)
    filled, boundary = contour_sets(ax)
    assert filled.filled and not boundary.filled
    np.testing.assert_allclose(filled.levels, np.linspace(0, 1, 21))
    assert filled.get_cmap().name == "cividis"  # no white band that looks like paper
    assert list(boundary.levels) == [0.5]
    half = level_vertices(boundary, 0.5)
    np.testing.assert_allclose(half[:, 0], 0.0, atol=1e-9)  # the line x_1 = 0 ...
    assert half[:, 1].min() == -5.0 and half[:, 1].max() == 5.0  # ... from bottom to top
    assert len(ax.figure.axes) == 1


def test_plot_contour_shades_a_plateau_and_draws_no_boundary_where_theta_stays_above():
    # The sheet's example: theta = 0.5 exactly on the quadrant x_1, x_2 < 0, above elsewhere.
    ax = plot_contour(multilayer_perceptron, np.array([1, 0, 0, 0, 1, 0, 1, 1, 0.0]))
    (filled,) = contour_sets(ax)
    assert filled.filled
    assert len(ax.figure.axes) == 2  # the plot and its colour bar


def test_plot_contour_accepts_a_function_returning_theta_only():
    ax = plot_contour(lambda X, pars: ramp(5.0)(X, pars)[0], np.zeros(3), colorbar=False)
    np.testing.assert_allclose(level_vertices(contour_sets(ax)[1], 0.5)[:, 0], 0.0, atol=1e-9)


def test_plot_contour_draws_into_a_given_axes():
    fig, (left, right) = plt.subplots(1, 2)
    out = plot_contour(multilayer_perceptron, np.ones(9), ax=right, title="mine")
    assert out is right and right.get_title() == "mine"
    assert contour_sets(right) and not contour_sets(left)


def test_plot_is_the_sheets_three_inch_picture_on_minus_two_to_two(data):
    X, z = data
    ax = plot(X, z, ramp(2.0), np.zeros(3))
    assert isinstance(ax, Axes)
    assert tuple(ax.figure.get_size_inches()) == (3.0, 3.0)
    assert ax.get_xlim() == (-2.0, 2.0) and ax.get_ylim() == (-2.0, 2.0)
    boundary = [c for c in contour_sets(ax) if list(c.levels) == [0.5]]
    assert len(boundary) == 1  # the decision boundary theta = 0.5, in black
    np.testing.assert_allclose(level_vertices(boundary[0], 0.5)[:, 0], 0.0, atol=1e-9)


def test_plot_shows_every_point_in_its_class_colour(data):
    X, z = data
    ax = plot(X, z, multilayer_perceptron, np.ones(9))
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(scatters) == 2
    for label, (scatter, color) in enumerate(zip(scatters, CLASS_COLORS, strict=True)):
        np.testing.assert_array_equal(scatter.get_offsets(), X[z == label])
        np.testing.assert_allclose(scatter.get_facecolor()[0], to_rgba(color))


def test_plot_data_limits_and_legend_labels(data):
    X, z = data
    ax = plot_data(X, z)
    assert ax.get_xlim() == (-2.0, 2.0) and ax.get_ylim() == (-2.0, 2.0)
    assert [h.get_label() for h in ax.get_legend_handles_labels()[0]] == ["z = 0", "z = 1"]


def test_theta_colormap_runs_between_the_class_colours():
    np.testing.assert_allclose(THETA_CMAP(0.0), to_rgba(CLASS_COLORS[0]), atol=1e-2)
    np.testing.assert_allclose(THETA_CMAP(1.0), to_rgba(CLASS_COLORS[1]), atol=1e-2)


@pytest.fixture(scope="module")
def run(data):
    history = History()
    pars0 = np.array([-0.1, 1, 0, 0.1, 1, 0, -0.1, -0.1, 0])
    learn(data, pars0, multilayer_perceptron, nsteps=40, lr=0.5, history=history)
    return history


def test_plot_snapshots_one_panel_per_snapshot(data, run):
    fig = plot_snapshots(data, multilayer_perceptron, run)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == len(run.snapshots) == 5
    for ax, shot in zip(fig.axes, run.snapshots, strict=True):
        assert f"step {shot.step}" in ax.get_title()
        assert ax.get_xlim() == (-2.0, 2.0) and ax.get_ylim() == (-2.0, 2.0)
    np.testing.assert_allclose(fig.get_size_inches(), [15.0, 3.3])


def test_plot_risk_draws_the_history(run):
    ax = plot_risk(run)
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_ydata(), run.risks)
    np.testing.assert_array_equal(line.get_xdata(), np.arange(len(run.risks)))
    assert ax.get_yscale() == "log"
    assert plot_risk(run, logy=False).get_yscale() == "linear"
