"""Start-up: a window at once, PyTorch in the background, then the real window in its place.

torch takes seconds to import and every pane needs it (the core builds real modules). So
the first thing on screen is a light window, made of Qt alone, with the panes' places marked
"Loading PyTorch…", at the size and arrangement the real one will have. A background thread
imports torch and the window's modules meanwhile; then the main thread builds the real
window over the same spot, offers to restore an autosaved project, opens FILE, and starts
the autosave. matplotlib is imported in the background after that first paint.

This module imports Qt only; everything heavy is imported by the loader thread.
"""

from __future__ import annotations

import importlib
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QCoreApplication,
    QEvent,
    QObject,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QProgressBar,
    QSizePolicy,
    QWidget,
)

from . import settings as preferences
from .appearance import application_icon, apply_font_scale, follow_color_scheme
from .crash import ErrorReporter, append_to_log
from .i18n import startup_language

# Up to this screen width the window opens maximised; wider screens get a large window.
MAXIMISE_UP_TO_WIDTH = 1600
# Imported first: enough to fill the loading window's Parameters pane (torch and the core).
PREVIEW_MODULES = ("rnnstudio.gui.document", "rnnstudio.gui.parameters_pane")
# What the loader imports in the background, before the window can be built.
WINDOW_MODULES = (
    "rnnstudio.gui.main_window",
    "rnnstudio.gui.recovery",
    "rnnstudio.gui.preferences",
)
# Imported in the background once the real window has been painted (plots need them).
PLOTTING_MODULES = ("matplotlib.figure", "matplotlib.backends.backend_qtagg")
EXIT_LOAD_FAILED = 70

# The panes' names and titles (the titles as main_window translates them).
_PANES = (
    ("dock_input", "Input"),
    ("dock_stack", "Stack"),
    ("dock_properties", "Block properties"),
    ("dock_parameters", "Parameters"),
    ("dock_model", "Model"),
    ("dock_shapes", "Shapes"),
)


# Called with a literal context at each phrase, so pyside6-lupdate finds the phrases.
translate = QCoreApplication.translate


class LoadingWindow(QMainWindow):
    """What is on screen while PyTorch loads: the window's frame, its panes marked as loading."""

    sig_close_requested = Signal()

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("loading_window")
        self.setWindowTitle("RNN Studio")
        bar = self.menuBar()
        for title in ("&File", "&Edit", "&View"):
            bar.addMenu(QCoreApplication.translate("MainWindow", title)).setEnabled(False)
        self.docks: dict[str, QDockWidget] = {}
        for name, title in _PANES:
            dock = QDockWidget(QCoreApplication.translate("MainWindow", title), self)
            dock.setObjectName(name)
            dock.setStyleSheet("QDockWidget { font-weight: bold; }")
            dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
            label = QLabel(translate("LoadingWindow", "Loading PyTorch…"))
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setEnabled(False)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
            # The look of the lists and tables that will be there: a framed, empty page.
            label.setFrameShape(QFrame.Shape.StyledPanel)
            label.setBackgroundRole(QPalette.ColorRole.Base)
            label.setAutoFillBackground(True)
            label.setMinimumHeight(2 * label.fontMetrics().lineSpacing())
            label.setAccessibleName(translate("LoadingWindow", "Loading PyTorch…"))
            dock.setWidget(label)
            self.docks[name] = dock
        self._arrange()
        self.progress = QProgressBar()
        self.progress.setObjectName("loading_progress")
        self.progress.setRange(0, 0)  # busy: the time torch takes is not known in advance
        self.progress.setMaximumWidth(240)
        self.progress.setAccessibleName(translate("LoadingWindow", "Loading PyTorch…"))
        self.message = QLabel(
            translate("LoadingWindow", "Loading PyTorch… the first start can take a few seconds.")
        )
        self.message.setObjectName("loading_message")
        self.statusBar().addWidget(self.message, 1)
        self.statusBar().addPermanentWidget(self.progress)
        self.restored_geometry = False
        geometry = preferences.window_geometry(settings)
        if geometry is not None:
            self.restored_geometry = self.restoreGeometry(geometry)
        state = preferences.window_state(settings)
        self.restored_state = state is not None and self.restoreState(state, _version(state))

    def _arrange(self) -> None:
        docks, area = self.docks, Qt.DockWidgetArea
        self.addDockWidget(area.TopDockWidgetArea, docks["dock_input"])
        self.addDockWidget(area.LeftDockWidgetArea, docks["dock_stack"])
        self.splitDockWidget(docks["dock_stack"], docks["dock_properties"], Qt.Orientation.Vertical)
        self.addDockWidget(area.RightDockWidgetArea, docks["dock_parameters"])
        self.splitDockWidget(
            docks["dock_parameters"], docks["dock_shapes"], Qt.Orientation.Vertical
        )
        self.splitDockWidget(
            docks["dock_parameters"], docks["dock_model"], Qt.Orientation.Horizontal
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.restored_state:
            # After the first layout pass, when the docks know their real space.
            QTimer.singleShot(0, self._apply_default_sizes)

    def _apply_default_sizes(self) -> None:
        """Roughly the real window's first arrangement: a short input strip, blocks at left."""
        docks, vertical = self.docks, Qt.Orientation.Vertical
        width, height = max(self.width(), 800), max(self.height(), 500)
        if width < MAXIMISE_UP_TO_WIDTH:
            self.tabifyDockWidget(docks["dock_parameters"], docks["dock_model"])
            docks["dock_parameters"].raise_()
        left = min(max(int(width * 0.3), 400), 560)
        self.resizeDocks(
            [docks["dock_stack"], docks["dock_parameters"]],
            [left, width - left],
            Qt.Orientation.Horizontal,
        )
        strip = 3 * self.fontMetrics().lineSpacing()
        self.resizeDocks([docks["dock_input"]], [strip], vertical)
        body = height - strip
        self.resizeDocks(
            [docks["dock_stack"], docks["dock_properties"]], [int(body * 0.3), body], vertical
        )
        self.resizeDocks(
            [docks["dock_parameters"], docks["dock_shapes"]], [int(body * 0.7), body], vertical
        )

    def show_on_screen(self) -> None:
        """As the real window opens: last session's place, else maximised on a laptop screen."""
        if self.restored_geometry:
            self.show()
            return
        available = self.screen().availableGeometry()
        if available.width() <= MAXIMISE_UP_TO_WIDTH:
            self.resize(available.size())
            self.showMaximized()
        else:
            self.resize(int(available.width() * 0.85), int(available.height() * 0.85))
            self.show()

    def show_pane(self, name: str, pane: QWidget) -> None:
        """A pane that is ready before the others takes its place (the parameter tree)."""
        dock = self.docks[name]
        old = dock.widget()
        dock.setWidget(pane)
        if old is not None:
            old.deleteLater()

    def show_failure(self, text: str) -> None:
        self.progress.hide()
        self.message.setText(text)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for dock in self.docks.values():
            label = dock.widget()
            if isinstance(label, QLabel):
                label.setText(translate("LoadingWindow", "PyTorch could not be loaded."))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.sig_close_requested.emit()
        super().closeEvent(event)


def _version(state: QByteArray) -> int:
    """The layout version a QMainWindow state was saved with (after a 0xff marker).

    Read from the state itself, so the loading window follows the real window's version.
    """
    data = bytes(state.data())
    return int.from_bytes(data[4:8], "big", signed=True) if len(data) >= 8 else -1


_LOAD_AT_THE_LATEST_MS = 500


class _FirstPaint(QObject):
    """Calls back once, when a widget is first painted."""

    def __init__(self, widget: QWidget, callback: Any) -> None:
        super().__init__(widget)
        self._callback = callback
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._callback)
        return False


def import_modules(names: tuple[str, ...]) -> str | None:
    """Import each module; the error in words (with its traceback) when one fails."""
    try:
        for name in names:
            importlib.import_module(name)
    except BaseException as error:  # any failure, even SystemExit from a broken install
        return "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return None


def load_failure_text(details: str) -> str:
    last = details.strip().splitlines()[-1] if details.strip() else ""
    return translate(
        "LoadingWindow",
        "PyTorch or the window's modules could not be loaded ({error}). Reinstall them with: "
        "python -m pip install --force-reinstall torch rnnstudio",
    ).format(error=last)


class Launcher(QObject):
    """Runs the start-up sequence; its signals let tests and the benchmark follow it."""

    sig_loading_window_shown = Signal(object)  # LoadingWindow
    sig_window_ready = Signal(object)  # MainWindow, shown, project open
    sig_loading_failed = Signal(str)  # the message shown
    sig_plotting_ready = Signal()  # matplotlib imported
    sig_preview_shown = Signal(object)  # the loading window's filled ParametersPane
    _sig_preview_loaded = Signal(object)  # from the loader thread: None or the traceback
    _sig_loaded = Signal(object)  # from the loader thread: None or the error's traceback
    _sig_plotting_loaded = Signal(object)

    def __init__(
        self,
        path: str | None = None,
        settings: QSettings | None = None,
        *,
        autosave_interval_ms: int | None = None,
        recovery_folder: Path | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.settings = settings if settings is not None else preferences.open_settings()
        self.autosave_interval_ms = autosave_interval_ms
        self.recovery_folder = recovery_folder
        self.loading_window: LoadingWindow | None = None
        self.window: Any = None
        self.autosaver: Any = None
        self.failed = False
        self.reporter = ErrorReporter()
        # Given the window, returns the object that asks its questions (tests answer them).
        self.make_dialogs: Callable[[Any], Any] | None = None
        self._abandoned = False
        self._threads: list[threading.Thread] = []
        self._loading_started = False
        self._sig_loaded.connect(self._on_loader_finished, Qt.ConnectionType.QueuedConnection)
        self._sig_preview_loaded.connect(
            self._on_preview_loaded, Qt.ConnectionType.QueuedConnection
        )
        self._sig_plotting_loaded.connect(
            self._on_plotting_loader_finished, Qt.ConnectionType.QueuedConnection
        )

    # --- the sequence ----------------------------------------------------------------------

    def start(self) -> None:
        """Show the loading window and start importing; returns at once."""
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.reporter.install()
        if app.windowIcon().isNull():
            app.setWindowIcon(application_icon())
        # The language before any text is made: --lang, else the preference, else the system's.
        startup_language(self.settings)
        apply_font_scale(app, preferences.font_scale(self.settings))
        follow_color_scheme(app)
        self.loading_window = LoadingWindow(self.settings)
        self.loading_window.sig_close_requested.connect(self._on_loading_window_close_requested)
        self.loading_window.show_on_screen()
        self.sig_loading_window_shown.emit(self.loading_window)
        # Import torch once the window is on screen: an import thread started earlier holds
        # the GIL for long stretches and delays the first paint.
        _FirstPaint(self.loading_window, self._start_loading)
        # A window that is never painted (minimised, on another desktop) must load all the same.
        QTimer.singleShot(_LOAD_AT_THE_LATEST_MS, self._start_loading)

    def _start_loading(self) -> None:
        if self._loading_started:
            return
        self._loading_started = True
        self._start_thread(
            "rnnstudio-load",
            [(PREVIEW_MODULES, self._sig_preview_loaded), (WINDOW_MODULES, self._sig_loaded)],
        )

    def wait_for_threads(self, timeout: float = 120.0) -> None:
        """Let background imports end before the interpreter does."""
        for thread in self._threads:
            thread.join(timeout)

    def _start_thread(self, name: str, stages: list[tuple[tuple[str, ...], Any]]) -> None:
        """Import each stage's modules in a thread, announcing each stage when done."""

        def load() -> None:
            for modules, done in stages:
                error = import_modules(modules)
                done.emit(error)
                if error is not None:
                    return

        thread = threading.Thread(target=load, name=name)
        self._threads.append(thread)
        thread.start()

    def _on_loading_window_close_requested(self) -> None:
        if self.window is None:
            self._abandoned = True  # closed while loading: quit when the thread is done

    def _on_preview_loaded(self, error: str | None) -> None:
        """torch and the core are in: fill the loading window's parameter tree already."""
        shell = self.loading_window
        if error is not None or shell is None or self._abandoned or self.window is not None:
            return  # a failure is reported when the whole load ends
        from rnnstudio.core.errors import ProjectError
        from rnnstudio.core.examples import resolve_project

        # The document's cache: the real window then finds this analysis already made.
        from .document import _cached_analysis, default_project
        from .parameters_pane import ParametersPane

        try:
            project = resolve_project(self.path) if self.path else default_project()
        except ProjectError:
            return  # the real window says why when it opens FILE
        pane = ParametersPane()
        pane.set_analysis(_cached_analysis(project))
        shell.show_pane("dock_parameters", pane)
        self.sig_preview_shown.emit(pane)

    def _on_loader_finished(self, error: str | None) -> None:
        if self._abandoned:
            QCoreApplication.quit()
            return
        if error is not None:
            self.failed = True
            message = load_failure_text(error)
            if self.loading_window is not None:
                self.loading_window.show_failure(message)
            self.sig_loading_failed.emit(message)
            return
        self._build_window()

    def _build_window(self) -> None:
        from .keyboard import KeyboardOrder
        from .main_window import MainWindow
        from .preferences import install_preferences
        from .recovery import DEFAULT_AUTOSAVE_MS, Autosaver

        window = MainWindow(settings=self.settings)
        if self.make_dialogs is not None:
            window.dialogs = self.make_dialogs(window)
        install_preferences(window)
        window.keyboard_order = KeyboardOrder(window)
        shell = self.loading_window
        if shell is not None:
            # Exactly over the loading window, even where no window manager maximises.
            window.setGeometry(shell.geometry())
        if shell is not None and shell.isMaximized():
            window.showMaximized()
        else:
            window.show()
        self.window = window
        if shell is not None:
            shell.hide()
            shell.deleteLater()
            self.loading_window = None
        _FirstPaint(window, self._on_window_first_painted)
        interval = self.autosave_interval_ms or DEFAULT_AUTOSAVE_MS
        self.autosaver = Autosaver(window.document, self.recovery_folder, interval, parent=window)
        app = QApplication.instance()
        assert app is not None
        app.aboutToQuit.connect(self._on_application_about_to_quit)
        restored = self._offer_recovery()
        if self.path is not None:
            if restored:
                window.statusBar().showMessage(
                    translate(
                        "LoadingWindow",
                        "{file} was not opened: the restored project is shown instead.",
                    ).format(file=self.path)
                )
            else:
                window.open_argument(self.path)
        self.sig_window_ready.emit(window)

    def _offer_recovery(self) -> bool:
        """Offer each project a crashed or killed window left; True if one was restored."""
        from .dialogs import RestoreChoice
        from .recovery import find_recoverable

        window = self.window
        found = find_recoverable(self.recovery_folder)
        restored = False
        for item in found:
            if restored:
                item.keep()
                continue
            choice = window.dialogs.ask_restore(
                item.project.name,
                item.saved_at,
                str(item.original_path) if item.original_path is not None else None,
            )
            if choice == RestoreChoice.RESTORE:
                original = item.original_path
                path = original if original is not None and original.is_file() else None
                window.document.replace(item.project, path)
                # Not saved: the title shows it, closing asks, and the autosave keeps it.
                window.document.undo_stack.resetClean()
                if self.autosaver.autosave_now():
                    item.remove()
                else:
                    item.keep()
                restored = True
            elif choice == RestoreChoice.DISCARD:
                item.remove()
            else:
                item.keep()
        return restored

    def _on_window_first_painted(self) -> None:
        self._start_thread("rnnstudio-plotting", [(PLOTTING_MODULES, self._sig_plotting_loaded)])

    def _on_plotting_loader_finished(self, error: str | None) -> None:
        if error is None:
            self.sig_plotting_ready.emit()
        else:
            # The panes that plot say so themselves when they need matplotlib; keep a record.
            append_to_log(f"--- loading matplotlib in the background failed\n{error}")

    def _on_application_about_to_quit(self) -> None:
        if self.autosaver is None or self.window is None:
            return
        if self.window.isVisible() and self.window.document.is_dirty:
            # Quitting without the window closing (a signal, the session ending): keep it.
            self.autosaver.autosave_now()
        else:
            self.autosaver.discard()


def launch(path: str | None = None, settings: QSettings | None = None) -> int:
    """The whole start: loading window, background import, real window; returns the exit code."""
    from .app import create_application

    app = create_application()
    launcher = Launcher(path, settings)
    launcher.start()
    try:
        code = app.exec()
    finally:
        launcher.wait_for_threads()
        launcher.reporter.uninstall()
    return EXIT_LOAD_FAILED if launcher.failed else code
