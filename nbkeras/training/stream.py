"""Transport of training series to views: throttled binary deltas, bounded snapshots.

Pure Python + numpy; the dashboard widget (:mod:`.dashboard`) sends what this builds.

- A **delta** carries only the points appended since the previous delta, as float32
  ``[steps..., values...]`` buffers (one per series), so the bytes of one update do not
  grow with the length of the run, and NaN/Inf travel as IEEE values (the view draws
  them as gaps), never as strings.
- A **snapshot** carries every point each series holds (bounded by the series'
  capacity). Views that render late, a reloaded page, or a series whose older points
  were just merged (``DecimatedSeries.compactions`` changed) resync from it.

How often they go is the presenter's rule (:class:`~nbkeras.training.presenter.Throttle`:
10 updates/s by default, far below jupyter_server's 1000 messages/s limit).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nbkeras.training.series import DecimatedSeries


def pack_points(steps: np.ndarray, values: np.ndarray) -> bytes:
    """``[steps..., values...]`` as little-endian float32 bytes (NaN/Inf preserved)."""
    with np.errstate(over="ignore"):  # beyond float32's range -> inf, drawn as a gap
        return np.concatenate([steps, values]).astype("<f4").tobytes()


def unpack_points(buffer: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of :func:`pack_points` (used by tests and the static report)."""
    flat = np.frombuffer(buffer, dtype="<f4")
    half = flat.size // 2
    return flat[:half], flat[half:]


@dataclass
class SeriesStream:
    """What each view has been sent of each series; builds deltas and snapshots.

    Sequence numbers let a view apply deltas in order: a snapshot carries the sequence
    number of the last delta it includes, and a delta numbered ``seq`` applies on top of
    state ``seq - 1``.
    """

    seq: int = 0
    _sent: dict[str, tuple[int, int]] = field(default_factory=dict)  # key -> (total_appended, compactions)

    def reset(self) -> None:
        self.seq = 0
        self._sent.clear()

    def delta(self, series: Mapping[str, DecimatedSeries]) -> tuple[dict[str, Any], list[bytes]] | None:
        """New points of every series since the last delta or snapshot.

        Returns:
            ``(header, buffers)``, or None when nothing is new, or raises
            :class:`ResyncNeeded` when a series' sent points were merged since.
        """
        keys: list[str] = []
        buffers: list[bytes] = []
        for key, s in series.items():
            sent_total, sent_compactions = self._sent.get(key, (0, s.compactions))
            if s.total_appended == sent_total:
                continue
            new = s.since(sent_total, compactions=sent_compactions) if key in self._sent else None
            if new is None and key in self._sent:
                raise ResyncNeeded(key)
            steps, values = new if new is not None else (s.steps, s.values)
            keys.append(key)
            buffers.append(pack_points(steps, values))
        if not keys:
            return None
        for key in keys:
            self._sent[key] = (series[key].total_appended, series[key].compactions)
        self.seq += 1
        return {"seq": self.seq, "series": keys}, buffers

    def snapshot(self, series: Mapping[str, DecimatedSeries]) -> dict[str, Any]:
        """Every point of every series, as a synced-state value ({key: bytes})."""
        self.seq += 1
        for key, s in series.items():
            self._sent[key] = (s.total_appended, s.compactions)
        return {"seq": self.seq, "series": {key: pack_points(s.steps, s.values) for key, s in series.items()}}


class ResyncNeeded(Exception):
    """A series' older points were merged: the views need a snapshot, not a delta."""
