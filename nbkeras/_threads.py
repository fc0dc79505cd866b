"""Background threads that belong to the cell that started them.

Why: ipykernel (7) tags every message a thread sends with the request it finds in that thread's
context. A thread started plainly has none of its own, so it falls back to the last request
*any* shell handled, which can be a front end's subshell request (Notebook 7 and JupyterLab open
subshells). ipykernel then routes what the front end sends on those comms (a dashboard's Stop,
the runs sidebar's Stop) to that subshell, and once the subshell is gone they are dropped
without a word. Run in a copy of the starting cell's context, the thread's messages carry that
cell as their parent, and the replies come back to the main shell.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from typing import Any


def cell_thread(
    target: Callable[..., Any], *, name: str, args: tuple[Any, ...] = (), kwargs: Any = None
) -> threading.Thread:
    """A daemon thread (not started) running ``target(*args, **kwargs)`` in a copy of the caller's context."""
    context = contextvars.copy_context()
    return threading.Thread(target=context.run, args=(target, *args), kwargs=kwargs or {}, name=name, daemon=True)
