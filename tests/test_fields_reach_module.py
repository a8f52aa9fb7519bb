"""Every spec field reaches the built torch module (table-driven, as Orange3 tests its controls).

Each row sets one field to a valid non-default value and reads it back from the module torch
built. The table must cover every field the specs declare: adding a field without a row fails.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import torch
from torch import nn

from rnnstudio.core.analysis import analyze
from rnnstudio.core.model import build_model, make_module
from rnnstudio.core.spec import (
    BLOCK_TYPES,
    NEW_BLOCK_DEFAULTS,
    Project,
    field_specs,
    input_field_specs,
    new_block,
)

FEATURES = 3
TORCH_CLASSES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def input_project() -> Project:
    return Project.model_validate(
        {"name": "fields", "input": {"features": FEATURES, "batch": 2, "seq_len": 4}}
    )


def probe_input() -> torch.Tensor:
    return torch.rand(input_project().input.shape, generator=torch.Generator().manual_seed(0))


def selected_output(module: nn.Module) -> str:
    """Which of torch's recurrent results the module's forward returns, found by comparing."""
    x = probe_input()
    with torch.no_grad():
        chosen = module(x)
        y, state = TORCH_CLASSES[module._get_name().lower()].forward(module, x)
    h_n, c_n = state if isinstance(state, tuple) else (state, None)
    last = y[:, -1] if module.batch_first else y[-1]
    candidates = {"sequence": y, "last_step": last, "final_hidden": h_n, "final_cell": c_n}
    matches = [
        name
        for name, tensor in candidates.items()
        if tensor is not None and tensor.shape == chosen.shape and torch.equal(tensor, chosen)
    ]
    assert len(matches) == 1, matches
    return matches[0]


def softmax_axis(module: nn.Module) -> int:
    """The axis over which the module's output sums to 1, found by running it."""
    with torch.no_grad():
        output = module(probe_input())
    axes = [
        axis
        for axis in range(output.dim())
        if torch.allclose(output.sum(dim=axis), torch.ones(()).expand_as(output.sum(dim=axis)))
    ]
    assert len(axes) == 1, axes
    return axes[0]


@dataclass(frozen=True)
class Row:
    block_type: str
    field: str
    value: Any
    observe: Callable[[nn.Module], Any]
    expected: Any = None  # what observe() reads when it differs from the value
    torch_argument: bool = True  # a constructor argument of the torch module
    others: tuple[tuple[str, Any], ...] = ()  # other fields set with it

    @property
    def values(self) -> dict[str, Any]:
        return {**dict(self.others), self.field: self.value}

    @property
    def reads(self) -> Any:
        return self.value if self.expected is None else self.expected

    @property
    def id(self) -> str:
        others = "".join(f",{key}={value}" for key, value in self.others)
        return f"{self.block_type}.{self.field}={self.value}{others}"


def attribute(name: str) -> Callable[[nn.Module], Any]:
    return lambda module: getattr(module, name)


def recurrent_rows(block_type: str) -> list[Row]:
    rows = [
        Row(block_type, "input_size", FEATURES, attribute("input_size")),
        Row(block_type, "hidden_size", 7, attribute("hidden_size")),
        Row(block_type, "num_layers", 3, attribute("num_layers")),
        Row(block_type, "bias", False, attribute("bias")),
        Row(block_type, "batch_first", False, attribute("batch_first")),
        Row(block_type, "dropout", 0.25, attribute("dropout")),
        Row(block_type, "bidirectional", True, attribute("bidirectional")),
    ]
    outputs = ["last_step", "final_hidden"] + (["final_cell"] if block_type == "lstm" else [])
    rows += [
        Row(block_type, "output", output, selected_output, torch_argument=False, others=others)
        for output in outputs
        for others in ((), (("batch_first", False),), (("bidirectional", True),))
    ]
    if block_type == "rnn":
        rows.append(Row("rnn", "nonlinearity", "relu", attribute("mode"), expected="RNN_RELU"))
    if block_type == "lstm":
        rows.append(Row("lstm", "proj_size", 2, attribute("proj_size")))
    return rows


ROWS = [
    *recurrent_rows("rnn"),
    *recurrent_rows("lstm"),
    *recurrent_rows("gru"),
    Row("linear", "in_features", FEATURES, attribute("in_features")),
    Row("linear", "out_features", 4, attribute("out_features")),
    Row("linear", "bias", False, lambda module: module.bias is not None),
    Row("softmax", "dim", 1, softmax_axis),
]


def built_module(block_type: str, **values: Any) -> nn.Module:
    project = input_project()
    block = new_block(project, block_type, **values)
    project = project.model_copy(update={"blocks": (block,)})
    return getattr(build_model(project, seed=0), block.name)


def spec_of(block_type: str, field: str):
    return next(spec for spec in field_specs(block_type) if spec.name == field)


def test_the_table_covers_every_field_of_every_block_type():
    declared = {
        (block_type, spec.name)
        for block_type in BLOCK_TYPES
        for spec in field_specs(block_type)
        if spec.name != "name"
    }
    covered = {(row.block_type, row.field) for row in ROWS}
    assert covered == declared, (
        f"fields without a row: {sorted(declared - covered)}; "
        f"rows for unknown fields: {sorted(covered - declared)}"
    )


def test_every_choice_of_a_choice_field_has_a_row():
    for block_type in BLOCK_TYPES:
        for spec in field_specs(block_type):
            if spec.kind != "choice":
                continue
            values = {
                row.value for row in ROWS if (row.block_type, row.field) == (block_type, spec.name)
            }
            assert values | {spec.default} == set(spec.choices), (block_type, spec.name)


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_the_value_is_valid_and_not_the_default(row):
    spec = spec_of(row.block_type, row.field)
    default = spec.default if not spec.required else NEW_BLOCK_DEFAULTS[row.block_type][row.field]
    assert row.value != default
    if spec.minimum is not None:
        assert row.value >= spec.minimum
    if spec.maximum is not None:
        assert row.value < spec.maximum if spec.exclusive_maximum else row.value <= spec.maximum
    if spec.choices:
        assert row.value in spec.choices


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_the_value_reaches_the_built_module(row):
    module = built_module(row.block_type, **row.values)
    assert row.observe(module) == row.reads
    if not spec_of(row.block_type, row.field).optional:
        # The reading really depends on the field: with the default it differs.
        assert row.observe(built_module(row.block_type, **dict(row.others))) != row.reads


# torch warns when its own module gets dropout with one layer; analyze() explains that instead.
@pytest.mark.filterwarnings("ignore:dropout option adds dropout")
@pytest.mark.parametrize("row", [row for row in ROWS if row.torch_argument], ids=lambda row: row.id)
def test_the_module_equals_torchs_own_with_that_argument(row):
    """Same printout and parameter shapes as the torch class given the same argument."""
    module = built_module(row.block_type, **{row.field: row.value})
    arguments = {row.field: row.value}
    if row.block_type in TORCH_CLASSES:
        arguments = {"input_size": FEATURES, "hidden_size": 16, "batch_first": True, **arguments}
        expected = TORCH_CLASSES[row.block_type](**arguments)
    elif row.block_type == "linear":
        expected = nn.Linear(**{"in_features": FEATURES, "out_features": 5, **arguments})
    else:
        expected = nn.Softmax(**arguments)
    assert str(module) == str(expected)
    assert [(n, p.shape) for n, p in module.named_parameters()] == [
        (n, p.shape) for n, p in expected.named_parameters()
    ]


@pytest.mark.parametrize(
    ("block_type", "field"),
    [
        ("rnn", "input_size"),
        ("lstm", "input_size"),
        ("gru", "input_size"),
        ("linear", "in_features"),
    ],
)
def test_an_explicit_input_size_alone_sizes_the_module(block_type, field):
    """Inferred fields: with nothing arriving, the explicit value is what torch gets."""
    block = new_block(input_project(), block_type, **{field: 6})
    module = make_module(block, incoming_features=None)
    assert getattr(module, field) == 6
    assert module.named_parameters().__next__()[1].shape[-1] == 6


# --- the input's fields reach the tensor the model receives ---------------------------------

INPUT_ROWS = [
    ("features", 5, lambda analysis, model: (analysis.input.shape[-1], model.rnn1.input_size)),
    ("batch", 4, lambda analysis, model: analysis.input.shape[analysis.input.axes.index("batch")]),
    ("seq_len", 6, lambda analysis, model: analysis.input.shape[analysis.input.axes.index("time")]),
    ("batch_first", False, lambda analysis, model: analysis.input.axes[0] == "batch"),
]
INPUT_EXPECTED = {"features": (5, 5), "batch": 4, "seq_len": 6, "batch_first": False}


def test_the_input_table_covers_every_input_field():
    assert {row[0] for row in INPUT_ROWS} == {spec.name for spec in input_field_specs()}


@pytest.mark.parametrize(("field", "value", "observe"), INPUT_ROWS, ids=[r[0] for r in INPUT_ROWS])
def test_the_input_field_reaches_the_model_input(field, value, observe):
    spec = next(spec for spec in input_field_specs() if spec.name == field)
    assert value != spec.default

    def observed(**changes):
        project = Project.model_validate(
            {
                "input": {"features": 1, "batch": 1, "seq_len": 3, **changes},
                "blocks": [{"type": "rnn", "name": "rnn1", "hidden_size": 2}],
            }
        )
        model = build_model(project, seed=0)
        analysis = analyze(project)
        with torch.no_grad():  # the described input really runs through the model
            model(torch.rand(analysis.input.shape))
        return observe(analysis, model)

    assert observed(**{field: value}) == INPUT_EXPECTED[field]
    assert observed() != INPUT_EXPECTED[field]
