"""Shapes, axis meanings, parameters and teaching warnings of a project, without allocating weights.

Parameter names and shapes come from the real torch modules built on the ``meta`` device.
Tensor shapes between blocks follow torch's documented shape contract, one rule per block
type; property tests prove the rules equal real forwards. Recurrent modules are never run on
meta tensors: their meta forward steps through time in Python and is slow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from torch import nn

from .errors import ModelError
from .messages import AxisRef, Word, render
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
    message: str  # English; text(lang) renders other languages from the catalogue
    block: str | None = None  # None: the input
    field: str | None = None  # the spec field the problem concerns, for the GUI to mark
    keys: tuple[str, ...] = ()  # message catalogue keys, joined
    args: tuple[tuple[str, Any], ...] = ()

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` ("en" or "es")."""
        if not self.keys or lang == "en":
            return self.message
        return render(self.keys, dict(self.args), lang)


def _problem(
    severity: Literal["error", "warning"],
    keys: tuple[str, ...],
    block_name: str | None,
    field_name: str | None = None,
    /,
    **args: Any,
) -> Problem:
    message = render(keys, args)
    code = keys[0].split(".")[0]  # "bad_rank.linear" and "bad_rank.recurrent" share a code
    return Problem(severity, code, message, block_name, field_name, keys, tuple(args.items()))


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
    if spec.batch == spec.seq_len and spec.batch > 1:
        return (_problem("warning", ("batch_equals_seq_len",), None, "seq_len", size=spec.batch),)
    return ()


_Rule = tuple[TensorInfo | None, tuple[tuple[str, TensorInfo], ...], tuple[Problem, ...]]


def _apply_rule(block: _Block, incoming: TensorInfo, next_block: _Block | None) -> _Rule:
    if isinstance(block, _RecurrentBlock):
        return _recurrent_rule(block, incoming)
    if isinstance(block, LinearBlock):
        return _linear_rule(block, incoming, next_block)
    assert isinstance(block, SoftmaxBlock)
    return _softmax_rule(block, incoming)


def _size_mismatch(block: _Block, field_name: str, expected: int, incoming: TensorInfo) -> Problem:
    return _problem(
        "error",
        ("size_mismatch",),
        block.name,
        field_name,
        block=block.name,
        field=field_name,
        expected=expected,
        got=incoming.shape[-1],
        incoming=incoming,
    )


def _recurrent_rule(block: _RecurrentBlock, incoming: TensorInfo) -> _Rule:
    problems: list[Problem] = []
    if incoming.ndim not in (2, 3):
        problem = _problem(
            "error",
            ("bad_rank.recurrent",),
            block.name,
            block=block.name,
            kind=block.type.upper(),
            ndim=incoming.ndim,
            incoming=incoming,
        )
        return None, (), (problem,)
    if block.input_size is not None and block.input_size != incoming.shape[-1]:
        return None, (), (_size_mismatch(block, "input_size", block.input_size, incoming),)

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
    if incoming.axes[:2] == expected[::-1]:
        hint = "axes_misread.swap"
    elif incoming.axes[0] == LAYERS:
        hint = "axes_misread.h_n"
    else:
        hint = "axes_misread.other"
    first, second = (Word("word.batch"), Word("word.time"))
    if not block.batch_first:
        first, second = second, first
    problem = _problem(
        "warning",
        ("axes_misread", hint),
        block.name,
        "batch_first",
        block=block.name,
        batch_first=block.batch_first,
        other=not block.batch_first,
        axis0=AxisRef(incoming, 0),
        axis1=AxisRef(incoming, 1),
        first=first,
        second=second,
    )
    return [problem]


def _unbatched_warning(block: _RecurrentBlock, incoming: TensorInfo) -> list[Problem]:
    if incoming.axes[0] == TIME:
        return []
    problem = _problem(
        "warning",
        ("unbatched_input",),
        block.name,
        block=block.name,
        incoming=incoming,
        axis0=AxisRef(incoming, 0),
    )
    return [problem]


def _recurrent_option_warnings(block: _RecurrentBlock) -> list[Problem]:
    problems = []
    if block.dropout > 0 and block.num_layers == 1:
        problems.append(
            _problem(
                "warning",
                ("dropout_one_layer",),
                block.name,
                "dropout",
                block=block.name,
                dropout=block.dropout,
            )
        )
    if block.bidirectional and block.output == "last_step":
        problems.append(
            _problem(
                "warning", ("bidirectional_last_step",), block.name, "output", block=block.name
            )
        )
    return problems


def _linear_rule(block: LinearBlock, incoming: TensorInfo, next_block: _Block | None) -> _Rule:
    if incoming.ndim == 0:
        return None, (), (_problem("error", ("bad_rank.linear",), block.name, block=block.name),)
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
        problem = _problem(
            "error",
            ("dim_out_of_range",),
            block.name,
            "dim",
            block=block.name,
            low=low,
            high=high,
            dim=block.dim,
            incoming=incoming,
            ndim=ndim,
        )
        return None, (), (problem,)
    problems = []
    if ndim:
        axis = block.dim % ndim
        if incoming.axes[axis] in _NOT_CLASS_AXES:
            keys: tuple[str, ...] = ("softmax_axis",)
            class_axis = None
            if CLASSES in incoming.axes:
                keys += ("softmax_axis.hint",)
                class_axis = incoming.axes.index(CLASSES)
            problem = _problem(
                "warning",
                keys,
                block.name,
                "dim",
                block=block.name,
                axis=AxisRef(incoming, axis),
                dim=block.dim,
                size=incoming.shape[axis],
                plural=Word(f"plural.{incoming.axes[axis]}"),
                class_axis=class_axis,
            )
            problems.append(problem)
    return incoming, (), tuple(problems)
