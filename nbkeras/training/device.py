"""Where training runs: CPU or GPU, which one, how much memory is in use.

:func:`training_device` is cheap (no op runs on the device): it reads TensorFlow's
device list, the GPU's name from its device details, the CPU's model from
``/proc/cpuinfo`` (or :mod:`platform`), and TensorFlow's allocator statistics.

Example:

    >>> from nbkeras.training.device import training_device
    >>> info = training_device()
    >>> info["kind"] in ("CPU", "GPU")
    True
"""

from __future__ import annotations

import functools
import platform
from typing import Any

from nbkeras._keras import tf

__all__ = ["training_device"]


@functools.lru_cache(maxsize=1)
def _cpu_name() -> str:
    # /proc/cpuinfo names the model ("AMD EPYC 9B14"); platform.processor() is
    # often empty or just "x86_64" on Linux.
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.lower().startswith(("model name", "hardware", "cpu model")):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "CPU"


def _strategy_name(t: Any) -> str | None:
    if not t.distribute.has_strategy():
        return None
    return type(t.distribute.get_strategy()).__name__


def training_device() -> dict[str, Any]:
    """Describe the device training runs on.

    Returns:
        A dict with:

        - ``kind``: ``"GPU"`` when TensorFlow sees a GPU, else ``"CPU"``.
        - ``name``: the GPU's name (``"NVIDIA H200"``) or the CPU's model.
        - ``count``: how many devices of that kind TensorFlow sees.
        - ``memory_in_use_bytes``: bytes TensorFlow holds on ``GPU:0`` now
          (``None`` on CPU, or when the allocator does not report it).
        - ``strategy``: class name of the active ``tf.distribute`` strategy when
          called inside a strategy's scope (``"MirroredStrategy"``), else ``None``.
        - ``replicas``: replicas training in sync (1 without a strategy; 2 for a
          MirroredStrategy over two logical devices, whatever ``count`` says).

    Example:

        >>> sorted(training_device())
        ['count', 'kind', 'memory_in_use_bytes', 'name', 'replicas', 'strategy']
    """
    t = tf()
    gpus = t.config.list_physical_devices("GPU")
    if gpus:
        name = None
        try:
            name = t.config.experimental.get_device_details(gpus[0]).get("device_name")
        except Exception:  # noqa: BLE001 - details are best effort (not every build reports them)
            name = None
        memory = None
        try:
            memory = int(t.config.experimental.get_memory_info("GPU:0")["current"])
        except Exception:  # noqa: BLE001 - before the GPU is initialised, or an allocator without stats
            memory = None
        return {
            "kind": "GPU",
            "name": name or gpus[0].name,
            "count": len(gpus),
            "memory_in_use_bytes": memory,
            "strategy": _strategy_name(t),
            "replicas": t.distribute.get_strategy().num_replicas_in_sync,
        }
    return {
        "kind": "CPU",
        "name": _cpu_name(),
        "count": len(t.config.list_physical_devices("CPU")),
        "memory_in_use_bytes": None,
        "strategy": _strategy_name(t),
        "replicas": t.distribute.get_strategy().num_replicas_in_sync,
    }
