"""Offline: the main flows with every network socket refused (pytest-socket).

Start the real window, open each shipped example, run a trace, draw its figures and export
Python: nothing may reach for the network (no fonts, icons or data from anywhere but the
package).
"""

from __future__ import annotations

import socket

import pytest
from launching import AnsweringDialogs
from PySide6.QtCore import QSettings
from pytest_socket import SocketBlockedError, disable_socket, enable_socket

from rnnstudio.core.examples import example_names, load_example
from rnnstudio.core.export import export_python, save_python
from rnnstudio.core.model import build_model
from rnnstudio.core.signals import make_input
from rnnstudio.core.trace import trace
from rnnstudio.gui.appearance import application_icon
from rnnstudio.gui.startup import Launcher
from rnnstudio.plots import save_run_figures


@pytest.fixture
def no_network():
    disable_socket(allow_unix_socket=False)
    try:
        yield
    finally:
        enable_socket()


def test_sockets_are_really_refused(no_network):
    with pytest.raises(SocketBlockedError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(SocketBlockedError):
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)


def test_start_open_every_example_run_and_export_offline(qtbot, tmp_path, no_network):
    dialogs = AnsweringDialogs()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    launcher = Launcher(None, settings, recovery_folder=tmp_path / "recovery")
    launcher.make_dialogs = lambda _window: dialogs
    with qtbot.waitSignal(launcher.sig_window_ready, timeout=60_000) as ready:
        launcher.start()
    window = ready.args[0]
    qtbot.addWidget(window)
    try:
        assert not window.windowIcon().isNull() and not application_icon().isNull()
        names = example_names()
        assert names
        for name in names:
            assert window.open_example(name), dialogs.errors
            project = window.document.project
            assert project == load_example(name)
            assert window.parameters_pane.view.model().rowCount() > 0
            if window.document.analysis.first_error is not None:
                continue
            model = build_model(project)
            result = trace(model, make_input(project, seed=0))
            assert result.output is not None
            figures = save_run_figures(result, project, tmp_path / "figures" / name)
            assert figures and all(path.stat().st_size > 0 for path in figures)
            code = export_python(project)
            assert "class " in code and "def forward" in code
            save_python(project, tmp_path / f"{name}.py")
        with qtbot.waitSignal(launcher.sig_plotting_ready, timeout=60_000):
            pass
        assert dialogs.errors == []
    finally:
        launcher.reporter.uninstall()
        window.document.undo_stack.setClean()
        window.close()
        launcher.wait_for_threads()
