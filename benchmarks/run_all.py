"""Run every benchmark, then write the Markdown table, the JSON figures and the scaling plot.

    python benchmarks/run_all.py                    # full run, ~6 min: out/bench/latest.md, ...
    python benchmarks/run_all.py --quick            # ~1.5 min, fewer sizes and steps
    python benchmarks/run_all.py --out docs/bench   # the figures the README shows, to commit

`make bench` runs the full version. It writes into out/bench, which git ignores, so measuring
never changes a tracked file; the published figures in docs/bench change only when someone
chooses to write them there and commit them. The figures depend on the machine; the table says
which.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import common
import demo_step
import engine
import profile_engine

ROOT = Path(__file__).resolve().parent.parent


DEFAULT_OUT = ROOT / "out" / "bench"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer sizes and steps (~1.5 min)")
    parser.add_argument("--no-freeze", action="store_true",
                        help="do not gc.freeze() the objects that exist before timing")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="where to write (default out/bench, ignored by git; "
                        "--out docs/bench for the figures the README shows)")
    return parser.parse_args(argv)


def plot(engine_results: dict[str, Any], demo_results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = {"chainrule": "tab:blue", "micrograd": "tab:orange", "torch 0-d": "tab:red",
               "torch vectorized": "tab:gray", "chainrule, per sample": "tab:cyan",
               "micrograd, gc paused": "tab:brown"}
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    scaling = engine_results["scaling"]
    nodes = scaling["nodes"]
    for name in engine.ENGINES:
        left.plot(nodes, scaling[name], "o-", color=colours[name], label=name)
    reference = scaling["chainrule"][0] / nodes[0]
    left.plot(nodes, [reference * n for n in nodes], ":", color="black", linewidth=1,
              label="linear (through chainrule's first point)")
    left.set(xscale="log", yscale="log", xlabel="op nodes in the chain",
             ylabel="seconds: build + backward + free + gc.collect",
             title="Deep chain x <- relu(x*w + 0.1)")
    left.set_xticks(nodes, [f"{n / 1000:,.0f}k" for n in nodes])
    left.minorticks_off()
    left.grid(True, which="major", alpha=0.3)
    left.legend(fontsize=8)

    widths = [entry["width"] for entry in demo_results["widths"]]
    for name in demo_step.ENGINES:
        ms = [entry["ms"][name] for entry in demo_results["widths"]]
        right.plot(widths, ms, "o-", color=colours[name], label=name)
    right.set(xscale="log", yscale="log", xlabel="hidden width w of MLP(2, [w, w, 1])",
              ylabel="ms per training step (batch 32)", title="micrograd's demo step")
    right.set_xticks(widths, [str(w) for w in widths])
    right.minorticks_off()
    right.grid(True, which="major", alpha=0.3)
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def report(info: dict[str, str], args: argparse.Namespace, seconds: float,
           engine_md: str, demo_md: str, profile_md: str, png: str) -> str:
    command = "python benchmarks/run_all.py" + (" --quick" if args.quick else "") + (
        " --no-freeze" if args.no_freeze else "") + (
        "" if args.out == DEFAULT_OUT else f" --out {_shown(args.out)}")
    machine = "\n".join(f"| {key} | {value} |" for key, value in info.items())
    return f"""# Benchmarks: chainrule against micrograd and PyTorch

Written by `{command}` in {seconds / 60:.1f} minutes{
    " (a --quick run: fewer sizes and steps)" if args.quick else ""}.

| machine | |
|---|---|
{machine}

How it is measured: all engines in one process, interleaved (the order rotates every repetition),
each run paying for its own `gc.collect()` after its graph is freed; medians. Objects that exist
before timing starts (torch, matplotlib, the modules) are {
    "left in the collector's generations (--no-freeze)" if args.no_freeze else
    "moved out of the collector's sight with `gc.freeze()`, so no engine pays for rescanning them"}.
torch runs on one thread. Gradients and parameters are checked to agree between engines.

## micrograd's demo step

{demo_md}
## Engine: build, backward and free one graph

{engine_md}
![time against graph size and against MLP width]({png})

## Where chainrule's time goes

{profile_md}
"""


def _shown(path: Path) -> str:
    """`path` relative to the checkout when it is inside it, for the report's command line."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def main() -> None:
    args = parse_args()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    import micrograd.nn  # noqa: F401 - imported before the heap is frozen
    import torch  # noqa: F401

    import nn.layers  # noqa: F401

    common.prepare(freeze=not args.no_freeze)
    start = time.perf_counter()
    demo_results = demo_step.run(args.quick)
    engine_results = engine.run(args.quick)
    print("[profile] chainrule phases ...", flush=True)
    profile_md = profile_engine.run(args.quick)
    seconds = time.perf_counter() - start

    info = common.machine()
    png = out / "scaling.png"
    plot(engine_results, demo_results, png)
    text = report(info, args, seconds, engine.markdown(engine_results),
                  demo_step.markdown(demo_results), profile_md, png.name)
    (out / "latest.md").write_text(text)
    (out / "latest.json").write_text(json.dumps(
        {"machine": info, "quick": args.quick, "freeze": not args.no_freeze,
         "engine": engine_results, "demo": demo_results}, indent=1) + "\n")
    print(text)
    print(f"wrote {out / 'latest.md'}, {out / 'latest.json'} and {png}")


if __name__ == "__main__":
    main()
