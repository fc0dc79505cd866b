"""Test and benchmark helpers: see what nbkeras widgets send, with no kernel and no browser.

:class:`CommRecorder` replaces ``comm.create_comm`` (the factory ipywidgets calls when a
widget opens) with one that builds :class:`RecordingComm` objects. Every message a widget
would send to the front end is kept as a :class:`SentMessage` with its type, its JSON size
and the sizes of its binary buffers, so tests and benchmarks can assert on what reaches
the browser and what it costs. :meth:`CommRecorder.click` sends a message the other way,
as the front end would.

Example:

    with CommRecorder() as wire:
        w = SomeWidget()
        w.value = 3
    assert wire.messages_for(w)[-1].data["state"] == {"value": 3}
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import comm
from comm.base_comm import BaseComm


@dataclass(frozen=True)
class SentMessage:
    """One kernel -> front-end comm message, as it would go over the wire."""

    comm_id: str
    msg_type: str  # "comm_open", "comm_msg" or "comm_close"
    data: dict[str, Any]
    buffers: tuple[bytes, ...]
    json_bytes: int
    sent_at: float = 0.0  # time.perf_counter() when the widget handed it over (benchmarks)

    @property
    def buffer_bytes(self) -> int:
        return sum(len(b) for b in self.buffers)

    @property
    def total_bytes(self) -> int:
        return self.json_bytes + self.buffer_bytes

    @property
    def method(self) -> str | None:
        """``"update"``, ``"custom"``, ... for comm_msg; None for open/close."""
        return self.data.get("method")


def _as_bytes(buffer: Any) -> bytes:
    return bytes(memoryview(buffer).cast("B"))


class RecordingComm(BaseComm):
    """A comm whose messages are appended to a :class:`CommRecorder` instead of sent."""

    def __init__(self, recorder: CommRecorder, **kwargs: Any) -> None:
        self._recorder = recorder
        super().__init__(**kwargs)

    def publish_msg(
        self,
        msg_type: str,
        data: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        buffers: list[Any] | None = None,
        **keys: Any,
    ) -> None:
        data = {} if data is None else data
        # allow_nan=False: a NaN in a JSON message reaches the browser as the string "nan";
        # recording it must fail loudly, as it would misbehave there.
        encoded = json.dumps(data, allow_nan=False, default=str, separators=(",", ":"))
        self._recorder.messages.append(
            SentMessage(
                comm_id=self.comm_id,
                msg_type=msg_type,
                data=data,
                buffers=tuple(_as_bytes(b) for b in (buffers or ())),
                json_bytes=len(encoded.encode()),
                sent_at=time.perf_counter(),
            )
        )


@dataclass
class CommRecorder:
    """Context manager that records every comm message widgets send while it is active."""

    messages: list[SentMessage] = field(default_factory=list)
    _saved_factory: Any = None

    def __enter__(self) -> CommRecorder:
        self._saved_factory = comm.create_comm
        comm.create_comm = self._create_comm
        return self

    def __exit__(self, *exc_info: object) -> None:
        comm.create_comm = self._saved_factory

    def _create_comm(self, **kwargs: Any) -> RecordingComm:
        return RecordingComm(self, **kwargs)

    # -- reading what was sent -------------------------------------------------------
    def messages_for(self, widget: Any) -> list[SentMessage]:
        return [m for m in self.messages if m.comm_id == widget.model_id]

    def since(self, start: int) -> list[SentMessage]:
        """Messages sent after ``start = len(recorder.messages)`` was taken."""
        return self.messages[start:]

    @property
    def total_bytes(self) -> int:
        return sum(m.total_bytes for m in self.messages)

    def clear(self) -> None:
        self.messages.clear()

    # -- the other direction: what a click in the browser sends ------------------------
    @staticmethod
    def send_from_frontend(widget: Any, content: dict[str, Any], buffers: list[bytes] | None = None) -> None:
        """Deliver an anywidget ``model.send(content)`` from the front end to ``widget``."""
        widget.comm.handle_msg(
            {"content": {"data": {"method": "custom", "content": content}}, "buffers": buffers or []}
        )

    @staticmethod
    def set_from_frontend(widget: Any, **state: Any) -> None:
        """Deliver a front-end ``model.set(...); model.save_changes()`` to ``widget``."""
        widget.comm.handle_msg(
            {"content": {"data": {"method": "update", "state": state, "buffer_paths": []}}, "buffers": []}
        )
