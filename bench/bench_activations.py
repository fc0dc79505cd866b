"""Activation explorer: kernel-side cost of a control change, bytes per update, drag behaviour.

    python bench/bench_activations.py [--repeat 50]

All figures are kernel-side, measured through the recording comm (nbkeras.testing.CommRecorder):
the time from a front-end request arriving to the state update carrying the new curves being
handed to the comm. Compared in the same run with the tool people would otherwise reach for:
a plotly FigureWidget updated from an ipywidgets slider callback (curves computed with the same
Keras autodiff), whose trace arrays travel as JSON.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np

from nbkeras.activations import ActivationExplorer, activation_curves
from nbkeras.testing import CommRecorder


def _request(widget, seq, name, value):
    CommRecorder.send_from_frontend(
        widget, {"type": "request", "seq": seq, "action": "set", "args": {"name": name, "value": value}}
    )


def control_latency(activations, name, values, repeat):
    """Median ms to the answer (new curves), ms until all follow-up work, and bytes of the answer."""
    with CommRecorder() as wire:
        e = ActivationExplorer(activations=activations, points=1000)
        to_answer, to_all, sizes = [], [], []
        for i in range(repeat):
            start = len(wire.messages)
            t0 = time.perf_counter()
            _request(e, i + 1, name, values(e, i))
            t_all = time.perf_counter()
            sent = wire.since(start)
            (answer,) = [m for m in sent if "_ack" in m.data.get("state", {})]
            to_answer.append(answer.sent_at - t0)
            to_all.append(t_all - t0)
            sizes.append(sum(m.total_bytes for m in sent))
    return 1000 * statistics.median(to_answer), 1000 * statistics.median(to_all), statistics.median(sizes)


def simulated_drag(activations, seconds=2.0, rate=60.0):
    """A slider dragged at `rate` events/s for `seconds`, with the view's policy (js/src/lib/channel.js):
    one request in flight, only the newest pending value is sent when the answer comes.
    Kernel time per request is real (each request is really computed)."""
    with CommRecorder():
        e = ActivationExplorer(activations=activations, points=1000)
        start_count = e.computations
        events = [i / rate for i in range(int(seconds * rate))]
        clock, seq, i, lag = 0.0, 0, 0, []
        while i < len(events):
            clock = max(clock, events[i])
            # newest event that has arrived by now wins; older ones are dropped in the view
            while i + 1 < len(events) and events[i + 1] <= clock:
                i += 1
            seq += 1
            t0 = time.perf_counter()
            _request(
                e,
                seq,
                "params",
                {
                    n: {"negative_slope": 0.01 * (i % 50)} if "negative_slope" in e.params[n] else e.params[n]
                    for n in e.activations
                },
            )
            clock += time.perf_counter() - t0
            lag.append(clock - events[i])
            i += 1
        lag_ms = 1000 * np.array(lag)
        return e.computations - start_count, len(events), np.median(lag_ms), np.percentile(lag_ms, 95)


def figurewidget_baseline(repeat):
    import plotly.graph_objects as go

    x = np.linspace(-6, 6, 1000)
    with CommRecorder() as wire:
        fig = go.FigureWidget(data=[go.Scatter(x=x, y=x), go.Scatter(x=x, y=x)])
        times, sizes = [], []
        for i in range(repeat):
            start = len(wire.messages)
            t0 = time.perf_counter()
            y, dy = activation_curves("leaky_relu", x, negative_slope=0.01 * (i % 50 + 1))
            with fig.batch_update():
                fig.data[0].y = y
                fig.data[1].y = dy
            times.append(time.perf_counter() - t0)
            sizes.append(sum(m.total_bytes for m in wire.since(start)))
    ms = 1000 * statistics.median(times)
    return ms, ms, statistics.median(sizes)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    x_values = lambda e, i: [-6 + 0.01 * (i % 50), 6]  # noqa: E731
    rows = [
        (
            "x range changed, 1 activation, 1,000 points",
            control_latency(("leaky_relu",), "x_range", x_values, args.repeat),
        ),
        (
            "x range changed, 4 activations overlaid",
            control_latency(("sigmoid", "tanh", "relu", "leaky_relu"), "x_range", x_values, args.repeat),
        ),
        (
            "parameter slider moved, 1 activation (then the 10-layer depth panel)",
            control_latency(
                ("leaky_relu",),
                "params",
                lambda e, i: {"leaky_relu": {"negative_slope": 0.01 * (i % 50 + 1)}},
                args.repeat,
            ),
        ),
        ("baseline: plotly FigureWidget, 2 traces' y replaced (same Keras curves)", figurewidget_baseline(args.repeat)),
    ]
    print(
        f"| control change, kernel side, median of {args.repeat} | to new curves (ms) | to all follow-up work (ms) | bytes sent |"
    )
    print("|---|---|---|---|")
    for label, (answer_ms, all_ms, size) in rows:
        print(f"| {label} | {answer_ms:.1f} | {all_ms:.1f} | {size:,.0f} |")
    done, events, lag50, lag95 = simulated_drag(("leaky_relu",))
    print()
    print(
        f"Drag at 60 events/s for 2 s on leaky_relu: {events} slider events -> {done} kernel computations "
        f"(no backlog: newest value wins); chosen value -> kernel done: median {lag50:.0f} ms, p95 {lag95:.0f} ms."
    )


if __name__ == "__main__":
    main()
