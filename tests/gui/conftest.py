"""Fixtures for driving the real main window offscreen, with settings in a temporary folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings

from rnnstudio.gui.app import configure_application
from rnnstudio.gui.dialogs import UnsavedChoice
from rnnstudio.gui.i18n import current_language, install_language, request_language
from rnnstudio.gui.main_window import MainWindow
from rnnstudio.gui.projector import scale_everything


@dataclass
class FakeDialogs:
    """Answers the window's questions from fields the test sets; records what was shown."""

    unsaved_answer: UnsavedChoice = UnsavedChoice.CANCEL
    open_path: Path | None = None
    save_path: Path | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)
    unsaved_questions: list[str] = field(default_factory=list)

    def show_error(self, title: str, message: str) -> None:
        self.errors.append((title, message))

    def ask_unsaved_changes(self, project_name: str) -> UnsavedChoice:
        self.unsaved_questions.append(project_name)
        return self.unsaved_answer

    def ask_open_path(self, directory: str) -> Path | None:
        return self.open_path

    def ask_save_path(self, suggestion: str) -> Path | None:
        return self.save_path


@pytest.fixture(autouse=True)
def _isolate_gui_tests():
    """Delete the widgets a test closed, undo its zoom and language, before the next test.

    pytest-qt closes a test's widgets and calls deleteLater, but without an event loop the
    deletion waits. A window left alive keeps its models connected to the test's helpers
    (qtmodeltester, signal spies), and a later test that walks every window would reach them.
    The language and the text size are application-wide in the same way.
    """
    yield
    if QCoreApplication.instance() is not None:
        scale_everything(1.0)
        if current_language() != "en":
            install_language("en")
    request_language(None)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def dialogs() -> FakeDialogs:
    return FakeDialogs()


@pytest.fixture
def window(qtbot, qapp, settings: QSettings, dialogs: FakeDialogs) -> MainWindow:
    configure_application(qapp)
    main_window = MainWindow(settings=settings)
    main_window.dialogs = dialogs
    qtbot.addWidget(main_window)
    main_window.resize(1366, 768)
    main_window.show()
    qtbot.waitExposed(main_window)
    yield main_window
    # Nothing may ask a question while the test framework closes the window.
    main_window.document.undo_stack.setClean()
