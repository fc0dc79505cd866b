"""Log records the benchmarks count instead of printing (shared by bench_training and gpu_check)."""

from __future__ import annotations

import logging
from collections import Counter


class LogCounter(logging.Filter):
    """Counts (and swallows) records of a logger, so the tables stay readable; reported at the end."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: Counter[str] = Counter()

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage().splitlines()[0]
        if "triggered tf.function retracing" in msg:
            fn = msg.split("calls to ")[-1].split(" at 0x")[0] if "calls to " in msg else "?"
            msg = f"tf.function retracing warning for {fn}"
        self.counts[f"{record.name} {record.levelname}: {msg[:160]}"] += 1
        return False
