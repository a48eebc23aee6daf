"""The loss of a batch, traced, and split into what each sample computes alone and the rest.

The loss is a function of the whole batch, `C = loss(outputs, targets)`. It is traced on leaves
standing for the m samples' outputs and targets, so the targets are data in the code too. Most
losses compute the same few nodes for every sample and then join them: hinge is
`relu(1 - t a)` per sample, then `sum(...) / m`. Such a loss is split three ways:

- `chain`: the nodes of sample 0 (every sample's are the same graph, which is checked), written
  once in the code's loop over the samples;
- `tail`: the nodes that join the samples (the sum, the mean), written after the loop; a node
  joining them (`sum`) takes each sample's terms as one run of operands, in sample order, and
  passes the same derivative (1.0) back to each;
- `shared`: nodes that depend on no sample, such as a penalty on the weights.

A loss whose graph depends on the numbers cannot be traced faithfully, and a few do: `bce` clamps
its predictions away from 0 and 1 (an `if` on the data), `cross_entropy` shifts the logits by
their largest (a number read out of the data) and reads its targets as class indices. So the
loss is traced again at other outputs (0, 1, -1, ...) and targets; if any trace raises or builds
another graph, or the samples' graphs differ, `split_loss` returns None and the step runs the
loss with the engine itself, on the outputs only (the model's part is compiled either way).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from autograd import Value
from autograd.backward import topological_order
from autograd.compile.trace import Trace, signature
from nn.losses import Entry, Loss

Numbers = list[list[float]]  # per sample, per output (or per target entry)
TAIL = -1  # the owner of a node that depends on two samples or more


@dataclass
class Run:
    """The operands of a tail node that are the samples' terms: `stop - start` of them, `width`
    per sample, each sample's made the way `terms` (sample 0's nodes) are."""

    start: int
    stop: int
    terms: list[Value]
    derivative: float


@dataclass
class BatchLoss:
    """A traced loss, split into sample 0's chain, the tail and the shared nodes."""

    output: Value
    outputs: list[Value]  # sample 0's output leaves, in order
    targets: list[Value]  # sample 0's target leaves, in order
    target_is_list: bool
    chain: list[Value]
    tail: list[Value]
    shared: list[Value]
    leaves: list[Value]  # Values the loss uses besides outputs and targets (weights, constants)
    runs: dict[Value, Run] = field(default_factory=dict)


def leaves_for(numbers: Numbers) -> list[list[Value]]:
    return [[Value(x) for x in row] for row in numbers]


def call(loss: Loss, outputs: list[list[Value]], targets: list[list[Value]], single: bool,
         target_is_list: bool) -> Value:
    """The loss on leaves shaped as the model's outputs and as the targets."""
    preds: list[Entry] = [row[0] if single else row for row in outputs]
    ys: list[Entry] = [row if target_is_list else row[0] for row in targets]
    cost = loss(preds, ys)
    if not isinstance(cost, Value):
        raise TypeError(f"the loss must return a Value, got {type(cost).__name__}")
    return cost


def probes(outputs: Numbers, targets: Numbers) -> list[tuple[Numbers, Numbers]]:
    """Other outputs and targets to trace the loss at: 0, 1 and -1 everywhere (where clamps,
    kinks and domains end), and a spread of other numbers."""
    def same(rows: Numbers, x: float) -> Numbers:
        return [[x] * len(row) for row in rows]

    spread_out = [[0.5 - 1.5 * x + 0.1 * k for k, x in enumerate(row)] for row in outputs]
    spread_t = [[1.0 - x for x in row] for row in targets]
    return [(same(outputs, 0.0), targets), (same(outputs, 1.0), targets),
            (same(outputs, -1.0), targets), (spread_out, spread_t), (outputs, same(targets, 0.0))]


def split_loss(loss: Loss, outputs: Numbers, targets: Numbers, single: bool,
               target_is_list: bool) -> BatchLoss | None:
    """The loss traced at these outputs and targets and split per sample, or None when it must
    run in the engine (see the module's docstring)."""
    out_leaves, target_leaves = leaves_for(outputs), leaves_for(targets)
    try:
        cost = call(loss, out_leaves, target_leaves, single, target_is_list)
    except Exception:  # it wants its targets as numbers (class indices): the engine runs it
        return None
    inputs = [v for row in out_leaves for v in row] + [v for row in target_leaves for v in row]
    first = Trace(inputs, cost, topological_order(cost))
    expected = signature(first)
    for other_outputs, other_targets in probes(outputs, targets):
        o, t = leaves_for(other_outputs), leaves_for(other_targets)
        try:
            other = call(loss, o, t, single, target_is_list)
        except Exception:  # the loss rejects some numbers: it looks at them
            return None
        others = [v for row in o for v in row] + [v for row in t for v in row]
        if signature(Trace(others, other, topological_order(other))) != expected:
            return None
    return _split(first, out_leaves, target_leaves, target_is_list)


def _split(first: Trace, outputs: list[list[Value]], targets: list[list[Value]],
           target_is_list: bool) -> BatchLoss | None:
    m = len(outputs)
    if m < 2 or first.output._op is None:
        return None
    owner: dict[Value, int | None] = {}
    for i, (row_o, row_t) in enumerate(zip(outputs, targets)):
        owner.update((v, i) for v in [*row_o, *row_t])
    for node in first.order:
        if node not in owner:
            owners = {owner[p] for p in node.parents} - {None}
            owner[node] = None if not owners else owners.pop() if len(owners) == 1 else TAIL
    if owner[first.output] != TAIL:
        return None
    sample_items = [[*outputs[i], *targets[i]] for i in range(m)]
    chains = [[node for node in first.order if node._op is not None and owner[node] == i]
              for i in range(m)]
    local = [{v: k for k, v in enumerate([*items, *chain])}
             for items, chain in zip(sample_items, chains)]
    position = {node: k for k, node in enumerate(first.order)}

    def row(node: Value, i: int) -> tuple[object, ...]:
        """The node as sample i computes it, its operands named within the sample."""
        assert node._op is not None
        return (node._op, *(("local", local[i][x]) if isinstance(x, Value) and owner[x] == i
                            else ("node", position[x]) if isinstance(x, Value)
                            else ("number", float(x)) for x in node._operands))

    pattern = [row(node, 0) for node in chains[0]]
    if any([row(node, i) for node in chains[i]] != pattern for i in range(1, m)):
        return None
    tail = [node for node in first.order if owner[node] == TAIL]
    batch = BatchLoss(
        first.output, outputs[0], targets[0], target_is_list, chains[0], tail,
        shared=[node for node in first.order if node._op is not None and owner[node] is None],
        leaves=first.leaves,
    )
    try:
        for node in tail:
            run = _run(node, owner, local, [*sample_items[0], *chains[0]], m)
            if run is not None:
                batch.runs[node] = run
    except _NotSplitError:
        return None
    return batch


class _NotSplitError(Exception):
    """A node joins the samples' terms in some other way than as a run of like operands."""


def _run(node: Value, owner: dict[Value, int | None], local: list[dict[Value, int]],
         sample0: list[Value], m: int) -> Run | None:
    """How a tail node takes the samples' terms: a Run, or None if it takes none."""
    values = [x for x in node._operands if isinstance(x, Value)]
    at = [k for k, x in enumerate(node._operands)
          if isinstance(x, Value) and owner[x] not in (None, TAIL)]
    if not at:
        return None
    start, stop = at[0], at[-1] + 1
    if stop - start != len(at) or len(at) % m:
        raise _NotSplitError
    width = len(at) // m
    operands = [x for x in node._operands[start:stop] if isinstance(x, Value)]
    terms = [sample0[local[0][x]] for x in operands[:width]]
    for i in range(m):
        block = operands[i * width:(i + 1) * width]
        if [owner[x] for x in block] != [i] * width or (
                [local[i][x] for x in block] != [local[0][t] for t in terms]):
            raise _NotSplitError
    try:
        derivatives = [d for x, d in zip(values, node.local_grads_as_values())
                       if owner[x] not in (None, TAIL)]
    except Exception as error:  # local_grads that take numbers only
        raise _NotSplitError from error
    if not all(type(d) is float for d in derivatives) or len(set(derivatives)) != 1:
        raise _NotSplitError
    return Run(start, stop, terms, float(cast(float, derivatives[0])))


__all__ = ["BatchLoss", "Loss", "Run", "call", "leaves_for", "split_loss"]
