"""The computation graph of the risk of the 2-H-1 network, as arrays (chapter 10).

Chapter 5 draws the sheet's network at one point, one node per number
(`mlp_by_hand.circuit`). Chapter 10 works with whole arrays: the N points at once and
H hidden neurons. Its graph has one node per array of the forward pass, labelled with
the array's shape, and one edge per operation. Each edge carries, in the circuit's
two colours, the operation going forward and the vector-Jacobian product that the
backward pass computes along it (the derivative of the risk with respect to the
edge's tail).

`risk_graph` builds that structure for given N and H; `draw_risk_graph` draws it.
"""

import numpy as np

from .circuit import DERIVATIVE_COLOUR, VALUE_COLOUR, draw_legend

# Where each array sits (data units, y up), and its symbol. The forward pass runs
# down the page, so that the figure is tall and narrow enough for a phone; the
# parameters v and c come in from the left, the labels z from the right.
_NODES = {
    "X1": (r"$\tilde X$", ("N", 3), (0.3, 10.0)),
    "U": (r"$U = [W\ b]$", ("H", 3), (3.7, 10.0)),
    "A": (r"$A$", ("N", "H"), (2.0, 8.0)),
    "hidden": (r"$\mathrm{relu}(A)$", ("N", "H"), (2.0, 6.0)),
    "v": (r"$v$", ("H",), (-1.4, 6.2)),
    "c": (r"$c$", (), (-1.4, 3.6)),
    "f": (r"$f$", ("N",), (2.0, 4.0)),
    "theta": (r"$\theta$", ("N",), (2.0, 2.0)),
    "z": (r"$z$", ("N",), (5.0, 0.0)),
    "risk": (r"$R(\phi)$", (), (2.0, 0.0)),
}

# (tail, head, forward operation, backward: the bar of the tail, where the bar is
# written (x, y, ha)). The bars are chapter 10's equations; z is data and X1 the
# points: they get none. The forward operation is written left of a vertical edge.
_EDGES = [
    ("X1", "A", "", "", None),
    ("U", "A", "", r"$\bar U = \bar A^\top \tilde X$", (3.3, 8.9, "left")),
    (
        "A",
        "hidden",
        r"$\mathrm{relu}$",
        r"$\bar A = \overline{\mathrm{relu}(A)} \odot \mathrm{relu}'(A)$",
        (2.15, 7.0, "left"),
    ),
    (
        "hidden",
        "f",
        r"$\cdot\, v + c$",
        r"$\overline{\mathrm{relu}(A)} = \bar f\, v^\top$",
        (2.15, 5.0, "left"),
    ),
    ("v", "f", "", r"$\bar v = \mathrm{relu}(A)^\top \bar f$", (-1.4, 5.3, "center")),
    ("c", "f", "", r"$\bar c = \sum_n \bar f_n$", (-1.4, 2.75, "center")),
    ("f", "theta", r"$\sigma$", r"$\bar f = (\theta - z)/N$", (2.15, 3.0, "left")),
    ("theta", "risk", r"mean of $\ell$", r"$\bar\theta = \ell'(\theta)/N$", (2.15, 1.0, "left")),
    ("z", "risk", "", "", None),
]


def risk_graph(N, H):
    """The nodes and edges of the risk's computation graph for N points and H neurons.

    Parameters
    ----------
    N : int
        Number of points, at least 1.
    H : int
        Number of hidden neurons, at least 1.

    Returns
    -------
    nodes : dict of str to dict
        For every array of the forward pass: ``label`` (its symbol), ``shape`` (a
        tuple of ints; ``()`` for a number), ``size`` (its number of entries) and
        ``xy`` (where it is drawn).
    edges : list of (str, str, str, str, tuple or None)
        ``(tail, head, forward, backward, where)``: the operation from tail to head,
        the formula of the tail's bar (empty for the points and the labels) and where
        the figure writes it, ``(x, y, horizontal alignment)``.

    Raises
    ------
    ValueError
        If N or H is not an int of at least 1.
    """
    for name, value in (("N", N), ("H", H)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be an int >= 1, got {value!r}")
    sizes = {"N": int(N), "H": int(H)}
    nodes = {}
    for key, (label, symbolic, xy) in _NODES.items():
        shape = tuple(sizes.get(d, d) for d in symbolic)
        nodes[key] = {"label": label, "shape": shape, "size": int(np.prod(shape)), "xy": xy}
    return nodes, list(_EDGES)


def _shape_text(shape):
    if not shape:
        return "a number"
    return "(" + ", ".join(f"{d:,}" for d in shape) + ("," if len(shape) == 1 else "") + ")"


def draw_risk_graph(N, H, ax=None, fontsize=12):
    """Draw `risk_graph(N, H)`: arrays as boxes, operations and bars on the edges.

    Parameters
    ----------
    N, H : int
        As for `risk_graph`.
    ax : matplotlib Axes, optional
        Where to draw; a new tall figure when None.
    fontsize : float
        Size of the labels, in points.

    Returns
    -------
    matplotlib Axes
        Each box's shape text has the gid ``"shape:<node>"``, each edge's backward
        formula the gid ``"bar:<tail>"``.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    nodes, edges = risk_graph(N, H)
    if ax is None:
        _, ax = plt.subplots(figsize=(5.6, 8.4))
    ax.figure.patch.set_facecolor("white")  # opaque: readable on a dark page too
    ax.set_facecolor("white")
    boxes = {}
    for key, node in nodes.items():
        cx, cy = node["xy"]
        width, height = 1.9, 0.95
        box = FancyBboxPatch(
            (cx - width / 2, cy - height / 2),
            width,
            height,
            boxstyle="round,pad=0.02,rounding_size=0.2",
            facecolor="#f2f2f2" if key in ("U", "v", "c") else "white",
            edgecolor="#333333",
            linewidth=1.4,
            zorder=2,
        )
        ax.add_patch(box)
        boxes[key] = box
        ax.text(cx, cy + 0.18, node["label"], ha="center", va="center", fontsize=fontsize)
        ax.text(
            cx,
            cy - 0.22,
            _shape_text(node["shape"]),
            ha="center",
            va="center",
            fontsize=fontsize - 1,
            color=VALUE_COLOUR,
            fontweight="bold",
            gid=f"shape:{key}",
        )
    for tail, head, forward, backward, where in edges:
        (x0, y0), (x1, y1) = nodes[tail]["xy"], nodes[head]["xy"]
        arrow = FancyArrowPatch(
            posA=(x0, y0),
            posB=(x1, y1),
            patchA=boxes[tail],
            patchB=boxes[head],
            arrowstyle="-|>",
            mutation_scale=16,
            color="#555555",
            linewidth=1.3,
            zorder=1,
        )
        ax.add_patch(arrow)
        if forward:
            ax.text(
                x0 - 0.15, (y0 + y1) / 2, forward, ha="right", va="center", fontsize=fontsize - 1
            )
        if backward:
            bx, by, ha = where
            ax.text(
                bx,
                by,
                backward,
                ha=ha,
                va="center",
                fontsize=fontsize - 1,
                color=DERIVATIVE_COLOUR,
                bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"},
                zorder=4,
                gid=f"bar:{tail}",
            )
    legend = [
        ("bold blue: the shape of each array", VALUE_COLOUR, "bold"),
        ("orange: going backwards, the bar of each edge's tail", DERIVATIVE_COLOUR, "normal"),
    ]
    draw_legend(ax, legend, x=1.8, top=-1.0, gap=0.5, fontsize=fontsize - 1)
    ax.set_xlim(-2.6, 6.2)
    ax.set_ylim(-1.8, 10.7)
    ax.axis("off")
    return ax
