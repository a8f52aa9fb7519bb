"""The Input pane and the Block properties pane: generated forms plus what the core says."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from rnnstudio.core.analysis import Analysis, Problem, Stage
from rnnstudio.core.spec import BLOCK_TYPES, field_specs, input_field_specs

from .forms import FieldForm, Message, messages_html
from .i18n import current_language
from .texts import shape_text, type_title

# The fields whose empty value means "read it from the incoming tensor".
_INFERRED_FIELDS = ("input_size", "in_features")


def _help_label(parent: QWidget) -> QLabel:
    label = QLabel(
        QCoreApplication.translate("BlockPropertiesPane", "Point at a field to read what it means.")
    )
    label.setObjectName("help_line")
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def split_messages(
    problems: tuple[Problem, ...], fields: tuple[str, ...]
) -> tuple[dict[str, list[Message]], list[Message]]:
    """The core's problems, grouped by the field they concern; the rest concern the whole."""
    lang = current_language()
    by_field: dict[str, list[Message]] = defaultdict(list)
    general: list[Message] = []
    for problem in problems:
        if problem.field in fields:
            by_field[problem.field].append((problem.severity, problem.text(lang)))
        else:
            general.append((problem.severity, problem.text(lang)))
    return dict(by_field), general


class InputPane(QWidget):
    """features, batch, seq_len and batch_first, and the input tensor they describe.

    Wide (docked across the top) it is one strip; narrow, the fields wrap into two columns.
    """

    sig_field_edited = Signal(str, object, object)  # field, value, merge session
    sig_help_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = FieldForm(input_field_specs(), columns=len(input_field_specs()))
        self.form.setObjectName("input_form")
        self.form.sig_field_edited.connect(self.sig_field_edited)
        self.form.sig_help_changed.connect(self.sig_help_changed)
        self.tensor_line = QLabel()
        self.tensor_line.setObjectName("input_tensor")
        self.tensor_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.general_messages = QLabel()
        self.general_messages.setWordWrap(True)
        self.general_messages.hide()
        # The strip's natural width must not become the window's minimum: narrow, it wraps.
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 30)
        self._layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._layout.setContentsMargins(6, 4, 6, 4)
        self._layout.addWidget(self.form)
        self._layout.addSpacing(self.fontMetrics().averageCharWidth() * 3)
        self._layout.addWidget(self.tensor_line, 1)
        self._layout.addWidget(self.general_messages)

    def resizeEvent(self, event: QResizeEvent) -> None:
        wide = event.size().width() >= self._strip_width()
        self.form.set_columns(len(self.form.fields) if wide else 2)
        self._layout.setDirection(
            QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        )
        super().resizeEvent(event)

    def _strip_width(self) -> int:
        """All four fields and the tensor line side by side, as wide as they ask to be (any
        text size, any language)."""
        form = self.form
        fields = sum(
            form._labels[name].sizeHint().width() + form.editor(name).sizeHint().width()
            for name in form.fields
        )
        grid = form.layout()
        gaps = grid.horizontalSpacing() * 2 * len(form.fields) if grid is not None else 0
        margins = self._layout.contentsMargins()
        text = max(self.tensor_line.sizeHint().width(), self.fontMetrics().averageCharWidth() * 40)
        spacing = self.fontMetrics().averageCharWidth() * 3 + 2 * max(self._layout.spacing(), 0)
        return fields + gaps + spacing + text + margins.left() + margins.right()

    def set_analysis(self, analysis: Analysis, *, keep_rejections: bool = False) -> None:
        """`keep_rejections`: the user is typing here; refused text stays until fixed."""
        stage = analysis.stages[0]
        by_field, general = split_messages(stage.problems, self.form.fields)
        values = analysis.project.input.model_dump()
        self.form.set_state(values, {}, by_field, same_target=keep_rejections)
        self.general_messages.setText(messages_html(general))
        self.general_messages.setVisible(bool(general))
        tensor = analysis.input
        self.tensor_line.setText(
            self.tr("x = {shape}   {axes}").format(
                shape=shape_text(tensor.shape), axes=tensor.describe(current_language())
            )
        )

    def show_rejection(self, field: str, message: str) -> None:
        self.form.show_rejection(field, message)


class BlockPropertiesPane(QWidget):
    """The form of the selected block. One generated form per block type, made on first use."""

    sig_field_edited = Signal(int, str, object, object)  # block row, field, value, session

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._forms: dict[str, FieldForm] = {}
        self._row = -1
        self._block_name: str | None = None
        self.heading = QLabel()
        self.heading.setObjectName("block_heading")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.general_messages = QLabel()
        self.general_messages.setObjectName("block_messages")
        self.general_messages.setWordWrap(True)
        self.general_messages.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.general_messages.hide()
        self.empty_note = QLabel(
            self.tr("The stack is empty. Add a block with the buttons of the Stack pane.")
        )
        self.empty_note.setWordWrap(True)
        self.empty_note.setAlignment(Qt.AlignmentFlag.AlignTop)
        self._current: QWidget = self.empty_note
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # A narrow pane (or large text) scrolls sideways rather than cutting the form.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.setContentsMargins(0, 0, 0, 0)
        self.help_line = _help_label(self)
        # One form shows at a time; hidden ones take no room, so the help line sits right
        # under the shown form (a stacked widget would be as tall as the tallest form).
        self._pages = QVBoxLayout()
        self._pages.setContentsMargins(0, 0, 0, 0)
        self._pages.addWidget(self.empty_note)
        inner_layout.addLayout(self._pages)
        inner_layout.addSpacing(self.fontMetrics().lineSpacing() // 2)
        inner_layout.addWidget(self.help_line)
        inner_layout.addStretch(1)
        scroll.setWidget(inner)
        self.scroll = scroll
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.heading)
        layout.addWidget(self.general_messages)
        layout.addWidget(scroll, 1)

    def form(self, block_type: str) -> FieldForm:
        """The generated form for a block type (created the first time it is needed)."""
        if block_type not in BLOCK_TYPES:
            raise KeyError(block_type)
        form = self._forms.get(block_type)
        if form is None:
            form = FieldForm(field_specs(block_type))
            form.setObjectName(f"{block_type}_form")
            form.sig_field_edited.connect(self._on_form_field_edited)
            form.sig_help_changed.connect(self.help_line.setText)
            self._forms[block_type] = form
            form.hide()
            self._pages.addWidget(form)
        return form

    @property
    def current_form(self) -> FieldForm | None:
        return self._current if isinstance(self._current, FieldForm) else None

    def _show_page(self, page: QWidget) -> None:
        if page is not self._current:
            self._current.hide()
            self._current = page
            page.show()
        self.help_line.setVisible(isinstance(page, FieldForm))

    def show_block(self, analysis: Analysis, row: int, *, keep_rejections: bool = False) -> None:
        """`keep_rejections`: the user is typing in this block; refused text stays."""
        blocks = analysis.project.blocks
        if not 0 <= row < len(blocks):
            self._row, self._block_name = -1, None
            self.heading.setText(self.tr("No block selected"))
            self.general_messages.hide()
            self._show_page(self.empty_note)
            return
        block = blocks[row]
        stage = analysis.stages[row + 1]
        # Renaming keeps the target; selecting another row changes it.
        same_target = row == self._row and keep_rejections
        self._row, self._block_name = row, block.name
        self.heading.setText(f"{block.name} — {type_title(block.type)}")
        form = self.form(block.type)
        by_field, general = split_messages(stage.problems, form.fields)
        if stage.blocked_by is not None:
            general.append(
                (
                    "warning",
                    self.tr(
                        "Not analysed: {block} above has an error; its shapes show once it "
                        "is fixed."
                    ).format(block=stage.blocked_by),
                )
            )
        self.general_messages.setText(messages_html(general))
        self.general_messages.setVisible(bool(general))
        form.set_state(
            block.model_dump(), _inferred_sizes(stage), by_field, same_target=same_target
        )
        self._show_page(form)

    def show_rejection(self, field: str, message: str) -> None:
        form = self.current_form
        if form is not None:
            form.show_rejection(field, message)

    def _on_form_field_edited(self, field: str, value: Any, session: Any) -> None:
        if self._row >= 0:
            self.sig_field_edited.emit(self._row, field, value, session)


def _inferred_sizes(stage: Stage) -> dict[str, int | None]:
    features = stage.incoming_features
    return dict.fromkeys(_INFERRED_FIELDS, features)
