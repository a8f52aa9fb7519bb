"""Unexpected exceptions: a calm dialog, the details in a log file, and the app keeps running.

Any exception that escapes a slot, an event handler or a worker thread reaches
sys.excepthook or threading.excepthook. The reporter appends it to errors.log in the user's
state folder and shows one dialog (on the main thread) with a short message, the details to
expand and copy, and Continue. The document stays open and the autosave keeps it safe.
"""

from __future__ import annotations

import contextlib
import datetime
import platform
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from rnnstudio import __version__

from .settings import state_dir

LOG_NAME = "errors.log"
# The log is cut to its newest half when it grows past this.
MAX_LOG_BYTES = 1024 * 1024
# After its dialog closes, the same error shows no new dialog for this long (it is logged).
REPEAT_QUIET_SECONDS = 10.0


# Called with a literal context at each phrase, so pyside6-lupdate finds the phrases.
translate = QCoreApplication.translate


def error_log_path() -> Path:
    return state_dir() / LOG_NAME


def format_report(error: BaseException, where: str) -> str:
    """The log entry: when, what version, where it happened and the whole traceback."""
    stamp = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    lines = [
        f"--- {stamp}  rnnstudio {__version__}  Python {platform.python_version()}  "
        f"{platform.platform()}",
        f"in {where}",
        *traceback.format_exception(type(error), error, error.__traceback__),
    ]
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def append_to_log(text: str, path: Path | None = None) -> Path | None:
    """Add an entry to the error log; None when it cannot be written (never raises)."""
    path = path if path is not None else error_log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > MAX_LOG_BYTES:
            old = path.read_bytes()
            path.write_bytes(old[len(old) // 2 :])
        with path.open("a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError:
        return None
    return path


class ErrorDialog(QDialog):
    """A short message, the details folded away (selectable, with Copy), and Continue."""

    def __init__(self, summary: str, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("error_dialog")
        self.setWindowTitle(translate("ErrorReporter", "Something went wrong"))
        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(size)
        )
        self.message = QLabel(summary)
        self.message.setObjectName("error_message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.message, 1)

        self.details = QPlainTextEdit(details)
        self.details.setObjectName("error_details")
        self.details.setAccessibleName(translate("ErrorReporter", "Error details"))
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setMinimumHeight(12 * self.fontMetrics().lineSpacing())
        self.details.setVisible(False)

        self.details_button = QPushButton(translate("ErrorReporter", "Show &details"))
        self.details_button.setObjectName("error_details_button")
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self._on_details_button_toggled)
        self.copy_button = QPushButton(translate("ErrorReporter", "&Copy details"))
        self.copy_button.setObjectName("error_copy_button")
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        buttons = QDialogButtonBox()
        self.continue_button = buttons.addButton(
            translate("ErrorReporter", "C&ontinue"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.continue_button.setObjectName("error_continue_button")
        self.continue_button.setDefault(True)
        buttons.addButton(self.details_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.continue_button.setFocus()

    def _on_details_button_toggled(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.details_button.setText(
            translate("ErrorReporter", "Hide &details")
            if shown
            else translate("ErrorReporter", "Show &details")
        )
        self.adjustSize()

    def _on_copy_button_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())


def show_error_dialog(summary: str, details: str) -> None:
    parent = QApplication.activeWindow()
    dialog = ErrorDialog(summary, details, parent)
    dialog.exec()
    dialog.deleteLater()


class ErrorReporter(QObject):
    """Installs the hooks; `present(summary, details)` shows the dialog (tests replace it)."""

    sig_error_reported = Signal(str, str, str)  # summary, details, signature; main thread

    def __init__(self, log_path: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_path = log_path
        self.present: Callable[[str, str], None] = show_error_dialog
        self._showing = False
        # signature -> when its dialog closed: the same error again soon is only logged, so an
        # error raised on every repaint cannot trap the user in dialog after dialog.
        self._quiet_until: dict[str, float] = {}
        self._previous_hooks: tuple[object, object] | None = None
        # Queued: an error in a worker thread still opens its dialog on the main thread.
        self.sig_error_reported.connect(
            self._on_reporter_error_reported, Qt.ConnectionType.QueuedConnection
        )

    def install(self) -> None:
        if self._previous_hooks is None:
            self._previous_hooks = (sys.excepthook, threading.excepthook)
        sys.excepthook = self._on_sys_exception
        threading.excepthook = self._on_thread_exception

    def uninstall(self) -> None:
        if self._previous_hooks is not None:
            sys.excepthook, threading.excepthook = self._previous_hooks  # type: ignore[assignment]
            self._previous_hooks = None

    def report(self, error: BaseException, where: str) -> None:
        """Log the exception and ask for the dialog; safe from any thread."""
        details = format_report(error, where)
        # Without a console (pythonw) there is no stderr: the log keeps it.
        with contextlib.suppress(AttributeError, OSError, ValueError):
            sys.__stderr__.write(details)  # type: ignore[union-attr]
        logged = append_to_log(details, self.log_path)
        summary = translate(
            "ErrorReporter",
            "RNN Studio met an unexpected problem ({kind}: {message}).\n\n"
            "Your project is still open and nothing was lost: you can continue working. "
            "Saving your work now is a good idea.",
        ).format(kind=type(error).__name__, message=_short(str(error)))
        if logged is not None:
            summary += "\n\n" + translate(
                "ErrorReporter", "The details were written to {path}."
            ).format(path=logged)
        self.sig_error_reported.emit(summary, details, _signature(error))

    def _on_sys_exception(
        self,
        kind: type[BaseException],
        error: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QCoreApplication.quit()
            return
        self.report(error.with_traceback(tb), "the main thread")

    def _on_thread_exception(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or isinstance(args.exc_value, SystemExit):
            return
        name = args.thread.name if args.thread is not None else "a thread"
        self.report(args.exc_value, f"thread {name!r}")

    def _on_reporter_error_reported(self, summary: str, details: str, signature: str) -> None:
        if self._showing or time.monotonic() < self._quiet_until.get(signature, 0.0):
            return  # one dialog at a time, and a repeating error is logged only
        self._showing = True
        try:
            self.present(summary, details)
        except Exception as error:  # the dialog itself failed: log it, never loop on it
            append_to_log(format_report(error, "the error dialog"), self.log_path)
        finally:
            self._showing = False
            self._quiet_until[signature] = time.monotonic() + REPEAT_QUIET_SECONDS


def _signature(error: BaseException) -> str:
    """The same error: its type, its message and the line that raised it."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__name__}: {error} @ {where}"


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
