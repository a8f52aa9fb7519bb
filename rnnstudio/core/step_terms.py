"""One time step of a run, taken apart: what a layer read, what it held, how h_t was formed.

The time scrubber shows, at step t, the input x_t, every layer's h_t and, for a plain RNN,
the update h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh) with the real numbers of a few
units. The terms are recomputed here from the model's own weights and the trace's own
states (in float64), so a student can check that they add up to the h_t that torch returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from .errors import ModelError
from .model import StackModel
from .trace import RecurrentTrace, Trace

DEFAULT_TERM_UNITS = 3


@dataclass(frozen=True)
class RNNUpdateTerms:
    """h_t = act(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh) for some units of one layer.

    Vectors over the chosen ``units`` (in that order): ``input_term`` (W_ih x_t),
    ``bias_ih``, ``recurrent_term`` (W_hh h_(t-1)), ``bias_hh`` (zeros without bias),
    ``pre_activation`` (their sum), ``h`` (the activation of the sum) and ``traced`` (h_t as
    the trace holds it). ``x`` is everything the layer read at step t [features] and
    ``h_previous`` its whole previous state [hidden], zeros at the first step it processes
    (``previous_step`` None). A reverse direction reads the sequence backwards, so its
    previous state is the one at step t + 1.
    """

    block: str
    layer: int
    direction: int
    batch_index: int
    step: int
    previous_step: int | None
    nonlinearity: str
    has_bias: bool
    units: tuple[int, ...]
    x: np.ndarray
    h_previous: np.ndarray
    input_term: np.ndarray
    bias_ih: np.ndarray
    recurrent_term: np.ndarray
    bias_hh: np.ndarray
    pre_activation: np.ndarray
    h: np.ndarray
    traced: np.ndarray


def _recurrent(model: StackModel, result: Trace, block: str) -> tuple[nn.RNNBase, RecurrentTrace]:
    states = result.recurrent.get(block)
    if states is None:
        names = ", ".join(result.recurrent) or "none"
        raise ModelError(
            f"{block!r} is not a recurrent block of this run; recurrent blocks: {names}"
        )
    module = getattr(model, block)
    assert isinstance(module, nn.RNNBase)
    return module, states


def _float64(tensor: torch.Tensor) -> np.ndarray:
    return tensor.detach().to(torch.float64).cpu().numpy()


def _check_index(name: str, value: int, count: int) -> None:
    if not 0 <= value < count:
        raise ModelError(f"{name} must be in 0..{count - 1}, got {value}")


def block_input_at(
    model: StackModel, result: Trace, block: str, batch_index: int, step: int
) -> np.ndarray:
    """What ``block`` read at time ``step`` for one batch item: [features], float64.

    The block's incoming tensor is the model's input or the previous block's output, laid
    out as the block's own batch_first says ([time, features] when it is unbatched).
    """
    module, states = _recurrent(model, result, block)
    names = list(result.outputs)
    index = names.index(block)
    incoming = result.input if index == 0 else result.outputs[names[index - 1]]
    batch, steps = states.hidden.shape[2:4]
    _check_index("batch_index", batch_index, batch)
    _check_index("step", step, steps)
    if incoming.dim() == 2:
        values = incoming[step]
    elif module.batch_first:
        values = incoming[batch_index, step]
    else:
        values = incoming[step, batch_index]
    return _float64(values)


def layer_input_at(
    model: StackModel, result: Trace, block: str, layer: int, batch_index: int, step: int
) -> np.ndarray:
    """What ``layer`` of ``block`` read at ``step``: the block's input for layer 0, else the
    layer below's h_t of every direction, forward first (torch feeds the next layer that)."""
    _module, states = _recurrent(model, result, block)
    _check_index("layer", layer, states.num_layers)
    if layer == 0:
        return block_input_at(model, result, block, batch_index, step)
    below = states.hidden[layer - 1, :, batch_index, step]  # [directions, hidden]
    return _float64(below.reshape(-1))


def rnn_update_terms(
    model: StackModel,
    result: Trace,
    block: str,
    *,
    step: int,
    layer: int = 0,
    direction: int = 0,
    batch_index: int = 0,
    units: Sequence[int] | None = None,
) -> RNNUpdateTerms:
    """The terms of a plain RNN's update at ``step`` for ``units`` (default: the first three).

    ``model`` is the model that produced ``result`` (its weights are read by torch's names,
    ``weight_ih_l{layer}[_reverse]`` ...). Raises ModelError for a GRU or LSTM (their update
    has gates) and for indices out of range.
    """
    module, states = _recurrent(model, result, block)
    if states.kind != "rnn":
        raise ModelError(
            f"{block} ({states.kind.upper()}) updates its state through gates; the terms "
            "W_ih x_t + b_ih + W_hh h_(t-1) + b_hh are shown for plain RNN blocks"
        )
    layers, directions, batch, steps, hidden = states.hidden.shape
    _check_index("layer", layer, layers)
    _check_index("direction", direction, directions)
    _check_index("batch_index", batch_index, batch)
    _check_index("step", step, steps)
    if units is None:
        chosen = tuple(range(min(DEFAULT_TERM_UNITS, hidden)))
    else:
        chosen = tuple(int(unit) for unit in units)
        for unit in chosen:
            _check_index("unit", unit, hidden)
    suffix = f"l{layer}" + ("_reverse" if direction == 1 else "")

    def weight(name: str) -> np.ndarray:
        return _float64(getattr(module, name))

    x = layer_input_at(model, result, block, layer, batch_index, step)
    # A reverse direction reads the sequence backwards: its previous step is t + 1.
    candidate = step - 1 if direction == 0 else step + 1
    previous_step = candidate if 0 <= candidate < steps else None
    if previous_step is None:
        h_previous = np.zeros(hidden)
    else:
        h_previous = _float64(states.hidden[layer, direction, batch_index, previous_step])
    rows = list(chosen)
    input_term = weight(f"weight_ih_{suffix}")[rows] @ x
    recurrent_term = weight(f"weight_hh_{suffix}")[rows] @ h_previous
    if module.bias:
        bias_ih = weight(f"bias_ih_{suffix}")[rows]
        bias_hh = weight(f"bias_hh_{suffix}")[rows]
    else:
        bias_ih = bias_hh = np.zeros(len(rows))
    pre_activation = input_term + bias_ih + recurrent_term + bias_hh
    nonlinearity = module.nonlinearity
    h = np.tanh(pre_activation) if nonlinearity == "tanh" else np.maximum(pre_activation, 0.0)
    traced = states.hidden[layer, direction, batch_index, step, rows]
    return RNNUpdateTerms(
        block=block,
        layer=layer,
        direction=direction,
        batch_index=batch_index,
        step=step,
        previous_step=previous_step,
        nonlinearity=nonlinearity,
        has_bias=bool(module.bias),
        units=chosen,
        x=x,
        h_previous=h_previous,
        input_term=input_term,
        bias_ih=bias_ih,
        recurrent_term=recurrent_term,
        bias_hh=bias_hh,
        pre_activation=pre_activation,
        h=h,
        traced=_float64(traced),
    )


@dataclass(frozen=True)
class LastStepCheck:
    """output = last_step passes on y[:, -1]: this puts it beside the last layer's h there.

    ``output`` is what the block passed on for one batch item [directions × hidden];
    ``state`` the last layer's h at the last step, directions concatenated as y has them;
    ``largest_difference`` the largest |output - state| (0 when they are the same numbers).
    ``final_state`` is torch's h_n of the last layer, forward direction: the same as the
    forward half of ``state`` (a reverse direction ends at step 0, so its half differs).
    """

    block: str
    layer: int
    step: int
    directions: int
    output: np.ndarray
    state: np.ndarray
    final_state: np.ndarray
    largest_difference: float


def last_step_check(
    model: StackModel, result: Trace, block: str, batch_index: int = 0
) -> LastStepCheck:
    """For a block with output = last_step: its output next to its last layer's state at the
    last step, for ``batch_index``. Raises ModelError for other blocks or outputs."""
    module, states = _recurrent(model, result, block)
    if getattr(module, "output", "sequence") != "last_step":
        raise ModelError(f"{block} passes on output={module.output}, not last_step")
    layers, directions, batch, steps, _hidden = states.hidden.shape
    _check_index("batch_index", batch_index, batch)
    output = result.outputs[block]
    row = output if output.dim() == 1 else output[batch_index]
    state = states.hidden[layers - 1, :, batch_index, steps - 1].reshape(-1)
    final = states.h_n.reshape(layers, directions, -1, states.h_n.shape[-1])
    final_state = final[layers - 1, 0, batch_index]
    as_numpy = [_float64(tensor) for tensor in (row, state, final_state)]
    difference = float(np.max(np.abs(as_numpy[0] - as_numpy[1]))) if as_numpy[0].size else 0.0
    return LastStepCheck(
        block=block,
        layer=layers - 1,
        step=steps - 1,
        directions=directions,
        output=as_numpy[0],
        state=as_numpy[1],
        final_state=as_numpy[2],
        largest_difference=difference,
    )
