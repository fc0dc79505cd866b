"""The `nbkeras` command: `demo` in JupyterLab, `demo --headless` to a standalone report."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from nbkeras import cli


def test_demo_starts_jupyterlab_on_the_tour_and_prints_its_url(monkeypatch, capsys):
    seen = {}
    monkeypatch.setattr(cli.subprocess, "call", lambda cmd: seen.setdefault("cmd", cmd) and 0)
    assert cli.main(["demo", "--port", "8899", "--no-browser"]) == 0
    out = capsys.readouterr().out
    url = re.search(r"http://127\.0\.0\.1:8899/lab/tree/00_tour\.ipynb\?token=([0-9a-f]{32})", out)
    assert url, out
    cmd = seen["cmd"]
    assert cmd[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--IdentityProvider.token={url.group(1)}" in cmd and "--no-browser" in cmd
    assert f"--ServerApp.root_dir={cli.course_dir()}" in cmd


def test_missing_jupyterlab_names_the_extra_to_install(monkeypatch, capsys):
    real = cli.importlib.util.find_spec
    monkeypatch.setattr(cli.importlib.util, "find_spec", lambda name: None if name == "jupyterlab" else real(name))
    assert cli.main(["demo"]) == 2
    assert "pip install 'nbkeras[lab]'" in capsys.readouterr().err


@pytest.mark.slow
def test_headless_demo_writes_a_standalone_report_with_the_live_figures(tmp_path):
    out = tmp_path / "tour.html"
    result = subprocess.run([sys.executable, "-m", "nbkeras.cli", "demo", "--headless", str(out)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    page = out.read_text(encoding="utf-8")
    figures = json.loads(re.search(r'id="nbk-figures">(.*?)</script>', page, re.S).group(1))
    # the tour's explorer: f and f' of four activations, then its depth panel
    curves = figures[0]["data"]
    assert [t["name"] for t in curves if not t["name"].endswith("′")] == ["sigmoid", "tanh", "relu", "leaky_relu"]
    (leaky_slope,) = [t for t in curves if t["name"] == "leaky_relu′"]
    assert leaky_slope["y"][0] == pytest.approx(0.1)  # the tour set negative_slope=0.1 after displaying
    assert any(t["name"] == "‖dL/dW‖" for t in figures[1]["data"])
    # the tour's training run: its loss and metric curves, with the data of the run
    (metrics,) = [f for f in figures if any(t.get("meta", {}).get("series") == "batch/loss" for t in f["data"])]
    (loss,) = [t for t in metrics["data"] if t.get("meta", {}).get("series") == "batch/loss"]
    assert len(loss["y"]) == 40 * 50  # 40 epochs x 50 steps of the tour's nbkeras.fit
    assert "nbkeras 0.1.0" in page and "Offline data sets" in page
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?:', page)
