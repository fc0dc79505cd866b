"""The `nbkeras` command refuses bad input with one line and a non-zero exit, before any work."""

from __future__ import annotations

import json

import pytest

from nbkeras import cli


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nbkeras"), err
    return lines[0]


def _notebook(tmp_path, nb, name="x.ipynb"):
    path = tmp_path / name
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


GOOD = {"metadata": {}, "cells": [{"cell_type": "code", "metadata": {}, "source": "", "outputs": []}]}


@pytest.mark.parametrize(
    ("notebook", "where", "received"),
    [
        ({"cells": [1]}, "cells[0]", "1"),
        ({"cells": [{"cell_type": "code", "outputs": None}]}, "cells[0].outputs", "null"),
        ({"metadata": [], "cells": []}, "metadata", "[]"),
        ({"cells": [{"cell_type": "code", "outputs": ["x"]}]}, "cells[0].outputs[0]", '"x"'),
        (
            {"cells": [{"cell_type": "code", "outputs": [{"output_type": "display_data", "data": []}]}]},
            "cells[0].outputs[0].data",
            "[]",
        ),
        (
            {
                "cells": [
                    {},
                    {"cell_type": "code", "outputs": [{"output_type": "display_data", "data": {}, "metadata": 3}]},
                ]
            },
            "cells[1].outputs[0].metadata",
            "3",
        ),
        (
            {"cells": [{"cell_type": "code", "outputs": [{"output_type": "stream", "name": "stderr", "text": 5}]}]},
            "cells[0].outputs[0].text",
            "5",
        ),
        ({"cells": [{"cell_type": 7}]}, "cells[0].cell_type", "7"),
    ],
)
def test_share_refuses_a_malformed_notebook_naming_where_and_what(tmp_path, capsys, notebook, where, received):
    source = _notebook(tmp_path, notebook)
    assert cli.main(["share", str(source)]) == 2
    line = _one_line_error(capsys)
    assert f"`{where}`" in line and f"Received: {received}" in line and "Expected" in line, line
    assert not (tmp_path / "x.shared.ipynb").exists()


def test_share_refuses_folders_and_missing_output_folders_before_reading(tmp_path, capsys):
    assert cli.main(["share", str(tmp_path)]) == 2
    assert "is a folder" in _one_line_error(capsys)
    source = _notebook(tmp_path, GOOD)
    assert cli.main(["share", str(source), "-o", str(tmp_path)]) == 2
    assert "is a folder" in _one_line_error(capsys)
    assert cli.main(["share", str(source), "-o", str(tmp_path / "no" / "such" / "out.ipynb")]) == 2
    assert "does not exist" in _one_line_error(capsys)
    (tmp_path / "latin1.ipynb").write_bytes(b'{"cells": ["\xe9"]}')
    assert cli.main(["share", str(tmp_path / "latin1.ipynb")]) == 2
    assert "UTF-8" in _one_line_error(capsys)


def test_share_turns_a_write_failure_into_one_line(tmp_path, capsys, monkeypatch):
    source = _notebook(tmp_path, GOOD)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(cli.Path, "write_text", refuse)
    assert cli.main(["share", str(source)]) == 2
    assert "Permission denied" in _one_line_error(capsys)


@pytest.fixture
def no_tour_run(monkeypatch):
    """A headless demo that gets as far as running the tour fails the test."""
    import nbclient

    def ran(*args, **kwargs):
        raise AssertionError("the tour ran before the arguments were checked")

    monkeypatch.setattr(nbclient, "NotebookClient", ran)


@pytest.mark.parametrize("args", [["--timeout", "-5"], ["--timeout", "0"], ["--port", "-1"], ["--port", "70000"]])
def test_demo_refuses_bad_numbers_with_one_line(tmp_path, capsys, no_tour_run, args):
    assert cli.main(["demo", "--headless", str(tmp_path / "o.html"), *args]) == 2
    line = _one_line_error(capsys)
    assert args[0] in line and args[1] in line, line


def test_headless_demo_checks_where_it_writes_before_running_the_tour(tmp_path, capsys, no_tour_run):
    assert cli.main(["demo", "--headless", str(tmp_path / "no" / "such" / "dir" / "o.html")]) == 2
    assert "does not exist" in _one_line_error(capsys)
    assert cli.main(["demo", "--headless", str(tmp_path)]) == 2
    assert "is a folder" in _one_line_error(capsys)
    assert cli.main(["demo", "--headless", str(tmp_path / "o.html"), "--ServerApp.ip=0.0.0.0"]) == 2
    assert "--ServerApp.ip=0.0.0.0" in _one_line_error(capsys)


@pytest.mark.parametrize("failure", ["timeout", "cell error", "dead kernel"])
def test_headless_demo_reports_a_failed_run_in_one_line(tmp_path, capsys, monkeypatch, failure):
    import nbclient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    class FailingClient:
        def __init__(self, nb, **kwargs):
            self.nb = nb

        def execute(self, **kwargs):
            if failure == "timeout":
                raise CellTimeoutError.error_from_timeout_and_cell("Cell timed out", 1, self.nb.cells[3])
            if failure == "cell error":
                raise CellExecutionError("long\ntraceback\nhere", "ValueError", "bad value")
            raise DeadKernelError("Kernel died")

    monkeypatch.setattr(nbclient, "NotebookClient", FailingClient)
    assert cli.main(["demo", "--headless", str(tmp_path / "o.html"), "--timeout", "1"]) != 0
    line = _one_line_error(capsys)
    expected = {"timeout": "--timeout 1", "cell error": "ValueError: bad value", "dead kernel": "kernel died"}[failure]
    assert expected in line, line
    assert not (tmp_path / "o.html").exists()


def test_a_real_headless_run_that_times_out_ends_in_one_line(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "o.html"
    result = subprocess.run(
        [sys.executable, "-m", "nbkeras.cli", "demo", "--headless", str(out), "--timeout", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2, result.stderr[-2000:]
    assert result.stderr.strip().splitlines() == [result.stderr.strip()] and "--timeout 1" in result.stderr
    assert not out.exists()
