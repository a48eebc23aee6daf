"""The benchmarks still drive the engine: their engines agree step by step on a few batches.

The timings are `make bench`'s; this only keeps the benchmark code from breaking unnoticed when
the engine changes (it once drove APIs that no longer existed). Engines whose library is not
installed are left out.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import chain
import memory
import tasks
from engines import ENGINES, available


@pytest.mark.parametrize("task", tasks.TASKS, ids=[task.name for task in tasks.TASKS])
def test_every_installed_engine_takes_the_same_steps(task: tasks.Task) -> None:
    init = tasks.initial_parameters(task)
    missing = available()
    engines = [make(task, init) for name, make in ENGINES.items()
               if name not in missing and name not in ("micrograd", "torch 0-d", "jax.jit")]
    assert len(engines) >= 3  # chainrule, compiled and the plain-Python floor at least
    for batch in tasks.batches(task, 3):
        losses = [engine.step(batch) for engine in engines]
        assert losses == pytest.approx([losses[0]] * len(losses), rel=1e-12)
    reference = engines[0].parameters()
    assert len(reference) == task.parameter_count
    for engine in engines[1:]:
        assert engine.parameters() == pytest.approx(reference, rel=1e-12, abs=1e-14), engine.name


def test_the_chain_and_the_memory_table_run() -> None:
    end, x0, w = chain.build(chain.leaf_maker("chainrule"), 300)
    end.backward()
    assert end.data == pytest.approx(1.0 + 0.1 * 100) and w.grad == pytest.approx(sum(
        1.0 + 0.1 * k for k in range(100)))
    assert x0.grad == 1.0
    kinds = memory.kinds()
    assert {"a * b", "relu", "sigmoid", "weighted_sum of 16 (= 32 nodes unfused)"} <= set(kinds)


def test_the_digits_benchmark_runs_eager_and_compiled_alike() -> None:
    pytest.importorskip("sklearn", reason="the digits ship with scikit-learn")
    import digits

    (_, eager, _), _ = digits.chainrule_runs(seeds=1, epochs=1)
    (_, compiled, _), _ = digits.chainrule_runs(seeds=1, epochs=1, compile=True)
    assert eager == compiled and 0.2 < eager[0] <= 1.0  # one epoch: better than chance (0.1)
