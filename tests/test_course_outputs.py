"""The stored course notebooks: small, no widget state, and what a reader should see is kept.

A reader opening a notebook on GitHub, nbviewer or in JupyterLab without running it sees
the outputs stored by ``tools/store_notebook_outputs.py``: the final dashboard of every
training run as a static picture (an SVG in an ``<img>``, see nbkeras/widgets/picture.py), the printed results. Widget views cannot show without their
kernel (JupyterLab says "model not found"), so none is stored, nor any widget state.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nbkeras.notebook_outputs import notebook_pictures

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MAX_BYTES = 1_000_000
# Notebooks that train with the live dashboard (each must keep at least one picture of it).
TRAINING = {"00_tour", "03_live_training", "04_objectives_and_optimizers", "05_cnn_digits",
            "06_rnn_lstm_sequences", "07_embeddings_text", "08_seq2seq_addition", "09_multi_device"}


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _skipped(cell: dict) -> bool:
    return "".join(cell["source"]).lstrip().startswith("# NBVAL_SKIP")


def test_the_course_is_found():
    assert len(NOTEBOOKS) >= 10
    assert TRAINING <= {p.stem for p in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_stored_notebook_is_small_and_has_no_widget_state(path):
    assert path.stat().st_size <= MAX_BYTES, f"{path.name}: {path.stat().st_size:,} bytes"
    nb = _load(path)
    assert "widgets" not in nb["metadata"], f"{path.name} stores widget state"
    for i, cell in enumerate(_code_cells(nb)):
        for out in cell.get("outputs", []):
            assert WIDGET_VIEW not in out.get("data", {}), f"{path.name} cell {i}: a widget view without its kernel"
            assert not (out["output_type"] == "stream" and out["name"] == "stderr"), f"{path.name} cell {i}: stderr stored"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_stored_outputs_come_from_one_run_of_every_cell(path):
    """Every cell (but those nbval skips) ran, in order, in one kernel; no stored error."""
    cells = [c for c in _code_cells(_load(path)) if not _skipped(c)]
    counts = [c["execution_count"] for c in cells]
    assert all(isinstance(n, int) for n in counts), f"{path.name}: cells without a stored run: {counts}"
    assert counts == sorted(counts) and len(set(counts)) == len(counts), f"{path.name}: not one run in order: {counts}"
    for cell in cells:
        assert not any(o["output_type"] == "error" for o in cell.get("outputs", [])), f"{path.name}: a stored error"


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.stem in TRAINING], ids=lambda p: p.stem)
def test_training_notebooks_keep_a_picture_of_the_final_dashboard(path):
    pictures = [svg for html, svg in notebook_pictures(_load(path)) if "Training dashboard" in html]
    assert pictures, f"{path.name}: no static dashboard kept"
    for svg in pictures:
        assert svg is not None and svg.startswith("<svg") and "<script" not in svg
        # the title says how the run ended, and the loss panel has a drawn curve
        assert re.search(r"(finished|stopped|interrupted|failed) after [\d,]+ steps", svg), svg[:300]
        assert svg.count("<path") >= 2
