"""`rnnstudio --install-desktop` / `--uninstall-desktop`, and the GUI entry point."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from rnnstudio import desktop

REPO = Path(__file__).resolve().parent.parent

_RUN = (
    "import sys\n"
    "from rnnstudio.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print('HEAVY', [m for m in ('torch', 'PySide6') if m in sys.modules])\n"
    "sys.exit(code)\n"
)


def _cli(data_home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(data_home)}
    return subprocess.run(
        [sys.executable, "-c", _RUN, *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_install_then_uninstall_through_the_command_line(tmp_path):
    installed = _cli(tmp_path, "--install-desktop")
    assert installed.returncode == 0, installed.stderr
    expected = desktop.installed_paths(tmp_path)
    assert all(path.is_file() for path in expected)
    for path in expected:
        assert str(path) in installed.stdout
    assert f"{len(expected)} desktop files installed" in installed.stdout
    assert "HEAVY []" in installed.stdout, "no torch or Qt to write a few files"
    entry = (tmp_path / "applications" / "rnnstudio.desktop").read_text(encoding="utf-8")
    assert "MimeType=application/x-rnnstudio;" in entry
    exec_line = next(line for line in entry.splitlines() if line.startswith("Exec="))
    assert exec_line.endswith(" %f")

    removed = _cli(tmp_path, "--uninstall-desktop")
    assert removed.returncode == 0, removed.stderr
    assert not any(path.exists() for path in expected)
    assert f"{len(expected)} desktop files removed" in removed.stdout

    again = _cli(tmp_path, "--uninstall-desktop")
    assert again.returncode == 0
    assert "nothing to remove" in again.stdout


def test_an_unwritable_data_folder_is_a_message_not_a_traceback(tmp_path):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x", encoding="utf-8")
    result = _cli(blocker, "--install-desktop")
    assert result.returncode == 2
    assert "the desktop files cannot be written" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_flags_exclude_each_other_and_commands(tmp_path):
    both = _cli(tmp_path, "--install-desktop", "--uninstall-desktop")
    assert both.returncode == 2 and "not allowed with" in both.stderr
    with_command = _cli(tmp_path, "--install-desktop", "examples")
    assert with_command.returncode == 2 and "take no command" in with_command.stderr
    assert not (tmp_path / "applications").exists()


def test_the_gui_entry_point_is_declared():
    # Read from pyproject.toml: an old egg-info in the checkout can shadow installed metadata.
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["gui-scripts"] == {"rnnstudio-gui": "rnnstudio.cli:gui_main"}
    assert project["scripts"]["rnnstudio"] == "rnnstudio.cli:main"
    from rnnstudio.cli import gui_main

    assert callable(gui_main)
