"""The book's figures: contours of theta, the data, and training runs.

Every chapter draws with these, so the two classes keep their colours from page to
page: blue for label 0 (outer circle), vermilion for label 1 (inner circle), with
theta shaded from one to the other. The colours are Okabe and Ito's, which stay
distinct under the common forms of colour blindness.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.ticker import FuncFormatter

CLASS_COLORS = ("#0072B2", "#D55E00")
THETA_CMAP = LinearSegmentedColormap.from_list(
    "theta", [CLASS_COLORS[0], "#f7f7f7", CLASS_COLORS[1]]
)
# plot_contour shades theta alone, with no data on top, in a sequential map whose
# lightness rises evenly from 0 to 1 and which reads the same under colour blindness
# (cividis). Unlike THETA_CMAP it has no white: a plateau at theta = 0.5 must not
# look like empty paper.
THETA_FILL_CMAP = "cividis"
LEVELS = np.linspace(0, 1, 21)


def grid_points(lim=5.0, n=101):
    """A square grid over [-lim, lim]^2, as the sheet builds it.

    Returns
    -------
    grid : ndarray of shape (2, n, n)
        ``grid[0]`` holds the x coordinates and ``grid[1]`` the y coordinates.
    X : ndarray of shape (n * n, 2)
        The same points, one per row, ready for a theta function.
    """
    grid = np.mgrid[-lim : lim : n * 1j, -lim : lim : n * 1j]
    X = np.swapaxes(grid, 0, -1).reshape(-1, 2)
    return grid, X


def _theta_on_grid(func, pars, lim, n):
    grid, X = grid_points(lim, n)
    out = func(X, pars)
    if isinstance(out, tuple):  # our theta functions also return a gradient
        out = out[0]
    out = np.swapaxes(np.asarray(out).reshape(n, n), 0, -1)
    return grid, out


def _plane(ax, lim, title):
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)


def plot_contour(func, pars, ax=None, lim=5.0, title=None, colorbar=True):
    """Shaded contours of ``func(X, pars)`` over the square [-lim, lim]^2 (the sheet's plot).

    Filled bands 0.05 wide show theta, so that flat regions (a plateau, a floor)
    stand out as one band; a black line marks theta = 0.5 wherever theta crosses it.

    Parameters
    ----------
    func : callable
        ``func(X, pars)`` returning theta of shape (N,), or a tuple whose first item
        is theta.
    pars : ndarray of shape (P,)
    ax : matplotlib Axes or None
        Where to draw; a new figure if None.
    lim : float
        Half the side of the square; the sheet uses 5.
    title : str or None
    colorbar : bool
        Draw a colour bar for theta beside the axes.

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(4.2, 3.6))
    grid, out = _theta_on_grid(func, pars, lim, 101)
    filled = ax.contourf(grid[0], grid[1], out, levels=LEVELS, cmap=THETA_FILL_CMAP, vmin=0, vmax=1)
    # Only where theta really crosses 0.5: on a plateau at exactly 0.5, or with theta
    # on one side everywhere, there is no boundary (and matplotlib would warn).
    if out.min() < 0.5 < out.max():
        ax.contour(grid[0], grid[1], out, levels=[0.5], colors="black", linewidths=1.5)
    if colorbar:
        ax.figure.colorbar(filled, ax=ax, label=r"$\theta(x)$", ticks=[0, 0.25, 0.5, 0.75, 1])
    _plane(ax, lim, title)
    return ax


def plot_data(X, z, ax=None, lim=2.0, title=None, size=12):
    """Scatter the points, coloured by label.

    Parameters
    ----------
    X : ndarray of shape (N, 2)
    z : ndarray of shape (N,)
        Labels 0 or 1.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    X, z = np.asarray(X), np.asarray(z)
    for label, color in enumerate(CLASS_COLORS):
        pts = X[z == label]
        ax.scatter(
            pts[:, 0],
            pts[:, 1],
            s=size,
            color=color,
            edgecolors="white",
            linewidths=0.3,
            label=f"z = {label}",
        )
    _plane(ax, lim, title)
    return ax


def plot(X, z, theta_func, pars, ax=None, lim=2.0, title=None, colorbar=False):
    """The data over the shaded contours of theta: the sheet's `plot`.

    Parameters
    ----------
    X : ndarray of shape (N, 2)
    z : ndarray of shape (N,)
    theta_func : callable
        ``theta_func(X, pars) -> (theta, grad)``.
    pars : ndarray of shape (P,)
    ax : matplotlib Axes or None
    lim : float
        Both axes show [-lim, lim]; the sheet's plot uses 2.
    title : str or None
    colorbar : bool

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    The thick black line is the decision boundary theta = 0.5.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(3, 3))
    grid, out = _theta_on_grid(theta_func, pars, lim, 101)
    filled = ax.contourf(grid[0], grid[1], out, levels=LEVELS, cmap=THETA_CMAP, vmin=0, vmax=1)
    ax.contour(grid[0], grid[1], out, levels=[0.5], colors="black", linewidths=1.5)
    if colorbar:
        ax.figure.colorbar(filled, ax=ax, label=r"$\theta(x)$", ticks=[0, 0.25, 0.5, 0.75, 1])
    plot_data(X, z, ax=ax, lim=lim, title=title, size=8)
    return ax


def plot_snapshots(data, theta_func, history, size=3.0):
    """One panel per snapshot of a run, as the sheet's `learn` draws them.

    Parameters
    ----------
    data : tuple (X, z)
    theta_func : callable
    history : History
        Filled by ``learn(..., history=history)``.
    size : float
        Each panel is size x size inches (the sheet's 3).

    Returns
    -------
    matplotlib Figure
    """
    X, z = data
    shots = history.snapshots
    fig, axes = plt.subplots(1, len(shots), figsize=(size * len(shots), size + 0.3))
    for ax, shot in zip(np.atleast_1d(axes), shots, strict=True):
        plot(X, z, theta_func, shot.pars, ax=ax, title=f"step {shot.step}\nrisk {shot.risk:.4f}")
    for ax in np.atleast_1d(axes)[1:]:
        ax.set_ylabel("")
    fig.tight_layout()
    return fig


def plot_risk(history, ax=None, label=None, logy=True):
    """The empirical risk against the step number.

    Parameters
    ----------
    history : History
    ax : matplotlib Axes or None
    label : str or None
        Legend entry, to compare several runs on one axes.
    logy : bool
        A log scale shows the slow late progress that a linear one flattens.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3))
    ax.plot(np.arange(len(history.risks)), history.risks, label=label)
    ax.set_xlabel("step")
    ax.set_ylabel("empirical risk")
    if logy:
        ax.set_yscale("log")
    ax.grid(True, which="both", alpha=0.3)
    return ax


def _plain_minor_label(value, _):
    """Label the minor ticks 2, 3 and 5 of each decade of a log axis, in plain digits."""
    leading = round(value / 10 ** np.floor(np.log10(value)))
    return f"{value:g}" if leading in (2, 3, 5) else ""


def animate_training(data, theta_func, history, lim=2.0, dpi=72, interval=120):
    """An animation of a run: the contours of theta (left) and the risk so far (right).

    Parameters
    ----------
    data : tuple (X, z)
    theta_func : callable
    history : History
        From ``learn(..., history=History(every=k))``: one frame per recorded step.
    lim : float
        The left panel shows [-lim, lim]^2.
    dpi : int
        Resolution of each frame; 72 keeps an embedded animation near 1 MB.
    interval : int
        Milliseconds between frames.

    Returns
    -------
    matplotlib.animation.FuncAnimation
        Show it with ``IPython.display.HTML(animation_html(anim))``: it plays
        offline, with play, pause and a slider. The figure is closed, so no static
        copy is shown too.
    """
    from matplotlib.animation import FuncAnimation

    X, z = data
    frames = history.frames
    if not frames:
        raise ValueError("history has no frames: pass History(every=k) to learn")
    risks = np.asarray(history.risks)
    fig, (ax_plane, ax_risk) = plt.subplots(
        1, 2, figsize=(7.5, 3.4), dpi=dpi, gridspec_kw={"width_ratios": [1, 1.25]}
    )
    # What does not change is drawn once; each frame only redraws the contours and
    # moves the risk curve's end, which keeps rendering to a fraction of a second.
    plot_data(X, z, ax=ax_plane, lim=lim, size=8)
    ax_risk.plot(np.arange(len(risks)), risks, color="0.8")
    (so_far,) = ax_risk.plot([], [], color=CLASS_COLORS[0])
    (now,) = ax_risk.plot([], [], "o", color=CLASS_COLORS[1])
    ax_risk.set_yscale("log")
    # Plain tick labels: log axes default to mathtext (10^-1), whose layout would
    # dominate the time to render every frame.
    ax_risk.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax_risk.yaxis.set_minor_formatter(FuncFormatter(_plain_minor_label))
    ax_risk.set_xlabel("step")
    ax_risk.set_ylabel("empirical risk")
    ax_risk.grid(True, which="both", alpha=0.3)
    ax_plane.set_title("step 0")
    ax_risk.set_title("risk 0")
    fig.tight_layout()
    drawn = []

    def draw(i):
        shot = frames[i]
        for artist in drawn:
            artist.remove()
        grid, out = _theta_on_grid(theta_func, shot.pars, lim, 101)
        drawn[:] = [
            # an image of theta: much faster to draw than filled contours, frame after frame
            ax_plane.imshow(
                out.T,
                origin="lower",
                extent=(-lim, lim, -lim, lim),
                cmap=THETA_CMAP,
                vmin=0,
                vmax=1,
                alpha=0.8,
                zorder=0,
                interpolation="bilinear",
            ),
            ax_plane.contour(grid[0], grid[1], out, levels=[0.5], colors="black", zorder=1),
        ]
        ax_plane.set_title(f"step {shot.step}")
        so_far.set_data(np.arange(shot.step + 1), risks[: shot.step + 1])
        now.set_data([shot.step], [shot.risk])
        ax_risk.set_title(f"risk {shot.risk:.4f}")

    anim = FuncAnimation(fig, draw, frames=len(frames), interval=interval)
    plt.close(fig)
    return anim


# matplotlib's player draws its buttons with Font Awesome icons fetched from a CDN;
# the book must work offline, so the icons become plain Unicode symbols.
_PLAYER_ICONS = {
    "fa fa-minus": "\u2212",
    "fa fa-fast-backward": "\u2759\u25c0\u25c0",
    "fa fa-step-backward": "\u25c0\u2759",
    "fa fa-play fa-flip-horizontal": "\u25c0",
    "fa fa-pause": "\u2759\u2759",
    "fa fa-play": "\u25b6",
    "fa fa-step-forward": "\u2759\u25b6",
    "fa fa-fast-forward": "\u25b6\u25b6\u2759",
    "fa fa-plus": "+",
}


def animation_html(anim, default_mode="once"):
    """The animation as self-contained HTML (frames embedded, no external resource).

    Parameters
    ----------
    anim : matplotlib.animation.Animation
    default_mode : {"once", "loop", "reflect"}

    Returns
    -------
    str
        HTML with a play/pause/scrub player, for ``IPython.display.HTML``.
    """
    import re

    html = anim.to_jshtml(default_mode=default_mode)
    html = re.sub(r'<link rel="stylesheet"[^>]*font-awesome[^>]*>', "", html)
    for icon, symbol in _PLAYER_ICONS.items():
        html = html.replace(f'<i class="{icon}"></i>', symbol)
    return html
