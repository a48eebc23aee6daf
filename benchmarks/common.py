"""What every benchmark shares: the timing protocol, statistics, and the facts of the machine.

The protocol, the same for every engine and workload:

- All engines run in one process, interleaved: round r runs them in an order rotated by r, so
  drift on the machine (other jobs, turbo, caches) lands on all of them alike.
- Headline figures freeze the heap first: `gc.freeze()` moves every object that exists before
  timing (torch, jax, matplotlib, the modules, the models) out of the collector's sight, and each
  timed block of work ends with its own `gc.collect()`. So every engine pays for its own garbage
  (micrograd's graphs are reference cycles only the collector frees) and for nothing else's.
  Medians over the blocks.
- The same figures are also taken as a program normally runs: nothing frozen, no collection
  forced, Python's collector running when its thresholds say (it then rescans everything alive,
  the other libraries included). Means over the blocks, since the collector's passes land on
  a few of them.
"""

from __future__ import annotations

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

# micrograd's topological sort recurses once per node of a chain.
RECURSION_LIMIT = 10_000_000
ROOT = Path(__file__).resolve().parent.parent


def prepare(freeze: bool) -> None:
    """Raise micrograd's recursion limit, pin torch to one thread, freeze the heap so far."""
    sys.setrecursionlimit(RECURSION_LIMIT)
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass
    gc.collect()
    if freeze:
        gc.freeze()


def timed(work: Callable[[], Any], collect: bool) -> float:
    """Seconds for `work()`, and for the `gc.collect()` after it when `collect`."""
    t0 = time.perf_counter()
    work()
    if collect:
        gc.collect()
    return time.perf_counter() - t0


def rotated(names: Sequence[str], r: int) -> list[str]:
    """The names in the order of round r."""
    k = r % len(names)
    return [*names[k:], *names[:k]]


def summary(seconds: list[float], frozen: bool) -> float:
    """The figure of some timings: the median (frozen heap) or the mean (collector as it runs)."""
    return statistics.median(seconds) if frozen else statistics.fmean(seconds)


def quartiles(xs: list[float]) -> tuple[float, float]:
    """The 25th and 75th percentiles."""
    if len(xs) < 2:
        return xs[0], xs[0]
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return q[0], q[2]


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def version(package: str) -> str:
    try:
        from importlib.metadata import version as installed

        return installed(package)
    except Exception:
        return "not installed"


def machine() -> dict[str, str]:
    """The facts a reader needs to weigh the figures."""
    return {
        "chainrule source": source_state(),
        "cpu": f"{cpu_model()} ({os.cpu_count()} logical CPUs)",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "torch": version("torch"),
        "jax": version("jax"),
        "micrograd": version("micrograd"),
        "os": f"{platform.system()} {platform.release()}",
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def source_state() -> str:
    """The commit measured, and whether the tree differed from it (then the figures are not that
    commit's)."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True,
                                capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "autograd", "nn",
                                "benchmarks"], cwd=ROOT, check=True, capture_output=True,
                               text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"commit {commit}" + (" + uncommitted changes" if dirty else "")


def ratio(slow: float, fast: float) -> str:
    return f"{slow / fast:.1f}x" if fast > 0 else "n/a"


def met(ok: bool) -> str:
    return "met" if ok else "NOT met"


__all__ = ["ROOT", "machine", "met", "prepare", "quartiles", "ratio", "rotated", "summary",
           "timed"]
