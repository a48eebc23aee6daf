"""Build, backpropagate and free the same graphs in chainrule, micrograd and torch 0-d tensors.

    python benchmarks/engine.py [--quick] [--no-freeze]

Graphs (every op is one all three engines have: `*` of two values, `+` of two values, `+` of a
Python float, `relu`; micrograd 0.1.0 has no tanh or exp):

- chain: x <- relu(x * w + 0.1), repeated; `w` is one shared leaf (w = 1, so x grows slowly and
  no gradient along the chain vanishes to 0.0, which would let an engine skip work), 0.1 a plain
  float (chainrule folds it into the `+` node, micrograd wraps it in a leaf of its own, torch keeps
  it as a scalar). Three op nodes per step, one after another: the deepest graph there is.
- wide: 1,000 leaves x_j; for i < m: t_i = x_a * x_b (leaves reused ~130 times each),
  u_i = t_i * t_i (an interior node used twice), then all u_i added pairwise (a tree of `+`,
  depth log2 m).

"Nodes" are op nodes (what the user's expression makes), the same count in every engine; a
micrograd constant leaf is part of the cost of its `+`. Memory is measured two ways: tracemalloc
(every byte Python's allocators hand out while the graph is built and still held after, net of
what was there before; blind to PyTorch's C++ allocations) and the growth of the process's resident
set in a fresh child process (what the OS sees, torch included).
"""

from __future__ import annotations

import gc
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import common

Leaf = Callable[[float], Any]
Builder = Callable[[Leaf, int], tuple[Any, list[Any]]]

ENGINES = ("chainrule", "micrograd", "torch 0-d")
CHAIN_OPS = "x <- relu(x * w + 0.1), w = 1: mul of two values, add of a float, relu"
WIDE_OPS = "t = x_a * x_b, u = t * t, pairwise sum of all u by +"
WIDE_LEAVES = 1000
BACKWARD_PEAK_NODES = 20_000


def leaf_maker(engine: str) -> Leaf:
    """A function making a leaf that takes part in differentiation, in `engine`."""
    if engine == "chainrule":
        from autograd import Value

        return Value
    if engine == "micrograd":
        from micrograd.engine import Value as MicrogradValue

        return MicrogradValue  # type: ignore[no-any-return]
    if engine == "torch 0-d":
        import torch

        def tensor(x: float) -> Any:
            return torch.tensor(x, dtype=torch.float64, requires_grad=True)

        return tensor
    raise ValueError(f"unknown engine {engine!r}; expected one of {ENGINES}")


def scalar(x: Any) -> float:
    """A node's value or a leaf's gradient as a float, in any engine (torch's None grad is 0)."""
    if x is None:
        return 0.0
    return float(x.item()) if hasattr(x, "item") else float(x)


def build_chain(leaf: Leaf, nodes: int) -> tuple[Any, list[Any]]:
    """`nodes` op nodes (rounded down to a multiple of 3) in one line: x <- relu(x * w + 0.1)."""
    x0, w = leaf(0.5), leaf(1.0)
    x = x0
    for _ in range(nodes // 3):
        x = (x * w + 0.1).relu()
    return x, [x0, w]


def build_wide(leaf: Leaf, nodes: int) -> tuple[Any, list[Any]]:
    """About `nodes` op nodes: m products of shared leaves, each squared, summed pairwise."""
    xs = [leaf(0.5 + (j % 17) / 34) for j in range(WIDE_LEAVES)]
    level = []
    for i in range((nodes + 1) // 3):
        t = xs[i % WIDE_LEAVES] * xs[(31 * i + 7) % WIDE_LEAVES]
        level.append(t * t)
    while len(level) > 1:
        pairs = [level[i] + level[i + 1] for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            pairs.append(level[-1])
        level = pairs
    return level[0], xs


def op_nodes(graph: str, nodes: int) -> int:
    """How many op nodes the builder really makes for a requested size."""
    if graph == "chain":
        return 3 * (nodes // 3)
    return 3 * ((nodes + 1) // 3) - 1


BUILDERS: dict[str, Builder] = {"chain": build_chain, "wide": build_wide}


def check_same(graph: str, nodes: int = 3000) -> float:
    """Largest relative difference between engines in the root's value and every leaf gradient."""
    results = []
    for engine in ENGINES:
        root, leaves = BUILDERS[graph](leaf_maker(engine), nodes)
        root.backward()
        results.append([scalar(root.data)] + [scalar(leaf.grad) for leaf in leaves])
    worst = 0.0
    for other in results[1:]:
        for a, b in zip(results[0], other):
            worst = max(worst, abs(a - b) / max(1.0, abs(a), abs(b)))
    assert worst < 1e-9, f"{graph}: engines disagree by {worst:.3g} (relative)"
    return worst


def time_task(engine: str, graph: str, nodes: int) -> Callable[[], common.Phases]:
    leaf, build = leaf_maker(engine), BUILDERS[graph]

    def run() -> common.Phases:
        return common.time_graph(lambda: build(leaf, nodes), lambda g: g[0].backward())

    return run


def time_graphs(graph: str, nodes: int, reps: int) -> dict[str, common.Phases]:
    tasks = {engine: time_task(engine, graph, nodes) for engine in ENGINES}
    return common.interleaved(tasks, reps)


# ------------------------------------------------------------------------------------------------
# memory


def traced_bytes(make: Callable[[], Any], backward: Callable[[Any], None] | None = None,
                 ) -> tuple[int, int]:
    """(bytes held after `make()`, extra peak bytes during `backward`), seen by tracemalloc."""
    gc.collect()
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    made = make()
    after, _ = tracemalloc.get_traced_memory()
    extra = 0
    if backward is not None:
        tracemalloc.reset_peak()
        backward(made)
        _, peak = tracemalloc.get_traced_memory()
        extra = peak - after
    del made
    tracemalloc.stop()
    gc.collect()
    return after - before, extra


def graph_bytes(engine: str, graph: str, nodes: int) -> dict[str, float]:
    """Bytes per op node held by a built graph, and the extra peak per node while backward runs.

    The backward peak is measured on a graph of at most BACKWARD_PEAK_NODES nodes: under
    tracemalloc micrograd's recursive sort takes time quadratic in the depth of the chain.
    """
    leaf, build = leaf_maker(engine), BUILDERS[graph]
    held, _ = traced_bytes(lambda: build(leaf, nodes))
    small = min(nodes, BACKWARD_PEAK_NODES)
    _, extra = traced_bytes(lambda: build(leaf, small), lambda g: g[0].backward())
    return {"held": held / op_nodes(graph, nodes), "backward_peak": extra / op_nodes(graph, small)}


def rss_bytes_per_node(engine: str, graph: str, nodes: int) -> float:
    """Growth of the resident set per op node while a fresh Python process builds the graph."""
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--rss-child", engine, graph, str(nodes)],
        check=True, capture_output=True, text=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def _rss_child(engine: str, graph: str, nodes: int) -> None:
    sys.setrecursionlimit(common.RECURSION_LIMIT)
    leaf, build = leaf_maker(engine), BUILDERS[graph]
    warm = build(leaf, 3000)
    warm[0].backward()
    del warm
    gc.collect()
    before = common.rss_bytes()
    held = build(leaf, nodes)
    after = common.rss_bytes()
    print((after - before) / op_nodes(graph, nodes))
    del held


def op_kinds() -> dict[str, dict[str, Callable[[], Callable[[], Any]]]]:
    """For each kind of op node, per engine, a function making one such node from fixed leaves."""
    from micrograd.engine import Value as MicrogradValue

    from autograd import Value, weighted_sum
    from autograd import sum as value_sum

    kinds: dict[str, dict[str, Callable[[], Callable[[], Any]]]] = {}
    for name, make_leaf in (("chainrule", Value), ("micrograd", MicrogradValue)):
        a, b = make_leaf(0.75), make_leaf(1.25)
        kinds.setdefault("mul (a * b)", {})[name] = lambda a=a, b=b: lambda: a * b
        kinds.setdefault("add (a + b)", {})[name] = lambda a=a, b=b: lambda: a + b
        kinds.setdefault("mul a float (a * 1.5)", {})[name] = lambda a=a: lambda: a * 1.5
        kinds.setdefault("add a float (a + 1.5)", {})[name] = lambda a=a: lambda: a + 1.5
        kinds.setdefault("relu", {})[name] = lambda a=a: lambda: a.relu()
    a = Value(0.75)
    kinds.setdefault("tanh", {})["chainrule"] = lambda: lambda: a.tanh()
    kinds["tanh"]["micrograd"] = lambda: lambda: None
    ws = [Value(0.1 * k) for k in range(16)]
    xs = [Value(0.2 * k) for k in range(16)]
    bias = Value(0.3)
    kinds["weighted_sum, 16 inputs (1 node = 32 unfused)"] = {
        "chainrule": lambda: lambda: weighted_sum(ws, xs, bias),
        "micrograd": lambda: lambda: None,
    }
    terms = [Value(0.1 * k) for k in range(32)]
    kinds["sum of 32 (1 node = 31 unfused)"] = {
        "chainrule": lambda: lambda: value_sum(terms),
        "micrograd": lambda: lambda: None,
    }
    return kinds


def kind_bytes(count: int) -> dict[str, dict[str, float | None]]:
    """tracemalloc bytes per node of each kind, `count` independent nodes held in a list."""
    table: dict[str, dict[str, float | None]] = {}
    for kind, per_engine in op_kinds().items():
        table[kind] = {}
        for engine, factory in per_engine.items():
            make = factory()
            if make() is None:
                table[kind][engine] = None
                continue
            held: list[Any] = [None] * count

            def fill(make: Callable[[], Any] = make, held: list[Any] = held) -> list[Any]:
                for i in range(count):
                    held[i] = make()
                return held

            total, _ = traced_bytes(fill)
            table[kind][engine] = total / count
            del held
    return table


def chainrule_node_anatomy() -> dict[str, int]:
    """sys.getsizeof of the parts of one chainrule `a * b` node (GC headers included)."""
    from autograd import Value

    a, b = Value(0.75), Value(1.25)
    c = a * b
    return {
        f"Value object ({len(Value.__slots__)} slots)": sys.getsizeof(c),
        "data float": sys.getsizeof(c.data),
        "edges tuple (2 parents, then 2 local derivatives: floats shared with the parents' data)":
            sys.getsizeof(c.edges),
    }


# ------------------------------------------------------------------------------------------------


def run(quick: bool) -> dict[str, Any]:
    """Every engine measurement; the dict `run_all.py` turns into a table and a plot."""
    main_nodes = 60_000 if quick else 200_000
    reps = 3 if quick else 5
    sizes = [10_000, 30_000, 100_000] if quick else [10_000, 30_000, 100_000, 300_000, 1_000_000]
    scaling_reps = 1 if quick else 3  # 2 at a million nodes: micrograd takes ~20 s per run there
    kind_count = 20_000 if quick else 100_000

    results: dict[str, Any] = {"quick": quick}
    for graph in ("chain", "wide"):
        print(f"[engine] {graph}: checking the engines agree ...", flush=True)
        agreement = check_same(graph)
        print(f"[engine] {graph}: timing {main_nodes:,} nodes x {reps} reps ...", flush=True)
        results[graph] = {
            "nodes": op_nodes(graph, main_nodes),
            "ops": CHAIN_OPS if graph == "chain" else WIDE_OPS,
            "reps": reps,
            "agreement": agreement,
            "time": time_graphs(graph, main_nodes, reps),
        }
    scaling: dict[str, Any] = {"nodes": [], "reps": [], **{e: [] for e in ENGINES}}
    for nodes in sizes:
        print(f"[engine] scaling: chain of {nodes:,} ...", flush=True)
        reps_here = min(scaling_reps, 2) if nodes >= 1_000_000 else scaling_reps
        times = time_graphs("chain", nodes, reps_here)
        scaling["nodes"].append(op_nodes("chain", nodes))
        scaling["reps"].append(reps_here)
        for engine in ENGINES:
            scaling[engine].append(times[engine]["total"])
    results["scaling"] = scaling

    print("[engine] memory ...", flush=True)
    memory: dict[str, Any] = {}
    for graph in ("chain", "wide"):
        memory[graph] = {}
        for engine in ENGINES:
            entry = graph_bytes(engine, graph, main_nodes)
            entry["rss"] = rss_bytes_per_node(engine, graph, main_nodes)
            memory[graph][engine] = entry
    memory["kinds"] = kind_bytes(kind_count)
    memory["kind_count"] = kind_count
    memory["anatomy"] = chainrule_node_anatomy()
    results["memory"] = memory
    return results


def markdown(results: dict[str, Any]) -> str:
    """The engine figures as Markdown tables."""
    lines: list[str] = []
    mg, th, cr = "micrograd", "torch 0-d", "chainrule"
    for graph in ("chain", "wide"):
        r = results[graph]
        n = r["nodes"]
        lines += [
            f"**{graph}**, {n:,} op nodes ({r['ops']}); median of {r['reps']} interleaved runs, "
            f"engines agree to {r['agreement']:.1e} (relative) on value and leaf gradients.",
            "",
            "| engine | ns/node, total | build | backward | free | gc.collect | "
            "chainrule is ... faster |",
            "|---|--:|--:|--:|--:|--:|--:|",
        ]
        times = r["time"]
        mem = results["memory"][graph]
        for engine in ENGINES:
            t = times[engine]
            lines.append(
                f"| {engine} | {t['total'] / n * 1e9:,.0f} | {t['build'] / n * 1e9:,.0f} | "
                f"{t['backward'] / n * 1e9:,.0f} | {t['free'] / n * 1e9:,.0f} | "
                f"{t['gc'] / n * 1e9:,.0f} | {common.ratio(t['total'], times[cr]['total'])} |"
            )
        lines += [
            "",
            "| engine | bytes/node held (tracemalloc) | bytes/node held (RSS) | "
            f"extra peak bytes/node in backward ({BACKWARD_PEAK_NODES // 1000}k nodes) | "
            "chainrule holds ... less (RSS) |",
            "|---|--:|--:|--:|--:|",
        ]
        for engine in ENGINES:
            m = mem[engine]
            traced = "n/a (C++ heap)" if engine == th else f"{m['held']:.0f}"
            peak = "n/a" if engine == th else f"{m['backward_peak']:.0f}"
            less = common.ratio(m["rss"], mem[cr]["rss"])
            lines.append(f"| {engine} | {traced} | {m['rss']:.0f} | {peak} | {less} |")
        lines.append("")
    chain = results["chain"]
    speedup = chain["time"][mg]["total"] / chain["time"][cr]["total"]
    per_node = results["memory"]["chain"][cr]["held"]
    lines += [
        f"Targets on the chain: chainrule >= 4x faster per node than micrograd: "
        f"**{speedup:.1f}x** ({'met' if speedup >= 4 else 'NOT met'}); <= 200 bytes per op node: "
        f"**{per_node:.0f}** ({'met' if per_node <= 200 else 'NOT met'}).",
        "",
        f"Bytes per node by kind of op (tracemalloc, {results['memory']['kind_count']:,} "
        "independent nodes from fixed leaves, held in a preallocated list):",
        "",
        "| op node | chainrule | micrograd |",
        "|---|--:|--:|",
    ]
    for kind, per_engine in results["memory"]["kinds"].items():
        cells = ["n/a" if per_engine[e] is None else f"{per_engine[e]:.0f}" for e in (cr, mg)]
        lines.append(f"| {kind} | {cells[0]} | {cells[1]} |")
    anatomy = ", ".join(f"{k}: {v}" for k, v in results["memory"]["anatomy"].items())
    lines += ["", f"Anatomy of one chainrule `a * b` node (sys.getsizeof, bytes): {anatomy}.", ""]
    scaling = results["scaling"]
    lines += [
        "**Linear scaling**: chain, seconds per build + backward + free + gc.collect "
        "(median of the runs counted in the last column); ns/node in brackets.",
        "",
        "| op nodes | " + " | ".join(ENGINES) + " | runs |",
        "|--:|" + "--:|" * len(ENGINES) + "--:|",
    ]
    for i, n in enumerate(scaling["nodes"]):
        cells = [f"{scaling[e][i]:.3f} ({scaling[e][i] / n * 1e9:,.0f})" for e in ENGINES]
        lines.append(f"| {n:,} | " + " | ".join(cells) + f" | {scaling['reps'][i]} |")
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--rss-child":
        _rss_child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    args = common.parse_args(__doc__.splitlines()[0])
    import micrograd.engine  # noqa: F401 - imported before the heap is frozen
    import torch  # noqa: F401

    common.prepare(freeze=not args.no_freeze)
    print(markdown(run(args.quick)))


if __name__ == "__main__":
    main()


__all__ = ["ENGINES", "markdown", "run"]
