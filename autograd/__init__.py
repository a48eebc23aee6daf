"""chainrule's engine: every number a `Value` that remembers how it was made.

`Value` records each operation's parents and local derivatives (from the table in
`autograd.rules`); `backward()` applies the chain rule over the graph in reverse topological order.
"""

from autograd.backward import backward, gc_paused, gradients, topological_order
from autograd.draw import draw
from autograd.functional import grad, hessian, value_and_grad
from autograd.gradcheck import GradcheckError, gradcheck, numerical_grad
from autograd.ops import sum, weighted_sum, weighted_sums
from autograd.rules import RULES, Rule
from autograd.tape import Tape
from autograd.value import Value, is_grad_enabled, no_grad

__all__ = [
    "RULES",
    "GradcheckError",
    "Rule",
    "Tape",
    "Value",
    "backward",
    "draw",
    "gc_paused",
    "grad",
    "gradcheck",
    "gradients",
    "hessian",
    "is_grad_enabled",
    "no_grad",
    "numerical_grad",
    "sum",
    "topological_order",
    "value_and_grad",
    "weighted_sum",
    "weighted_sums",
]
