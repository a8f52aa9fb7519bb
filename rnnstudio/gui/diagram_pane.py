"""The Architecture pane: the stack drawn as boxes, with the tensor shape on every arrow.

Each block is a box (its name, its type and sizes); the arrow leaving it carries the shape
of what it passes on, with the axis names. Errors and warnings mark their box; clicking a
box selects the block. Everything drawn comes from the core's Analysis.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from rnnstudio.core.analysis import AXIS_LABELS, Analysis, Stage, TensorInfo

from .exercise_mode import HIDDEN_TEXT, NO_MASK, AnswerMask
from .i18n import current_language
from .texts import block_line
from .theme import ERROR_BACKGROUND, ERROR_COLOR, WARNING_BACKGROUND, WARNING_COLOR

translate = QCoreApplication.translate


@dataclass(frozen=True)
class _Node:
    row: int  # -1 for the input
    lines: tuple[str, ...]
    severity: str  # "error", "warning", "blocked" or "none"
    tooltip: str
    rect: QRectF


@dataclass(frozen=True)
class _Arrow:
    start: QPointF
    end: QPointF
    shape: str
    axes: str
    label_rect: QRectF


def severity_of(stage: Stage) -> str:
    if stage.errors:
        return "error"
    if stage.blocked_by is not None:
        return "blocked"
    if stage.warnings:
        return "warning"
    return "none"


def shape_label(info: TensorInfo | None) -> str:
    if info is None:
        return "—"
    return "[" + ", ".join(str(size) for size in info.shape) + "]"


def axes_label(info: TensorInfo | None, lang: str) -> str:
    if info is None:
        return ""
    labels = AXIS_LABELS.get(lang, AXIS_LABELS["en"])
    return ", ".join(labels.get(axis, axis) for axis in info.axes)


class ArchitectureDiagram(QWidget):
    """Paints the boxes and arrows; a click on a box asks for that block to be selected."""

    sig_block_requested = Signal(int)  # block row

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("architecture_diagram")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._analysis: Analysis | None = None
        self._mask = NO_MASK
        self._selected = -1
        self._vertical = False
        self.nodes: list[_Node] = []
        self.arrows: list[_Arrow] = []
        self._size = QSize(200, 100)
        self.retranslate()

    def retranslate(self) -> None:
        self.setAccessibleName(translate("DiagramPane", "Architecture diagram"))
        self.setToolTip("")
        self._relayout()

    # --- state ----------------------------------------------------------------------------

    def set_analysis(self, analysis: Analysis, selected_row: int) -> None:
        self._analysis = analysis
        self._selected = selected_row
        self._relayout()

    def set_mask(self, mask: AnswerMask) -> None:
        self._mask = mask
        self._relayout()

    def set_selected_row(self, row: int) -> None:
        if row != self._selected:
            self._selected = row
            self.update()

    def set_vertical(self, vertical: bool) -> None:
        if vertical != self._vertical:
            self._vertical = vertical
            self._relayout()

    @property
    def selected_row(self) -> int:
        return self._selected

    def node_rect(self, row: int) -> QRectF:
        """Where the box of block `row` is drawn (row -1: the input)."""
        for node in self.nodes:
            if node.row == row:
                return node.rect
        raise KeyError(row)

    def arrow_texts(self) -> list[tuple[str, str]]:
        """(shape, axes) on each arrow, in order: the input's, then each block's output."""
        return [(arrow.shape, arrow.axes) for arrow in self.arrows]

    # --- layout ---------------------------------------------------------------------------

    def _fonts(self) -> tuple[QFont, QFont, QFont]:
        bold = QFont(self.font())
        bold.setBold(True)
        small = QFont(self.font())
        small.setPointSizeF(max(6.0, self.font().pointSizeF() * 0.85))
        return self.font(), bold, small

    def natural_size(self, vertical: bool) -> QSize:
        """The size the drawing takes in one orientation (for the pane to choose)."""
        return self._layout(vertical)[2]

    def _relayout(self) -> None:
        self.nodes, self.arrows, self._size = self._layout(self._vertical)
        self.setMinimumSize(self._size)
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return self._size

    def _contents(self) -> list[tuple[int, tuple[str, ...], str, str, TensorInfo | None, str]]:
        """(row, lines, severity, tooltip, output, stage name) for the input and each block."""
        analysis = self._analysis
        if analysis is None:
            return []
        lang = current_language()
        input_stage = analysis.stages[0]
        items = [
            (
                -1,
                (
                    translate("DiagramPane", "input x"),
                    translate("DiagramPane", "{features} features").format(
                        features=analysis.project.input.features
                    ),
                ),
                severity_of(input_stage),
                "\n\n".join(p.text(lang) for p in input_stage.problems),
                input_stage.output,
                "input",
            )
        ]
        for row, (block, stage) in enumerate(
            zip(analysis.project.blocks, analysis.stages[1:], strict=True)
        ):
            line = block_line(block, stage)
            rest = line[len(block.name) :].strip()
            lines = (block.name, *[part.strip() for part in rest.split(" · ")])
            notes = [p.text(lang) for p in stage.problems]
            if stage.blocked_by is not None:
                notes.append(
                    translate("DiagramPane", "Not analysed: {block} above has an error.").format(
                        block=stage.blocked_by
                    )
                )
            items.append(
                (row, lines, severity_of(stage), "\n\n".join(notes), stage.output, stage.name)
            )
        return items

    def _layout(self, vertical: bool) -> tuple[list[_Node], list[_Arrow], QSize]:
        regular, bold, small = self._fonts()
        metrics, bold_metrics, small_metrics = (
            QFontMetricsF(regular),
            QFontMetricsF(bold),
            QFontMetricsF(small),
        )
        lang = current_language()
        pad = metrics.averageCharWidth() * 1.5
        line_height = metrics.lineSpacing()
        margin = metrics.averageCharWidth() * 2
        contents = self._contents()
        if not contents:
            return [], [], QSize(int(margin * 2), int(margin * 2))
        prepared = []
        for row, lines, severity, tooltip, output, stage_name in contents:
            width = max(
                bold_metrics.horizontalAdvance(lines[0]),
                *(metrics.horizontalAdvance(text) for text in lines[1:]),
            )
            box = QRectF(0, 0, width + 2 * pad, line_height * len(lines) + pad * 1.4)
            hidden = self._mask.hides_stage(stage_name)
            shape = HIDDEN_TEXT if hidden else shape_label(output)
            axes = HIDDEN_TEXT if hidden else axes_label(output, lang)
            label = QRectF(
                0,
                0,
                max(bold_metrics.horizontalAdvance(shape), small_metrics.horizontalAdvance(axes)),
                bold_metrics.lineSpacing() + small_metrics.lineSpacing(),
            )
            prepared.append((row, lines, severity, tooltip, box, shape, axes, label))
        arrow_gap = metrics.averageCharWidth() * 4
        box_height = max(item[4].height() for item in prepared)
        box_width = max(item[4].width() for item in prepared)
        nodes: list[_Node] = []
        arrows: list[_Arrow] = []
        if not vertical:
            label_height = max(item[7].height() for item in prepared)
            top = margin + label_height + metrics.lineSpacing() * 0.3
            x = margin
            for row, lines, severity, tooltip, box, shape, axes, label in prepared:
                rect = QRectF(x, top, box.width(), box_height)
                nodes.append(_Node(row, lines, severity, tooltip, rect))
                length = max(label.width() + arrow_gap, arrow_gap * 2)
                start = QPointF(rect.right(), rect.center().y())
                end = QPointF(rect.right() + length, rect.center().y())
                label_rect = QRectF(
                    start.x() + (length - label.width()) / 2,
                    top - label.height() - metrics.lineSpacing() * 0.15,
                    label.width(),
                    label.height(),
                )
                arrows.append(_Arrow(start, end, shape, axes, label_rect))
                x = end.x() + metrics.averageCharWidth()
            width = x + margin + metrics.horizontalAdvance(self._output_word())
            height = top + box_height + margin
        else:
            label_width = max(item[7].width() for item in prepared)
            x = margin
            y = margin
            length = max(line_height * 2.6, arrow_gap)
            for row, lines, severity, tooltip, _box, shape, axes, label in prepared:
                rect = QRectF(x, y, box_width, box_height)
                nodes.append(_Node(row, lines, severity, tooltip, rect))
                start = QPointF(rect.center().x(), rect.bottom())
                end = QPointF(rect.center().x(), rect.bottom() + length)
                label_rect = QRectF(
                    start.x() + metrics.averageCharWidth() * 1.5,
                    start.y() + (length - label.height()) / 2,
                    label.width(),
                    label.height(),
                )
                arrows.append(_Arrow(start, end, shape, axes, label_rect))
                y = end.y() + metrics.lineSpacing() * 0.2
            width = x + max(
                box_width / 2 + metrics.averageCharWidth() * 1.5 + label_width, box_width
            )
            width += margin
            height = y + line_height + margin
        return nodes, arrows, QSize(int(width) + 1, int(height) + 1)

    def _output_word(self) -> str:
        return translate("DiagramPane", "output")

    # --- painting -------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        regular, bold, small = self._fonts()
        ink = palette.color(QPalette.ColorRole.Text)
        if not self.nodes:
            painter.setPen(ink)
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter,
                translate("DiagramPane", "The stack is empty."),
            )
            return
        line_width = max(1.5, QFontMetricsF(regular).lineWidth() * 1.5)
        for arrow in self.arrows:
            self._draw_arrow(painter, arrow, ink, line_width)
            painter.setFont(bold)
            painter.setPen(ink)
            bold_height = QFontMetricsF(bold).lineSpacing()
            top = QRectF(
                arrow.label_rect.x(), arrow.label_rect.y(), arrow.label_rect.width(), bold_height
            )
            align = (
                Qt.AlignmentFlag.AlignHCenter if not self._vertical else Qt.AlignmentFlag.AlignLeft
            )
            painter.drawText(top, align | Qt.AlignmentFlag.AlignVCenter, arrow.shape)
            painter.setFont(small)
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            bottom = QRectF(
                arrow.label_rect.x(),
                arrow.label_rect.y() + bold_height,
                arrow.label_rect.width(),
                arrow.label_rect.height() - bold_height,
            )
            painter.drawText(bottom, align | Qt.AlignmentFlag.AlignVCenter, arrow.axes)
        last = self.arrows[-1]
        painter.setFont(regular)
        painter.setPen(ink)
        word = self._output_word()
        if self._vertical:
            painter.drawText(
                QRectF(last.end.x() - 200, last.end.y(), 400, QFontMetricsF(regular).lineSpacing()),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                word,
            )
        else:
            metrics = QFontMetricsF(regular)
            painter.drawText(
                QRectF(
                    last.end.x() + metrics.averageCharWidth() * 0.5,
                    last.end.y() - metrics.lineSpacing() / 2,
                    metrics.horizontalAdvance(word) + 4,
                    metrics.lineSpacing(),
                ),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                word,
            )
        for node in self.nodes:
            self._draw_node(painter, node, regular, bold, line_width)

    def _draw_arrow(self, painter: QPainter, arrow: _Arrow, color: QColor, width: float) -> None:
        pen = QPen(color, width)
        painter.setPen(pen)
        painter.drawLine(arrow.start, arrow.end)
        head = width * 4
        direction = arrow.end - arrow.start
        length = max((direction.x() ** 2 + direction.y() ** 2) ** 0.5, 1e-6)
        unit = QPointF(direction.x() / length, direction.y() / length)
        normal = QPointF(-unit.y(), unit.x())
        tip = arrow.end
        base = tip - unit * head
        painter.setBrush(color)
        painter.drawPolygon(
            QPolygonF([tip, base + normal * head * 0.5, base - normal * head * 0.5])
        )
        painter.setBrush(Qt.BrushStyle.NoBrush)

    def _draw_node(
        self, painter: QPainter, node: _Node, regular: QFont, bold: QFont, line_width: float
    ) -> None:
        palette = self.palette()
        selected = node.row == self._selected and node.row >= 0
        fill = palette.color(QPalette.ColorRole.Base)
        border = palette.color(QPalette.ColorRole.Text)
        style = Qt.PenStyle.SolidLine
        width = line_width
        if node.severity == "error":
            fill, border, width = QColor(ERROR_BACKGROUND), QColor(ERROR_COLOR), line_width * 2
        elif node.severity == "warning":
            fill, border, width = QColor(WARNING_BACKGROUND), QColor(WARNING_COLOR), line_width * 2
        elif node.severity == "blocked":
            border = palette.color(QPalette.ColorRole.PlaceholderText)
            style = Qt.PenStyle.DashLine
        if node.row < 0:
            fill = palette.color(QPalette.ColorRole.AlternateBase)
        if selected:
            highlight = palette.color(QPalette.ColorRole.Highlight)
            outer = node.rect.adjusted(-width * 2, -width * 2, width * 2, width * 2)
            painter.setPen(QPen(highlight, width * 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            radius = QFontMetricsF(regular).averageCharWidth()
            painter.drawRoundedRect(outer, radius * 1.3, radius * 1.3)
        radius = QFontMetricsF(regular).averageCharWidth()
        path = QPainterPath()
        path.addRoundedRect(node.rect, radius, radius)
        painter.fillPath(path, fill)
        painter.setPen(QPen(border, width, style))
        painter.drawPath(path)
        metrics = QFontMetricsF(regular)
        pad = metrics.averageCharWidth() * 1.5
        y = node.rect.top() + pad * 0.7
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        for number, text in enumerate(node.lines):
            painter.setFont(bold if number == 0 else regular)
            painter.drawText(
                QRectF(node.rect.left(), y, node.rect.width(), metrics.lineSpacing()),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter,
                text,
            )
            y += metrics.lineSpacing()
        sign = {"error": "✖", "warning": "⚠"}.get(node.severity)
        if sign:
            painter.setFont(bold)
            painter.setPen(border)
            size = metrics.lineSpacing()
            painter.drawText(
                QRectF(node.rect.right() - size * 1.1, node.rect.top() + 2, size, size),
                Qt.AlignmentFlag.AlignCenter,
                sign,
            )

    # --- input ----------------------------------------------------------------------------

    def node_at(self, point: QPointF) -> _Node | None:
        for node in self.nodes:
            if node.rect.contains(point):
                return node
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        node = self.node_at(event.position())
        if node is not None and node.row >= 0 and event.button() == Qt.MouseButton.LeftButton:
            self.setFocus()
            self.sig_block_requested.emit(node.row)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        node = self.node_at(event.position())
        cursor = (
            Qt.CursorShape.PointingHandCursor
            if node is not None and node.row >= 0
            else Qt.CursorShape.ArrowCursor
        )
        self.setCursor(cursor)
        if node is not None and node.tooltip:
            QToolTip.showText(event.globalPosition().toPoint(), node.tooltip, self)
        else:
            QToolTip.hideText()
        super().mouseMoveEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        blocks = len(self.nodes) - 1
        step = {
            Qt.Key.Key_Right: 1,
            Qt.Key.Key_Down: 1,
            Qt.Key.Key_Left: -1,
            Qt.Key.Key_Up: -1,
        }.get(Qt.Key(event.key()))
        if step is not None and blocks > 0:
            row = min(max(self._selected + step, 0), blocks - 1)
            self.sig_block_requested.emit(row)
            event.accept()
            return
        super().keyPressEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self._relayout()


class DiagramPane(QWidget):
    """The diagram in a scroll area, laid out across when it fits, else downwards."""

    sig_block_requested = Signal(int)
    sig_compare_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.diagram = ArchitectureDiagram()
        self.diagram.sig_block_requested.connect(self.sig_block_requested)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.diagram)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        # A pane squeezed short scrolls; it does not make the window taller.
        self.scroll.setMinimumHeight(self.fontMetrics().lineSpacing())
        self.compare_button = QToolButton()
        self.compare_button.setObjectName("compare_button")
        self.compare_button.clicked.connect(self.sig_compare_requested)
        button_row = QHBoxLayout()
        button_row.addStretch(1)
        button_row.addWidget(self.compare_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(button_row)
        layout.addWidget(self.scroll, 1)
        self.retranslate()

    def retranslate(self) -> None:
        hint = translate(
            "DiagramPane", "Each arrow carries the tensor's shape. Click a box to select it."
        )
        self.diagram.setAccessibleDescription(hint)
        self.diagram.setWhatsThis(hint)
        self.compare_button.setText(translate("DiagramPane", "Compare RNN, GRU, LSTM…"))
        self.compare_button.setToolTip(
            translate(
                "DiagramPane",
                "The selected recurrent block as RNN, GRU and LSTM side by side: "
                "parameters, outputs and state",
            )
        )
        self.diagram.retranslate()

    def set_analysis(self, analysis: Analysis, selected_row: int) -> None:
        self.diagram.set_analysis(analysis, selected_row)
        self._choose_orientation()
        self._reveal_selected()

    def set_mask(self, mask: AnswerMask) -> None:
        self.diagram.set_mask(mask)
        self._choose_orientation()

    def set_selected_row(self, row: int) -> None:
        self.diagram.set_selected_row(row)
        self._reveal_selected()

    def _reveal_selected(self) -> None:
        """Scroll the selected block's box into view (a long stack, large text)."""
        try:
            box = self.diagram.node_rect(self.diagram.selected_row)
        except KeyError:
            return
        self.scroll.ensureVisible(
            int(box.center().x()),
            int(box.center().y()),
            int(box.width() / 2) + self.fontMetrics().lineSpacing(),
            int(box.height() / 2) + self.fontMetrics().lineSpacing(),
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._choose_orientation()
        # Once the scroll area has taken the new size.
        QTimer.singleShot(0, self, self._reveal_selected)

    def _choose_orientation(self) -> None:
        """Across when it fits the width (or fits better than downwards)."""
        available = self.scroll.viewport().size()
        across = self.diagram.natural_size(False)
        down = self.diagram.natural_size(True)
        fits_across = across.width() <= available.width()
        fits_down = down.height() <= available.height() and down.width() <= available.width()
        if fits_across:
            vertical = False
        elif fits_down:
            vertical = True
        else:
            overflow_across = across.width() / max(available.width(), 1)
            overflow_down = down.height() / max(available.height(), 1)
            vertical = overflow_down < overflow_across
        self.diagram.set_vertical(vertical)
