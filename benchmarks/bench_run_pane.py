"""Time scrubber frame rate and plot refresh of the Run pane (issue 5).

The real main window runs (offscreen unless QT_QPA_PLATFORM says otherwise) at 1366×768 and
1920×1080 with the Run pane raised, on an RNN of 64 units over 1000 time steps (and a larger
4-layer case). Printed, in milliseconds:

- frame: one step of the time scrubber, from the slider's new value until Qt has painted it:
  the cursor moved by blitting on the hidden-state and output figures, the step panel's bars
  redrawn, the update table refilled. Median and worst of --frames steps, and the frame rate
  that is: 1000 / median. As a baseline, the same steps with every figure fully redrawn
  (canvas.draw()) instead of blitted, measured in the same run.
- refresh: a new run's result put into every figure and painted (the hand-over on the main
  thread after a run; the run itself is in a worker thread).

Goal: >= 30 frames per second with 64 units × 1000 steps.

Run: python benchmarks/bench_run_pane.py [--frames N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from rnnstudio.core.run_plan import run_project
from rnnstudio.core.signals import SineSignal
from rnnstudio.core.spec import InputSpec, Project, RNNBlock
from rnnstudio.gui.app import create_application
from rnnstudio.gui.main_window import MainWindow
from rnnstudio.gui.run_pane import RunPane

GOAL_FPS = 30.0
SIZES = ((1366, 768), (1920, 1080))


def project(units: int, steps: int, layers: int = 1) -> Project:
    return Project(
        name=f"rnn{units}x{steps}",
        input=InputSpec(features=2, batch=1, seq_len=steps, signal=SineSignal()),
        blocks=(RNNBlock(name="rnn", hidden_size=units, num_layers=layers),),
    )


def settle(app: QApplication, pane: RunPane) -> None:
    for _ in range(3):
        app.processEvents()
        for canvas in (pane.hidden_canvas, pane.output_canvas, pane.step_canvas):
            while canvas._draw_pending:
                app.processEvents()


def show(app: QApplication, window: MainWindow, case: Project, seed: int) -> float:
    """Put a run of ``case`` into the pane; returns the hand-over time in ms."""
    pane = window.run_pane
    result = run_project(case, seed=seed)
    began = time.perf_counter()
    pane._on_controller_result_changed(result)
    settle(app, pane)
    return (time.perf_counter() - began) * 1000


def frames(app: QApplication, pane: RunPane, count: int, *, full_draw: bool) -> list[float]:
    """Milliseconds per scrubber step (painted), walking forward through the sequence."""
    steps = pane.scrubber.steps
    times = []
    for index in range(count + 1):
        began = time.perf_counter()
        pane.scrubber.set_step((index * 7) % steps)
        if full_draw:
            for canvas in (pane.hidden_canvas, pane.output_canvas):
                canvas.draw()
        app.processEvents()  # Qt paints what the blits and draws asked for
        if index:  # the first step after a refresh saves backgrounds; not a frame
            times.append((time.perf_counter() - began) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=150, help="scrubber steps to time")
    args = parser.parse_args()
    app = create_application()
    cases = [project(64, 1000), project(64, 1000, layers=4)]
    print(
        f"{'window':<11}{'case':<22}{'refresh':>9}{'frame med':>11}{'worst':>8}{'fps':>7}"
        f"{'full-draw med':>15}{'fps':>7}"
    )
    rates = []
    with tempfile.TemporaryDirectory() as folder:
        for width, height in SIZES:
            settings = QSettings(
                str(Path(folder) / f"settings-{width}.ini"), QSettings.Format.IniFormat
            )
            window = MainWindow(settings=settings)
            window.resize(width, height)
            window.show()
            app.processEvents()
            window.run_dock.raise_()
            pane = window.run_pane
            pane.auto_run_check.setChecked(False)  # the benchmark feeds the results itself
            for case in cases:
                window.document.replace(case)
                settle(app, pane)
                show(app, window, case, seed=0)
                refresh = show(app, window, case, seed=1)  # same layout: a plain refresh
                blitted = frames(app, pane, args.frames, full_draw=False)
                drawn = frames(app, pane, max(10, args.frames // 5), full_draw=True)
                median, median_full = statistics.median(blitted), statistics.median(drawn)
                rate = 1000 / median
                block = case.blocks[0]
                label = f"{block.num_layers}x{block.hidden_size} units x {case.input.seq_len}"
                if block.num_layers == 1:
                    rates.append(rate)
                print(
                    f"{width}x{height:<6}{label:<22}{refresh:>9.1f}{median:>11.1f}"
                    f"{max(blitted):>8.1f}{rate:>7.0f}{median_full:>15.1f}"
                    f"{1000 / median_full:>7.0f}"
                )
            window.document.undo_stack.setClean()
            window.close()
    verdict = "meets" if min(rates) >= GOAL_FPS else "MISSES"
    print(
        f"scrubber with 64 units x 1000 steps: at least {min(rates):.0f} frames per second; "
        f"{verdict} the goal of {GOAL_FPS:.0f}"
    )


if __name__ == "__main__":
    main()
