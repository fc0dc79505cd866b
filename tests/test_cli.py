"""The `nbkeras` command: `demo` in JupyterLab, `demo --headless` to a standalone report."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from nbkeras import cli


class _FakeLab:
    """Stands for the JupyterLab process: records its argv, exits when told."""

    def __init__(self, cmd, exit_status=None):
        self.cmd, self.returncode, self.terminated = cmd, exit_status, False

    def poll(self):
        return self.returncode

    def wait(self, timeout=None):
        return self.returncode or 0

    def terminate(self):
        self.terminated = True


def _fake_launch(monkeypatch, capsys, *, root, answers=(False, False, True), exit_status=None):
    """Launch records argv; the server answers on the len(answers)-th poll; no URL before it."""
    seen: dict = {"polls": 0}

    def popen(cmd):
        seen["process"] = _FakeLab(cmd, exit_status)
        return seen["process"]

    def answers_now(port):
        seen["port"] = port
        seen["polls"] += 1
        out = capsys.readouterr()
        seen.setdefault("printed", []).append(out)
        assert "token=" not in out.out, "the URL was printed before the server answered"
        return answers[min(seen["polls"], len(answers)) - 1]

    monkeypatch.setattr(cli.subprocess, "Popen", popen)
    monkeypatch.setattr(cli, "_server_answers", answers_now)
    monkeypatch.setattr(cli, "_running_as_root", lambda: root)
    monkeypatch.setattr(cli.time, "sleep", lambda s: None)
    return seen


def test_demo_starts_jupyterlab_on_the_tour_and_prints_its_url_once_it_answers(monkeypatch, capsys):
    seen = _fake_launch(monkeypatch, capsys, root=False)
    assert cli.main(["demo", "--port", "8899", "--no-browser", "--ServerApp.ip=0.0.0.0", "--debug"]) == 0
    out = capsys.readouterr()
    url = re.search(r"http://127\.0\.0\.1:8899/lab/tree/00_tour\.ipynb\?token=([0-9a-f]{32})", out.out)
    assert url, out
    assert seen["polls"] == 3 and seen["port"] == 8899
    cmd = seen["process"].cmd
    assert cmd[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--IdentityProvider.token={url.group(1)}" in cmd and "--no-browser" in cmd
    assert f"--ServerApp.root_dir={cli.course_dir()}" in cmd
    assert cmd[-2:] == ["--ServerApp.ip=0.0.0.0", "--debug"]  # unknown options go on to Jupyter, last (they win)
    assert "--allow-root" not in cmd and "root" not in "".join(p.err for p in seen["printed"]) + out.err


def test_demo_as_root_adds_allow_root_with_a_notice(monkeypatch, capsys):
    seen = _fake_launch(monkeypatch, capsys, root=True)
    assert cli.main(["demo", "--no-browser"]) == 0
    err = "".join(p.err for p in seen["printed"]) + capsys.readouterr().err
    assert seen["process"].cmd.count("--allow-root") == 1
    assert "running as root" in err and "--allow-root" in err
    # given by the user: passed once, no notice
    seen = _fake_launch(monkeypatch, capsys, root=True)
    assert cli.main(["demo", "--no-browser", "--allow-root"]) == 0
    assert seen["process"].cmd.count("--allow-root") == 1
    assert "running as root" not in "".join(p.err for p in seen["printed"]) + capsys.readouterr().err


def test_demo_reports_a_jupyterlab_that_exits_before_answering_in_one_line(monkeypatch, capsys):
    seen = _fake_launch(monkeypatch, capsys, root=False, answers=(False,), exit_status=1)
    assert cli.main(["demo", "--no-browser"]) == 2
    out = capsys.readouterr()
    assert "token=" not in out.out
    assert (
        out.err.strip().splitlines() == [out.err.strip()]
        and "JupyterLab exited (status 1) before it answered" in out.err
    )
    assert not seen["process"].terminated  # it had exited already


def test_a_real_jupyterlab_answers_before_its_url_is_given(tmp_path, monkeypatch):
    """One real start on a free port (as root here: only with --allow-root); the URL then opens."""
    import urllib.request

    monkeypatch.chdir(tmp_path)
    process, url = cli.start_lab(
        None,
        open_browser=False,
        jupyter_args=[f"--LabApp.user_settings_dir={tmp_path}/s", f"--LabApp.workspaces_dir={tmp_path}/w"],
    )
    try:
        with urllib.request.urlopen(url, timeout=30) as page:
            assert page.status == 200 and "JupyterLab" in page.read().decode("utf-8", "replace")
    finally:
        cli._stop(process)
    assert process.poll() is not None


def test_missing_jupyterlab_names_the_extra_to_install(monkeypatch, capsys):
    real = cli.importlib.util.find_spec
    monkeypatch.setattr(cli.importlib.util, "find_spec", lambda name: None if name == "jupyterlab" else real(name))
    assert cli.main(["demo"]) == 2
    assert "pip install 'nbkeras[lab]'" in capsys.readouterr().err


@pytest.mark.slow
def test_headless_demo_writes_a_standalone_report_with_the_live_figures(tmp_path):
    out = tmp_path / "tour.html"
    result = subprocess.run(
        [sys.executable, "-m", "nbkeras.cli", "demo", "--headless", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
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
