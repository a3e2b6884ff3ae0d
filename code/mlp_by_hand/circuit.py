"""The 2-2-1 network as a circuit: forward values, local derivatives, a backward sweep.

Chapter 5 draws the sheet's network at one point the way CS231n draws its circuits:
every node carries the value the forward pass gives it, every edge the local
derivative of its head with respect to its tail. `backward_sweep` then walks the
edges from theta back to the parameters, one upstream gradient per node.

The numbers come from the package: `circuit` takes the nodes' values and the edges'
derivatives from `linear`, `relu` and `sigmoid`, the functions `multilayer_perceptron`
is made of. Nothing on the figure is typed in.
"""

import numpy as np

from ._validate import as_pars, as_points
from .network import PARAMETER_NAMES
from .perceptron import linear, sigmoid
from .rectifier import relu

#: Colours of the figure (Okabe-Ito blue and vermillion, darkened for contrast on
#: white): forward values, and local derivatives.
VALUE_COLOUR = "#0050a0"
DERIVATIVE_COLOUR = "#b03a00"

# Where each node sits (data units, y up): the point at the top, theta at the bottom,
# each hidden neuron's parameters beside it, the output neuron's around f.
_LAYOUT = {
    "x_1": (1.8, 9.6),
    "x_2": (4.2, 9.6),
    "w_11": (-0.9, 7.6),
    "w_12": (-0.9, 6.4),
    "b_1": (-0.9, 5.2),
    "w_21": (6.9, 7.6),
    "w_22": (6.9, 6.4),
    "b_2": (6.9, 5.2),
    "a_1": (1.8, 6.4),
    "a_2": (4.2, 6.4),
    "h_1": (1.8, 4.2),
    "h_2": (4.2, 4.2),
    "v_1": (-0.9, 2.0),
    "v_2": (6.9, 2.8),
    "c": (6.9, 1.2),
    "f": (3.0, 2.0),
    "theta": (3.0, 0.0),
}

_TEX = {name: f"${name}$" for name in _LAYOUT}
_TEX.update({"theta": r"$\theta$", "w_11": "$w_{11}$", "w_12": "$w_{12}$"})
_TEX.update({"w_21": "$w_{21}$", "w_22": "$w_{22}$"})


def _as_point(x):
    """One point as an array of shape (1, 2), or a ValueError saying what was expected."""
    x = np.asarray(x, dtype=np.float64)
    if x.size != 2:
        raise ValueError(f"x must be one point (x_1, x_2), two numbers; got shape {x.shape}")
    return as_points(x.reshape(1, 2), "x")


def circuit(x, pars):
    """The nodes and edges of the 2-2-1 network at one point, with their numbers.

    Parameters
    ----------
    x : array_like of shape (2,)
        The point.
    pars : ndarray of shape (9,)
        ``[w_11, w_12, b_1, w_21, w_22, b_2, v_1, v_2, c]``.

    Returns
    -------
    values : dict of str to float
        The forward value of every node: the point ``x_1, x_2``, the nine
        parameters, ``a_k``, ``h_k``, ``f`` and ``theta``.
    edges : list of (str, str, float)
        ``(tail, head, d head / d tail)`` for every edge of the graph (18 of them),
        the local derivative as `linear`, `relu` and `sigmoid` return it.

    Raises
    ------
    ValueError
        If x does not hold two numbers or pars nine, or either is not finite.
    """
    X = _as_point(x)
    pars = as_pars(pars, 9, what=": [w_11, w_12, b_1, w_21, w_22, b_2, v_1, v_2, c]")
    values = {"x_1": X[0, 0], "x_2": X[0, 1]}
    values.update(zip(PARAMETER_NAMES, pars, strict=True))
    edges = []
    hidden = []
    for k in (1, 2):
        a, grad_pars, grad_x = linear(X, pars[3 * k - 3 : 3 * k])  # [x_1, x_2, 1], [w_k1, w_k2]
        h, grad_r = relu(a)
        values[f"a_{k}"], values[f"h_{k}"] = a[0], h[0]
        for j in (1, 2):
            edges.append((f"x_{j}", f"a_{k}", grad_x[0, j - 1]))
            edges.append((f"w_{k}{j}", f"a_{k}", grad_pars[0, j - 1]))
        edges.append((f"b_{k}", f"a_{k}", grad_pars[0, 2]))
        edges.append((f"a_{k}", f"h_{k}", grad_r[0, 0]))
        hidden.append(h[0])
    f, grad_f3, grad_x = linear(np.array([hidden]), pars[6:9])  # [h_1, h_2, 1], [v_1, v_2]
    theta, grad_sig = sigmoid(f)
    values["f"], values["theta"] = f[0], theta[0]
    for k in (1, 2):
        edges.append((f"h_{k}", "f", grad_x[0, k - 1]))
        edges.append((f"v_{k}", "f", grad_f3[0, k - 1]))
    edges.append(("c", "f", grad_f3[0, 2]))
    edges.append(("f", "theta", grad_sig[0, 0]))
    values = {name: float(value) for name, value in values.items()}
    return values, [(tail, head, float(d)) for tail, head, d in edges]


def backward_sweep(x, pars):
    """Forward through the 2-2-1 network at one point, then backward from theta.

    Parameters
    ----------
    x : array_like of shape (2,)
        The point.
    pars : ndarray of shape (9,)
        ``[w_11, w_12, b_1, w_21, w_22, b_2, v_1, v_2, c]``.

    Returns
    -------
    upstream : dict of str to float
        The upstream gradient ``d theta / d u`` of every node u: ``theta``, ``f``,
        ``h_k``, ``a_k``, the nine parameters and the point's ``x_1, x_2``. The
        parameters' entries, in the order of `PARAMETER_NAMES`, are row 0 of
        `multilayer_perceptron`'s gradient at this point.

    Raises
    ------
    ValueError
        If x does not hold two numbers or pars nine, or either is not finite.
    """
    x = _as_point(x)[0]
    pars = as_pars(pars, 9, what=": [w_11, w_12, b_1, w_21, w_22, b_2, v_1, v_2, c]")
    x_1, x_2 = x
    w_11, w_12, b_1, w_21, w_22, b_2, v_1, v_2, c = pars
    # Forward: the value of every node.
    a_1 = w_11 * x_1 + w_12 * x_2 + b_1
    a_2 = w_21 * x_1 + w_22 * x_2 + b_2
    h_1, h_2 = max(a_1, 0.0), max(a_2, 0.0)
    f = v_1 * h_1 + v_2 * h_2 + c
    theta = 1 / (1 + np.exp(-f))
    # Backward: d_u is d theta / d u. Each node's is its head's times the edge's.
    d_theta = 1.0
    d_f = d_theta * theta * (1 - theta)  # edge f -> theta: sigma'(f)
    d_v_1, d_v_2, d_c = d_f * h_1, d_f * h_2, d_f * 1.0  # edges v_k, c -> f
    d_h_1, d_h_2 = d_f * v_1, d_f * v_2  # edges h_k -> f: v_k
    d_a_1 = d_h_1 * (a_1 > 0)  # edge a_k -> h_k: relu'(a_k)
    d_a_2 = d_h_2 * (a_2 > 0)
    # d_h_k and d_a_k, found once, serve all three parameters of neuron k:
    d_w_11, d_w_12, d_b_1 = d_a_1 * x_1, d_a_1 * x_2, d_a_1 * 1.0
    d_w_21, d_w_22, d_b_2 = d_a_2 * x_1, d_a_2 * x_2, d_a_2 * 1.0
    # x_j feeds both hidden neurons: its two paths add where they meet.
    d_x_1 = d_a_1 * w_11 + d_a_2 * w_21
    d_x_2 = d_a_1 * w_12 + d_a_2 * w_22
    names = "theta f v_1 v_2 c h_1 h_2 a_1 a_2 w_11 w_12 b_1 w_21 w_22 b_2 x_1 x_2"
    grads = [d_theta, d_f, d_v_1, d_v_2, d_c, d_h_1, d_h_2, d_a_1, d_a_2]
    grads += [d_w_11, d_w_12, d_b_1, d_w_21, d_w_22, d_b_2, d_x_1, d_x_2]
    return {name: float(d) for name, d in zip(names.split(), grads, strict=True)}


def draw_legend(ax, rows, x, top, gap, fontsize):
    """Write the two-colour key under a figure: one centred line per (text, colour, weight).

    Shared by this module's circuit and :mod:`mlp_by_hand.graph`'s computation graph, so
    the two figures explain their colours the same way.
    """
    for row, (text, colour, weight) in enumerate(rows):
        ax.text(
            x,
            top - gap * row,
            text,
            ha="center",
            va="center",
            fontsize=fontsize,
            color=colour,
            fontweight=weight,
        )


def _number(value):
    """A node's or edge's number as the figure prints it: four significant digits."""
    return f"{value + 0.0:.4g}"  # + 0.0 turns -0.0 into 0.0


def draw_circuit(x, pars, ax=None, fontsize=18):
    """Draw the network at one point: values on the nodes, local derivatives on edges.

    Parameters
    ----------
    x : array_like of shape (2,)
        The point.
    pars : ndarray of shape (9,)
        ``[w_11, w_12, b_1, w_21, w_22, b_2, v_1, v_2, c]``.
    ax : matplotlib Axes, optional
        Where to draw; a new tall figure (fit for a phone) when None.
    fontsize : float
        Size of the names and numbers, in points.

    Returns
    -------
    matplotlib Axes
        Every number drawn is a text whose gid names it: ``"value:<node>"`` for a
        node's value, ``"edge:<tail>-><head>"`` for an edge's local derivative.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    values, edges = circuit(x, pars)
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.4, 9.0))
    fig = ax.figure
    fig.patch.set_facecolor("white")  # opaque: readable on a dark page too
    ax.set_facecolor("white")
    boxes = {}
    for name, (cx, cy) in _LAYOUT.items():
        width, height = (1.3, 1.05) if name in PARAMETER_NAMES else (1.5, 1.1)
        box = FancyBboxPatch(
            (cx - width / 2, cy - height / 2),
            width,
            height,
            boxstyle="round,pad=0.02,rounding_size=0.2",
            facecolor="#f2f2f2" if name in PARAMETER_NAMES else "white",
            edgecolor="#333333",
            linewidth=1.4,
            zorder=2,
        )
        ax.add_patch(box)
        boxes[name] = box
        ax.text(cx, cy + 0.22, _TEX[name], ha="center", va="center", fontsize=fontsize, zorder=3)
        ax.text(
            cx,
            cy - 0.22,
            _number(values[name]),
            ha="center",
            va="center",
            fontsize=fontsize,
            fontweight="bold",
            color=VALUE_COLOUR,
            zorder=3,
            gid=f"value:{name}",
        )
    for tail, head, derivative in edges:
        arrow = FancyArrowPatch(
            posA=_LAYOUT[tail],
            posB=_LAYOUT[head],
            patchA=boxes[tail],
            patchB=boxes[head],
            arrowstyle="-|>",
            mutation_scale=16,
            color="#555555",
            linewidth=1.3,
            zorder=1,
        )
        ax.add_patch(arrow)
        (x0, y0), (x1, y1) = _LAYOUT[tail], _LAYOUT[head]
        crossing = tail.startswith("x") and tail[-1] != head[-1]
        t = 0.7 if crossing else 0.5  # the crossing edges meet at their middles
        ax.text(
            x0 + t * (x1 - x0),
            y0 + t * (y1 - y0),
            _number(derivative),
            ha="center",
            va="center",
            fontsize=fontsize - 1,
            color=DERIVATIVE_COLOUR,
            bbox={"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none"},
            zorder=4,
            gid=f"edge:{tail}->{head}",
        )
    legend = [
        ("bold blue: the value of each node", VALUE_COLOUR, "bold"),
        ("orange: on each edge, d(head) / d(tail)", DERIVATIVE_COLOUR, "normal"),
    ]
    draw_legend(ax, legend, x=3.0, top=-1.0, gap=0.6, fontsize=fontsize - 1)
    ax.set_xlim(-1.65, 7.65)
    ax.set_ylim(-1.9, 10.25)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax
