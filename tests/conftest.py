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

