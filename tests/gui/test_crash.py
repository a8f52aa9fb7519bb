"""An exception in a slot: a dialog, a log entry, and the application keeps running."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton

from rnnstudio.gui.crash import ErrorDialog, ErrorReporter

# pytest-qt would turn the exception into a test failure; here the reporter is under test.
pytestmark = pytest.mark.qt_no_exception_capture


class Emitter(QObject):
    sig_poke_requested = Signal(int)


@pytest.fixture
def reporter(qapp, tmp_path):
    reporter = ErrorReporter(log_path=tmp_path / "state" / "errors.log")
    shown: list[tuple[str, str]] = []
    reporter.present = lambda summary, details: shown.append((summary, details))
    reporter.shown = shown
    reporter.install()
    yield reporter
    reporter.uninstall()


def test_a_raising_slot_shows_the_dialog_logs_and_the_app_goes_on(qtbot, reporter):
    emitter = Emitter()
    handled: list[int] = []

    def _on_emitter_poke_requested(value: int) -> None:
        if value == 1:
            raise ValueError("hidden_size went negative in a slot")
        handled.append(value)

    emitter.sig_poke_requested.connect(_on_emitter_poke_requested)
    with qtbot.waitSignal(reporter.sig_error_reported, timeout=5000):
        emitter.sig_poke_requested.emit(1)
    qtbot.waitUntil(lambda: len(reporter.shown) == 1, timeout=5000)
    summary, details = reporter.shown[0]
    assert "ValueError: hidden_size went negative in a slot" in summary
    assert "nothing was lost" in summary and str(reporter.log_path) in summary
    assert "Traceback (most recent call last)" in details
    assert "_on_emitter_poke_requested" in details
    log = reporter.log_path.read_text(encoding="utf-8")
    assert "hidden_size went negative in a slot" in log and "_on_emitter_poke_requested" in log

    # Still running: the next emission reaches the slot.
    emitter.sig_poke_requested.emit(2)
    assert handled == [2]


def test_an_exception_in_a_thread_is_shown_on_the_main_thread(qtbot, reporter):
    seen_on: list[bool] = []
    reporter.present = lambda summary, details: seen_on.append(
        threading.current_thread() is threading.main_thread()
    )

    def work() -> None:
        raise RuntimeError("worker failed")

    thread = threading.Thread(target=work, name="trace-worker")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: seen_on == [True], timeout=5000)
    log = reporter.log_path.read_text(encoding="utf-8")
    assert "thread 'trace-worker'" in log and "worker failed" in log


def test_a_button_click_that_raises_is_reported_once_even_if_it_repeats(qtbot, reporter):
    button = QPushButton("go")
    qtbot.addWidget(button)
    button.clicked.connect(lambda: 1 / 0)
    opened: list[str] = []

    def present(summary: str, details: str) -> None:
        opened.append(summary)
        button.click()  # raises again while the dialog is open: logged, no second dialog

    reporter.present = present
    with qtbot.waitSignal(reporter.sig_error_reported, timeout=5000):
        button.click()
    # The repeat raised inside the dialog was logged; its queued report has been delivered.
    qtbot.waitUntil(lambda: reporter.log_path.read_text("utf-8").count("ZeroDivision") >= 2)
    QCoreApplication.processEvents()
    assert len(opened) == 1
    # A different error still gets its dialog.
    with qtbot.waitSignal(reporter.sig_error_reported, timeout=5000):
        QTimer.singleShot(0, lambda: {}["missing"])
    qtbot.waitUntil(lambda: len(opened) == 2, timeout=5000)


def test_error_dialog_details_fold_out_copy_and_continue(qtbot):
    dialog = ErrorDialog("Something broke.", "Traceback (most recent call last):\n  boom")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert not dialog.details.isVisible()
    dialog.details_button.click()
    assert dialog.details.isVisible() and dialog.details.isReadOnly()
    dialog.copy_button.click()
    assert "boom" in QGuiApplication.clipboard().text()
    assert dialog.continue_button.isDefault()
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        dialog.continue_button.click()


def test_keyboard_interrupt_quits_instead_of_a_dialog(qtbot, reporter, monkeypatch):
    quit_calls: list[bool] = []
    monkeypatch.setattr("rnnstudio.gui.crash.QCoreApplication.quit", lambda: quit_calls.append(1))
    import sys

    sys.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)
    assert quit_calls and reporter.shown == []
