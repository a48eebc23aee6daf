"""A speed-up, kept apart from the chain rule: Python's cyclic garbage collector paused while the
topological order is searched.

The search makes an iterator per node, and every few hundred new objects Python's collector scans
for reference cycles, now and then through everything alive, the whole graph included. A graph
has no cycles for it to find (a node holds its parents and some numbers, never a closure), so
those scans are pure cost: on a 200,000-node chain they took a third of `backward()`. The search
gives the same order with the collector on or off; `tests/autograd/test_backward.py` checks that
the collector is left as it was.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# The collector is one per process: a pause in one thread is a pause in all. So pauses are
# counted, the first one turns it off and the last one puts it back as the first one found it.
_lock = threading.Lock()
_pauses = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a block, then as it was (on, or off if it was off),
    however many threads pause it at once."""
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()


__all__ = ["collector_paused"]
