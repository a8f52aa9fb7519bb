"""The Model pane: print(model) as torch prints it, beside the model as plain PyTorch code."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from rnnstudio.core.analysis import Analysis
from rnnstudio.core.errors import ModelError
from rnnstudio.core.export import export_python
from rnnstudio.core.model import build_model

from .i18n import current_language
from .theme import monospace_font


class _ReadOnlyText(QWidget):
    """A titled, read-only, monospace text with a Copy button."""

    def __init__(self, title: str, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QPlainTextEdit()
        self.text.setObjectName(object_name)
        self.text.setAccessibleName(title)
        self.text.setReadOnly(True)
        self.text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(monospace_font())
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.setToolTip(self.tr("Copy all of it to the clipboard"))
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        heading = QHBoxLayout()
        label = QLabel(title)
        label.setBuddy(self.text)
        heading.addWidget(label, 1)
        heading.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(heading)
        layout.addWidget(self.text, 1)

    def set_text(self, text: str, *, wrap: bool = False) -> None:
        """Code keeps its lines; a message wraps to the pane's width."""
        mode = (
            QPlainTextEdit.LineWrapMode.WidgetWidth if wrap else QPlainTextEdit.LineWrapMode.NoWrap
        )
        if self.text.lineWrapMode() != mode:
            self.text.setLineWrapMode(mode)
        if self.text.toPlainText() != text:
            self.text.setPlainText(text)

    def _on_copy_button_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.text.toPlainText())


class ModelPane(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.printout = _ReadOnlyText(self.tr("print(model)"), "model_printout")
        self.code = _ReadOnlyText(self.tr("As PyTorch code"), "model_code")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.printout)
        splitter.addWidget(self.code)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        self.splitter = splitter
        # Until the user drags the divider, the printout gets the width its lines need.
        self._user_sized = False
        splitter.splitterMoved.connect(self._on_splitter_moved)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Side by side when the pane is wide, one above the other when it is tall.
        size = event.size()
        wide = size.width() >= max(size.height() * 1.8, 900)
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if self.splitter.orientation() != orientation:
            self.splitter.setOrientation(orientation)
            self._user_sized = False
        super().resizeEvent(event)
        self._fit_printout()

    def _fit_printout(self) -> None:
        """Side by side, the printout is usually short and narrow: give it what it needs."""
        if self._user_sized:
            return
        extent = (
            self.splitter.width()
            if self.splitter.orientation() == Qt.Orientation.Horizontal
            else self.splitter.height()
        )
        if extent <= 0:
            return
        text = self.printout.text
        if self.splitter.orientation() == Qt.Orientation.Horizontal:
            lines = text.toPlainText().splitlines() or [""]
            needed = max(text.fontMetrics().horizontalAdvance(line) for line in lines)
        else:
            needed = text.fontMetrics().lineSpacing() * (text.blockCount() + 1)
        needed += 3 * text.fontMetrics().averageCharWidth() + self.printout.copy_button.height()
        first = min(max(needed, int(extent * 0.25)), int(extent * 0.65))
        sizes = [first, extent - first - self.splitter.handleWidth()]
        if self.splitter.sizes() != sizes:
            self.splitter.setSizes(sizes)

    def _on_splitter_moved(self, _position: int, _index: int) -> None:
        self._user_sized = True

    def set_analysis(self, analysis: Analysis) -> None:
        if analysis.first_error is not None:
            self._show_problem(analysis.first_error.text(current_language()))
            return
        try:
            printout = str(build_model(analysis.project, device="meta"))
            code = export_python(analysis.project)
        except ModelError as error:
            self._show_problem(str(error))
            return
        self.printout.set_text(printout)
        self.code.set_text(code)
        self._fit_printout()

    def _show_problem(self, error: str) -> None:
        message = self.tr("The model cannot be built until this is fixed:\n\n{error}").format(
            error=error
        )
        self.printout.set_text(message, wrap=True)
        self.code.set_text(message, wrap=True)
