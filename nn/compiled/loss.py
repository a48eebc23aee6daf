"""The loss of a batch, traced, and split into what each sample computes alone and the rest.

The loss is a function of the whole batch, `C = loss(outputs, targets)`. It is traced on leaves
standing for the m samples' logits and targets, so the targets are data in the code too. The
logits are where the model's part of the code stops (`nn.compiled.model`): the output layer's z.
Each output activation a = f(z) is made again on its leaf, as the first node of the loss's part,
so the loss is given what `train_step` gives it, a node made by the activation's op: bce reads a
`sigmoid(z)` from z through `log_sigmoid`, and C then does not use the node a at all (the code
still computes a, the model's output). Most losses compute the same few nodes for every sample
and then join them: hinge is `relu(1 - t a)` per sample, then `sum(...) / m`. Such a loss is
split three ways:

- `chain`: the nodes of sample 0 (every sample's are the same graph, which is checked), written
  once in the code's loop over the samples; the activations come first;
- `tail`: the nodes that join the samples (the sum, the mean), written after the loop; a node
  joining them (`sum`) takes each sample's terms as one run of operands, in sample order, and
  passes the same derivative (1.0) back to each;
- `shared`: nodes that depend on no sample, such as a penalty on the weights.

A loss whose graph depends on the numbers cannot be traced faithfully, and a few do: `bce` clamps
a prediction that no sigmoid made away from 0 and 1 (an `if` on the data), `cross_entropy` shifts
the logits by their largest (a number read out of the data) and reads its targets as class
indices. So the loss is traced again at other logits (0, 1, -1, ...) and targets; if any trace
raises or builds another graph, or the samples' graphs differ, `split_loss` returns None and the
step runs the loss with the engine itself, from the logits (the model's part is compiled either
way).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from autograd import Value
from autograd import sum as vsum
from autograd.backward import topological_order
from autograd.compile.trace import Trace, signature
from nn.compiled.model import activate
from nn.losses import Entry, Loss

Numbers = list[list[float]]  # per sample, per output (or per target entry)
Heads = list[Value | None]  # per output: the model's activation on its logit, or None
Leaves = list[list[Value]]  # per sample, per output (or per target entry)
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
    logits: list[Value]  # sample 0's logit leaves, in order
    targets: list[Value]  # sample 0's target leaves, in order
    target_is_list: bool
    chain: list[Value]
    tail: list[Value]
    shared: list[Value]
    leaves: list[Value]  # Values the loss uses besides logits and targets (weights, constants)
    heads: dict[Value, Value] = field(default_factory=dict)  # logit leaf -> its activation
    unread: set[Value] = field(default_factory=set)  # activations C does not use (bce's sigmoid)
    runs: dict[Value, Run] = field(default_factory=dict)


def leaves_for(numbers: Numbers) -> Leaves:
    return [[Value(x) for x in row] for row in numbers]


def predictions(logits: Leaves, heads: Heads) -> Leaves:
    """What the loss is given: each output's activation made again on its logit leaf, or the
    leaf itself for an output without one."""
    return [[z if head is None else activate(head, z) for z, head in zip(row, heads)]
            for row in logits]


def call(loss: Loss, preds: Leaves, targets: Leaves, single: bool,
         target_is_list: bool) -> Value:
    """The loss on predictions shaped as the model's outputs, and on the targets."""
    entries: list[Entry] = [row[0] if single else row for row in preds]
    ys: list[Entry] = [row if target_is_list else row[0] for row in targets]
    cost = loss(entries, ys)
    if not isinstance(cost, Value):
        raise TypeError(f"the loss must return a Value, got {type(cost).__name__}")
    return cost


def probes(logits: Numbers, targets: Numbers) -> list[tuple[Numbers, Numbers]]:
    """Other logits and targets to trace the loss at: 0, 1 and -1 everywhere (where clamps,
    kinks and domains end), and a spread of other numbers."""
    def same(rows: Numbers, x: float) -> Numbers:
        return [[x] * len(row) for row in rows]

    spread_out = [[0.5 - 1.5 * x + 0.1 * k for k, x in enumerate(row)] for row in logits]
    spread_t = [[1.0 - x for x in row] for row in targets]
    return [(same(logits, 0.0), targets), (same(logits, 1.0), targets),
            (same(logits, -1.0), targets), (spread_out, spread_t), (logits, same(targets, 0.0))]


def split_loss(loss: Loss, logits: Numbers, targets: Numbers, single: bool,
               target_is_list: bool, heads: Heads) -> BatchLoss | None:
    """The loss traced at these logits and targets and split per sample, or None when it must
    run in the engine (see the module's docstring)."""
    def traced(logits: Numbers, targets: Numbers) -> tuple[Trace, Leaves, Leaves, Leaves]:
        """The trace of the loss at these numbers; its logit and target leaves, and what the
        loss was given."""
        z, t = leaves_for(logits), leaves_for(targets)
        preds = predictions(z, heads)
        cost = call(loss, preds, t, single, target_is_list)
        made = [a for row in preds for a in row if a._op is not None]
        inputs = [v for row in z for v in row] + [v for row in t for v in row]
        return Trace(inputs, cost, _order(made, cost)), z, t, preds

    try:
        first, z, t, preds = traced(logits, targets)
    except Exception:  # it wants its targets as numbers (class indices): the engine runs it
        return None
    expected = signature(first)
    for other_logits, other_targets in probes(logits, targets):
        try:
            other = traced(other_logits, other_targets)[0]
        except Exception:  # the loss rejects some numbers: it looks at them
            return None
        if signature(other) != expected:
            return None
    return _split(first, z, t, target_is_list, preds[0])


def _order(activations: list[Value], cost: Value) -> list[Value]:
    """Every node, parents first: the activations first, whether C uses them or not (bce reads a
    sigmoid's logit instead), then the rest of C's graph; a node joining them is the search's
    start, then dropped."""
    if not activations:
        return topological_order(cost)
    return topological_order(vsum([*activations, cost]))[:-1]


def _split(first: Trace, logits: Leaves, targets: Leaves, target_is_list: bool,
           preds: list[Value]) -> BatchLoss | None:
    m = len(logits)
    if m < 2 or first.output._op is None:
        return None
    owner: dict[Value, int | None] = {}
    for i, (row_z, row_t) in enumerate(zip(logits, targets)):
        owner.update((v, i) for v in [*row_z, *row_t])
    for node in first.order:
        if node not in owner:
            owners = {owner[p] for p in node.parents} - {None}
            owner[node] = None if not owners else owners.pop() if len(owners) == 1 else TAIL
    if owner[first.output] != TAIL:
        return None
    sample_items = [[*logits[i], *targets[i]] for i in range(m)]
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
    used = set(topological_order(first.output))
    heads = {z: a for z, a in zip(logits[0], preds) if a is not z}
    batch = BatchLoss(
        first.output, logits[0], targets[0], target_is_list, chains[0], tail,
        shared=[node for node in first.order if node._op is not None and owner[node] is None],
        leaves=first.leaves, heads=heads, unread={a for a in heads.values() if a not in used},
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


__all__ = ["BatchLoss", "Heads", "Loss", "Run", "call", "leaves_for", "predictions",
           "split_loss"]
