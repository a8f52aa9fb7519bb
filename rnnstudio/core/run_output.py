"""The arrays of a run, and writing them as one ``.npz`` file or as CSV tables.

Array names: ``input`` (exactly the tensor fed to the model), ``output``, and for every
recurrent block ``<name>.hidden`` [layers, directions, batch, time, hidden] and, for an LSTM,
``<name>.cell`` [layers, directions, batch, time, hidden_size].

CSV layout: one file per array and per batch item, ``<array>_b<item>.csv`` (e.g.
``rnn1.hidden_b0.csv``), with a header row. When the array has a time axis there is one row
per time step, led by a ``step`` column; otherwise a single row. The other axes are
flattened into columns named by their indices: ``feature2`` (input), ``layer0_dir1_unit3``
(hidden and cell states), ``class4`` or ``unit3`` (output). An array without a batch axis
(an unbatched sequence inside the stack) is written as one file, ``<array>.csv``.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import numpy as np

from .analysis import BATCH, CLASSES, FEATURES, HIDDEN, LAYERS, TIME, analyze
from .spec import Project, _RecurrentBlock
from .trace import Trace

# Axes of the state traces, as trace() lays them out.
LAYER, DIRECTION = "layer", "direction"
STATE_AXES = (LAYER, DIRECTION, BATCH, TIME, HIDDEN)

_COLUMN_PREFIXES = {
    FEATURES: "feature",
    HIDDEN: "unit",
    CLASSES: "class",
    LAYER: "layer",
    DIRECTION: "dir",
}


def run_arrays(result: Trace) -> dict[str, np.ndarray]:
    """The arrays of a run as float32 numpy arrays, named as in the ``.npz`` file.

    ``input`` and ``output`` keep their tensors' shapes; ``<block>.hidden`` is [layers,
    directions, batch, time, hidden] and ``<block>.cell`` (LSTM only) [layers, directions,
    batch, time, hidden_size].
    """
    arrays = {
        "input": result.input.detach().cpu().numpy(),
        "output": result.output.detach().cpu().numpy(),
    }
    for name, states in result.recurrent.items():
        arrays[f"{name}.hidden"] = states.hidden.detach().cpu().numpy()
        if states.cell is not None:
            arrays[f"{name}.cell"] = states.cell.detach().cpu().numpy()
    return arrays


def array_axes(project: Project, arrays: dict[str, np.ndarray]) -> dict[str, tuple[str, ...]]:
    """The meaning of every axis of every run array (axis names from ``analysis``).

    The output's axes come from ``analyze(project)``; state traces are ``STATE_AXES``.
    """
    analysis = analyze(project)
    output = analysis.output if analysis.output is not None else analysis.input
    axes: dict[str, tuple[str, ...]] = {}
    for name, values in arrays.items():
        if name == "input":
            axes[name] = project.input.axes
        elif name == "output":
            axes[name] = output.axes
        else:
            axes[name] = STATE_AXES
        if len(axes[name]) != values.ndim:
            raise ValueError(f"{name} has {values.ndim} axes but {len(axes[name])} axis names")
    return axes


def save_npz(arrays: dict[str, np.ndarray], path: str | os.PathLike[str]) -> Path:
    """Write the arrays to ``path`` exactly as named (numpy would append .npz to a bare name)."""
    path = Path(path)
    with path.open("wb") as handle:
        np.savez(handle, **arrays)
    return path


def csv_file_count(project: Project, arrays: dict[str, np.ndarray]) -> int:
    """How many files ``save_csv_tables`` writes for these arrays."""
    axes = array_axes(project, arrays)
    return sum(
        values.shape[axes[name].index(BATCH)] if BATCH in axes[name] else 1
        for name, values in arrays.items()
    )


def save_csv_tables(
    project: Project, arrays: dict[str, np.ndarray], folder: str | os.PathLike[str]
) -> list[Path]:
    """Write every array as CSV tables in ``folder`` (see the module docstring for the layout).

    Values are written with 9 significant digits, enough to read back every float32 exactly.
    Returns the paths written, in array order then batch order.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    directions = _final_state_directions(project)
    written = []
    for name, values in array_axes(project, arrays).items():
        for suffix, header, table in _tables(arrays[name], values, directions):
            path = folder / f"{name}{suffix}.csv"
            formats = ["%d" if column == "step" else "%.9g" for column in header]
            np.savetxt(
                path, table, fmt=formats, delimiter=",", header=",".join(header), comments=""
            )
            written.append(path)
    return written


def _tables(
    values: np.ndarray, axes: tuple[str, ...], directions: int
) -> list[tuple[str, list[str], np.ndarray]]:
    """(file suffix, header, [rows, columns] table) for each batch item of one array."""
    order = [axis for axis in (BATCH, TIME) if axis in axes]
    rest = [axis for axis in axes if axis not in order]
    moved = np.moveaxis(values, [axes.index(axis) for axis in order + rest], range(values.ndim))
    items = moved if BATCH in axes else moved[np.newaxis]
    rest_sizes = [values.shape[axes.index(axis)] for axis in rest]
    columns = [
        "_".join(_label(axis, index, directions) for axis, index in zip(rest, indices, strict=True))
        for indices in itertools.product(*(range(size) for size in rest_sizes))
    ] or ["value"]
    tables = []
    for item_index, item in enumerate(items):
        rows = item.shape[0] if TIME in axes else 1
        table = item.reshape(rows, -1).astype(np.float64)
        header = list(columns)
        if TIME in axes:
            table = np.column_stack([np.arange(rows), table])
            header.insert(0, "step")
        suffix = f"_b{item_index}" if BATCH in axes else ""
        tables.append((suffix, header, table))
    return tables


def _label(axis: str, index: int, directions: int) -> str:
    if axis == LAYERS:
        # h_n / c_n stack layers and directions layer-major: index = layer * directions + dir.
        return f"layer{index // directions}_dir{index % directions}"
    return f"{_COLUMN_PREFIXES.get(axis, axis)}{index}"


def _final_state_directions(project: Project) -> int:
    """Directions of the last recurrent block: the source of a layers×directions output axis."""
    recurrent = [block for block in project.blocks if isinstance(block, _RecurrentBlock)]
    return recurrent[-1].directions if recurrent else 1
