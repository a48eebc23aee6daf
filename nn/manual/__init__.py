"""Backpropagation derived by hand, in plain floats, to set beside autograd's `param.grad`.

Nothing here builds a `Value` graph: it reads the numbers out of a model (`w.data`, `b.data`) and
applies the chain rule the way it is written on paper.

- `nn.manual.equations`: the four equations of backpropagation for a whole network and a batch,
  `backprop(model, X, Y, loss)`, in the seeds' notation.
- `nn.manual.walkthrough`: the first seed's single neuron, factor by factor, `single_neuron`.

The derivatives by hand that both use, f'(z) for each activation and dC/da for each loss, stand
beside the functions they differentiate, in the tables of `nn.activations` and `nn.losses`.

    >>> from nn import MLP
    >>> model = MLP(2, [3, 1], seed=0)
    >>> weight_grads, bias_grads = backprop(model, [[0.5, -1.0]], [1.0])
    >>> len(weight_grads[0]), len(weight_grads[0][0]), len(bias_grads[1])
    (3, 2, 1)
"""

from nn.manual.equations import (
    LayerLike,
    ModelLike,
    NeuronLike,
    Sample,
    Target,
    Trace,
    activation_slopes,
    as_floats,
    backprop,
    deltas,
    forward,
    hidden_delta,
    output_delta,
    target_vector,
)
from nn.manual.walkthrough import NeuronWalkthrough, single_neuron

__all__ = [
    "LayerLike",
    "ModelLike",
    "NeuronLike",
    "NeuronWalkthrough",
    "Sample",
    "Target",
    "Trace",
    "activation_slopes",
    "as_floats",
    "backprop",
    "deltas",
    "forward",
    "hidden_delta",
    "output_delta",
    "single_neuron",
    "target_vector",
]
