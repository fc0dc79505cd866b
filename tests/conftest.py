"""Shared fixtures. Browser fixtures live in tests/browser/conftest.py."""

from __future__ import annotations

import os

# Silence TensorFlow's start-up lines in every process the tests start (both are needed).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import pytest

from nbkeras.testing import CommRecorder


@pytest.fixture
def wire():
    """Record every comm message widgets send during the test (see nbkeras.testing)."""
    with CommRecorder() as recorder:
        yield recorder


class RecordedOutput:
    """One output a widget was displayed in: its first bundle and every later update."""

    def __init__(self, data):
        self.data = data
        self.updates: list[dict] = []

    def update(self, data, metadata=None, raw=False):  # what IPython's DisplayHandle offers
        self.updates.append(data)


class Outputs(list):
    """The outputs displayed during a test (see the ``outputs`` fixture)."""


@pytest.fixture
def outputs(monkeypatch):
    """Record what ``IPython.display.display`` would put in the notebook, with display-id updates.

    A widget passed to ``display`` displays itself, as in IPython. Pictures redraw 0.05 s
    after their traits settle (instead of 1.5 s).
    """
    import IPython.display

    from nbkeras.widgets.base import NbKerasWidget

    shown = Outputs()

    def display(obj, **kwargs):
        if hasattr(obj, "_ipython_display_"):
            return obj._ipython_display_()
        shown.append(RecordedOutput(obj))
        return shown[-1]

    monkeypatch.setattr(IPython.display, "display", display)
    monkeypatch.setattr(NbKerasWidget, "PICTURE_SETTLE_SECONDS", 0.05)
    return shown
