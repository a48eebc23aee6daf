"""Where chainrule's time goes: the demo step and the deep chain, phase by phase, then cProfile.

    python benchmarks/profile_engine.py [--quick] [--no-freeze] [--cprofile]

Phases of a training step, first as `nn.train_step` runs it (`forward_batch`, the graph on an
`autograd.Tape`, the collector paused), then written out per sample as micrograd's demo writes it:
forward (node creation, through `nn.MLP`), the loss, zero_grad, the topological sort, the
backward sweep (backward minus the sort, which it repeats), the optimizer, freeing the graph, and
the closing gc.collect(). The cyclic collector also runs by itself while
nodes are made; its time is caught with `gc.callbacks` and shown as "automatic gc", inside the
phase that triggered it. The sort is timed by calling the engine's own private
`_interior_order`, the function `backward()` starts with, with the collector paused as
`backward()` pauses it.
"""

# X names a batch of samples, as in scikit-learn.
# ruff: noqa: N803, N806

from __future__ import annotations

import cProfile
import gc
import io
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import common
import demo_step
import engine


class GcClock:
    """Seconds the cyclic collector spent running by itself, and how often, per generation."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.runs = [0, 0, 0]
        self._start = 0.0
        self._explicit = False

    def collect(self) -> None:
        """`gc.collect()`, not counted as automatic."""
        self._explicit = True
        try:
            gc.collect()
        finally:
            self._explicit = False

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if self._explicit:
            return
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start
            self.runs[info["generation"]] += 1

    def __enter__(self) -> GcClock:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


def phase_table(samples: list[dict[str, float]], unit: float, unit_name: str) -> str:
    medians = {key: statistics.median(s[key] for s in samples) for key in samples[0]}
    total = medians["total"]
    rows = [f"| phase | {unit_name} | share |", "|---|--:|--:|"]
    for key, value in medians.items():
        share = "" if key in ("total", "automatic gc (inside the phases above)") else (
            f"{100 * value / total:.0f}%")
        rows.append(f"| {key} | {value / unit:,.2f} | {share} |")
    return "\n".join(rows)


def sort_like_backward(root: Any) -> list[Any]:
    """The engine's topological sort, with the collector paused as `backward()` pauses it."""
    from autograd.backward import _interior_order

    gc.disable()
    try:
        return _interior_order(root)
    finally:
        gc.enable()


def train_step_phases(model_step: demo_step.Chainrule, X: list[list[float]], y: list[float],
                      lr: float) -> dict[str, float]:
    """`nn.train_step`'s own steps, timed one by one."""
    from autograd import Tape, gc_paused

    model, optimizer = model_step.model, model_step.optimizer
    with GcClock() as clock:
        t0 = time.perf_counter()
        with gc_paused():
            with Tape() as tape:
                scores = model.forward_batch(X)
                t1 = time.perf_counter()
                loss = model_step.loss(scores, y)
                t2 = time.perf_counter()
            optimizer.zero_grad()
            t3 = time.perf_counter()
            tape.backward(loss)
            t4 = time.perf_counter()
            optimizer.lr = lr
            optimizer.step()
            t5 = time.perf_counter()
            del loss, scores, tape
            t6 = time.perf_counter()
        clock.collect()
        t7 = time.perf_counter()
    return {
        "forward: model.forward_batch(X), node creation": t1 - t0,
        "loss: hinge + L2 penalty": t2 - t1,
        "zero_grad": t3 - t2,
        "backward: Tape.backward (no search)": t4 - t3,
        "optimizer step": t5 - t4,
        "free the graph and the tape (reference counting)": t6 - t5,
        "closing gc.collect()": t7 - t6,
        "automatic gc (inside the phases above)": clock.seconds,
        "total": t7 - t0,
    }


def step_phases(model_step: demo_step.Chainrule, X: list[list[float]], y: list[float],
                lr: float) -> dict[str, float]:
    """The step written out as micrograd's demo writes it, the search timed apart."""
    model, params = model_step.model, model_step.params
    optimizer = model_step.optimizer
    with GcClock() as clock:
        t0 = time.perf_counter()
        scores = [model(x) for x in X]
        t1 = time.perf_counter()
        loss = model_step.hinge(scores, y) + demo_step.ALPHA * model_step.value_sum(
            [p * p for p in params])
        t2 = time.perf_counter()
        optimizer.zero_grad()
        t3 = time.perf_counter()
        order = sort_like_backward(loss)
        t4 = time.perf_counter()
        del order
        t5 = time.perf_counter()
        loss.backward()
        t6 = time.perf_counter()
        optimizer.lr = lr
        optimizer.step()
        t7 = time.perf_counter()
        del loss, scores
        t8 = time.perf_counter()
        clock.collect()
        t9 = time.perf_counter()
    sort = t4 - t3
    return {
        "forward: model(x), node creation": t1 - t0,
        "loss: hinge + L2 penalty": t2 - t1,
        "zero_grad": t3 - t2,
        "topological sort": sort,
        "backward sweep (backward() minus its sort)": (t6 - t5) - sort,
        "optimizer step": t7 - t6,
        "free the graph (reference counting)": t8 - t7,
        "closing gc.collect()": t9 - t8,
        "automatic gc (inside the phases above)": clock.seconds,
        "total": (t9 - t0) - (t5 - t4),
    }


def chain_phases(nodes: int) -> dict[str, float]:
    from autograd import Value

    with GcClock() as clock:
        t0 = time.perf_counter()
        root, leaves = engine.build_chain(Value, nodes)
        t1 = time.perf_counter()
        sort = sort_like_backward(root)
        t2 = time.perf_counter()
        del sort
        t3 = time.perf_counter()
        root.backward()
        t4 = time.perf_counter()
        del root, leaves
        t5 = time.perf_counter()
        clock.collect()
        t6 = time.perf_counter()
    return {
        "build (node creation)": t1 - t0,
        "topological sort": t2 - t1,
        "backward sweep (backward() minus its sort)": (t4 - t3) - (t2 - t1),
        "free the graph (reference counting)": t5 - t4,
        "closing gc.collect()": t6 - t5,
        "automatic gc (inside the phases above)": clock.seconds,
        "total": (t6 - t0) - (t3 - t2),
    }


def demo_setup() -> tuple[demo_step.Chainrule, list[list[list[float]]], list[list[float]]]:
    import random

    X_all, y_all = demo_step.moons()
    model = demo_step.Chainrule(demo_step.initial_parameters(demo_step.DEMO_WIDTH))
    rng = random.Random(0)
    batches = [rng.sample(range(len(X_all)), demo_step.BATCH) for _ in range(200)]
    return (model, [[X_all[i] for i in b] for b in batches],
            [[y_all[i] for i in b] for b in batches])


def profile(run: Callable[[], Any], top: int = 18) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def run(quick: bool, with_cprofile: bool = False) -> str:
    steps = 20 if quick else 100
    chain_nodes = 60_000 if quick else 200_000
    chain_reps = 3 if quick else 7
    model, Xs, ys = demo_setup()
    for k in range(3):
        step_phases(model, Xs[k], ys[k], demo_step.learning_rate(k))
        train_step_phases(model, Xs[k], ys[k], demo_step.learning_rate(k))
    taped, samples = [], []
    for k in range(steps):
        taped.append(train_step_phases(model, Xs[k], ys[k], demo_step.learning_rate(k % 100)))
        samples.append(step_phases(model, Xs[k], ys[k], demo_step.learning_rate(k % 100)))
    from autograd import Value
    from autograd.backward import _interior_order

    scores = [model.model(x) for x in Xs[0]]
    loss = model.hinge(scores, ys[0]) + demo_step.ALPHA * model.value_sum(
        [p * p for p in model.params])
    interior = len(_interior_order(loss))
    del scores, loss
    out = [
        f"chainrule, demo step (MLP(2, [16, 16, 1]), batch 32), {interior:,} op nodes per step, "
        f"as `nn.train_step` runs it; median over {steps} steps:",
        "",
        phase_table(taped, 1e-3, "ms"),
        "",
        "The same step written out as micrograd's demo writes it (`model(x)` per sample, "
        "`loss.backward()`, the collector running), interleaved with the above:",
        "",
        phase_table(samples, 1e-3, "ms"),
        "",
    ]
    if gc.get_freeze_count() > 0:
        frozen = gc.get_freeze_count()
        gc.unfreeze()
        unfrozen = [step_phases(model, Xs[k], ys[k], demo_step.learning_rate(k % 100))
                    for k in range(steps // 2)]
        gc.freeze()
        out += [
            f"The same step with the heap *not* frozen ({frozen:,} objects of torch, matplotlib "
            "and the modules back in the collector's sight), median over "
            f"{steps // 2} steps:",
            "",
            phase_table(unfrozen, 1e-3, "ms"),
            "",
        ]
    chain = [chain_phases(chain_nodes) for _ in range(chain_reps)]
    out += [
        f"chainrule, chain of {chain_nodes:,} op nodes ({engine.CHAIN_OPS}); "
        f"median over {chain_reps} runs, ns per node:",
        "",
        phase_table(chain, 1e-9 * engine.op_nodes("chain", chain_nodes), "ns/node"),
        "",
    ]
    if with_cprofile:
        def steps_run() -> None:
            for k in range(20):
                model.step(Xs[k], ys[k], demo_step.learning_rate(k))
                gc.collect()

        out += ["cProfile, 20 demo steps, by own time:", "```", profile(steps_run), "```"]
        out += ["cProfile, one chain, by own time:", "```",
                profile(lambda: engine.build_chain(Value, chain_nodes)[0].backward()), "```"]
    return "\n".join(out)


def main() -> None:
    parser_args = [a for a in sys.argv[1:] if a != "--cprofile"]
    args = common.parse_args(__doc__.splitlines()[0], parser_args)
    import nn.layers  # noqa: F401 - imported before the heap is frozen

    common.prepare(freeze=not args.no_freeze)
    print(run(args.quick, with_cprofile="--cprofile" in sys.argv))


if __name__ == "__main__":
    main()
