"""Run every benchmark, then write the Markdown report, the JSON figures and the plot.

    python benchmarks/run_all.py                    # ~3 min: out/bench/latest.md, .json, .png
    python benchmarks/run_all.py --quick            # ~1 min, fewer steps and a shorter chain
    python benchmarks/run_all.py --out docs/bench   # the figures the README shows, to commit

`make bench` runs the full version. It writes into out/bench, which git ignores, so measuring
never changes a tracked file; docs/bench changes only when someone writes the figures there on
purpose and commits them, from a clean tree, so that the report names the commit measured.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path
from typing import Any

import chain
import common
import memory
import steps
from engines import ENGINES
from tasks import DEMO, DIGITS, TASKS

DEFAULT_OUT = common.ROOT / "out" / "bench"
COLOURS = {"chainrule compiled": "tab:blue", "chainrule": "tab:cyan",
           "plain Python (floor)": "black", "torch vectorized": "tab:gray", "jax.jit": "tab:green",
           "torch 0-d": "tab:red", "micrograd": "tab:orange"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps, a shorter chain")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="where to write (default out/bench, ignored by git; "
                        "--out docs/bench for the figures the README shows)")
    return parser.parse_args(argv)


def measure(quick: bool) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for frozen in (True, False):
        mode = "frozen" if frozen else "as it runs"
        for task in TASKS:
            print(f"[steps, heap {mode}] {task.title} ...", flush=True)
            results[f"{task.name}, {mode}"] = steps.run_task(task, quick, frozen)
        print(f"[chain, heap {mode}] ...", flush=True)
        results[f"chain, {mode}"] = chain.run(quick, frozen)
    print("[memory] ...", flush=True)
    results["memory"] = memory.run(quick)
    return results


def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [(f"{DEMO.name}, frozen", "ms per step", "micrograd's demo step\n"
               "MLP(2, [16, 16, 1]), batch 32, hinge + L2"),
              (f"{DIGITS.name}, frozen", "ms per step", "MLP(64, [32, 10]), sigmoid,\n"
               "mse, batch 32"),
              ("chain, frozen", "ns per op node", "the chain x <- relu(x w + 0.1),\n"
               "build + backward + free")]
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.6))
    for ax, (key, unit, title) in zip(axes, panels):
        figures = results[key]["ms"] if "ms" in results[key] else results[key]["ns_per_node"]
        names = [n for n in ENGINES if n in figures]
        values = [figures[n] for n in names]
        y = range(len(names))
        ax.barh(list(y), values, color=[COLOURS[n] for n in names])
        ax.set_yticks(list(y), names)
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.set_xlim(10 ** math.floor(math.log10(min(values) / 1.5)), max(values) * 8)
        for i, v in zip(y, values):
            ax.text(v * 1.15, i, f"{v:,.3g}" if v < 100 else f"{v:,.0f}", va="center",
                    fontsize=8)
        ax.set_xlabel(f"{unit} (log scale; shorter is faster)")
        ax.set_title(title, fontsize=10)
        ax.grid(True, axis="x", which="major", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def report(results: dict[str, Any], info: dict[str, str], command: str, seconds: float,
           png: str) -> str:
    machine = "\n".join(f"| {key} | {value} |" for key, value in info.items())
    demo, digits = (results[f"{task.name}, frozen"] for task in TASKS)
    found = steps.targets(demo, digits)
    running = steps.targets(*(results[f"{task.name}, as it runs"] for task in TASKS))
    chain_frozen = results["chain, frozen"]["ns_per_node"]
    chain_running = results["chain, as it runs"]["ns_per_node"]
    chain_speedup = chain_frozen["micrograd"] / chain_frozen["chainrule"]
    kinds = results["memory"]["kinds"]
    over = [k for k, row in kinds.items() if row["chainrule"] > memory.TARGET and "sum" not in k]
    chain_bytes = sum(kinds[k]["chainrule"] for k in ("a * b", "a + 1.5 (a number folded in)",
                                                       "relu")) / 3
    lines = [f"- {what}: **{value:.2f}** ({common.met(ok)}; {other:.2f} with the collector as "
             "it runs)" for (what, value, ok), (_, other, _) in zip(found, running)]
    lines.append(f"- the chain >= 4x faster per node than micrograd: **{chain_speedup:.1f}x** "
                 f"({common.met(chain_speedup >= 4)}; "
                 f"{chain_running['micrograd'] / chain_running['chainrule']:.1f}x with the "
                 "collector as it runs)")
    lines.append(f"- <= {memory.TARGET} bytes per op node: the chain's nodes average "
                 f"**{chain_bytes:.0f}** ({common.met(chain_bytes <= memory.TARGET)}); over it: "
                 + (", ".join(over) if over else "none"))
    return f"""# Benchmarks: chainrule, compiled or not, against micrograd, PyTorch and JAX

Written by `{command}` in {seconds / 60:.1f} minutes.

| machine | |
|---|---|
{machine}

How it is measured: every engine in one process, interleaved (each round runs them in a rotated
order), on the same batches, with their parameters checked equal after every round. Headline
figures: the heap frozen once the engines are set up, so each engine pays for its own garbage
(each timed block of steps ends with its own `gc.collect()`), medians over blocks. torch and
jax run on the CPU, torch on one thread.

## Targets

{chr(10).join(lines)}

## Training steps (heap frozen)

{steps.markdown(demo)}
{steps.markdown(digits)}
## The chain and memory

{chain.markdown(results["chain, frozen"])}
{memory.markdown(results["memory"])}
![ms per training step and ns per chain node, every engine]({png})

## The same, with the collector as a program normally runs

Nothing frozen and no collection forced: Python's collector runs when its thresholds say, and
then rescans everything alive, torch's and jax's objects included. Means over the blocks.

{steps.markdown(results[f"{DEMO.name}, as it runs"])}
{steps.markdown(results[f"{DIGITS.name}, as it runs"])}
{chain.markdown(results["chain, as it runs"])}"""


def main() -> None:
    args = parse_args()
    for module in ("micrograd.engine", "torch", "jax", "matplotlib.pyplot"):
        __import__(module)
    common.prepare(freeze=False)
    start = time.perf_counter()
    results = measure(args.quick)
    seconds = time.perf_counter() - start
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    png = out / "speed.png"
    plot(results, png)
    try:
        shown = out.resolve().relative_to(common.ROOT)
    except ValueError:
        shown = out
    command = ("python benchmarks/run_all.py" + (" --quick" if args.quick else "")
               + ("" if out == DEFAULT_OUT else f" --out {shown}"))
    info = common.machine()
    text = report(results, info, command, seconds, png.name)
    (out / "latest.md").write_text(text)
    (out / "latest.json").write_text(json.dumps({"machine": info, "quick": args.quick,
                                                 **results}, indent=1) + "\n")
    print(text)
    print(f"wrote {out / 'latest.md'}, {out / 'latest.json'} and {png}")


if __name__ == "__main__":
    main()
