"""When Qt cannot open a window, rnnstudio says what to install instead of aborting."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from rnnstudio.gui.platform_check import (
    debian_package,
    missing_libraries_message,
    qt_start_problem,
    xcb_plugin_path,
    xcb_plugin_problem,
)

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 and ELF")
EXIT_NO_WINDOW = 69
_DISPLAY_VARIABLES = (
    "DISPLAY",
    "WAYLAND_DISPLAY",
    "QT_QPA_PLATFORM",
    "QT_QPA_PLATFORM_PLUGIN_PATH",
)


def _env(**values: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "QT_QPA_PLATFORM_PLUGIN_PATH")
    }
    env.update(values)
    return env


def _open_window(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys\n"
        "from rnnstudio.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "print('HEAVY', [m for m in ('torch', 'PySide6') if m in sys.modules])\n"
        "sys.exit(code)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("soname", "package"),
    [
        ("libxcb-cursor.so.0", "libxcb-cursor0"),
        ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
        ("libxcb-icccm.so.4", "libxcb-icccm4"),
        ("libX11-xcb.so.1", "libx11-xcb1"),
        ("libGL.so.1", "libgl1"),
        ("libdbus-1.so.3", "libdbus-1-3"),
        ("libglib-2.0.so.0", "libglib2.0-0"),
    ],
)
def test_debian_package_names_follow_debians_rule(soname, package):
    assert debian_package(soname) == package


def test_missing_xcb_cursor_names_the_apt_package():
    message = missing_libraries_message(["libxcb-cursor.so.0"])
    assert "libxcb-cursor.so.0" in message
    assert "sudo apt install libxcb-cursor0" in message


def test_missing_qt_libraries_point_at_pyside6():
    message = missing_libraries_message(["libQt6XcbQpa.so.6"])
    assert "pip install --force-reinstall PySide6-Essentials" in message
    assert "apt" not in message


def test_the_loader_error_names_the_library(tmp_path):
    plugin = tmp_path / "libqxcb.so"
    plugin.write_bytes(b"")

    def failing(_path: str) -> None:
        raise OSError("libxcb-cursor.so.0: cannot open shared object file: No such file")

    message = xcb_plugin_problem(plugin, load=failing)
    assert message is not None and "sudo apt install libxcb-cursor0" in message


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({}, "no display"),
        ({"QT_QPA_PLATFORM": "xcb"}, "DISPLAY is not set"),
        ({"QT_QPA_PLATFORM": "offscreen"}, None),
        ({"WAYLAND_DISPLAY": "wayland-0"}, None),
    ],
)
def test_display_rules(env, problem):
    message = qt_start_problem(env, "linux")
    if problem is None:
        assert message is None
    else:
        assert message is not None and problem in message


def test_other_systems_are_not_checked():
    assert qt_start_problem({}, "win32") is None
    assert qt_start_problem({}, "darwin") is None


@linux_only
def test_the_probe_agrees_with_ldd_on_this_machine():
    plugin = xcb_plugin_path({})
    assert plugin is not None, "PySide6 ships the X11 plugin"
    ldd = shutil.which("ldd")
    if ldd is None:
        pytest.skip("no ldd to compare with")
    missing = (
        "not found" in subprocess.run([ldd, str(plugin)], capture_output=True, text=True).stdout
    )
    assert (xcb_plugin_problem(plugin) is not None) == missing


@linux_only
def test_no_display_exits_with_a_message_not_an_abort():
    result = _open_window(_env())
    assert result.returncode == EXIT_NO_WINDOW, result.stderr
    assert "no display" in result.stderr and "ssh -X" in result.stderr
    assert "HEAVY []" in result.stdout, "neither Qt nor torch was loaded to find out"
    assert "Traceback" not in result.stderr


@linux_only
def test_a_display_that_does_not_answer_is_named():
    result = _open_window(_env(DISPLAY=":987"))
    assert result.returncode == EXIT_NO_WINDOW, result.stderr
    assert "':987'" in result.stderr and "does not answer" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def plugin_missing_a_library(tmp_path: Path) -> Path:
    """A copy of PySide6's X11 plugin whose libQt6XcbQpa needs a library nobody has.

    The Qt libraries are linked from the real installation; only the copy of libQt6XcbQpa is
    edited, its libxcb-cursor.so.0 dependency renamed to libxcb-nosuch.so.0.
    """
    plugin = xcb_plugin_path({})
    if plugin is None:
        pytest.skip("no X11 plugin in this PySide6")
    qt_lib = plugin.parents[2] / "lib"
    platforms = tmp_path / "Qt" / "plugins" / "platforms"
    lib = tmp_path / "Qt" / "lib"
    platforms.mkdir(parents=True)
    lib.mkdir(parents=True)
    shutil.copy2(plugin, platforms / plugin.name)
    for item in qt_lib.iterdir():
        if item.name != "libQt6XcbQpa.so.6" and item.is_file():
            (lib / item.name).symlink_to(item)
    data = (qt_lib / "libQt6XcbQpa.so.6").read_bytes()
    assert data.count(b"libxcb-cursor.so.0\x00") == 1
    (lib / "libQt6XcbQpa.so.6").write_bytes(
        data.replace(b"libxcb-cursor.so.0\x00", b"libxcb-nosuch.so.0\x00")
    )
    return platforms


@linux_only
def test_qt_alone_would_abort_on_that_plugin(plugin_missing_a_library):
    # The situation is real: without rnnstudio's check, Qt ends the process with SIGABRT.
    env = _env(DISPLAY=":987", QT_QPA_PLATFORM_PLUGIN_PATH=str(plugin_missing_a_library))
    result = subprocess.run(
        [sys.executable, "-c", "from PySide6.QtWidgets import QApplication; QApplication([])"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == -signal.SIGABRT
    assert "xcb" in result.stderr


@linux_only
def test_a_missing_system_library_is_named_with_its_package(plugin_missing_a_library):
    env = _env(DISPLAY=":987", QT_QPA_PLATFORM_PLUGIN_PATH=str(plugin_missing_a_library))
    result = _open_window(env)
    assert result.returncode == EXIT_NO_WINDOW, result.stderr
    assert "libxcb-nosuch.so.0" in result.stderr
    assert "sudo apt install libxcb-nosuch0" in result.stderr
    assert "Traceback" not in result.stderr and "HEAVY []" in result.stdout
