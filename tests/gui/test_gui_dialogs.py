"""The real dialogs map their buttons to the window's choices (answered by a timer, never
left waiting for a person)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from rnnstudio.gui.dialogs import Dialogs, UnsavedChoice


def click_when_shown(button: QMessageBox.StandardButton) -> None:
    """Press a button of the next message box as soon as it is on screen."""

    def attempt() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            box.button(button).click()
        else:
            QTimer.singleShot(10, attempt)

    QTimer.singleShot(0, attempt)


@pytest.mark.parametrize(
    ("button", "choice"),
    [
        (QMessageBox.StandardButton.Save, UnsavedChoice.SAVE),
        (QMessageBox.StandardButton.Discard, UnsavedChoice.DISCARD),
        (QMessageBox.StandardButton.Cancel, UnsavedChoice.CANCEL),
    ],
)
def test_unsaved_changes_question(qtbot, button, choice) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    click_when_shown(button)
    assert Dialogs(parent).ask_unsaved_changes("RNN_clas") == choice


def test_error_dialog_shows_the_message(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.button(QMessageBox.StandardButton.Ok).click()
        else:
            QTimer.singleShot(10, read_and_close)

    QTimer.singleShot(0, read_and_close)
    Dialogs(parent).show_error("Cannot open the project", "x.rnnstudio: is not valid JSON")
    assert seen == ["x.rnnstudio: is not valid JSON"]
