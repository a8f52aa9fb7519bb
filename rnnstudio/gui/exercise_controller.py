"""Exercise mode in the main window: open an exercise, hide its answers, check, report, leave.

Entering is like opening a file (unsaved changes are asked about first); the project that
was open comes back when the student leaves. While an exercise is open, editing is locked,
the asked-for facts show as "?" in every pane, and warnings (which name shapes) wait for
Check: the explanations include them.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from pydantic import ValidationError
from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QMenu,
    QStyledItemDelegate,
)

from rnnstudio.core.analysis import Analysis
from rnnstudio.core.errors import ProjectError
from rnnstudio.core.exercises import (
    EXERCISE_SUFFIX,
    Exercise,
    ExercisePart,
    exercise_names,
    load_exercise,
    load_shipped_exercise,
    local,
    parse_exercise,
    questions_from_project,
    save_exercise,
)
from rnnstudio.core.project_io import describe_validation_error, load_project
from rnnstudio.core.spec import Project

from .appearance import pane_dock
from .document import default_project
from .error_text import error_text
from .exercise_dialogs import QUESTION_GROUPS
from .exercise_mode import (
    NO_MASK,
    AnswerMask,
    ExercisePane,
    ExerciseSession,
    MaskDelegate,
    write_report,
)
from .i18n import current_language
from .parameters_pane import COUNT_COLUMN
from .parameters_pane import SHAPE_COLUMN as PARAMETER_SHAPE_COLUMN
from .parameters_pane import VALUE_ROLE as PARAMETER_VALUE_ROLE
from .shapes_pane import AXES_COLUMN, C_N_COLUMN, H_N_COLUMN
from .shapes_pane import SHAPE_COLUMN as STAGE_SHAPE_COLUMN
from .shapes_pane import VALUE_ROLE as STAGE_VALUE_ROLE

if TYPE_CHECKING:
    from .main_window import MainWindow

translate = QCoreApplication.translate


def without_warnings(analysis: Analysis) -> Analysis:
    """The analysis with its warnings left out (they name shapes the student must find)."""
    stages = tuple(
        dataclasses.replace(
            stage, problems=tuple(p for p in stage.problems if p.severity == "error")
        )
        for stage in analysis.stages
    )
    return dataclasses.replace(analysis, stages=stages)


def same_model(first: Project, second: Project) -> bool:
    """The same blocks and input shape: an edit of the signal keeps the exercise going."""
    return (
        first.blocks == second.blocks
        and first.input.shape == second.input.shape
        and first.input.batch_first == second.input.batch_first
    )


class ExerciseController(QObject):
    """Owns the exercise dock, the exercise actions and the masks on the window's panes."""

    sig_mode_changed = Signal(bool)  # True in exercise mode
    sig_mask_changed = Signal(object)  # AnswerMask

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.session: ExerciseSession | None = None
        self._previous: tuple[Project, Path | None] | None = None
        self._replacing = False
        self._mask = NO_MASK
        self._saved_delegates: list[tuple[QAbstractItemView, QAbstractItemDelegate]] = []

        self.pane = ExercisePane()
        self.pane.sig_check_requested.connect(self.check)
        self.pane.sig_part_requested.connect(self.show_part)
        self.pane.sig_report_requested.connect(self.export_report)
        self.pane.sig_leave_requested.connect(self.leave)
        self.pane.sig_answer_edited.connect(self._on_pane_answer_edited)
        # Not closable: Leave is the way out of an exercise.
        self.dock = pane_dock(window, "dock_exercise", self.pane, closable=False)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()

        self.parameter_delegate = MaskDelegate(
            self._parameter_cell_hidden, self._parameter_tooltip_hidden, window
        )
        self.shapes_delegate = MaskDelegate(
            self._stage_cell_hidden, self._stage_cell_hidden, window
        )
        self._create_actions()
        self.retranslate()

    # --- actions and texts ----------------------------------------------------------------

    def _create_actions(self) -> None:
        window = self.window
        self.action_open = QAction(window)
        self.action_open.setObjectName("action_open_exercise")
        self.action_open.setShortcut("Ctrl+Shift+E")
        self.action_open.triggered.connect(lambda _checked=False: self.open_with_dialog())
        self.action_save = QAction(window)
        self.action_save.setObjectName("action_save_as_exercise")
        self.action_save.triggered.connect(lambda _checked=False: self.save_project_as_exercise())
        self.action_leave = QAction(window)
        self.action_leave.setObjectName("action_leave_exercise")
        self.action_leave.setEnabled(False)
        self.action_leave.triggered.connect(lambda _checked=False: self.leave())
        self.shipped_menu = QMenu(window)
        self.shipped_menu.setObjectName("menu_exercises")
        self.shipped_menu.aboutToShow.connect(self._on_shipped_menu_about_to_show)
        self.shipped_actions: dict[str, QAction] = {}
        for name in exercise_names():
            action = self.shipped_menu.addAction(name)
            action.setObjectName(f"action_exercise_{name}")
            action.triggered.connect(lambda _checked=False, name=name: self.open_shipped(name))
            self.shipped_actions[name] = action

    def install_menu(self, file_menu: QMenu, before: QAction) -> None:
        file_menu.insertAction(before, self.action_open)
        file_menu.insertMenu(before, self.shipped_menu)
        file_menu.insertAction(before, self.action_save)
        file_menu.insertAction(before, self.action_leave)
        file_menu.insertSeparator(before)

    def retranslate(self) -> None:
        self.dock.setWindowTitle(translate("ExercisePane", "Exercise"))
        self.action_open.setText(translate("ExercisePane", "Open E&xercise…"))
        self.action_open.setToolTip(
            translate("ExercisePane", "Open an exercise file: questions about a model")
        )
        self.shipped_menu.setTitle(translate("ExercisePane", "E&xercises"))
        self.action_save.setText(translate("ExercisePane", "Save as Exe&rcise…"))
        self.action_save.setToolTip(
            translate(
                "ExercisePane", "Make an exercise that asks for the facts of the open project"
            )
        )
        self.action_leave.setText(translate("ExercisePane", "&Leave Exercise"))
        self.action_leave.setToolTip(
            translate("ExercisePane", "Back to the project that was open, with every pane shown")
        )
        self._on_shipped_menu_about_to_show()
        self.pane.retranslate()
        if self.session is not None:
            self.apply_mask(self.window.document.analysis)

    def _on_shipped_menu_about_to_show(self) -> None:
        """Each shipped exercise by its title in the window's language."""
        lang = current_language()
        for name, action in self.shipped_actions.items():
            try:
                action.setText(local(load_shipped_exercise(name).title, lang))
            except ProjectError:
                action.setText(name)

    # --- entering and leaving -------------------------------------------------------------

    @property
    def active(self) -> bool:
        return self.session is not None

    @property
    def mask(self) -> AnswerMask:
        """What the panes hide now (computed when answers are checked or the part changes)."""
        return self._mask

    def open_with_dialog(self) -> bool:
        window = self.window
        path = window.dialogs.ask_open_exercise_path(window._dialog_folder())
        return self.open_path(path) if path is not None else False

    def open_path(self, path: str | Path) -> bool:
        """Open an exercise file; a bad file shows why and changes nothing."""
        try:
            exercise = load_exercise(path)
        except ProjectError as error:
            self.window.dialogs.show_error(
                translate("ExercisePane", "Cannot open the exercise"), error_text(str(error))
            )
            return False
        return self.start(exercise, str(path))

    def open_shipped(self, name: str) -> bool:
        try:
            exercise = load_shipped_exercise(name)
        except ProjectError as error:
            self.window.dialogs.show_error(
                translate("ExercisePane", "Cannot open the exercise"), error_text(str(error))
            )
            return False
        return self.start(exercise, name)

    def start(self, exercise: Exercise, source: str) -> bool:
        """Show the exercise's first part, its questions, and hide the answers."""
        window = self.window
        if self.session is None:
            if not window.confirm_discard():
                return False
            self._previous = self._restorable()
        self.session = ExerciseSession(exercise, source)
        self.pane.set_session(self.session)
        self._install_delegates()
        self._set_editing_enabled(False)
        self.action_leave.setEnabled(True)
        if not self.dock.isFloating():
            # Beside the Parameters pane, where the facts it asks about are listed.
            window.tabifyDockWidget(window.parameters_dock, self.dock)
        self.dock.show()
        self.dock.raise_()
        if window.dockWidgetArea(window.shapes_dock) == window.dockWidgetArea(self.dock):
            # The questions get most of the height; the panes below stay in view.
            height = window.height()
            window.resizeDocks(
                [self.dock, window.shapes_dock],
                [int(height * 0.6), int(height * 0.25)],
                Qt.Orientation.Vertical,
            )
        self.show_part(0)
        self.sig_mode_changed.emit(True)
        first = self.pane.rows[0].answer if self.pane.rows else self.pane
        first.setFocus()
        return True

    def _restorable(self) -> tuple[Project, Path | None]:
        """What leaving the exercise shows again: the project as it is saved."""
        document = self.window.document
        if not document.is_dirty:
            return document.project, document.path
        # The user chose to discard the changes: the saved file, or a new project.
        if document.path is not None:
            try:
                return load_project(document.path), document.path
            except ProjectError:
                pass
        return default_project(), None

    def show_part(self, index: int) -> None:
        session = self.session
        if session is None or not 0 <= index < len(session.exercise.parts):
            return
        session.part_index = index
        self.pane.show_part()
        self._replacing = True
        try:
            self.window.document.replace(session.part.project, None)
        finally:
            self._replacing = False
        # Selecting renders the panes again; the mask follows (on_window_selection_changed).
        self.window.select_row(0)

    def leave(self) -> None:
        """Back to the project that was open before, with every pane as usual."""
        if self.session is None:
            return
        previous = self._previous
        self._end()
        if previous is not None:
            project, path = previous
            self.window.document.replace(project, path)
            self.window.select_row(0 if project.blocks else -1)

    def _end(self) -> None:
        self.session = None
        self._previous = None
        self._mask = NO_MASK
        self.pane.set_session(None)
        self.dock.hide()
        self.action_leave.setEnabled(False)
        self._remove_delegates()
        self._set_editing_enabled(True)
        self.sig_mode_changed.emit(False)
        self.sig_mask_changed.emit(NO_MASK)

    # --- answers ----------------------------------------------------------------------------

    def _on_pane_answer_edited(self, index: int, text: str) -> None:
        if self.session is not None:
            self.session.set_answer(index, text)

    def set_answers(self, answers: list[str]) -> None:
        """Type these answers into the current part (for the teacher's demo and for tests)."""
        for row, text in zip(self.pane.rows, answers, strict=True):
            row.answer.setText(text)
            row.answer.textEdited.emit(text)

    def check(self) -> None:
        """Mark every answered question right or wrong; the checked facts show in the panes."""
        session = self.session
        if session is None:
            return
        for index, text in enumerate(self.pane.answer_texts()):
            session.set_answer(index, text)
        session.check()
        self.pane.show_marks()
        self.apply_mask(self.window.document.analysis)

    def export_report(self) -> bool:
        """Check the current part, then save the report (PDF for .pdf, else text)."""
        session = self.session
        if session is None:
            return False
        self.check()
        window = self.window
        title = local(session.exercise.title, current_language())
        stem = re.sub(r"[^\w-]+", "_", title).strip("_")[:60] or "exercise"
        suggestion = Path(window._dialog_folder()) / f"{stem}-report.pdf"
        path = window.dialogs.ask_report_path(str(suggestion))
        if path is None:
            return False
        path = Path(path)
        if not path.suffix:
            path = path.with_suffix(".txt")
        try:
            write_report(path, session, self.pane.student.text())
        except OSError as error:
            window.dialogs.show_error(
                translate("ExercisePane", "Cannot save the report"),
                f"{path}: {error.strerror or error}",
            )
            return False
        window.statusBar().showMessage(
            translate("ExercisePane", "Saved the report {path}").format(path=path), 5000
        )
        return True

    # --- the teacher ------------------------------------------------------------------------

    def save_project_as_exercise(self) -> bool:
        """Make an exercise from the open project, asking which kinds of facts to ask."""
        window = self.window
        project, analysis = window.document.project, window.document.analysis
        if not analysis.ok:
            window.dialogs.show_error(
                translate("ExercisePane", "Cannot make an exercise"),
                translate(
                    "ExercisePane", "An exercise needs a model without errors. First fix: {error}"
                ).format(error=analysis.first_error.text(current_language())),
            )
            return False
        counts = {
            group: len(
                questions_from_project(
                    project, **{option: option == group for option in QUESTION_GROUPS}
                )
            )
            for group in QUESTION_GROUPS
        }
        choice = window.dialogs.ask_exercise_choice(project.name, counts)
        if choice is None or not choice.groups:
            return False
        try:
            exercise = Exercise(
                title=choice.title or project.name,
                instructions=choice.instructions,
                parts=(
                    ExercisePart(
                        title=project.name,
                        project=project,
                        questions=questions_from_project(project, **choice.question_options()),
                    ),
                ),
            )
        except ValidationError as error:
            message = "; ".join(
                f"{where}: {text}" for where, text in describe_validation_error(error)
            )
            window.dialogs.show_error(
                translate("ExercisePane", "Cannot make an exercise"), error_text(message)
            )
            return False
        suggestion = Path(window._dialog_folder()) / f"{project.name}{EXERCISE_SUFFIX}"
        path = window.dialogs.ask_save_exercise_path(str(suggestion))
        if path is None:
            return False
        path = Path(path)
        if not path.name.endswith(EXERCISE_SUFFIX):
            path = (
                path.with_name(path.name + EXERCISE_SUFFIX)
                if path.suffix
                else path.with_suffix(EXERCISE_SUFFIX)
            )
        try:
            parse_exercise(exercise.to_json_dict(), source=str(path))
            save_exercise(exercise, path)
        except ProjectError as error:
            window.dialogs.show_error(
                translate("ExercisePane", "Cannot save the exercise"), error_text(str(error))
            )
            return False
        window.statusBar().showMessage(
            translate("ExercisePane", "Saved the exercise {path}").format(path=path), 5000
        )
        return True

    # --- the panes --------------------------------------------------------------------------

    def on_document_analysis_changed(self, analysis: Analysis) -> None:
        """After the window rendered an analysis: hide the answers again, or leave the mode
        when another project was opened."""
        session = self.session
        if session is None:
            return
        if not self._replacing and not same_model(analysis.project, session.part.project):
            self._end()
            return
        self.apply_mask(analysis)

    def on_window_selection_changed(self, _row: int) -> None:
        if self.session is not None:
            self._after_window_refresh()

    def _after_window_refresh(self) -> None:
        self.apply_mask(self.window.document.analysis)

    def apply_mask(self, analysis: Analysis) -> None:
        """Render the panes the window just filled again, without what the mask hides."""
        window = self.window
        self._mask = mask = AnswerMask.of(self.session) if self.session is not None else NO_MASK
        quiet = without_warnings(analysis)
        row = window.selected_row
        # What the window shows when nothing is hidden; then the hidden parts are blanked.
        window._update_status(analysis)
        window.model_pane.set_analysis(analysis)
        window.stack_pane.set_analysis(quiet, row)
        window.input_pane.set_analysis(quiet)
        window.properties_pane.show_block(quiet, row)
        window.shapes_pane.set_analysis(quiet)
        self._set_editing_enabled(False)
        if mask.hides_stage("input"):
            window.input_pane.tensor_line.setText("x = ?")
        if mask.hides_shapes:
            window.model_pane.code.set_text(
                translate(
                    "ExercisePane",
                    "Hidden during the exercise: the code's comments show the shapes.",
                ),
                wrap=True,
            )
        if mask.counts:
            window.status_parameters.setText(
                translate("MainWindow", "Parameters: {count}").format(count="?")
            )
            window.status_memory.setText(
                translate("MainWindow", "Memory: weights {weights}").format(weights="?")
            )
            window.status_memory.setToolTip("")
        if analysis.warnings:
            window.status_problems.setText(
                translate("ExercisePane", "Warnings show with the explanations after Check")
            )
            window.status_problems.setStyleSheet("")
        window.status_problems.setToolTip("")
        for view in (window.parameters_pane.view, window.shapes_pane.view):
            view.viewport().update()
        self.sig_mask_changed.emit(mask)

    def _install_delegates(self) -> None:
        if self._saved_delegates:
            return
        window = self.window
        for view, delegate in (
            (window.parameters_pane.view, self.parameter_delegate),
            (window.shapes_pane.view, self.shapes_delegate),
        ):
            self._saved_delegates.append((view, view.itemDelegate()))
            view.setItemDelegate(delegate)

    def _remove_delegates(self) -> None:
        for view, delegate in self._saved_delegates:
            # The view's own default delegate; should its Python wrapper have gone stale,
            # a new plain one draws the same.
            if not shiboken6.isValid(delegate):
                delegate = QStyledItemDelegate(view)
            view.setItemDelegate(delegate)
            view.viewport().update()
        self._saved_delegates = []

    def _set_editing_enabled(self, enabled: bool) -> None:
        window = self.window
        window.input_pane.form.setEnabled(enabled)
        window.properties_pane.scroll.widget().setEnabled(enabled)
        for action in (*window.add_actions.values(), *window.stack_edit_actions):
            action.setEnabled(enabled)
        window.stack_pane.view.setDragDropMode(
            QAbstractItemView.DragDropMode.InternalMove
            if enabled
            else QAbstractItemView.DragDropMode.NoDragDrop
        )
        self.action_save.setEnabled(enabled)
        if enabled:
            # The window knows which stack actions fit the selection.
            window.select_row(window.selected_row)

    # --- what the masks hide ----------------------------------------------------------------

    def _parameter_cell_hidden(self, index: QModelIndex) -> bool:
        mask = self.mask
        if index.column() == COUNT_COLUMN:
            return mask.counts
        if index.column() == PARAMETER_SHAPE_COLUMN and index.parent().isValid():
            name = index.siblingAtColumn(0).data(PARAMETER_VALUE_ROLE)
            return mask.hides_parameter(name)
        return False

    def _parameter_tooltip_hidden(self, index: QModelIndex) -> bool:
        mask = self.mask
        if index.parent().isValid():
            name = index.siblingAtColumn(0).data(PARAMETER_VALUE_ROLE)
            return mask.counts or mask.hides_parameter(name)
        return mask.counts

    def _stage_cell_hidden(self, index: QModelIndex) -> bool:
        mask = self.mask
        stage: Any = index.siblingAtColumn(0).data(STAGE_VALUE_ROLE)
        column = index.column()
        if column in (STAGE_SHAPE_COLUMN, AXES_COLUMN):
            return mask.hides_stage(stage)
        if column == H_N_COLUMN:
            return mask.hides_state(stage, "h_n")
        if column == C_N_COLUMN:
            return mask.hides_state(stage, "c_n")
        return False
