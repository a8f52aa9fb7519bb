"""Regenerate the window screenshots in docs/screenshots/ (the README shows one of them).

Run under a real X display, e.g. a virtual one:

    xvfb-run -a -s "-screen 0 1920x1080x24" python tools/screenshots.py

Each shot is the main window as a first start shows it (default arrangement, the
application's classroom font), with a shipped example open, at a laptop's 1366×768 and at
1920×1080, in light and dark palettes. Settings go to a temporary folder, so a
developer's own layout is not used.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from classroom_shots import take_classroom_shots  # tools/, the script's own folder
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from training_shots import take_training_shots

from rnnstudio.gui.app import create_application
from rnnstudio.gui.appearance import apply_color_scheme
from rnnstudio.gui.main_window import MainWindow

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "screenshots"
SIZES = ((1366, 768), (1920, 1080))
# example -> the block selected in the shot (the one the example is about)
SHOTS = {"rnn_clas": "rnn1", "rnn_alumno": "rnn2"}
# The Run pane raised, after its first run, the time cursor at this step.
RUN_SHOTS = {"ejemplo_c": ("rnn", 2), "rnn_alumno": ("rnn2", 1)}
RUN_WAIT_MS = 30_000
SETTLE_MS = 400


def open_window(example: str, block: str, size: tuple[int, int], settings_file: Path) -> MainWindow:
    """A first-start window of ``size`` with ``example`` open and ``block`` selected."""
    window = MainWindow(settings=QSettings(str(settings_file), QSettings.Format.IniFormat))
    window.open_example(example)
    names = [each.name for each in window.document.project.blocks]
    window.select_row(names.index(block))
    window.resize(*size)
    window.show()
    QTest.qWaitForWindowExposed(window)
    QTest.qWait(SETTLE_MS)
    return window


def take(example: str, block: str, size: tuple[int, int], folder: Path, suffix: str = "") -> Path:
    window = open_window(example, block, size, folder / f"{example}-{size[0]}.ini")
    path = OUTPUT / f"{example}-{size[0]}x{size[1]}{suffix}.png"
    if not window.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    window.close()
    return path


def take_run(
    example: str, block: str, step: int, size: tuple[int, int], folder: Path, suffix: str = ""
) -> Path:
    """The window with the Run pane raised: hidden states, the step panel, the cursor at t."""
    window = open_window(example, block, size, folder / f"{example}-run-{size[0]}.ini")
    window.run_dock.raise_()
    pane = window.run_pane
    waited = 0
    while (pane.result is None or pane.controller.is_running) and waited < RUN_WAIT_MS:
        QTest.qWait(50)
        waited += 50
    pane.scrubber.set_step(step)
    QTest.qWait(SETTLE_MS)
    path = OUTPUT / f"{example}-run-{size[0]}x{size[1]}{suffix}.png"
    if not window.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    window.document.undo_stack.setClean()
    window.close()
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--classroom",
        action="store_true",
        help="only the classroom shots (Spanish, 200%%): see tools/classroom_shots.py",
    )
    parser.add_argument(
        "--training",
        action="store_true",
        help="only the Training pane's shots (trains for real): see tools/training_shots.py",
    )
    arguments = parser.parse_args()
    only_classroom = arguments.classroom
    app = create_application(sys.argv[:1])
    if app.platformName() != "xcb":
        print(
            f"screenshots: running on the '{app.platformName()}' platform; run under X, e.g. "
            'xvfb-run -a -s "-screen 0 1920x1080x24" python tools/screenshots.py',
            file=sys.stderr,
        )
        return 2
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        if arguments.training:
            for shot in take_training_shots(Path(folder), OUTPUT):
                print(shot.relative_to(ROOT))
            return 0
        for shot in take_classroom_shots(Path(folder), OUTPUT):
            print(shot.relative_to(ROOT))
        if only_classroom:
            return 0
        # Light, then as a system set to dark shows it (-dark.png).
        for scheme, suffix in ((Qt.ColorScheme.Light, ""), (Qt.ColorScheme.Dark, "-dark")):
            apply_color_scheme(app, scheme)
            for example, block in SHOTS.items():
                for size in SIZES:
                    shot = take(example, block, size, Path(folder), suffix)
                    print(shot.relative_to(ROOT))
            for example, (block, step) in RUN_SHOTS.items():
                for size in SIZES:
                    shot = take_run(example, block, step, size, Path(folder), suffix)
                    print(shot.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
