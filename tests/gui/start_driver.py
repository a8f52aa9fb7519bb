"""A child process for start-up tests: the real start-up, driven from outside through stdout.

    python start_driver.py edit SETTINGS RECOVERY      edit, autosave, edit again, wait
    python start_driver.py restore SETTINGS RECOVERY   report the restore offer, close
    python start_driver.py first-paint SETTINGS RECOVERY
                                                       what was imported at the first paint

Lines it prints: KEY value, one per event, flushed at once.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer

from rnnstudio.gui.app import create_application
from rnnstudio.gui.startup import Launcher


def say(key: str, value: object) -> None:
    print(f"{key} {json.dumps(value)}", flush=True)


class PaintSpy(QObject):
    """Reports which heavy modules were loaded when the widget was first painted."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            heavy = [name for name in ("torch", "matplotlib") if name in sys.modules]
            say("FIRST_PAINT", {"heavy": heavy, "object": watched.objectName()})
        return False


def main() -> int:
    mode, settings_path, recovery = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    app = create_application(sys.argv[:1])
    settings = QSettings(settings_path, QSettings.Format.IniFormat)
    launcher = Launcher(None, settings, autosave_interval_ms=100, recovery_folder=recovery)

    if mode == "first-paint":
        spy = PaintSpy()
        launcher.sig_loading_window_shown.connect(lambda shell: shell.installEventFilter(spy))

        def window_ready(window) -> None:
            rows = window.parameters_pane.view.model().rowCount()
            say("READY", {"rows": rows, "torch": "torch" in sys.modules})
            window.close()

        launcher.sig_window_ready.connect(window_ready)

    elif mode == "edit":

        def window_ready(window) -> None:
            autosaver = launcher.autosaver

            def autosaved(_path) -> None:
                autosaver.sig_autosaved.disconnect(autosaved)
                autosaved_project = window.document.project.to_json_dict()
                # A second edit the timer never saves: the restart must not show it.
                autosaver.timer.stop()
                autosaver.timer.setInterval(3_600_000)
                window.add_block("gru")
                say("AUTOSAVED", autosaved_project)
                say("EDITED_AFTER", window.document.project.to_json_dict())

            autosaver.sig_autosaved.connect(autosaved)
            window.add_block("lstm")

        launcher.sig_window_ready.connect(window_ready)

    elif mode == "restore":
        from launching import AnsweringDialogs

        dialogs = AnsweringDialogs()
        launcher.make_dialogs = lambda _window: dialogs

        def window_ready(window) -> None:
            say("OFFERS", dialogs.restore_offers)
            say("PROJECT", window.document.project.to_json_dict())
            say("DIRTY", window.document.is_dirty)
            say("TITLE", window.windowTitle())
            # Close as a user would: the window asks, the answer is Discard.
            QTimer.singleShot(0, window.close)

        launcher.sig_window_ready.connect(window_ready)
    else:
        raise SystemExit(f"unknown mode {mode}")

    launcher.start()
    code = app.exec()
    launcher.wait_for_threads()
    say("EXIT", code)
    return code


if __name__ == "__main__":
    sys.exit(main())
