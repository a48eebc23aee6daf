"""What every benchmark shares: the timing protocol, medians, memory probes and machine facts.

The protocol, the same for every engine and every workload:

- All engines run in one process, interleaved: repetition r runs them in an order rotated by r, so
  drift on the machine (other jobs, turbo, caches) lands on all of them alike.
- Each timed run includes its own `gc.collect()` after its graph is freed. An engine whose graphs
  are reference cycles (micrograd's closures) pays for the cycle collector it needs; one freed by
  reference counting pays only for a collection that finds nothing.
- Before timing, `gc.freeze()` moves every object that already exists (torch, matplotlib, the
  benchmark's own modules, the models' parameters) to the permanent generation, so no engine is
  charged for the collector re-scanning other libraries' objects. `--no-freeze` turns this off.
- Figures are medians over the repetitions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

Phases = dict[str, float]

# micrograd's topological sort is recursive: one Python frame per node of a chain.
RECURSION_LIMIT = 10_000_000


def parse_args(description: str, argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The flags every benchmark script takes."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="fewer sizes and repetitions (~1 min)")
    parser.add_argument(
        "--no-freeze",
        action="store_true",
        help="do not gc.freeze() the objects that exist before timing (torch's included)",
    )
    return parser.parse_args(argv)


def prepare(freeze: bool) -> None:
    """Raise micrograd's recursion limit, pin torch to one thread, and freeze the heap so far."""
    sys.setrecursionlimit(RECURSION_LIMIT)
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass
    gc.collect()
    if freeze:
        gc.freeze()


def timed(run: Callable[[], Any]) -> float:
    """Seconds for `run()` plus the `gc.collect()` that frees what it left behind."""
    t0 = time.perf_counter()
    run()
    gc.collect()
    return time.perf_counter() - t0


def time_graph(build: Callable[[], Any], backward: Callable[[Any], None]) -> Phases:
    """Build a graph, backpropagate, free it and collect: seconds for each phase and in total."""
    gc.collect()
    t0 = time.perf_counter()
    graph = build()
    t1 = time.perf_counter()
    backward(graph)
    t2 = time.perf_counter()
    del graph
    t3 = time.perf_counter()
    gc.collect()
    t4 = time.perf_counter()
    return {"build": t1 - t0, "backward": t2 - t1, "free": t3 - t2, "gc": t4 - t3, "total": t4 - t0}


def interleaved(tasks: dict[str, Callable[[], Phases]], reps: int) -> dict[str, Phases]:
    """Run every task `reps` times, rotating the order each repetition; median of each phase."""
    names = list(tasks)
    samples: dict[str, list[Phases]] = {name: [] for name in names}
    for r in range(reps):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            samples[name].append(tasks[name]())
    return {name: median_phases(runs) for name, runs in samples.items()}


def median_phases(runs: list[Phases]) -> Phases:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def rss_bytes() -> int:
    """Resident set size of this process, from /proc/self/statm."""
    with open("/proc/self/statm") as f:
        resident_pages = int(f.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE")


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, str]:
    """The facts a reader needs to weigh the figures."""
    try:
        import torch

        torch_version = torch.__version__
    except ImportError:
        torch_version = "not installed"
    try:
        from importlib.metadata import version

        micrograd_version = version("micrograd")
    except Exception:
        micrograd_version = "not installed"
    return {
        "chainrule source": source_state(),
        "cpu": f"{cpu_model()} ({os.cpu_count()} logical CPUs)",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "torch": torch_version,
        "micrograd": micrograd_version,
        "os": f"{platform.system()} {platform.release()}",
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def source_state() -> str:
    """The commit the engine was measured at, and whether autograd/ or nn/ differed from it."""
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, check=True,
                                capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "autograd", "nn"],
                               cwd=root, check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"commit {commit}" + (" + uncommitted changes in autograd/ or nn/" if dirty else "")


def ratio(slow: float, fast: float) -> str:
    return f"{slow / fast:.1f}x" if fast > 0 else "n/a"
