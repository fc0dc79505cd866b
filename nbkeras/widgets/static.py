"""Where the built front-end bundles live (built from js/ by `npm run build`)."""

from __future__ import annotations

from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def bundle(name: str) -> Path:
    """Path of a built ES module in ``nbkeras/static``; anywidget reads it as ``_esm``."""
    path = STATIC_DIR / name
    if not path.is_file():  # pragma: no cover - a broken checkout
        raise FileNotFoundError(
            f"Front-end bundle {name!r} is missing from {STATIC_DIR}. "
            "It is committed to the repository; rebuild it with `cd js && npm ci && npm run build`."
        )
    return path
