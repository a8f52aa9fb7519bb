"""Screenshots of the classroom features in Spanish at 200% text size (issue 7).

Called by tools/screenshots.py (all shots, or only these with --classroom): exercise mode
after a Check with right and wrong answers, the Architecture pane, the Unrolled pane and
the Compare dialog, in a 1920×1080 window as a projector shows them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from rnnstudio.gui import settings as preferences
from rnnstudio.gui.i18n import install_language
from rnnstudio.gui.main_window import MainWindow
from rnnstudio.gui.projector import scale_everything

SIZE = (1920, 1080)
SCALE = 2.0
SETTLE_MS = 500


def _window(folder: Path, name: str) -> MainWindow:
    """As a start with the text size at 200% makes it (startup.py scales before the window)."""
    settings = QSettings(str(folder / f"classroom-{name}.ini"), QSettings.Format.IniFormat)
    preferences.set_font_scale(SCALE, settings)
    window = MainWindow(settings=settings)
    window.resize(*SIZE)
    window.show()
    QTest.qWaitForWindowExposed(window)
    return window


def _save(widget: QWidget, output: Path, name: str) -> Path:
    QTest.qWait(SETTLE_MS)
    path = output / f"classroom-{name}-es-200.png"
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    return path


def _close(window: MainWindow) -> None:
    window.document.undo_stack.setClean()
    window.close()


def take_classroom_shots(folder: Path, output: Path) -> list[Path]:
    install_language("es")
    scale_everything(SCALE)
    shots = []
    try:
        window = _window(folder, "exercise")
        controller = window.classroom.exercises
        controller.open_shipped("ejercicio_1")
        # A student's first try: some right, some wrong, one not yet answered.
        answers = ["[24, 2]", "[24, 24]", "24", "[24, 2]", "", "16x5x2", "[16, 5, 24]", "", "3000"]
        controller.set_answers(answers[: len(controller.pane.rows)])
        controller.check()
        shots.append(_save(window, output, "exercise"))
        _close(window)

        window = _window(folder, "architecture")
        window.open_example("rnn_alumno")
        window.select_row(2)
        window.classroom.diagram_dock.raise_()
        shots.append(_save(window, output, "architecture"))
        _close(window)

        window = _window(folder, "unrolled")
        window.open_example("ejemplo_a")
        window.classroom.unrolled_dock.raise_()
        shots.append(_save(window, output, "unrolled"))
        _close(window)

        window = _window(folder, "compare")
        window.open_example("rnn_clas")
        dialog = window.classroom.show_compare()
        if dialog is not None:
            QTest.qWaitForWindowExposed(dialog)
            shots.append(_save(dialog, output, "compare"))
            dialog.close()
        _close(window)
    finally:
        scale_everything(1.0)
        install_language("en")
    return shots
