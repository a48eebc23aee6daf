"""Instructions per training step and per chain node, counted by valgrind's callgrind.

    python benchmarks/instructions.py [--steps K]        (needs valgrind)

On a shared machine wall-clock time drifts (by 2x, on the 2-core machines this project is built
on); the number of instructions a piece of Python runs does not. Each workload is run under
`valgrind --tool=callgrind` twice, once doing its work K times and once 0 times, so start-up and
imports cancel: the figure is (count(K) - count(0)) / K. The collector is disabled in the child,
so the counts are the engine's own work.

- train_step: micrograd's demo step (see demo_step.py) through `nn.train_step`, after 20 steps
  of training, on the next K batches.
- per sample: the same step written out as micrograd's demo writes it (`model(x)` per sample,
  `loss.backward()`).
- chain: build, backward and free a 20,000-node chain x <- relu(x * w + 0.1); per node.
"""

from __future__ import annotations

import argparse
import gc
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

CHAIN_NODES = 20_000
WARM_UP = 20
WORKLOADS = ("train_step", "per sample", "chain")


def child(workload: str, k: int) -> None:
    """The workload's work, k times, with the collector off."""
    import demo_step
    import engine

    from autograd import Value

    if workload == "chain":
        gc.disable()
        for _ in range(k):
            root, leaves = engine.build_chain(Value, CHAIN_NODES)
            root.backward()
            del root, leaves
        return
    samples, labels = demo_step.moons()
    init = demo_step.initial_parameters(demo_step.DEMO_WIDTH)
    make = demo_step.Chainrule if workload == "train_step" else demo_step.ChainruleBySample
    step = make(init).step
    rng = random.Random(0)
    batches = [rng.sample(range(len(samples)), demo_step.BATCH) for _ in range(WARM_UP + k)]
    gc.disable()
    for number, batch in enumerate(batches):
        step([samples[i] for i in batch], [labels[i] for i in batch],
             demo_step.learning_rate(number))


def count(workload: str, k: int) -> int:
    """Instructions callgrind counts for the whole child process."""
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
         str(Path(__file__).resolve()), "--child", workload, str(k)],
        capture_output=True, text=True, check=True,
    )
    found = re.search(r"Collected : (\d+)", result.stderr)
    if found is None:
        raise RuntimeError(f"callgrind printed no count for {workload!r}:\n{result.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10, help="K, the runs counted (default 10)")
    parser.add_argument("--child", nargs=2, metavar=("WORKLOAD", "K"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    if args.child:
        child(args.child[0], int(args.child[1]))
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed: apt-get install valgrind")
    import engine

    print("| workload | instructions | per |")
    print("|---|--:|---|")
    for workload in WORKLOADS:
        per = engine.op_nodes("chain", CHAIN_NODES) if workload == "chain" else 1
        each = (count(workload, args.steps) - count(workload, 0)) / (args.steps * per)
        unit = "op node (build, backward, free)" if workload == "chain" else "training step"
        print(f"| {workload} | {each:,.0f} | {unit} |", flush=True)


if __name__ == "__main__":
    main()
