"""The user's preferences and the window's memory, kept in one QSettings INI file.

Every key the application stores is named here, with its default and its valid range, and
read through a function that checks the stored value: a damaged or hand-edited settings
file gives the default for that key, never an exception. Other modules read preferences
with these functions and hear about changes from `notifier()`.

This module imports only QtCore (no torch), so the start-up window can use it.
"""

from __future__ import annotations

import math
import os
import sys
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QObject, QSettings, Signal

ORGANIZATION = "rnnstudio"
APPLICATION = "rnnstudio"

LANGUAGE_KEY = "language"
FONT_SCALE_KEY = "font_scale"
MEMORY_BUDGET_KEY = "memory_budget"
RECENT_FILES_KEY = "recent_files"
GEOMETRY_KEY = "window/geometry"
STATE_KEY = "window/state"

# "" follows the system's language.
LANGUAGES = ("", "en", "es")
DEFAULT_LANGUAGE = ""
FONT_SCALE_MIN, FONT_SCALE_MAX = 0.8, 2.5
DEFAULT_FONT_SCALE = 1.0
# The same default as the core's build_model (rnnstudio.core.model.DEFAULT_MEMORY_BUDGET; a
# test keeps them equal): this module must not import the core, which imports torch.
DEFAULT_MEMORY_BUDGET = 2 * 1024**3
MEMORY_BUDGET_MIN = 256 * 1024**2
MEMORY_BUDGET_MAX = 1024**4
MAX_RECENT_FILES = 8


class SettingsNotifier(QObject):
    """Announces a changed preference, so panes can follow it without a restart."""

    sig_language_changed = Signal(str)
    sig_font_scale_changed = Signal(float)
    sig_memory_budget_changed = Signal(object)  # int bytes: past a C int's range


_notifier: SettingsNotifier | None = None


def notifier() -> SettingsNotifier:
    """The one notifier of the running application."""
    global _notifier
    if _notifier is None:
        _notifier = SettingsNotifier()
    return _notifier


def use_ini_format() -> None:
    """One INI file on every system (not the Windows registry), so it can be checked and reset."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)


def open_settings() -> QSettings:
    """The application's settings, with a damaged file set aside first (see check_settings_file)."""
    use_ini_format()
    settings = QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )
    if check_settings_file(Path(settings.fileName())) is not None:
        settings = QSettings(
            QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
        )
    return settings


def check_settings_file(path: Path) -> Path | None:
    """Move an unreadable settings file aside, so the defaults apply; returns where it went.

    Qt reads almost anything as INI, so binary junk (NUL bytes, invalid UTF-8) is the sign of
    a damaged file. The old file is kept beside it for whoever wants to look at it.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        return None  # unreadable: QSettings reports no values, so the defaults apply anyway
    try:
        data.decode("utf-8")
        damaged = b"\x00" in data
    except UnicodeDecodeError:
        damaged = True
    if not damaged:
        probe = QSettings(str(path), QSettings.Format.IniFormat)
        damaged = probe.status() == QSettings.Status.FormatError
    if not damaged:
        return None
    backup = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    try:
        path.replace(backup)
    except OSError:
        return None
    return backup


def _settings(settings: QSettings | None) -> QSettings:
    return settings if settings is not None else QSettings()


def _value(settings: QSettings | None, key: str) -> Any:
    try:
        return _settings(settings).value(key)
    except Exception:  # a value Qt or PySide cannot convert: as if it were not there
        return None


def language(settings: QSettings | None = None) -> str:
    """ "en", "es", or "" for the system's language."""
    value = _value(settings, LANGUAGE_KEY)
    return value if isinstance(value, str) and value in LANGUAGES else DEFAULT_LANGUAGE


def font_scale(settings: QSettings | None = None) -> float:
    """How much larger than the classroom base font the text is (0.8 to 2.5)."""
    value = _number(_value(settings, FONT_SCALE_KEY))
    if value is None or not FONT_SCALE_MIN <= value <= FONT_SCALE_MAX:
        return DEFAULT_FONT_SCALE
    return value


def memory_budget(settings: QSettings | None = None) -> int:
    """The most bytes a run or a training may take; larger ones are refused with a reason."""
    value = _number(_value(settings, MEMORY_BUDGET_KEY))
    if value is None or not MEMORY_BUDGET_MIN <= value <= MEMORY_BUDGET_MAX:
        return DEFAULT_MEMORY_BUDGET
    return int(value)


def recent_files(settings: QSettings | None = None) -> list[str]:
    """The most recently opened project files, newest first."""
    value = _value(settings, RECENT_FILES_KEY)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, str) and item][:MAX_RECENT_FILES]


def window_geometry(settings: QSettings | None = None) -> QByteArray | None:
    return _byte_array(_value(settings, GEOMETRY_KEY))


def window_state(settings: QSettings | None = None) -> QByteArray | None:
    return _byte_array(_value(settings, STATE_KEY))


def set_language(value: str, settings: QSettings | None = None) -> None:
    if value not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {value!r}")
    if value != language(settings):
        _settings(settings).setValue(LANGUAGE_KEY, value)
        notifier().sig_language_changed.emit(value)


def set_font_scale(value: float, settings: QSettings | None = None) -> None:
    if not FONT_SCALE_MIN <= value <= FONT_SCALE_MAX:
        raise ValueError(
            f"font_scale must be from {FONT_SCALE_MIN} to {FONT_SCALE_MAX}, got {value}"
        )
    value = round(float(value), 2)
    if value != font_scale(settings):
        _settings(settings).setValue(FONT_SCALE_KEY, value)
        notifier().sig_font_scale_changed.emit(value)


def set_memory_budget(value: int, settings: QSettings | None = None) -> None:
    if not MEMORY_BUDGET_MIN <= value <= MEMORY_BUDGET_MAX:
        raise ValueError(
            f"memory_budget must be from {MEMORY_BUDGET_MIN} to {MEMORY_BUDGET_MAX} bytes, "
            f"got {value}"
        )
    value = int(value)
    if value != memory_budget(settings):
        _settings(settings).setValue(MEMORY_BUDGET_KEY, value)
        notifier().sig_memory_budget_changed.emit(value)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    if not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _byte_array(value: Any) -> QByteArray | None:
    if isinstance(value, QByteArray) and not value.isEmpty():
        return value
    if isinstance(value, bytes) and value:
        return QByteArray(value)
    return None


def state_dir() -> Path:
    """Where autosaved projects and the error log live: $XDG_STATE_HOME/rnnstudio on Linux."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / APPLICATION / "state"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APPLICATION
    value = os.environ.get("XDG_STATE_HOME", "")
    base = Path(value) if value and os.path.isabs(value) else Path.home() / ".local" / "state"
    return base / APPLICATION
