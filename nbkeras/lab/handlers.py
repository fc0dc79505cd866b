"""The lab extension's server side, behind the server's own authentication and authorization.

- ``GET <base_url>nbkeras/course``: the course notebooks, for the launcher's "Course" card.
  Read-only (the ``contents`` resource, as for reading files): it hands out only the
  notebooks that ship with nbkeras, by a fixed list read from the package, never a path
  taken from the request.
- ``POST <base_url>nbkeras/share`` with ``{"path": "<notebook path>"}``: the command
  "nbkeras: share this notebook". Reads the notebook through the server's contents manager
  (its root, its hidden-file rules), cleans it with :func:`nbkeras.notebook_outputs.clean_outputs`
  (exactly what ``nbkeras share`` does) and saves the copy beside it as ``NAME.shared.ipynb``,
  or ``NAME.shared-2.ipynb``, … : never over an existing file (``contents`` write access).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import ensure_async, url_path_join
from tornado import web

from nbkeras.cli import course_dir
from nbkeras.notebook_outputs import clean_outputs

SHARED_SUFFIX = ".shared"


def course_notebooks(folder: Path | None = None) -> list[dict[str, Any]]:
    """The course notebooks in order, each as ``{"name": file name, "content": notebook JSON}``.

    Args:
        folder: Where the notebooks are (default: the installed package's copy, else the
            source checkout's, as for ``nbkeras demo``).
    """
    folder = course_dir() if folder is None else folder
    return [
        {"name": path.name, "content": json.loads(path.read_text(encoding="utf-8"))}
        for path in sorted(folder.glob("*.ipynb"))
    ]


class CourseHandler(APIHandler):
    auth_resource = "contents"

    @web.authenticated
    @authorized
    def get(self) -> None:
        self.finish(json.dumps({"notebooks": course_notebooks()}))


def shared_names(path: str) -> Iterator[str]:
    """Where the shared copy of ``path`` may go, in order: ``NAME.shared.ipynb`` beside it, then
    ``NAME.shared-2.ipynb``, ``NAME.shared-3.ipynb``, … (the first free one is used).

    Example:
        >>> names = shared_names("a/b.ipynb")
        >>> next(names), next(names)
        ('a/b.shared.ipynb', 'a/b.shared-2.ipynb')
    """
    folder, _, name = path.rpartition("/")
    stem = name.removesuffix(".ipynb")
    for n in itertools.count(1):
        candidate = f"{stem}{SHARED_SUFFIX}{'' if n == 1 else f'-{n}'}.ipynb"
        yield f"{folder}/{candidate}" if folder else candidate


class ShareHandler(APIHandler):
    auth_resource = "contents"

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.get_json_body() or {}
        path = body.get("path") if isinstance(body, dict) else None
        if not isinstance(path, str) or not path.endswith(".ipynb"):
            raise web.HTTPError(400, f"Expected {{'path': '<notebook>.ipynb'}}; received {str(body)[:200]!r}.")
        path = path.strip("/")
        cm = self.contents_manager
        if not await ensure_async(cm.file_exists(path)):
            raise web.HTTPError(404, f"No notebook at {path}.")
        model = await ensure_async(cm.get(path, content=True, type="notebook"))
        notebook = json.loads(json.dumps(model["content"]))  # plain JSON, as nbkeras share reads it
        try:
            report = clean_outputs(notebook)
        except ValueError as exc:
            raise web.HTTPError(400, f"{path}: {exc}") from None
        for target in shared_names(path):  # never over an existing file
            if not await ensure_async(cm.file_exists(target)):
                break
        await ensure_async(cm.save({"type": "notebook", "format": "json", "content": notebook}, target))
        self.finish(
            json.dumps(
                {
                    "path": target,
                    "widget_views": report.widget_views,
                    "kept": report.kept,
                    "widget_state": report.widget_state,
                }
            )
        )


def setup_handlers(web_app: Any) -> None:
    base = web_app.settings["base_url"]
    web_app.add_handlers(
        ".*$",
        [
            (url_path_join(base, "nbkeras", "course"), CourseHandler),
            (url_path_join(base, "nbkeras", "share"), ShareHandler),
        ],
    )
