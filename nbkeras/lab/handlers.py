"""``GET <base_url>nbkeras/course``: the course notebooks, for the launcher's "Course" card.

Read-only, behind the server's own authentication and authorization (the ``contents``
resource, as for reading files): it hands out only the notebooks that ship with nbkeras,
by a fixed list read from the package, never a path taken from the request.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

from nbkeras.cli import course_dir


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


def setup_handlers(web_app: Any) -> None:
    route = url_path_join(web_app.settings["base_url"], "nbkeras", "course")
    web_app.add_handlers(".*$", [(route, CourseHandler)])
