"""A user builds a network with clicks and keystrokes; after every step the panes equal torch."""

from __future__ import annotations

import torch
from PySide6.QtCore import Qt
from torch import nn
from torch_reference import assert_panes_match_torch, shown_facts

from rnnstudio.core.model import build_model
from rnnstudio.gui.main_window import MainWindow


def type_into_spin_box(qtbot, spin, text: str) -> None:
    """Select the spin box's text and type a number, key by key, as a user does."""
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(spin, text)


def click_add(qtbot, window: MainWindow, block_type: str) -> None:
    button = window.stack_pane.buttons[f"action_add_{block_type}"]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def block_names(window: MainWindow) -> list[str]:
    return [block.name for block in window.document.project.blocks]


def form_control(window: MainWindow, field: str):
    form = window.properties_pane.current_form
    assert form is not None
    return form.editor(field).control


class model(nn.Module):
    """The network the user builds below, written by hand as in the notebook (the class is
    named as the project, so that print() reads the same)."""

    def __init__(self):
        super().__init__()
        self.lstm1 = nn.LSTM(1, 24, num_layers=2, batch_first=True, bidirectional=True)
        self.rnn1 = nn.RNN(48, 16, batch_first=True)
        self.fc1 = nn.Linear(16, 5)
        self.softmax1 = nn.Softmax(dim=-1)

    def forward(self, x):
        y, _states = self.lstm1(x)
        y, _h = self.rnn1(y)
        return self.softmax1(self.fc1(y))


def test_build_a_network_by_clicking_and_typing(qtbot, window: MainWindow) -> None:
    # A new project: one RNN on the notebook's default input [batch=1, time=3, features=1].
    assert block_names(window) == ["rnn1"]
    assert window.windowTitle() == "model — RNN Studio"
    assert_panes_match_torch(window)

    click_add(qtbot, window, "lstm")
    assert block_names(window) == ["rnn1", "lstm1"]
    assert window.selected_row == 1
    assert window.windowTitle() == "model* — RNN Studio"
    assert_panes_match_torch(window)

    steps_before_typing = window.document.undo_stack.count()
    type_into_spin_box(qtbot, form_control(window, "hidden_size"), "24")
    assert window.document.project.blocks[1].hidden_size == 24
    # "2" then "24": two keystrokes, one undo step.
    assert window.document.undo_stack.count() == steps_before_typing + 1
    assert_panes_match_torch(window)

    type_into_spin_box(qtbot, form_control(window, "num_layers"), "2")
    assert_panes_match_torch(window)

    bidirectional = form_control(window, "bidirectional")
    bidirectional.setFocus()
    qtbot.keyClick(bidirectional, Qt.Key.Key_Space)
    assert window.document.project.blocks[1].bidirectional is True
    assert_panes_match_torch(window)

    click_add(qtbot, window, "linear")
    type_into_spin_box(qtbot, form_control(window, "out_features"), "5")
    assert_panes_match_torch(window)
    click_add(qtbot, window, "softmax")
    assert block_names(window) == ["rnn1", "lstm1", "fc1", "softmax1"]
    assert_panes_match_torch(window)

    # Reorder with the actions: the LSTM goes first.
    window.stack_pane.select_row(1)
    window.select_row(1)
    window.action_move_up.trigger()
    assert block_names(window) == ["lstm1", "rnn1", "fc1", "softmax1"]
    assert window.selected_row == 0
    assert_panes_match_torch(window)

    # The result equals the network written by hand.
    built = build_model(window.document.project)
    by_hand = model()
    assert [(n, p.shape) for n, p in built.named_parameters()] == [
        (n, p.shape) for n, p in by_hand.named_parameters()
    ]
    assert window.model_pane.printout.text.toPlainText() == str(by_hand)
    built.load_state_dict(by_hand.state_dict(), strict=True)
    x = torch.rand(1, 3, 1)
    torch.testing.assert_close(built(x), by_hand(x))
    final_stage = shown_facts(window).stages[-1]
    assert final_stage.output == tuple(by_hand(x).shape)


def test_keyboard_duplicate_remove_and_move(qtbot, window: MainWindow) -> None:
    window.open_example("rnn_clas")
    view = window.stack_pane.view
    view.setFocus()
    window.select_row(0)

    qtbot.keyClick(view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert block_names(window) == ["rnn1", "rnn2", "fc", "softmax"]
    assert window.selected_row == 1
    assert window.document.project.blocks[1].hidden_size == 40
    assert window.document.project.blocks[1].input_size is None
    assert_panes_match_torch(window)

    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert block_names(window) == ["rnn1", "fc", "rnn2", "softmax"]
    assert window.selected_row == 2
    assert_panes_match_torch(window)

    qtbot.keyClick(view, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert block_names(window) == ["rnn1", "rnn2", "fc", "softmax"]
    assert_panes_match_torch(window)

    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert block_names(window) == ["rnn1", "fc", "softmax"]
    assert window.selected_row == 1
    assert_panes_match_torch(window)


def test_delete_in_a_text_field_does_not_remove_the_block(qtbot, window: MainWindow) -> None:
    name_field = form_control(window, "name")
    name_field.setFocus()
    name_field.setCursorPosition(0)
    qtbot.keyClick(name_field, Qt.Key.Key_Delete)
    # Delete edits the text: "nn1" is a valid name, so the block is renamed, not removed.
    assert name_field.text() == "nn1"
    assert block_names(window) == ["nn1"]
    assert window.stack_pane.model.index(0).data().startswith("nn1  RNN")


def test_drag_and_drop_reorders_through_the_model(qtbot, window: MainWindow) -> None:
    window.open_example("rnn_alumno")
    stack_model = window.stack_pane.model
    # What the list view calls on an internal drop: move row 2 before row 0.
    with qtbot.waitSignal(window.document.sig_analysis_changed):
        assert stack_model.moveRow(
            stack_model.index(0).parent(), 2, stack_model.index(0).parent(), 0
        )
    assert block_names(window) == ["rnn2", "rnn1", "fc"]
    assert window.selected_row == 0
    assert_panes_match_torch(window)
    # Dropping a block onto its own place changes nothing.
    assert not stack_model.moveRow(
        stack_model.index(0).parent(), 1, stack_model.index(0).parent(), 2
    )
    assert block_names(window) == ["rnn2", "rnn1", "fc"]


def test_buttons_follow_the_selection(qtbot, window: MainWindow) -> None:
    window.open_example("rnn_clas")
    window.select_row(0)
    assert not window.action_move_up.isEnabled()
    assert window.action_move_down.isEnabled()
    window.select_row(2)
    assert window.action_move_up.isEnabled()
    assert not window.action_move_down.isEnabled()
    for _ in range(3):
        window.action_remove.trigger()
    assert block_names(window) == []
    assert not window.action_remove.isEnabled()
    assert not window.action_duplicate.isEnabled()
    assert window.properties_pane.current_form is None
    # Adding to an empty stack works and selects the new block.
    window.add_actions["gru"].trigger()
    assert block_names(window) == ["gru1"]
    assert window.selected_row == 0
    assert_panes_match_torch(window)


def test_add_rnn_goes_after_the_selection(qtbot, window: MainWindow) -> None:
    window.open_example("rnn_alumno")
    window.select_row(0)
    click_add(qtbot, window, "rnn")
    assert block_names(window) == ["rnn1", "rnn3", "fc", "rnn2"]
    assert window.selected_row == 1
    assert window.properties_pane.heading.text() == "rnn3 — RNN"
    assert_panes_match_torch(window)
    button = window.stack_pane.buttons["action_add_rnn"]
    assert button.text() == "+ RNN"
    assert "Add RNN" in button.toolTip()
