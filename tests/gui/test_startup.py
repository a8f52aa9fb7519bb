"""The window comes before torch: a loading window at once, the real one in its place after."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from launching import AnsweringDialogs, Child, child_environment
from PySide6.QtCore import QRect, QSettings
from PySide6.QtWidgets import QLabel

from rnnstudio.core.examples import load_example
from rnnstudio.gui import startup
from rnnstudio.gui.main_window import MainWindow
from rnnstudio.gui.startup import Launcher, LoadingWindow

DRIVER = Path(__file__).with_name("start_driver.py")


def test_first_paint_happens_before_torch_is_imported(tmp_path):
    env = child_environment(tmp_path)
    child = Child(
        [str(DRIVER), "first-paint", str(tmp_path / "s.ini"), str(tmp_path / "recovery")],
        env,
        cwd=DRIVER.parent,
    )
    first = json.loads(child.wait_for_line("FIRST_PAINT"))
    assert first == {"heavy": [], "object": "loading_window"}
    ready = json.loads(child.wait_for_line("READY"))
    assert ready["torch"] is True and ready["rows"] > 0, "the parameter tree is filled"
    code, _out, err = child.finish()
    assert code == 0, err
    assert "Traceback" not in err


def test_the_loading_window_lays_out_the_same_panes(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    real = MainWindow(settings=settings)
    qtbot.addWidget(real)
    real.save_layout()
    shell = LoadingWindow(settings)
    qtbot.addWidget(shell)
    assert shell.restored_state, "the real window's saved arrangement, whatever its version"
    real_panes = {dock.objectName(): dock.windowTitle() for dock in real.docks}
    shell_panes = {name: dock.windowTitle() for name, dock in shell.docks.items()}
    assert set(shell_panes) <= set(real_panes)
    for name, title in shell_panes.items():
        assert title == real_panes[name]
        label = shell.docks[name].widget()
        assert isinstance(label, QLabel) and "Loading" in label.text()


def _settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)


def test_the_real_window_takes_the_loading_windows_place(qtbot, tmp_path):
    settings = _settings(tmp_path)
    # A last session's geometry: the loading window opens there, and so does the real one.
    previous = MainWindow(settings=settings)
    previous.setGeometry(QRect(40, 50, 1000, 640))
    previous.save_layout()
    previous.deleteLater()

    launcher = Launcher(None, settings, recovery_folder=tmp_path / "recovery")
    launcher.make_dialogs = lambda _window: AnsweringDialogs()
    shells: list[LoadingWindow] = []
    previews: list = []
    launcher.sig_loading_window_shown.connect(shells.append)
    launcher.sig_preview_shown.connect(previews.append)
    with qtbot.waitSignal(launcher.sig_window_ready, timeout=60_000) as ready:
        launcher.start()
    window = ready.args[0]
    qtbot.addWidget(window)
    try:
        [shell] = shells
        assert shell.restored_geometry
        # The tree was filled in the loading window first, with what the real one shows.
        [preview] = previews
        rows = preview.view.model().rowCount()
        assert rows > 0 and rows == window.parameters_pane.view.model().rowCount()
        # Where the loading window was; as large, unless the real one needs more room.
        assert window.pos() == shell.pos() and window.isVisible()
        assert window.height() == shell.height() and window.width() >= shell.width()
        assert not shell.isVisible()
        assert launcher.loading_window is None
        assert window.action_preferences is not None and window.keyboard_order is not None
        with qtbot.waitSignal(launcher.sig_plotting_ready, timeout=60_000):
            pass
    finally:
        launcher.reporter.uninstall()
        window.close()
        launcher.wait_for_threads()


def test_a_failed_import_is_said_in_the_loading_window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(startup, "WINDOW_MODULES", ("rnnstudio.gui.no_such_module",))
    launcher = Launcher(None, _settings(tmp_path), recovery_folder=tmp_path / "recovery")
    try:
        with qtbot.waitSignal(launcher.sig_loading_failed, timeout=60_000) as failed:
            launcher.start()
        message = failed.args[0]
        assert "No module named 'rnnstudio.gui.no_such_module'" in message
        assert "pip install" in message
        shell = launcher.loading_window
        assert shell is not None and shell.isVisible()
        assert shell.message.text() == message and not shell.progress.isVisible()
        assert launcher.failed and launcher.window is None
    finally:
        launcher.reporter.uninstall()
        launcher.wait_for_threads()
        if launcher.loading_window is not None:
            launcher.loading_window.close()


def test_closing_the_loading_window_quits_once_loaded(qtbot, tmp_path, monkeypatch):
    quits: list[bool] = []
    monkeypatch.setattr(startup.QCoreApplication, "quit", lambda: quits.append(True))
    launcher = Launcher(None, _settings(tmp_path), recovery_folder=tmp_path / "recovery")
    try:
        launcher.start()
        launcher.loading_window.close()
        qtbot.waitUntil(lambda: quits == [True], timeout=60_000)
        assert launcher.window is None, "no window is built for nobody"
    finally:
        launcher.reporter.uninstall()
        launcher.wait_for_threads()


@pytest.mark.parametrize("argument", ["rnn_clas", "no_such_example"])
def test_file_argument_opens_after_the_window_is_up(qtbot, tmp_path, argument):
    dialogs = AnsweringDialogs()
    launcher = Launcher(argument, _settings(tmp_path), recovery_folder=tmp_path / "recovery")
    launcher.make_dialogs = lambda _window: dialogs
    with qtbot.waitSignal(launcher.sig_window_ready, timeout=60_000) as ready:
        launcher.start()
    window = ready.args[0]
    qtbot.addWidget(window)
    try:
        if argument == "rnn_clas":
            assert window.document.project == load_example("rnn_clas")
            assert dialogs.errors == []
        else:
            [(_title, message)] = dialogs.errors
            assert "no_such_example" in message and window.isVisible()
    finally:
        launcher.reporter.uninstall()
        window.document.undo_stack.setClean()
        window.close()
        launcher.wait_for_threads()
