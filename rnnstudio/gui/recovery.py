"""Autosave to a recovery file, and the offer to restore it after a crash or a kill.

While the open project has unsaved changes, it is written every 30 seconds (atomically, by
the core's writer) to a recovery file in the user's state folder. Each running window holds
an OS lock on its own session file; the kernel drops the lock when the process dies, however
it dies, so the next start knows which recovery files nobody is editing any more and offers
them. Saving or a clean exit removes the file.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from PySide6.QtCore import QObject, QTimer, Signal

from rnnstudio.core.errors import ProjectError
from rnnstudio.core.project_io import parse_project, write_text_atomically
from rnnstudio.core.spec import Project

from .document import Document
from .settings import state_dir

DEFAULT_AUTOSAVE_MS = 30_000
RECOVERY_SUFFIX = ".rnnstudio-recovery"
LOCK_SUFFIX = ".lock"
_RECOVERY_FORMAT = "rnnstudio-recovery"


def recovery_folder() -> Path:
    return state_dir() / "recovery"


class SessionLock:
    """An exclusive OS lock on a file, released by the kernel when the process ends."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    def acquire(self) -> bool:
        """Take the lock without waiting; False when another live process holds it."""
        if self._handle is not None:
            return True
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = self.path.open("a+", encoding="utf-8")
        except OSError:
            return False
        try:
            _lock(handle)
        except OSError:
            handle.close()
            return False
        self._handle = handle
        return True

    def release(self, *, remove: bool = False) -> None:
        if self._handle is None:
            return
        if remove:
            self.path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # closing the file drops the lock anyway
            _unlock(self._handle)
        self._handle.close()
        self._handle = None


def _lock(handle: IO[str]) -> None:
    if os.name == "nt":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def _unlock(handle: IO[str]) -> None:
    if os.name == "nt":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def recovery_text(project: Project, original_path: Path | None) -> str:
    """The recovery file: the project as its file would hold it, plus where it came from."""
    data = {
        "format": _RECOVERY_FORMAT,
        "saved_at": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "original_path": str(original_path) if original_path is not None else None,
        "project": project.to_json_dict(),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@dataclass
class Recovered:
    """A recovery file left by a window that ended without saving or closing."""

    path: Path
    project: Project
    original_path: Path | None
    saved_at: str
    lock: SessionLock

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
        self.lock.release(remove=True)

    def keep(self) -> None:
        """Leave it for the next start."""
        self.lock.release()


def read_recovery(path: Path) -> tuple[Project, Path | None, str]:
    """The project, its original file and when it was autosaved; ProjectError if unreadable."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ProjectError(f"{path}: the recovery file cannot be read: {error}") from None
    if not isinstance(data, dict) or data.get("format") != _RECOVERY_FORMAT:
        raise ProjectError(f"{path}: not a recovery file")
    project = parse_project(data.get("project"), source=str(path))
    original = data.get("original_path")
    saved_at = data.get("saved_at")
    return (
        project,
        Path(original) if isinstance(original, str) and original else None,
        saved_at if isinstance(saved_at, str) else "",
    )


def find_recoverable(folder: Path | None = None) -> list[Recovered]:
    """Recovery files whose window is gone, newest first; each is locked until remove/keep.

    A file that cannot be read is renamed to *.unreadable (kept, never offered again).
    """
    folder = folder if folder is not None else recovery_folder()
    try:
        candidates = sorted(folder.glob(f"*{RECOVERY_SUFFIX}"))
    except OSError:
        return []
    found: list[Recovered] = []
    for path in candidates:
        lock = SessionLock(path.with_suffix(LOCK_SUFFIX))
        if not lock.acquire():
            continue  # its window is still open
        try:
            project, original, saved_at = read_recovery(path)
        except ProjectError:
            with contextlib.suppress(OSError):
                path.replace(path.with_name(path.name + ".unreadable"))
            lock.release(remove=True)
            continue
        found.append(Recovered(path, project, original, saved_at, lock))
    found.sort(key=lambda item: item.saved_at, reverse=True)
    return found


class Autosaver(QObject):
    """Writes the document's unsaved project to this session's recovery file on a timer."""

    sig_autosaved = Signal(object)  # Path of the recovery file
    sig_autosave_failed = Signal(str)  # why, in words

    def __init__(
        self,
        document: Document,
        folder: Path | None = None,
        interval_ms: int = DEFAULT_AUTOSAVE_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.folder = folder if folder is not None else recovery_folder()
        session = f"session-{os.getpid()}-{secrets.token_hex(4)}"
        self.path = self.folder / f"{session}{RECOVERY_SUFFIX}"
        self._lock = SessionLock(self.folder / f"{session}{LOCK_SUFFIX}")
        self._saved: tuple[Project, Path | None] | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._on_timer_timeout)
        document.sig_dirty_changed.connect(self._on_document_dirty_changed)
        if document.is_dirty:
            self.timer.start()

    def autosave_now(self) -> bool:
        """Write the recovery file if the project changed since the last write; True if written."""
        if not self.document.is_dirty:
            return False
        state = (self.document.project, self.document.path)
        if state == self._saved and self.path.exists():
            return False
        if not self._lock.acquire():
            self.sig_autosave_failed.emit(f"{self._lock.path}: cannot lock the recovery file")
            return False
        try:
            write_text_atomically(self.path, recovery_text(*state))
        except ProjectError as error:
            self.sig_autosave_failed.emit(str(error))
            return False
        self._saved = state
        self.sig_autosaved.emit(self.path)
        return True

    def discard(self) -> None:
        """Nothing left to recover (saved, or closed on purpose): remove this session's files."""
        self.timer.stop()
        self.path.unlink(missing_ok=True)
        self._saved = None
        self._lock.release(remove=True)

    def _on_document_dirty_changed(self, dirty: bool) -> None:
        if dirty:
            if not self.timer.isActive():
                self.timer.start()
        else:
            self.discard()

    def _on_timer_timeout(self) -> None:
        self.autosave_now()
