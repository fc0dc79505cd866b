"""The ``nbkeras`` console command.

    nbkeras demo                   start JupyterLab on the course's tour notebook
    nbkeras demo --headless OUT    run the tour without a browser, write a standalone HTML report
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

TOUR = "00_tour.ipynb"


class CliError(RuntimeError):
    """A problem the user can fix; printed without a traceback."""


def course_dir() -> Path:
    """The folder holding the course notebooks: the wheel's copy, else the source checkout's."""
    packaged = Path(__file__).resolve().parent / "notebooks"
    if (packaged / TOUR).is_file():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "notebooks"
    if (checkout / TOUR).is_file():
        return checkout
    raise CliError(f"The course notebook {TOUR} was not found in {packaged} or {checkout}.")


def _require(module: str, extra: str, what: str) -> None:
    if importlib.util.find_spec(module) is None:
        raise CliError(f"{what} needs {module}, which is not installed. Install it with: pip install 'nbkeras[{extra}]'")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _working_copy(source: Path) -> Path:
    """Notebooks inside site-packages are read-only for many users: run a copy."""
    if os.access(source, os.W_OK):
        return source
    target = Path.cwd() / "nbkeras-course"
    target.mkdir(exist_ok=True)
    for nb in source.glob("*.ipynb"):
        if not (target / nb.name).exists():
            shutil.copy2(nb, target / nb.name)
    return target


def demo_lab(port: int | None, open_browser: bool) -> int:
    _require("jupyterlab", "lab", "`nbkeras demo`")
    root = _working_copy(course_dir())
    port = port or _free_port()
    token = secrets.token_hex(16)
    url = f"http://127.0.0.1:{port}/lab/tree/{TOUR}?token={token}"
    print(f"nbkeras demo: JupyterLab on the tour notebook\n  {url}\n(Ctrl-C to stop)", flush=True)
    cmd = [
        sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}", f"--port={port}",
        "--ip=127.0.0.1", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
        f"--LabApp.default_url=/lab/tree/{TOUR}",
    ]
    if not open_browser:
        cmd.append("--no-browser")
    try:
        return subprocess.call(cmd)
    except KeyboardInterrupt:
        return 0


def _cell_blocks(cell: dict, figures: dict[str, list[dict]]) -> list:
    from nbkeras.report import Block

    if cell["cell_type"] == "markdown":
        return [Block("markdown", cell["source"])]
    if cell["cell_type"] != "code":
        return []
    blocks = [Block("code", cell["source"])]
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream" and output.get("name") == "stdout":
            blocks.append(Block("text", output["text"]))
        elif output["output_type"] == "error":
            blocks.append(Block("text", f"{output['ename']}: {output['evalue']}"))
        elif output["output_type"] in ("display_data", "execute_result"):
            data = output.get("data", {})
            view = data.get("application/vnd.jupyter.widget-view+json")
            if view and view.get("model_id") in figures:
                blocks += [Block("figure", f["spec"], f["title"]) for f in figures[view["model_id"]]]
            elif "image/png" in data:
                blocks.append(Block("image", data["image/png"]))
            elif "text/plain" in data and not view:
                blocks.append(Block("text", data["text/plain"]))
    return blocks


def demo_headless(out: Path, timeout: int) -> int:
    _require("nbclient", "lab", "`nbkeras demo --headless`")
    _require("ipykernel", "lab", "`nbkeras demo --headless`")
    import nbformat
    from nbclient import NotebookClient

    from nbkeras.report import write_html

    tour = course_dir() / TOUR
    nb = nbformat.read(tour, as_version=4)
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "figures.json"
        nb.cells.append(nbformat.v4.new_code_cell(f"import nbkeras.report\nnbkeras.report.dump_live_figures({str(dump)!r})"))
        print(f"nbkeras demo --headless: running {tour.name} ...", flush=True)
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(tour.parent)}})
        # The kernel's own stderr (TensorFlow's C++ start-up lines, ipykernel's transport
        # notice) is noise here; cell errors still arrive as messages and stop the run.
        client.execute(stderr=subprocess.DEVNULL)
        figures = json.loads(dump.read_text(encoding="utf-8"))
    nb.cells.pop()
    blocks = [b for cell in nb.cells for b in _cell_blocks(cell, figures)]
    write_html(out, blocks, title="nbkeras tour")
    n_fig = sum(b.kind == "figure" for b in blocks)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB, {n_fig} interactive figures)")
    return 0


def share_command(source: Path, out: Path | None, *, drop_stderr: bool) -> int:
    from nbkeras.notebook_outputs import share_notebook

    try:
        target, report = share_notebook(source, out, drop_stderr=drop_stderr)
    except (FileNotFoundError, ValueError) as exc:
        raise CliError(str(exc)) from None
    print(f"wrote {target}: {report.widget_views} widget views removed ({report.kept} keep a picture), "
          f"widget state {'removed' if report.widget_state else 'none'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nbkeras", description="Jupyter-native widgets for Keras.")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="open the tour notebook in JupyterLab, or run it headless")
    demo.add_argument("--headless", metavar="OUT.html", type=Path, help="run the tour without a browser and write a standalone HTML report")
    demo.add_argument("--port", type=int, default=None, help="port for JupyterLab (default: a free one)")
    demo.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    demo.add_argument("--timeout", type=int, default=600, help="seconds per cell in headless mode (default 600)")
    share = sub.add_parser("share", help="copy a saved notebook so that it reads without its kernel (widget views out, their pictures kept)")
    share.add_argument("notebook", type=Path, help="the .ipynb to clean")
    share.add_argument("-o", "--output", type=Path, default=None, help="where to write (default: NAME.shared.ipynb; may be the notebook itself)")
    share.add_argument("--drop-stderr", action="store_true", help="also remove stderr outputs (warnings)")
    args = parser.parse_args(argv)
    try:
        if args.command == "share":
            return share_command(args.notebook, args.output, drop_stderr=args.drop_stderr)
        if args.headless:
            return demo_headless(args.headless, args.timeout)
        return demo_lab(args.port, open_browser=not args.no_browser)
    except CliError as exc:
        print(f"nbkeras: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
