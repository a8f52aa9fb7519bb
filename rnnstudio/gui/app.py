"""Start the window: `rnnstudio [FILE]` calls run()."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtWidgets import QApplication

from .theme import BASE_POINT_SIZE

ORGANIZATION = "rnnstudio"
APPLICATION = "rnnstudio"
# Up to this screen width the window opens maximised; wider screens get a large window.
_MAXIMISE_UP_TO_WIDTH = 1600


def configure_application(app: QApplication) -> None:
    """Names for QSettings, and a font readable from the back of a classroom."""
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
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


def run(path: str | None = None) -> int:
    """Open the window with a new project, or with FILE (a project file or an example name)."""
    app = create_application()
    from .main_window import MainWindow

    window = MainWindow()
    if window.layout_restored:
        window.show()
    else:
        available = window.screen().availableGeometry()
        if available.width() <= _MAXIMISE_UP_TO_WIDTH:
            window.resize(available.size())
            window.showMaximized()
        else:
            window.resize(int(available.width() * 0.85), int(available.height() * 0.85))
            window.show()
    if path is not None:
        window.open_argument(path)
    return app.exec()
