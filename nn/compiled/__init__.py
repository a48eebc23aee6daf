"""`compile_step(model, loss, optimizer)`: `nn.train_step`, traced once and run as Python code.

`step = compile_step(model, "half_mse", optimizer)`, then `step(X, y)` does what
`train_step(model, "half_mse", optimizer, X, y)` does, to the model and to the optimizer, and
returns the same `(outputs, loss)`: the forward pass, the loss, the gradients in every parameter's
`.grad`, and the optimizer's step. It does them without building a graph: the first call traces
one sample through the model and the loss of the batch, and writes the step out as straight-line
Python, one sample's code in a loop over the batch (`source.py`), every expression from the rules
of the ops (`autograd.compile`). `step.source` is that code, backprop by hand:
`dC_dz2_0 += a2_0 * (1.0 - a2_0) * dC_da2_0`.

The code is written again when the batch size changes, when the targets change shape, when a
neuron's size or activation changes, and when a parameter is replaced by another Value (the code
reads the parameters' numbers from the model on every call, so a changed weight is always seen).
A step behaves as `train_step` does when it fails: a loss that is not finite raises
FloatingPointError before anything is updated, an error inside the code runs the step in the
engine instead (which raises the engine's own error, or does the step), and Ctrl-C leaves the step
done or not begun.

The model's part of the code stops at the output layer's z, and the output activation is the
first node of the loss's part (`model.py`, `loss.py`): the loss is given `sigmoid(z)` nodes, as in
`train_step`, so `bce` reads them from z and its graph is the same for any numbers. A loss whose
graph depends on the numbers (`cross_entropy`: see `loss.py`) is run by the engine from the z,
through the activation, and only the model's part is compiled.
"""

# X names a batch of samples, as in scikit-learn.
# ruff: noqa: N803, N806

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from autograd import Value, is_grad_enabled, no_grad
from autograd.backward import backward, topological_order
from autograd.compile import agrees, build
from autograd.compile.trace import TraceError, other_numbers
from nn.compiled.loss import Heads, split_loss
from nn.compiled.model import (
    Neurons,
    activate,
    activations,
    logit_numbers,
    network,
    parameters,
    same_graph,
    trace_sample,
)
from nn.compiled.source import FUNCTION, Step, write_step
from nn.losses import Loss, get_loss
from nn.metrics import Output, Target
from nn.module import Module
from nn.optim import Optimizer
from nn.training import diverged, numbers, train_step

Result = tuple[list[Output], float]
EngineLoss = Callable[[list[Output], Sequence[Target]], tuple[float, list[Any]]]


@dataclass
class Code:
    """The code for one batch size: its source and the function, and where its loss runs
    (`engine_loss` is what the code calls when it is not compiled)."""

    step: Step
    function: Callable[..., Any]
    compiled_loss: bool
    engine_loss: EngineLoss


class CompiledStep:
    """`step(X, y)`: one training step, as `nn.train_step(model, loss, optimizer, X, y)`."""

    def __init__(self, model: Module, loss: str | Loss, optimizer: Optimizer) -> None:
        if not isinstance(model, Module):
            raise TypeError(f"compile_step: model must be an nn Module, got {type(model).__name__}")
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"compile_step: optimizer must be an nn Optimizer (SGD, Adam), got "
                            f"{type(optimizer).__name__}")
        self.model, self.optimizer = model, optimizer
        self.loss: Loss = get_loss(loss) if isinstance(loss, str) else loss
        self._params: list[Value] = []
        self._codes: dict[tuple[object, ...], Code] = {}  # by batch size, shapes of model and y
        self._code: Code | None = None
        self._checked_targets: set[object] = set()
        self.traces = 0

    @property
    def source(self) -> str:
        """The generated code of the step (written at the first call)."""
        if self._code is None:
            raise AttributeError("no code yet: the step is written at its first call, step(X, y)")
        return self._code.step.source

    @property
    def compiled_loss(self) -> bool:
        """Whether the loss is part of the code (False: the engine runs it, see `nn.compiled`)."""
        return self._code is not None and self._code.compiled_loss

    def __call__(self, X: Sequence[Sequence[float]], y: Sequence[Target]) -> Result:
        if not X or len(X) != len(y) or not is_grad_enabled():
            # The engine's own error for an empty or odd batch; inside no_grad() nothing can be
            # traced, and train_step does there whatever it does.
            return self._in_the_engine(X, y)
        neurons = network(self.model)  # read afresh: a neuron or layer may have been replaced
        params = parameters(self.model, neurons)
        if params != self._params:  # a parameter replaced by another Value: trace again
            self._codes.clear()
            self._params = params
        key = (len(X), activations(neurons), _kind(y[0]))
        code = self._codes.get(key)
        if code is None:
            code = self._codes[key] = self._write(X, y, params, neurons)
        self._code = code
        try:
            outputs, C, grads, leaf_grads = code.function(
                X, y, params, code.step.leaves, code.engine_loss)
        except FloatingPointError:
            raise
        except Exception:
            return self._in_the_engine(X, y)
        if code.compiled_loss:
            self._check_targets(outputs, y)
            if not math.isfinite(C):
                raise diverged(C, self.optimizer)
            self.optimizer.zero_grad()
        for p, g in zip(params, grads):
            p.grad += g
        for leaf, g in zip(code.step.leaves, leaf_grads):
            leaf.grad += g
        self.optimizer.step()
        return outputs, C

    def __repr__(self) -> str:
        state = "not yet written" if self._code is None else (
            f"{self._code.step.source.count(chr(10))} lines of Python")
        return f"<compiled training step of {self.model!r}: {state}>"

    # ------------------------------------------------------------------------------------------

    def _in_the_engine(self, X: Sequence[Sequence[float]], y: Sequence[Target]) -> Result:
        return train_step(self.model, self.loss, self.optimizer, X, y)

    def _engine_loss(self, heads: Heads, logits: list[Output], y: Sequence[Target]
                     ) -> tuple[float, list[Any]]:
        """The loss run by the engine from the logits (the output layer's z, or the outputs when
        no activation is split off): C, and dC/dz for every sample's logits.

        Each output is made from its logit by the model's own activation (`heads`), so the loss
        is given what `train_step` gives it. As in `train_step`: a loss that is not finite raises
        before anything changes; then the optimizer's gradients are zeroed and `backward()` runs
        (into any weight the loss uses).
        """
        zs = [[Value(z)] if isinstance(z, float) else [Value(v) for v in z] for z in logits]
        rows = [[z if head is None else activate(head, z) for z, head in zip(row, heads)]
                for row in zs]
        preds = [row[0] if isinstance(z, float) else row for row, z in zip(rows, logits)]
        cost = self.loss(preds, y)
        if not math.isfinite(cost.data):
            raise diverged(cost.data, self.optimizer)
        self.optimizer.zero_grad()
        cost.backward()
        seeds = [row[0].grad if isinstance(z, float) else [v.grad for v in row]
                 for row, z in zip(zs, logits)]
        return cost.data, seeds

    def _check_targets(self, outputs: list[Output], y: Sequence[Target]) -> None:
        """Run the loss in the engine once for a batch with targets it has not seen: the compiled
        loss skips the checks a loss makes on its targets (hinge wants -1 or +1)."""
        keys = [_target_key(t) for t in y]
        if all(k is not None and k in self._checked_targets for k in keys):
            return
        with no_grad():
            preds = [Value(o) if isinstance(o, float) else [Value(a) for a in o]
                     for o in outputs]
            self.loss(preds, y)
        self._checked_targets.update(k for k in keys if k is not None)

    def _write(self, X: Sequence[Sequence[float]], y: Sequence[Target], params: list[Value],
               neurons: Neurons | None) -> Code:
        """Trace the model and the loss on this batch and write the step's code."""
        sample = trace_sample(self.model, X[0], neurons)
        for point in other_numbers([float(v) for v in X[0]]):
            try:
                other = trace_sample(self.model, point, neurons)
            except Exception:  # outside the model's domain: nothing to compare there
                continue
            if not same_graph(sample, other):
                raise TraceError(
                    "compile_step: the model builds a different graph for another sample: it "
                    "branches on the numbers, which a trace cannot follow; use nn.train_step")
        heads = [sample.heads.get(z) for z in sample.logits]
        if sample.heads:
            rows = [logit_numbers(self.model, x, sample) for x in X]
        else:
            with no_grad():
                outputs = [numbers(self.model(x)) for x in X]
            rows = [[o] if isinstance(o, float) else o for o in outputs]
        targets = [_target_numbers(t) for t in y]
        target_is_list = isinstance(y[0], (list, tuple))
        batch = None
        if all(t is not None for t in targets) and len({len(t or ()) for t in targets}) == 1:
            batch = split_loss(self.loss, rows, [t or [] for t in targets], sample.single,
                               target_is_list, heads)
        n_targets = len(targets[0] or ())
        step = write_step(sample, batch, params, target_is_list, n_targets)
        code = Code(step, build(step.source, step.namespace, FUNCTION), batch is not None,
                    functools.partial(self._engine_loss, heads))
        self._check(code, X, y, params)
        self.traces += 1
        return code

    def _check(self, code: Code, X: Sequence[Sequence[float]], y: Sequence[Target],
               params: list[Value]) -> None:
        """The new code against the engine on this batch; every `.grad` is left as it was.

        A safety net: the gradients must agree with `backward()` through `train_step`'s graph
        up to rounding (1e-9 of the largest), or the code is not used.
        """
        cost = self.loss([self.model(x) for x in X], y)
        order = topological_order(cost)
        leaves = [node for node in order if not node.parents]
        kept = [(leaf, leaf.grad) for leaf in [*leaves, *params, *code.step.leaves,
                                               *self.optimizer.params]]
        try:
            for leaf in [*leaves, *params]:
                leaf.grad = 0.0
            backward(cost)
            engine = [p.grad for p in params]
            for p in params:
                p.grad = 0.0
            _, C, grads, _ = code.function(X, y, params, code.step.leaves, code.engine_loss)
            if code.compiled_loss:
                grads = [g + 0.0 for g in grads]
            else:  # the engine's loss put its own part into the parameters' .grad
                grads = [g + p.grad for g, p in zip(grads, params)]
        finally:
            for leaf, g in kept:
                leaf.grad = g
        if not math.isfinite(cost.data):
            return  # the step raises FloatingPointError, as train_step does
        scale = max([abs(g) for g in engine if math.isfinite(g)], default=1.0) or 1.0
        bad = [(i, a, b) for i, (a, b) in enumerate(zip(grads, engine))
               if not (a == b or abs(a - b) <= 1e-9 * scale or (math.isnan(a) and math.isnan(b)))]
        if not agrees(C, cost.data) or bad:
            raise RuntimeError(
                f"compile_step: the generated code disagrees with the engine (loss {C!r} against "
                f"{cost.data!r}; gradients of {len(bad)} parameters, e.g. {bad[:1]}); this is a "
                "bug in the compiler: please report it")


def compile_step(model: Module, loss: str | Loss, optimizer: Optimizer) -> CompiledStep:
    """`step(X, y)` with exactly the effect of `nn.train_step(model, loss, optimizer, X, y)`.

    `step.source` is the generated code (after the first call).
    """
    return CompiledStep(model, loss, optimizer)


def _target_numbers(t: object) -> list[float] | None:
    """A target as numbers, one per entry; None if it is something else (a class name...)."""
    entries = list(t) if isinstance(t, (list, tuple)) else [t]
    if not all(isinstance(e, (int, float)) and not isinstance(e, bool) for e in entries):
        return None
    return [float(cast(float, e)) for e in entries]


def _target_key(t: object) -> object:
    if isinstance(t, (list, tuple)):
        return tuple(t)
    return t if isinstance(t, (int, float)) else None


def _kind(t: object) -> tuple[object, ...]:
    return ("list", len(t)) if isinstance(t, (list, tuple)) else ("number",)


__all__ = ["CompiledStep", "compile_step"]
