"""What the panes say next to each field and block: the core's errors and warnings, inferred
sizes, rejected values, the printout and code, the status bar; and the item models' contracts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication
from test_gui_user_flow import form_control, type_into_spin_box
from torch_reference import assert_panes_match_torch

from rnnstudio.core.analysis import analyze
from rnnstudio.core.errors import format_bytes
from rnnstudio.core.examples import example_names, load_example
from rnnstudio.core.export import export_python
from rnnstudio.core.model import build_model
from rnnstudio.core.trace import estimate_run_bytes
from rnnstudio.gui.main_window import MainWindow
from rnnstudio.gui.stack_pane import SEVERITY_ROLE


def current_form(window: MainWindow):
    form = window.properties_pane.current_form
    assert form is not None
    return form


def test_an_error_shows_next_to_its_field_and_marks_the_block(qtbot, window: MainWindow) -> None:
    window.open_example("rnn_clas")
    window.select_row(1)  # fc
    form = current_form(window)
    editor = form.editor("in_features")
    assert editor.pin.isChecked() is False
    assert editor.control.text() == "40 (inferred)"

    type_into_spin_box(qtbot, editor.control, "12")
    assert window.document.project.blocks[1].in_features == 12
    assert editor.pin.isChecked()
    message = analyze(window.document.project).first_error.message
    assert "fc expects in_features 12 but receives 40 features" in message
    assert form.message_text("in_features") == message
    assert form.message_text("out_features") == ""
    stack = window.stack_pane.model
    assert stack.index(1).data(SEVERITY_ROLE) == "error"
    assert stack.index(1).data(Qt.ItemDataRole.ToolTipRole) == f"fc  Linear 12→5\n\n{message}"
    assert stack.index(0).data(SEVERITY_ROLE) == "none"
    assert window.status_problems.text() == "✖ 1 error(s)"
    # The stages after the error have no shape; torch refuses the same forward.
    assert_panes_match_torch(window)
    blocked = "Not analysed: fc above has an error."
    assert blocked in stack.index(2).data(Qt.ItemDataRole.ToolTipRole)
    window.select_row(2)
    assert "Not analysed: fc above has an error" in window.properties_pane.general_messages.text()
    assert window.properties_pane.general_messages.isVisible()
    window.select_row(1)
    assert "cannot be built" in window.model_pane.printout.text.toPlainText()
    assert message in window.model_pane.code.text.toPlainText()

    # Unpinning goes back to the inferred size and the error goes away.
    editor.pin.setFocus()
    qtbot.keyClick(editor.pin, Qt.Key.Key_Space)
    assert window.document.project.blocks[1].in_features is None
    assert form.message_text("in_features") == ""
    assert stack.index(1).data(SEVERITY_ROLE) == "none"
    assert window.status_problems.text() == "No errors or warnings"


def test_a_warning_shows_next_to_its_field(qtbot, window: MainWindow) -> None:
    window.open_example("rnn_clas")
    type_into_spin_box(
        qtbot, form_control(window, "dropout"), "0.3".replace(".", QLocale().decimalPoint())
    )
    assert window.document.project.blocks[0].dropout == pytest.approx(0.3)
    assert form_control(window, "dropout").value() == pytest.approx(0.3)
    assert current_form(window).message_text("dropout") == ""  # two layers: dropout applies

    type_into_spin_box(qtbot, form_control(window, "num_layers"), "1")
    text = current_form(window).message_text("dropout")
    assert "does nothing with num_layers=1" in text
    assert window.stack_pane.model.index(0).data(SEVERITY_ROLE) == "warning"
    assert window.status_problems.text() == "⚠ 1 warning(s)"
    assert text in window.shapes_pane.notes.text().replace("&gt;", ">")


def test_the_input_warns_when_batch_equals_seq_len(qtbot, window: MainWindow) -> None:
    window.open_example("rnn_clas")
    type_into_spin_box(qtbot, window.input_pane.form.editor("seq_len").control, "3")
    assert "swapping the two axes" in window.input_pane.form.message_text("seq_len")
    assert window.input_pane.tensor_line.text() == (
        "x = torch.Size([3, 3, 2])   [batch=3, time=3, features=2]"
    )


def test_a_rejected_value_stays_with_its_reason_and_changes_nothing(
    qtbot, window: MainWindow
) -> None:
    window.open_example("rnn_alumno")
    before = window.document.project
    name = form_control(window, "name")
    name.setFocus()
    name.selectAll()
    qtbot.keyClicks(name, "fc")
    form = current_form(window)
    assert "'fc' is already the name of blocks[0]" in form.message_text("name")
    assert name.text() == "fc"
    # "f" was a valid name and is applied; "fc" is refused and changes nothing more.
    assert [block.name for block in window.document.project.blocks] == ["f", "fc", "rnn2"]
    window.action_undo.trigger()
    assert window.document.project == before
    assert name.text() == "rnn1"
    name.selectAll()
    qtbot.keyClicks(name, "fc")

    qtbot.keyClicks(name, "2")
    assert form.message_text("name") == ""
    assert [block.name for block in window.document.project.blocks] == ["fc2", "fc", "rnn2"]
    assert window.properties_pane.heading.text() == "fc2 — RNN"
    assert_panes_match_torch(window)

    name.selectAll()
    qtbot.keyClicks(name, "2x")
    assert "must be a Python identifier" in form.message_text("name")
    assert window.document.project.blocks[0].name == "fc2"
    # Selecting another block drops the rejected text; the project was never changed.
    window.select_row(1)
    window.select_row(0)
    assert name.text() == "fc2"
    assert form.message_text("name") == ""


def test_lstm_proj_size_rejection_names_the_rule(qtbot, window: MainWindow) -> None:
    window.add_actions["lstm"].trigger()
    type_into_spin_box(qtbot, form_control(window, "proj_size"), "16")
    message = current_form(window).message_text("proj_size")
    assert "proj_size has to be smaller than hidden_size" in message
    # "1" was a valid proj_size; "16" is not, and stays in the box with the reason.
    assert window.document.project.blocks[1].proj_size == 1
    assert form_control(window, "proj_size").value() == 16


def test_the_model_pane_shows_the_printout_and_the_exported_code(window: MainWindow) -> None:
    for name in example_names():
        window.open_example(name)
        project = window.document.project
        assert window.model_pane.printout.text.toPlainText() == str(
            build_model(project, device="meta")
        )
        assert window.model_pane.code.text.toPlainText() == export_python(project)
        assert window.model_pane.printout.text.isReadOnly()
    window.model_pane.code.copy_button.click()
    assert QApplication.clipboard().text() == export_python(window.document.project)


def test_the_status_bar_counts_parameters_memory_and_problems(window: MainWindow) -> None:
    window.open_example("rnn_clas")
    project = window.document.project
    total = sum(p.numel() for p in build_model(project).parameters())
    assert window.status_parameters.text() == f"Parameters: {total:,}"
    assert format_bytes(total * 4) in window.status_memory.text()
    assert format_bytes(estimate_run_bytes(project)) in window.status_memory.text()
    assert window.status_problems.text() == "No errors or warnings"


def test_stack_lines_read_like_the_issue(window: MainWindow) -> None:
    window.open_example("rnn_clas")
    lines = [window.stack_pane.model.index(row).data() for row in range(3)]
    assert lines == [
        "rnn1  RNN 2→40 ×2 layers · last step",
        "fc  Linear 40→5",
        "softmax  Softmax dim=1",
    ]


@pytest.mark.parametrize("example", ["rnn_clas", "rnn_alumno", "ejemplo_c"])
def test_item_models_keep_qt_s_contract(qtbot, qtmodeltester, window: MainWindow, example) -> None:
    window.open_example(example)
    for model in (
        window.stack_pane.model,
        window.parameters_pane.model,
        window.shapes_pane.model,
    ):
        qtmodeltester.check(model, force_py=True)
    # And while the stack changes under them.
    window.add_actions["lstm"].trigger()
    window.action_duplicate.trigger()
    window.action_move_up.trigger()
    for model in (
        window.stack_pane.model,
        window.parameters_pane.model,
        window.shapes_pane.model,
    ):
        qtmodeltester.check(model, force_py=True)


def test_a_billion_parameter_stack_is_shown_without_allocating(window: MainWindow) -> None:
    project = load_example("rnn_clas")
    window.document.replace(project)
    form_control(window, "hidden_size").setValue(12_000)
    form_control(window, "num_layers").setValue(4)
    total = analyze(window.document.project).total_parameters
    assert total > 10**9
    assert window.status_parameters.text() == f"Parameters: {total:,}"
    assert "GiB" in window.status_memory.text()


@pytest.mark.parametrize(
    ("field", "typed", "reason", "kept"),
    [
        ("hidden_size", "0", "hidden_size: must be at least 1, got 0", 16),
        # "1", "10" and "100" are valid on the way; "1001" is refused.
        ("num_layers", "1001", "num_layers: must be at most 1000, got 1001", 100),
        ("dropout", "1", "dropout: must be less than 1.0, got 1.0", 0.0),
    ],
)
def test_out_of_range_values_get_the_core_s_reason(
    qtbot, window: MainWindow, field: str, typed: str, reason: str, kept: float
) -> None:
    type_into_spin_box(qtbot, form_control(window, field), typed)
    assert current_form(window).message_text(field) == reason
    assert getattr(window.document.project.blocks[0], field) == kept
    assert_panes_match_torch(window)
