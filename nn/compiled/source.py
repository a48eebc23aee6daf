"""The source of a compiled training step: backprop by hand, written out for one sample, looped.

    def train_step(X, y, parameters, leaves, engine_loss):
        values = [p.data for p in parameters]
        (W1_0_0, W1_0_1, b1_0, ...) = values
        finite_parameters = isfinite(sum(values))
        # forward pass, one sample at a time (a0 = x, the sample; t = its target)
        for (a0_0, a0_1), t_0 in zip(X, y):
            # layer 1: z1 = W1 a0 + b1;  a = 1 / (1 + e^-z);  da/dz = a (1 - a) ...
            z1_0 = b1_0 + W1_0_0 * a0_0 + W1_0_1 * a0_1
            a1_0 = sigmoid(z1_0)
            ...
        # the loss of the batch
        C = ...
        # backward pass, one sample at a time, the last one first (as backward goes)
        for numbers in reversed(saved):
            (a0_0, a0_1, a1_0, ...) = numbers
            finite = finite_parameters and isfinite(sum(numbers))
            ...
            # layer 2: delta2 = dC/dz2 = dC/da2 * da2/dz2
            #   dC/dW2[j][k] = delta2[j] a1[k];  dC/db2 = delta2;  dC/da1[k] += W2[j][k] delta2[j]
            if dC_da2_0 or not finite:
                dC_dz2_0 += a2_0 * (1.0 - a2_0) * dC_da2_0
            if dC_dz2_0 or not finite:
                dC_dW2_0_0 += a1_0 * dC_dz2_0
                ...
        gradients = [dC_dW1_0_0, ...]
        return outputs, C, gradients, [...]

A delta of exactly 0 adds 0 to everything it reaches, as long as the numbers it is multiplied by
are finite: `finite` says they are, and the lines under `if dC_dz or not finite:` are skipped
only then (a NaN or an infinity times 0 is NaN, and `backward()` would show it).

It returns the outputs, the loss and the gradient of every parameter summed over the batch; the
caller writes them into `.grad` and runs the optimizer. What each sample needs on the way back is
kept from its forward pass in `saved`. The model's part comes from `model.py`, the loss's from
`loss.py`; when the loss runs in the engine, the code calls `engine_loss(outputs, y)` for the
loss and dC/d(output) of every sample, and the loop goes back from there.
"""

# W names a weight, as in the seeds; l a layer.
# ruff: noqa: E741

from __future__ import annotations

import math
from dataclasses import dataclass, field

from autograd import Value
from autograd.compile.code import Code, as_code, call
from autograd.compile.expressions import Namespace
from autograd.compile.function import chained_zeros
from autograd.compile.program import Writer, indented, names_used, receiving, times, wrapped
from nn.activations import ACTIVATIONS
from nn.compiled.loss import BatchLoss
from nn.compiled.model import Sample

FUNCTION = "train_step"
RESERVED = {FUNCTION, "X", "y", "parameters", "leaves", "engine_loss", "outputs", "logits",
            "saved", "zip", "reversed", "C", "p", "dC_dC", "dC_doutputs", "dC_dlogits",
            "gradients", "finite", "finite_parameters", "isfinite", "sum", "numbers", "values"}
# One sample's numbers that its backward pass reads, and the flag that they are all finite.
SAVED, FINITE = "numbers", "finite"


@dataclass
class Step:
    """The generated source, the names it needs bound, and the Values it reads as `leaves`."""

    source: str
    namespace: dict[str, object]
    leaves: list[Value] = field(default_factory=list)


def write_step(sample: Sample, batch: BatchLoss | None, params: list[Value],
               target_is_list: bool, n_targets: int) -> Step:
    """The source of `train_step(X, y, parameters, leaves, engine_loss)`."""
    names = dict(sample.names)
    for i, p in enumerate(params):
        names.setdefault(p, f"p{i}")
    leaves = _name_loss(batch, sample, names) if batch is not None else []
    namespace = Namespace(RESERVED | set(names.values()) | {f"dC_d{n}" for n in names.values()}
                          | {f"terms_{n}" for n in names.values()}
                          | {f"seed_{n}" for n in names.values()})
    writer = Writer(names, namespace, lambda name: f"dC_d{name}")
    code = _Code(sample, batch, params, names, writer, target_is_list, n_targets)
    return Step(code.source(leaves), namespace.values, leaves)


def _name_loss(batch: BatchLoss, sample: Sample, names: dict[Value, str]) -> list[Value]:
    """Names for the loss's nodes: its logit leaves and activations are the model's z and a,
    t_k the targets, v1, v2, ... the rest, C the loss; other Values it reads are c0, c1, ...
    (returned)."""
    for leaf, z in zip(batch.logits, sample.logits):
        names[leaf] = names[z]
        if leaf in batch.heads:
            names[batch.heads[leaf]] = names[sample.heads[z]]
    names.update((leaf, f"t_{k}") for k, leaf in enumerate(batch.targets))
    heads = set(batch.heads.values())
    nodes = [node for node in [*batch.shared, *batch.chain, *batch.tail] if node not in heads]
    names.update((node, f"v{i}") for i, node in enumerate(nodes, start=1))
    names[batch.output] = "C"
    others = [leaf for leaf in batch.leaves if leaf not in names]
    names.update((leaf, f"c{i}") for i, leaf in enumerate(others))
    return others


class _Code:
    """Writes the step function, part by part."""

    def __init__(self, sample: Sample, batch: BatchLoss | None, params: list[Value],
                 names: dict[Value, str], writer: Writer, target_is_list: bool,
                 n_targets: int) -> None:
        self.sample, self.batch, self.params, self.names = sample, batch, params, names
        self.writer = writer
        self.targets = _unpacked([f"t_{k}" for k in range(n_targets)], target_is_list)
        # The activation a = f(z) of each split-off output, by its z: the loss's own node when
        # the loss is compiled, the model's when the engine runs the loss (from z).
        self.heads = dict(sample.heads) if batch is None else {
            z: batch.heads[leaf] for z, leaf in zip(sample.logits, batch.logits)
            if leaf in batch.heads}
        heads = set(self.heads.values())
        self.loss_nodes = [] if batch is None else [
            node for node in batch.chain if node not in heads]
        self.model_nodes = [x for node in sample.nodes for x in (node, self.heads.get(node))
                            if x is not None]
        self.per_sample = [*sample.inputs, *self.model_nodes, *self.loss_nodes,
                           *([] if batch is None else batch.targets)]
        wanted = set(params) | ({*batch.logits, *batch.leaves} if batch else set())
        order = [*sample.inputs, *params, *sample.nodes]
        if batch is not None:
            order += [*batch.leaves, *batch.logits, *batch.targets, *batch.shared,
                      *batch.chain, *batch.tail]
        # Only named nodes: the other samples' nodes of the loss are written once, as sample 0's.
        # An activation C does not use (bce reads a sigmoid's z) passes no gradient.
        self.receives = {node for node in receiving(order, wanted) if node in names
                         and not (batch is not None and node in batch.unread)}

    def source(self, leaves: list[Value]) -> str:
        self.writer.namespace.values["isfinite"] = math.isfinite
        lines = [f"def {FUNCTION}(X, y, parameters, leaves, engine_loss):",
                 f'    """One training step on the batch (X, y): {len(self.params)} parameters, '
                 'one sample at a time."""']
        body = self.read_parameters(leaves)
        body += self.forward()
        body += self.backward()
        body.append("# the gradients, summed over the batch")
        gradients = ", ".join(f"dC_d{self.names[p]}" for p in self.params)
        body.append(wrapped(f"gradients = [{gradients}]"))
        leaf_grads = ", ".join(f"dC_d{self.names[leaf]}" for leaf in leaves)
        body.append(f"return outputs, C, gradients, [{leaf_grads}]")
        return "\n".join(lines + indented(body)) + "\n"

    def read_parameters(self, leaves: list[Value]) -> list[str]:
        lines = ["# the parameters, read from the model on every call"]
        example = next((self.names[p] for p in self.params if self.names[p].count("_") == 2
                        and self.names[p].startswith("W")), None)
        if example is not None:
            l, j, k = example[1:].split("_")
            lines.append(f"# ({example} is W{l}[{j}][{k}], the weight into neuron {j} of layer {l} "
                         f"from neuron {k} of layer {int(l) - 1})")
        lines.append("values = [p.data for p in parameters]")
        lines += _wrapped([self.names[p] for p in self.params], " = values")
        lines.append(f"{FINITE}_parameters = isfinite(sum(values))")
        lines += [f"{self.names[leaf]} = leaves[{i}].data" for i, leaf in enumerate(leaves)]
        return lines

    # ------------------------------------------------------------------------------------------
    # forward

    def forward(self) -> list[str]:
        batch, writer = self.batch, self.writer
        lines: list[str] = []
        if batch is not None and batch.shared:
            lines.append("# the terms of the loss that depend on no sample")
            lines += [writer.forward(node) for node in batch.shared]
        lines += ["outputs = []", "saved = []"]
        to_loss = self.to_engine_loss()
        if to_loss != "outputs":
            lines.append(f"{to_loss} = []")
        if batch is not None:
            lines += [f"terms_{self.names[node]} = []" for node in batch.runs]
        inputs = _unpacked([self.names[x] for x in self.sample.inputs], True)
        if batch is None:
            lines += ["# forward pass, one sample at a time (a0 = x, the sample)",
                      f"for {inputs} in X:"]
        else:
            lines += ["# forward pass, one sample at a time (a0 = x, the sample; t its target)",
                      f"for {inputs}, {self.targets} in zip(X, y):"]
        loop = self.model_forward()
        if batch is not None:
            loop.append("# the loss of this sample")
            loop += [writer.forward(node) for node in self.loss_nodes]
            for node, run in batch.runs.items():
                terms = [self.names[t] for t in run.terms]
                add = (f"append({terms[0]})" if len(terms) == 1
                       else f"extend(({', '.join(terms)}))")
                loop.append(f"terms_{self.names[node]}.{add}")
        outputs = [self.names[o] for o in self.sample.outputs]
        loop.append(f"outputs.append({outputs[0] if self.sample.single else _list(outputs)})")
        if to_loss != "outputs":
            logits = [self.names[z] for z in self.sample.logits]
            loop.append(f"{to_loss}.append({logits[0] if self.sample.single else _list(logits)})")
        self.saved = self.values_for_backward()
        loop.append(f"saved.append({_unpacked(self.saved, True)})")
        lines += indented(loop)
        if batch is None and to_loss == "outputs":
            lines += ["# the loss, run by the engine on the outputs; it gives dC/da for each",
                      "C, dC_doutputs = engine_loss(outputs, y)"]
        elif batch is None:
            lines += ["# the loss, run by the engine from each output's z (its activation "
                      "included); it gives dC/dz",
                      "C, dC_dlogits = engine_loss(logits, y)"]
        else:
            lines.append("# the loss of the batch")
            lines += [self.tail_forward(node) for node in batch.tail]
        return lines

    def model_forward(self) -> list[str]:
        lines: list[str] = []
        layer = None
        for node in self.sample.nodes:
            l = self.sample.layer_of.get(node)
            if l is not None and l != layer:
                layer = l
                activation = ACTIVATIONS.get(self.sample.activations[l])
                rule = activation.math if activation else "a = f(z)"
                lines.append(f"# layer {l}: z{l} = W{l} a{l - 1} + b{l};  {rule}")
            lines.append(self.writer.forward(node))
            head = self.heads.get(node)
            if head is not None:
                lines.append(self.writer.forward(head))
        return lines

    def to_engine_loss(self) -> str:
        """What the code hands a loss run by the engine: the outputs, or the logits when an
        output activation is split off (the engine's loss then starts with it, as the code's
        would); "outputs" too when the loss is compiled."""
        return "logits" if self.batch is None and self.sample.heads else "outputs"

    def tail_forward(self, node: Value) -> str:
        """A node of the batch's loss; one taking the samples' terms takes them as a list."""
        assert self.batch is not None and node._op is not None
        run = self.batch.runs.get(node)
        if run is None:
            return self.writer.forward(node)
        operands = list(node._operands)
        written = [self.writer.operand(x) for x in operands[:run.start]]
        written.append(Code(f"*terms_{self.names[node]}"))
        written += [self.writer.operand(x) for x in operands[run.stop:]]
        function = self.writer.namespace.function_of(node._op)
        return f"{self.names[node]} = {call(function, [as_code(x) for x in written]).text}"

    def values_for_backward(self) -> list[str]:
        """The names of one sample's values that its backward pass reads."""
        per_sample = {self.names[node] for node in self.per_sample}
        used = names_used(self.sample_backward())
        return [self.names[node] for node in self.per_sample if self.names[node] in used
                and self.names[node] in per_sample]

    # ------------------------------------------------------------------------------------------
    # backward

    def backward(self) -> list[str]:
        batch, writer = self.batch, self.writer
        lines = ["# backward pass: dC_dv is dC/dv, the sum over v's consumers of "
                 "dconsumer/dv * dC/dconsumer"]
        totals = [node for node in [*self.params, *(batch.leaves if batch else []),
                                    *(batch.shared if batch else []),
                                    *(batch.tail if batch else [])]
                  if node in self.receives and node is not (batch.output if batch else None)]
        if batch is not None:
            lines.append("dC_dC = 1.0")
        lines += chained_zeros(dict.fromkeys(writer.gradient(node) for node in totals))
        seeded: list[Value] = []
        if batch is not None:
            lines.append("# the loss of the batch, backward")
            # Each sample's terms receive theirs in the loop below, from the seeds after this.
            outside = self.receives - set(self.per_sample) - set(batch.logits)
            for node in reversed(batch.tail):
                lines += writer.backward(node, outside)
            for node, run in batch.runs.items():
                lines.append("# each sample's terms: d(" + self.names[node] + ")/dterm = "
                             f"{run.derivative!r} for every term")
                for term in run.terms:
                    if term in self.receives:
                        seed = times(run.derivative, Code.name(writer.gradient(node)))
                        lines.append(f"seed_{self.names[term]} = {seed.text}")
                        seeded.append(term)
        loop = [f"{_unpacked(self.saved, True)} = {SAVED}",
                "# finite: every number read below is finite (a sum is finite only if each term",
                "# is); then a gradient of exactly 0 adds exactly 0, and its lines are skipped",
                f"{FINITE} = {FINITE}_parameters and isfinite(sum({SAVED}))",
                *self.sample_backward(seeded)]
        if batch is None:
            seeds = _unpacked([writer.gradient(z) for z in self.sample.logits],
                              not self.sample.single)
            header = (f"for {SAVED}, {seeds} in "
                      f"zip(reversed(saved), reversed(dC_d{self.to_engine_loss()})):")
        else:
            header = f"for {SAVED} in reversed(saved):"
        lines += ["# backward pass, one sample at a time, the last one first (as backward "
                  "goes)", header]
        lines += indented(loop)
        if batch is not None and batch.shared:
            lines.append("# the terms of the loss that depend on no sample")
            for node in reversed(batch.shared):
                lines += writer.backward(node, self.receives)
        return lines

    def sample_backward(self, seeded: list[Value] | None = None) -> list[str]:
        """One sample's backward pass: its loss terms, then the layers from the last one."""
        writer, batch = self.writer, self.batch
        seeded = seeded or []
        starts = [node for node in self.per_sample if node in self.receives
                  and node not in self.params and node not in seeded
                  and not (batch is None and node in self.sample.logits)]
        lines = [f"{writer.gradient(node)} = seed_{self.names[node]}" for node in seeded]
        lines += chained_zeros(writer.gradient(node) for node in starts)
        if batch is not None:
            lines.append("# the loss of this sample")
            for node in reversed(self.loss_nodes):
                lines += writer.backward(node, self.receives)
        layer = None
        for node in reversed(self.sample.nodes):
            l = self.sample.layer_of.get(node)
            if l is not None and l != layer:
                layer = l
                lines.append(_layer_comment(l, self.delta_from_the_loss(l)))
            head = self.heads.get(node)
            if head is not None and head in self.receives:
                lines += writer.backward(head, self.receives, skip_zero_if=_skip(head))
            lines += writer.backward(node, self.receives, skip_zero_if=_skip(node))
        return lines

    def delta_from_the_loss(self, l: int) -> str:
        """How layer l gets dC/dz when no dC/da is written for it: "loss" when the compiled
        loss reads its z (bce reads a sigmoid's), "engine" when the engine's loss gives it;
        "" when it is dC/da * da/dz, as in any hidden layer."""
        heads = [a for z, a in self.heads.items() if self.sample.layer_of.get(z) == l]
        if not heads or any(a in self.receives for a in heads):
            return ""
        return "engine" if self.batch is None else "loss"


def _skip(node: Value) -> str | None:
    """The flag under which a gradient of 0 at `node` may be skipped: when its op's slopes are
    finite wherever its numbers are (a model of `/`, `log` or `**` never skips)."""
    return FINITE if node._op is not None and node._op.finite_slopes else None


def _layer_comment(l: int, from_the_loss: str = "") -> str:
    back = f";  dC/da{l - 1}[k] += W{l}[j][k] delta{l}[j]" if l > 1 else ""
    delta = {"loss": f"delta{l} = dC/dz{l}, straight from the loss (it reads z{l}, not a{l})",
             "engine": f"delta{l} = dC/dz{l}, from the engine's loss (given z{l})",
             }.get(from_the_loss, f"delta{l} = dC/dz{l} = dC/da{l} * da{l}/dz{l}")
    return (f"# layer {l}: {delta}\n"
            f"#   dC/dW{l}[j][k] = delta{l}[j] a{l - 1}[k];  dC/db{l} = delta{l}{back}")


def _unpacked(names: list[str], as_tuple: bool) -> str:
    """`a`, or `(a,)`, `(a, b)`, `()` for a tuple."""
    if not names:
        return "()"
    if not as_tuple:
        return names[0]
    return f"({names[0]},)" if len(names) == 1 else f"({', '.join(names)})"


def _list(names: list[str]) -> str:
    return f"[{', '.join(names)}]"


def _wrapped(names: list[str], end: str, width: int = 96) -> list[str]:
    """`(a, b, ...)` and `end`, over as many lines as it takes."""
    lines, line = [], "("
    for i, name in enumerate(names):
        piece = name + (", " if i < len(names) - 1 else ",)" if len(names) == 1 else ")")
        if len(line) + len(piece) > width:
            lines.append(line.rstrip())
            line = "    "
        line += piece
    lines.append(line + end)
    return lines


__all__ = ["FUNCTION", "Step", "write_step"]
