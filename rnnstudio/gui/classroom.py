"""The classroom features of the main window (issue 7), wired in one place.

Exercise mode, the Architecture and Unrolled panes, the rule under the Parameters tree,
Compare, the language menu and the projector zoom. The window creates one Classroom at the
end of its constructor; everything here listens to the window's Document and selection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMenu, QTabBar
from shiboken6 import isValid

from rnnstudio.core.analysis import Analysis

from . import settings as preferences
from .appearance import pane_dock
from .compare_dialog import CompareDialog, recurrent_row
from .diagram_pane import DiagramPane
from .exercise_controller import ExerciseController
from .exercise_mode import AnswerMask
from .i18n import LANGUAGE_NAMES, current_language, notifier, resolve_language, switch_language
from .projector import Projector
from .retranslate import mapper, retranslate_tree
from .shape_detail import ShapeDetail
from .unrolled_view import UnrolledView

if TYPE_CHECKING:
    from .main_window import MainWindow

translate = QCoreApplication.translate


def menu_holding(window: MainWindow, action: QAction) -> QMenu | None:
    """The menu of the window's menu bar that holds `action`."""
    for entry in window.menuBar().actions():
        menu = entry.menu()
        if isinstance(menu, QMenu) and action in menu.actions():
            return menu
    return None


def _keep_tab_titles(bar: QTabBar) -> None:
    bar.setElideMode(Qt.TextElideMode.ElideNone)
    bar.setUsesScrollButtons(True)


class Classroom(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._language = current_language()
        self.compare_dialog: CompareDialog | None = None

        self.diagram = DiagramPane()
        self.diagram.sig_block_requested.connect(self._on_diagram_block_requested)
        self.diagram.sig_compare_requested.connect(self.show_compare)
        self.unrolled = UnrolledView()
        self.diagram_dock = pane_dock(self.window, "dock_diagram", self.diagram)
        self.unrolled_dock = pane_dock(self.window, "dock_unrolled", self.unrolled)
        self.shape_detail = ShapeDetail()
        layout = window.parameters_pane.layout()
        if layout is not None:
            layout.addWidget(self.shape_detail)
        window.parameters_pane.view.selectionModel().currentChanged.connect(
            self._on_parameter_tree_current_changed
        )
        self.exercises = ExerciseController(window)
        self.exercises.sig_mask_changed.connect(self._on_exercises_mask_changed)
        self.exercises.sig_mode_changed.connect(self._on_exercises_mode_changed)
        self.projector = Projector(window, window.settings)

        self.action_compare = QAction(window)
        self.action_compare.setObjectName("action_compare")
        self.action_compare.setShortcut(QKeySequence("Ctrl+K"))
        self.action_compare.triggered.connect(lambda _checked=False: self.show_compare())
        self.language_menu = QMenu(window)
        self.language_menu.setObjectName("menu_language")
        self.language_group = QActionGroup(self)
        self.language_group.setExclusive(True)
        self.language_actions: dict[str, QAction] = {}
        for choice in ("", "en", "es"):
            action = self.language_menu.addAction(LANGUAGE_NAMES.get(choice, choice))
            action.setObjectName(f"action_language_{choice or 'system'}")
            action.setCheckable(True)
            action.triggered.connect(
                lambda _checked=False, choice=choice: self.choose_language(choice)
            )
            self.language_group.addAction(action)
            self.language_actions[choice] = action
        self._install_menus()
        self._place_docks()

        window.document.sig_analysis_changed.connect(self._on_document_analysis_changed)
        window.sig_selection_changed.connect(self._on_window_selection_changed)
        window.action_reset_layout.triggered.connect(self._on_reset_layout_triggered)
        # Pane tabs keep their whole titles (with scroll arrows when many), at any text size.
        for bar in window.findChildren(QTabBar):
            _keep_tab_titles(bar)
        window.installEventFilter(self)
        notifier().sig_language_changed.connect(self._on_language_changed)
        preferences.notifier().sig_language_changed.connect(self._on_preferred_language_changed)
        self.retranslate()
        self._on_document_analysis_changed(window.document.analysis)
        if self._language != "en":
            # Texts other libraries made in English (matplotlib's toolbar) take the catalogue's.
            retranslate_tree(window, mapper("en", self._language))

    # --- construction -----------------------------------------------------------------------

    def _install_menus(self) -> None:
        window = self.window
        file_menu = menu_holding(window, window.action_save)
        if file_menu is not None:
            self.exercises.install_menu(file_menu, window.action_save)
        view_menu = menu_holding(window, window.action_reset_layout)
        if view_menu is None:
            view_menu = window.menuBar().addMenu("")
        before = window.action_reset_layout
        for dock in (self.diagram_dock, self.unrolled_dock):
            view_menu.insertAction(before, dock.toggleViewAction())
        view_menu.insertSeparator(before)
        view_menu.addSeparator()
        view_menu.addAction(self.action_compare)
        view_menu.addSeparator()
        for action in (
            self.projector.action_zoom_in,
            self.projector.action_zoom_out,
            self.projector.action_zoom_reset,
            self.projector.action_presenter,
        ):
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addMenu(self.language_menu)
        self.view_menu = view_menu

    def _place_docks(self) -> None:
        """Where the last session left them, else as tabs beside the Shapes pane."""
        window = self.window
        restored = [window.restoreDockWidget(dock) for dock in self.docks]
        if not all(restored):
            self.arrange_docks()

    @property
    def docks(self) -> tuple[QDockWidget, QDockWidget]:
        return (self.diagram_dock, self.unrolled_dock)

    def arrange_docks(self) -> None:
        window = self.window
        for dock in self.docks:
            dock.setFloating(False)
            window.removeDockWidget(dock)
            window.tabifyDockWidget(window.shapes_dock, dock)
            dock.show()
        window.shapes_dock.raise_()

    def _on_reset_layout_triggered(self) -> None:
        self.arrange_docks()

    # --- texts ------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.diagram_dock.setWindowTitle(translate("DiagramPane", "Architecture"))
        self.unrolled_dock.setWindowTitle(translate("UnrolledView", "Unrolled"))
        self.action_compare.setText(translate("DiagramPane", "&Compare RNN, GRU and LSTM…"))
        self.action_compare.setToolTip(
            translate(
                "DiagramPane",
                "The selected recurrent block as RNN, GRU and LSTM side by side (Ctrl+K)",
            )
        )
        self.language_menu.setTitle(translate("Classroom", "&Language"))
        self.language_actions[""].setText(translate("Classroom", "The system's language"))
        choice = preferences.language(self.window.settings)
        self.language_actions[choice].setChecked(True)
        self.diagram.retranslate()
        self.unrolled.retranslate()
        self.shape_detail.retranslate()
        self.exercises.retranslate()
        self.projector.retranslate()
        if self.compare_dialog is not None:
            self.compare_dialog.retranslate()

    def choose_language(self, choice: str) -> None:
        """The language menu: remember the choice; the window follows at once."""
        preferences.set_language(choice, self.window.settings)
        # set_language announces only a change of the stored value; apply it anyway.
        switch_language(resolve_language(choice))
        self.language_actions[choice].setChecked(True)

    def _on_preferred_language_changed(self, choice: str) -> None:
        switch_language(resolve_language(choice))

    def _on_language_changed(self, lang: str) -> None:
        """After the translators changed: what the catalogue cannot map is rendered again."""
        old, self._language = self._language, lang
        window = self.window
        self._retranslate_undo_history(old, lang)
        self.retranslate()
        # Every pane renders the analysis again, now in the new language.
        window.document.sig_analysis_changed.emit(window.document.analysis)

    def _retranslate_undo_history(self, old: str, new: str) -> None:
        window = self.window
        stack = window.document.undo_stack
        text_mapper = mapper(old, new)
        for index in range(stack.count()):
            command = stack.command(index)
            mapped = text_mapper.map(command.text())
            if mapped is not None:
                command.setText(mapped)
        undo_prefix = translate("MainWindow", "&Undo")
        redo_prefix = translate("MainWindow", "&Redo")
        undo_text, redo_text = stack.undoText(), stack.redoText()
        window.action_undo.setText(f"{undo_prefix} {undo_text}" if undo_text else undo_prefix)
        window.action_redo.setText(f"{redo_prefix} {redo_text}" if redo_text else redo_prefix)
        # QUndoStack keeps the prefix it was made with: follow its later changes too.
        if not getattr(self, "_undo_texts_followed", False):
            self._undo_texts_followed = True
            stack.undoTextChanged.connect(self._on_undo_stack_undo_text_changed)
            stack.redoTextChanged.connect(self._on_undo_stack_redo_text_changed)

    def _on_undo_stack_undo_text_changed(self, text: str) -> None:
        action = self.window.action_undo
        if isValid(action):  # the window may be going away with its undo history
            prefix = translate("MainWindow", "&Undo")
            action.setText(f"{prefix} {text}" if text else prefix)

    def _on_undo_stack_redo_text_changed(self, text: str) -> None:
        action = self.window.action_redo
        if isValid(action):
            prefix = translate("MainWindow", "&Redo")
            action.setText(f"{prefix} {text}" if text else prefix)

    # --- following the document -----------------------------------------------------------

    def _on_document_analysis_changed(self, analysis: Analysis) -> None:
        row = self.window.selected_row
        self.exercises.on_document_analysis_changed(analysis)
        self.diagram.set_analysis(analysis, row)
        self.unrolled.set_analysis(analysis, row)
        self.shape_detail.set_analysis(analysis)
        self.shape_detail.show_index(self.window.parameters_pane.view.currentIndex())
        self.action_compare.setEnabled(
            recurrent_row(analysis.project, row) is not None and not self.exercises.active
        )

    def _on_window_selection_changed(self, row: int) -> None:
        self.exercises.on_window_selection_changed(row)
        self.diagram.set_selected_row(row)
        self.unrolled.set_selected_row(row)

    def _on_diagram_block_requested(self, row: int) -> None:
        self.window.select_row(row)

    def _on_parameter_tree_current_changed(
        self, current: QModelIndex, _previous: QModelIndex
    ) -> None:
        self.shape_detail.show_index(current)

    def _on_exercises_mask_changed(self, mask: AnswerMask) -> None:
        self.diagram.set_mask(mask)
        self.unrolled.set_mask(mask)
        self.shape_detail.set_mask(mask)

    def _on_exercises_mode_changed(self, active: bool) -> None:
        project = self.window.document.project
        self.action_compare.setEnabled(
            not active and recurrent_row(project, self.window.selected_row) is not None
        )
        if active and self.compare_dialog is not None:
            self.compare_dialog.close()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ChildAdded and watched is self.window:
            child = event.child()
            if isinstance(child, QTabBar):
                _keep_tab_titles(child)
        return False

    # --- compare ----------------------------------------------------------------------------

    def show_compare(self) -> CompareDialog | None:
        """The selected recurrent block (or the first) as RNN, GRU and LSTM, side by side."""
        window = self.window
        if self.exercises.active:
            return None
        row = recurrent_row(window.document.project, window.selected_row)
        if row is None:
            window.dialogs.show_error(
                translate("DiagramPane", "Nothing to compare"),
                translate("DiagramPane", "Add an RNN, GRU or LSTM block first."),
            )
            return None
        if self.compare_dialog is not None:
            self.compare_dialog.close()
        dialog = CompareDialog(window.document.project, row, window)
        dialog.destroyed.connect(self._on_compare_dialog_destroyed)
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        self.compare_dialog = dialog
        dialog.show()
        return dialog

    def _on_compare_dialog_destroyed(self) -> None:
        self.compare_dialog = None
