"""Read what a figure needs out of a Trace: one block's states, its input, their value range."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import torch

from rnnstudio.core.spec import Project, RNNBlock, _RecurrentBlock
from rnnstudio.core.trace import RecurrentTrace, Trace

State = Literal["hidden", "cell"]


def recurrent_trace(trace: Trace, block: str) -> RecurrentTrace:
    """The states of ``block``; a ValueError lists the recurrent blocks when it is not one."""
    try:
        return trace.recurrent[block]
    except KeyError:
        names = ", ".join(trace.recurrent) or "none"
        raise ValueError(
            f"{block!r} is not a recurrent block of this trace; recurrent blocks: {names}"
        ) from None


def state_tensor(recurrent: RecurrentTrace, state: State) -> torch.Tensor:
    """``hidden`` or ``cell`` of a block: [layers, directions, batch, time, units]."""
    if state == "hidden":
        return recurrent.hidden
    if state == "cell":
        if recurrent.cell is None:
            raise ValueError(
                f"{recurrent.block} ({recurrent.kind.upper()}) has no cell state: only an "
                "LSTM has one; use state='hidden'"
            )
        return recurrent.cell
    raise ValueError(f"state must be 'hidden' or 'cell', got {state!r}")


def final_state(
    recurrent: RecurrentTrace, state: State, layer: int, direction: int, batch_index: int
) -> np.ndarray:
    """torch's own h_n (or c_n) of one layer, direction and batch item: [units]."""
    final = recurrent.h_n if state == "hidden" else recurrent.c_n
    assert final is not None
    layers, directions = recurrent.hidden.shape[:2]
    # h_n is [layers × directions, batch, units], or [layers × directions, units] unbatched.
    by_layer = final.reshape(layers, directions, -1, final.shape[-1])
    return by_layer[layer, direction, batch_index].detach().cpu().numpy()


def choose_indices(
    value: int | Sequence[int] | Literal["all"], count: int, name: str
) -> tuple[int, ...]:
    """``"all"``, one index or several, checked against ``count``."""
    if isinstance(value, str):
        if value != "all":
            raise ValueError(f"{name} must be an index, a list of indices or 'all', got {value!r}")
        return tuple(range(count))
    chosen = (value,) if isinstance(value, int | np.integer) else tuple(value)
    if not chosen:
        raise ValueError(f"{name} must name at least one index")
    for index in chosen:
        if not isinstance(index, int | np.integer) or not 0 <= index < count:
            raise ValueError(f"{name} must be in 0..{count - 1} or 'all', got {index!r}")
    return tuple(int(index) for index in chosen)


def check_batch_index(batch_index: int, batch: int) -> None:
    if not isinstance(batch_index, int | np.integer) or not 0 <= batch_index < batch:
        raise ValueError(
            f"batch_index must be in 0..{batch - 1} (the batch has {batch} items), "
            f"got {batch_index!r}"
        )


def previous_block(trace: Trace, block: str) -> str | None:
    """The block whose output ``block`` receives (None: the model's input)."""
    names = list(trace.outputs)
    index = names.index(block)
    return names[index - 1] if index else None


def block_input(
    trace: Trace, block: str, batch_index: int, project: Project | None = None
) -> np.ndarray:
    """What ``block`` read at each time step for one batch item: [features, time].

    The block reads a 3-D input with its own batch_first; without ``project`` it is told from
    the shapes, which needs batch size and sequence length to differ. A 2-D input is one
    unbatched sequence [time, features].
    """
    source = previous_block(trace, block)
    incoming = trace.input if source is None else trace.outputs[source]
    if incoming.dim() == 2:
        return incoming.detach().cpu().numpy().T
    batch, steps = trace.recurrent[block].hidden.shape[2:4]
    if project is not None:
        spec = project.block(block)
        assert isinstance(spec, _RecurrentBlock)
        batch_first = spec.batch_first
    elif batch == steps and incoming.shape[0] == incoming.shape[1]:
        raise ValueError(
            f"{block} receives {list(incoming.shape)}: batch and time have the same size, "
            "so only the project tells which axis is time; pass project=..."
        )
    else:
        batch_first = tuple(incoming.shape[:2]) == (batch, steps)
    sequence = incoming[batch_index] if batch_first else incoming[:, batch_index]
    return sequence.detach().cpu().numpy().T


def is_tanh_bounded(
    recurrent: RecurrentTrace, state: State, values: Sequence[np.ndarray], project: Project | None
) -> bool:
    """Whether the states lie in [-1, 1] by construction, so colours can be fixed to it.

    RNN with tanh, GRU and an unprojected LSTM's h are; a relu RNN, an LSTM's cell and a
    projected LSTM's h are not. Without ``project`` an RNN's nonlinearity is unknown: the
    states count as bounded when all of them lie in [-1, 1].
    """
    if state == "cell":
        return False
    if recurrent.kind == "gru":
        return True
    if recurrent.kind == "lstm":
        assert recurrent.cell is not None
        return recurrent.cell.shape[-1] == recurrent.hidden.shape[-1]
    if project is not None:
        spec = project.block(recurrent.block)
        assert isinstance(spec, RNNBlock)
        return spec.nonlinearity == "tanh"
    return all(v.size == 0 or (float(v.max()) <= 1.0 and float(v.min()) >= -1.0) for v in values)
