"""The inspect core's docstring examples run and say what they show; every public name is documented."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["", ".errors", ".layers", ".embeddings", ".surface", ".lr_finder"]


@pytest.mark.parametrize("suffix", MODULES)
def test_docstring_examples(suffix):
    module = importlib.import_module("nbkeras.inspect" + suffix)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_public_functions_document_args_returns_and_an_example():
    import nbkeras.inspect as inspect_core

    for name in inspect_core.__all__:
        value = getattr(inspect_core, name)
        doc = value.__doc__ or ""
        assert doc.strip(), name
        if callable(value) and not isinstance(value, type):
            for section in ("Args:", "Returns:", "Example:"):
                assert section in doc, f"{name} lacks {section}"


def test_public_names_reach_the_top_level_lazily():
    import nbkeras

    for name in (
        "confusion_matrix",
        "top_losses",
        "feature_maps",
        "grad_cam",
        "embedding_projection",
        "decision_surface",
        "lr_find",
    ):
        assert getattr(nbkeras, name) is getattr(importlib.import_module("nbkeras.inspect"), name)
        assert name in dir(nbkeras)
