"""NbKerasWidget: shared plotly.js, request/reply protocol, error banner, repr."""

from __future__ import annotations

import pytest
import traitlets

from nbkeras.testing import CommRecorder
from nbkeras.widgets import runtime
from nbkeras.widgets.base import NbKerasWidget, live_widgets
from nbkeras.widgets.static import bundle


class _Counter(NbKerasWidget):
    _esm = bundle("plotly_runtime.js")
    count = traitlets.Int(0).tag(sync=True)
    _settable = ("count",)
    _actions = {"reset": "reset"}

    @traitlets.validate("count")
    def _valid(self, proposal):
        if proposal["value"] < 0:
            raise traitlets.TraitError(f"Invalid value for argument `count`. Received: count={proposal['value']}. Expected >= 0.")
        return proposal["value"]

    def reset(self, to=0):
        self.count = to


@pytest.fixture
def fresh_runtime(monkeypatch):
    """A kernel that has not yet sent plotly.js."""
    monkeypatch.setattr(runtime, "_runtime", None)


def _plotly_messages(wire):
    size = runtime.plotly_js_path().stat().st_size
    return [m for m in wire.messages if any(len(b) == size for b in m.buffers)]


def test_plotly_js_is_sent_once_however_many_widgets(wire, fresh_runtime):
    widgets = [_Counter() for _ in range(5)]
    sent = _plotly_messages(wire)
    assert len(sent) == 1
    assert sent[0].msg_type == "comm_open"
    assert sent[0].buffers[0] == runtime.plotly_js_path().read_bytes()
    # every widget points at the same runtime model
    refs = {m.data["state"]["_plotly"] for m in wire.messages if m.msg_type == "comm_open" and "_plotly" in m.data["state"]}
    assert refs == {f"IPY_MODEL_{widgets[0]._plotly.model_id}"}
    # and the widgets themselves are small
    own = [m for w in widgets for m in wire.messages_for(w)]
    assert max(m.total_bytes for m in own) < 20_000


def test_a_closed_runtime_is_replaced(wire, fresh_runtime):
    first = _Counter()._plotly
    first.close()
    second = _Counter()._plotly
    assert second is not first and second.comm is not None
    assert len(_plotly_messages(wire)) == 2


def test_set_request_goes_through_the_validator_and_is_acknowledged(wire):
    w = _Counter()
    start = len(wire.messages)
    CommRecorder.send_from_frontend(w, {"type": "request", "seq": 1, "action": "set", "args": {"name": "count", "value": 3}})
    assert w.count == 3 and w._ack == 1 and w.error == ""
    # effect and acknowledgement travel in one update message
    (update,) = wire.since(start)
    assert update.data["state"] == {"count": 3, "_ack": 1}


def test_refused_value_shows_error_and_keeps_last_good_state(wire):
    w = _Counter()
    CommRecorder.send_from_frontend(w, {"type": "request", "seq": 1, "action": "set", "args": {"name": "count", "value": 4}})
    CommRecorder.send_from_frontend(w, {"type": "request", "seq": 2, "action": "set", "args": {"name": "count", "value": -1}})
    assert w.count == 4
    assert w._ack == 2
    assert "Received: count=-1. Expected >= 0." in w.error
    # the next good value clears the message
    CommRecorder.send_from_frontend(w, {"type": "request", "seq": 3, "action": "set", "args": {"name": "count", "value": 5}})
    assert (w.count, w.error, w._ack) == (5, "", 3)


def test_python_assignment_raises_the_same_message(wire):
    w = _Counter()
    with pytest.raises(traitlets.TraitError, match="Received: count=-2"):
        w.count = -2


def test_only_listed_attributes_and_actions_are_reachable(wire):
    w = _Counter()
    CommRecorder.send_from_frontend(w, {"type": "request", "seq": 1, "action": "set", "args": {"name": "_plotly", "value": None}})
    assert "Received: name='_plotly'" in w.error and w._plotly is not None
    CommRecorder.send_from_frontend(w, {"type": "request", "seq": 2, "action": "__init__", "args": {}})
    assert "Unknown request '__init__'" in w.error and w._ack == 2
    CommRecorder.send_from_frontend(w, {"type": "request", "seq": 3, "action": "reset", "args": {"to": 9}})
    assert (w.count, w.error) == (9, "")


def test_repr_is_deterministic_and_widgets_are_registered(wire):
    w = _Counter()
    assert repr(w) == "_Counter()"
    assert live_widgets()[w.model_id] is w
