"""The skip message a newcomer sees without PyTorch says how to install it for these tests."""

from __future__ import annotations

import sys

import pytest

from tests.conftest import require_torch


def test_the_torch_skip_names_the_interpreter_running_the_tests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now raises ImportError
    monkeypatch.delenv("CHAINRULE_REQUIRE_TORCH", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        require_torch()
    assert f"{sys.executable} -m pip install torch==2.13.0" in str(skipped.value)


def test_ci_fails_instead_of_skipping(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)
    monkeypatch.setenv("CHAINRULE_REQUIRE_TORCH", "1")
    with pytest.raises(pytest.fail.Exception, match="CHAINRULE_REQUIRE_TORCH=1 but PyTorch"):
        require_torch()
