"""Helpers for tests of the real start-up: answering dialogs, and reading a child's lines."""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rnnstudio.gui.dialogs import RestoreChoice, UnsavedChoice

REPO = Path(__file__).resolve().parents[2]


@dataclass
class AnsweringDialogs:
    """Answers every question the window and the start-up ask; records what was asked."""

    restore_answer: RestoreChoice = RestoreChoice.RESTORE
    unsaved_answer: UnsavedChoice = UnsavedChoice.DISCARD
    preferences_answer: Any = None
    errors: list[tuple[str, str]] = field(default_factory=list)
    restore_offers: list[tuple[str, str, str | None]] = field(default_factory=list)
    preferences_shown: list[Any] = field(default_factory=list)

    def show_error(self, title: str, message: str) -> None:
        self.errors.append((title, message))

    def ask_unsaved_changes(self, project_name: str) -> UnsavedChoice:
        return self.unsaved_answer

    def ask_open_path(self, directory: str) -> Path | None:
        return None

    def ask_save_path(self, suggestion: str) -> Path | None:
        return None

    def ask_restore(
        self, project_name: str, saved_at: str, original_path: str | None
    ) -> RestoreChoice:
        self.restore_offers.append((project_name, saved_at, original_path))
        return self.restore_answer

    def edit_preferences(self, current: Any) -> Any:
        self.preferences_shown.append(current)
        return self.preferences_answer


def child_environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Offscreen Qt, and settings, state and data folders inside the test's folder."""
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        PYTHONPATH=str(REPO) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    env.update(extra)
    return env


class Child:
    """A Python child process whose stdout lines are read with a deadline."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=cwd,
        )
        self._selector = selectors.DefaultSelector()
        assert self.process.stdout is not None
        self._selector.register(self.process.stdout, selectors.EVENT_READ)
        self.lines: list[str] = []
        self._pending = b""

    def wait_for_line(self, prefix: str, timeout: float = 120.0) -> str:
        """The first line starting with `prefix`; fails with the child's output on timeout."""
        assert self.process.stdout is not None
        descriptor = self.process.stdout.fileno()
        deadline = time.monotonic() + timeout
        ended = False
        while True:
            for line in self.lines:
                if line.startswith(prefix):
                    self.lines.remove(line)
                    return line[len(prefix) :].strip()
            remaining = deadline - time.monotonic()
            if ended or remaining <= 0 or not self._selector.select(timeout=remaining):
                break
            # Raw reads: a buffered reader could hold lines the selector no longer sees.
            chunk = os.read(descriptor, 65536)
            if not chunk:
                ended = True
            self._pending += chunk
            *complete, self._pending = self._pending.split(b"\n")
            self.lines += [line.decode("utf-8", "replace") for line in complete]
        self.process.kill()
        _out, err = self.process.communicate(timeout=30)
        raise AssertionError(f"no line {prefix!r} from the child; stdout {self.lines}; {err!r}")

    def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line.encode() + b"\n")
        self.process.stdin.flush()

    def finish(self, timeout: float = 60.0) -> tuple[int, str, str]:
        out, err = self.process.communicate(timeout=timeout)
        text = "\n".join(self.lines) + (self._pending + out).decode("utf-8", "replace")
        return self.process.returncode, text, err.decode("utf-8", "replace")
