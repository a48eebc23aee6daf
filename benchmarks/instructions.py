"""Instructions per training step and per chain node, counted by valgrind's callgrind.

    python benchmarks/instructions.py [--steps K] [--task demo|digits]    (needs valgrind)

On a shared machine wall-clock time drifts (by 2x and more, on the 2-core machines this project
is built on); the number of instructions a piece of work executes does not. Each workload runs
under `valgrind --tool=callgrind` twice, doing its work K times and 0 times, so start-up,
imports, set-up and the first (compiling) step cancel: the figure is (count(K) - count(0)) / K.
As in the timed benchmarks the heap is frozen after set-up and each step ends with its own
`gc.collect()`. Instructions are not time (an interpreter executes fewer per cycle than tight
C++), but they are the same on every run, which makes small differences visible.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHAIN_NODES = 30_000
WORKLOADS = ("chainrule compiled", "chainrule", "plain Python (floor)", "torch vectorized",
             "chain")


def child(workload: str, task_name: str, k: int) -> None:
    """The workload's work, k times, after its set-up."""
    import tasks

    if workload == "chain":
        import chain

        leaf = chain.leaf_maker("chainrule")
        gc.collect()
        gc.freeze()
        for _ in range(k):
            end, _, _ = chain.build(leaf, CHAIN_NODES)
            end.backward()
            del end
            gc.collect()
        return
    from engines import ENGINES

    task = tasks.DIGITS if task_name == "digits" else tasks.DEMO
    engine = ENGINES[workload](task, tasks.initial_parameters(task))
    drawn = tasks.batches(task, k + 1)
    engine.step(drawn[0])
    gc.collect()
    gc.freeze()
    for batch in drawn[1:]:
        engine.step(batch)
        gc.collect()


def count(workload: str, task: str, k: int) -> int:
    """Instructions callgrind counts for the whole child process."""
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
         str(Path(__file__).resolve()), "--child", workload, task, str(k)],
        capture_output=True, text=True, check=True,
    )
    found = re.search(r"Collected : (\d+)", result.stderr)
    if found is None:
        raise RuntimeError(f"callgrind printed no count for {workload!r}:\n{result.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=5, help="K, the steps counted (default 5)")
    parser.add_argument("--task", choices=("demo", "digits"), default="demo")
    parser.add_argument("--only", choices=WORKLOADS, help="count one workload only")
    parser.add_argument("--child", nargs=3, metavar=("WORKLOAD", "TASK", "K"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parent))
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed: apt-get install valgrind")
    print(f"| workload ({args.task} task) | instructions | per |")
    print("|---|--:|---|")
    for workload in [args.only] if args.only else WORKLOADS:
        if workload == "torch vectorized" and importlib.util.find_spec("torch") is None:
            print(f"| {workload} | torch is not installed in {sys.executable} (`make bench` "
                  "installs it in .venv) | |", flush=True)
            continue
        each = (count(workload, args.task, args.steps) - count(workload, args.task, 0))
        if workload == "chain":
            each /= args.steps * 3 * (CHAIN_NODES // 3)
            unit = "op node of the chain (build, backward, free)"
        else:
            each /= args.steps
            unit = "training step"
        print(f"| {workload} | {each:,.0f} | {unit} |", flush=True)


if __name__ == "__main__":
    main()
