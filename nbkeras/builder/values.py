"""Plain Python values in a spec: :func:`python_scalars`.

Used by the spec's form check and by the compile settings' check, below both.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

__all__ = ["python_scalars"]


def python_scalars(value: Any, _depth: int = 0) -> Any:
    """``value`` with every NumPy scalar inside it turned into the Python scalar it holds.

    A spec built in a notebook often holds NumPy scalars (``np.bool_(False)``,
    ``np.int64(32)``, ``np.float32(0.1)``); they mean what the Python scalar means,
    and the canonical spec must hold Python values so that it dumps as JSON.
    Mappings become dicts, lists and tuples stay lists and tuples; anything else is
    returned as is. A float32 (or float16) becomes the shortest decimal that is the
    same float32, i.e. what the user wrote (``np.float32(0.1)`` gives ``0.1``).

    Example:
        >>> import numpy as np
        >>> python_scalars({"units": np.int64(3), "use_bias": np.bool_(False), "rate": np.float32(0.1)})
        {'units': 3, 'use_bias': False, 'rate': 0.1}
    """
    numpy = sys.modules.get("numpy")  # no NumPy loaded: no NumPy scalar can exist
    if numpy is not None and isinstance(value, numpy.generic):
        if isinstance(value, numpy.floating) and value.dtype.itemsize < 8:
            return float(str(value))
        return value.item()
    if _depth > 16:  # deeper than any spec; its form check refuses it
        return value
    if isinstance(value, Mapping):
        return {python_scalars(k, _depth + 1): python_scalars(v, _depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [python_scalars(v, _depth + 1) for v in value]
    if isinstance(value, tuple):
        return tuple(python_scalars(v, _depth + 1) for v in value)
    return value
