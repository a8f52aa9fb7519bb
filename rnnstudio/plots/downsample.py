"""Reduce long sequences to at most one value per pixel while keeping their extremes.

Buckets are consecutive and of equal size ``step`` (the last one may be shorter): bucket ``i``
covers positions ``[i * step, min((i + 1) * step, n))``. Plots keep their axes in real time
steps, so a reduced column or point still sits where its steps are.
"""

from __future__ import annotations

import math

import numpy as np


def bucket_step(length: int, max_buckets: int) -> int:
    """The smallest bucket size that splits ``length`` positions into at most ``max_buckets``."""
    return max(1, math.ceil(length / max(1, max_buckets)))


def finite_range(*arrays: np.ndarray) -> tuple[float, float] | None:
    """The smallest and the largest finite value of all ``arrays`` (None: there is none).

    NaN and ±inf (a relu RNN that overflowed) are left out, so limits built on this range
    can always be drawn; the non-finite values still show, in the colormap's "bad" colour.
    """
    lows, highs = [], []
    for values in arrays:
        if values.size == 0:
            continue
        low, high = float(values.min()), float(values.max())
        if not (math.isfinite(low) and math.isfinite(high)):
            finite = values[np.isfinite(values)]
            if finite.size == 0:
                continue
            low, high = float(finite.min()), float(finite.max())
        lows.append(low)
        highs.append(high)
    return (min(lows), max(highs)) if lows else None


def _pad_to_multiple(values: np.ndarray, axis: int, step: int) -> np.ndarray:
    # Repeating the last value adds nothing new to the last bucket's minimum or maximum.
    missing = -values.shape[axis] % step
    if missing == 0:
        return values
    widths = [(0, 0)] * values.ndim
    widths[axis] = (0, missing)
    return np.pad(values, widths, mode="edge")


def minmax_envelope(values: np.ndarray, max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """Line data with at most ``max_points`` points per line that keeps every bucket's extremes.

    Args:
        values: ``[..., time]``, one line per leading index.
        max_points: the most points a line may have, e.g. the axes' width in pixels.

    Returns:
        ``(steps, reduced)``, both ``[..., points]``: with ``time <= max_points`` the real
        steps ``0..time-1`` and ``values`` unchanged; otherwise, per bucket of
        ``bucket_step(time, max_points // 2)`` steps, its minimum and its maximum at the steps
        where they occur, in time order.
    """
    values = np.asarray(values)
    length = values.shape[-1]
    if length <= max_points:
        steps = np.broadcast_to(np.arange(length), values.shape)
        return steps, values
    step = bucket_step(length, max(1, max_points // 2))
    buckets = _pad_to_multiple(values, -1, step).reshape(*values.shape[:-1], -1, step)
    starts = np.arange(buckets.shape[-2]) * step
    low_at = np.minimum(buckets.argmin(axis=-1) + starts, length - 1)
    high_at = np.minimum(buckets.argmax(axis=-1) + starts, length - 1)
    first = np.minimum(low_at, high_at)
    second = np.maximum(low_at, high_at)
    steps = np.stack([first, second], axis=-1).reshape(*values.shape[:-1], -1)
    reduced = np.take_along_axis(values, steps, axis=-1)
    return steps, reduced


def _reduce_rows(values: np.ndarray, step: int, reduce: np.ufunc) -> np.ndarray:
    """Reduce each bucket of ``step`` consecutive rows: [n, ...] -> [ceil(n / step), ...].

    Full buckets are a reshaped view (no copy for a C-contiguous array); a shorter last
    bucket is reduced on its own.
    """
    if step == 1:
        return values
    length = values.shape[0]
    full = length // step * step
    parts = []
    if full:
        buckets = values[:full].reshape(full // step, step, *values.shape[1:])
        parts.append(reduce.reduce(buckets, axis=1))
    if full < length:
        parts.append(reduce.reduce(values[full:], axis=0, keepdims=True))
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _block_reduce(values: np.ndarray, steps: tuple[int, int], reduce: np.ufunc) -> np.ndarray:
    # The large first pass runs over whole contiguous rows; the second one on its small result.
    first = _reduce_rows(values, steps[0], reduce)
    return _reduce_rows(first.T, steps[1], reduce).T


def extreme_blocks(
    image: np.ndarray, max_rows: int, max_columns: int
) -> tuple[np.ndarray, int, int]:
    """An image with at most ``max_rows`` × ``max_columns`` cells, each a block's extreme value.

    Args:
        image: ``[rows, columns]``, e.g. units × time (a transposed view of a C-contiguous
            [time, units] tensor is read in its own memory order, without a copy).

    Returns:
        ``(reduced, row_step, column_step)``: ``reduced[i, j]`` is the value of largest
        magnitude (the maximum on a tie) in the block of ``row_step`` rows and ``column_step``
        columns starting at ``(i * row_step, j * column_step)``, so a short spike in one unit
        stays visible with its sign. With both steps 1, ``reduced`` is ``image`` itself.
    """
    image = np.asarray(image)
    rows, columns = image.shape
    row_step = bucket_step(rows, max_rows)
    column_step = bucket_step(columns, max_columns)
    if row_step == 1 and column_step == 1:
        return image, 1, 1
    if image.T.flags.c_contiguous and not image.flags.c_contiguous:
        native, steps, transposed = image.T, (column_step, row_step), True
    else:
        native, steps, transposed = np.ascontiguousarray(image), (row_step, column_step), False
    high = _block_reduce(native, steps, np.maximum)
    low = _block_reduce(native, steps, np.minimum)
    reduced = np.where(high >= -low, high, low)
    return (reduced.T if transposed else reduced), row_step, column_step
