"""A static SVG picture of a Plotly figure spec, drawn in pure Python (numpy only).

A saved notebook is often read without a kernel (GitHub, nbviewer, JupyterLab before a
kernel starts); a widget view then has nothing to draw and only ``text/plain`` is left.
Every nbkeras widget with charts therefore also puts this picture in its display bundle
(:meth:`nbkeras.widgets.base.NbKerasWidget.static_svg`); live front ends keep rendering the
widget, which ranks first.

It draws what the course shows, from the same specs the live views draw: ``scatter``
(lines, markers, text), ``heatmap`` and ``bar`` traces; subplots placed by their axes'
domains; linear, log, category and reversed axes; ``scaleanchor`` (square pixels);
paper annotations (subplot titles) and a compact legend. Other trace types are skipped
with a note. No plotly import, no browser, no kaleido; the output is deterministic.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
import struct
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

import numpy as np

from nbkeras._validate import is_number
from nbkeras.widgets.figure import to_static

MAX_LINE_POINTS = 2000  # a longer line keeps the min and max of each bucket
_MAX_MARKERS = 5000
_MAX_CELLS = 4000  # a larger heatmap is drawn as the means of square blocks of cells
_KINDS = {"scatter": "scatter", "scattergl": "scatter", "heatmap": "heatmap", "bar": "bar"}

# plotly.js's own defaults, used when the spec (and its template) says nothing.
_COLORWAY = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
# plotly.js's named colorscales (a name in a dict spec is resolved by plotly.js in the live
# view; plotly.py turns its own names into explicit [position, colour] lists).
_SCALES: dict[str, list[tuple[float, str]]] = {
    "greys": [(0, "#000000"), (1, "#ffffff")],
    "blues": [
        (0, "rgb(5,10,172)"),
        (0.35, "rgb(40,60,190)"),
        (0.5, "rgb(70,100,245)"),
        (0.6, "rgb(90,120,245)"),
        (0.7, "rgb(106,137,247)"),
        (1, "rgb(220,220,220)"),
    ],
    "reds": [(0, "rgb(220,220,220)"), (0.2, "rgb(245,195,157)"), (0.4, "rgb(245,160,105)"), (1, "rgb(178,10,28)")],
    "rdbu": [
        (0, "rgb(5,10,172)"),
        (0.35, "rgb(106,137,247)"),
        (0.5, "rgb(190,190,190)"),
        (0.6, "rgb(220,170,132)"),
        (0.7, "rgb(230,145,90)"),
        (1, "rgb(178,10,28)"),
    ],
    "bluered": [(0, "rgb(0,0,255)"), (1, "rgb(255,0,0)")],
    "viridis": [
        (0, "#440154"),
        (0.0627, "#48186a"),
        (0.1255, "#472d7b"),
        (0.1882, "#424086"),
        (0.251, "#3b528b"),
        (0.3137, "#33638d"),
        (0.3765, "#2c728e"),
        (0.4392, "#26828e"),
        (0.502, "#21918c"),
        (0.5647, "#1fa088"),
        (0.6275, "#28ae80"),
        (0.6902, "#3fbc73"),
        (0.7529, "#5ec962"),
        (0.8157, "#84d44b"),
        (0.8784, "#addc30"),
        (0.9412, "#d8e219"),
        (1, "#fde725"),
    ],
}
_DEFAULT_SCALE = "rdbu"  # plotly.js's default heatmap colorscale
_NAMED_COLORS = {
    "black": (0, 0, 0),
    "white": (255, 255, 255),
    "gray": (128, 128, 128),
    "grey": (128, 128, 128),
    "red": (255, 0, 0),
    "green": (0, 128, 0),
    "blue": (0, 0, 255),
    "orange": (255, 165, 0),
    "steelblue": (70, 130, 180),
    "lightgray": (211, 211, 211),
    "lightgrey": (211, 211, 211),
}
_DASHES = {"dot": "2,3", "dash": "6,4", "dashdot": "6,3,2,3", "longdash": "10,4", "longdashdot": "10,3,2,3"}
_TYPED_DTYPES = {
    "f8": "<f8",
    "f4": "<f4",
    "i1": "i1",
    "u1": "u1",
    "u1c": "u1",
    "i2": "<i2",
    "u2": "<u2",
    "i4": "<i4",
    "u4": "<u4",
}


# -- text and numbers ------------------------------------------------------------------------
def _t(value: Any) -> str:
    """Text or attribute content, escaped (quotes too)."""
    return escape(str(value), {'"': "&quot;"})


def _n(value: float) -> str:
    """A pixel coordinate, rounded to 1 decimal (``12``, ``12.5``)."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _text_of(value: Any) -> str:
    """A Plotly title: a string or ``{"text": ...}``."""
    if isinstance(value, Mapping):
        value = value.get("text")
    return value if isinstance(value, str) else ""


def _label(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 1e5 or abs(value) < 1e-3:
        return f"{value:.3g}"
    return f"{value:.6g}"


def _numeric(values: Any) -> np.ndarray | None:
    """A flat list of numbers, numeric strings and None as floats (None -> NaN), in C;
    None when some value is neither (text: a category axis). Numeric strings count as
    numbers, as in plotly.js's axis auto-typing."""
    try:
        array = np.array(values, dtype=float)
    except (TypeError, ValueError):
        return None
    return array if array.ndim == 1 else None


def _floats(values: Any) -> np.ndarray:
    """Numbers as floats; anything else (None, strings) as NaN."""
    if not isinstance(values, (list, tuple)):
        return np.zeros(0)
    fast = _numeric(values)
    if fast is not None:
        return fast
    return np.array([float(v) if is_number(v) else np.nan for v in values], dtype=float)


def _decode_typed(spec: Any) -> Any:
    """plotly.py's typed arrays (``{"dtype": "f8", "bdata": base64, "shape": "3, 3"}``) as numpy arrays."""
    if isinstance(spec, dict):
        if isinstance(spec.get("bdata"), str) and spec.get("dtype") in _TYPED_DTYPES:
            array = np.frombuffer(base64.b64decode(spec["bdata"]), dtype=_TYPED_DTYPES[spec["dtype"]]).astype(float)
            shape = spec.get("shape")
            if isinstance(shape, str):
                shape = [int(s) for s in shape.split(",")]
            return array.reshape(shape) if shape else array
        return {k: _decode_typed(v) for k, v in spec.items()}
    if isinstance(spec, (list, tuple)):
        return [_decode_typed(v) for v in spec]
    return spec


# -- colours -----------------------------------------------------------------------------------
def _rgb(color: Any) -> tuple[float, float, float] | None:
    if not isinstance(color, str):
        return None
    c = color.strip().lower()
    if re.fullmatch(r"#[0-9a-f]{3}", c):
        return tuple(int(ch * 2, 16) for ch in c[1:])  # type: ignore[return-value]
    if re.fullmatch(r"#[0-9a-f]{6}([0-9a-f]{2})?", c):
        return tuple(int(c[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]
    match = re.fullmatch(r"rgba?\(([^)]*)\)", c)
    if match:
        parts = match.group(1).split(",")
        try:
            return tuple(float(p) for p in parts[:3])  # type: ignore[return-value]
        except ValueError:
            return None
    return _NAMED_COLORS.get(c)


def _hex(rgb: Sequence[float]) -> str:
    return "#" + "".join(f"{int(round(min(max(v, 0), 255))):02x}" for v in rgb)


@dataclass
class _ColorMap:
    """A colorscale and the value range it spans."""

    positions: np.ndarray
    colors: np.ndarray  # (n, 3)
    lo: float
    hi: float

    def rgb(self, values: np.ndarray) -> np.ndarray:
        t = (
            np.full(values.shape, 0.5)
            if self.hi <= self.lo
            else np.clip((values - self.lo) / (self.hi - self.lo), 0, 1)
        )
        return np.stack([np.interp(t, self.positions, self.colors[:, k]) for k in range(3)], axis=-1)


def _scale_stops(value: Any, default: Any) -> tuple[np.ndarray, np.ndarray]:
    stops: list[tuple[float, tuple[float, float, float]]] = []
    reverse = False
    if isinstance(value, str):
        name = value.lower()
        if name.endswith("_r"):
            name, reverse = name[:-2], True
        value = _SCALES.get(name)
    if isinstance(value, (list, tuple)):
        for stop in value:
            if isinstance(stop, (list, tuple)) and len(stop) == 2 and is_number(stop[0]) and _rgb(stop[1]) is not None:
                stops.append((float(stop[0]), _rgb(stop[1])))  # type: ignore[arg-type]
    if len(stops) < 2:
        return _scale_stops(default, _DEFAULT_SCALE) if default is not None else _scale_stops(_DEFAULT_SCALE, None)
    if reverse:
        stops = [(1 - p, c) for p, c in reversed(stops)]
    return np.array([p for p, _ in stops]), np.array([c for _, c in stops], dtype=float)


def _color_range(source: Mapping[str, Any], prefix: str, data_lo: float, data_hi: float) -> tuple[float, float]:
    lo, hi, mid = (source.get(prefix + k) for k in ("min", "max", "mid"))
    if is_number(mid) and not (is_number(lo) and is_number(hi)):
        half = max(data_hi - mid, mid - data_lo)
        return mid - half, mid + half
    return (float(lo) if is_number(lo) else data_lo), (float(hi) if is_number(hi) else data_hi)


# -- the theme (template) ------------------------------------------------------------------
@dataclass
class _Theme:
    colorway: tuple[str, ...]
    heatmap_scale: Any
    sequential: Any

    @classmethod
    def of(cls, layout: Mapping[str, Any]) -> _Theme:
        template = layout.get("template") if isinstance(layout.get("template"), Mapping) else {}
        t_layout = template.get("layout") if isinstance(template.get("layout"), Mapping) else {}
        t_heatmaps = (template.get("data") or {}).get("heatmap") if isinstance(template.get("data"), Mapping) else None
        t_heatmap = (
            t_heatmaps[0] if isinstance(t_heatmaps, list) and t_heatmaps and isinstance(t_heatmaps[0], Mapping) else {}
        )
        colorway = layout.get("colorway") or t_layout.get("colorway") or _COLORWAY
        scales = layout.get("colorscale") or t_layout.get("colorscale") or {}
        return cls(
            colorway=tuple(c for c in colorway if isinstance(c, str)) or _COLORWAY,
            heatmap_scale=t_heatmap.get("colorscale") or _DEFAULT_SCALE,
            sequential=(scales.get("sequential") if isinstance(scales, Mapping) else None) or "reds",
        )


# -- axes --------------------------------------------------------------------------------------
def _category_key(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class _Axis:
    name: str  # "x", "y2", ...
    spec: Mapping[str, Any]
    categories: dict[str, int] = field(default_factory=dict)
    saw_text: bool = False
    lo: float = math.nan  # range in axis units (log10 of the values on a log axis)
    hi: float = math.nan
    span: tuple[float, float] = (0.0, 1.0)  # pixels: left/right for x, bottom/top for y

    @property
    def log(self) -> bool:
        return self.spec.get("type") == "log"

    @property
    def is_category(self) -> bool:
        kind = self.spec.get("type")
        return kind == "category" or (kind in (None, "-") and self.saw_text)

    @property
    def reversed(self) -> bool:
        given = self.spec.get("range")
        flipped = (
            isinstance(given, (list, tuple)) and len(given) == 2 and all(map(is_number, given)) and given[0] > given[1]
        )
        return (self.spec.get("autorange") == "reversed") != flipped

    @property
    def visible(self) -> bool:
        return self.spec.get("visible") is not False

    @property
    def show_labels(self) -> bool:
        return self.visible and self.spec.get("showticklabels") is not False

    @property
    def title(self) -> str:
        return _text_of(self.spec.get("title")) if self.visible else ""

    def observe(self, values: Any) -> None:
        """See an array of this axis's raw values before placing anything (category order)."""
        if not isinstance(values, (list, tuple)):
            return
        text = _numeric(values) is None and any(isinstance(v, str) for v in values)
        self.saw_text = self.saw_text or text
        if text or self.spec.get("type") == "category":
            for v in values:
                if v is not None:
                    self.categories.setdefault(_category_key(v), len(self.categories))

    def units(self, values: Any) -> np.ndarray:
        """Raw values in axis units: category index, log10, or the number; NaN when not placeable."""
        if not isinstance(values, (list, tuple)):
            return np.zeros(0)
        if self.is_category:
            return np.array(
                [np.nan if v is None else self.categories.get(_category_key(v), np.nan) for v in values], dtype=float
            )
        return self.scale(_floats(values))

    def scale(self, numbers: np.ndarray) -> np.ndarray:
        if not self.log:
            return numbers
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(numbers > 0, np.log10(np.where(numbers > 0, numbers, 1.0)), np.nan)

    def set_range(self, extents: list[tuple[float, float, bool]]) -> None:
        given = self.spec.get("range")
        if isinstance(given, (list, tuple)) and len(given) == 2 and all(map(is_number, given)) and given[0] != given[1]:
            self.lo, self.hi = sorted(map(float, given))
            return
        lows = [lo for lo, _, _ in extents if math.isfinite(lo)]
        highs = [hi for _, hi, _ in extents if math.isfinite(hi)]
        if not lows:
            self.lo, self.hi = 0.0, 1.0
            return
        lo, hi = min(lows), max(highs)
        if self.spec.get("rangemode") == "tozero" and not self.log and not self.is_category:
            lo, hi = min(lo, 0.0), max(hi, 0.0)
        if hi == lo:
            lo, hi = lo - (abs(lo) * 0.1 or 0.5), hi + (abs(hi) * 0.1 or 0.5)
        elif any(pad for _, _, pad in extents):
            margin = 0.05 * (hi - lo)
            lo, hi = lo - margin, hi + margin
        self.lo, self.hi = lo, hi

    def px(self, values: np.ndarray | float) -> Any:
        a, b = self.span
        if self.reversed:
            a, b = b, a
        return a + (np.asarray(values, dtype=float) - self.lo) * (b - a) / (self.hi - self.lo)

    def ticks(self) -> list[tuple[float, str]]:
        """(position in axis units, label): a few per axis."""
        lo, hi = self.lo, self.hi
        if self.spec.get("tickmode") == "array" and self.spec.get("tickvals") is not None:
            # Ticks the figure names itself (e.g. one label per band of rows).
            texts = self.spec.get("ticktext") or self.spec["tickvals"]
            placed = self.units(list(self.spec["tickvals"]))
            return [(float(u), _text_of(t)) for u, t in zip(placed, texts) if np.isfinite(u) and lo <= u <= hi]
        if self.is_category:
            names = [(i, name) for name, i in self.categories.items() if lo <= i <= hi]
            step = max(1, math.ceil(len(names) / (12 if self.name.startswith("x") else 20)))
            return [(float(i), name if len(name) <= 24 else name[:23] + "…") for i, name in names[::step]]
        if self.log:
            return [(math.log10(v), _label(v)) for v in log_ticks(10.0**lo, 10.0**hi)]
        return [(v, _label(v)) for v in _nice(lo, hi)]


def log_ticks(lo: float, hi: float, max_ticks: int = 6) -> list[float]:
    """Tick values for a log axis showing ``lo..hi`` (values, not logs): 2 to ``max_ticks``, never crowded.

    1, 2, 5 x 10^k when that gives 2 to ``max_ticks`` ticks; else powers of ten (every
    n-th when there are many); else round digits 1..9 x 10^k, thinned, neighbours at least a
    factor 1.25 apart; else round values of a linear step (a range narrower than one digit).
    So labels keep their distance instead of running together as Plotly's own log ticks do
    over about a decade ("7 8 9 100 2 3"). The same ticks serve the static picture and, as
    ``tickvals``, a Plotly figure.

    Example:
        >>> log_ticks(0.5, 300)
        [1.0, 10.0, 100.0]
        >>> log_ticks(60, 300)
        [100.0, 200.0]
    """
    if not (math.isfinite(lo) and math.isfinite(hi) and 0 < lo < hi):
        return []
    a, b = math.log10(lo), math.log10(hi)
    decades = range(math.floor(a) - 1, math.ceil(b) + 1)

    def within(mantissas: Iterable[int]) -> list[float]:
        values = (round(m * 10.0**k, 12) for k in decades for m in mantissas)
        return [v for v in values if lo * (1 - 1e-9) <= v <= hi * (1 + 1e-9)]

    one_two_five = within((1, 2, 5))
    if 2 <= len(one_two_five) <= max_ticks:
        return one_two_five
    powers = list(range(math.ceil(a - 1e-9), math.floor(b + 1e-9) + 1))
    if len(powers) >= 2:
        step = math.ceil(len(powers) / max_ticks)
        return [10.0**p for p in powers[::step]]
    digits = within(range(1, 10))
    kept: list[float] = []
    for v in digits[:: max(1, math.ceil(len(digits) / max_ticks))]:
        if not kept or v >= 1.25 * kept[-1]:
            kept.append(v)
    if len(kept) >= 2:
        return kept
    return [v for v in _nice(lo, hi) if v > 0]


def _nice(lo: float, hi: float, target: int = 5) -> list[float]:
    """3-6 round numbers (1, 2, 5 x 10^k steps) between lo and hi."""
    span = hi - lo
    if not (math.isfinite(span) and span > 0):
        return []
    magnitude = 10.0 ** math.floor(math.log10(span / target))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if span / (m * magnitude) <= target)
    first = math.ceil(lo / step - 1e-9)
    ticks = []
    k = first
    while k * step <= hi + 1e-9 * step:
        ticks.append(round(k * step, 12))
        k += 1
    return ticks


def _axis_key(name: str) -> str:
    return f"{name[0]}axis{name[1:]}"


# -- traces ------------------------------------------------------------------------------------
@dataclass
class _Trace:
    index: int
    kind: str  # "scatter", "heatmap" or "bar"
    spec: Mapping[str, Any]
    x: _Axis
    y: _Axis
    color: str
    xs: np.ndarray = field(
        default_factory=lambda: np.zeros(0)
    )  # scatter: points; heatmap: cell edges; bar: centres/values
    ys: np.ndarray = field(default_factory=lambda: np.zeros(0))
    z: np.ndarray | None = None

    @property
    def horizontal(self) -> bool:
        return self.kind == "bar" and self.spec.get("orientation") == "h"

    @property
    def mode(self) -> str:
        mode = self.spec.get("mode")
        if isinstance(mode, str):
            return mode
        return "lines+markers" if len(self.xs) < 20 else "lines"

    def raw(self) -> tuple[Any, Any]:
        """The raw x and y values (heatmap: cell coordinates), before placing."""
        x, y = self.spec.get("x"), self.spec.get("y")
        if self.kind == "heatmap":
            rows, cols = self.z.shape if self.z is not None else (0, 0)
            return (x if isinstance(x, list) else list(range(cols))), (y if isinstance(y, list) else list(range(rows)))
        n = max((len(v) for v in (x, y) if isinstance(v, list)), default=0)
        index = list(range(n))
        return (x if isinstance(x, list) else index), (y if isinstance(y, list) else index)

    def place(self) -> None:
        raw_x, raw_y = self.raw()
        if self.kind == "heatmap":
            assert self.z is not None
            self.xs = _edges(self.x, raw_x, self.z.shape[1])
            self.ys = _edges(self.y, raw_y, self.z.shape[0])
        else:
            self.xs, self.ys = self.x.units(raw_x), self.y.units(raw_y)
            n = min(len(self.xs), len(self.ys))
            self.xs, self.ys = self.xs[:n], self.ys[:n]

    def has_data(self) -> bool:
        if self.kind == "heatmap":
            return self.z is not None and bool(np.isfinite(self.z).any())
        return bool((np.isfinite(self.xs) & np.isfinite(self.ys)).any())

    def extents(self) -> dict[str, tuple[float, float, bool]]:
        """Per axis name: (lo, hi, pad) of what this trace needs to show."""
        if self.kind == "heatmap":
            return {self.x.name: _span(self.xs, False), self.y.name: _span(self.ys, False)}
        ok = np.isfinite(self.xs) & np.isfinite(self.ys)
        xs, ys = self.xs[ok], self.ys[ok]
        if self.kind == "bar":
            pos_axis, val_axis, pos, val = (self.y, self.x, ys, xs) if self.horizontal else (self.x, self.y, xs, ys)
            lo, hi, _ = _span(pos, False)
            # bars grow from 0; on a log axis (no 0) from the bottom of the range
            values = val if val_axis.log else np.append(val, 0.0)
            return {pos_axis.name: (lo - 0.5, hi + 0.5, False), val_axis.name: _span(values, True)}
        markers = "markers" in self.mode or "text" in self.mode
        return {self.x.name: _span(xs, markers), self.y.name: _span(ys, True)}


def _span(values: np.ndarray, pad: bool) -> tuple[float, float, bool]:
    finite = values[np.isfinite(values)]
    if not len(finite):
        return math.nan, math.nan, pad
    return float(finite.min()), float(finite.max()), pad


def _edges(axis: _Axis, coords: list[Any], n: int) -> np.ndarray:
    """n + 1 cell edges in axis units from n centres (or n + 1 edges) of a heatmap side."""
    if axis.is_category:
        centres = axis.units(coords[:n])
    else:
        numbers = _floats(coords)
        if len(numbers) == n + 1:
            return axis.scale(numbers)
        centres = numbers[:n] if len(numbers) >= n else np.arange(n, dtype=float)
    if n == 1:
        edges = np.array([centres[0] - 0.5, centres[0] + 0.5])
    else:
        mids = (centres[:-1] + centres[1:]) / 2
        edges = np.concatenate([[centres[0] - (mids[0] - centres[0])], mids, [centres[-1] + (centres[-1] - mids[-1])]])
    return edges if axis.is_category else axis.scale(edges)


def _matrix(z: Any) -> np.ndarray | None:
    if not isinstance(z, list) or not z or not all(isinstance(row, list) for row in z):
        return None
    width = max(len(row) for row in z)
    out = np.full((len(z), width), np.nan)
    for i, row in enumerate(z):
        out[i, : len(row)] = _floats(row)
    return out


def _line_indices(xs: np.ndarray, ys: np.ndarray, limit: int = MAX_LINE_POINTS) -> np.ndarray:
    """Indices of the points to draw, -1 marking a gap; at most about ``limit`` points.

    A longer line keeps, per bucket, its smallest and largest value (and each run's ends),
    so spikes and the overall envelope survive the cut.
    """
    n = len(xs)
    finite = np.isfinite(xs) & np.isfinite(ys)
    index = np.arange(n)
    if n <= limit:
        return np.where(finite, index, -1)
    kept = np.flatnonzero(finite)
    runs = np.split(kept, np.flatnonzero(np.diff(kept) > 1) + 1) if len(kept) else []
    if len(runs) > limit // 4:  # gaps everywhere: a plain stride keeps them
        return np.where(finite, index, -1)[:: math.ceil(n / limit)]
    parts: list[np.ndarray] = []
    for run in runs:
        budget = max(2, limit * len(run) // len(kept))
        if len(run) > budget:
            picks = {int(run[0]), int(run[-1])}
            for bucket in np.array_split(run, budget // 2):
                values = ys[bucket]
                picks.update((int(bucket[np.argmin(values)]), int(bucket[np.argmax(values)])))
            run = np.array(sorted(picks))
        parts += [run, np.array([-1])]
    return np.concatenate(parts[:-1]) if parts else np.zeros(0, dtype=int)


# -- drawing -------------------------------------------------------------------------------------
@dataclass
class _Drawing:
    body: str
    height: float


def _per_point(value: Any, n: int) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return list(value)[:n] + [None] * (n - len(value))
    return [value] * n


def _marker_colors(trace: _Trace, n: int, theme: _Theme | None = None) -> list[str]:
    marker = trace.spec.get("marker") if isinstance(trace.spec.get("marker"), Mapping) else {}
    value = marker.get("color")
    if isinstance(value, list) and value and all(is_number(v) or v is None for v in value):
        numbers = _floats(value)
        finite = numbers[np.isfinite(numbers)]
        lo, hi = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
        positions, colors = _scale_stops(marker.get("colorscale"), theme.sequential if theme else None)
        cmap = _ColorMap(positions, colors, *_color_range(marker, "c", lo, hi))
        value = [_hex(c) if math.isfinite(v) else None for v, c in zip(numbers, cmap.rgb(np.nan_to_num(numbers)))]
    return [c if isinstance(c, str) else trace.color for c in _per_point(value, n)]


def _scatter(trace: _Trace, theme: _Theme) -> list[str]:
    spec, mode = trace.spec, trace.mode
    line = spec.get("line") if isinstance(spec.get("line"), Mapping) else {}
    out: list[str] = []
    if "lines" in mode:
        keep = _line_indices(trace.xs, trace.ys)
        if spec.get("connectgaps") is True:
            keep = keep[keep >= 0]
            keep = keep[np.isfinite(trace.xs[keep]) & np.isfinite(trace.ys[keep])]
        d = _path(trace, keep, line.get("shape"))
        if d:
            dash = line.get("dash")
            dash = _DASHES.get(dash, dash.replace("px", "") if isinstance(dash, str) and dash != "solid" else None)
            width = line.get("width") if is_number(line.get("width")) else 2
            out.append(
                f'<path d="{d}" fill="none" stroke="{_t(line.get("color") or trace.color)}" stroke-width="{_n(width)}"'
                + (f' stroke-dasharray="{_t(dash)}"' if dash else "")
                + ' stroke-linejoin="round"/>'
            )
    n = len(trace.xs)
    shown = np.flatnonzero(np.isfinite(trace.xs) & np.isfinite(trace.ys))
    if "markers" in mode:
        marker = spec.get("marker") if isinstance(spec.get("marker"), Mapping) else {}
        sizes = [s if is_number(s) else 6 for s in _per_point(marker.get("size"), n)]
        colors = _marker_colors(trace, n, theme)
        picks = shown[:: math.ceil(len(shown) / _MAX_MARKERS)] if len(shown) > _MAX_MARKERS else shown
        px, py = trace.x.px(trace.xs[picks]), trace.y.px(trace.ys[picks])
        out += [
            f'<circle cx="{_n(a)}" cy="{_n(b)}" r="{_n(sizes[i] / 2)}" fill="{_t(colors[i])}"/>'
            for i, a, b in zip(picks, px, py)
        ]
    if "text" in mode and len(shown) <= MAX_LINE_POINTS:
        out += _scatter_text(trace, shown)
    return out


def _scatter_text(trace: _Trace, shown: np.ndarray) -> list[str]:
    spec = trace.spec
    texts = _per_point(spec.get("text"), len(trace.xs))
    font = spec.get("textfont") if isinstance(spec.get("textfont"), Mapping) else {}
    size = min(font.get("size") if is_number(font.get("size")) else 10, 12)
    color = font.get("color") if isinstance(font.get("color"), str) else "#444"
    position = spec.get("textposition") if isinstance(spec.get("textposition"), str) else "middle center"
    marker = spec.get("marker") if isinstance(spec.get("marker"), Mapping) else {}
    r = (marker.get("size") if is_number(marker.get("size")) else 6) / 2 if "markers" in trace.mode else 0
    dy = -(r + 3) if position.startswith("top") else (r + size) if position.startswith("bottom") else size / 3
    anchor, dx = (
        ("end", -(r + 3))
        if position.endswith("left")
        else ("start", r + 3)
        if position.endswith("right")
        else ("middle", 0)
    )
    px, py = trace.x.px(trace.xs[shown]), trace.y.px(trace.ys[shown])
    return [
        f'<text x="{_n(a + dx)}" y="{_n(b + dy)}" font-size="{_n(size)}" fill="{_t(color)}" '
        f'text-anchor="{anchor}">{_t(texts[i])}</text>'
        for i, a, b in zip(shown, px, py)
        if texts[i] not in (None, "")
    ]


def _path(trace: _Trace, keep: np.ndarray, shape: Any) -> str:
    """Path data through the kept points; a gap (-1) starts a new subpath."""
    parts: list[str] = []
    pen, last = "M", None
    safe = np.maximum(keep, 0)
    px, py = trace.x.px(trace.xs[safe]), trace.y.px(trace.ys[safe])
    for i, a, b in zip(keep, px, py):
        if i < 0:
            pen, last = "M", None
            continue
        point = (_n(a), _n(b))
        if point == last:
            continue
        if pen == "L" and last is not None and shape in ("hv", "vh"):
            corner = (point[0], last[1]) if shape == "hv" else (last[0], point[1])
            parts.append(f"L{corner[0]},{corner[1]}")
        parts.append(f"{pen}{point[0]},{point[1]}")
        pen, last = "L", point
    return " ".join(parts)


def _heatmap(
    trace: _Trace, theme: _Theme, layout: Mapping[str, Any], z_ranges: Mapping[str, tuple[float, float]]
) -> list[str]:
    assert trace.z is not None
    spec = trace.spec
    z, x_edges, y_edges = trace.z, trace.xs, trace.ys
    axis_name = spec.get("coloraxis")
    if isinstance(axis_name, str) and isinstance(layout.get(axis_name), Mapping):
        source, prefix, default = layout[axis_name], "c", theme.sequential
    else:
        axis_name, source, prefix, default = "", spec, "z", theme.heatmap_scale
    positions, colors = _scale_stops(source.get("colorscale"), default)
    if source.get("reversescale") is True:
        positions, colors = (1 - positions)[::-1], colors[::-1]
    cmap = _ColorMap(positions, colors, *_color_range(source, prefix, *z_ranges[axis_name or f"trace{trace.index}"]))
    smoothing = spec.get("zsmooth", "absent")
    if smoothing in ("best", "fast", False) and not isinstance(spec.get("texttemplate"), str):
        # A heatmap that states its smoothing is drawn as one image (every cell, a few kB).
        image = _heatmap_image(z, cmap.rgb(np.nan_to_num(z)), trace.x.px(x_edges), trace.y.px(y_edges), smoothing)
        if image:
            return [image]
    step = max(1, math.ceil(math.sqrt(z.size / _MAX_CELLS)))
    means = _block_means(z, step)
    # each block spans `step` cells, the last ones what is left
    px = trace.x.px(x_edges[[*range(0, z.shape[1], step), z.shape[1]]])
    py = trace.y.px(y_edges[[*range(0, z.shape[0], step), z.shape[0]]])
    fills = cmap.rgb(np.nan_to_num(means))
    template = spec.get("texttemplate") if isinstance(spec.get("texttemplate"), str) and step == 1 else ""
    cells, labels = [], []
    for r in range(means.shape[0]):
        y0, y1 = sorted((py[r], py[r + 1]))
        for c in range(means.shape[1]):
            x0, x1 = sorted((px[c], px[c + 1]))
            if not all(map(math.isfinite, (means[r, c], x0, x1, y0, y1))):
                continue
            # half a pixel under the next cell: rounded edges never leave a white seam
            cells.append(
                f'<rect x="{_n(x0)}" y="{_n(y0)}" width="{_n(x1 - x0 + 0.5)}" height="{_n(y1 - y0 + 0.5)}" '
                f'fill="{_hex(fills[r, c])}"/>'
            )
            if template:
                labels.append(
                    _cell_label(
                        trace, template, r, c, (x0 + x1) / 2, (y0 + y1) / 2, min(12.0, (y1 - y0) * 0.6), fills[r, c]
                    )
                )
    return [f'<g shape-rendering="crispEdges">{"".join(cells)}</g>', *labels]


def _png(rgba: np.ndarray) -> bytes:
    """An (h, w, 4) uint8 image as PNG bytes (8-bit RGBA, no filter)."""
    h, w, _ = rgba.shape

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = np.concatenate([np.zeros((h, 1), np.uint8), rgba.reshape(h, 4 * w)], axis=1)
    header = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows.tobytes(), 9))
        + chunk(b"IEND", b"")
    )


def _heatmap_image(values: np.ndarray, fills: np.ndarray, px: np.ndarray, py: np.ndarray, smoothing: Any) -> str:
    """A heatmap as one PNG image: scaled smoothly for Plotly's ``zsmooth`` "best"/"fast", with square
    pixels for ``zsmooth=False``.

    A 60 x 60 decision surface is a few kB this way, against ~270 kB as 3,600 rects. Only for
    evenly spaced cells (else "": drawn as rects); non-finite cells are transparent.
    """
    dx, dy = np.diff(px), np.diff(py)
    if not (np.allclose(dx, dx[0], rtol=1e-3) and np.allclose(dy, dy[0], rtol=1e-3)) or not (dx[0] and dy[0]):
        return ""
    alpha = np.where(np.isfinite(values), 255, 0)[..., None]
    rgba = np.concatenate([np.clip(np.rint(fills), 0, 255), alpha], axis=-1).astype(np.uint8)
    rgba = rgba[::-1] if dy[0] < 0 else rgba  # the image's first row is the top one on screen
    rgba = rgba[:, ::-1] if dx[0] < 0 else rgba
    x0, x1 = sorted((float(px[0]), float(px[-1])))
    y0, y1 = sorted((float(py[0]), float(py[-1])))
    data = base64.b64encode(_png(rgba)).decode("ascii")
    crisp = "" if smoothing else ' style="image-rendering:crisp-edges;image-rendering:pixelated"'
    return (
        f'<image x="{_n(x0)}" y="{_n(y0)}" width="{_n(x1 - x0)}" height="{_n(y1 - y0)}" '
        f'preserveAspectRatio="none"{crisp} href="data:image/png;base64,{data}"/>'
    )


def _block_means(z: np.ndarray, step: int) -> np.ndarray:
    """Means of the finite values in each ``step`` x ``step`` block (NaN where there are none)."""
    if step == 1:
        return z
    rows, cols = (-(-n // step) for n in z.shape)
    padded = np.full((rows * step, cols * step), np.nan)
    padded[: z.shape[0], : z.shape[1]] = z
    blocks = padded.reshape(rows, step, cols, step)
    finite = np.isfinite(blocks)
    counts = finite.sum(axis=(1, 3))
    sums = np.where(finite, blocks, 0.0).sum(axis=(1, 3))
    return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _cell_label(
    trace: _Trace, template: str, r: int, c: int, cx: float, cy: float, size: float, fill: np.ndarray
) -> str:
    spec = trace.spec
    values = {"z": trace.z[r, c] if trace.z is not None else None}
    for key, index in (("text", None), ("x", c), ("y", r)):
        raw = spec.get(key)
        if key == "text":
            values[key] = (
                raw[r][c]
                if isinstance(raw, list) and r < len(raw) and isinstance(raw[r], list) and c < len(raw[r])
                else raw
            )
        else:
            values[key] = raw[index] if isinstance(raw, list) and index < len(raw) else index

    def fill_in(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer() and not match.group(2):
            value = int(value)
        try:
            return format(value, match.group(2) or "")
        except (TypeError, ValueError):
            return str(value)

    text = re.sub(r"%\{(\w+)(?::([^}]*))?\}", fill_in, template)
    luminance = (0.299 * fill[0] + 0.587 * fill[1] + 0.114 * fill[2]) / 255
    color = "#ffffff" if luminance < 0.5 else "#222222"
    return (
        f'<text x="{_n(cx)}" y="{_n(cy + size / 3)}" font-size="{_n(max(size, 6))}" fill="{color}" '
        f'text-anchor="middle">{_t(text)}</text>'
    )


def _bars(trace: _Trace, group: tuple[int, int]) -> list[str]:
    k, count = group
    width = 0.8 / count
    marker = trace.spec.get("marker") if isinstance(trace.spec.get("marker"), Mapping) else {}
    colors = [c if isinstance(c, str) else trace.color for c in _per_point(marker.get("color"), len(trace.xs))]
    pos_axis, val_axis, pos, val = (
        (trace.y, trace.x, trace.ys, trace.xs) if trace.horizontal else (trace.x, trace.y, trace.xs, trace.ys)
    )
    base = val_axis.lo if val_axis.log else 0.0
    out = []
    for i in np.flatnonzero(np.isfinite(pos) & np.isfinite(val)):
        start = pos[i] - 0.4 + k * width
        p0, p1 = sorted(pos_axis.px(np.array([start, start + width])))
        v0, v1 = sorted(val_axis.px(np.array([base, val[i]])))
        x, y, w, h = (v0, p0, v1 - v0, p1 - p0) if trace.horizontal else (p0, v0, p1 - p0, v1 - v0)
        out.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="{_t(colors[i])}"/>')
    return out


def _legend(traces: list[_Trace], layout: Mapping[str, Any], width: float, top: float) -> tuple[list[str], float]:
    """A compact legend (rows of swatch + name) of the named traces; its height."""
    entries = [
        t
        for t in traces
        if isinstance(t.spec.get("name"), str) and t.spec["name"] and t.spec.get("showlegend") is not False
    ]
    if layout.get("showlegend") is False or len(entries) < 2:
        return [], 0.0
    out, x, y = [], 8.0, top + 10
    for trace in entries:
        name = trace.spec["name"]
        size = 34 + 6 * len(name)
        if x + size > width - 4 and x > 8:
            x, y = 8.0, y + 14
        line = trace.spec.get("line") if isinstance(trace.spec.get("line"), Mapping) else {}
        color = _t(line.get("color") or trace.color)
        if trace.kind == "scatter" and "lines" in trace.mode:
            dash = _DASHES.get(line.get("dash"))
            out.append(
                f'<line x1="{_n(x)}" y1="{_n(y - 3)}" x2="{_n(x + 16)}" y2="{_n(y - 3)}" '
                f'stroke="{color}" stroke-width="2"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>"
            )
        elif trace.kind == "scatter":
            out.append(f'<circle cx="{_n(x + 8)}" cy="{_n(y - 3)}" r="3.5" fill="{_t(_marker_colors(trace, 1)[0])}"/>')
        else:
            out.append(f'<rect x="{_n(x + 3)}" y="{_n(y - 8)}" width="10" height="10" fill="{color}"/>')
        out.append(f'<text x="{_n(x + 20)}" y="{_n(y)}" font-size="10">{_t(name)}</text>')
        x += size
    return out, y - top + 6


def _annotation(note: Mapping[str, Any], axes: Mapping[str, _Axis], frame: tuple[float, float, float, float]) -> str:
    text = note.get("text")
    if not isinstance(text, str) or not text or not is_number(note.get("x")) or not is_number(note.get("y")):
        return ""
    left, top, width, height = frame
    place = []
    for letter, value in (("x", note["x"]), ("y", note["y"])):
        ref = note.get(f"{letter}ref") or "paper"
        if ref == "paper":
            place.append(left + value * width if letter == "x" else top + (1 - value) * height)
        elif ref in axes:
            axis = axes[ref]
            place.append(float(axis.px(axis.scale(np.array([float(value)]))[0])))
        else:
            return ""
    font = note.get("font") if isinstance(note.get("font"), Mapping) else {}
    size = min(max(font.get("size") if is_number(font.get("size")) else 11, 8), 12)
    anchor = {"left": "start", "right": "end"}.get(note.get("xanchor"), "middle")
    y = place[1] + {"bottom": -3, "top": size}.get(note.get("yanchor"), size / 3)
    return f'<text x="{_n(place[0])}" y="{_n(y)}" font-size="{_n(size)}" text-anchor="{anchor}">{_t(text)}</text>'


@dataclass
class _Figure:
    """What a spec holds that can be drawn, with its axes' ranges set."""

    layout: Mapping[str, Any]
    theme: _Theme
    axes: dict[str, _Axis]
    traces: list[_Trace]
    notes: list[str]  # "(pie trace not drawn)", once per type

    @property
    def boxes(self) -> list[tuple[str, str]]:
        """The subplots: (x axis, y axis) names in the order traces use them."""
        return list(dict.fromkeys((t.x.name, t.y.name) for t in self.traces))


def _read(spec: Any) -> _Figure | None:
    if hasattr(spec, "to_plotly_json"):  # a plotly Figure (duck-typed: plotly is not imported here)
        spec = spec.to_plotly_json()
    spec = to_static(_decode_typed(spec))
    if not isinstance(spec, Mapping):
        return None
    layout = spec.get("layout") if isinstance(spec.get("layout"), Mapping) else {}
    figure = _Figure(layout, _Theme.of(layout), {}, [], [])
    for i, t in enumerate(d for d in (spec.get("data") or []) if isinstance(d, Mapping)):
        if t.get("visible") in (False, "legendonly"):
            continue
        kind = _KINDS.get(str(t.get("type") or "scatter"))
        z = _matrix(t.get("z")) if kind == "heatmap" else None
        if kind is None or (kind == "heatmap" and z is None):
            note = f"({t.get('type')} trace not drawn)"
            if note not in figure.notes:
                figure.notes.append(note)
            continue
        names = [
            t.get(k) if isinstance(t.get(k), str) and re.fullmatch(rf"{k[0]}\d*", t.get(k)) else k[0]
            for k in ("xaxis", "yaxis")
        ]
        for name in names:
            if name not in figure.axes:
                axis_spec = layout.get(_axis_key(name))
                figure.axes[name] = _Axis(name, axis_spec if isinstance(axis_spec, Mapping) else {})
        line = t.get("line") if isinstance(t.get("line"), Mapping) else {}
        marker = t.get("marker") if isinstance(t.get("marker"), Mapping) else {}
        # The trace's own colour, as plotly.js picks it (the legend's swatch, the markers' default):
        # a line's colour, else one marker colour for the whole trace (a bar's), else the colorway's.
        if kind == "scatter" and isinstance(line.get("color"), str):
            color = line["color"]
        elif isinstance(marker.get("color"), str):
            color = marker["color"]
        else:
            color = figure.theme.colorway[i % len(figure.theme.colorway)]
        figure.traces.append(_Trace(i, kind, t, figure.axes[names[0]], figure.axes[names[1]], color, z=z))
    for trace in figure.traces:  # every category is seen before anything is placed
        raw_x, raw_y = trace.raw()
        trace.x.observe(raw_x)
        trace.y.observe(raw_y)
    for trace in figure.traces:
        trace.place()
    figure.traces = [t for t in figure.traces if t.has_data()]
    if not figure.traces:
        return None
    extents: dict[str, list[tuple[float, float, bool]]] = {}
    for trace in figure.traces:
        for name, extent in trace.extents().items():
            extents.setdefault(name, []).append(extent)
    for axis in figure.axes.values():
        axis.set_range(extents.get(axis.name, []))
    return figure


def _header(figure: _Figure, title: str, width: float) -> tuple[list[str], float]:
    """Titles, legend and notes above the plots; their height."""
    head: list[str] = []
    y = 4.0
    for text, size, weight in ((title, 13, "600"), (_text_of(figure.layout.get("title")), 12, "500")):
        if text:
            head.append(f'<text x="8" y="{_n(y + size)}" font-size="{size}" font-weight="{weight}">{_t(text)}</text>')
            y += size + 6
    legend, legend_height = _legend(figure.traces, figure.layout, width, y)
    head += legend
    y += legend_height
    for note in figure.notes:
        head.append(f'<text x="8" y="{_n(y + 11)}" font-size="10" fill="#888">{_t(note)}</text>')
        y += 14
    return head, y


def _frame(
    figure: _Figure, ticks: Mapping[str, list[tuple[float, str]]], top: float, width: float, height: float | None
) -> tuple[tuple[float, float, float, float], float]:
    """The plotting area (left, top, width, height) below ``top`` and the picture's height; sets each axis's pixels."""
    layout, axes, boxes = figure.layout, figure.axes, figure.boxes
    left_axes = [axes[yn] for xn, yn in boxes if _domain(axes[xn])[0] == min(_domain(axes[b[0]])[0] for b in boxes)]
    bottom_axes = [axes[xn] for xn, yn in boxes if _domain(axes[yn])[0] == min(_domain(axes[b[1]])[0] for b in boxes)]
    label_chars = max((len(label) for a in left_axes for _, label in ticks[a.name]), default=0)
    margin_left = 10 + min(label_chars * 5.5 + 6, width * 0.3) + (16 if any(a.title for a in left_axes) else 0)
    margin_bottom = (
        8 + (14 if any(ticks[a.name] for a in bottom_axes) else 0) + (16 if any(a.title for a in bottom_axes) else 0)
    )
    titles_above = [
        a
        for a in layout.get("annotations") or []
        if isinstance(a, Mapping) and is_number(a.get("y")) and a["y"] >= 0.98
    ]
    margin_top = 6 + (16 if titles_above else 0)
    if height is None:
        body = float(layout["height"]) if is_number(layout.get("height")) else 360.0
        if is_number(layout.get("width")) and layout["width"] > 0:
            body *= width / float(layout["width"])
        body = min(max(body, 140.0), 900.0)
        total = top + body
    else:
        total = float(height)
        body = max(total - top, 60.0)
    frame = (
        margin_left,
        top + margin_top,
        max(width - margin_left - 10, 20.0),
        max(body - margin_top - margin_bottom, 20.0),
    )
    for axis in axes.values():
        d0, d1 = _domain(axis)
        if axis.name.startswith("x"):
            axis.span = (frame[0] + d0 * frame[2], frame[0] + d1 * frame[2])
        else:
            axis.span = (frame[1] + (1 - d0) * frame[3], frame[1] + (1 - d1) * frame[3])
    for xn, yn in boxes:
        _square(axes[xn], axes[yn])
    return frame, total


def _plots(figure: _Figure, ticks: Mapping[str, list[tuple[float, str]]]) -> tuple[list[str], list[str]]:
    """(clip paths, elements) of every trace, each clipped to its subplot over that subplot's grid."""
    defs, plot = [], []
    boxes = figure.boxes
    z_ranges = _z_ranges(figure.traces)
    started: set[int] = set()
    for trace in figure.traces:
        b = boxes.index((trace.x.name, trace.y.name))
        if b not in started:  # the subplot's first trace
            started.add(b)
            (x0, x1), (y1, y0) = sorted(trace.x.span), sorted(trace.y.span)
            defs.append(
                f'<clipPath id="@ID@-{b}"><rect x="{_n(x0)}" y="{_n(y1)}" width="{_n(x1 - x0)}" '
                f'height="{_n(y0 - y1)}"/></clipPath>'
            )
            plot += _grid(trace.x, trace.y, ticks)
        if trace.kind == "scatter":
            elements = _scatter(trace, figure.theme)
        elif trace.kind == "heatmap":
            elements = _heatmap(trace, figure.theme, figure.layout, z_ranges)
        else:
            same = (trace.x.name, trace.y.name, trace.horizontal)
            group = [t for t in figure.traces if t.kind == "bar" and (t.x.name, t.y.name, t.horizontal) == same]
            elements = _bars(trace, (group.index(trace), len(group)))
        plot.append(f'<g clip-path="url(#@ID@-{b})">{"".join(elements)}</g>')
    return defs, plot


def _draw(spec: Any, *, width: float, height: float | None, title: str, key: str = "") -> _Drawing | None:
    figure = _read(spec)
    if figure is None:
        return None
    head, top = _header(figure, title, width)
    ticks = {name: axis.ticks() if axis.show_labels else [] for name, axis in figure.axes.items()}
    frame, total = _frame(figure, ticks, top, width, height)
    defs, plot = _plots(figure, ticks)
    plot += _axis_labels(figure.axes, figure.boxes, ticks)
    plot += [
        _annotation(note, figure.axes, frame)
        for note in figure.layout.get("annotations") or []
        if isinstance(note, Mapping)
    ]
    body = f"<defs>{''.join(defs)}</defs>{''.join(head)}{''.join(plot)}"
    # ids unique to this picture, so that several inlined in one HTML page never clash
    uid = "nbk" + hashlib.sha1((key + body).encode()).hexdigest()[:10]
    return _Drawing(body.replace("@ID@", uid), round(total, 1))


def _domain(axis: _Axis) -> tuple[float, float]:
    domain = axis.spec.get("domain")
    if isinstance(domain, (list, tuple)) and len(domain) == 2 and all(map(is_number, domain)):
        lo, hi = sorted(min(max(float(v), 0.0), 1.0) for v in domain)
        return lo, hi
    return 0.0, 1.0


def _square(x: _Axis, y: _Axis) -> None:
    """``scaleanchor`` between a subplot's axes: equal pixels per unit (square heatmap cells)."""
    if not (y.spec.get("scaleanchor") == x.name or x.spec.get("scaleanchor") == y.name) or x.log or y.log:
        return
    ratio = next(
        (
            float(a.spec["scaleratio"])
            for a in (y, x)
            if is_number(a.spec.get("scaleratio")) and a.spec["scaleratio"] > 0
        ),
        1.0,
    )
    width, height = x.span[1] - x.span[0], y.span[0] - y.span[1]
    scale = min(width / (x.hi - x.lo), height / ((y.hi - y.lo) * ratio))
    new_width, new_height = scale * (x.hi - x.lo), scale * (y.hi - y.lo) * ratio
    cx, cy = sum(x.span) / 2, sum(y.span) / 2
    x.span = (cx - new_width / 2, cx + new_width / 2)
    y.span = (cy + new_height / 2, cy - new_height / 2)


def _z_ranges(traces: list[_Trace]) -> dict[str, tuple[float, float]]:
    """Data range of z per colour axis (shared by its traces) or per heatmap trace."""
    out: dict[str, tuple[float, float]] = {}
    for trace in traces:
        if trace.kind != "heatmap" or trace.z is None:
            continue
        axis = trace.spec.get("coloraxis")
        name = axis if isinstance(axis, str) else f"trace{trace.index}"
        finite = trace.z[np.isfinite(trace.z)]
        lo, hi = float(finite.min()), float(finite.max())
        old = out.get(name, (lo, hi))
        out[name] = (min(lo, old[0]), max(hi, old[1]))
    return out


def _grid(x: _Axis, y: _Axis, ticks: Mapping[str, list[tuple[float, str]]]) -> list[str]:
    out = []
    (x0, x1), (y1, y0) = sorted(x.span), sorted(y.span)
    if x.visible and x.spec.get("showgrid") is not False:
        out += [
            f'<line x1="{_n(p)}" y1="{_n(y0)}" x2="{_n(p)}" y2="{_n(y1)}"/>'
            for p in x.px(np.array([v for v, _ in ticks[x.name]]))
        ]
    if y.visible and y.spec.get("showgrid") is not False:
        out += [
            f'<line x1="{_n(x0)}" y1="{_n(p)}" x2="{_n(x1)}" y2="{_n(p)}"/>'
            for p in y.px(np.array([v for v, _ in ticks[y.name]]))
        ]
    return [f'<g stroke="#eee" stroke-width="1">{"".join(out)}</g>'] if out else []


def _axis_labels(
    axes: Mapping[str, _Axis], boxes: list[tuple[str, str]], ticks: Mapping[str, list[tuple[float, str]]]
) -> list[str]:
    """Tick labels and titles, each axis along the first subplot that uses it."""
    out = []
    for name, axis in axes.items():
        box = next(((axes[xn], axes[yn]) for xn, yn in boxes if name in (xn, yn)), None)
        if box is None:
            continue
        x, y = box
        (x0, x1), (y1, y0) = sorted(x.span), sorted(y.span)
        positions = axis.px(np.array([v for v, _ in ticks[name]]))
        labels = [label for _, label in ticks[name]]
        if name.startswith("x"):
            out += [
                f'<text x="{_n(p)}" y="{_n(y0 + 11)}" text-anchor="middle">{_t(s)}</text>'
                for p, s in zip(positions, labels)
            ]
            if axis.title:
                out.append(
                    f'<text x="{_n((x0 + x1) / 2)}" y="{_n(y0 + (25 if labels else 12))}" font-size="10" '
                    f'text-anchor="middle">{_t(axis.title)}</text>'
                )
        else:
            out += [
                f'<text x="{_n(x0 - 4)}" y="{_n(p + 3)}" text-anchor="end">{_t(s)}</text>'
                for p, s in zip(positions, labels)
            ]
            if axis.title:
                at = x0 - 8 - max((len(s) for s in labels), default=0) * 5.5
                cy = (y0 + y1) / 2
                out.append(
                    f'<text x="{_n(at)}" y="{_n(cy)}" font-size="10" text-anchor="middle" '
                    f'transform="rotate(-90 {_n(at)} {_n(cy)})">{_t(axis.title)}</text>'
                )
    return [f'<g font-size="9" fill="#555">{"".join(out)}</g>'] if out else []


def _svg(width: float, height: float, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width)}" height="{_n(height)}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" font-family="sans-serif" font-size="10">'
        f'<rect width="100%" height="100%" fill="white"/>{body}</svg>'
    )


# -- public ----------------------------------------------------------------------------------------
def figure_svg(spec: Mapping[str, Any], *, width: int = 640, height: int | None = None, title: str = "") -> str | None:
    """A standalone SVG picture of a Plotly figure spec; None when no trace has finite data.

    Args:
        spec: a Plotly figure dict (``data``, ``layout``); arrays may be numpy arrays, lists,
            nbkeras's wire form or plotly.py's typed arrays.
        width: the picture's width in pixels.
        height: the picture's height; by default from ``layout.height`` (scaled to ``width``).
        title: a heading above the figure's own title.

    Example:
        >>> svg = figure_svg({"data": [{"type": "scatter", "x": [0, 1], "y": [1, 3]}]})
    """
    drawing = _draw(spec, width=width, height=height, title=title)
    return None if drawing is None else _svg(width, drawing.height, drawing.body)


def figures_svg(figures: Sequence[tuple[str, Mapping[str, Any]]], *, width: int = 640) -> str | None:
    """Several ``(title, spec)`` figures stacked in one SVG; None when none has data."""
    parts, top = [], 0.0
    for i, (title, spec) in enumerate(figures):
        drawing = _draw(spec, width=width, height=None, title=title, key=str(i))
        if drawing is None:
            continue
        parts.append(f'<g transform="translate(0,{_n(top)})">{drawing.body}</g>')
        top += drawing.height + 12
    return _svg(width, top - 12, "".join(parts)) if parts else None
