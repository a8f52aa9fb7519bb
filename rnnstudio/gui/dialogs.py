"""Every modal question the window asks, in one replaceable object.

The window talks to dialogs only through `Dialogs`, so tests swap in an object with the same
methods and never block on a modal box.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from rnnstudio.core.exercises import EXERCISE_SUFFIX
from rnnstudio.core.project_io import PROJECT_SUFFIX


class UnsavedChoice(Enum):
    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


class RestoreChoice(Enum):
    RESTORE = "restore"
    DISCARD = "discard"
    LATER = "later"


# Called with a literal context at each phrase, so pyside6-lupdate finds the phrases.
translate = QCoreApplication.translate


def project_file_filter() -> str:
    return translate("Dialogs", "RNN Studio projects (*{suffix});;All files (*)").format(
        suffix=PROJECT_SUFFIX
    )


class Dialogs:
    """Message boxes and file choosers, parented to the main window."""

    def __init__(self, parent: QWidget) -> None:
        self._parent = parent

    def show_error(self, title: str, message: str) -> None:
        QMessageBox.critical(self._parent, title, message)

    def ask_unsaved_changes(self, project_name: str) -> UnsavedChoice:
        box = QMessageBox(self._parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(translate("Dialogs", "Unsaved changes"))
        box.setText(translate("Dialogs", "Save the changes to “{name}”?").format(name=project_name))
        box.setInformativeText(translate("Dialogs", "Without saving, the changes are lost."))
        box.setStandardButtons(
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Save:
            return UnsavedChoice.SAVE
        if answer == QMessageBox.StandardButton.Discard:
            return UnsavedChoice.DISCARD
        return UnsavedChoice.CANCEL

    def ask_open_path(self, directory: str) -> Path | None:
        path, _filter = QFileDialog.getOpenFileName(
            self._parent, translate("Dialogs", "Open project"), directory, project_file_filter()
        )
        return Path(path) if path else None

    def ask_save_path(self, suggestion: str) -> Path | None:
        path, _filter = QFileDialog.getSaveFileName(
            self._parent, translate("Dialogs", "Save project as"), suggestion, project_file_filter()
        )
        return Path(path) if path else None

    def ask_restore(
        self, project_name: str, saved_at: str, original_path: str | None
    ) -> RestoreChoice:
        """After a crash or a kill: restore the autosaved project, discard it, or decide later."""
        box = QMessageBox(self._parent)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(QCoreApplication.translate("Dialogs", "Restore unsaved work?"))
        box.setText(
            QCoreApplication.translate(
                "Dialogs", "RNN Studio did not close normally. Restore the unsaved “{name}”?"
            ).format(name=project_name)
        )
        where = (
            QCoreApplication.translate("Dialogs", "Its file: {path}").format(path=original_path)
            if original_path
            else QCoreApplication.translate("Dialogs", "It had not been saved to a file yet.")
        )
        box.setInformativeText(
            QCoreApplication.translate("Dialogs", "Autosaved at {time}.").format(time=saved_at)
            + "\n"
            + where
        )
        restore = box.addButton(
            QCoreApplication.translate("Dialogs", "&Restore"), QMessageBox.ButtonRole.AcceptRole
        )
        discard = box.addButton(
            QCoreApplication.translate("Dialogs", "&Discard"),
            QMessageBox.ButtonRole.DestructiveRole,
        )
        box.addButton(
            QCoreApplication.translate("Dialogs", "Ask &later"), QMessageBox.ButtonRole.RejectRole
        )
        box.setDefaultButton(restore)
        box.exec()
        clicked = box.clickedButton()
        if clicked is restore:
            return RestoreChoice.RESTORE
        if clicked is discard:
            return RestoreChoice.DISCARD
        return RestoreChoice.LATER

    def edit_preferences(self, current: Any) -> Any:
        """The Preferences dialog; the new Preferences, or None when cancelled."""
        from .preferences import PreferencesDialog

        dialog = PreferencesDialog(current, self._parent)
        try:
            return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()

    def ask_signal_csv_path(self, directory: str) -> Path | None:
        path, _filter = QFileDialog.getOpenFileName(
            self._parent,
            QCoreApplication.translate("Dialogs", "Choose the input signal's CSV file"),
            directory,
            QCoreApplication.translate("Dialogs", "CSV files (*.csv *.txt);;All files (*)"),
        )
        return Path(path) if path else None

    def ask_export_npz_path(self, suggestion: str) -> Path | None:
        path, _filter = QFileDialog.getSaveFileName(
            self._parent,
            QCoreApplication.translate("Dialogs", "Export the run's arrays"),
            suggestion,
            QCoreApplication.translate("Dialogs", "NumPy arrays (*.npz);;All files (*)"),
        )
        return Path(path) if path else None

    def ask_export_folder(self, directory: str) -> Path | None:
        path = QFileDialog.getExistingDirectory(
            self._parent,
            QCoreApplication.translate("Dialogs", "Choose a folder for the CSV files"),
            directory,
        )
        return Path(path) if path else None

    # --- exercises (rnnstudio.gui.exercise_controller) ------------------------------------

    def ask_open_exercise_path(self, directory: str) -> Path | None:
        path, _filter = QFileDialog.getOpenFileName(
            self._parent,
            QCoreApplication.translate("Dialogs", "Open exercise"),
            directory,
            exercise_file_filter(),
        )
        return Path(path) if path else None

    def ask_save_exercise_path(self, suggestion: str) -> Path | None:
        path, _filter = QFileDialog.getSaveFileName(
            self._parent,
            QCoreApplication.translate("Dialogs", "Save exercise as"),
            suggestion,
            exercise_file_filter(),
        )
        return Path(path) if path else None

    def ask_exercise_choice(self, project_name: str, counts: dict[str, int]) -> Any:
        """An ExerciseChoice, or None when cancelled."""
        from .exercise_dialogs import SaveExerciseDialog

        dialog = SaveExerciseDialog(project_name, counts, self._parent)
        try:
            return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()

    def ask_report_path(self, suggestion: str) -> Path | None:
        path, _filter = QFileDialog.getSaveFileName(
            self._parent,
            QCoreApplication.translate("Dialogs", "Export the exercise report"),
            suggestion,
            QCoreApplication.translate("Dialogs", "PDF documents (*.pdf);;Text files (*.txt)"),
        )
        return Path(path) if path else None


def exercise_file_filter() -> str:
    return QCoreApplication.translate(
        "Dialogs", "RNN Studio exercises (*{suffix});;All files (*)"
    ).format(suffix=EXERCISE_SUFFIX)
