"""chainrule's engine: every number a `Value` that remembers how it was made.

`autograd.value` holds `Value` and `define_op`; `autograd.rules` is the table of operations, each
with its forward pass and its local derivatives; `autograd.backward` applies the chain rule over
the graph in reverse topological order. Read those three files and you know the engine.
`autograd.compile` traces a function once and writes its forward and backward passes out as
straight-line Python, the fast way to run the same graph many times.
"""

from autograd.backward import backward, gradients, topological_order
from autograd.compile import Compiled, TraceError, compile
from autograd.draw import draw, draw_svg, step_through
from autograd.functional import grad, hessian, value_and_grad
from autograd.grad_mode import enable_grad, is_grad_enabled, no_grad
from autograd.gradcheck import GradcheckError, gradcheck, numerical_grad
from autograd.rules import exp, log, relu, sigmoid, sum, tanh, weighted_sum
from autograd.value import Op, Value, define_op

__all__ = [
    "Compiled",
    "GradcheckError",
    "Op",
    "TraceError",
    "Value",
    "backward",
    "compile",
    "define_op",
    "draw",
    "draw_svg",
    "enable_grad",
    "exp",
    "grad",
    "gradcheck",
    "gradients",
    "hessian",
    "is_grad_enabled",
    "log",
    "no_grad",
    "numerical_grad",
    "relu",
    "sigmoid",
    "step_through",
    "sum",
    "tanh",
    "topological_order",
    "value_and_grad",
    "weighted_sum",
]
