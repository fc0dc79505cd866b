"""The pure front-end helpers (js/src/lib/*.js) under Node's own test runner.

They run in the browser tests too, but only as part of a whole view; here each is held to
its values (``js/tests/*.test.mjs``). Node ships with the development and CI machines
(``.ci/run`` needs it to check the bundles); without it these tests skip.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

JS = Path(__file__).resolve().parents[1] / "js"
TESTS = sorted((JS / "tests").glob("*.test.mjs"))


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.parametrize("path", TESTS, ids=[p.name for p in TESTS])
def test_js_unit(path: Path) -> None:
    done = subprocess.run(["node", "--test", str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
