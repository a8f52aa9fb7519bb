"""The open document: the current Project, its file, whether it is saved, and its undo history.

Projects are immutable, so the history is simply a stack of them: undo shows the previous
Project. Every change re-runs the core's analysis (cheap: meta tensors) and announces it once.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable
from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from rnnstudio.core.analysis import Analysis, analyze
from rnnstudio.core.project_io import save_project
from rnnstudio.core.spec import InputSpec, Project, new_block

_MERGEABLE_COMMAND_ID = 1
_edit_sessions = itertools.count(1)


def new_edit_session() -> int:
    """A fresh token: edits sharing a merge key with the same token become one undo step."""
    return next(_edit_sessions)


@lru_cache(maxsize=64)
def _cached_analysis(project: Project) -> Analysis:
    # Undo and redo revisit recent projects; they are hashable, so reuse their analysis.
    return analyze(project)


def default_project() -> Project:
    """What `rnnstudio` alone opens: one RNN block on the notebook's default input."""
    empty = Project(name="model", input=InputSpec())
    return Project(name="model", input=InputSpec(), blocks=(new_block(empty, "rnn"),))


class EditProjectCommand(QUndoCommand):
    """Replace the document's project; undo puts the previous one back.

    Commands with the same merge key (one field, one stretch of typing) merge into one step.
    """

    def __init__(
        self,
        document: Document,
        before: Project,
        after: Project,
        text: str,
        merge_key: Hashable | None,
    ) -> None:
        super().__init__(text)
        self._document = document
        self._before = before
        self._after = after
        self._merge_key = merge_key

    def id(self) -> int:
        return _MERGEABLE_COMMAND_ID if self._merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, EditProjectCommand) or other._merge_key != self._merge_key:
            return False
        self._after = other._after
        # Typing a value back to what it was leaves nothing to undo.
        self.setObsolete(self._after == self._before)
        return True

    def redo(self) -> None:
        self._document._show(self._after)

    def undo(self) -> None:
        self._document._show(self._before)


class Document(QObject):
    """One open project. Views listen to sig_analysis_changed and render what it carries."""

    sig_analysis_changed = Signal(object)  # Analysis of the new current project
    sig_path_changed = Signal(object)  # Path | None
    sig_dirty_changed = Signal(bool)

    def __init__(self, project: Project | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._project = project if project is not None else default_project()
        self._analysis = _cached_analysis(self._project)
        self._path: Path | None = None
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._on_undo_stack_clean_changed)

    @property
    def project(self) -> Project:
        return self._project

    @property
    def analysis(self) -> Analysis:
        return self._analysis

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def is_dirty(self) -> bool:
        return not self.undo_stack.isClean()

    def edit(self, project: Project, text: str, merge_key: Hashable | None = None) -> bool:
        """Make `project` current as one undoable step; False when nothing changed."""
        if project == self._project:
            return False
        command = EditProjectCommand(self, self._project, project, text, merge_key)
        self.undo_stack.push(command)
        return True

    def replace(self, project: Project, path: Path | None = None) -> None:
        """Show another project (New, Open): a fresh history, nothing unsaved."""
        self.undo_stack.clear()
        self._set_path(path)
        self._show(project)
        self.undo_stack.setClean()

    def save(self, path: Path | None = None) -> None:
        """Write the project (atomically, by the core); raises ProjectError on failure."""
        target = path if path is not None else self._path
        if target is None:
            raise ValueError("save() needs a path for a project that has none")
        save_project(self._project, target)
        self._set_path(Path(target))
        self.undo_stack.setClean()

    def _set_path(self, path: Path | None) -> None:
        if path != self._path:
            self._path = path
            self.sig_path_changed.emit(path)

    def _show(self, project: Project) -> None:
        self._project = project
        self._analysis = _cached_analysis(project)
        self.sig_analysis_changed.emit(self._analysis)

    def _on_undo_stack_clean_changed(self, clean: bool) -> None:
        self.sig_dirty_changed.emit(not clean)
