"""Shared test helpers: the PyTorch oracle, graphviz's `dot` and a headless browser, which may be
missing.

A newcomer's `make test` without torch (or dot, or chromium) skips those tests with a visible
reason. CI sets CHAINRULE_REQUIRE_TORCH=1, CHAINRULE_REQUIRE_DOT=1 and CHAINRULE_REQUIRE_BROWSER=1,
and then a missing one is a failure.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
from collections.abc import Callable, Iterator
from types import ModuleType

import pytest


def require_torch() -> ModuleType:
    """The torch module, or skip (fail when CHAINRULE_REQUIRE_TORCH=1)."""
    try:
        import torch
    except ImportError:
        reason = (
            f"PyTorch is not installed: `{sys.executable} -m pip install torch==2.13.0` to run "
            "the oracle (the CPU build: add --index-url https://download.pytorch.org/whl/cpu)"
        )
        if os.environ.get("CHAINRULE_REQUIRE_TORCH") == "1":
            pytest.fail(f"CHAINRULE_REQUIRE_TORCH=1 but {reason}")
        pytest.skip(reason)
    torch.set_default_dtype(torch.float64)
    return torch


def require_dot() -> str:
    """The path of graphviz's `dot` program, or skip (fail when CHAINRULE_REQUIRE_DOT=1)."""
    path = shutil.which("dot")
    if path is None:
        reason = (
            "graphviz's `dot` is not installed: apt-get install graphviz (or brew install graphviz)"
        )
        if os.environ.get("CHAINRULE_REQUIRE_DOT") == "1":
            pytest.fail(f"CHAINRULE_REQUIRE_DOT=1 but {reason}")
        pytest.skip(reason)
    return path


def require_browser() -> tuple[str, str]:
    """Debian's chromium and chromedriver, and selenium to drive them; or skip (fail when
    CHAINRULE_REQUIRE_BROWSER=1)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    found = (("chromium", chromium), ("chromedriver", driver))
    missing = [name for name, path in found if not path]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package")
    if missing:
        reason = (f"no headless browser to test pages in ({', '.join(missing)} missing): "
                  "apt-get install chromium chromium-driver; pip install selenium")
        if os.environ.get("CHAINRULE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"CHAINRULE_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    assert chromium is not None and driver is not None
    return chromium, driver


@pytest.fixture
def torch() -> ModuleType:
    """PyTorch in float64, or a skip with the reason."""
    return require_torch()


@pytest.fixture
def dot() -> str:
    """The path of `dot`, or a skip with the reason."""
    return require_dot()


@pytest.fixture
def ctrl_c_raises() -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt, as in a terminal (a background job or a CI runner may
    have started the tests with SIGINT ignored)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    """Set the process's umask for one test; the old one comes back afterwards."""
    old = os.umask(0o022)
    yield os.umask
    os.umask(old)
