"""The exercise sheet's code, transcribed as literally as possible: the benchmarks' baseline.

Only what the sheet leaves to the student is filled in, the obvious way: relu, the
linear function that also returns grad_x, and the (N, 9) gradient of
multilayer_perceptron assembled with the chain rule. The sheet's `learn` prints and
draws at every quarter; the printing is left out here so that only the arithmetic is
timed. Not part of the package and not for the book: it is what we measure against.
"""

import numpy as np


def linear(X, pars):
    out = X @ pars[:2].T + pars[2]
    grad_pars = np.column_stack([X, np.ones(len(X))])
    grad_x = pars[:2].reshape(1, 2)
    return out, grad_pars, grad_x


def relu(x):
    out = np.where(x > 0, x, 0)
    grad = np.where(x > 0, 1, 0)
    return out, grad.reshape(-1, 1)


def sigmoid(x):
    out = 1 / (1 + np.exp(-x))
    grad = out * (1 - out)
    return out, grad.reshape(-1, 1)


def multilayer_perceptron(X, pars):
    feature1, grad_f1, _ = linear(X, pars[0:3])
    feature2, grad_f2, _ = linear(X, pars[3:6])
    activation1, grad_r1 = relu(feature1)
    activation2, grad_r2 = relu(feature2)
    hidden = np.column_stack([activation1, activation2])
    output_feature, grad_f3, grad_x = linear(hidden, pars[6:9])
    theta, grad_sig = sigmoid(output_feature)
    grad_first = grad_sig * grad_x[:, 0:1] * grad_r1 * grad_f1
    grad_second = grad_sig * grad_x[:, 1:2] * grad_r2 * grad_f2
    grad_last = grad_sig * grad_f3
    return theta, np.column_stack([grad_first, grad_second, grad_last])


def loss(z, theta):
    out = np.where(z == 1, -np.log(theta), -np.log(1 - theta))
    grad = np.where(z == 1, -1 / theta, -1 / (1 - theta) * (-1))
    return out, grad.reshape(-1, 1)


def empirical_risk(X, z, theta_func, pars):
    theta, grad_theta = theta_func(X, pars)
    loss_val, grad_loss = loss(z, theta)
    grad1 = grad_loss * grad_theta
    grad = np.concatenate([grad1], axis=-1)
    return loss_val.mean(axis=0), grad.mean(axis=0), theta


def learn(data, pars, theta_func, nsteps=15000):
    X, z = data
    for _ in range(nsteps):
        val, grad, _ = empirical_risk(X, z, theta_func, pars)
        pars = pars - 0.01 * grad
    return pars
