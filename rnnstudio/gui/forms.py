"""Forms generated from the core's FieldSpecs: one editor per field, never one form per block.

A form only reports what the user typed (field, value, edit session). The window asks the
core whether the value is valid and hands back either a new analysis or the core's message,
which the form shows next to the field it concerns.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from rnnstudio.core.spec import FieldSpec

from .document import new_edit_session
from .field_help import field_help
from .texts import field_tooltip
from .theme import error_color, warning_color

FLOAT_DECIMALS = 2

# (severity, message) as the core reports it: severity is "error" or "warning".
Message = tuple[str, str]


class FieldEditor(QWidget):
    """The control for one field. `control` is the widget a user types into or clicks."""

    sig_value_edited = Signal(object)

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.control: QWidget = self._make_control()
        self.control.setObjectName(f"field_{spec.name}")
        self.control.setAccessibleName(spec.name)
        self._layout.addWidget(self.control, 1)

    def _make_control(self) -> QWidget:
        raise NotImplementedError

    def set_value(self, value: Any, inferred: Any = None) -> None:
        """Show a value from the project without reporting it as an edit."""
        self.control.blockSignals(True)
        try:
            self._show(value, inferred)
        finally:
            self.control.blockSignals(False)

    def _show(self, value: Any, inferred: Any) -> None:
        raise NotImplementedError

    def focus_widgets(self) -> tuple[QWidget, ...]:
        """Widgets that take keyboard focus (the line edit inside a spin box too)."""
        if isinstance(self.control, QAbstractSpinBox):
            return (self.control, self.control.findChild(QLineEdit))
        return (self.control,)

    @property
    def merges_typing(self) -> bool:
        """Whether consecutive edits are keystrokes of one value (merged into one undo step)."""
        return True


def _int_range(spec: FieldSpec) -> tuple[int, int]:
    # One step past each bound, so that typing 0 gets the core's "must be at least 1, got 0"
    # next to the field instead of a spin box that silently refuses the key. A spin box holds
    # 32-bit integers: larger bounds (a signal's seed goes to 2**32 - 1) stop there.
    return max(int(spec.minimum) - 1, -(2**31)), min(int(spec.maximum) + 1, 2**31 - 1)


class IntEditor(FieldEditor):
    def _make_control(self) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(*_int_range(self.spec))
        spin.setKeyboardTracking(True)
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        spin.valueChanged.connect(self.sig_value_edited.emit)
        return spin

    def _show(self, value: Any, inferred: Any) -> None:
        if self.control.value() != value:
            self.control.setValue(value)


class OptionalIntEditor(FieldEditor):
    """input_size / in_features: shows the inferred size until the user pins a value."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.pin = QCheckBox(self.tr("pin"))
        self.pin.setObjectName(f"pin_{spec.name}")
        self.pin.setToolTip(
            self.tr(
                "Ticked: {field} is fixed to this value, and a tensor of another size is an "
                "error. Unticked: {field} is read from the incoming tensor."
            ).format(field=spec.name)
        )
        self.pin.toggled.connect(self._on_pin_toggled)
        self._layout.addWidget(self.pin)

    def _make_control(self) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(*_int_range(self.spec))
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        spin.valueChanged.connect(self._on_spin_value_changed)
        return spin

    def set_value(self, value: Any, inferred: Any = None) -> None:
        self.pin.blockSignals(True)
        try:
            super().set_value(value, inferred)
        finally:
            self.pin.blockSignals(False)

    def _show(self, value: Any, inferred: Any) -> None:
        spin: QSpinBox = self.control
        self.pin.setChecked(value is not None)
        if value is not None:
            self._set_look("", "")
            shown = value
        elif inferred is not None:
            self._set_look(self.tr(" (inferred)"), "")
            shown = inferred
        else:
            # Nothing to infer from (an error above): "unknown", on the value below the bound.
            self._set_look("", self.tr("unknown"))
            shown = spin.minimum()
        if spin.value() != shown:
            spin.setValue(shown)

    def _set_look(self, suffix: str, special_text: str) -> None:
        spin: QSpinBox = self.control
        if spin.suffix() != suffix:
            spin.setSuffix(suffix)
        if spin.specialValueText() != special_text:
            spin.setSpecialValueText(special_text)

    def _on_spin_value_changed(self, value: int) -> None:
        # Typing a size pins it.
        self.sig_value_edited.emit(value)

    def _on_pin_toggled(self, checked: bool) -> None:
        spin: QSpinBox = self.control
        if not checked:
            self.sig_value_edited.emit(None)
        else:
            self.sig_value_edited.emit(max(spin.value(), int(self.spec.minimum)))

    def focus_widgets(self) -> tuple[QWidget, ...]:
        return (*super().focus_widgets(), self.pin)


class FloatEditor(FieldEditor):
    def _make_control(self) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setDecimals(FLOAT_DECIMALS)
        step = 10.0**-FLOAT_DECIMALS
        maximum = float(self.spec.maximum)
        # One step past each bound, so that the core explains an out-of-range value.
        spin.setRange(
            float(self.spec.minimum) - step,
            maximum if self.spec.exclusive_maximum else maximum + step,
        )
        spin.setSingleStep(0.05)
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        spin.valueChanged.connect(self.sig_value_edited.emit)
        return spin

    def _show(self, value: Any, inferred: Any) -> None:
        if abs(self.control.value() - value) > 10.0 ** -(FLOAT_DECIMALS + 2):
            self.control.setValue(value)


class BoolEditor(FieldEditor):
    def _make_control(self) -> QCheckBox:
        box = QCheckBox()
        box.toggled.connect(self.sig_value_edited.emit)
        return box

    def _show(self, value: Any, inferred: Any) -> None:
        self.control.setChecked(bool(value))

    @property
    def merges_typing(self) -> bool:
        return False


class ChoiceEditor(FieldEditor):
    def _make_control(self) -> QComboBox:
        combo = QComboBox()
        for choice in self.spec.choices:
            combo.addItem(choice, choice)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.currentIndexChanged.connect(self._on_combo_index_changed)
        return combo

    def _on_combo_index_changed(self, index: int) -> None:
        self.sig_value_edited.emit(self.control.itemData(index))

    def _show(self, value: Any, inferred: Any) -> None:
        index = self.control.findData(value)
        if index != self.control.currentIndex():
            self.control.setCurrentIndex(index)

    @property
    def merges_typing(self) -> bool:
        return False


class NameEditor(FieldEditor):
    def _make_control(self) -> QLineEdit:
        line = QLineEdit()
        line.textChanged.connect(self.sig_value_edited.emit)
        return line

    def _show(self, value: Any, inferred: Any) -> None:
        if self.control.text() != value:
            self.control.setText(value)


class FloatsEditor(FieldEditor):
    """One number for every feature, or one per feature: "0.1" or "0.1, 0.25".

    Typed text that reads as numbers goes to the core as a list; anything else goes as the
    text itself, so the core's message explains what is wrong next to the field.
    """

    def _make_control(self) -> QLineEdit:
        line = QLineEdit()
        line.setPlaceholderText(self.tr("a number, or one per feature: 0.1, 0.2"))
        line.textEdited.connect(self._on_line_text_edited)
        return line

    def _on_line_text_edited(self, text: str) -> None:
        self.sig_value_edited.emit(_numbers(text))

    def _show(self, value: Any, inferred: Any) -> None:
        if _numbers(self.control.text()) != list(value):
            self.control.setText(", ".join(f"{number:g}" for number in value))


def _numbers(text: str) -> list[float] | str:
    parts = [part for part in re.split(r"[,;\s]+", text.strip()) if part]
    try:
        return [float(part) for part in parts] if parts else text
    except ValueError:
        return text


class PathEditor(FieldEditor):
    """A file path: typed (reported when editing ends) or picked with the Choose button.

    The owner sets ``chooser``: a function given the current text that asks for a file (through
    the window's dialogs object) and returns the chosen path, or None when cancelled.
    """

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.chooser: Callable[[str], str | None] | None = None
        self.choose_button = QPushButton(self.tr("Choose…"))
        self.choose_button.setObjectName(f"choose_{spec.name}")
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        self._layout.addWidget(self.choose_button)
        self._shown = ""

    def _make_control(self) -> QLineEdit:
        line = QLineEdit()
        line.editingFinished.connect(self._on_line_editing_finished)
        return line

    def _on_line_editing_finished(self) -> None:
        text = self.control.text()
        if text != self._shown:
            self._shown = text
            self.sig_value_edited.emit(text)

    def _on_choose_button_clicked(self) -> None:
        if self.chooser is None:
            return
        chosen = self.chooser(self.control.text())
        if chosen is not None:
            self.control.setText(chosen)
            self._shown = chosen
            self.sig_value_edited.emit(chosen)

    def _show(self, value: Any, inferred: Any) -> None:
        self._shown = value
        if self.control.text() != value:
            self.control.setText(value)

    def focus_widgets(self) -> tuple[QWidget, ...]:
        return (self.control, self.choose_button)

    @property
    def merges_typing(self) -> bool:
        return False


_EDITOR_CLASSES: dict[str, type[FieldEditor]] = {
    "int": IntEditor,
    "float": FloatEditor,
    "bool": BoolEditor,
    "choice": ChoiceEditor,
    "name": NameEditor,
    "floats": FloatsEditor,
    "path": PathEditor,
}


def make_editor(spec: FieldSpec) -> FieldEditor:
    if spec.kind == "int" and spec.optional:
        return OptionalIntEditor(spec)
    return _EDITOR_CLASSES[spec.kind](spec)


def messages_html(messages: Sequence[Message]) -> str:
    """Errors in red, warnings in amber, each with a sign that survives colour blindness."""
    lines = []
    for severity, text in messages:
        color, sign = (error_color(), "✖") if severity == "error" else (warning_color(), "⚠")
        lines.append(f'<span style="color:{color}">{sign} {html.escape(text)}</span>')
    return "<br>".join(lines)


class FieldForm(QWidget):
    """A grid of label, editor and message for each FieldSpec, in declaration order."""

    sig_field_edited = Signal(str, object, object)  # field, value, merge session (or None)
    sig_help_changed = Signal(str)

    def __init__(
        self, specs: Sequence[FieldSpec], parent: QWidget | None = None, *, columns: int = 1
    ) -> None:
        super().__init__(parent)
        self.specs = tuple(specs)
        self._editors: dict[str, FieldEditor] = {}
        self._message_labels: dict[str, QLabel] = {}
        self._analysis_messages: dict[str, list[Message]] = {}
        self._rejections: dict[str, str] = {}
        self._sessions: dict[str, int] = {}
        self._focus_filter = _FieldFocusFilter(self)
        self._labels: dict[str, QLabel] = {}
        self._columns = 0
        self._grid: QGridLayout | None = None
        for spec in self.specs:
            editor = make_editor(spec)
            tooltip = field_tooltip(spec)
            label = QLabel(spec.name)
            label.setToolTip(tooltip)
            label.setBuddy(editor.control)
            editor.setToolTip(tooltip)
            editor.sig_value_edited.connect(
                lambda value, name=spec.name: self._on_editor_value_edited(name, value)
            )
            for widget in editor.focus_widgets():
                widget.installEventFilter(self._focus_filter)
                self._focus_filter.fields[widget] = spec.name
            message = QLabel()
            message.setObjectName(f"message_{spec.name}")
            message.setWordWrap(True)
            message.setTextFormat(Qt.TextFormat.RichText)
            message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            message.hide()
            self._labels[spec.name] = label
            self._editors[spec.name] = editor
            self._message_labels[spec.name] = message
        self.set_columns(columns)

    def set_columns(self, columns: int) -> None:
        """Lay the fields out in this many label/editor column pairs, row by row."""
        columns = max(1, columns)
        if columns == self._columns:
            return
        self._columns = columns
        grid = self._grid
        if grid is None:
            grid = QGridLayout(self)
            grid.setContentsMargins(0, 0, 0, 0)
            grid.setHorizontalSpacing(self.fontMetrics().averageCharWidth() * 2)
            self._grid = grid
        for name in self._editors:
            for widget in (self._labels[name], self._editors[name], self._message_labels[name]):
                grid.removeWidget(widget)
        for column in range(grid.columnCount()):
            grid.setColumnStretch(column, 0)
        for row in range(grid.rowCount()):
            grid.setRowStretch(row, 0)
        # Rows keep their natural height; a taller page beside this one leaves space below.
        grid.setRowStretch(2 * ((len(self.specs) + columns - 1) // columns), 1)
        # Editors keep their natural width; the spare width goes to an empty last column.
        grid.setColumnStretch(2 * columns, 1)
        for position, spec in enumerate(self.specs):
            row, column = divmod(position, columns)
            row, column = 2 * row, 2 * column
            grid.addWidget(self._labels[spec.name], row, column)
            grid.addWidget(self._editors[spec.name], row, column + 1)
            grid.addWidget(self._message_labels[spec.name], row + 1, column, 1, 2)

    def editor(self, field: str) -> FieldEditor:
        return self._editors[field]

    def message_text(self, field: str) -> str:
        """The plain text shown next to a field (empty when none)."""
        return self._message_labels[field].toolTip()

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self._editors)

    def set_state(
        self,
        values: Mapping[str, Any],
        inferred: Mapping[str, Any],
        messages: Mapping[str, Sequence[Message]],
        *,
        same_target: bool,
    ) -> None:
        """Show a block's (or the input's) values, inferred sizes and the core's problems.

        A value the core rejected stays in its editor, with the reason, while the user
        keeps editing the same target; showing another target drops it.
        """
        if not same_target:
            self._rejections.clear()
            self._sessions.clear()
        self._analysis_messages = {field: list(items) for field, items in messages.items()}
        for field, editor in self._editors.items():
            if field not in self._rejections:
                editor.set_value(values[field], inferred.get(field))
            self._render_message(field)

    def show_rejection(self, field: str, message: str) -> None:
        self._rejections[field] = message
        self._render_message(field)

    def start_session(self, field: str) -> None:
        """Keystrokes from here on in this field make a new undo step."""
        self._sessions[field] = new_edit_session()

    def show_help(self, field: str) -> None:
        editor = self._editors[field]
        self.sig_help_changed.emit(f"{field}: {field_help(editor.spec)}")

    def _on_editor_value_edited(self, field: str, value: Any) -> None:
        self._rejections.pop(field, None)
        self._render_message(field)
        session = None
        if self._editors[field].merges_typing:
            if field not in self._sessions:
                self.start_session(field)
            session = self._sessions[field]
        self.sig_field_edited.emit(field, value, session)

    def _render_message(self, field: str) -> None:
        messages: list[Message] = []
        if field in self._rejections:
            messages.append(("error", self._rejections[field]))
        messages.extend(self._analysis_messages.get(field, ()))
        label = self._message_labels[field]
        label.setText(messages_html(messages))
        label.setToolTip("\n".join(text for _severity, text in messages))
        label.setVisible(bool(messages))


class _FieldFocusFilter(QObject):
    """Shows a field's help on focus or hover, starts a new undo step on focus, and lets
    Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y reach the project's undo instead of a line edit's own."""

    def __init__(self, form: FieldForm) -> None:
        super().__init__(form)
        self._form = form
        self.fields: dict[QObject, str] = {}

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        field = self.fields.get(watched)
        if field is None:
            return False
        kind = event.type()
        if kind == QEvent.Type.FocusIn:
            self._form.start_session(field)
            self._form.show_help(field)
        elif kind == QEvent.Type.Enter:
            self._form.show_help(field)
        elif kind == QEvent.Type.ShortcutOverride and _is_undo_key(event):
            event.ignore()
            return True
        return False


def _is_undo_key(event: QEvent) -> bool:
    if not isinstance(event, QKeyEvent):
        return False
    if event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo):
        return True
    combination = event.keyCombination()
    return (
        combination == QKeySequence("Ctrl+Y")[0] or combination == (QKeySequence("Ctrl+Shift+Z")[0])
    )
