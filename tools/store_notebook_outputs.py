"""Run the course notebooks and store the outputs a reader should see without running them.

    python tools/store_notebook_outputs.py                     # every notebook in notebooks/
    python tools/store_notebook_outputs.py notebooks/03_live_training.ipynb

Each notebook is executed top to bottom in a fresh kernel (cells marked ``# NBVAL_SKIP`` are
skipped and left without output, as nbval does), then written back with its outputs *minus*
what only a live kernel can show:

- no saved widget state (``metadata.widgets`` is dropped) and no widget-view outputs
  (``application/vnd.jupyter.widget-view+json``): without the kernel those models do not
  exist, and JupyterLab would show "model not found" instead of the fallback;
- what remains of a widget is its picture output (nbkeras/widgets/picture.py), alone: the
  final dashboard of a training run as SVG, a chart, the builder's summary table; a widget
  with nothing to picture keeps its one-line text;
- stderr streams (TensorFlow's machine-specific warnings) are dropped.

A notebook that ends up over ``MAX_BYTES`` is an error (the course keeps each under 1 MB).
``tests/test_course_outputs.py`` checks the stored notebooks keep to these rules.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from nbkeras.notebook_outputs import clean_outputs

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
MAX_BYTES = 1_000_000
SKIP_MARK = "# NBVAL_SKIP"


def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop widget state, widget views and stderr; keep static outputs (nbkeras share does the same)."""
    plain = json.loads(nbformat.writes(nb))
    clean_outputs(plain, drop_stderr=True)
    for cell in plain["cells"]:
        cell.get("metadata", {}).pop("execution", None)
    return nbformat.reads(json.dumps(plain), as_version=4)


def execute(path: Path, timeout: int) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}},
                            store_widget_state=False, record_timing=False)
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and not cell.source.lstrip().startswith(SKIP_MARK):
                client.execute_cell(cell, index)
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: every notebooks/*.ipynb)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    paths = args.paths or sorted(NOTEBOOKS.glob("*.ipynb"))
    too_big = []
    for path in paths:
        start = time.perf_counter()
        nb = clean(execute(path, args.timeout))
        text = nbformat.writes(nb) + "\n"
        path.write_text(text, encoding="utf-8")
        size = len(text.encode())
        print(f"{path.name}: {size / 1e3:,.0f} kB, {time.perf_counter() - start:.0f} s", flush=True)
        if size > MAX_BYTES:
            too_big.append(path.name)
    if too_big:
        print(f"over {MAX_BYTES:,} bytes: {', '.join(too_big)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
