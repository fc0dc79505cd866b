"""The ``nbkeras`` console command.

    nbkeras demo [JUPYTER OPTIONS] start JupyterLab on the course's tour notebook
    nbkeras demo --headless OUT    run the tour without a browser, write a standalone HTML report
    nbkeras share NB.ipynb         copy a saved notebook so that it reads without its kernel

Bad input ends with one line on stderr and exit status 2, before any work starts.
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
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

TOUR = "00_tour.ipynb"


class CliError(RuntimeError):
    """A problem the user can fix; printed without a traceback."""


class _UsageError(Exception):
    """A command line argparse refused (printed as one line, exit 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse whose errors are one line (the usage is one ``--help`` away), not an exit."""

    def error(self, message: str):  # type: ignore[override]
        raise _UsageError(f"{self.prog}: {message} (see `{self.prog} --help`)")


def _positive_seconds(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"Received: {text!r}. Expected a whole number of seconds greater than 0")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"Received: {text!r}. Expected a port number from 1 to 65535")
    return value


def _writable_file(path: Path, what: str) -> None:
    """Refuse, before any work, a ``path`` that cannot be written as a file."""
    if path.is_dir():
        raise CliError(f"{what} {path} is a folder: give a file name, e.g. {path / 'tour.html'}.")
    if not path.parent.is_dir():
        raise CliError(f"{what}'s folder {path.parent} does not exist.")
    if not os.access(path.parent, os.W_OK):
        raise CliError(f"{what}'s folder {path.parent} is not writable.")


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
        raise CliError(
            f"{what} needs {module}, which is not installed. Install it with: pip install 'nbkeras[{extra}]'"
        )


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


def _running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _server_answers(port: int) -> bool:
    """Whether a Jupyter server on ``port`` answers its ``/api`` endpoint (no token needed)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=2) as response:
            return response.status == 200
    except (OSError, ValueError):
        return False


def _stop(process: subprocess.Popen) -> None:
    process.terminate()  # JupyterLab shuts its kernels down on SIGTERM
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start_lab(
    port: int | None, *, open_browser: bool, jupyter_args: Sequence[str] = (), wait_s: float = 180
) -> tuple[subprocess.Popen, str]:
    """Start JupyterLab on the tour; return (process, URL) once the server answers.

    ``jupyter_args`` go to JupyterLab as given, after nbkeras's own options (so they win).
    As root (Docker images), ``--allow-root`` is added with a notice: JupyterLab refuses
    to start as root without it.

    Raises:
        CliError: JupyterLab exited, or did not answer within ``wait_s`` seconds.
    """
    _require("jupyterlab", "lab", "`nbkeras demo`")
    root = _working_copy(course_dir())
    port = port or _free_port()
    token = secrets.token_hex(16)
    url = f"http://127.0.0.1:{port}/lab/tree/{TOUR}?token={token}"
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={root}",
        f"--port={port}",
        "--ip=127.0.0.1",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--LabApp.default_url=/lab/tree/{TOUR}",
    ]
    if not open_browser:
        cmd.append("--no-browser")
    if _running_as_root() and "--allow-root" not in jupyter_args:
        print(
            "nbkeras demo: running as root (as in most Docker images): starting JupyterLab with --allow-root.",
            file=sys.stderr,
            flush=True,
        )
        cmd.append("--allow-root")
    cmd += list(jupyter_args)
    print(f"nbkeras demo: starting JupyterLab on port {port} ...", flush=True)
    process = subprocess.Popen(cmd)
    deadline = time.monotonic() + wait_s
    try:
        while not _server_answers(port):
            if process.poll() is not None:
                raise CliError(
                    f"JupyterLab exited (status {process.returncode}) before it answered on port {port}; "
                    "its messages are above."
                )
            if time.monotonic() > deadline:
                raise CliError(f"JupyterLab did not answer on port {port} within {wait_s:.0f} s; stopped it.")
            time.sleep(0.25)
    except BaseException:  # CliError, or Ctrl-C while it starts
        if process.poll() is None:
            _stop(process)
        raise
    return process, url


def demo_lab(port: int | None, open_browser: bool, jupyter_args: Sequence[str] = ()) -> int:
    try:
        process, url = start_lab(port, open_browser=open_browser, jupyter_args=jupyter_args)
    except KeyboardInterrupt:
        return 130
    print(f"nbkeras demo: JupyterLab on the tour notebook\n  {url}\n(Ctrl-C to stop)", flush=True)
    try:
        return process.wait()
    except KeyboardInterrupt:
        _stop(process)
        return 0


def _cell_blocks(cell: dict, figures: dict[str, list[dict]]) -> list:
    from nbkeras.report import Block
    from nbkeras.widgets.picture import WIDGET_VIEW

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
            view = data.get(WIDGET_VIEW)
            if view and view.get("model_id") in figures:
                blocks += [Block("figure", f["spec"], f["title"]) for f in figures[view["model_id"]]]
            elif "image/png" in data:
                blocks.append(Block("image", data["image/png"]))
            elif "text/plain" in data and not view:
                blocks.append(Block("text", data["text/plain"]))
    return blocks


def demo_headless(out: Path, timeout: int) -> int:
    _writable_file(out, "The report")
    _require("nbclient", "lab", "`nbkeras demo --headless`")
    _require("ipykernel", "lab", "`nbkeras demo --headless`")
    import nbclient
    import nbformat
    from jupyter_client.kernelspec import NoSuchKernel
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    from nbkeras.report import write_html

    tour = course_dir() / TOUR
    nb = nbformat.read(tour, as_version=4)
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "figures.json"
        nb.cells.append(
            nbformat.v4.new_code_cell(f"import nbkeras.report\nnbkeras.report.dump_live_figures({str(dump)!r})")
        )
        print(f"nbkeras demo --headless: running {tour.name} ...", flush=True)
        client = nbclient.NotebookClient(
            nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(tour.parent)}}
        )
        # The kernel's own stderr (TensorFlow's C++ start-up lines, ipykernel's transport
        # notice) is noise here; cell errors still arrive as messages and stop the run.
        try:
            client.execute(stderr=subprocess.DEVNULL)
        except CellTimeoutError:
            raise CliError(
                f"a cell of {tour.name} ran longer than --timeout {timeout} s; run again with a larger --timeout "
                "(the first TensorFlow import alone can take 40 s on a slow machine)."
            ) from None
        except CellExecutionError as exc:
            evalue = (str(exc.evalue).strip().splitlines() or [""])[0]
            raise CliError(f"a cell of {tour.name} failed: {exc.ename}: {evalue}") from None
        except DeadKernelError as exc:
            raise CliError(f"the kernel died while running {tour.name} ({exc}).") from None
        except NoSuchKernel:
            raise CliError("no Jupyter kernel named python3 is installed: pip install ipykernel") from None
        figures = json.loads(dump.read_text(encoding="utf-8"))
    nb.cells.pop()
    blocks = [b for cell in nb.cells for b in _cell_blocks(cell, figures)]
    try:
        write_html(out, blocks, title="nbkeras tour")
    except OSError as exc:
        raise CliError(f"Cannot write {out}: {exc.strerror or exc}.") from None
    n_fig = sum(b.kind == "figure" for b in blocks)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB, {n_fig} interactive figures)")
    return 0


def share_command(source: Path, out: Path | None, *, drop_stderr: bool) -> int:
    from nbkeras.notebook_outputs import share_notebook

    try:
        target, report = share_notebook(source, out, drop_stderr=drop_stderr)
    except (OSError, ValueError) as exc:  # the messages name the file, the place, what was expected
        raise CliError(str(exc)) from None
    print(
        f"wrote {target}: {report.widget_views} widget views removed ({report.kept} keep a picture), "
        f"widget state {'removed' if report.widget_state else 'none'}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="nbkeras", description="Jupyter-native widgets for Keras.")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser(
        "demo",
        allow_abbrev=False,
        help="open the tour notebook in JupyterLab, or run it headless",
        description=(
            "Open the tour notebook in JupyterLab. Options nbkeras does not know "
            "(e.g. --ServerApp.ip=0.0.0.0) are passed on to JupyterLab."
        ),
    )
    demo.add_argument(
        "--headless",
        metavar="OUT.html",
        type=Path,
        help="run the tour without a browser and write a standalone HTML report",
    )
    demo.add_argument("--port", type=_port, default=None, help="port for JupyterLab (default: a free one)")
    demo.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    demo.add_argument(
        "--timeout", type=_positive_seconds, default=600, help="seconds per cell in headless mode (default 600)"
    )
    share = sub.add_parser(
        "share",
        allow_abbrev=False,
        help="copy a saved notebook so that it reads without its kernel (widget views out, their pictures kept)",
    )
    share.add_argument("notebook", type=Path, help="the .ipynb to clean")
    share.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        help="where to write (default: NAME.shared.ipynb; may be the notebook itself)",
    )
    share.add_argument("--drop-stderr", action="store_true", help="also remove stderr outputs (warnings)")
    try:
        args, jupyter_args = parser.parse_known_args(argv)
        if jupyter_args and args.command == "share":
            share.error(f"unrecognized arguments: {' '.join(jupyter_args)}")
        if jupyter_args and args.headless:
            demo.error(f"options for JupyterLab ({' '.join(jupyter_args)}) apply only without --headless")
    except _UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        if args.command == "share":
            return share_command(args.notebook, args.output, drop_stderr=args.drop_stderr)
        if args.headless:
            return demo_headless(args.headless, args.timeout)
        return demo_lab(args.port, open_browser=not args.no_browser, jupyter_args=jupyter_args)
    except CliError as exc:
        print(f"nbkeras: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
