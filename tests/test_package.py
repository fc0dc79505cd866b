"""The package's promises that hold before any feature is used."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import nbkeras


def _run(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_does_not_load_tensorflow_keras_or_plotly():
    heavy = ("tensorflow", "keras", "plotly", "ipywidgets")
    loaded = _run(
        "import sys, json, nbkeras, nbkeras.datasets, nbkeras.testing;"
        f"print(json.dumps({{m: m in sys.modules for m in {heavy!r}}}))"
    )
    assert loaded == {"tensorflow": False, "keras": False, "plotly": False, "ipywidgets": False}


def test_keras_loads_when_a_feature_first_needs_it():
    loaded = _run(
        "import sys, json, nbkeras; before = 'tensorflow' in sys.modules;"
        "nbkeras.activation_names(); print(json.dumps([before, 'tensorflow' in sys.modules]))"
    )
    assert loaded == [False, True]


def test_version_is_a_release_string():
    parts = nbkeras.__version__.split(".")
    assert len(parts) == 3 and all(p.isdigit() for p in parts)


def test_public_names_resolve_and_are_listed():
    for name in nbkeras.__all__:
        assert getattr(nbkeras, name) is not None
        assert name in dir(nbkeras)


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        nbkeras.nope  # noqa: B018
