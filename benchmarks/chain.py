"""The deep chain: x <- relu(x * w + 0.1), built, differentiated and freed, per op node.

    python benchmarks/chain.py [--quick]

Three op nodes per link (a product of two Values, a sum with a number folded in, a relu), so a
200,000-node graph is 66,666 links deep: a test of the engine's node creation, its backward
pass (micrograd's recursive sort needs a raised recursion limit) and of freeing a graph. Each
run builds the graph, runs backward from its end, drops it and, with a frozen heap, collects.
The engines must agree on the value and on dx/d(leaf) and dw.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

import common

CHAIN = 200_000
QUICK_CHAIN = 60_000
ENGINES = ("chainrule", "micrograd", "torch 0-d")


def leaf_maker(engine: str) -> Callable[[float], Any]:
    if engine == "chainrule":
        from autograd import Value

        return Value
    if engine == "micrograd":
        from micrograd.engine import Value as MicrogradValue

        return MicrogradValue
    import torch

    return lambda x: torch.tensor(x, dtype=torch.float64, requires_grad=True)


def build(leaf: Callable[[float], Any], nodes: int) -> tuple[Any, Any, Any]:
    """The chain's end and its two leaves, x and w."""
    x0, w = leaf(1.0), leaf(1.0)
    x = x0
    for _ in range(nodes // 3):
        x = (x * w + 0.1).relu()
    return x, x0, w


def _scalar(v: Any) -> float:
    return float(v.item()) if hasattr(v, "item") else float(v)


def check_same(nodes: int = 3000) -> float:
    """The largest relative difference between engines in the value and the two gradients."""
    results = []
    for engine in ENGINES:
        end, x0, w = build(leaf_maker(engine), nodes)
        end.backward()
        results.append([_scalar(end.data), _scalar(x0.grad), _scalar(w.grad)])
    worst = max(abs(a - b) / max(1.0, abs(a)) for other in results[1:]
                for a, b in zip(results[0], other))
    assert worst < 1e-9, f"the chain: engines disagree by {worst:.3g} (relative)"
    return worst


def run(quick: bool, frozen: bool, reps: int = 3) -> dict[str, Any]:
    """Seconds per op node, build + backward + free, for each engine; interleaved runs."""
    nodes = QUICK_CHAIN if quick else CHAIN
    agreement = check_same()
    makers = {engine: leaf_maker(engine) for engine in ENGINES}
    if frozen:
        gc.collect()
        gc.freeze()
    samples: dict[str, list[float]] = {engine: [] for engine in ENGINES}
    for r in range(reps):
        for engine in common.rotated(list(ENGINES), r):
            if frozen:
                gc.collect()

            def work(leaf: Callable[[float], Any] = makers[engine]) -> None:
                end, _, _ = build(leaf, nodes)
                end.backward()
                del end

            samples[engine].append(common.timed(work, collect=frozen))
    if frozen:
        gc.unfreeze()
    op_nodes = 3 * (nodes // 3)
    return {
        "nodes": op_nodes,
        "reps": reps,
        "frozen": frozen,
        "agreement": agreement,
        "ns_per_node": {e: 1e9 * common.summary(s, frozen) / op_nodes
                        for e, s in samples.items()},
    }


def markdown(result: dict[str, Any]) -> str:
    ns = result["ns_per_node"]
    how = "median" if result["frozen"] else "mean"
    lines = [
        f"**The chain** x <- relu(x * w + 0.1), {result['nodes']:,} op nodes: build, backward "
        f"and free, {how} of {result['reps']} interleaved runs; the engines agree to "
        f"{result['agreement']:.0e} on the value and both gradients.",
        "",
        "| engine | ns per op node | time / chainrule's |",
        "|---|--:|--:|",
    ]
    for engine in ENGINES:
        lines.append(f"| {engine} | {ns[engine]:,.0f} | "
                     f"{common.ratio(ns[engine], ns['chainrule'])} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    import sys

    quick, frozen = "--quick" in sys.argv, "--no-freeze" not in sys.argv
    import micrograd.engine  # noqa: F401 - imported before the heap is frozen
    import torch  # noqa: F401

    common.prepare(freeze=False)
    print(markdown(run(quick, frozen)))


if __name__ == "__main__":
    main()


__all__ = ["ENGINES", "markdown", "run"]
