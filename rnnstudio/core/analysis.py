"""Shapes, axis meanings, parameters and teaching warnings of a project, without allocating weights.

Parameter names and shapes come from the real torch modules built on the ``meta`` device.
Tensor shapes between blocks follow torch's documented shape contract, one rule per block
type; property tests prove the rules equal real forwards. Recurrent modules are never run on
meta tensors: their meta forward steps through time in Python and is slow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from torch import nn

from .errors import ModelError
from .spec import (
    LinearBlock,
    LSTMBlock,
    Project,
    SoftmaxBlock,
    _Block,
    _RecurrentBlock,
)

BYTES_PER_VALUE = 4  # float32, torch's default dtype

# Axis meanings, as identifiers; AXIS_LABELS gives what a person reads.
BATCH, TIME, FEATURES, HIDDEN, LAYERS, CLASSES = (
    "batch",
    "time",
    "features",
    "hidden",
    "layers_directions",
    "classes",
)
AXIS_LABELS = {
    "en": {
        BATCH: "batch",
        TIME: "time",
        FEATURES: "features",
        HIDDEN: "hidden",
        LAYERS: "layers×directions",
        CLASSES: "classes",
    },
    "es": {
        BATCH: "lote",
        TIME: "tiempo",
        FEATURES: "características",
        HIDDEN: "oculto",
        LAYERS: "capas×direcciones",
        CLASSES: "clases",
    },
}
# Reading these axes as probabilities is almost always a mistake.
_NOT_CLASS_AXES = (BATCH, TIME, LAYERS)


@dataclass(frozen=True)
class TensorInfo:
    """A tensor's shape and the meaning of each axis."""

    shape: tuple[int, ...]
    axes: tuple[str, ...]

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def numel(self) -> int:
        count = 1
        for size in self.shape:
            count *= size
        return count

    def describe(self, lang: str = "en") -> str:
        """'[batch=3, time=5, features=2]'."""
        labels = AXIS_LABELS.get(lang, AXIS_LABELS["en"])
        parts = (
            f"{labels.get(axis, axis)}={size}"
            for axis, size in zip(self.axes, self.shape, strict=True)
        )
        return "[" + ", ".join(parts) + "]"

    def axis_text(self, index: int, lang: str = "en") -> str:
        labels = AXIS_LABELS.get(lang, AXIS_LABELS["en"])
        return f"{labels.get(self.axes[index], self.axes[index])}={self.shape[index]}"


@dataclass(frozen=True)
class Problem:
    """An error (the model cannot run) or a warning (it runs, but probably not as meant)."""

    severity: Literal["error", "warning"]
    code: str
    message: str
    block: str | None = None  # None: the input
    field: str | None = None  # the spec field the problem concerns, for the GUI to mark


@dataclass(frozen=True)
class Stage:
    """The input, or one block: what arrives, what leaves, h_n / c_n, and its problems."""

    name: str
    kind: str  # "input" or a block type
    incoming: TensorInfo | None
    output: TensorInfo | None
    states: tuple[tuple[str, TensorInfo], ...] = ()
    problems: tuple[Problem, ...] = ()
    blocked_by: str | None = None  # an earlier block's error stopped the analysis here

    @property
    def incoming_features(self) -> int | None:
        return self.incoming.shape[-1] if self.incoming is not None and self.incoming.ndim else None

    @property
    def state(self) -> dict[str, TensorInfo]:
        return dict(self.states)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")


@dataclass(frozen=True)
class ParameterInfo:
    block: str
    local_name: str  # as in the block: weight_ih_l0
    shape: tuple[int, ...]
    numel: int

    @property
    def name(self) -> str:
        """As named_parameters() names it: rnn1.weight_ih_l0."""
        return f"{self.block}.{self.local_name}"


@dataclass(frozen=True)
class Analysis:
    project: Project
    stages: tuple[Stage, ...]
    parameters: tuple[ParameterInfo, ...]
    complete: bool = field(default=True)  # False when an error hid later blocks' parameters

    @property
    def input(self) -> TensorInfo:
        output = self.stages[0].output
        assert output is not None
        return output

    @property
    def output(self) -> TensorInfo | None:
        """The model's output, or None when a block has an error."""
        return None if self.first_error else self.stages[-1].output

    @property
    def problems(self) -> tuple[Problem, ...]:
        return tuple(problem for stage in self.stages for problem in stage.problems)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def first_error(self) -> Problem | None:
        errors = self.errors
        return errors[0] if errors else None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total_parameters(self) -> int:
        return sum(parameter.numel for parameter in self.parameters)

    @property
    def parameter_bytes(self) -> int:
        return self.total_parameters * BYTES_PER_VALUE

    def block_parameters(self, block: str) -> tuple[ParameterInfo, ...]:
        return tuple(p for p in self.parameters if p.block == block)

    def stage(self, name: str) -> Stage:
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise KeyError(name)


def analyze(project: Project) -> Analysis:
    """Every stage's shape and axis meanings, the parameter table and the problems.

    Stages: ``stages[0]`` is the input, then one per block. After a block with an error
    the later stages have no shapes (``blocked_by`` names that block).
    """
    spec = project.input
    current = TensorInfo(spec.shape, spec.axes)
    stages = [Stage("input", "input", None, current, problems=_input_problems(project))]
    parameters: list[ParameterInfo] = []
    blocked_by: str | None = None
    complete = True
    for index, block in enumerate(project.blocks):
        if blocked_by is not None:
            stages.append(Stage(block.name, block.type, None, None, blocked_by=blocked_by))
            complete = complete and _explicit_size(block) is not None
            continue
        next_block = project.blocks[index + 1] if index + 1 < len(project.blocks) else None
        output, states, problems = _apply_rule(block, current, next_block)
        stages.append(Stage(block.name, block.type, current, output, states, problems))
        features = current.shape[-1] if current.ndim else None
        if any(p.severity == "error" for p in problems):
            blocked_by = block.name
            features = _explicit_size(block)
            if features is None:
                complete = False
                continue
        parameters.extend(_block_parameters(block, features))
        if output is not None:
            current = output
    return Analysis(project, tuple(stages), tuple(parameters), complete)


def _explicit_size(block: _Block) -> int | None:
    if isinstance(block, _RecurrentBlock):
        return block.input_size
    if isinstance(block, LinearBlock):
        return block.in_features
    return None


@lru_cache(maxsize=512)
def _block_parameters(block: _Block, features: int | None) -> tuple[ParameterInfo, ...]:
    if isinstance(block, SoftmaxBlock):
        return ()
    from .model import make_module

    try:
        module: nn.Module = make_module(block, features, device="meta")
    except (ModelError, ValueError, RuntimeError):
        return ()
    return tuple(
        ParameterInfo(block.name, name, tuple(p.shape), p.numel())
        for name, p in module.named_parameters()
    )


def _input_problems(project: Project) -> tuple[Problem, ...]:
    spec = project.input
    problems = []
    if spec.batch == spec.seq_len and spec.batch > 1:
        problems.append(
            Problem(
                "warning",
                "batch_equals_seq_len",
                f"batch and seq_len are both {spec.batch}: swapping the two axes by mistake "
                "gives no error. Use different sizes while learning to see which axis is which.",
                None,
                "seq_len",
            )
        )
    return tuple(problems)


_Rule = tuple[TensorInfo | None, tuple[tuple[str, TensorInfo], ...], tuple[Problem, ...]]


def _apply_rule(block: _Block, incoming: TensorInfo, next_block: _Block | None) -> _Rule:
    if isinstance(block, _RecurrentBlock):
        return _recurrent_rule(block, incoming)
    if isinstance(block, LinearBlock):
        return _linear_rule(block, incoming, next_block)
    assert isinstance(block, SoftmaxBlock)
    return _softmax_rule(block, incoming)


def _size_mismatch(block: _Block, field_name: str, expected: int, incoming: TensorInfo) -> Problem:
    got = incoming.shape[-1]
    return Problem(
        "error",
        "size_mismatch",
        f"{block.name} expects {field_name} {expected} but receives {got} features "
        f"(the last axis of {incoming.describe()}); set {field_name} to {got}, "
        "or leave it empty to take it from the incoming tensor",
        block.name,
        field_name,
    )


def _recurrent_rule(block: _RecurrentBlock, incoming: TensorInfo) -> _Rule:
    problems: list[Problem] = []
    kind = block.type.upper()
    if incoming.ndim not in (2, 3):
        problems.append(
            Problem(
                "error",
                "bad_rank",
                f"{block.name}: {kind} expects a 2-D or 3-D input ([batch, time, features]) "
                f"but receives a {incoming.ndim}-D tensor {incoming.describe()}",
                block.name,
            )
        )
        return None, (), tuple(problems)
    if block.input_size is not None and block.input_size != incoming.shape[-1]:
        problems.append(_size_mismatch(block, "input_size", block.input_size, incoming))
        return None, (), tuple(problems)

    directions, out_size = block.directions, block.hidden_out
    state_first = (LAYERS,)
    state_lead = (block.num_layers * directions,)
    if incoming.ndim == 2:
        problems.extend(_unbatched_warning(block, incoming))
        time_steps = incoming.shape[0]
        y = TensorInfo((time_steps, directions * out_size), (TIME, HIDDEN))
        batch_shape: tuple[int, ...] = ()
        last = TensorInfo((directions * out_size,), (HIDDEN,))
    else:
        problems.extend(_misread_axes_warning(block, incoming))
        if block.batch_first:
            batch, time_steps = incoming.shape[0], incoming.shape[1]
            y = TensorInfo((batch, time_steps, directions * out_size), (BATCH, TIME, HIDDEN))
        else:
            time_steps, batch = incoming.shape[0], incoming.shape[1]
            y = TensorInfo((time_steps, batch, directions * out_size), (TIME, BATCH, HIDDEN))
        batch_shape = (batch,)
        last = TensorInfo((batch, directions * out_size), (BATCH, HIDDEN))
    batch_axes = (BATCH,) if batch_shape else ()
    h_n = TensorInfo(state_lead + batch_shape + (out_size,), state_first + batch_axes + (HIDDEN,))
    states = [("h_n", h_n)]
    if isinstance(block, LSTMBlock):
        c_n = TensorInfo(
            state_lead + batch_shape + (block.hidden_size,), state_first + batch_axes + (HIDDEN,)
        )
        states.append(("c_n", c_n))
    chosen = {"sequence": y, "last_step": last, "final_hidden": h_n}
    if isinstance(block, LSTMBlock):
        chosen["final_cell"] = states[1][1]
    problems.extend(_recurrent_option_warnings(block))
    return chosen[block.output], tuple(states), tuple(problems)


def _misread_axes_warning(block: _RecurrentBlock, incoming: TensorInfo) -> list[Problem]:
    expected = (BATCH, TIME) if block.batch_first else (TIME, BATCH)
    if incoming.axes[:2] == expected:
        return []
    first, second = ("batch", "time") if block.batch_first else ("time", "batch")
    message = (
        f"{block.name} (batch_first={block.batch_first}) reads axis 0 ({incoming.axis_text(0)}) "
        f"as {first} and axis 1 ({incoming.axis_text(1)}) as {second}."
    )
    if incoming.axes[:2] == expected[::-1]:
        message += f" Set batch_first to {not block.batch_first} to read them as they are."
    elif incoming.axes[0] == LAYERS:
        message += (
            " This is h_n, laid out [layers×directions, batch, hidden] whatever batch_first is: "
            "pass the sequence y (output: sequence) or its last step (output: last_step) instead."
        )
    else:
        message += " Check that the block before passes the tensor you mean."
    return [Problem("warning", "axes_misread", message, block.name, "batch_first")]


def _unbatched_warning(block: _RecurrentBlock, incoming: TensorInfo) -> list[Problem]:
    if incoming.axes[0] == TIME:
        return []
    return [
        Problem(
            "warning",
            "unbatched_input",
            f"{block.name} receives a 2-D tensor {incoming.describe()}; torch reads a 2-D "
            f"input as one unbatched sequence [time, features], so {incoming.axis_text(0)} "
            "becomes the time axis. Pass a 3-D tensor (e.g. output: sequence) to keep the batch.",
            block.name,
        )
    ]


def _recurrent_option_warnings(block: _RecurrentBlock) -> list[Problem]:
    problems = []
    if block.dropout > 0 and block.num_layers == 1:
        problems.append(
            Problem(
                "warning",
                "dropout_one_layer",
                f"{block.name}: dropout={block.dropout} does nothing with num_layers=1. torch "
                "applies dropout between stacked layers only (after every layer but the last); "
                "add layers or set dropout to 0.",
                block.name,
                "dropout",
            )
        )
    if block.bidirectional and block.output == "last_step":
        problems.append(
            Problem(
                "warning",
                "bidirectional_last_step",
                f"{block.name}: with bidirectional=True, y at the last step holds the backward "
                "direction after only one step of the sequence. final_hidden gives both "
                "directions' complete states.",
                block.name,
                "output",
            )
        )
    return problems


def _linear_rule(block: LinearBlock, incoming: TensorInfo, next_block: _Block | None) -> _Rule:
    if incoming.ndim == 0:
        problems = (
            Problem(
                "error", "bad_rank", f"{block.name}: Linear needs at least one axis", block.name
            ),
        )
        return None, (), problems
    if block.in_features is not None and block.in_features != incoming.shape[-1]:
        return None, (), (_size_mismatch(block, "in_features", block.in_features, incoming),)
    leads_to_probabilities = next_block is None or isinstance(next_block, SoftmaxBlock)
    out_axis = CLASSES if leads_to_probabilities else FEATURES
    output = TensorInfo((*incoming.shape[:-1], block.out_features), (*incoming.axes[:-1], out_axis))
    return output, (), ()


def _softmax_rule(block: SoftmaxBlock, incoming: TensorInfo) -> _Rule:
    ndim = incoming.ndim
    low, high = (-ndim, ndim - 1) if ndim else (-1, 0)
    if not low <= block.dim <= high:
        problem = Problem(
            "error",
            "dim_out_of_range",
            f"{block.name}: Dimension out of range (expected to be in range of [{low}, {high}], "
            f"but got {block.dim}); the incoming tensor {incoming.describe()} has {ndim} axes",
            block.name,
            "dim",
        )
        return None, (), (problem,)
    problems = []
    if ndim:
        axis = block.dim % ndim
        if incoming.axes[axis] in _NOT_CLASS_AXES:
            message = (
                f"{block.name} normalises over {incoming.axis_text(axis)} (dim={block.dim}): the "
                f"probabilities sum to 1 over the {incoming.shape[axis]} "
                f"{_plural(incoming.axes[axis])}, not over classes."
            )
            if CLASSES in incoming.axes:
                class_axis = incoming.axes.index(CLASSES)
                message += f" Use dim=-1 (or {class_axis}) for class probabilities."
            problems.append(Problem("warning", "softmax_axis", message, block.name, "dim"))
    return incoming, (), tuple(problems)


def _plural(axis: str) -> str:
    return {
        TIME: "time steps",
        BATCH: "sequences of the batch",
        LAYERS: "layers×directions",
    }.get(axis, axis)
