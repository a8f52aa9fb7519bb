"""Edit ▸ Preferences: language, text size and the memory budget, stored by settings.py.

The dialog edits a Preferences value; the window's `dialogs` object shows it (tests answer
without a modal box). Saving goes through settings.py, whose notifier tells the panes; the
text size applies at once to every open widget.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from . import settings as stored
from .appearance import apply_font_scale

GIB = 1024**3
# Called with a literal context at each phrase, so pyside6-lupdate finds the phrases.
translate = QCoreApplication.translate


@dataclass(frozen=True)
class Preferences:
    language: str = stored.DEFAULT_LANGUAGE
    font_scale: float = stored.DEFAULT_FONT_SCALE
    memory_budget: int = stored.DEFAULT_MEMORY_BUDGET


def read_preferences(settings: QSettings | None = None) -> Preferences:
    return Preferences(
        language=stored.language(settings),
        font_scale=stored.font_scale(settings),
        memory_budget=stored.memory_budget(settings),
    )


def write_preferences(preferences: Preferences, settings: QSettings | None = None) -> None:
    """Store them; each change is announced by settings.notifier()."""
    stored.set_language(preferences.language, settings)
    stored.set_font_scale(preferences.font_scale, settings)
    stored.set_memory_budget(preferences.memory_budget, settings)
    (settings if settings is not None else QSettings()).sync()


def physical_memory() -> int | None:
    """This computer's memory in bytes, where the system tells it."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


class PreferencesDialog(QDialog):
    def __init__(self, current: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preferences_dialog")
        self.setWindowTitle(translate("PreferencesDialog", "Preferences"))

        self.language = QComboBox()
        self.language.setObjectName("preferences_language")
        # Each language in its own words, so anyone can find theirs.
        self.language.addItem(translate("PreferencesDialog", "The system's language"), "")
        self.language.addItem("English", "en")
        self.language.addItem("Español", "es")
        self.language.setAccessibleName(translate("PreferencesDialog", "Language"))

        self.font_scale = QDoubleSpinBox()
        self.font_scale.setObjectName("preferences_font_scale")
        self.font_scale.setRange(stored.FONT_SCALE_MIN, stored.FONT_SCALE_MAX)
        self.font_scale.setSingleStep(0.1)
        self.font_scale.setDecimals(2)
        self.font_scale.setSuffix(" ×")
        self.font_scale.setAccessibleName(translate("PreferencesDialog", "Text size"))
        self.font_scale.setToolTip(
            translate(
                "PreferencesDialog",
                "1 is the classroom size; 1.5 or 2 for a projector at the back of a large room.",
            )
        )

        self.memory_budget = QDoubleSpinBox()
        self.memory_budget.setObjectName("preferences_memory_budget")
        self.memory_budget.setRange(stored.MEMORY_BUDGET_MIN / GIB, stored.MEMORY_BUDGET_MAX / GIB)
        self.memory_budget.setDecimals(2)
        self.memory_budget.setSingleStep(0.5)
        self.memory_budget.setSuffix(" GiB")
        self.memory_budget.setAccessibleName(translate("PreferencesDialog", "Memory budget"))
        memory_help = translate(
            "PreferencesDialog",
            "A run or a training that would need more memory than this is refused, with the "
            "reason, instead of slowing the computer down.",
        )
        total = physical_memory()
        if total:
            memory_help += " " + translate(
                "PreferencesDialog", "This computer has {size:.1f} GiB."
            ).format(size=total / GIB)
        self.memory_budget.setToolTip(memory_help)
        memory_note = QLabel(memory_help)
        memory_note.setWordWrap(True)
        memory_note.setEnabled(False)

        form = QFormLayout()
        for text, editor in (
            (translate("PreferencesDialog", "&Language:"), self.language),
            (translate("PreferencesDialog", "&Text size:"), self.font_scale),
            (translate("PreferencesDialog", "&Memory budget:"), self.memory_budget),
        ):
            label = QLabel(text)
            label.setBuddy(editor)
            form.addRow(label, editor)
        form.addRow("", memory_note)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        defaults = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        defaults.clicked.connect(self._on_defaults_button_clicked)
        self.buttons = buttons

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.set_value(current)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)

    def set_value(self, preferences: Preferences) -> None:
        index = self.language.findData(preferences.language)
        self.language.setCurrentIndex(max(index, 0))
        self.font_scale.setValue(preferences.font_scale)
        self.memory_budget.setValue(preferences.memory_budget / GIB)

    def value(self) -> Preferences:
        budget = round(self.memory_budget.value() * GIB)
        budget = min(max(budget, stored.MEMORY_BUDGET_MIN), stored.MEMORY_BUDGET_MAX)
        return Preferences(
            language=str(self.language.currentData() or ""),
            font_scale=round(self.font_scale.value(), 2),
            memory_budget=budget,
        )

    def _on_defaults_button_clicked(self) -> None:
        self.set_value(Preferences())


def show_preferences(window: QMainWindow) -> bool:
    """Ask through the window's dialogs; store and apply what was chosen. True if changed."""
    settings = getattr(window, "settings", None)
    current = read_preferences(settings)
    chosen = window.dialogs.edit_preferences(current)  # type: ignore[attr-defined]
    if chosen is None or chosen == current:
        return False
    write_preferences(chosen, settings)
    app = QApplication.instance()
    if isinstance(app, QApplication):
        apply_font_scale(app, chosen.font_scale)
    return True


def install_preferences(window: QMainWindow) -> QAction:
    """Add Edit ▸ Preferences… (Ctrl+,) to the window, at the end of the menu with Undo."""
    action = QAction(translate("PreferencesDialog", "&Preferences…"), window)
    action.setObjectName("action_preferences")
    action.setMenuRole(QAction.MenuRole.PreferencesRole)
    keys = [*QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences)]
    if all(key.toString() != "Ctrl+," for key in keys):
        keys.append(QKeySequence("Ctrl+,"))
    action.setShortcuts(keys)
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(lambda _checked=False: show_preferences(window))
    menu = _menu_holding(window, getattr(window, "action_undo", None))
    if menu is None:
        menu = window.menuBar().addMenu(translate("PreferencesDialog", "&Edit"))
    menu.addSeparator()
    menu.addAction(action)
    window.action_preferences = action  # type: ignore[attr-defined]
    return action


def _menu_holding(window: QMainWindow, action: QAction | None) -> QMenu | None:
    if action is None:
        return None
    for entry in window.menuBar().actions():
        menu = entry.menu()
        if isinstance(menu, QMenu) and action in menu.actions():
            return menu
    return None
