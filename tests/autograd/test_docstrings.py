"""The examples in the engine's docstrings run and print what they say."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

import autograd.functional
import autograd.value


@pytest.mark.parametrize("module", [autograd.value, autograd.functional], ids=lambda m: m.__name__)
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
