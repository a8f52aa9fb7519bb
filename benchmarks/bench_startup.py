"""Start-up time against a baseline measured side by side, under a real X server (Xvfb).

    python benchmarks/bench_startup.py [--rounds N]

Baseline: a process that imports torch and matplotlib's Qt backend, then shows one empty
PySide6 window, until that window's first paint. rnnstudio: `rnnstudio` (the command line's
real path, display checks included) until the first paint of its first window, until a
filled parameter tree is painted (the loading window shows it as soon as torch and the core
are imported), and until the whole window with every pane is painted. Rounds alternate
baseline and rnnstudio after one warm-up of each, so both see the same disk cache and
machine load; medians are reported.

Goals (issue 6): first window <= 0.35 x baseline; parameter tree <= 1.1 x baseline.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VISIBLE_GOAL, TREE_GOAL = 0.35, 1.1

BASELINE = """
import time
import torch
import matplotlib.backends.backend_qtagg
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print("PAINTED", time.time(), flush=True)
            watched.removeEventFilter(self)
            QTimer.singleShot(0, app.quit)
        return False

app = QApplication([])
window = QMainWindow()
window.resize(1280, 720)
spy = FirstPaint()
window.installEventFilter(spy)
window.show()
app.exec()
"""

RNNSTUDIO = """
import time
from PySide6.QtCore import QEvent, QObject, QTimer
from rnnstudio.gui import startup

class Spy(QObject):
    def __init__(self, key, then=None):
        super().__init__()
        self.key, self.then = key, then
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print(self.key, time.time(), flush=True)
            watched.removeEventFilter(self)
            if self.then is not None:
                QTimer.singleShot(0, self.then)
        return False

spies = []
original_start = startup.Launcher.start

def start(launcher):
    def shown(shell):
        spies.append(Spy("VISIBLE"))
        shell.installEventFilter(spies[-1])
    def tree(pane):
        # The first filled parameter tree on screen, in the loading window or the real one.
        assert pane.view.model().rowCount() > 0
        if not any(spy.key == "TREE" for spy in spies):
            spies.append(Spy("TREE"))
            pane.view.viewport().installEventFilter(spies[-1])
            pane.view.viewport().update()
    def ready(window):
        window.document.undo_stack.setClean()
        tree(window.parameters_pane)
        spies.append(Spy("WINDOW", window.close))
        window.installEventFilter(spies[-1])
        window.update()
    launcher.sig_loading_window_shown.connect(shown)
    launcher.sig_preview_shown.connect(tree)
    launcher.sig_window_ready.connect(ready)
    original_start(launcher)

startup.Launcher.start = start
from rnnstudio.cli import main
raise SystemExit(main([]))
"""


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    if shutil.which("Xvfb") is None:
        raise SystemExit("bench_startup: needs Xvfb (apt install xvfb)")
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    number = b""
    while not number.endswith(b"\n"):
        chunk = os.read(read, 16)
        if not chunk:
            raise SystemExit("bench_startup: Xvfb did not start")
        number += chunk
    os.close(read)
    return server, f":{number.decode().strip()}"


def run_child(code: str, env: dict[str, str], keys: tuple[str, ...]) -> dict[str, float]:
    """Seconds from launch to each printed event of the child."""
    started = time.time()
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )
    times = {}
    for line in result.stdout.splitlines():
        key, _, value = line.partition(" ")
        if key in keys:
            times[key] = float(value) - started
    if set(times) != set(keys):
        raise SystemExit(f"bench_startup: child failed ({result.returncode}):\n{result.stderr}")
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds (default 5)")
    args = parser.parse_args()
    server, display = start_xvfb()
    try:
        with tempfile.TemporaryDirectory() as home:
            env = {
                key: value
                for key, value in os.environ.items()
                if key not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "MPLBACKEND")
            }
            env.update(
                DISPLAY=display,
                XDG_CONFIG_HOME=f"{home}/config",
                XDG_STATE_HOME=f"{home}/state",
                PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
            )
            baseline, visible, tree, whole = [], [], [], []
            for round_number in range(args.rounds + 1):
                base = run_child(BASELINE, env, ("PAINTED",))["PAINTED"]
                ours = run_child(RNNSTUDIO, env, ("VISIBLE", "TREE", "WINDOW"))
                if round_number == 0:
                    continue  # warm-up: fills the disk cache for both
                baseline.append(base)
                visible.append(ours["VISIBLE"])
                tree.append(ours["TREE"])
                whole.append(ours["WINDOW"])
                print(
                    f"round {round_number}: baseline {base:.2f} s, first window "
                    f"{ours['VISIBLE']:.2f} s, parameter tree {ours['TREE']:.2f} s, "
                    f"every pane {ours['WINDOW']:.2f} s",
                    flush=True,
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
    base, seen, filled, complete = (
        statistics.median(values) for values in (baseline, visible, tree, whole)
    )
    print()
    print(f"baseline (import torch + matplotlib Qt backend + empty window): {base:.2f} s")
    verdict = "met" if seen <= VISIBLE_GOAL * base else "MISSED"
    print(
        f"rnnstudio first window: {seen:.2f} s = {seen / base:.2f} x baseline "
        f"(goal <= {VISIBLE_GOAL}: {verdict})"
    )
    verdict = "met" if filled <= TREE_GOAL * base else "MISSED"
    print(
        f"rnnstudio parameter tree filled: {filled:.2f} s = {filled / base:.2f} x baseline "
        f"(goal <= {TREE_GOAL}: {verdict})"
    )
    print(
        f"rnnstudio every pane built (run, diagram, exercises...): {complete:.2f} s = "
        f"{complete / base:.2f} x baseline"
    )
    print(f"medians of {len(baseline)} interleaved rounds after a warm-up, {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
