"""Every layer's hidden state (and LSTM cell state) at every time step, with the block's weights.

torch returns only the last layer's sequence y and each layer's final state h_n. ``trace``
runs a recurrent block one layer at a time through torch's own one-layer kernel, with that
layer's own weights, so every layer's sequence comes out of the same code path as a plain
forward. The LSTM cell state at every step, which torch never returns, is rebuilt from the
hidden states: the gates of all steps in one matrix product, then the linear recurrence
c_t = f_t * c_(t-1) + i_t * g_t solved by a parallel (Hillis–Steele) scan. Nothing loops over
time steps in Python.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from .analysis import BYTES_PER_VALUE, analyze
from .errors import ModelError, TraceCancelled
from .model import StackModel, select_output
from .spec import LSTMBlock, Project, _RecurrentBlock

# torch's one-layer kernels (the functions nn.RNN / nn.LSTM / nn.GRU call in their forward).
_KERNELS = {
    "RNN_TANH": torch.rnn_tanh,
    "RNN_RELU": torch.rnn_relu,
    "GRU": torch.gru,
    "LSTM": torch.lstm,
}
_KINDS = {"RNN_TANH": "rnn", "RNN_RELU": "rnn", "GRU": "gru", "LSTM": "lstm"}
# Gate blocks stacked in weight_ih / weight_hh: torch's input projection has this many rows
# per hidden unit, so it allocates [time, batch, gates × hidden] per direction.
_GATES = {"rnn": 1, "gru": 3, "lstm": 4}


@dataclass(frozen=True)
class RecurrentTrace:
    """The states of one recurrent block at every layer, direction and time step.

    ``hidden`` is [layers, directions, batch, time, hidden_out] whatever batch_first is (for a
    projected LSTM the projected h); ``cell`` (LSTM only) is [layers, directions, batch, time,
    hidden_size]. Both are views of time-major storage, as the kernels write it (like torch's
    own batch_first output); ``.contiguous()`` gives one block in this order. An unbatched
    (2-D) input gets batch size 1 here. ``h_n`` and ``c_n`` are exactly what torch returns:
    [layers × directions, batch, hidden] ([layers × directions, hidden] when unbatched).
    """

    block: str
    kind: str
    hidden: torch.Tensor
    cell: torch.Tensor | None
    h_n: torch.Tensor
    c_n: torch.Tensor | None

    @property
    def num_layers(self) -> int:
        return self.hidden.shape[0]

    @property
    def directions(self) -> int:
        return self.hidden.shape[1]


@dataclass(frozen=True)
class Trace:
    """What one run of a model produced: its input, every block's output, every state.

    ``outputs`` maps block name -> that block's output tensor, in block order; ``recurrent``
    maps each recurrent block's name -> its RecurrentTrace.
    """

    input: torch.Tensor
    outputs: dict[str, torch.Tensor]
    recurrent: dict[str, RecurrentTrace]

    @property
    def output(self) -> torch.Tensor:
        """The model's output: the last block's output (the input when there are no blocks)."""
        if not self.outputs:
            return self.input
        return next(reversed(self.outputs.values()))


def trace(
    model: StackModel,
    x: torch.Tensor,
    *,
    progress: Callable[[float], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> Trace:
    """Run ``model`` on ``x`` in eval mode and keep every block's output and every state.

    ``x`` is the model's input, e.g. [batch, time, features] (batch_first) or [time, batch,
    features]. Each recurrent block yields hidden [layers, directions, batch, time,
    hidden_out] and, for an LSTM, cell [layers, directions, batch, time, hidden_size].
    Dropout is off, as in eval mode, whatever ``model.training`` is. ``progress(fraction)`` is
    called after each block or recurrent layer; when ``cancel()`` returns True the trace
    stops with TraceCancelled. A tensor that does not fit a block raises ModelError naming the
    block.
    """
    if not isinstance(x, torch.Tensor):
        raise ModelError(f"trace needs a torch.Tensor as input, got {type(x).__name__}")
    children = list(model.named_children())
    total_steps = sum(
        module.num_layers if isinstance(module, nn.RNNBase) else 1 for _, module in children
    )
    counter = _Progress(total_steps, progress, cancel)
    outputs: dict[str, torch.Tensor] = {}
    recurrent: dict[str, RecurrentTrace] = {}
    current = x
    with torch.no_grad():
        for name, module in children:
            if isinstance(module, nn.RNNBase):
                try:
                    current, states = _trace_recurrent(name, module, current, counter)
                except RuntimeError as error:  # e.g. torch cannot allocate the memory
                    raise ModelError(f"{name}: {error}") from None
                recurrent[name] = states
            else:
                counter.check(name)
                current = _run_block(name, module, current)
                counter.advance()
            outputs[name] = current
    counter.finish()
    return Trace(input=x, outputs=outputs, recurrent=recurrent)


class _Progress:
    """Counts finished units of work (blocks and recurrent layers) for the callbacks."""

    def __init__(
        self,
        total: int,
        progress: Callable[[float], None] | None,
        cancel: Callable[[], bool] | None,
    ) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.progress = progress
        self.cancel = cancel

    def check(self, block: str) -> None:
        if self.cancel is not None and self.cancel():
            raise TraceCancelled(f"the trace was cancelled before {block} finished")

    def advance(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(min(self.done / self.total, 1.0))

    def finish(self) -> None:
        if self.progress is not None and self.done == 0:
            self.progress(1.0)


def _run_block(name: str, module: nn.Module, incoming: torch.Tensor) -> torch.Tensor:
    try:
        return module(incoming)
    except (RuntimeError, ValueError, IndexError) as error:
        raise ModelError(
            f"{name}: {error} (it received a tensor of shape {list(incoming.shape)})"
        ) from None


def _check_recurrent_input(name: str, module: nn.RNNBase, incoming: torch.Tensor) -> None:
    """The checks nn.RNNBase makes before its kernel runs, with the block's name added."""
    kind = _KINDS[module.mode].upper()
    if incoming.dim() not in (2, 3):
        raise ModelError(
            f"{name}: {kind}: Expected input to be 2D or 3D, got {incoming.dim()}D instead "
            f"(shape {list(incoming.shape)}); pass [batch, time, features]"
        )
    if incoming.shape[-1] != module.input_size:
        raise ModelError(
            f"{name}: input.size(-1) must be equal to input_size. Expected "
            f"{module.input_size}, got {incoming.shape[-1]} (shape {list(incoming.shape)})"
        )
    weight = module.weight_ih_l0
    if incoming.dtype != weight.dtype or incoming.device != weight.device:
        raise ModelError(
            f"{name}: input must be {weight.dtype} on {weight.device} like the weights, got "
            f"{incoming.dtype} on {incoming.device}; convert it, e.g. x.to(torch.float32)"
        )


def _layer_weights(module: nn.RNNBase, layer: int) -> list[torch.Tensor]:
    """One layer's weights in the order torch's kernels take them (forward, then reverse)."""
    names = []
    for suffix in ("", "_reverse")[: 2 if module.bidirectional else 1]:
        names += [f"weight_ih_l{layer}{suffix}", f"weight_hh_l{layer}{suffix}"]
        if module.bias:
            names += [f"bias_ih_l{layer}{suffix}", f"bias_hh_l{layer}{suffix}"]
        if getattr(module, "proj_size", 0) > 0:
            names.append(f"weight_hr_l{layer}{suffix}")
    return [getattr(module, name) for name in names]


def _trace_recurrent(
    name: str, module: nn.RNNBase, incoming: torch.Tensor, counter: _Progress
) -> tuple[torch.Tensor, RecurrentTrace]:
    """Run a recurrent block layer by layer; returns its output and its states."""
    _check_recurrent_input(name, module, incoming)
    kind = _KINDS[module.mode]
    kernel = _KERNELS[module.mode]
    batched = incoming.dim() == 3
    # Work time-major [time, batch, features]: torch's kernels do so internally too.
    if not batched:
        sequence = incoming.unsqueeze(1)
    elif module.batch_first:
        sequence = incoming.transpose(0, 1)
    else:
        sequence = incoming
    steps, batch = sequence.shape[0], sequence.shape[1]
    directions = 2 if module.bidirectional else 1
    hidden_size = module.hidden_size
    out_size = getattr(module, "proj_size", 0) or hidden_size
    options = {"dtype": incoming.dtype, "device": incoming.device}
    # Stored time-major, as the kernels write it, and handed out as a [.., batch, time, ..]
    # view: a strided copy of every layer's states would cost as much as the cell states.
    hidden = torch.empty(module.num_layers, directions, steps, batch, out_size, **options)
    initial: torch.Tensor | tuple[torch.Tensor, torch.Tensor]
    initial = torch.zeros(directions, batch, out_size, **options)
    cell = cell_states = None
    if kind == "lstm":
        cell = torch.empty(module.num_layers, directions, steps, batch, hidden_size, **options)
        cell_states = _LSTMCellStates(steps, batch, hidden_size, options)
        initial = (initial, torch.zeros(directions, batch, hidden_size, **options))
    finals_h: list[torch.Tensor] = []
    finals_c: list[torch.Tensor] = []
    for layer in range(module.num_layers):
        counter.check(name)
        weights = _layer_weights(module, layer)
        # Arguments: weights, has_biases, num_layers, dropout, train, bidirectional, batch_first.
        config = (weights, module.bias, 1, 0.0, False, module.bidirectional, False)
        layer_input = sequence
        if cell_states is None:
            sequence, h_n = kernel(layer_input, initial, *config)
        else:
            with warnings.catch_warnings():
                # torch's note that oneDNN lacks projections concerns speed, not results.
                warnings.filterwarnings("ignore", "LSTM with projections", UserWarning)
                sequence, h_n, c_n = kernel(layer_input, initial, *config)
            finals_c.append(c_n)
        finals_h.append(h_n)
        by_direction = sequence.unflatten(-1, (directions, out_size))
        hidden[layer].copy_(by_direction.permute(2, 0, 1, 3))
        if cell_states is not None and cell is not None:
            per_direction = len(weights) // directions
            for direction in range(directions):
                cell_states.compute(
                    layer_input,
                    by_direction[:, :, direction],
                    weights[direction * per_direction : (direction + 1) * per_direction],
                    module.bias,
                    reverse=direction == 1,
                    out=cell[layer, direction],
                )
        counter.advance()

    h_n = torch.cat(finals_h) if len(finals_h) > 1 else finals_h[0]
    c_n = None
    if finals_c:
        c_n = torch.cat(finals_c) if len(finals_c) > 1 else finals_c[0]
    if batched:
        y = sequence.transpose(0, 1) if module.batch_first else sequence
    else:
        y = sequence.squeeze(1)
        h_n = h_n.squeeze(1)
        c_n = c_n.squeeze(1) if c_n is not None else None
    output = getattr(module, "output", "sequence")
    chosen = select_output(output, module.batch_first, y, h_n, c_n)
    if output == "last_step":
        chosen = chosen.clone()  # a view of y's last step would keep all of y alive
    hidden = hidden.transpose(2, 3)
    cell = cell.transpose(2, 3) if cell is not None else None
    return chosen, RecurrentTrace(name, kind, hidden, cell, h_n, c_n)


class _LSTMCellStates:
    """Rebuilds the cell state of every step of an LSTM layer, one direction at a time.

    The buffers are made once per block and reused by every layer and direction: a fresh
    multi-megabyte tensor costs page faults comparable to the arithmetic done in it.
    """

    def __init__(
        self,
        steps: int,
        batch: int,
        hidden_size: int,
        options: dict[str, torch.dtype | torch.device],
    ) -> None:
        self.hidden_size = hidden_size
        self.shape = (steps, batch, hidden_size)
        self.options = options
        self._scan_buffers: tuple[torch.Tensor, torch.Tensor] | None = None

    def scan_buffers(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The gates i, f, g [time, batch, 3 × hidden] and one spare [time, batch, hidden],
        made on first use: the output-gate path needs neither, and fresh memory costs page
        faults as it is first written."""
        if self._scan_buffers is None:
            steps, batch, size = self.shape
            self._scan_buffers = (
                torch.empty(steps, batch, 3 * size, **self.options),
                torch.empty(steps, batch, size, **self.options),
            )
        return self._scan_buffers

    def compute(
        self,
        layer_input: torch.Tensor,
        hidden_states: torch.Tensor,
        weights: list[torch.Tensor],
        has_bias: bool,
        *,
        reverse: bool,
        out: torch.Tensor,
    ) -> None:
        """Write c of every step into ``out`` [time, batch, hidden_size].

        ``layer_input`` is the layer's input [time, batch, features], ``hidden_states`` this
        direction's h at every step [time, batch, hidden_out] and ``weights`` this direction's
        (weight_ih, weight_hh[, bias_ih, bias_hh][, weight_hr]). The gates i, f, g of every
        step come from one matrix product with h of the previous step (of the next step in
        reverse); then c_t = f_t * c_(t-1) + i_t * g_t is scanned.
        """
        if len(weights) in (2, 4) and self._from_output_gate(
            layer_input, hidden_states, weights, has_bias, reverse=reverse, out=out
        ):
            return
        size = self.hidden_size
        gates, spare = self.scan_buffers()
        steps, batch, rows = gates.shape  # rows: i, f, g (torch's order i, f, g, o)
        # g = tanh(z) = 1 - 2 * sigmoid(-2z). Scaling rows of a product by -2 is exact, so
        # one sigmoid covers all three gates (torch's tanh costs several sigmoids) and
        # i * g = i - 2 * i * sigmoid(-2z) is a single addcmul.
        scale = torch.ones(rows, 1, dtype=weights[0].dtype, device=weights[0].device)
        scale[2 * size :] = -2.0
        weight_ih, weight_hh = weights[0][:rows] * scale, weights[1][:rows] * scale
        flat_input = layer_input.reshape(steps * batch, layer_input.shape[-1])
        if has_bias:
            bias = (weights[2][:rows] + weights[3][:rows]) * scale[:, 0]
            torch.addmm(bias, flat_input, weight_ih.t(), out=gates.view(steps * batch, rows))
        else:
            torch.mm(flat_input, weight_ih.t(), out=gates.view(steps * batch, rows))
        if steps > 1:
            previous = hidden_states[1:] if reverse else hidden_states[:-1]
            receiving = gates[:-1] if reverse else gates[1:]
            receiving.view((steps - 1) * batch, rows).addmm_(
                previous.reshape((steps - 1) * batch, -1), weight_hh.t()
            )
        gates.sigmoid_()
        input_gate, forget, cell_sigmoid = gates.split(size, dim=-1)
        update = torch.addcmul(input_gate, input_gate, cell_sigmoid, value=-2.0, out=input_gate)
        # Once i * g is formed, g's slot is free: it and one spare buffer are the scratch.
        _linear_scan(forget, update, reverse=reverse, scratch=(cell_sigmoid, spare), out=out)

    def _from_output_gate(
        self,
        layer_input: torch.Tensor,
        hidden_states: torch.Tensor,
        weights: list[torch.Tensor],
        has_bias: bool,
        *,
        reverse: bool,
        out: torch.Tensor,
    ) -> bool:
        """Without projection h_t = o_t * tanh(c_t), so c_t = atanh(h_t / o_t): one gate's
        product instead of three and no scan. Used only where that is well conditioned
        (|h_t / o_t| <= _ATANH_LIMIT everywhere); returns False to ask for the scan."""
        size = self.hidden_size
        steps, batch = out.shape[0], out.shape[1]
        rows = slice(3 * size, 4 * size)  # torch's gate order: i, f, g, o
        gate = out  # the output is the scratch space: no other buffer to fault in
        flat_gate = gate.view(steps * batch, size)
        flat_input = layer_input.reshape(steps * batch, layer_input.shape[-1])
        if has_bias:
            bias = weights[2][rows] + weights[3][rows]
            torch.addmm(bias, flat_input, weights[0][rows].t(), out=flat_gate)
        else:
            torch.mm(flat_input, weights[0][rows].t(), out=flat_gate)
        if steps > 1:
            previous = hidden_states[1:] if reverse else hidden_states[:-1]
            receiving = gate[:-1] if reverse else gate[1:]
            receiving.view((steps - 1) * batch, size).addmm_(
                previous.reshape((steps - 1) * batch, -1), weights[1][rows].t()
            )
        gate.sigmoid_()
        ratio = torch.div(hidden_states, gate, out=gate)
        # aminmax is one vectorised pass; an infinity norm here cost as much as the atanh.
        # Written so that a NaN fails the test.
        lowest, highest = torch.aminmax(ratio)
        if not (float(lowest) >= -_ATANH_LIMIT and float(highest) <= _ATANH_LIMIT):
            return False
        ratio.atanh_()
        return True


# Beyond this |h / o| atanh amplifies float32 rounding more than 5x; the scan takes over.
_ATANH_LIMIT = 0.9

# Time steps per block of the scan (see _linear_scan); a power of two.
_SCAN_BLOCK = 8


def _linear_scan(
    decay: torch.Tensor,
    update: torch.Tensor,
    *,
    reverse: bool = False,
    scratch: tuple[torch.Tensor, torch.Tensor] | None = None,
    out: torch.Tensor | None = None,
) -> torch.Tensor:
    """Solve c_t = decay_t * c_(t-1) + update_t from c_(-1) = 0 along axis 0, into ``out``.

    All are [time, ...]; ``decay``, ``update`` and the two ``scratch`` tensors (shaped like
    ``update``, made if not given) are used as scratch space. ``reverse`` runs from the last
    step to the first (c_t = decay_t * c_(t+1) + update_t). Only products of decays are
    formed, never quotients, so forget gates in [0, 1] lose nothing over long sequences.

    The steps are cut into blocks of _SCAN_BLOCK: a Hillis–Steele doubling scan inside every
    block at once, the same scan (recursively) over the blocks' final states, then one pass
    applies each block's incoming state, written straight into ``out``; a last partial block
    is scanned on its own and takes the state before it. Depth stays about log2(T) steps
    while the work falls from T·log2(T) to a few passes over the data, which matters because
    every pass reads and writes the whole tensor.
    """
    steps = decay.shape[0]
    if out is None:
        out = torch.empty_like(update)
    if scratch is None:
        scratch = (torch.empty_like(update), torch.empty_like(update))
    whole = steps - steps % _SCAN_BLOCK if steps > _SCAN_BLOCK else 0
    if whole == 0:
        states = _doubling_scan(decay, update, 0, reverse, keep_factors=False, scratch=scratch)[1]
        return out.copy_(states)
    # In scan order: the whole blocks first, then the partial block.
    head = slice(steps - whole, steps) if reverse else slice(0, whole)
    tail = slice(0, steps - whole) if reverse else slice(whole, steps)
    in_blocks = (whole // _SCAN_BLOCK, _SCAN_BLOCK)
    factors, carries = _doubling_scan(
        decay[head].unflatten(0, in_blocks),
        update[head].unflatten(0, in_blocks),
        1,
        reverse,
        keep_factors=True,
        scratch=(
            scratch[0][head].unflatten(0, in_blocks),
            scratch[1][head].unflatten(0, in_blocks),
        ),
    )
    edge = 0 if reverse else _SCAN_BLOCK - 1
    # State at each block's end (its start, in reverse), with all earlier blocks applied.
    block_states = _linear_scan(factors[:, edge].clone(), carries[:, edge].clone(), reverse=reverse)
    out_blocks = out[head].unflatten(0, in_blocks)
    before, after = (slice(0, -1), slice(1, None)) if reverse else (slice(1, None), slice(0, -1))
    torch.addcmul(
        carries[before], factors[before], block_states[after].unsqueeze(1), out=out_blocks[before]
    )
    first_block = -1 if reverse else 0
    out_blocks[first_block].copy_(carries[first_block])
    if whole < steps:
        tail_factors, tail_states = _doubling_scan(
            decay[tail],
            update[tail],
            0,
            reverse,
            keep_factors=True,
            scratch=(scratch[0][tail], scratch[1][tail]),
        )
        entering = out[steps - whole] if reverse else out[whole - 1]
        torch.addcmul(tail_states, tail_factors, entering.unsqueeze(0), out=out[tail])
    return out


def _doubling_scan(
    decay: torch.Tensor,
    update: torch.Tensor,
    axis: int,
    reverse: bool,
    *,
    keep_factors: bool,
    scratch: tuple[torch.Tensor, torch.Tensor] | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Hillis–Steele scan of (decay, update) pairs along ``axis``: ceil(log2 n) steps.

    After the step with offset d every position holds the composition of the 2d steps ending
    there. Returns (products of decays, states); the products are complete only with
    ``keep_factors`` (otherwise the last step skips them). Inputs are used as scratch space.
    """
    length = decay.shape[axis]
    if scratch is None:
        scratch = (torch.empty_like(update), torch.empty_like(update))
    # Two buffers each: torch refuses overlapping reads and writes in one elementwise op.
    carries = [update, scratch[0]]
    factors = [decay, scratch[1]]
    current = 0
    offset = 1
    while offset < length:
        carry, factor = carries[current], factors[current]
        new_carry, new_factor = carries[1 - current], factors[1 - current]
        rest = length - offset
        # The first `offset` positions (last, in reverse) are final; the buffer written two
        # steps ago already holds the first offset // 2 of them, so copy only the others.
        fresh = offset - offset // 2
        if reverse:
            done, later, earlier = (rest, fresh), (0, rest), (offset, rest)
        else:
            done, later, earlier = (offset // 2, fresh), (offset, rest), (0, rest)
        new_carry.narrow(axis, *done).copy_(carry.narrow(axis, *done))
        torch.addcmul(
            carry.narrow(axis, *later),
            factor.narrow(axis, *later),
            carry.narrow(axis, *earlier),
            out=new_carry.narrow(axis, *later),
        )
        if keep_factors or 2 * offset < length:
            new_factor.narrow(axis, *done).copy_(factor.narrow(axis, *done))
            torch.mul(
                factor.narrow(axis, *later),
                factor.narrow(axis, *earlier),
                out=new_factor.narrow(axis, *later),
            )
        current = 1 - current
        offset *= 2
    return factors[current], carries[current]


def estimate_run_bytes(project: Project) -> int:
    """Bytes a run of ``project`` needs in float32: weights, activations and the trace.

    Counts the weights, the input, every block's output, each recurrent block's hidden
    [layers, directions, batch, time, hidden_out] and cell traces with h_n / c_n, and the
    largest set of temporaries alive at once while one recurrent layer runs (its input and
    output sequences, torch's gate buffer, the LSTM gates and scan buffers). Raises
    ModelError when the project cannot run.
    """
    analysis = analyze(project)
    if analysis.first_error is not None:
        raise ModelError(analysis.first_error.message)
    values = analysis.total_parameters + analysis.input.numel
    peak_temporaries = 0
    for block, stage in zip(project.blocks, analysis.stages[1:], strict=True):
        assert stage.output is not None and stage.incoming is not None
        values += stage.output.numel
        if not isinstance(block, _RecurrentBlock):
            continue
        incoming = stage.incoming
        if incoming.ndim == 3:
            batch = incoming.shape[0] if block.batch_first else incoming.shape[1]
            steps = incoming.shape[1] if block.batch_first else incoming.shape[0]
        else:
            batch, steps = 1, incoming.shape[0]
        directions, out_size, hidden_size = block.directions, block.hidden_out, block.hidden_size
        positions = batch * steps
        state_values = block.num_layers * directions * (positions + batch) * out_size
        is_lstm = isinstance(block, LSTMBlock)
        if is_lstm:
            state_values += block.num_layers * directions * (positions + batch) * hidden_size
        values += state_values
        kernel_buffer = directions * positions * _GATES[block.type] * hidden_size
        # Gates i, f, g and one spare buffer for the scan, kept for the whole block.
        scan_buffers = 4 * positions * hidden_size if is_lstm else 0
        for layer in range(block.num_layers):
            features = incoming.shape[-1] if layer == 0 else directions * out_size
            layer_values = positions * (features + directions * out_size)
            peak_temporaries = max(peak_temporaries, layer_values + kernel_buffer + scan_buffers)
    return (values + peak_temporaries) * BYTES_PER_VALUE
