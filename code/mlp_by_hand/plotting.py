"""The book's figures: contours of theta, the data, and training runs.

Every chapter draws with these, so the two classes keep their colours from page to
page: blue for label 0 (outer circle), vermilion for label 1 (inner circle), with
theta shaded from one to the other. The colours are Okabe and Ito's, which stay
distinct under the common forms of colour blindness.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.ticker import FuncFormatter, MaxNLocator

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


def plot_snapshots(data, theta_func, history, size=3.0, ncols=None):
    """One panel per snapshot of a run, as the sheet's `learn` draws them.

    Parameters
    ----------
    data : tuple (X, z)
    theta_func : callable
    history : History
        Filled by ``learn(..., history=history)``.
    size : float
        Each panel is size x size inches (the sheet's 3).
    ncols : int or None
        Panels per row (None: all in one row). Fewer columns keep the panels
        readable on a narrow screen.

    Returns
    -------
    matplotlib Figure
    """
    X, z = data
    shots = history.snapshots
    ncols = len(shots) if ncols is None else min(ncols, len(shots))
    nrows = -(-len(shots) // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(size * ncols, (size + 0.3) * nrows), squeeze=False
    )
    for ax, shot in zip(axes.ravel(), shots, strict=False):
        plot(X, z, theta_func, shot.pars, ax=ax, title=f"step {shot.step}\nrisk {shot.risk:.4f}")
    for i, ax in enumerate(axes.ravel()):
        if i >= len(shots):
            ax.set_axis_off()  # an empty slot in the last row
        elif i % ncols:
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


def animate_training(
    data, theta_func, history, lim=2.0, dpi=80, interval=100, describe=None, hidden_lines=False
):
    """An animation of a run: the contours of theta (top) and the risk so far (below).

    Parameters
    ----------
    data : tuple (X, z)
    theta_func : callable
    history : History
        From ``learn(..., history=History(at=film_steps(nsteps)))`` (frames dense
        early) or ``History(every=k)``: one frame per recorded step.
    lim : float
        The upper panel shows [-lim, lim]^2.
    dpi : int
        Resolution of each frame; at 80 a frame is 368 x 544 pixels and its tick
        labels are 12 pixels high.
    interval : int
        Milliseconds between frames.
    describe : callable or None
        ``describe(snapshot) -> str``: a sentence added to each frame's alt text (what
        that frame shows that its step and risk do not say).
    hidden_lines : bool
        Also draw each hidden neuron's line ``w_k1 x_1 + w_k2 x_2 + b_k = 0``, dashed
        (for `multilayer_perceptron` and `mlp`, whose pars start with the rows
        ``[w_k1, w_k2, b_k]``).

    Returns
    -------
    matplotlib.animation.FuncAnimation
        Show it with ``animation_html(anim)`` as a cell's last line: it plays
        offline, with play, pause and a slider. The figure is closed, so no static
        copy is shown too. Its ``frame_alts`` attribute holds one alt text per frame.
    """
    from matplotlib.animation import FuncAnimation

    X, z = data
    frames = history.frames
    if not frames:
        raise ValueError("history has no frames: pass History(at=steps) or History(every=k)")
    risks = np.asarray(history.risks)
    # Stacked, not side by side: the film then fills a phone's width at a readable size.
    fig, (ax_plane, ax_risk) = plt.subplots(
        2, 1, figsize=(4.6, 6.8), dpi=dpi, gridspec_kw={"height_ratios": [1.3, 1]}
    )
    # What does not change is drawn once; each frame only redraws the contours and
    # moves the risk curve's end, which keeps rendering to a fraction of a second.
    plot_data(X, z, ax=ax_plane, lim=lim, size=8)
    ax_plane.set_aspect("equal")
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
    ax_risk.xaxis.set_major_locator(MaxNLocator(4))
    for ax in (ax_plane, ax_risk):
        ax.tick_params(labelsize=11)
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
        if hidden_lines:
            H = (len(shot.pars) - 1) // 4
            for w1, w2, b in np.reshape(shot.pars[: 3 * H], (H, 3)):
                feature = w1 * grid[0] + w2 * grid[1] + b
                drawn.append(
                    ax_plane.contour(
                        *grid, feature, levels=[0], colors="0.25", linestyles="--", zorder=1
                    )
                )
        ax_plane.set_title(f"step {shot.step}")
        so_far.set_data(np.arange(shot.step + 1), risks[: shot.step + 1])
        now.set_data([shot.step], [shot.risk])
        ax_risk.set_title(f"risk {shot.risk:.4f}")

    anim = FuncAnimation(fig, draw, frames=len(frames), interval=interval)
    anim.frame_alts = [_frame_alt(i, len(frames), shot, describe) for i, shot in enumerate(frames)]
    anim.frame_steps = [shot.step for shot in frames]
    plt.close(fig)
    return anim


def _frame_alt(i, n, shot, describe):
    text = (
        f"Frame {i + 1} of {n}, step {shot.step}, risk {shot.risk:.4f}. Top: the data, "
        "blue outer and vermilion inner points, on the probability theta shaded from blue "
        "to vermilion, with the decision boundary as a black line. Bottom: the risk "
        "against the step, drawn up to this step."
    )
    return f"{text} {describe(shot)}" if describe else text


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

# The player's own style gives the slider a fixed 374 px and the buttons one row, which
# a phone cuts off; these rules let the film and its controls shrink with the page.
_PLAYER_STYLE = """<style>
.mlp-film .animation { display: block; max-width: 100%; }
.mlp-film .animation img { max-width: 100%; height: auto; }
.mlp-film input[type=range].anim-slider { width: 100%; max-width: 368px; }
.mlp-film .anim-buttons { display: flex; flex-wrap: wrap; justify-content: center;
  gap: 4px; }
.mlp-film .anim-buttons button { width: 40px; min-height: 32px; }
.mlp-film .anim-slider-label { display: block; font-size: 0.9em; }
</style>
"""

# Keeps each frame's alt text and the slider's spoken value in step with the frame.
_PLAYER_SCRIPT = """<script>
(function() {
  var alts = %(alts)s, steps = %(steps)s;
  var wait = setInterval(function() {
    if (typeof anim%(id)s === "undefined") { return; }
    clearInterval(wait);
    var anim = anim%(id)s;
    var img = document.getElementById("_anim_img%(id)s");
    var slider = document.getElementById("_anim_slider%(id)s");
    anim.set_frame = function(frame) {
      Animation.prototype.set_frame.call(this, frame);
      img.alt = alts[this.current_frame];
      slider.setAttribute("aria-valuetext", "step " + steps[this.current_frame]);
    };
    anim.set_frame(anim.current_frame);
  }, 50);
})();
</script>
"""


class FilmHTML(str):
    """HTML that a notebook shows as a player: the last line of a cell displays it."""

    def _repr_html_(self):
        return str(self)

    def _repr_pretty_(self, printer, cycle):
        printer.text(f"<film: {len(self)} characters of HTML>")


def animation_html(anim, default_mode="once", frame_format="jpeg"):
    """The animation as self-contained HTML (frames embedded, no external resource).

    Parameters
    ----------
    anim : matplotlib.animation.Animation
        If it has ``frame_alts`` (as `animate_training`'s does), each frame image
        gets its alt text, and the slider says which step it shows.
    default_mode : {"once", "loop", "reflect"}
    frame_format : {"jpeg", "png"}
        How each frame is embedded; JPEG keeps a 100-frame film near 3 MB.

    Returns
    -------
    FilmHTML
        HTML with a play/pause/scrub player (a str). As the last line of a notebook
        cell it shows the player, with no IPython import needed. Its
        buttons are labelled ``<button>`` elements and its slider an
        ``<input type=range>`` with a ``<label>``, so all work from the keyboard.
    """
    import json
    import re

    with plt.rc_context({"animation.frame_format": frame_format}):
        html = anim.to_jshtml(default_mode=default_mode)
    html = re.sub(r'<link rel="stylesheet"[^>]*font-awesome[^>]*>', "", html)
    for icon, symbol in _PLAYER_ICONS.items():
        html = html.replace(f'<i class="{icon}"></i>', f'<span aria-hidden="true">{symbol}</span>')
    anim_id = re.search(r'<img id="_anim_img(\w+)"', html).group(1)
    alts = getattr(anim, "frame_alts", None) or ["A frame of an animation."]
    steps = getattr(anim, "frame_steps", None) or list(range(len(alts)))
    first_alt = alts[0].replace("&", "&amp;").replace('"', "&quot;")
    html = html.replace(
        f'<img id="_anim_img{anim_id}">', f'<img id="_anim_img{anim_id}" alt="{first_alt}">'
    )
    html = html.replace(
        f'<input id="_anim_slider{anim_id}"',
        f'<label class="anim-slider-label" for="_anim_slider{anim_id}">'
        f"Frame of the film (step {steps[0]} to {steps[-1]})</label>\n"
        f'    <input id="_anim_slider{anim_id}"',
    )
    script = _PLAYER_SCRIPT % {
        "alts": json.dumps(alts),
        "steps": json.dumps(steps),
        "id": anim_id,
    }
    return FilmHTML(f'{_PLAYER_STYLE}<div class="mlp-film">{html}</div>{script}')
