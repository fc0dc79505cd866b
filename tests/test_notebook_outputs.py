"""`nbkeras share` / clean_outputs: a saved notebook that reads without its kernel."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbkeras.cli import main
from nbkeras.notebook_outputs import WIDGET_VIEW, clean_outputs, notebook_pictures, share_notebook
from nbkeras.widgets.picture import PICTURE_OF, is_picture_output

PICTURE = '<img alt="FigureView charts" src="data:image/svg+xml;base64,PHN2Zy8+"/>'
OLD_PICTURE = '<img alt="ActivationExplorer charts" src="data:image/svg+xml;base64,PHN2Zy8+"/>'


def _view(model_id: str) -> dict:
    return {"model_id": model_id, "version_major": 2, "version_minor": 0}


def _saved_after_a_live_session() -> dict:
    """What JupyterLab saves after running a notebook with nbkeras widgets."""
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "python3"},
            "widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}}},
        },
        "cells": [
            {"cell_type": "markdown", "source": "# title", "metadata": {}},
            {
                "cell_type": "code",
                "execution_count": 1,
                "metadata": {},
                "source": "show()",
                "outputs": [
                    # a widget, then its picture output (hidden where the widget shows)
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {WIDGET_VIEW: _view("fig"), "text/plain": "FigureView(traces=1)"},
                    },
                    {
                        "output_type": "display_data",
                        "metadata": {PICTURE_OF: "fig"},
                        "data": {WIDGET_VIEW: _view(""), "text/html": PICTURE},
                    },
                    # a dashboard whose run never ended: its picture output has nothing to show
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {WIDGET_VIEW: _view("run"), "text/plain": "TrainingDashboard(title='run')"},
                    },
                    {"output_type": "display_data", "metadata": {PICTURE_OF: "run"}, "data": {WIDGET_VIEW: _view("")}},
                    # a view and nothing else; a widget of another library; an older nbkeras output (picture inside)
                    {"output_type": "display_data", "metadata": {}, "data": {WIDGET_VIEW: _view("bare")}},
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {WIDGET_VIEW: _view("slider"), "text/plain": "IntSlider(value=0)"},
                    },
                    {
                        "output_type": "display_data",
                        "metadata": {WIDGET_VIEW: {"x": 1}, "other": 2},
                        "data": {
                            WIDGET_VIEW: _view("old"),
                            "text/plain": "ActivationExplorer()",
                            "text/html": OLD_PICTURE,
                        },
                    },
                ],
            },
            {
                "cell_type": "code",
                "execution_count": 2,
                "metadata": {},
                "source": "fit()",
                "outputs": [
                    {"output_type": "stream", "name": "stdout", "text": ["epoch 1\n"]},
                    {"output_type": "stream", "name": "stderr", "text": "W0000 cuda not found\n"},
                    {"output_type": "stream", "name": "stdout", "text": "epoch 2\n"},
                    {
                        "output_type": "execute_result",
                        "execution_count": 2,
                        "metadata": {},
                        "data": {"text/plain": "0.97"},
                    },
                ],
            },
        ],
    }


def test_a_widget_with_a_picture_becomes_its_picture_others_keep_their_text():
    nb = _saved_after_a_live_session()
    report = clean_outputs(nb)
    assert (report.widget_views, report.kept, report.widget_state, report.stderr) == (5, 2, True, 0)
    assert "widgets" not in nb["metadata"] and nb["metadata"]["kernelspec"] == {"name": "python3"}
    first = nb["cells"][1]["outputs"]
    assert [o["data"] for o in first] == [
        {"text/html": PICTURE},  # no "FigureView(traces=1)" line above the picture it names
        {"text/plain": "TrainingDashboard(title='run')"},  # no picture to show: its text, as before
        {"text/plain": "IntSlider(value=0)"},
        {"text/plain": "ActivationExplorer()", "text/html": OLD_PICTURE},
    ]
    assert first[3]["metadata"] == {"other": 2}
    second = nb["cells"][2]["outputs"]  # untouched without drop_stderr
    assert [o.get("name") for o in second] == ["stdout", "stderr", "stdout", None]
    assert nb["cells"][0] == {"cell_type": "markdown", "source": "# title", "metadata": {}}
    assert notebook_pictures(nb) == [(PICTURE, "<svg/>"), (OLD_PICTURE, "<svg/>")]


def test_what_a_widget_displays_is_cleaned_into_its_picture():
    """The outputs display_once really makes, through clean_outputs."""
    from nbkeras.widgets.picture import picture_output

    data, metadata = picture_output({"text/html": PICTURE}, "m")
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "outputs": [
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {WIDGET_VIEW: _view("m"), "text/plain": "FigureView(traces=1)"},
                    },
                    {"output_type": "display_data", "metadata": metadata, "data": data},
                ],
            }
        ]
    }
    assert is_picture_output(nb["cells"][0]["outputs"][1]) and not is_picture_output(nb["cells"][0]["outputs"][0])
    report = clean_outputs(nb)
    assert (report.widget_views, report.kept) == (1, 1)
    assert [o["data"] for o in nb["cells"][0]["outputs"]] == [{"text/html": PICTURE}]


def test_drop_stderr_merges_the_streams_around_it():
    nb = _saved_after_a_live_session()
    report = clean_outputs(nb, drop_stderr=True)
    assert report.stderr == 1
    outputs = nb["cells"][2]["outputs"]
    assert outputs[0] == {"output_type": "stream", "name": "stdout", "text": "epoch 1\nepoch 2\n"}
    assert outputs[1]["data"] == {"text/plain": "0.97"} and len(outputs) == 2


def test_cleaning_twice_changes_nothing_more():
    nb = _saved_after_a_live_session()
    clean_outputs(nb, drop_stderr=True)
    once = json.dumps(nb, sort_keys=True)
    report = clean_outputs(nb, drop_stderr=True)
    assert json.dumps(nb, sort_keys=True) == once
    assert (report.widget_views, report.widget_state, report.stderr) == (0, False, 0)


def test_not_a_notebook_is_refused_with_what_was_received():
    with pytest.raises(ValueError, match=r"Received: \[\] \(JSON array\)\. Expected: a notebook"):
        clean_outputs([])


def test_share_command_writes_a_copy_beside_the_notebook(tmp_path, capsys):
    source = tmp_path / "lesson.ipynb"
    source.write_text(json.dumps(_saved_after_a_live_session()), encoding="utf-8")
    before = source.read_text(encoding="utf-8")
    assert main(["share", str(source)]) == 0
    assert source.read_text(encoding="utf-8") == before  # the original is kept
    shared = json.loads((tmp_path / "lesson.shared.ipynb").read_text(encoding="utf-8"))
    assert WIDGET_VIEW not in json.dumps(shared) and "widgets" not in shared["metadata"]
    assert (
        "lesson.shared.ipynb: 5 widget views removed (2 keep a picture), widget state removed"
        in capsys.readouterr().out
    )


def test_share_in_place_and_errors(tmp_path, capsys):
    source = tmp_path / "lesson.ipynb"
    source.write_text(json.dumps(_saved_after_a_live_session()), encoding="utf-8")
    path, report = share_notebook(source, source, drop_stderr=True)
    assert path == source and report.stderr == 1
    assert "stderr" not in source.read_text(encoding="utf-8")
    assert main(["share", str(tmp_path / "missing.ipynb")]) == 2
    assert "No notebook at" in capsys.readouterr().err
    (tmp_path / "bad.ipynb").write_text("{not json", encoding="utf-8")
    assert main(["share", str(tmp_path / "bad.ipynb")]) == 2
    assert "is not a notebook (invalid JSON" in capsys.readouterr().err


_ALT_PIECES = ['"', "'", "&", "<", ">", "a", " ", "é", "\n", "\t", "\r", "😀", "&quot;", "&#39;", "/>", "src="]


@given(
    alt=st.lists(st.sampled_from(_ALT_PIECES) | st.text(max_size=3), max_size=12).map("".join), svg=st.text(max_size=40)
)
@settings(max_examples=300, deadline=None)
def test_every_picture_reads_back_whatever_its_alt_text(alt, svg):
    from nbkeras.widgets.picture import picture_html, picture_svg

    html = picture_html(svg, alt)
    assert picture_svg(html) == svg
    nb = {"cells": [{"cell_type": "code", "outputs": [{"output_type": "display_data", "data": {"text/html": html}}]}]}
    assert notebook_pictures(nb) == [(html, svg)]


@pytest.mark.parametrize("alt", ['a "q"', "it's", "both ' and \"", "&amp; < >", ""])
def test_alt_texts_with_quotes_read_back(alt):
    from nbkeras.widgets.picture import picture_html, picture_svg

    assert picture_svg(picture_html("<svg/>", alt)) == "<svg/>"
