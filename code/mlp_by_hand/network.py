"""The 2-2-1 network of the exercise sheet, differentiated by hand (chapters 3 and 5).

Two ReLU neurons read the point; a sigmoid neuron reads the two ReLU outputs. Its
nine parameters are three neurons of three numbers each::

    pars = [w_11, w_12, b_1,   w_21, w_22, b_2,   v_1, v_2, c]
            hidden neuron 1    hidden neuron 2    output neuron
"""

import numpy as np

from ._validate import as_pars, as_points
from .perceptron import linear, sigmoid
from .rectifier import relu

PARAMETER_NAMES = ("w_11", "w_12", "b_1", "w_21", "w_22", "b_2", "v_1", "v_2", "c")


def multilayer_perceptron(X, pars):
    """theta(x) of the 2-2-1 network for N points at once, and its gradient.

    Parameters
    ----------
    X : ndarray of shape (N, 2)
    pars : ndarray of shape (9,)
        ``[w_11, w_12, b_1, w_21, w_22, b_2, v_1, v_2, c]``.

    Returns
    -------
    theta : ndarray of shape (N,)
        The probability of class 1 at each point.
    grad : ndarray of shape (N, 9)
        Row n is the gradient of ``theta[n]`` with respect to the nine parameters.
    """
    X = as_points(X)
    pars = as_pars(pars, 9, what=": [w_11, w_12, b_1, w_21, w_22, b_2, v_1, v_2, c]")

    # Forward: keep every local derivative, the backward pass multiplies them.
    feature1, grad_f1, _ = linear(X, pars[0:3])  # (N,), (N, 3)
    feature2, grad_f2, _ = linear(X, pars[3:6])
    activation1, grad_r1 = relu(feature1)  # (N,), (N, 1)
    activation2, grad_r2 = relu(feature2)
    hidden = np.empty((X.shape[0], 2))  # the hidden layer: one column per neuron
    hidden[:, 0] = activation1
    hidden[:, 1] = activation2
    output_feature, grad_f3, grad_x = linear(hidden, pars[6:9])  # (N,), (N, 3), (1, 2)
    theta, grad_sig = sigmoid(output_feature)  # (N,), (N, 1)

    # Backward, one neuron at a time. The output neuron's parameters sit one step
    # from theta; a hidden neuron's sit three steps away: sigmoid, then the output
    # neuron's weight on that hidden unit (grad_x), then that unit's ReLU.
    # The (N, 1) factors are multiplied together first; the last product is
    # written straight into its three columns of the (N, 9) result (out=).
    grad = np.empty((X.shape[0], 9), order="F")  # column by column, as in linear
    np.multiply(grad_sig * grad_x[0, 0] * grad_r1, grad_f1, out=grad[:, 0:3])  # hidden 1
    np.multiply(grad_sig * grad_x[0, 1] * grad_r2, grad_f2, out=grad[:, 3:6])  # hidden 2
    np.multiply(grad_sig, grad_f3, out=grad[:, 6:9])  # output neuron
    return theta, grad
