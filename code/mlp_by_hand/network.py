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
        Row n is the gradient of ``theta[n]`` with respect to the nine parameters,
        in the order of `pars`.

    Raises
    ------
    ValueError
        If X is not of shape (N, 2) or pars not of shape (9,), or either is not finite.
    TypeError
        If either holds something that is not a real number.
    """
    X, pars = as_points(X), as_pars(pars, 9, what=": [w_11, w_12, b_1, ..., v_2, c]")
    feature1, grad_f1, _ = linear(X, pars[0:3])  # a_1 (N,), [x_1, x_2, 1] (N, 3)
    feature2, grad_f2, _ = linear(X, pars[3:6])
    activation1, grad_r1 = relu(feature1)  # h_1 (N,), relu'(a_1) (N, 1)
    activation2, grad_r2 = relu(feature2)
    hidden = np.column_stack([activation1, activation2])
    output_feature, grad_f3, grad_x = linear(hidden, pars[6:9])  # grad_x = [[v_1, v_2]]
    theta, grad_sig = sigmoid(output_feature)  # theta (N,), sigma'(f) (N, 1)
    # Backward, one neuron at a time: multiply the local derivatives on each path.
    v_1, v_2 = grad_x[0]  # d f / d h_k = v_k: the path from h_k to f
    grad = np.column_stack([
        grad_sig * v_1 * grad_r1 * grad_f1,  # sigma'(f) v_1 relu'(a_1) [x_1, x_2, 1]
        grad_sig * v_2 * grad_r2 * grad_f2,  # sigma'(f) v_2 relu'(a_2) [x_1, x_2, 1]
        grad_sig * grad_f3,  # output neuron: sigma'(f) [h_1, h_2, 1]
    ])  # fmt: skip
    return theta, grad
