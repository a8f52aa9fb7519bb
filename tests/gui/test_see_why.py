"""See why: the Architecture diagram, the Unrolled view, where each shape comes from, Compare.

Shapes are checked against hand-written torch modules run on real tensors.
"""

from __future__ import annotations

import pytest
import torch
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QAction
from torch import nn
from torch_reference import reference_facts

from rnnstudio.core.analysis import AXIS_LABELS
from rnnstudio.core.examples import load_example
from rnnstudio.core.project_io import updated
from rnnstudio.core.spec import InputSpec, LSTMBlock, Project, RNNBlock
from rnnstudio.gui.main_window import MainWindow
from rnnstudio.gui.parameters_pane import NAME_COLUMN
from rnnstudio.gui.unrolled_view import MAX_DRAWN_STEPS


def _open(window: MainWindow, project: Project) -> None:
    window.document.replace(project, None)
    window.select_row(0)


def _shape_text(shape) -> str:
    return "[" + ", ".join(str(size) for size in shape) + "]"


# --- the Architecture diagram -----------------------------------------------------------------


def test_clicking_a_box_selects_its_block(qtbot, window: MainWindow) -> None:
    window.open_example("rnn_alumno")
    window.classroom.diagram_dock.raise_()
    diagram = window.classroom.diagram.diagram
    qtbot.waitUntil(lambda: diagram.isVisible() and diagram.width() > 0)
    for row in (2, 1, 0):
        center = diagram.node_rect(row).center().toPoint()
        qtbot.mouseClick(diagram, Qt.MouseButton.LeftButton, pos=center)
        assert window.selected_row == row
        assert window.stack_pane.selected_row() == row
        block = window.document.project.blocks[row]
        assert window.properties_pane.heading.text().startswith(block.name)
        assert diagram.selected_row == row
    # The input box selects nothing; the keyboard walks the boxes.
    qtbot.mouseClick(
        diagram, Qt.MouseButton.LeftButton, pos=diagram.node_rect(-1).center().toPoint()
    )
    assert window.selected_row == 0
    qtbot.keyClick(diagram, Qt.Key.Key_Right)
    assert window.selected_row == 1


def test_each_arrow_carries_the_shape_torch_gives(window: MainWindow) -> None:
    for name in ("rnn_clas", "rnn_clas_por_paso", "rnn_alumno", "ejemplo_c"):
        project = load_example(name)
        _open(window, project)
        facts = reference_facts(project)
        arrows = window.classroom.diagram.diagram.arrow_texts()
        assert [shape for shape, _axes in arrows] == [
            _shape_text(stage.output) for stage in facts.stages
        ]
        labels = AXIS_LABELS["en"]
        for (_shape, axes), stage in zip(arrows, window.document.analysis.stages, strict=True):
            assert axes == ", ".join(labels[axis] for axis in stage.output.axes)


def test_errors_and_warnings_mark_their_boxes(window: MainWindow) -> None:
    _open(window, load_example("rnn_clas_por_paso"))
    nodes = {node.row: node for node in window.classroom.diagram.diagram.nodes}
    [warning] = window.document.analysis.warnings
    assert nodes[2].severity == "warning" and warning.message in nodes[2].tooltip
    assert nodes[0].severity == "none"
    project = load_example("rnn_alumno")
    broken = updated(
        project, blocks=(updated(project.blocks[0], input_size=9), *project.blocks[1:])
    )
    _open(window, broken)
    nodes = {node.row: node for node in window.classroom.diagram.diagram.nodes}
    assert nodes[0].severity == "error"
    assert window.document.analysis.first_error.message in nodes[0].tooltip
    assert [nodes[1].severity, nodes[2].severity] == ["blocked", "blocked"]
    assert window.classroom.diagram.diagram.arrow_texts()[1] == ("—", "")


def test_the_diagram_turns_downwards_when_the_pane_is_tall(qtbot, window: MainWindow) -> None:
    window.open_example("rnn_alumno")
    pane = window.classroom.diagram
    window.classroom.diagram_dock.setFloating(True)
    pane.resize(300, 1400)
    qtbot.waitUntil(lambda: pane.diagram._vertical)
    first, second = pane.diagram.node_rect(0), pane.diagram.node_rect(1)
    assert second.top() > first.bottom()
    pane.resize(2400, 300)
    qtbot.waitUntil(lambda: not pane.diagram._vertical)
    first, second = pane.diagram.node_rect(0), pane.diagram.node_rect(1)
    assert second.left() > first.right()
    window.classroom.diagram_dock.setFloating(False)


# --- the Unrolled view ------------------------------------------------------------------------


def _torch_states(block: nn.Module, x: torch.Tensor):
    y, state = block(x)
    return (y, *state) if isinstance(state, tuple) else (y, state)


def test_the_unrolled_grid_is_layers_by_time_with_torch_shapes(window: MainWindow) -> None:
    project = load_example("ejemplo_c")  # 4 layers, 5 steps, batch 64
    _open(window, project)
    view = window.classroom.unrolled.diagram
    unrolling = view.unrolling
    block = project.blocks[0]
    assert (unrolling.layers, unrolling.steps, unrolling.columns) == (4, 5, [0, 1, 2, 3, 4])
    # Layer l+1 is drawn above layer l, step t+1 right of step t.
    assert view.cell_rect(1, 0).bottom() < view.cell_rect(0, 0).top()
    assert view.cell_rect(0, 1).left() > view.cell_rect(0, 0).right()
    module = nn.RNN(10, block.hidden_size, block.num_layers, batch_first=True)
    x = torch.rand(*project.input.shape)
    y, h_n = _torch_states(module, x)
    legend = view.legend_lines()
    assert legend[0].endswith(f"[batch={x.shape[0]}, features={x.shape[2]}]")  # x_t
    assert legend[1].endswith(f"[batch={h_n.shape[1]}, hidden={h_n.shape[2]}]")  # h_t
    assert f"time={y.shape[1]}" in legend[2] and legend[2].endswith(f"hidden={y.shape[2]}]")
    assert legend[3].endswith(
        f"[layers×directions={h_n.shape[0]}, batch={h_n.shape[1]}, hidden={h_n.shape[2]}]"
    )


def test_a_long_sequence_is_collapsed_and_an_lstm_shows_its_cell(window: MainWindow) -> None:
    block = LSTMBlock(name="lstm1", hidden_size=8, num_layers=2, output="last_step")
    project = Project(input=InputSpec(features=3, batch=2, seq_len=60), blocks=(block,))
    _open(window, project)
    view = window.classroom.unrolled
    assert view.diagram.unrolling.columns == [0, 1, 2, None, 59]
    assert len(view.diagram.unrolling.columns) <= MAX_DRAWN_STEPS
    assert "(steps 3 to 58 not drawn)" in view.title.text()
    module = nn.LSTM(3, 8, 2, batch_first=True)
    y, _h_n, c_n = _torch_states(module, torch.rand(2, 60, 3))
    legend = view.diagram.legend_lines()
    assert any(
        line.startswith("c_n") and line.endswith(f"hidden={c_n.shape[2]}]") for line in legend
    )
    # y over every step comes from the core even when the block passes on the last step.
    assert f"time={y.shape[1]}" in legend[2]
    assert legend[-1].endswith(f"[batch={y.shape[0]}, hidden={y.shape[2]}]")


def test_the_unrolled_view_follows_the_selected_recurrent_block(window: MainWindow) -> None:
    window.open_example("rnn_alumno")
    view = window.classroom.unrolled
    window.select_row(2)
    assert view.diagram.unrolling.block.name == "rnn2"
    window.select_row(1)  # fc: not recurrent, the view keeps to the first recurrent block
    assert view.diagram.unrolling.block.name == "rnn1"
    _open(window, Project(input=InputSpec(), blocks=()))
    assert view.diagram.unrolling is None


# --- where each shape comes from --------------------------------------------------------------


def _select_parameter(window: MainWindow, block_row: int, child: int) -> None:
    tree = window.parameters_pane.model
    index = tree.index(child, NAME_COLUMN, tree.index(block_row, NAME_COLUMN))
    window.parameters_pane.view.selectionModel().setCurrentIndex(
        index, QItemSelectionModel.SelectionFlag.ClearAndSelect
    )


def test_selecting_a_parameter_shows_its_rule_and_count(window: MainWindow) -> None:
    block = LSTMBlock(name="lstm", hidden_size=16, num_layers=2)
    _open(window, Project(input=InputSpec(features=5, batch=2, seq_len=4), blocks=(block,)))
    module = nn.LSTM(5, 16, 2, batch_first=True)
    detail = window.classroom.shape_detail
    _select_parameter(window, 0, 0)
    assert tuple(module.weight_ih_l0.shape) == (64, 5)
    assert detail.parameter == "lstm.weight_ih_l0"
    text = detail.plain_text()
    assert "lstm.weight_ih_l0 = [gates × hidden, input] = [4 × 16, 5]" in text
    assert "64 × 5 = 320" in text
    assert "LSTM: gates = 4" in text
    _select_parameter(window, 0, 4)  # weight_ih_l1: its input is layer 0's h
    assert tuple(module.weight_ih_l1.shape) == (64, 16)
    assert "= [4 × 16, 16]" in detail.plain_text()
    assert "from layer 2 on" in detail.plain_text()
    window.parameters_pane.view.selectionModel().setCurrentIndex(
        window.parameters_pane.model.index(0, NAME_COLUMN),
        QItemSelectionModel.SelectionFlag.ClearAndSelect,
    )
    assert detail.parameter is None
    assert "Select a parameter" in detail.plain_text()


# --- Compare ----------------------------------------------------------------------------------


def test_compare_shows_rnn_gru_and_lstm_as_torch_builds_them(window: MainWindow) -> None:
    window.open_example("rnn_clas")  # rnn1: RNN 2→40, 2 layers, last step; fc; softmax
    window.select_row(2)  # softmax selected: Compare takes the recurrent block
    window.findChild(QAction, "action_compare").trigger()
    dialog = window.classroom.compare_dialog
    assert dialog is not None and dialog.isVisible()
    rows = dict(dialog.rows())
    modules = {
        "rnn": nn.RNN(2, 40, 2, batch_first=True),
        "gru": nn.GRU(2, 40, 2, batch_first=True),
        "lstm": nn.LSTM(2, 40, 2, batch_first=True),
    }
    fc = nn.Linear(40, 5)
    x = torch.rand(3, 5, 2)
    for column, (kind, module) in enumerate(modules.items()):
        count = sum(p.numel() for p in module.parameters())
        assert rows["Parameters of rnn1"][column] == f"{count:,}"
        total = count + sum(p.numel() for p in fc.parameters())
        assert rows["Total parameters of the model"][column] == f"{total:,}"
        assert rows["rnn1.weight_ih_l0"][column] == _shape_text(module.weight_ih_l0.shape)
        assert rows["rnn1.weight_hh_l1"][column] == _shape_text(module.weight_hh_l1.shape)
        y, *states = _torch_states(module, x)
        expected_state = f"h_n {_shape_text(states[0].shape)}"
        if kind == "lstm":
            expected_state = f"({expected_state},\n c_n {_shape_text(states[1].shape)})"
        assert rows["State returned with y"][column] == expected_state
        assert rows["What rnn1 passes on"][column] == f"[batch=3, hidden={y.shape[2]}]"
        assert rows["Output of the model"][column] == "[3, 5]"
    assert rows["Gates (blocks of rows in each weight)"] == ["1", "3", "4"]
    assert dialog.table.horizontalHeaderItem(0).font().bold()  # rnn1 is an RNN


def test_compare_needs_a_recurrent_block_and_waits_during_an_exercise(window, dialogs) -> None:
    _open(window, Project(input=InputSpec(), blocks=()))
    assert not window.classroom.action_compare.isEnabled()
    assert window.classroom.show_compare() is None
    assert dialogs.errors and dialogs.errors[0][0] == "Nothing to compare"
    _open(window, Project(input=InputSpec(), blocks=(RNNBlock(name="r", hidden_size=3),)))
    assert window.classroom.action_compare.isEnabled()
    assert window.classroom.exercises.open_shipped("ejercicio_1")
    assert not window.classroom.action_compare.isEnabled()  # it would give the answers away


@pytest.mark.parametrize("name", ["ejemplo_a", "rnn_alumno"])
def test_the_arrows_hide_the_asked_shapes_in_an_exercise(window: MainWindow, name: str) -> None:
    controller = window.classroom.exercises
    assert controller.open_shipped("ejercicio_1" if name == "ejemplo_a" else "ejercicio_2")
    if name == "rnn_alumno":
        controller.show_part(2)
    asked = controller.mask.stages
    arrows = window.classroom.diagram.diagram.arrow_texts()
    stages = window.document.analysis.stages
    for (shape, _axes), stage in zip(arrows, stages, strict=True):
        assert (shape == "?") == (stage.name in asked)
    assert asked
    assert window.classroom.unrolled.diagram.shapes_hidden()


def test_the_unrolled_view_says_why_a_block_with_an_error_is_not_drawn(window) -> None:
    project = load_example("rnn_alumno")
    broken = updated(
        project, blocks=(updated(project.blocks[0], input_size=9), *project.blocks[1:])
    )
    _open(window, broken)
    view = window.classroom.unrolled.diagram
    assert view.unrolling is None
    assert view.empty_text.startswith("rnn1 has an error")
    _open(window, project)
    assert view.unrolling is not None and view.empty_text == ""
