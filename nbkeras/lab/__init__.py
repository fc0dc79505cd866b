"""nbkeras's Jupyter server extension: the course notebooks for the lab extension's launcher.

The prebuilt lab extension (``labextension/``, built into ``nbkeras/labextension``) copies the
course into the user's files through Jupyter's Contents API; it reads the notebooks, which ship
inside this package, from ``GET <base_url>nbkeras/course`` (see :mod:`nbkeras.lab.handlers`).
The wheel enables this extension with ``etc/jupyter/jupyter_server_config.d/nbkeras.json``.
Importing it loads neither TensorFlow nor Keras: the Jupyter server imports it at start-up.
"""

from __future__ import annotations

from typing import Any


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "nbkeras.lab"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    from nbkeras.lab.handlers import setup_handlers

    setup_handlers(server_app.web_app)
    server_app.log.debug("nbkeras: course notebooks served at %snbkeras/course", server_app.base_url)
