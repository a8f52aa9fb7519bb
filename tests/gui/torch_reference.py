"""What torch itself says about a stack, written by hand with torch.nn, and what the panes show.

`reference_facts` builds the stack with plain torch.nn constructors (sizes read from the real
tensors flowing through it, as a person writing the notebook would) and runs a real forward
on torch.rand of the input's shape. The panes must show exactly these facts.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import torch
from torch import nn

from rnnstudio.core.spec import Project
from rnnstudio.gui.main_window import MainWindow
from rnnstudio.gui.parameters_pane import COUNT_COLUMN, NAME_COLUMN, SHAPE_COLUMN
from rnnstudio.gui.parameters_pane import VALUE_ROLE as PARAMETER_VALUE
from rnnstudio.gui.shapes_pane import C_N_COLUMN, H_N_COLUMN, STAGE_COLUMN
from rnnstudio.gui.shapes_pane import SHAPE_COLUMN as OUTPUT_COLUMN
from rnnstudio.gui.shapes_pane import VALUE_ROLE as SHAPE_VALUE

Shape = tuple[int, ...]


@dataclass(frozen=True)
class StageRow:
    name: str
    output: Shape | None
    h_n: Shape | None
    c_n: Shape | None


@dataclass(frozen=True)
class Facts:
    parameters: list[tuple[str, Shape, int]]
    block_totals: dict[str, int]
    total: int
    stages: list[StageRow]


class HandWritten(nn.Module):
    """The stack as a person writes it: one attribute per block, forward step by step."""

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project
        probe: torch.Tensor | None = torch.rand(*project.input.shape)
        for block in project.blocks:
            size_in = probe.shape[-1] if probe is not None and probe.dim() else None
            module = _construct(block, size_in)
            if module is None:
                continue  # after an error, a size that must be inferred is unknown
            setattr(self, block.name, module)
            probe = _try_step(block, module, probe)[0] if probe is not None else None

    def forward_with_states(self, x: torch.Tensor) -> list[tuple[Shape | None, ...]]:
        """Per block: output, h_n and c_n shapes; None from the block torch refuses on."""
        rows: list[tuple[Shape | None, ...]] = []
        current: torch.Tensor | None = x
        for block in self.project.blocks:
            if current is None:
                rows.append((None, None, None))
                continue
            current, states = _try_step(block, getattr(self, block.name), current)
            h_n = tuple(states[0].shape) if states else None
            c_n = tuple(states[1].shape) if len(states) > 1 else None
            rows.append((tuple(current.shape) if current is not None else None, h_n, c_n))
        return rows


def _try_step(block, module: nn.Module, x: torch.Tensor):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return _step(block, module, x)
    except (RuntimeError, IndexError, ValueError):
        return None, ()


def _construct(block, size_in: int | None) -> nn.Module | None:
    with warnings.catch_warnings():
        # torch warns about dropout with one layer; the panes explain that themselves.
        warnings.simplefilter("ignore", UserWarning)
        return _construct_quietly(block, size_in)


def _construct_quietly(block, size_in: int | None) -> nn.Module | None:
    if block.type in ("rnn", "lstm", "gru"):
        input_size = block.input_size if block.input_size is not None else size_in
        if input_size is None:
            return None
        common = dict(
            input_size=input_size,
            hidden_size=block.hidden_size,
            num_layers=block.num_layers,
            bias=block.bias,
            batch_first=block.batch_first,
            dropout=block.dropout,
            bidirectional=block.bidirectional,
        )
        if block.type == "rnn":
            return nn.RNN(nonlinearity=block.nonlinearity, **common)
        if block.type == "gru":
            return nn.GRU(**common)
        return nn.LSTM(proj_size=block.proj_size, **common)
    if block.type == "linear":
        in_features = block.in_features if block.in_features is not None else size_in
        if in_features is None:
            return None
        return nn.Linear(in_features, block.out_features, bias=block.bias)
    return nn.Softmax(dim=block.dim)


def _step(block, module: nn.Module, x: torch.Tensor):
    if block.type in ("rnn", "gru"):
        y, h = module(x)
        states = (h,)
    elif block.type == "lstm":
        y, (h, c) = module(x)
        states = (h, c)
    else:
        return module(x), ()
    if block.output == "sequence":
        out = y
    elif block.output == "last_step":
        out = y[:, -1] if (block.batch_first and y.dim() == 3) else y[-1]
    elif block.output == "final_hidden":
        out = states[0]
    else:
        out = states[1]
    return out, states


def reference_facts(project: Project) -> Facts:
    torch.manual_seed(0)
    module = HandWritten(project)
    parameters = [
        (name, tuple(parameter.shape), parameter.numel())
        for name, parameter in module.named_parameters()
    ]
    totals = {block.name: 0 for block in project.blocks}
    for name, _shape, count in parameters:
        totals[name.split(".")[0]] += count
    with torch.no_grad():
        rows = module.forward_with_states(torch.rand(*project.input.shape))
    stages = [StageRow("input", tuple(project.input.shape), None, None)]
    for block, (shape, h_n, c_n) in zip(project.blocks, rows, strict=True):
        if shape is None:
            h_n = c_n = None  # the table shows no states for a stage torch refuses
        stages.append(StageRow(block.name, shape, h_n, c_n))
    return Facts(parameters, totals, sum(count for _n, _s, count in parameters), stages)


def shown_facts(window: MainWindow) -> Facts:
    """The same facts, read back from the Parameters tree and the Shapes table."""
    tree = window.parameters_pane.model
    parameters = []
    totals = {}
    for row in range(tree.rowCount() - 1):
        block_index = tree.index(row, NAME_COLUMN)
        block_name = tree.data(block_index, PARAMETER_VALUE)
        totals[block_name] = tree.data(tree.index(row, COUNT_COLUMN), PARAMETER_VALUE)
        for child in range(tree.rowCount(block_index)):
            parameters.append(
                (
                    tree.data(tree.index(child, NAME_COLUMN, block_index), PARAMETER_VALUE),
                    tree.data(tree.index(child, SHAPE_COLUMN, block_index), PARAMETER_VALUE),
                    tree.data(tree.index(child, COUNT_COLUMN, block_index), PARAMETER_VALUE),
                )
            )
    total = tree.data(tree.index(tree.rowCount() - 1, COUNT_COLUMN), PARAMETER_VALUE)
    table = window.shapes_pane.model
    stages = []
    for row in range(table.rowCount()):

        def cell(column: int, row: int = row):
            return table.data(table.index(row, column), SHAPE_VALUE)

        output, h_n, c_n = cell(OUTPUT_COLUMN), cell(H_N_COLUMN), cell(C_N_COLUMN)
        stages.append(
            StageRow(
                cell(STAGE_COLUMN),
                output.shape if output is not None else None,
                h_n.shape if h_n is not None else None,
                c_n.shape if c_n is not None else None,
            )
        )
    return Facts(parameters, totals, total, stages)


def assert_panes_match_torch(window: MainWindow) -> None:
    """Parameter tree and shapes table equal the hand-written torch module's real facts."""
    project = window.document.project
    expected = reference_facts(project)
    shown = shown_facts(window)
    assert shown.parameters == expected.parameters
    assert shown.block_totals == expected.block_totals
    assert shown.total == expected.total
    assert shown.stages == expected.stages
    # The displayed text says the same as the raw values, as torch prints shapes.
    tree = window.parameters_pane.model
    for row in range(tree.rowCount() - 1):
        block_index = tree.index(row, NAME_COLUMN)
        for child in range(tree.rowCount(block_index)):
            shape = tree.data(tree.index(child, SHAPE_COLUMN, block_index), PARAMETER_VALUE)
            assert tree.index(child, SHAPE_COLUMN, block_index).data() == str(torch.Size(shape))
    table = window.shapes_pane.model
    for row, stage in enumerate(expected.stages):
        shown_text = table.index(row, OUTPUT_COLUMN).data()
        assert shown_text == (str(torch.Size(stage.output)) if stage.output else "—")
