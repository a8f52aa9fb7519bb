"""`rnnstudio` and `rnnstudio FILE` open the window; --help and --version stay instant."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from rnnstudio import cli
from rnnstudio.core.examples import load_example
from rnnstudio.core.project_io import save_project
from rnnstudio.gui import settings as settings_module
from rnnstudio.gui.document import default_project
from rnnstudio.gui.main_window import MainWindow
from rnnstudio.gui.theme import BASE_POINT_SIZE


@pytest.fixture
def opened_windows(qapp, qtbot, monkeypatch, tmp_path: Path) -> list[MainWindow]:
    """Run the real start-up; the event loop returns once the real window is up."""
    windows: list[MainWindow] = []
    monkeypatch.setattr(
        settings_module,
        "open_settings",
        lambda: QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat),
    )
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    def real_window_shown() -> bool:
        return any(
            isinstance(widget, MainWindow) and widget.isVisible()
            for widget in QApplication.topLevelWidgets()
        )

    def exec_once() -> int:
        # The loading window comes first; the real one follows when torch is imported.
        qtbot.waitUntil(real_window_shown, timeout=60_000)
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                windows.append(widget)
                widget.document.undo_stack.setClean()
                widget.close()
        return 0

    monkeypatch.setattr(qapp, "exec", exec_once)
    return windows


def test_rnnstudio_alone_opens_a_new_project(qapp, opened_windows) -> None:
    assert cli.main([]) == 0
    [window] = opened_windows
    assert window.document.project == default_project()
    assert window.document.project.input.shape == (1, 3, 1)
    assert qapp.font().pointSizeF() >= BASE_POINT_SIZE


def test_rnnstudio_file_opens_it(opened_windows, tmp_path: Path) -> None:
    path = tmp_path / "clas.rnnstudio"
    save_project(load_example("rnn_clas"), path)
    assert cli.main([str(path)]) == 0
    [window] = opened_windows
    assert window.document.project == load_example("rnn_clas")
    assert window.document.path == path


def test_rnnstudio_example_name_opens_the_example(opened_windows) -> None:
    assert cli.main(["rnn_alumno"]) == 0
    assert opened_windows[0].document.project == load_example("rnn_alumno")
    assert opened_windows[0].document.path is None


def test_two_files_are_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["a.rnnstudio", "b.rnnstudio"])
    assert exit_info.value.code == 2
    assert "one FILE at most" in capsys.readouterr().err


@pytest.mark.parametrize("option", ["--help", "--version"])
def test_help_and_version_import_neither_qt_nor_torch(option: str) -> None:
    code = (
        "import sys\n"
        "from rnnstudio.cli import main\n"
        "try:\n"
        f"    main([{option!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [name for name in ('torch', 'PySide6') if name in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert "HEAVY []" in result.stdout
    if option == "--help":
        assert "rnnstudio [FILE]" in result.stdout
