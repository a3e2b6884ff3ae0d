"""The exercise sheet's numbers, written once for every test file.

``from sheet import SHEET_INIT`` where a constant is needed at import time (in a
``parametrize`` list); the fixtures of the same names in tests/conftest.py hand each
test its own writable copy. The arrays here are read-only, so a test or a package
function that writes into one fails loudly instead of changing what the next test
(in whatever order pytest-randomly runs them) gets.
"""

import numpy as np


def _frozen(values):
    array = np.array(values, dtype=np.float64)
    array.setflags(write=False)
    return array


# "Hint 2: The following would be a correct result" (the 2-2-1 network).
SHEET_X = _frozen([[1.0, 2.0]])  # Xtest, shape (1, 2)
SHEET_PARS = _frozen([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
SHEET_THETA = 0.9552123  # printed to 7 decimals: compare with atol=5e-8
SHEET_GRAD = _frozen(
    [0.02994724, 0.05989447, 0.02994724, 0.03422541, 0.06845082, 0.03422541,
     0.03422541, 0.08556353, 0.04278176]
)  # fmt: skip
# printed to 8 decimals: compare with atol=5e-9
SHEET_GRAD_ATOL = 5e-9
SHEET_THETA_ATOL = 5e-8

# "initialize the parameters with pars = np.array([-.1,1,0,.1,1,0,-.1,-.1,0])"
SHEET_INIT = _frozen([-0.1, 1, 0, 0.1, 1, 0, -0.1, -0.1, 0])
