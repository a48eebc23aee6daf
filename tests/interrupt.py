"""Ctrl-C at the worst moment: a parameter that interrupts the process as its value is written."""

from __future__ import annotations

import signal

from autograd import Value


class Tripwire(Value):
    """A parameter that sends Ctrl-C to the process the moment its new value is written."""

    __slots__ = ()
    armed = False

    def __setattr__(self, name: str, value: object) -> None:
        if name == "data" and Tripwire.armed:
            Tripwire.armed = False
            signal.raise_signal(signal.SIGINT)
        super().__setattr__(name, value)
