"""nbkeras/_keras.py, the one door to TensorFlow: its C++ start-up lines stay out of the learner's way.

Each test runs a fresh interpreter: TensorFlow prints them once per process, on its import.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# TensorFlow's native start-up lines (absl / glog, written to fd 2 before TF reads its log level).
NATIVE = (
    "absl::InitializeLog",
    "Could not find cuda drivers",
    "cuInit",
    "oneDNN custom operations",
    "cpu_feature_guard",
)

# A Python warning (and a line to sys.stderr) raised while the door imports Keras.
_WARN_DURING_IMPORT = """
import builtins, sys, warnings
real_import = builtins.__import__
def noisy_import(name, *args, **kwargs):
    if name == "keras" and "keras" not in sys.modules:
        warnings.warn("a warning raised during the import")
        print("a line printed to stderr during the import", file=sys.stderr)
    return real_import(name, *args, **kwargs)
builtins.__import__ = noisy_import
import os, nbkeras._keras
tf = nbkeras._keras.tf()
print("ONEDNN", os.environ.get("TF_ENABLE_ONEDNN_OPTS"), "LEVEL", os.environ.get("TF_CPP_MIN_LOG_LEVEL"), tf.__name__)
"""


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS")}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env={**environ, **env}
    )


def test_tensorflow_native_lines_are_silenced_but_python_warnings_still_show():
    result = _run(_WARN_DURING_IMPORT)
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if any(n in line for n in NATIVE)] == [], result.stderr
    assert "UserWarning: a warning raised during the import" in result.stderr
    assert "a line printed to stderr during the import" in result.stderr
    # numerics untouched: oneDNN stays as TensorFlow chose
    assert "ONEDNN None LEVEL 3 tensorflow" in result.stdout


def test_a_log_level_the_user_set_is_respected():
    result = _run(_WARN_DURING_IMPORT, TF_CPP_MIN_LOG_LEVEL="0")
    assert result.returncode == 0, result.stderr
    assert any(n in result.stderr for n in NATIVE), result.stderr  # shown, as the user asked
    assert "UserWarning: a warning raised during the import" in result.stderr
    assert "ONEDNN None LEVEL 0 tensorflow" in result.stdout


def test_an_error_during_the_import_still_shows():
    code = _WARN_DURING_IMPORT.replace(
        'warnings.warn("a warning raised during the import")', 'raise ImportError("keras is broken here")'
    )
    result = _run(code)
    assert result.returncode == 1
    assert "ImportError: keras is broken here" in result.stderr


@pytest.mark.parametrize(
    "noise",
    [  # all below TF_CPP_MIN_LOG_LEVEL=3
        b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n",
        b"I0000 00:00:1796614786.296661   21654 port.cc:153] oneDNN custom operations are on.\n",
        b"E0000 00:00:1796614792.329127   21654 cuda_platform.cc:52] failed call to cuInit: INTERNAL\n",
        b"2024-01-02 03:04:05.678901: I tensorflow/core/util/port.cc:113] oneDNN custom operations are on.\n",
    ],
)
def test_only_native_log_lines_are_dropped(noise):
    from nbkeras._keras import _keep_stderr

    kept = b"a Python line\nW0000 is not a log line\nTraceback (most recent call last):\n"
    assert _keep_stderr(noise + kept + noise + b"last line, no newline") == kept + b"last line, no newline"
    fatal = b"F0000 00:00:1.0 1 x.cc:1] Check failed: a fatal native error\n"
    assert _keep_stderr(fatal) == fatal


def test_native_lines_obey_the_level_whoever_set_it():
    from nbkeras._keras import _keep_stderr

    lines = [
        b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n",
        b"I0000 00:00:1.5   7 port.cc:153] info\n",
        b"W0000 00:00:1.5   7 port.cc:153] warning\n",
        b"E0000 00:00:1.5   7 cuda_platform.cc:52] failed call to cuInit\n",
        b"python line\n",
    ]
    everything = b"".join(lines)
    assert _keep_stderr(everything, 0) == everything
    assert _keep_stderr(everything, 1) == b"".join([lines[0], *lines[2:]])
    assert _keep_stderr(everything, 2) == b"".join(lines[3:])
    assert _keep_stderr(everything, 3) == _keep_stderr(everything, 9) == lines[-1]


def test_the_first_cell_of_a_kernel_shows_no_native_lines():
    """What the learner sees: the stderr stream of the cell that first imports TensorFlow."""
    from jupyter_client.manager import start_new_kernel

    environ = {k: v for k, v in os.environ.items() if k not in ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS")}
    km, kc = start_new_kernel(kernel_name="python3", env=environ)
    try:
        streams: list[tuple[str, str]] = []
        code = "import warnings, nbkeras._keras\nwarnings.warn('still shown')\nprint(nbkeras._keras.tf().__name__)"
        reply = kc.execute_interactive(
            code,
            timeout=240,
            output_hook=lambda m: (
                m["msg_type"] == "stream" and streams.append((m["content"]["name"], m["content"]["text"]))
            ),
        )
        assert reply["content"]["status"] == "ok"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    stderr = "".join(t for n, t in streams if n == "stderr")
    assert "tensorflow" in "".join(t for n, t in streams if n == "stdout")
    assert not any(n in stderr for n in NATIVE), stderr
    assert "still shown" in stderr
