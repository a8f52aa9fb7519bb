"""Why the window cannot open here, in words, before Qt would abort the process.

Qt ends the program with "could not load the Qt platform plugin" and an abort when there is
no display or when its X11 plugin misses system libraries (libxcb-cursor0 is the usual one on
Debian and Ubuntu). These checks find both first and name what to install. They import
neither Qt nor torch.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

_MISSING_LIBRARY = re.compile(r"([\w.+-]+\.so(?:\.\d+)*): cannot open shared object file")
_LDD_NOT_FOUND = re.compile(r"^\s*(\S+\.so\S*)\s*=>\s*not found", re.MULTILINE)
# Debian packages whose names do not follow the soname rule (lib<name><version>).
_DEBIAN_PACKAGE_EXCEPTIONS = {
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0",
    "libz.so.1": "zlib1g",
}


def debian_package(soname: str) -> str:
    """The Debian/Ubuntu package that ships a library, by Debian's naming rule.

    libxcb-cursor.so.0 -> libxcb-cursor0; a name ending in a digit gets a hyphen:
    libxkbcommon-x11.so.0 -> libxkbcommon-x11-0.
    """
    if soname in _DEBIAN_PACKAGE_EXCEPTIONS:
        return _DEBIAN_PACKAGE_EXCEPTIONS[soname]
    match = re.fullmatch(r"(lib[\w.+-]+?)\.so\.(\d+)(?:\.\d+)*", soname)
    if match is None:
        return soname
    name, version = match.group(1).lower(), match.group(2)
    return f"{name}-{version}" if name[-1].isdigit() else f"{name}{version}"


def missing_libraries_message(sonames: list[str]) -> str:
    """What to tell someone whose Qt X11 plugin cannot load because of these libraries."""
    qt_own = [name for name in sonames if name.startswith(("libQt6", "libicu"))]
    system = [name for name in sonames if name not in qt_own]
    lines = ["the window cannot start: Qt's X11 (xcb) platform plugin cannot be loaded."]
    if system:
        packages = sorted(dict.fromkeys(debian_package(name) for name in system))
        lines += [
            "It needs system libraries that are not installed: " + ", ".join(system) + ".",
            "On Debian or Ubuntu install them with:",
            "    sudo apt install " + " ".join(packages),
            "On other systems install the packages that provide those files.",
        ]
    if qt_own:
        lines += [
            "Qt's own libraries are missing from the PySide6 installation: "
            + ", ".join(qt_own)
            + ".",
            "Reinstall it with: python -m pip install --force-reinstall PySide6-Essentials",
        ]
    return "\n".join(lines)


def _pyside_folder() -> Path | None:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def xcb_plugin_path(env: Mapping[str, str]) -> Path | None:
    """The libqxcb.so Qt will load: from QT_QPA_PLATFORM_PLUGIN_PATH, else PySide6's own."""
    override = env.get("QT_QPA_PLATFORM_PLUGIN_PATH")
    if override:
        candidate = Path(override) / "libqxcb.so"
        return candidate if candidate.is_file() else None
    folder = _pyside_folder()
    if folder is None:
        return None
    candidate = folder / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return candidate if candidate.is_file() else None


def _all_missing(plugin: Path, first: str | None) -> list[str]:
    """Every library the plugin cannot find, from ldd when it is there, else the first one."""
    missing: list[str] = []
    ldd = shutil.which("ldd")
    if ldd is not None:
        try:
            result = subprocess.run(
                [ldd, str(plugin)], capture_output=True, text=True, timeout=20, check=False
            )
        except (OSError, subprocess.SubprocessError):
            result = None
        if result is not None:
            missing = list(dict.fromkeys(_LDD_NOT_FOUND.findall(result.stdout)))
    if first is not None and first not in missing:
        missing.insert(0, first)
    return missing


def xcb_plugin_problem(
    plugin: Path, load: Callable[[str], object] = lambda path: ctypes.CDLL(path)
) -> str | None:
    """Load the X11 plugin's library as Qt would; if that fails, say which libraries to install.

    Loading it here costs nothing extra: Qt loads the same file moments later.
    """
    try:
        load(str(plugin))
    except OSError as error:
        match = _MISSING_LIBRARY.search(str(error))
        missing = _all_missing(plugin, match.group(1) if match else None)
        if missing:
            return missing_libraries_message(missing)
        return (
            f"the window cannot start: Qt's X11 plugin {plugin} cannot be loaded ({error}). "
            "Reinstall PySide6 with: python -m pip install --force-reinstall PySide6-Essentials"
        )
    return None


def x_display_problem(display: str) -> str | None:
    """Connect to the X server once, as Qt will, to tell an unreachable display in words."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return None  # the plugin check names the missing library
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    try:
        failed = connection is None or xcb.xcb_connection_has_error(connection) != 0
    finally:
        if connection is not None:
            xcb.xcb_disconnect(connection)
    if not failed:
        return None
    return (
        f"the window cannot start: the X display {display!r} (DISPLAY) does not answer. "
        "Start rnnstudio from a desktop session; over ssh, connect with ssh -X. "
        "The commands (rnnstudio summary, run, export, train) work without a display."
    )


def qt_start_problem(
    env: Mapping[str, str] | None = None, platform: str | None = None
) -> str | None:
    """A sentence on what to install or do when Qt cannot open a window here; None when it can."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return None
    requested = env.get("QT_QPA_PLATFORM", "")
    if requested and not requested.startswith("xcb"):
        return None  # offscreen, wayland, vnc...: the user chose, Qt explains its own plugin
    display, wayland = env.get("DISPLAY", ""), env.get("WAYLAND_DISPLAY", "")
    if wayland and not requested:
        return None  # Qt uses its Wayland plugin, which PySide6 ships with its libraries
    if not display:
        which = "DISPLAY is not set" if requested else "neither DISPLAY nor WAYLAND_DISPLAY is set"
        return (
            f"the window cannot start: there is no display ({which}). Start rnnstudio from a "
            "desktop session; over ssh, connect with ssh -X. The commands (rnnstudio summary, "
            "run, export, train) work without a display."
        )
    plugin = xcb_plugin_path(env)
    if plugin is not None:
        problem = xcb_plugin_problem(plugin)
        if problem is not None:
            return problem
    return x_display_problem(display)
