"""Start the window: `rnnstudio [FILE]` calls run()."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from .appearance import application_icon
from .settings import use_ini_format
from .theme import BASE_POINT_SIZE

ORGANIZATION = "rnnstudio"
APPLICATION = "rnnstudio"


def configure_application(app: QApplication) -> None:
    """Names for QSettings, and a font readable from the back of a classroom."""
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    # One INI settings file everywhere; the icon from the package; the desktop entry's name.
    use_ini_format()
    app.setWindowIcon(application_icon())
    QGuiApplication.setDesktopFileName(APPLICATION)
    font = app.font()
    if font.pointSizeF() < BASE_POINT_SIZE:
        font.setPointSizeF(BASE_POINT_SIZE)
        app.setFont(font)


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = (
        existing if isinstance(existing, QApplication) else QApplication(list(argv or sys.argv[:1]))
    )
    configure_application(app)
    return app


def run(path: str | None = None, lang: str | None = None) -> int:
    """Open the window with a new project, or with FILE (a project file or an example name).

    A light window shows at once while torch loads in the background (see startup.py).
    `lang` ("en" or "es", from --lang) wins over the language preference.
    """
    from .i18n import request_language
    from .startup import launch

    request_language(lang)

    return launch(path)
