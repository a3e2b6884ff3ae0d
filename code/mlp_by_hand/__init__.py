"""mlp_by_hand: a multilayer perceptron in numpy, every gradient derived by hand.

The package behind the book *Backprop by Hand*. Each function returns its value
together with its gradient, in the shapes the exercise sheet asks for.

Plotting helpers live in `mlp_by_hand.plotting` (they import matplotlib).
"""

from .backprop import backprop_risk
from .data import generate_data
from .gradcheck import gradient_check, numerical_gradient, relative_error
from .n_neurons import init_pars, mlp, unpack
from .network import PARAMETER_NAMES, multilayer_perceptron
from .perceptron import linear, sigmoid, theta_perceptron
from .rectifier import relu
from .restarts import learn_many
from .training import (
    EPS,
    History,
    Snapshot,
    accuracy,
    empirical_risk,
    film_steps,
    learn,
    loss,
)

__all__ = [
    "EPS",
    "PARAMETER_NAMES",
    "History",
    "Snapshot",
    "accuracy",
    "backprop_risk",
    "empirical_risk",
    "film_steps",
    "generate_data",
    "gradient_check",
    "init_pars",
    "learn",
    "learn_many",
    "linear",
    "loss",
    "mlp",
    "multilayer_perceptron",
    "numerical_gradient",
    "relative_error",
    "relu",
    "sigmoid",
    "theta_perceptron",
    "unpack",
]

__version__ = "0.1.0"
