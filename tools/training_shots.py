"""Screenshots of the Training pane (issue 8), taken by tools/screenshots.py --training.

1. rnn_clas trained on trajectories with the task's settings: the curves, then the
   confusion matrix.
2. The vanishing-gradient demo: memoria_rnn trained on memory, its gradients over time kept,
   then memoria_lstm trained: both panels side by side.

Each training really runs (about a minute in all on two cores).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtTest import QTest

from rnnstudio.gui.main_window import MainWindow
from rnnstudio.gui.training_pane import AFTER, TrainingPane

SIZE = (1920, 1080)
LAPTOP = (1366, 768)
WAIT_MS = 300_000
SETTLE_MS = 600
CURVES_TAB, CONFUSION_TAB, GRADIENTS_TAB = range(3)


def _wait(condition: Callable[[], bool], what: str) -> None:
    """Run the event loop until ``condition()``. A QEventLoop, not QTest.qWait: its exec()
    lets the training thread have Python while the window waits."""
    waited = 0
    while not condition():
        if waited > WAIT_MS:
            raise TimeoutError(f"screenshots: {what} took longer than {WAIT_MS // 1000} s")
        loop = QEventLoop()
        QTimer.singleShot(50, loop.quit)
        loop.exec()
        waited += 50


def _train(pane: TrainingPane) -> None:
    before = pane.result
    if not pane.train():
        raise RuntimeError(f"screenshots: the training did not start: {pane.message}")
    _wait(
        lambda: (
            pane.result is not None and pane.result is not before and not pane.controller.is_running
        ),
        "the training",
    )


def _gradients(pane: TrainingPane) -> None:
    pane.tabs.setCurrentIndex(GRADIENTS_TAB)
    QTest.qWait(SETTLE_MS)
    _wait(lambda: not pane.controller.gradients_running, "the gradients")


def _save(window: MainWindow, path: Path) -> Path:
    QTest.qWait(SETTLE_MS)
    if not window.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    return path


def _window(folder: Path, name: str, size: tuple[int, int]) -> MainWindow:
    settings = QSettings(str(folder / f"{name}.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings)
    window.resize(*size)
    window.show()
    QTest.qWaitForWindowExposed(window)
    return window


def take_training_shots(folder: Path, output: Path) -> list[Path]:
    shots = []
    for size in (SIZE, LAPTOP):
        window = _window(folder, f"training-{size[0]}", size)
        window.open_example("rnn_clas")
        window.training_dock.raise_()
        pane = window.training_pane
        pane.set_task("trajectories")
        _train(pane)
        suffix = f"{size[0]}x{size[1]}"
        shots.append(_save(window, output / f"training-rnn_clas-{suffix}.png"))
        if size == SIZE:
            pane.tabs.setCurrentIndex(CONFUSION_TAB)
            shots.append(_save(window, output / f"training-rnn_clas-confusion-{suffix}.png"))
        window.close()

    window = _window(folder, "training-memory", SIZE)
    pane = window.training_pane
    window.open_example("memoria_rnn")
    window.training_dock.raise_()
    _train(pane)
    _gradients(pane)
    pane.keep_gradients()
    window.open_example("memoria_lstm")
    _train(pane)
    pane.gradient_weights_combo.setCurrentIndex(pane.gradient_weights_combo.findData(AFTER))
    _gradients(pane)
    shots.append(_save(window, output / f"training-memory-gradients-{SIZE[0]}x{SIZE[1]}.png"))
    window.close()
    return shots
