"""The prebuilt lab extension as pip installs it, and the Python it relies on.

The browser side (launcher cards, palette, menu) is in ``tests/browser/test_lab_extension.py``.
Here: the wheel puts the extension and the config that enables its server extension where
Jupyter looks (``jupyter labextension list`` finds it enabled), ships all ten course
notebooks, the committed build is the one its sources describe, the course endpoint hands
out exactly the course, and the code of every launcher card and insert command runs.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import nbkeras
from nbkeras.lab.handlers import course_notebooks

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "labextension"
BUILT = REPO / "nbkeras" / "labextension"
COURSE = sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb"))
SNIPPETS = json.loads((SOURCE / "src" / "snippets.json").read_text())


def test_the_course_has_its_ten_notebooks_starting_with_the_tour():
    assert len(COURSE) >= 10 and COURSE[0] == "00_tour.ipynb", COURSE  # a new chapter ships too


def test_committed_build_is_this_package_version_and_loads_its_entry():
    built = json.loads((BUILT / "package.json").read_text())
    source = json.loads((SOURCE / "package.json").read_text())
    assert built["name"] == source["name"] == "nbkeras"
    assert built["version"] == source["version"] == nbkeras.__version__
    entry = BUILT / built["jupyterlab"]["_build"]["load"]
    assert entry.is_file() and entry.name.startswith("remoteEntry."), entry
    # Every JupyterLab/Lumino package comes from the running Lab (one copy of its singletons), never bundled.
    shared = built["jupyterlab"]["sharedPackages"]
    assert set(shared) == set(source["dependencies"])
    assert all(
        spec == {"bundled": False, "singleton": True, "requiredVersion": source["dependencies"][name]}
        for name, spec in shared.items()
    ), shared


def test_extension_fetches_nothing_from_outside_and_writes_no_html():
    for path in sorted((BUILT / "static").glob("*.js")):
        urls = set(re.findall(r"https?://[^\s\"'`)]+", path.read_text()))
        assert urls <= {"http://www.w3.org/2000/svg"}, f"{path.name} names {urls}"
    for path in sorted((SOURCE / "src").glob("*.js")):
        text = path.read_text()
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|dangerouslySetInnerHTML", text), path.name


def test_course_endpoint_hands_out_the_course_in_order():
    served = course_notebooks()
    assert [n["name"] for n in served] == COURSE
    for notebook in served:
        assert notebook["content"] == json.loads((REPO / "notebooks" / notebook["name"]).read_text())


def test_server_extension_loads_no_tensorflow():
    code = (
        "import sys, nbkeras.lab, nbkeras.lab.handlers as h\n"
        "assert nbkeras.lab._jupyter_server_extension_points() == [{'module': 'nbkeras.lab'}]\n"
        "heavy = sorted(m for m in ('tensorflow', 'keras', 'plotly', 'ipywidgets') if m in sys.modules)\n"
        "print(heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def _section(listing: str, directory: Path) -> str:
    """The lines ``jupyter labextension list`` prints under ``directory`` (up to the next folder)."""
    lines = listing.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == str(directory))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip().startswith("/")), len(lines))
    return "\n".join(lines[start + 1 : end])


@pytest.mark.slow
def test_wheel_installs_the_prebuilt_extension_enabled_and_the_course(tmp_path):
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
            str(tmp_path / "dist"),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    (wheel,) = (tmp_path / "dist").glob("nbkeras-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    data = "nbkeras-0.1.0.data/data/"
    built = sorted(str(p.relative_to(BUILT)) for p in BUILT.rglob("*") if p.is_file())
    for name in built:
        assert f"{data}share/jupyter/labextensions/nbkeras/{name}" in names, name
    assert f"{data}etc/jupyter/jupyter_server_config.d/nbkeras.json" in names
    assert sorted(n.rsplit("/", 1)[1] for n in names if n.startswith("nbkeras/notebooks/")) == COURSE

    # Installed as pip installs it (into a prefix of its own), Jupyter finds it enabled.
    # --ignore-installed: otherwise pip first uninstalls the nbkeras this test runs from.
    prefix = tmp_path / "prefix"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "--ignore-installed",
            "-q",
            "--prefix",
            str(prefix),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    labextensions = prefix / "share" / "jupyter" / "labextensions"
    assert (labextensions / "nbkeras" / "package.json").read_bytes() == (BUILT / "package.json").read_bytes()
    config = json.loads((prefix / "etc" / "jupyter" / "jupyter_server_config.d" / "nbkeras.json").read_text())
    assert config == {"ServerApp": {"jpserver_extensions": {"nbkeras.lab": True}}}

    site = sysconfig.get_path("purelib", vars={"base": str(prefix), "platbase": str(prefix)})
    env = {
        **os.environ,
        "JUPYTER_PATH": str(prefix / "share" / "jupyter"),
        "PYTHONPATH": site,
        "JUPYTER_CONFIG_PATH": str(prefix / "etc" / "jupyter"),
        "NO_COLOR": "1",
    }
    listing = subprocess.run(
        [sys.executable, "-m", "jupyter", "labextension", "list"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=True,
    )
    section = re.sub(r"\x1b\[[0-9;]*m", "", _section(listing.stdout + listing.stderr, labextensions))
    assert re.search(rf"nbkeras v{re.escape(nbkeras.__version__)} enabled\s+OK", section), section
    servers = subprocess.run(
        [sys.executable, "-m", "jupyter", "server", "extension", "list"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=True,
    )
    text = re.sub(r"\x1b\[[0-9;]*m", "", servers.stdout + servers.stderr)
    assert re.search(r"nbkeras\.lab\s+OK", text), text


@pytest.mark.slow
def test_every_card_and_insert_command_code_runs_in_a_kernel():
    """The explorer, the builder and the training template, as a user's kernel runs them (offline)."""
    checks = (
        "assert list(explorer.activations) == ['sigmoid', 'tanh', 'relu', 'leaky_relu'], explorer.activations\n"
        "assert builder.check().ok, builder.check().summary_text()\n"
        "run.wait()\n"
        "assert run.state == 'finished', run.state\n"
        "assert len(run.history['loss']) == 40 and run.history['val_accuracy'][-1] >= 0.9, run.history\n"
        "print('checked')"
    )
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(s["code"]) for s in SNIPPETS.values()]
    notebook.cells.append(nbformat.v4.new_code_cell(checks))
    NotebookClient(notebook, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(REPO)}}).execute()
    outputs = notebook.cells[-1].outputs
    assert [o.get("text", "").strip() for o in outputs if o.output_type == "stream"] == ["checked"], outputs
