"""Undo/redo, files, unsaved-changes prompts, recent files, dropping a file, and the title."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from test_gui_user_flow import click_add, form_control, type_into_spin_box
from torch_reference import assert_panes_match_torch

from rnnstudio.core.examples import example_names, load_example
from rnnstudio.core.project_io import load_project, save_project
from rnnstudio.gui.dialogs import UnsavedChoice
from rnnstudio.gui.document import Document, default_project
from rnnstudio.gui.main_window import MainWindow


def test_undo_and_redo_walk_through_every_project(qtbot, window: MainWindow) -> None:
    history = [window.document.project]
    click_add(qtbot, window, "gru")
    history.append(window.document.project)
    type_into_spin_box(qtbot, form_control(window, "hidden_size"), "32")
    history.append(window.document.project)
    type_into_spin_box(qtbot, form_control(window, "num_layers"), "3")
    history.append(window.document.project)
    window.select_row(0)
    window.action_remove.trigger()
    history.append(window.document.project)
    assert len(set(history)) == len(history)

    for expected in reversed(history[:-1]):
        window.action_undo.trigger()
        assert window.document.project == expected
        assert_panes_match_torch(window)
    assert not window.action_undo.isEnabled()
    assert not window.document.is_dirty
    assert window.windowTitle() == "model — RNN Studio"
    for expected in history[1:]:
        window.action_redo.trigger()
        assert window.document.project == expected
        assert_panes_match_torch(window)
    assert window.windowTitle() == "model* — RNN Studio"


def test_keystrokes_in_one_field_are_one_undo_step(qtbot, window: MainWindow) -> None:
    original = window.document.project
    spin = form_control(window, "hidden_size")
    type_into_spin_box(qtbot, spin, "128")
    assert window.document.project.blocks[0].hidden_size == 128
    assert window.document.undo_stack.count() == 1
    # Ctrl+Z in the spin box is the project's undo, not the line edit's.
    qtbot.keyClick(spin, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.document.project == original
    assert spin.value() == 16
    qtbot.keyClick(spin, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert window.document.project.blocks[0].hidden_size == 128
    qtbot.keyClick(
        spin, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert window.document.project.blocks[0].hidden_size == 128


def test_typing_in_another_field_or_after_leaving_makes_a_new_step(
    qtbot, window: MainWindow
) -> None:
    type_into_spin_box(qtbot, form_control(window, "hidden_size"), "20")
    type_into_spin_box(qtbot, form_control(window, "num_layers"), "2")
    assert window.document.undo_stack.count() == 2
    # Back in hidden_size: focusing it again starts a new step.
    form_control(window, "num_layers").setFocus()
    type_into_spin_box(qtbot, form_control(window, "hidden_size"), "21")
    assert window.document.undo_stack.count() == 3
    window.action_undo.trigger()
    assert window.document.project.blocks[0].hidden_size == 20


def test_typing_a_value_back_leaves_nothing_to_undo(qtbot, window: MainWindow) -> None:
    spin = form_control(window, "hidden_size")
    type_into_spin_box(qtbot, spin, "1")
    qtbot.keyClick(spin, Qt.Key.Key_Backspace)
    qtbot.keyClicks(spin, "16")
    assert window.document.project == default_project()
    assert window.document.undo_stack.count() == 0
    assert not window.document.is_dirty


def test_save_then_reopen_gives_the_same_project(
    qtbot, window: MainWindow, dialogs, tmp_path: Path
) -> None:
    window.open_example("rnn_alumno")
    type_into_spin_box(qtbot, form_control(window, "hidden_size"), "9")
    edited = window.document.project
    dialogs.save_path = tmp_path / "alumno"
    assert window.save()
    saved = tmp_path / "alumno.rnnstudio"
    assert window.document.path == saved
    assert not window.document.is_dirty
    assert window.windowTitle() == "RNN_alumno — RNN Studio"
    assert load_project(saved) == edited

    window.new_project()
    assert window.document.project == default_project()
    assert window.open_path(saved)
    assert window.document.project == edited
    assert_panes_match_torch(window)
    # Save writes to the same file without asking again.
    dialogs.save_path = None
    window.add_actions["softmax"].trigger()
    assert window.save()
    assert load_project(saved) == window.document.project


@pytest.mark.parametrize(
    "content",
    [
        b"{ not json",
        b"",
        b'{"format": "rnnstudio", "version": 1, "blocks": [{"type": "rnn", "name": "r"}]}',
        b'{"format": "something else"}',
        bytes(range(256)),
    ],
)
def test_a_corrupt_file_leaves_the_current_project_intact(
    qtbot, window: MainWindow, dialogs, tmp_path: Path, content: bytes
) -> None:
    window.open_example("rnn_clas")
    type_into_spin_box(qtbot, form_control(window, "hidden_size"), "41")
    before = window.document.project
    stack_count = window.document.undo_stack.count()
    bad = tmp_path / "bad.rnnstudio"
    bad.write_bytes(content)
    dialogs.unsaved_answer = UnsavedChoice.DISCARD

    assert not window.open_path(bad)
    assert len(dialogs.errors) == 1
    title, message = dialogs.errors[0]
    assert title == "Cannot open the project"
    assert str(bad) in message
    assert "Traceback" not in message
    assert window.document.project == before
    assert window.document.undo_stack.count() == stack_count
    assert window.document.is_dirty
    assert_panes_match_torch(window)


def test_a_missing_file_shows_why(window: MainWindow, dialogs, tmp_path: Path) -> None:
    assert not window.open_path(tmp_path / "nowhere.rnnstudio")
    assert "cannot read the file" in dialogs.errors[0][1]
    assert window.document.project == default_project()


def test_a_failing_save_keeps_the_project_unsaved(
    window: MainWindow, dialogs, tmp_path: Path
) -> None:
    window.add_actions["linear"].trigger()
    dialogs.save_path = tmp_path / "missing-folder" / "x.rnnstudio"
    assert not window.save()
    assert "cannot save the file" in dialogs.errors[0][1]
    assert window.document.is_dirty
    assert window.document.path is None


@pytest.mark.parametrize("action", ["new", "open", "example", "close"])
def test_unsaved_changes_are_asked_about(
    qtbot, window: MainWindow, dialogs, tmp_path: Path, action: str
) -> None:
    other = tmp_path / "other.rnnstudio"
    save_project(load_example("ejemplo_a"), other)
    dialogs.open_path = other

    def attempt() -> None:
        if action == "new":
            window.action_new.trigger()
        elif action == "open":
            window.action_open.trigger()
        elif action == "example":
            window.example_actions["rnn_clas"].trigger()
        else:
            window.close()

    window.add_actions["lstm"].trigger()
    edited = window.document.project

    dialogs.unsaved_answer = UnsavedChoice.CANCEL
    attempt()
    assert dialogs.unsaved_questions == ["model"]
    assert window.document.project == edited
    assert window.isVisible()

    dialogs.unsaved_answer = UnsavedChoice.SAVE
    dialogs.save_path = tmp_path / "kept.rnnstudio"
    attempt()
    assert load_project(tmp_path / "kept.rnnstudio") == edited
    if action == "close":
        assert not window.isVisible()
    else:
        assert window.document.project != edited
        assert not window.document.is_dirty


def test_discarding_changes_opens_without_saving(window: MainWindow, dialogs) -> None:
    window.add_actions["lstm"].trigger()
    dialogs.unsaved_answer = UnsavedChoice.DISCARD
    assert window.open_example("ejemplo_b")
    assert window.document.project == load_example("ejemplo_b")
    assert dialogs.unsaved_questions == ["model"]


def test_no_question_without_changes(window: MainWindow, dialogs) -> None:
    window.action_new.trigger()
    window.open_example("ejemplo_c")
    assert dialogs.unsaved_questions == []


def test_every_example_opens_from_the_menu(window: MainWindow) -> None:
    assert sorted(window.example_actions) == sorted(example_names())
    for name in example_names():
        window.example_actions[name].trigger()
        project = load_example(name)
        assert window.document.project == project
        assert window.document.path is None
        assert window.windowTitle() == f"{project.name} — RNN Studio"
        assert_panes_match_torch(window)


def test_recent_files_are_remembered_and_reopen(
    window: MainWindow, dialogs, settings: QSettings, tmp_path: Path
) -> None:
    paths = []
    for name in ("ejemplo_a", "ejemplo_b"):
        path = tmp_path / f"{name}.rnnstudio"
        save_project(load_example(name), path)
        assert window.open_path(path)
        paths.append(str(path.resolve()))
    assert window.recent_files() == paths[::-1]
    entries = [action for action in window.recent_menu.actions() if not action.isSeparator()]
    assert [paths[1] in entries[0].text(), paths[0] in entries[1].text()] == [True, True]

    entries[1].trigger()
    assert window.document.project == load_example("ejemplo_a")
    assert window.recent_files()[0] == paths[0]

    Path(paths[1]).unlink()
    recent_b = next(a for a in window.recent_menu.actions() if paths[1] in a.text())
    recent_b.trigger()
    assert "no longer there" in dialogs.errors[-1][1]
    assert paths[1] not in window.recent_files()
    assert window.document.project == load_example("ejemplo_a")


# PySide6 marks the one constructor Qt 6 has for QDragEnterEvent as deprecated.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_dropping_a_project_file_opens_it(window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "dropped.rnnstudio"
    save_project(load_example("rnn_clas_por_paso"), path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    position = QPointF(QPoint(200, 200))
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    # Qt delivers drops only during a real drag, so the handlers are called as Qt would.
    assert window.acceptDrops()
    enter = QDragEnterEvent(position.toPoint(), Qt.DropAction.CopyAction, mime, buttons, modifiers)
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(position, Qt.DropAction.CopyAction, mime, buttons, modifiers)
    window.dropEvent(drop)
    assert drop.isAccepted()
    assert window.document.project == load_example("rnn_clas_por_paso")
    assert window.document.path == path

    text_only = QMimeData()
    text_only.setText("not a file")
    refused = QDragEnterEvent(
        position.toPoint(), Qt.DropAction.CopyAction, text_only, buttons, modifiers
    )
    window.dragEnterEvent(refused)
    assert not refused.isAccepted()


def test_open_argument_takes_a_file_or_an_example(
    window: MainWindow, dialogs, tmp_path: Path
) -> None:
    assert window.open_argument("rnn_clas")
    assert window.document.project == load_example("rnn_clas")
    assert window.document.path is None
    path = tmp_path / "a.rnnstudio"
    save_project(load_example("ejemplo_a"), path)
    assert window.open_argument(str(path))
    assert window.document.path == path
    assert not window.open_argument("no_such_example")
    assert "no such file or shipped example" in dialogs.errors[0][1]
    assert window.document.project == load_example("ejemplo_a")


def test_the_arrangement_is_remembered(qtbot, qapp, settings: QSettings, dialogs) -> None:
    first = MainWindow(settings=settings)
    first.dialogs = dialogs
    qtbot.addWidget(first)
    first.resize(1200, 800)
    first.show()
    qtbot.waitExposed(first)
    assert not first.layout_restored
    first.shapes_dock.setFloating(True)
    first.model_dock.hide()
    first.close()

    second = MainWindow(settings=settings)
    qtbot.addWidget(second)
    assert second.layout_restored
    assert second.shapes_dock.isFloating()
    assert second.model_dock.isHidden()
    second.reset_layout()
    assert not second.shapes_dock.isFloating()
    assert not second.model_dock.isHidden()


def test_a_damaged_layout_setting_falls_back_to_the_default(qtbot, settings: QSettings) -> None:
    settings.setValue("window/state", b"garbage")
    settings.setValue("window/geometry", "garbage")
    settings.setValue("recent_files", 42)
    window = MainWindow(settings=settings)
    qtbot.addWidget(window)
    assert not window.layout_restored
    assert window.recent_files() == []
    assert not window.recent_menu.isEnabled()


def test_the_document_alone_keeps_history_and_dirty_flag(qtbot) -> None:
    document = Document()
    dirty = []
    document.sig_dirty_changed.connect(dirty.append)
    project = load_example("ejemplo_a")
    with qtbot.waitSignal(document.sig_analysis_changed) as blocker:
        assert document.edit(project, "open a")
    assert blocker.args[0].project == project
    assert not document.edit(project, "the same again")
    assert document.is_dirty and dirty == [True]
    document.undo_stack.undo()
    assert document.project == default_project()
    assert dirty == [True, False]
