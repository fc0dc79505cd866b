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

Pictures are stored as a reader who waited would see them (as JupyterLab shows them): after each cell
the pictures still waiting for their controls to settle (1.5 s) are drawn at once, and an update of a
picture output is applied whatever cell it names (a timer or training thread sends under the header of
the last cell the kernel started, which may have finished by then).

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
from typing import Any

import nbformat
from jupyter_core.utils import ensure_async, run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete

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


# Run after each cell, outside the history (no execution count, no output): draw now the pictures whose
# widgets changed less than PICTURE_SETTLE_SECONDS ago, so the stored picture is the widget's last state.
FLUSH_PICTURES = (
    "(lambda base: [w.flush_picture() for w in base.live_widgets().values()])"
    "(__import__('nbkeras.widgets.base', fromlist=['live_widgets']));"
)


class _Client(NotebookClient):
    """nbclient, but a display update is applied whatever cell its message names.

    nbclient reads only the messages of the cell it runs. A picture redrawn from a thread (a
    dashboard at the end of its run, a settled control's timer) carries the header of the last
    cell the kernel started (ipykernel's fallback for threads); sent after that cell finished, it
    reaches nbclient while another cell runs, and was dropped. Front ends apply an update to every
    output with its display id; so does this.
    """

    def _apply_update(self, msg: dict[str, Any]) -> None:
        display_id = msg["content"].get("transient", {}).get("display_id")
        if display_id:
            self._update_display_id(display_id, msg)

    async def _async_poll_output_msg(self, parent_msg_id: str, cell: Any, cell_index: int) -> None:
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    return
            elif msg["msg_type"] == "update_display_data":
                self._apply_update(msg)

    async def _async_flush_pictures(self) -> None:
        """Run FLUSH_PICTURES outside the history; apply the display updates it (or a thread) sends."""
        msg_id = self.kc.execute(FLUSH_PICTURES, store_history=False)
        while True:
            msg = await ensure_async(self.kc.get_iopub_msg(timeout=self.timeout))
            ours, content = msg["parent_header"].get("msg_id") == msg_id, msg["content"]
            if msg["msg_type"] == "update_display_data":
                self._apply_update(msg)
            elif ours and msg["msg_type"] == "error":
                raise RuntimeError(f"drawing the pictures failed: {content['ename']}: {content['evalue']}")
            elif ours and content.get("execution_state") == "idle":
                break
        reply = None
        while reply is None or reply["parent_header"].get("msg_id") != msg_id:
            reply = await ensure_async(self.kc.get_shell_msg(timeout=self.timeout))

    flush_pictures = run_sync(_async_flush_pictures)


def execute(path: Path, timeout: int) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    client = _Client(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=False,
        record_timing=False,
    )
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and not cell.source.lstrip().startswith(SKIP_MARK):
                client.execute_cell(cell, index)
                client.flush_pictures()
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
