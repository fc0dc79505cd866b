"""The builder's docstring examples run and say what they show."""

from __future__ import annotations

import doctest
import importlib
import sys
import types

import pytest

MODULES = [
    "",
    ".catalog",
    ".errors",
    ".spec",
    ".check",
    ".build",
    ".code",
    ".templates",
    ".compile_advice",
    ".from_model",
    ".layers",
    ".compile_settings",
    ".values",
    ".widget",
]


@pytest.mark.parametrize("suffix", MODULES)
def test_docstring_examples(suffix):
    module = importlib.import_module("nbkeras.builder" + suffix)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0 or suffix == ""


def test_model_builder_is_imported_only_when_asked_for(monkeypatch):
    import nbkeras.builder as builder

    vars(builder).pop("ModelBuilder", None)  # as if never asked for in this process
    fake = types.ModuleType("nbkeras.builder.widget")
    fake.ModelBuilder = type("ModelBuilder", (), {})
    monkeypatch.setitem(sys.modules, "nbkeras.builder.widget", fake)
    try:
        assert builder.ModelBuilder is fake.ModelBuilder
    finally:
        vars(builder).pop("ModelBuilder", None)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        builder.nope  # noqa: B018
