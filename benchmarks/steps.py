"""Training steps side by side: every engine on the same batches, checked after every round.

    python benchmarks/steps.py [--quick] [--no-freeze]

A round gives every engine the same few batches, one block each, in rotated order; after the
round all engines must hold the same parameters (within 1e-9, relative to the largest). The slow
engines (micrograd, torch 0-d: up to seconds a step) take part in the first rounds only; the
others go on for more rounds, still checked against each other.
"""

from __future__ import annotations

import contextlib
import gc
import sys
from dataclasses import dataclass
from typing import Any

import common
from engines import ENGINES, SLOW, Engine, available
from tasks import DEMO, DIGITS, TASKS, Task, batches, initial_parameters

TOLERANCE = 1e-9


@dataclass(frozen=True)
class Plan:
    """How many rounds, of how many steps per engine, with and without the slow engines."""

    rounds_all: int
    block_all: int
    rounds_fast: int
    block_fast: int


PLANS = {  # a fast block lasts tens of ms for the fastest engine: steady state, not cold starts
    "demo": Plan(5, 2, 12, 50),
    "digits": Plan(1, 2, 10, 10),
}
QUICK_PLANS = {"demo": Plan(2, 1, 4, 20), "digits": Plan(1, 1, 3, 5)}


def run_task(task: Task, quick: bool, frozen: bool) -> dict[str, Any]:
    """Time every available engine on the task; the figures and the check as a dict."""
    plan = (QUICK_PLANS if quick else PLANS)[task.name]
    missing = available()
    init = initial_parameters(task)
    engines: dict[str, Engine] = {name: make(task, init) for name, make in ENGINES.items()
                                  if name not in missing}
    warm = batches(task, 1, seed=99)[0]
    for engine in engines.values():  # first calls: jax compiles, chainrule writes its code
        engine.step(warm)
    reference = {name: engine.parameters() for name, engine in engines.items()}
    _check(task, reference, "after the warm-up step")
    if frozen:  # the engines' own imports and set-up are not what a step should pay for
        gc.collect()
        gc.freeze()
    blocks = [plan.block_all] * plan.rounds_all + [plan.block_fast] * plan.rounds_fast
    drawn = batches(task, sum(blocks))
    times: dict[str, list[float]] = {name: [] for name in engines}
    steps = dict.fromkeys(engines, 0)
    losses: dict[str, float] = {}
    start = 0
    for r, block in enumerate(blocks):
        work, start = drawn[start:start + block], start + block
        names = [n for n in engines if r < plan.rounds_all or n not in SLOW]
        for name in common.rotated(names, r):
            engine = engines[name]
            if frozen:
                gc.collect()
            seconds = common.timed(lambda e=engine, w=work: [
                losses.__setitem__(e.name, e.step(b)) for b in w], collect=frozen)
            times[name].append(seconds / block)
            steps[name] += block
        _check(task, {n: engines[n].parameters() for n in names}, f"round {r}")
        first = next(iter(names))
        worst_loss = max(abs(losses[n] - losses[first]) for n in names)
        assert worst_loss <= TOLERANCE * max(1.0, abs(losses[first])), (
            f"{task.name}, round {r}: the engines' losses differ by {worst_loss:.3g}")
    if frozen:
        gc.unfreeze()
    return {
        "task": task.name,
        "title": task.title,
        "parameters": task.parameter_count,
        "frozen": frozen,
        "steps": steps,
        "ms": {n: 1e3 * common.summary(t, frozen) for n, t in times.items()},
        "ms_quartiles": {n: [1e3 * q for q in common.quartiles(t)] for n, t in times.items()},
        "missing": missing,
        "checked_steps": sum(blocks),
    }


def _check(task: Task, parameters: dict[str, list[float]], when: str) -> None:
    names = list(parameters)
    first = parameters[names[0]]
    scale = max(1.0, *map(abs, first))
    for name in names[1:]:
        worst = max(abs(a - b) for a, b in zip(parameters[name], first))
        assert len(parameters[name]) == len(first) and worst <= TOLERANCE * scale, (
            f"{task.name}, {when}: {name} differs from {names[0]} by {worst:.3g}")


def markdown(result: dict[str, Any]) -> str:
    """One task's table: ms per step, and each engine against the compiled step."""
    ms = result["ms"]
    compiled = ms.get("chainrule compiled")
    how = "median" if result["frozen"] else "mean"
    lines = [
        f"**{result['title']}** ({result['parameters']} parameters); {how} ms per step over "
        "interleaved blocks of steps; every engine's parameters checked equal (1e-9) after "
        f"every round, {result['checked_steps']} steps.",
        "",
        "| engine | ms / step | middle half (ms) | steps timed | time / compiled step |",
        "|---|--:|--:|--:|--:|",
    ]
    for name in ENGINES:
        if name in result["missing"]:
            lines.append(f"| {name} | not run: {result['missing'][name]} | | | |")
            continue
        low, high = result["ms_quartiles"][name]
        against = common.ratio(ms[name], compiled) if compiled else "n/a"
        lines.append(f"| {name} | {ms[name]:.3f} | {low:.3f} - {high:.3f} | "
                     f"{result['steps'][name]} | {against} |")
    return "\n".join(lines) + "\n"


def targets(demo: dict[str, Any], digits: dict[str, Any]) -> list[tuple[str, float, bool]]:
    """The issue's targets: (what, the measured ratio, whether it is met)."""
    d, g = demo["ms"], digits["ms"]
    found = []
    if "micrograd" in d:
        found.append(("chainrule train_step >= 30x faster than micrograd on the demo step",
                      d["micrograd"] / d["chainrule"], d["micrograd"] / d["chainrule"] >= 30))
    if "torch vectorized" in d:
        speedup = d["torch vectorized"] / d["chainrule compiled"]
        found.append(("compiled demo step >= 1.2x faster than torch vectorized", speedup,
                      speedup >= 1.2))
    for name, result in (("demo step", d), ("MLP(64, [32, 10]) step", g)):
        over = result["chainrule compiled"] / result["plain Python (floor)"]
        found.append((f"compiled {name} within 1.3x of the plain-Python floor (time ratio)",
                      over, over <= 1.3))
    return found


def main() -> None:
    quick, frozen = "--quick" in sys.argv, "--no-freeze" not in sys.argv
    for module in ("micrograd.engine", "torch", "jax"):  # imported before the heap is frozen
        with contextlib.suppress(ImportError):
            __import__(module)
    common.prepare(freeze=frozen)
    results = {task.name: run_task(task, quick, frozen) for task in TASKS}
    for result in results.values():
        print(markdown(result))
    for what, value, ok in targets(results[DEMO.name], results[DIGITS.name]):
        print(f"- {what}: {value:.2f} ({common.met(ok)})")


if __name__ == "__main__":
    main()


__all__ = ["markdown", "run_task", "targets"]
