"""The base class of every nbkeras widget.

Protocol between a view and the kernel (see js/src/lib/channel.js for the other half):

- The view never sets a validated trait itself. A control sends
  ``{"type": "request", "seq": n, "action": "set", "args": {"name": ..., "value": ...}}``;
  the kernel assigns the attribute exactly as Python code would (so one validator guards
  both), and always answers by setting ``_ack = n`` in the same state update as the
  change. A value the validator refuses becomes ``error`` (shown above the view) and the
  last good state stays.
- Because every request is answered, a view keeps at most one request in flight and
  sends only the newest pending value when the answer comes: a fast drag never queues
  a backlog in the kernel.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from typing import Any, ClassVar

import anywidget
import traitlets
from ipywidgets import widget_serialization

from nbkeras._keras import claim_loading_notice
from nbkeras._validate import check_choice  # no TensorFlow: the lazy door only
from nbkeras.widgets.picture import picture_bundle, picture_output
from nbkeras.widgets.runtime import PlotlyRuntime, plotly_runtime
from nbkeras.widgets.static import bundle

log = logging.getLogger("nbkeras")

# Every nbkeras widget alive in this kernel, by model id: a headless run
# (``nbkeras demo --headless``) asks them for their static figures at the end.
_live_widgets: weakref.WeakValueDictionary[str, NbKerasWidget] = weakref.WeakValueDictionary()
_svg_failure_reported = False  # a failing static picture is logged as a warning once per process


def live_widgets() -> dict[str, NbKerasWidget]:
    """The nbkeras widgets alive in this process, keyed by model id."""
    return dict(_live_widgets)


def _start_timer(delay: float, action: Callable[[], None]) -> Any:
    """A started daemon ``threading.Timer``; tests replace this to hold the clock."""
    import threading

    timer = threading.Timer(delay, action)
    timer.daemon = True
    timer.start()
    return timer


class _Settle:
    """Run ``action`` once, ``delay()`` seconds after the last :meth:`changed` (a debounce).

    :meth:`flush` runs a pending action at once (an explicit refresh, a test); the timer
    comes from ``_start_timer``, looked up at each change so a test can hold the clock.
    """

    def __init__(self, delay: Callable[[], float], action: Callable[[], None]) -> None:
        self._delay = delay
        self._action = action
        self._timer: Any = None
        self._generation = 0  # a timer fires only if no change or cancel came after it started

    @property
    def pending(self) -> bool:
        return self._timer is not None

    def changed(self) -> None:
        self.cancel()
        generation = self._generation

        def fire() -> None:
            if self._generation == generation:
                self._timer = None
                self._generation += 1
                self._action()

        timer = _start_timer(self._delay(), fire)
        if self._generation == generation:  # (a zero delay may already have fired)
            self._timer = timer

    def cancel(self) -> None:
        self._generation += 1
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()

    def flush(self) -> bool:
        """Run the pending action now (once); False when none was pending."""
        if self._timer is None:
            return False
        self.cancel()
        self._action()
        return True


_COMMAND_MARK = "_nbkeras_command"


def command(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the decorated method as the handler of the view request ``name``.

    The view sends ``{"action": name, "args": {...}}``; the kernel calls the method with
    ``**args``. ``name`` is the one name of the command on the wire, in JS and in Python::

        @command("stop")
        def _on_stop(self) -> None: ...
    """

    def mark(method: Callable[..., Any]) -> Callable[..., Any]:
        setattr(method, _COMMAND_MARK, name)
        return method

    return mark


class NbKerasWidget(anywidget.AnyWidget):
    """Base of nbkeras widgets: shared plotly.js, an error banner, request/reply actions.

    Subclasses set ``_esm = bundle("<name>.js")`` and declare the requests their view may
    send with :func:`command` on the handler; ``"set"`` is always available for the
    attributes listed in ``_settable``.
    """

    _css = bundle("nbkeras.css")  # one stylesheet for every nbkeras view
    _plotly = traitlets.Instance(PlotlyRuntime, help="shared plotly.js carrier").tag(sync=True, **widget_serialization)
    error = traitlets.Unicode("", help="message shown at the top of the view; empty when all is well").tag(sync=True)
    _ack = traitlets.Int(0, help="sequence number of the last request the kernel handled").tag(sync=True)

    _settable: ClassVar[tuple[str, ...]] = ()
    _commands: ClassVar[dict[str, str]] = {}  # wire name -> method name, collected from @command

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        commands: dict[str, str] = {}
        for klass in reversed(cls.__mro__):
            for attribute, value in vars(klass).items():
                wire_name = getattr(value, _COMMAND_MARK, None)
                if isinstance(wire_name, str):
                    commands[wire_name] = attribute
        cls._commands = commands

    # Traits whose changes make the static picture stale: after they settle for
    # PICTURE_SETTLE_SECONDS, the picture outputs are redrawn (refresh_static_output), so a
    # notebook saved after the user moved the controls shows what they last saw.
    _picture_traits: ClassVar[tuple[str, ...]] = ()
    PICTURE_SETTLE_SECONDS: ClassVar[float] = 1.5

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("_plotly", plotly_runtime())
        super().__init__(**kwargs)
        self.on_msg(self._on_frontend_msg)
        _live_widgets[self.model_id] = self
        self._picture_settle = _Settle(lambda: self.PICTURE_SETTLE_SECONDS, self._refresh_after_settle)
        self._picture_outputs: list[list[Any]] = []  # [display handle, bundle it shows] per picture output
        if self._picture_traits:
            self.observe(self._picture_changed, names=list(self._picture_traits))

    def _picture_changed(self, _change: Any) -> None:
        if self._picture_outputs:  # not shown yet: the first display draws the picture
            self._picture_settle.changed()

    def _refresh_after_settle(self) -> None:
        try:
            self.refresh_static_output()
        except Exception:  # a courtesy picture must never raise in a timer thread
            log.debug("nbkeras: picture refresh failed for %s", type(self).__name__, exc_info=True)

    def flush_picture(self) -> bool:
        """Redraw the picture now if changes are waiting to settle; returns whether any were.

        Pictures normally follow the controls ``PICTURE_SETTLE_SECONDS`` after the last
        change; this does it at once (before saving a notebook from code, in tests).
        """
        return self._picture_settle.flush()

    def static_figures(self) -> list[tuple[str, dict[str, Any]]]:
        """(title, Plotly figure spec) pairs that show this widget's state without a kernel.

        The same specs the live view draws; :mod:`nbkeras.report` inlines them.
        """
        return []

    def static_svg(self) -> str | None:
        """:meth:`static_figures` drawn as one SVG (stacked, each with its title); None without data.

        The widget's picture output carries it (see :meth:`display_once`), so that a notebook
        read without a kernel (GitHub, nbviewer) still shows the charts.
        """
        from nbkeras.widgets.svg import figures_svg  # numpy-heavy: only when something is shown

        return figures_svg(self.static_figures())

    # -- front-end requests ------------------------------------------------------------
    def _on_frontend_msg(self, _widget: Any, content: Any, buffers: list[Any]) -> None:
        if not isinstance(content, dict) or content.get("type") != "request":
            return
        seq = content.get("seq")
        action = content.get("action")
        args = content.get("args") or {}
        self._in_request = True
        with self.hold_sync():
            try:
                self._dispatch(action, args)
            except (traitlets.TraitError, ValueError, TypeError) as exc:
                # What the user typed was refused: say so where they are looking.
                self.error = str(exc)
            except Exception as exc:  # never let a view hang or die silently
                log.exception("nbkeras: request %r failed", action)
                self.error = f"{type(exc).__name__}: {exc}"
            finally:
                self._in_request = False
            if isinstance(seq, int):
                self._ack = seq
        # Slow, secondary work (see ``_defer``) goes out in its own message, after the
        # answer: the view redraws the main result without waiting for it.
        self._run_deferred()

    _in_request = False

    def _defer(self, name: str, work: Callable[[], None]) -> None:
        """Run ``work`` now, or — while answering a front-end request — right after the answer.

        Python assignments stay synchronous (the attribute is up to date when the
        statement returns); a control's request gets its main result first.
        """
        if not self._in_request:
            work()
            return
        self.__dict__.setdefault("_deferred", {})[name] = work

    def _run_deferred(self) -> None:
        deferred = self.__dict__.pop("_deferred", {})
        for name, work in deferred.items():
            try:
                with self.hold_sync():
                    work()
            except Exception as exc:  # shown in the view, never lost
                log.exception("nbkeras: deferred %s failed", name)
                self.error = f"{type(exc).__name__}: {exc}"

    def _dispatch(self, action: Any, args: dict[str, Any]) -> None:
        if action == "set":
            name = args.get("name")
            check_choice("name", name, self._settable)
            self.error = ""
            setattr(self, name, args.get("value"))
            return
        method_name = self._commands.get(action) if isinstance(action, str) else None
        if method_name is None:
            raise ValueError(f"Unknown request {action!r}. Expected one of: set, {', '.join(self._commands)}.")
        self.error = ""
        method: Callable[..., Any] = getattr(self, method_name)
        method(**args)

    # -- display -------------------------------------------------------------------------
    def _ipython_display_(self) -> None:
        # `nbkeras.explore_activations(...)` displays the widget and returns it; as a
        # cell's last expression IPython would display the return value again. Show a
        # widget at most once per cell execution (a later cell may show it again).
        self.display_once()

    def display_once(self, *, display_id: bool | str | None = None) -> Any:
        """Display the widget, and its picture below it, unless this cell execution already did.

        Two outputs: the widget's (its view, and ``text/plain``), which nbkeras never
        updates, so the live view is never re-created; then its picture output (see
        :mod:`nbkeras.widgets.picture`), hidden in live front ends and redrawn by
        :meth:`refresh_static_output`. With ``display_id=True`` (or a string) the widget's
        output gets that display id and its ``DisplayHandle`` is returned (updating it
        would re-create the view: pictures go through :meth:`refresh_static_output`).
        Returns None otherwise, or when the widget was already shown by this cell.
        """
        from IPython import get_ipython
        from IPython.display import display

        shell = get_ipython()
        count = getattr(shell, "execution_count", None)
        if count is not None and self.__dict__.get("_displayed_in") == count:
            return None
        self._displayed_in = count
        data, metadata = self._repr_mimebundle_()
        # The first widget of a kernel shows itself where this cell's "loading TensorFlow"
        # line was (nbkeras._keras.loading_notice), not below an empty output; that output
        # has no view yet, so updating it is the view's first render.
        notice = None if display_id else claim_loading_notice()
        if notice is not None:
            notice.update(data, metadata=metadata, raw=True)
            handle = None
        else:
            options: dict[str, Any] = {"display_id": display_id} if display_id else {}
            handle = display(data, metadata=metadata, raw=True, **options)
        picture, picture_metadata = self._picture_bundle()
        picture_handle = display(picture, metadata=picture_metadata, raw=True, display_id=True)
        if picture_handle is not None:
            self._picture_outputs.append([picture_handle, picture])
        return handle if display_id else None

    def refresh_static_output(self) -> None:
        """Redraw the picture in every picture output of this widget, now.

        For widgets whose charts fill in after they were shown (a comparison of runs that
        train in later cells, a dashboard at the end of its run): the saved notebook then
        keeps the final picture, not the empty one. Sends one ``update_display_data`` per
        picture output whose picture changed; the widget's own output, and so its live
        view, is never touched.
        """
        self._picture_settle.cancel()  # what a pending redraw would draw is drawn now
        if not self._picture_outputs:
            return
        picture, metadata = self._picture_bundle()
        for shown in self._picture_outputs:
            handle, previous = shown
            if picture != previous:
                handle.update(picture, metadata=metadata, raw=True)
                shown[1] = picture

    def _picture_bundle(self) -> tuple[dict[str, Any], dict[str, Any]]:
        return picture_output(self._static_bundle_or_empty(), self.model_id)

    def static_bundle(self) -> dict[str, str]:
        """Mime entries that show this widget's state without a kernel (may be empty).

        By default a picture of :meth:`static_svg`; a widget without charts (the model
        builder) gives a table instead.
        """
        svg = self.static_svg()
        return {} if svg is None else picture_bundle(svg, f"{type(self).__name__} charts")

    def _static_bundle_or_empty(self) -> dict[str, str]:
        # The picture is a courtesy to kernel-less readers: never let it break display.
        global _svg_failure_reported
        try:
            return self.static_bundle()
        except Exception:  # any spec a user passes may surprise the renderer
            if not _svg_failure_reported:
                _svg_failure_reported = True
                log.warning(
                    "nbkeras: no static picture for %s (shown only with a kernel)", type(self).__name__, exc_info=True
                )
            else:
                log.debug("nbkeras: no static picture for %s", type(self).__name__, exc_info=True)
            return {}

    # -- text form ---------------------------------------------------------------------
    def _repr_fields(self) -> dict[str, Any]:
        """The fields shown by ``repr``; subclasses list what identifies their state."""
        return {}

    def __repr__(self) -> str:
        # anywidget's repr holds a memory address, which breaks nbval output comparison.
        fields = ", ".join(f"{k}={v!r}" for k, v in self._repr_fields().items())
        return f"{type(self).__name__}({fields})"
