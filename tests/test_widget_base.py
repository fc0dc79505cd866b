"""NbKerasWidget: shared plotly.js, request/reply protocol, error banner, repr, its two outputs."""

from __future__ import annotations

import pytest
import traitlets

from nbkeras.testing import CommRecorder
from nbkeras.widgets import base, runtime
from nbkeras.widgets.base import NbKerasWidget, command, live_widgets
from nbkeras.widgets.picture import PICTURE_OF, WIDGET_VIEW
from nbkeras.widgets.static import bundle


class _Counter(NbKerasWidget):
    _esm = bundle("plotly_runtime.js")
    count = traitlets.Int(0).tag(sync=True)
    _settable = ("count",)

    @traitlets.validate("count")
    def _valid(self, proposal):
        if proposal["value"] < 0:
            raise traitlets.TraitError(
                f"Invalid value for argument `count`. Received: count={proposal['value']}. Expected >= 0."
            )
        return proposal["value"]

    @command("reset")
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
    refs = {
        m.data["state"]["_plotly"] for m in wire.messages if m.msg_type == "comm_open" and "_plotly" in m.data["state"]
    }
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
    CommRecorder.send_from_frontend(
        w, {"type": "request", "seq": 1, "action": "set", "args": {"name": "count", "value": 3}}
    )
    assert w.count == 3 and w._ack == 1 and w.error == ""
    # effect and acknowledgement travel in one update message
    (update,) = wire.since(start)
    assert update.data["state"] == {"count": 3, "_ack": 1}


def test_refused_value_shows_error_and_keeps_last_good_state(wire):
    w = _Counter()
    CommRecorder.send_from_frontend(
        w, {"type": "request", "seq": 1, "action": "set", "args": {"name": "count", "value": 4}}
    )
    CommRecorder.send_from_frontend(
        w, {"type": "request", "seq": 2, "action": "set", "args": {"name": "count", "value": -1}}
    )
    assert w.count == 4
    assert w._ack == 2
    assert "Received: count=-1. Expected >= 0." in w.error
    # the next good value clears the message
    CommRecorder.send_from_frontend(
        w, {"type": "request", "seq": 3, "action": "set", "args": {"name": "count", "value": 5}}
    )
    assert (w.count, w.error, w._ack) == (5, "", 3)


def test_python_assignment_raises_the_same_message(wire):
    w = _Counter()
    with pytest.raises(traitlets.TraitError, match="Received: count=-2"):
        w.count = -2


def test_only_listed_attributes_and_actions_are_reachable(wire):
    w = _Counter()
    CommRecorder.send_from_frontend(
        w, {"type": "request", "seq": 1, "action": "set", "args": {"name": "_plotly", "value": None}}
    )
    assert "Received: name='_plotly'" in w.error and w._plotly is not None
    CommRecorder.send_from_frontend(w, {"type": "request", "seq": 2, "action": "__init__", "args": {}})
    assert "Unknown request '__init__'" in w.error and w._ack == 2
    CommRecorder.send_from_frontend(w, {"type": "request", "seq": 3, "action": "reset", "args": {"to": 9}})
    assert (w.count, w.error) == (9, "")


def test_repr_is_deterministic_and_widgets_are_registered(wire):
    w = _Counter()
    assert repr(w) == "_Counter()"
    assert live_widgets()[w.model_id] is w


# -- the widget's output and its picture output -----------------------------------------------------------
class _Pictured(_Counter):
    """A widget whose picture (here a line of HTML) shows ``count``."""

    _picture_traits = ("count",)

    def static_bundle(self):
        return {"text/html": f"<p>count {self.count}</p>"}


@pytest.fixture
def published(monkeypatch):
    """Every display message a real IPython shell publishes: (data, metadata, display_id, update)."""
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell

    messages = []

    class Recorder(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            messages.append(
                {
                    "data": data,
                    "metadata": metadata,
                    "display_id": (transient or {}).get("display_id"),
                    "update": update,
                }
            )

    shell = InteractiveShell.instance()
    monkeypatch.setattr(shell, "display_pub", Recorder())
    monkeypatch.setattr(shell, "execution_count", 1)
    try:
        yield messages
    finally:
        InteractiveShell.clear_instance()  # later tests run without a shell, as before


@pytest.fixture
def clock(monkeypatch):
    """Hold the settle timers: each started timer is recorded and fires only when the test says."""

    class Timer:
        def __init__(self, delay, action):
            self.delay, self.fire, self.cancelled = delay, action, False

        def cancel(self):
            self.cancelled = True

    started = []
    monkeypatch.setattr(base, "_start_timer", lambda delay, action: started.append(Timer(delay, action)) or started[-1])
    return started


def test_a_widget_shows_its_view_then_its_picture_in_an_output_of_its_own(wire, published):
    w = _Pictured(count=3)
    assert w.display_once() is None
    view, picture = published
    # the widget's output: the live view and its text, no picture, no display id (never updated)
    assert view["data"] == {WIDGET_VIEW: view["data"][WIDGET_VIEW], "text/plain": "_Pictured()"}
    assert view["data"][WIDGET_VIEW]["model_id"] == w.model_id and view["display_id"] is None
    # the picture output: a view naming no model (live front ends hide it), then the picture
    assert picture["data"] == {
        WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": ""},
        "text/html": "<p>count 3</p>",
    }
    assert picture["metadata"] == {PICTURE_OF: w.model_id}
    assert picture["display_id"] and not picture["update"]
    assert w.display_once() is None and len(published) == 2  # once per cell execution


def test_picture_updates_name_the_picture_output_never_the_widgets(wire, published, clock):
    w = _Pictured()
    handle = w.display_once(display_id="board")  # a caller may still name the widget's output
    assert handle is not None and handle.display_id == "board" and published[0]["display_id"] == "board"
    picture_id = published[1]["display_id"]
    assert picture_id != "board"
    w.count = 1
    w.count = 2
    (timer,) = [t for t in clock if not t.cancelled]
    timer.fire()
    w.refresh_static_output()  # nothing changed since: nothing sent
    (update,) = published[2:]
    assert update["update"] and update["display_id"] == picture_id
    assert update["data"]["text/html"] == "<p>count 2</p>" and update["data"][WIDGET_VIEW]["model_id"] == ""
    assert update["metadata"] == {PICTURE_OF: w.model_id}
    assert not any(m["update"] and m["display_id"] == "board" for m in published)


def test_every_output_the_widget_was_shown_in_gets_its_picture_redrawn(wire, published, clock):
    from IPython.core.interactiveshell import InteractiveShell

    w = _Pictured()
    w.display_once()  # shown by cell 1 ...
    InteractiveShell.instance().execution_count = 2
    w.display_once()  # ... and again by cell 2
    pictures = [m["display_id"] for m in published if m["data"][WIDGET_VIEW]["model_id"] == ""]
    w.count = 5
    assert w.flush_picture() is True and w.flush_picture() is False  # now, once
    updates = published[4:]
    assert len(pictures) == 2 and sorted(m["display_id"] for m in updates) == sorted(pictures)
    assert all(m["update"] and m["data"]["text/html"] == "<p>count 5</p>" for m in updates)


def test_the_picture_follows_changes_once_they_settle(wire, outputs, clock):
    w = _Pictured()
    w.count = 1  # not shown yet: the first display draws the picture, no timer
    assert clock == []
    w.display_once()
    widget_output, picture_output = outputs
    assert picture_output.data["text/html"] == "<p>count 1</p>"
    for n in (2, 3, 4):
        w.count = n
    # each change restarts the wait; nothing is drawn while changes keep coming
    assert [t.delay for t in clock] == [NbKerasWidget.PICTURE_SETTLE_SECONDS] * 3
    assert [t.cancelled for t in clock] == [True, True, False]
    assert picture_output.updates == []
    clock[0].fire()  # a cancelled timer that fires anyway (a race) draws nothing
    assert picture_output.updates == []
    clock[-1].fire()
    assert [u["text/html"] for u in picture_output.updates] == ["<p>count 4</p>"]
    assert widget_output.updates == []


def test_an_explicit_refresh_draws_now_and_drops_the_pending_redraw(wire, outputs, clock):
    w = _Pictured()
    w.display_once()
    w.count = 7
    w.refresh_static_output()  # e.g. the end of a training run
    clock[-1].fire()  # the redraw it replaced
    assert clock[-1].cancelled and [u["text/html"] for u in outputs[1].updates] == ["<p>count 7</p>"]


def test_a_real_timer_redraws_once_after_the_settle_delay(wire, outputs, monkeypatch):
    import time

    monkeypatch.setattr(NbKerasWidget, "PICTURE_SETTLE_SECONDS", 0.01)
    w = _Pictured()
    w.display_once()
    w.count = 9  # one change: exactly one redraw, however loaded the machine
    deadline = time.monotonic() + 30
    while not outputs[1].updates and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)
    assert [u["text/html"] for u in outputs[1].updates] == ["<p>count 9</p>"]


def test_a_failing_redraw_in_the_timer_is_logged_not_raised(wire, outputs, clock, monkeypatch, caplog):
    import logging

    w = _Pictured()
    w.display_once()
    outputs[1].update = lambda *a, **k: 1 / 0
    w.count = 1
    with caplog.at_level(logging.DEBUG, logger="nbkeras"):
        clock[-1].fire()
    assert "picture refresh failed for _Pictured" in caplog.text
