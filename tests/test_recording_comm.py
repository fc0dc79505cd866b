"""The recording comm sees exactly what a widget would send to the front end."""

from __future__ import annotations

import math

import pytest
import traitlets
from ipywidgets import DOMWidget

from nbkeras.testing import CommRecorder


class _Probe(DOMWidget):
    value = traitlets.Float(0.0).tag(sync=True)
    blob = traitlets.Bytes(b"").tag(sync=True)


def test_open_then_update_are_recorded_with_sizes(wire):
    w = _Probe()
    opened = wire.messages_for(w)
    assert [m.msg_type for m in opened] == ["comm_open"]
    assert opened[0].data["state"]["value"] == 0.0

    w.value = 2.5
    update = wire.messages_for(w)[-1]
    assert (update.msg_type, update.method) == ("comm_msg", "update")
    assert update.data["state"] == {"value": 2.5}
    assert update.json_bytes == len('{"method":"update","state":{"value":2.5},"buffer_paths":[]}')
    assert update.buffers == ()


def test_bytes_travel_as_binary_buffers(wire):
    w = _Probe()
    start = len(wire.messages)
    w.blob = b"\x00" * 4096
    (msg,) = wire.since(start)
    assert msg.buffer_bytes == 4096
    assert msg.json_bytes < 200  # the payload is not in the JSON
    assert msg.total_bytes == msg.json_bytes + 4096


def test_nan_in_json_is_refused_as_it_would_be_mangled_in_the_browser(wire):
    w = _Probe()
    with pytest.raises(ValueError, match="JSON compliant"):
        w.value = math.nan


def test_front_end_messages_reach_the_widget(wire):
    w = _Probe()
    seen = []
    w.on_msg(lambda _w, content, _b: seen.append(content))
    CommRecorder.send_from_frontend(w, {"type": "ping"})
    CommRecorder.set_from_frontend(w, value=7.0)
    assert seen == [{"type": "ping"}]
    assert w.value == 7.0


def test_recorder_restores_the_comm_factory():
    import comm

    before = comm.create_comm
    with CommRecorder():
        assert comm.create_comm is not before
    assert comm.create_comm is before
