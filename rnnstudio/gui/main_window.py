"""The main window: dockable panes around one Document, the File and Edit menus, the status bar.

The window turns user gestures into new Projects with the core's `updated` and `new_block`
(which validate) and hands them to the Document; every pane then renders the new Analysis.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QMenu,
    QScrollArea,
    QWidget,
)

from rnnstudio.core.analysis import Analysis
from rnnstudio.core.errors import ModelError, ProjectError, format_bytes
from rnnstudio.core.examples import example_names, load_example, resolve_project
from rnnstudio.core.project_io import PROJECT_SUFFIX, load_project, updated
from rnnstudio.core.spec import BLOCK_TYPES, Project, new_block, next_block_name
from rnnstudio.core.trace import estimate_run_bytes

from .appearance import pane_dock
from .classroom import Classroom
from .dialogs import Dialogs, UnsavedChoice
from .document import Document, default_project
from .error_text import error_text
from .form_panes import BlockPropertiesPane, InputPane
from .i18n import current_language
from .model_pane import ModelPane
from .parameters_pane import ParametersPane
from .projector import text_scale
from .run_pane import RunPane
from .shapes_pane import ShapesPane
from .stack_pane import StackPane
from .texts import count_text, type_title
from .theme import error_color, warning_color
from .training_pane import TrainingPane

APPLICATION_TITLE = "RNN Studio"
MAX_RECENT_FILES = 8
_GEOMETRY_KEY = "window/geometry"
_STATE_KEY = "window/state"
_RECENT_KEY = "recent_files"
# From this window width on, the Parameters and Model panes sit side by side by default.
_SIDE_BY_SIDE_WIDTH = 1600
# Bump when the panes change, so an old saved arrangement is not applied to new panes.
_LAYOUT_VERSION = 2


class MainWindow(QMainWindow):
    sig_selection_changed = Signal(int)  # the selected block's row, -1 for none

    def __init__(
        self,
        document: Document | None = None,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.document = document if document is not None else Document(parent=self)
        self.settings = settings if settings is not None else QSettings()
        # Tests replace this with an object that answers without showing a modal box.
        self.dialogs: Any = Dialogs(self)
        self._selected_row = 0 if self.document.project.blocks else -1
        self._selected_name: str | None = None
        self._layout_restored = False
        self._shown_once = False
        # True while a typed value is being applied: the forms keep refused text then.
        self._applying_field_edit = False

        self._create_actions()
        self._create_panes()
        self._create_menus()
        self._create_status_bar()
        self._arrange_default_layout()
        self._restore_layout()
        self.setAcceptDrops(True)

        self.document.sig_analysis_changed.connect(self._on_document_analysis_changed)
        self.document.sig_dirty_changed.connect(self._on_document_dirty_changed)
        self.document.sig_path_changed.connect(self._on_document_path_changed)
        self.document.undo_stack.indexChanged.connect(self._on_undo_stack_index_changed)
        self._on_document_analysis_changed(self.document.analysis)
        # Exercises, diagrams, languages and the projector zoom (issue 7).
        self.classroom = Classroom(self)

    # --- construction ---------------------------------------------------------------------

    def _action(
        self,
        text: str,
        name: str,
        slot: Callable[[], Any],
        shortcuts: tuple[QKeySequence | QKeySequence.StandardKey | str, ...] = (),
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcuts:
            action.setShortcuts([QKeySequence(shortcut) for shortcut in shortcuts])
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _create_actions(self) -> None:
        standard = QKeySequence.StandardKey
        self.action_new = self._action(
            self.tr("&New"), "action_new", self.new_project, (standard.New,)
        )
        self.action_open = self._action(
            self.tr("&Open…"), "action_open", self.open_with_dialog, (standard.Open,)
        )
        self.action_save = self._action(
            self.tr("&Save"), "action_save", self.save, (standard.Save,)
        )
        self.action_save_as = self._action(
            self.tr("Save &As…"), "action_save_as", self.save_as, ("Ctrl+Shift+S",)
        )
        self.action_quit = self._action(self.tr("&Quit"), "action_quit", self.close, ("Ctrl+Q",))

        stack = self.document.undo_stack
        self.action_undo = stack.createUndoAction(self, self.tr("&Undo"))
        self.action_undo.setObjectName("action_undo")
        self.action_undo.setShortcuts(standard.Undo)
        self.action_redo = stack.createRedoAction(self, self.tr("&Redo"))
        self.action_redo.setObjectName("action_redo")
        # Both common redo keys everywhere; a key listed twice would make it ambiguous.
        redo_keys = [*QKeySequence.keyBindings(standard.Redo)]
        for extra in ("Ctrl+Shift+Z", "Ctrl+Y"):
            if all(key.toString() != extra for key in redo_keys):
                redo_keys.append(QKeySequence(extra))
        self.action_redo.setShortcuts(redo_keys)

        self.add_actions: dict[str, QAction] = {}
        for block_type in BLOCK_TYPES:
            title = type_title(block_type)
            action = self._action(
                f"+ {title}",
                f"action_add_{block_type}",
                lambda block_type=block_type: self.add_block(block_type),
                tip=self.tr("Add {kind} after the selected block").format(kind=title),
            )
            # The menu says it in words; the buttons stay short.
            action.setIconText(f"+ {title}")
            action.setText(self.tr("Add {kind}").format(kind=title))
            self.add_actions[block_type] = action

        self.action_remove = self._action(
            self.tr("Remove"),
            "action_remove",
            self.remove_block,
            (QKeySequence.StandardKey.Delete,),
            self.tr("Remove the selected block (Delete)"),
        )
        self.action_duplicate = self._action(
            self.tr("Duplicate"),
            "action_duplicate",
            self.duplicate_block,
            ("Ctrl+D",),
            self.tr("Copy the selected block below it (Ctrl+D)"),
        )
        self.action_move_up = self._action(
            self.tr("Move up"),
            "action_move_up",
            lambda: self.move_block(-1),
            ("Alt+Up",),
            self.tr("Move the selected block up (Alt+Up)"),
        )
        self.action_move_down = self._action(
            self.tr("Move down"),
            "action_move_down",
            lambda: self.move_block(+1),
            ("Alt+Down",),
            self.tr("Move the selected block down (Alt+Down)"),
        )
        self.stack_edit_actions = (
            self.action_move_up,
            self.action_move_down,
            self.action_duplicate,
            self.action_remove,
        )
        self.action_move_up.setIconText(self.tr("↑ Up"))
        self.action_move_down.setIconText(self.tr("↓ Down"))
        for action in (self.action_remove, self.action_move_up, self.action_move_down):
            # These keys mean something else in text fields and lists elsewhere.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.action_reset_layout = self._action(
            self.tr("Reset layout"), "action_reset_layout", self.reset_layout
        )

    def _create_panes(self) -> None:
        self.input_pane = InputPane()
        self.input_pane.sig_field_edited.connect(self._on_input_pane_field_edited)
        self.input_pane.sig_help_changed.connect(self._on_input_pane_help_changed)
        self.stack_pane = StackPane(self.add_actions.values(), self.stack_edit_actions)
        self.stack_pane.sig_selection_changed.connect(self._on_stack_pane_selection_changed)
        self.stack_pane.model.sig_move_requested.connect(self._on_stack_model_move_requested)
        self.properties_pane = BlockPropertiesPane()
        self.properties_pane.sig_field_edited.connect(self._on_properties_pane_field_edited)
        self.model_pane = ModelPane()
        self.parameters_pane = ParametersPane()
        self.shapes_pane = ShapesPane()
        self.run_pane = RunPane(
            self.document, dialogs=lambda: self.dialogs, settings=self.settings, parent=self
        )
        # Training (issue 8): its weights before and after reach the Run pane.
        self.training_pane = TrainingPane(self.document, parent=self)
        self.training_pane.sig_weights_changed.connect(self.run_pane.set_training_weights)

        self.input_dock = self._dock(self.tr("Input"), "dock_input", self.input_pane)
        self.stack_dock = self._dock(self.tr("Stack"), "dock_stack", self.stack_pane)
        self.properties_dock = self._dock(
            self.tr("Block properties"), "dock_properties", self.properties_pane
        )
        self.parameters_dock = self._dock(
            self.tr("Parameters"), "dock_parameters", self.parameters_pane
        )
        self.model_dock = self._dock(self.tr("Model"), "dock_model", self.model_pane)
        self.shapes_dock = self._dock(self.tr("Shapes"), "dock_shapes", self.shapes_pane)
        self.run_dock = self._dock(self.tr("Run"), "dock_run", self.run_pane)
        # The pane's two columns need ~1000 px; on a laptop it scrolls rather than widen the window.
        training_area = QScrollArea()
        training_area.setObjectName("dock_training_scroll")
        training_area.setWidgetResizable(True)
        training_area.setFrameShape(QFrame.Shape.NoFrame)
        training_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        training_area.setWidget(self.training_pane)
        self.training_dock = self._dock(self.tr("Training"), "dock_training", training_area)
        self.docks = (
            self.input_dock,
            self.stack_dock,
            self.properties_dock,
            self.parameters_dock,
            self.model_dock,
            self.shapes_dock,
            self.run_dock,
            self.training_dock,
        )
        self.setDockNestingEnabled(True)
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
        )

    def _dock(self, title: str, name: str, widget: QWidget) -> QDockWidget:
        dock = pane_dock(self, name, widget)
        dock.setWindowTitle(title)
        return dock

    def _create_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        file_menu.addAction(self.action_new)
        file_menu.addAction(self.action_open)
        self.examples_menu = file_menu.addMenu(self.tr("Open &Example"))
        self.examples_menu.setObjectName("menu_examples")
        self.example_actions: dict[str, QAction] = {}
        for name in example_names():
            action = self._action(
                name, f"action_example_{name}", lambda name=name: self.open_example(name)
            )
            self.examples_menu.addAction(action)
            self.example_actions[name] = action
        self.recent_menu = file_menu.addMenu(self.tr("Open &Recent"))
        self.recent_menu.setObjectName("menu_recent")
        file_menu.addSeparator()
        file_menu.addAction(self.action_save)
        file_menu.addAction(self.action_save_as)
        file_menu.addSeparator()
        file_menu.addAction(self.action_quit)
        self._rebuild_recent_menu()

        edit_menu = bar.addMenu(self.tr("&Edit"))
        edit_menu.addAction(self.action_undo)
        edit_menu.addAction(self.action_redo)
        edit_menu.addSeparator()
        for action in self.add_actions.values():
            edit_menu.addAction(action)
        edit_menu.addSeparator()
        for action in (
            self.action_duplicate,
            self.action_remove,
            self.action_move_up,
            self.action_move_down,
        ):
            edit_menu.addAction(action)

        view_menu = bar.addMenu(self.tr("&View"))
        for dock in self.docks:
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addSeparator()
        view_menu.addAction(self.action_reset_layout)

    def _create_status_bar(self) -> None:
        bar = self.statusBar()
        self.status_parameters = QLabel()
        self.status_parameters.setObjectName("status_parameters")
        self.status_memory = QLabel()
        self.status_memory.setObjectName("status_memory")
        self.status_problems = QLabel()
        self.status_problems.setObjectName("status_problems")
        for label in (self.status_parameters, self.status_memory, self.status_problems):
            label.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(label)

    # --- layout ---------------------------------------------------------------------------

    def _arrange_default_layout(self) -> None:
        """The input across the top; left, the blocks you edit; right, what torch makes."""
        top = Qt.DockWidgetArea.TopDockWidgetArea
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        for dock in self.docks:
            dock.setFloating(False)
            self.removeDockWidget(dock)
        self.addDockWidget(top, self.input_dock)
        self.addDockWidget(left, self.stack_dock)
        self.splitDockWidget(self.stack_dock, self.properties_dock, Qt.Orientation.Vertical)
        self.addDockWidget(right, self.parameters_dock)
        self.splitDockWidget(self.parameters_dock, self.shapes_dock, Qt.Orientation.Vertical)
        self.splitDockWidget(self.parameters_dock, self.model_dock, Qt.Orientation.Horizontal)
        self.tabifyDockWidget(self.parameters_dock, self.run_dock)
        self.tabifyDockWidget(self.run_dock, self.training_dock)
        for dock in self.docks:
            dock.show()

    def _apply_default_sizes(self) -> None:
        width, height = max(self.width(), 800), max(self.height(), 500)
        # Large text (the projector zoom) needs a wider left column, and tabs sooner.
        scale = text_scale()
        left_width = min(max(int(width * 0.3), int(400 * scale)), int(560 * scale))
        left_width = min(left_width, int(width * 0.45))
        right_width = width - left_width
        self.resizeDocks(
            [self.stack_dock, self.parameters_dock],
            [left_width, right_width],
            Qt.Orientation.Horizontal,
        )
        if width < _SIDE_BY_SIDE_WIDTH * scale:
            # A laptop screen: the tree and the printout each get the full width, as tabs.
            self.tabifyDockWidget(self.parameters_dock, self.model_dock)
            # The Run pane's plots need the whole height: Shapes and the panes tabbed with
            # it join these tabs, Run last (a dock leaves its tabs before it can move).
            for dock in (self.shapes_dock, *self.tabifiedDockWidgets(self.shapes_dock)):
                self.removeDockWidget(dock)
                self.tabifyDockWidget(self.parameters_dock, dock)
                dock.show()
            self.removeDockWidget(self.run_dock)
            self.tabifyDockWidget(self.parameters_dock, self.run_dock)
            self.run_dock.show()
            self._follow_run_dock()
            self.parameters_dock.raise_()
        else:
            self.resizeDocks(
                [self.parameters_dock, self.model_dock],
                [int(right_width * 0.46), int(right_width * 0.54)],
                Qt.Orientation.Horizontal,
            )
            # Run shares the place of Shapes (and of the panes tabbed with it), made taller.
            self.removeDockWidget(self.run_dock)
            self.tabifyDockWidget(self.shapes_dock, self.run_dock)
            self.run_dock.show()
            self._follow_run_dock()
            self.shapes_dock.raise_()
        input_height = self.input_dock.sizeHint().height()
        self.resizeDocks([self.input_dock], [input_height], Qt.Orientation.Vertical)
        body = height - input_height
        stack_height = min(max(int(body * 0.3), int(200 * scale)), int(320 * scale), body // 2)
        self.resizeDocks(
            [self.stack_dock, self.properties_dock],
            [stack_height, body - stack_height],
            Qt.Orientation.Vertical,
        )
        shapes_height = min(max(self.shapes_pane.preferred_height(), int(body * 0.3)), body // 2)
        if width >= _SIDE_BY_SIDE_WIDTH * scale:
            shapes_height = max(shapes_height, int(body * 0.62))  # room for the Run pane
        self.resizeDocks(
            [self.parameters_dock, self.shapes_dock],
            [body - shapes_height, shapes_height],
            Qt.Orientation.Vertical,
        )
        # Moving docks into tabs above shifted the columns: the left one's width again.
        self.resizeDocks(
            [self.stack_dock, self.parameters_dock],
            [left_width, right_width],
            Qt.Orientation.Horizontal,
        )

    def _follow_run_dock(self) -> None:
        """The Training pane sits in a tab beside the Run pane, wherever that goes."""
        self.removeDockWidget(self.training_dock)
        self.tabifyDockWidget(self.run_dock, self.training_dock)
        self.training_dock.show()

    def reset_layout(self) -> None:
        self._arrange_default_layout()
        self._apply_default_sizes()

    def _restore_layout(self) -> None:
        # A damaged or foreign value is ignored: the default arrangement stays.
        geometry = self.settings.value(_GEOMETRY_KEY)
        state = self.settings.value(_STATE_KEY)
        restored_geometry = isinstance(geometry, QByteArray | bytes) and self.restoreGeometry(
            geometry
        )
        restored_state = isinstance(state, QByteArray | bytes) and self.restoreState(
            state, _LAYOUT_VERSION
        )
        self._layout_restored = bool(restored_geometry and restored_state)

    @property
    def layout_restored(self) -> bool:
        """Whether the size and arrangement came from the last session."""
        return self._layout_restored

    def save_layout(self) -> None:
        self.settings.setValue(_GEOMETRY_KEY, self.saveGeometry())
        self.settings.setValue(_STATE_KEY, self.saveState(_LAYOUT_VERSION))
        self.settings.sync()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self.stack_pane.view.setFocus()
            if not self._layout_restored:
                # After the first layout pass, when the docks know their real space.
                QTimer.singleShot(0, self._apply_default_sizes)

    # --- the document -> panes --------------------------------------------------------------

    def _on_document_analysis_changed(self, analysis: Analysis) -> None:
        blocks = analysis.project.blocks
        names = [block.name for block in blocks]
        row = self._selected_row
        if self._selected_name in names:
            row = names.index(self._selected_name)
        row = min(row, len(blocks) - 1)
        if row < 0 and blocks:
            row = 0
        self._selected_row = row
        self._selected_name = names[row] if row >= 0 else None

        keep_typing = self._applying_field_edit
        self.stack_pane.set_analysis(analysis, row)
        self.input_pane.set_analysis(analysis, keep_rejections=keep_typing)
        self.properties_pane.show_block(analysis, row, keep_rejections=keep_typing)
        self.parameters_pane.set_analysis(analysis)
        self.shapes_pane.set_analysis(analysis)
        self.model_pane.set_analysis(analysis)
        self.run_pane.set_selected_block(self._selected_name)
        self._update_status(analysis)
        self._update_title()
        self._update_action_states()
        self.sig_selection_changed.emit(row)

    def _update_status(self, analysis: Analysis) -> None:
        total = count_text(analysis.total_parameters)
        prefix = "" if analysis.complete else "≥ "
        self.status_parameters.setText(self.tr("Parameters: {count}").format(count=prefix + total))
        weights = format_bytes(analysis.parameter_bytes)
        try:
            run = format_bytes(estimate_run_bytes(analysis.project))
        except ModelError:
            memory = self.tr("Memory: weights {weights}").format(weights=weights)
        else:
            memory = self.tr("Memory: weights {weights}, a run ≈ {run}").format(
                weights=weights, run=run
            )
        self.status_memory.setText(memory)
        self.status_memory.setToolTip(
            self.tr(
                "float32: 4 bytes per value. A run also keeps the input, every block's output "
                "and the hidden states of every layer at every step."
            )
        )
        errors, warnings = len(analysis.errors), len(analysis.warnings)
        if not errors and not warnings:
            self.status_problems.setText(self.tr("No errors or warnings"))
            style = ""
        else:
            parts = []
            if errors:
                parts.append(self.tr("✖ {count} error(s)").format(count=errors))
            if warnings:
                parts.append(self.tr("⚠ {count} warning(s)").format(count=warnings))
            self.status_problems.setText("   ".join(parts))
            color = error_color() if errors else warning_color()
            style = f"color: {color}; font-weight: bold;"
        # Setting a style sheet re-polishes the widget: only when it changes.
        if self.status_problems.styleSheet() != style:
            self.status_problems.setStyleSheet(style)
        self.status_problems.setToolTip(
            "\n\n".join(problem.text(current_language()) for problem in analysis.problems)
        )

    def _update_title(self) -> None:
        marker = "*" if self.document.is_dirty else ""
        self.setWindowTitle(f"{self.document.project.name}{marker} — {APPLICATION_TITLE}")
        path = self.document.path
        self.setWindowFilePath(str(path) if path is not None else "")

    def _update_action_states(self) -> None:
        count = len(self.document.project.blocks)
        row = self._selected_row
        has_selection = 0 <= row < count
        self.action_remove.setEnabled(has_selection)
        self.action_duplicate.setEnabled(has_selection)
        self.action_move_up.setEnabled(has_selection and row > 0)
        self.action_move_down.setEnabled(has_selection and row < count - 1)

    def _on_document_dirty_changed(self, _dirty: bool) -> None:
        self._update_title()

    def _on_document_path_changed(self, _path: Path | None) -> None:
        self._update_title()

    def _on_undo_stack_index_changed(self, _index: int) -> None:
        self._update_title()

    # --- selection and stack edits ----------------------------------------------------------

    @property
    def selected_row(self) -> int:
        return self._selected_row

    def select_row(self, row: int) -> None:
        blocks = self.document.project.blocks
        if not -1 <= row < len(blocks):
            return
        self._selected_row = row
        self._selected_name = blocks[row].name if row >= 0 else None
        self.stack_pane.select_row(row)
        self.properties_pane.show_block(self.document.analysis, row)
        self.run_pane.set_selected_block(self._selected_name)
        self._update_action_states()
        self.sig_selection_changed.emit(row)

    def _on_stack_pane_selection_changed(self, row: int) -> None:
        if row != self._selected_row:
            self.select_row(row)

    def _edit_blocks(self, blocks: tuple[Any, ...], text: str, select: int) -> None:
        try:
            project = updated(self.document.project, blocks=blocks)
        except ProjectError as error:
            self.dialogs.show_error(self.tr("This change is not possible"), error_text(str(error)))
            return
        self._selected_row = select
        self._selected_name = project.blocks[select].name if 0 <= select < len(blocks) else None
        self.document.edit(project, text)

    def add_block(self, block_type: str) -> None:
        project = self.document.project
        row = self._selected_row + 1 if self._selected_row >= 0 else len(project.blocks)
        block = new_block(project, block_type)
        blocks = (*project.blocks[:row], block, *project.blocks[row:])
        self._edit_blocks(blocks, self.tr("Add {name}").format(name=block.name), row)

    def remove_block(self) -> None:
        project, row = self.document.project, self._selected_row
        if not 0 <= row < len(project.blocks):
            return
        name = project.blocks[row].name
        blocks = project.blocks[:row] + project.blocks[row + 1 :]
        self._edit_blocks(
            blocks, self.tr("Remove {name}").format(name=name), min(row, len(blocks) - 1)
        )

    def duplicate_block(self) -> None:
        project, row = self.document.project, self._selected_row
        if not 0 <= row < len(project.blocks):
            return
        original = project.blocks[row]
        try:
            copy = updated(original, name=next_block_name(project, original.type))
        except ProjectError as error:
            self.dialogs.show_error(self.tr("This change is not possible"), error_text(str(error)))
            return
        blocks = (*project.blocks[: row + 1], copy, *project.blocks[row + 1 :])
        self._edit_blocks(
            blocks,
            self.tr("Duplicate {name} as {copy}").format(name=original.name, copy=copy.name),
            row + 1,
        )

    def move_block(self, step: int) -> None:
        self.move_block_to(self._selected_row, self._selected_row + step)

    def move_block_to(self, row: int, target: int) -> None:
        blocks = list(self.document.project.blocks)
        if not (0 <= row < len(blocks) and 0 <= target < len(blocks)) or row == target:
            return
        block = blocks.pop(row)
        blocks.insert(target, block)
        self._edit_blocks(tuple(blocks), self.tr("Move {name}").format(name=block.name), target)

    def _on_stack_model_move_requested(self, row: int, target: int) -> None:
        self.move_block_to(row, target)

    # --- field edits ------------------------------------------------------------------------

    def _on_properties_pane_field_edited(
        self, row: int, field: str, value: Any, session: Any
    ) -> None:
        project = self.document.project
        if not 0 <= row < len(project.blocks):
            return
        block = project.blocks[row]
        try:
            changed = updated(block, **{field: value})
            new_project = updated(
                project, blocks=(*project.blocks[:row], changed, *project.blocks[row + 1 :])
            )
        except ProjectError as error:
            self.properties_pane.show_rejection(field, error_text(str(error)))
            return
        if field == "name":
            self._selected_name = value
        merge_key = ("block", row, field, session) if session is not None else None
        self._apply_field_edit(
            new_project,
            self.tr("Change {block}.{field}").format(block=block.name, field=field),
            merge_key,
        )

    def _apply_field_edit(self, project: Project, text: str, merge_key: Any) -> None:
        self._applying_field_edit = True
        try:
            self.document.edit(project, text, merge_key)
        finally:
            self._applying_field_edit = False

    def _on_input_pane_help_changed(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _on_input_pane_field_edited(self, field: str, value: Any, session: Any) -> None:
        project = self.document.project
        try:
            new_project = updated(project, input=updated(project.input, **{field: value}))
        except ProjectError as error:
            self.input_pane.show_rejection(field, error_text(str(error)))
            return
        merge_key = ("input", field, session) if session is not None else None
        self._apply_field_edit(
            new_project, self.tr("Change input {field}").format(field=field), merge_key
        )

    # --- files ------------------------------------------------------------------------------

    def confirm_discard(self) -> bool:
        """Ask before unsaved changes would be lost; True when it is fine to go on."""
        if not self.document.is_dirty:
            return True
        choice = self.dialogs.ask_unsaved_changes(self.document.project.name)
        if choice == UnsavedChoice.SAVE:
            return self.save()
        return choice == UnsavedChoice.DISCARD

    def new_project(self) -> None:
        if self.confirm_discard():
            self._show_new_project(default_project(), None)

    def _show_new_project(self, project: Project, path: Path | None) -> None:
        self._selected_row = 0 if project.blocks else -1
        self._selected_name = None
        self.document.replace(project, path)

    def open_with_dialog(self) -> None:
        if not self.confirm_discard():
            return
        path = self.dialogs.ask_open_path(self._dialog_folder())
        if path is not None:
            self.open_path(path, confirmed=True)

    def open_path(self, path: str | Path, *, confirmed: bool = False) -> bool:
        """Open a project file; a bad file shows why and leaves the current project as it was."""
        if not confirmed and not self.confirm_discard():
            return False
        path = Path(path)
        try:
            project = load_project(path)
        except ProjectError as error:
            self.dialogs.show_error(self.tr("Cannot open the project"), error_text(str(error)))
            return False
        self._show_new_project(project, path)
        self._remember_recent(path)
        return True

    def open_argument(self, argument: str) -> bool:
        """What `rnnstudio FILE` opens: a project file, or a shipped example by name."""
        try:
            project = resolve_project(argument)
        except ProjectError as error:
            self.dialogs.show_error(self.tr("Cannot open the project"), error_text(str(error)))
            return False
        path = Path(argument)
        if path.is_file():
            self._show_new_project(project, path)
            self._remember_recent(path)
        else:
            self._show_new_project(project, None)
        return True

    def open_example(self, name: str) -> bool:
        if not self.confirm_discard():
            return False
        try:
            project = load_example(name)
        except ProjectError as error:
            self.dialogs.show_error(self.tr("Cannot open the example"), error_text(str(error)))
            return False
        # An example is a template: saving it asks where, so the shipped file stays intact.
        self._show_new_project(project, None)
        return True

    def save(self) -> bool:
        path = self.document.path
        if path is None:
            return self.save_as()
        return self._save_to(path)

    def save_as(self) -> bool:
        suggestion = self.document.path or Path(self._dialog_folder()) / (
            self.document.project.name + PROJECT_SUFFIX
        )
        path = self.dialogs.ask_save_path(str(suggestion))
        if path is None:
            return False
        path = Path(path)
        if not path.suffix:
            path = path.with_suffix(PROJECT_SUFFIX)
        return self._save_to(path)

    def _save_to(self, path: Path) -> bool:
        try:
            self.document.save(path)
        except ProjectError as error:
            self.dialogs.show_error(self.tr("Cannot save the project"), error_text(str(error)))
            return False
        self._remember_recent(path)
        self.statusBar().showMessage(self.tr("Saved {path}").format(path=path), 5000)
        return True

    def _dialog_folder(self) -> str:
        if self.document.path is not None:
            return str(self.document.path.parent)
        recent = self.recent_files()
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    # --- recent files -----------------------------------------------------------------------

    def recent_files(self) -> list[str]:
        value = self.settings.value(_RECENT_KEY, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            return []
        return [item for item in value if isinstance(item, str) and item][:MAX_RECENT_FILES]

    def _remember_recent(self, path: Path) -> None:
        text = str(path.resolve())
        files = [text, *(item for item in self.recent_files() if item != text)]
        self.settings.setValue(_RECENT_KEY, files[:MAX_RECENT_FILES])
        self._rebuild_recent_menu()

    def _forget_recent(self, text: str) -> None:
        files = [item for item in self.recent_files() if item != text]
        self.settings.setValue(_RECENT_KEY, files)
        self._rebuild_recent_menu()

    def _rebuild_recent_menu(self) -> None:
        menu: QMenu = self.recent_menu
        menu.clear()
        files = self.recent_files()
        for number, text in enumerate(files, start=1):
            action = menu.addAction(f"&{number}  {text}")
            action.triggered.connect(
                lambda _checked=False, text=text: self._on_recent_action_triggered(text)
            )
        if files:
            menu.addSeparator()
            clear = menu.addAction(self.tr("Clear the list"))
            clear.triggered.connect(self._on_clear_recent_triggered)
        menu.setEnabled(bool(files))

    def _on_recent_action_triggered(self, text: str) -> None:
        if not Path(text).is_file():
            self.dialogs.show_error(
                self.tr("Cannot open the project"),
                self.tr("{path}: the file is no longer there; it is removed from the list.").format(
                    path=text
                ),
            )
            self._forget_recent(text)
            return
        self.open_path(text)

    def _on_clear_recent_triggered(self) -> None:
        self.settings.setValue(_RECENT_KEY, [])
        self._rebuild_recent_menu()

    # --- window events ----------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _dropped_file(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        path = _dropped_file(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_path(path)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.confirm_discard():
            event.ignore()
            return
        self.save_layout()
        self.run_pane.shutdown()
        self.training_pane.shutdown()
        event.accept()


def _dropped_file(event: QDragEnterEvent | QDropEvent) -> Path | None:
    mime = event.mimeData()
    if not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile():
            return Path(url.toLocalFile())
    return None
