"""The wheel installs without Node.js: it carries the built bundles and the tour."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_carries_every_bundle_and_the_tour(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(REPO),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("nbkeras-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = sorted(p.name for p in (REPO / "js" / "src").iterdir() if p.suffix in (".js", ".css"))
    assert sources, "js/src has entry modules"
    for name in sources:
        assert f"nbkeras/static/{name}" in names, f"{name} is not in the wheel"
    assert "nbkeras/notebooks/00_tour.ipynb" in names  # what `nbkeras demo` opens
    assert not any(n.startswith(("js/", "tests/", "notebooks/")) for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "nbkeras = nbkeras.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
