"""The Unrolled pane: a recurrent block as a grid of cells, layers upwards and time across.

As the notebook's figure "Red recurrente simple" draws it: x_t enters layer 0 from below,
h_(t-1) goes right into step t, each layer feeds the one above, y_t leaves the top layer,
and the last step's states form h_n on the right. Up to 10 steps are drawn; longer
sequences show the first steps, "…", and the last step. The shapes in the legend come from
the core's analysis (y's from an analysis of the same block with output=sequence).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from rnnstudio.core.analysis import Analysis, TensorInfo, analyze
from rnnstudio.core.project_io import updated
from rnnstudio.core.spec import LSTMBlock, _RecurrentBlock

from .exercise_mode import HIDDEN_TEXT, NO_MASK, AnswerMask
from .i18n import current_language
from .texts import output_phrase, type_title

translate = QCoreApplication.translate

MAX_DRAWN_STEPS = 10
FIRST_STEPS_WHEN_COLLAPSED = 3
BACKWARD_COLOR = "#6a1b9a"
PASSED_ON_COLOR = "#1565c0"
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def subscript(number: int) -> str:
    return str(number).translate(_SUBSCRIPTS)


def shown_steps(steps: int) -> list[int | None]:
    """The time steps drawn; None is the "…" column of a collapsed sequence."""
    if steps <= MAX_DRAWN_STEPS:
        return list(range(steps))
    return [*range(FIRST_STEPS_WHEN_COLLAPSED), None, steps - 1]


def without_axis(info: TensorInfo, axis: str) -> TensorInfo:
    """One slice of a tensor along `axis` (e.g. x_t: the input at one time step)."""
    if axis not in info.axes:
        return info
    index = info.axes.index(axis)
    return TensorInfo(
        info.shape[:index] + info.shape[index + 1 :], info.axes[:index] + info.axes[index + 1 :]
    )


@dataclass(frozen=True)
class Unrolling:
    """What the grid shows for one recurrent block."""

    row: int
    block: _RecurrentBlock
    steps: int
    incoming: TensorInfo
    y: TensorInfo | None
    h_n: TensorInfo
    c_n: TensorInfo | None
    passed_on: TensorInfo | None

    @property
    def layers(self) -> int:
        return self.block.num_layers

    @property
    def columns(self) -> list[int | None]:
        return shown_steps(self.steps)


def unrolling_of(analysis: Analysis, selected_row: int) -> Unrolling | None:
    """The selected block if it is recurrent, else the first recurrent block (None: none)."""
    blocks = analysis.project.blocks
    rows = [row for row, block in enumerate(blocks) if isinstance(block, _RecurrentBlock)]
    if not rows:
        return None
    row = selected_row if selected_row in rows else rows[0]
    block = blocks[row]
    assert isinstance(block, _RecurrentBlock)
    stage = analysis.stages[row + 1]
    incoming = stage.incoming
    if incoming is None or stage.errors or "h_n" not in stage.state:
        return None
    time_axis = (1 if block.batch_first else 0) if incoming.ndim == 3 else 0
    steps = incoming.shape[time_axis]
    y = stage.output if block.output == "sequence" else _sequence_output(analysis, row)
    return Unrolling(
        row=row,
        block=block,
        steps=steps,
        incoming=incoming,
        y=y,
        h_n=stage.state["h_n"],
        c_n=stage.state.get("c_n"),
        passed_on=stage.output,
    )


def _sequence_output(analysis: Analysis, row: int) -> TensorInfo | None:
    """y over all steps, as the core gives it for the same block with output=sequence."""
    project = analysis.project
    block = updated(project.blocks[row], output="sequence")
    blocks = (*project.blocks[:row], block)
    variant = analyze(updated(project, blocks=blocks))
    return variant.stages[row + 1].output


class UnrolledDiagram(QWidget):
    """Paints the grid of one Unrolling."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unrolled_diagram")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.unrolling: Unrolling | None = None
        self._mask = NO_MASK
        self._incoming_stage = "input"
        self._size = QSize(100, 100)
        self.empty_text = ""

    def set_unrolling(self, unrolling: Unrolling | None, incoming_stage: str) -> None:
        self.unrolling = unrolling
        self._incoming_stage = incoming_stage
        self._relayout()

    def set_mask(self, mask: AnswerMask) -> None:
        self._mask = mask
        self._relayout()

    def sizeHint(self) -> QSize:
        return self._size

    def _relayout(self) -> None:
        self._size = self._measure()
        self.setMinimumSize(self._size)
        self.updateGeometry()
        self.update()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self._relayout()

    # --- what it says -----------------------------------------------------------------------

    def shapes_hidden(self) -> bool:
        unrolling = self.unrolling
        if unrolling is None:
            return False
        name = unrolling.block.name
        return (
            self._mask.hides_stage(self._incoming_stage)
            or self._mask.hides_stage(name)
            or self._mask.hides_state(name, "h_n")
        )

    def legend_lines(self) -> list[str]:
        """The shapes under the grid, in the window's language."""
        unrolling = self.unrolling
        if unrolling is None:
            return []
        lang = current_language()
        hidden = self.shapes_hidden()

        def show(info: TensorInfo | None) -> str:
            if hidden:
                return HIDDEN_TEXT
            return info.describe(lang) if info is not None else "—"

        h_t = without_axis(unrolling.h_n, "layers_directions")
        lines = [
            translate("UnrolledView", "x_t, the input at one step: {shape}").format(
                shape=show(without_axis(unrolling.incoming, "time"))
            ),
            translate("UnrolledView", "h_t, each layer's state at one step: {shape}").format(
                shape=show(h_t)
            ),
            translate("UnrolledView", "y, the top layer's h_t at every step: {shape}").format(
                shape=show(unrolling.y)
            ),
            translate("UnrolledView", "h_n, the last step's state of every layer: {shape}").format(
                shape=show(unrolling.h_n)
            ),
        ]
        if unrolling.c_n is not None:
            lines.append(
                translate("UnrolledView", "c_n, the last step's cell state: {shape}").format(
                    shape=show(unrolling.c_n)
                )
            )
        lines.append(
            translate("UnrolledView", "{block} passes on: {what} {shape}").format(
                block=unrolling.block.name,
                what=output_phrase(unrolling.block.output),
                shape=show(unrolling.passed_on),
            )
        )
        if unrolling.block.bidirectional:
            lines.append(
                translate(
                    "UnrolledView",
                    "Both directions: a second pass runs from the last step back to the first "
                    "(purple arrows); y_t joins both.",
                )
            )
        return lines

    # --- geometry ---------------------------------------------------------------------------

    def _fonts(self) -> tuple[QFont, QFont, QFont]:
        bold = QFont(self.font())
        bold.setBold(True)
        small = QFont(self.font())
        small.setPointSizeF(max(6.0, self.font().pointSizeF() * 0.85))
        return self.font(), bold, small

    def _metrics(self) -> dict[str, float]:
        regular, bold, _small = self._fonts()
        metrics = QFontMetricsF(regular)
        char = metrics.averageCharWidth()
        line = metrics.lineSpacing()
        layer_label = max(
            metrics.horizontalAdvance(translate("UnrolledView", "layer {number}").format(number=9)),
            metrics.horizontalAdvance("h₀ = 0"),
        )
        return {
            "char": char,
            "line": line,
            "margin": char * 2,
            "cell_w": max(QFontMetricsF(bold).horizontalAdvance("h₉₉₉") + char * 2, line * 2.4),
            "cell_h": line * 1.8,
            "gap_x": char * 5,
            "gap_y": line * 1.6,
            "left": layer_label + char * 4,
            "right": metrics.horizontalAdvance("h_n ") + char * 8,
        }

    def _measure(self) -> QSize:
        unrolling = self.unrolling
        regular = self.font()
        metrics = QFontMetricsF(regular)
        if unrolling is None:
            return QSize(int(metrics.averageCharWidth() * 40), int(metrics.lineSpacing() * 3))
        m = self._metrics()
        columns = len(unrolling.columns)
        grid_w = columns * m["cell_w"] + (columns - 1) * m["gap_x"]
        grid_h = unrolling.layers * m["cell_h"] + (unrolling.layers - 1) * m["gap_y"]
        legend = self.legend_lines()
        legend_w = max((metrics.horizontalAdvance(text) for text in legend), default=0.0)
        width = max(m["margin"] * 2 + m["left"] + grid_w + m["right"], m["margin"] * 2 + legend_w)
        height = (
            m["margin"] * 2
            + m["line"] * 1.2  # y_t labels
            + m["gap_y"]
            + grid_h
            + m["gap_y"]
            + m["line"] * 1.2  # x_t labels
            + m["line"] * 0.8
            + len(legend) * m["line"]
        )
        return QSize(int(width) + 1, int(height) + 1)

    def cell_rect(self, layer: int, column: int) -> QRectF:
        """Where the cell of `layer` (0 at the bottom) in drawn column `column` is."""
        assert self.unrolling is not None
        m = self._metrics()
        top = m["margin"] + m["line"] * 1.2 + m["gap_y"]
        row_from_top = self.unrolling.layers - 1 - layer
        x = m["margin"] + m["left"] + column * (m["cell_w"] + m["gap_x"])
        y = top + row_from_top * (m["cell_h"] + m["gap_y"])
        return QRectF(x, y, m["cell_w"], m["cell_h"])

    # --- painting ---------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        ink = palette.color(QPalette.ColorRole.Text)
        faint = palette.color(QPalette.ColorRole.PlaceholderText)
        regular, bold, small = self._fonts()
        unrolling = self.unrolling
        if unrolling is None:
            painter.setPen(ink)
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.empty_text
                or translate(
                    "UnrolledView", "Add or select an RNN, GRU or LSTM block to see it unrolled."
                ),
            )
            return
        m = self._metrics()
        pen_width = max(1.5, m["line"] / 14)
        columns = unrolling.columns
        layers = unrolling.layers
        block = unrolling.block
        last_column = len(columns) - 1
        is_lstm = isinstance(block, LSTMBlock)
        output = block.output

        # Layer labels and h_0 on the left.
        for layer in range(layers):
            first = self.cell_rect(layer, 0)
            painter.setFont(regular)
            painter.setPen(faint)
            label_rect = QRectF(m["margin"], first.top(), m["left"] - m["char"] * 4, m["line"])
            painter.drawText(
                label_rect,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                translate("UnrolledView", "layer {number}").format(number=layer),
            )
            zero_rect = QRectF(
                m["margin"], first.top() + m["line"], m["left"] - m["char"] * 4, m["line"]
            )
            painter.drawText(
                zero_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, "h₀ = 0"
            )
            self._arrow(
                painter,
                QPointF(first.left() - m["char"] * 3, first.center().y()),
                QPointF(first.left(), first.center().y()),
                faint,
                pen_width,
            )

        # Arrows along time, between layers, from x_t and to y_t.
        for column, step in enumerate(columns):
            for layer in range(layers):
                cell = self.cell_rect(layer, column)
                if column < last_column:
                    following = self.cell_rect(layer, column + 1)
                    dotted = step is None or columns[column + 1] is None
                    y = cell.center().y() - (m["line"] * 0.25 if block.bidirectional else 0)
                    self._arrow(
                        painter,
                        QPointF(cell.right(), y),
                        QPointF(following.left(), y),
                        ink,
                        pen_width,
                        dotted=dotted,
                    )
                    if block.bidirectional:
                        y = cell.center().y() + m["line"] * 0.25
                        self._arrow(
                            painter,
                            QPointF(following.left(), y),
                            QPointF(cell.right(), y),
                            QColor(BACKWARD_COLOR),
                            pen_width,
                            dotted=dotted,
                        )
                if layer + 1 < layers and step is not None:
                    above = self.cell_rect(layer + 1, column)
                    self._arrow(
                        painter,
                        QPointF(cell.center().x(), cell.top()),
                        QPointF(above.center().x(), above.bottom()),
                        ink,
                        pen_width,
                    )
            if step is None:
                continue
            bottom = self.cell_rect(0, column)
            top = self.cell_rect(layers - 1, column)
            x_label = QRectF(
                bottom.left(), bottom.bottom() + m["gap_y"], bottom.width(), m["line"] * 1.2
            )
            self._arrow(
                painter,
                QPointF(bottom.center().x(), x_label.top()),
                QPointF(bottom.center().x(), bottom.bottom()),
                ink,
                pen_width,
            )
            painter.setFont(regular)
            painter.setPen(ink)
            painter.drawText(x_label, Qt.AlignmentFlag.AlignCenter, f"x{subscript(step)}")
            y_label = QRectF(
                top.left(), top.top() - m["gap_y"] - m["line"] * 1.2, top.width(), m["line"] * 1.2
            )
            passed = output == "sequence" or (output == "last_step" and column == last_column)
            color = QColor(PASSED_ON_COLOR) if passed else faint
            self._arrow(
                painter,
                QPointF(top.center().x(), top.top()),
                QPointF(top.center().x(), y_label.bottom()),
                color,
                pen_width * (1.6 if passed else 1.0),
            )
            painter.setFont(bold if passed else regular)
            painter.setPen(color)
            painter.drawText(y_label, Qt.AlignmentFlag.AlignCenter, f"y{subscript(step)}")

        # The cells.
        for column, step in enumerate(columns):
            for layer in range(layers):
                cell = self.cell_rect(layer, column)
                if step is None:
                    painter.setFont(bold)
                    painter.setPen(ink)
                    painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, "…")
                    continue
                path = QPainterPath()
                path.addRoundedRect(cell, m["char"], m["char"])
                painter.fillPath(path, palette.color(QPalette.ColorRole.Base))
                painter.setPen(QPen(ink, pen_width))
                painter.drawPath(path)
                painter.setFont(bold)
                text = f"h{subscript(step)}"
                if is_lstm:
                    text += f" c{subscript(step)}"
                painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, text)

        # h_n on the right: the last step's state of every layer.
        last_top = self.cell_rect(layers - 1, last_column)
        last_bottom = self.cell_rect(0, last_column)
        box = QRectF(
            last_top.right() + m["char"] * 5,
            last_top.top(),
            m["right"] - m["char"] * 6,
            last_bottom.bottom() - last_top.top(),
        )
        final = output in ("final_hidden", "final_cell")
        color = QColor(PASSED_ON_COLOR) if final else ink
        for layer in range(layers):
            cell = self.cell_rect(layer, last_column)
            self._arrow(
                painter,
                QPointF(cell.right(), cell.center().y() + m["line"] * 0.45),
                QPointF(box.left(), cell.center().y() + m["line"] * 0.45),
                color,
                pen_width,
            )
        painter.setPen(QPen(color, pen_width * (1.6 if final else 1.0)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(box, m["char"], m["char"])
        painter.setFont(bold)
        painter.drawText(
            box,
            Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
            "h_n\nc_n" if is_lstm else "h_n",
        )

        # The legend of shapes.
        painter.setFont(regular)
        painter.setPen(ink)
        y = last_bottom.bottom() + m["gap_y"] + m["line"] * 1.2 + m["line"] * 0.8
        for text in self.legend_lines():
            painter.drawText(
                QRectF(m["margin"], y, self.width() - m["margin"], m["line"]),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                text,
            )
            y += m["line"]
        painter.setFont(small)

    def _arrow(
        self,
        painter: QPainter,
        start: QPointF,
        end: QPointF,
        color: QColor,
        width: float,
        *,
        dotted: bool = False,
    ) -> None:
        pen = QPen(color, width, Qt.PenStyle.DotLine if dotted else Qt.PenStyle.SolidLine)
        painter.setPen(pen)
        direction = end - start
        length = max((direction.x() ** 2 + direction.y() ** 2) ** 0.5, 1e-6)
        unit = QPointF(direction.x() / length, direction.y() / length)
        head = min(width * 4, length / 2)
        painter.drawLine(start, end - unit * head * 0.8)
        normal = QPointF(-unit.y(), unit.x())
        base = end - unit * head
        painter.setPen(QPen(color, 1))
        painter.setBrush(color)
        painter.drawPolygon(
            QPolygonF([end, base + normal * head * 0.5, base - normal * head * 0.5])
        )
        painter.setBrush(Qt.BrushStyle.NoBrush)


class UnrolledView(QWidget):
    """The pane: a title naming the block, and the grid in a scroll area."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setObjectName("unrolled_title")
        self.title.setWordWrap(True)
        self.diagram = UnrolledDiagram()
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.diagram)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        # A pane squeezed short scrolls; it does not make the window taller.
        self.scroll.setMinimumHeight(self.fontMetrics().lineSpacing())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.scroll, 1)
        self._analysis: Analysis | None = None
        self._row = -1
        self.retranslate()

    def retranslate(self) -> None:
        self.diagram.setAccessibleName(translate("UnrolledView", "Unrolled recurrent block"))
        self._show()

    def set_analysis(self, analysis: Analysis, selected_row: int) -> None:
        self._analysis, self._row = analysis, selected_row
        self._show()

    def set_selected_row(self, row: int) -> None:
        if row != self._row:
            self._row = row
            self._show()

    def set_mask(self, mask: AnswerMask) -> None:
        self.diagram.set_mask(mask)

    def _show(self) -> None:
        analysis = self._analysis
        unrolling = unrolling_of(analysis, self._row) if analysis is not None else None
        incoming_stage = "input"
        if unrolling is not None and analysis is not None:
            incoming_stage = analysis.stages[unrolling.row].name
            block = unrolling.block
            text = translate(
                "UnrolledView", "{block} ({kind}) unrolled: {layers} layer(s) × {steps} time steps"
            ).format(
                block=block.name,
                kind=type_title(block.type),
                layers=block.num_layers,
                steps=unrolling.steps,
            )
            if unrolling.steps > MAX_DRAWN_STEPS:
                text += translate("UnrolledView", " (steps 3 to {last} not drawn)").format(
                    last=unrolling.steps - 2
                )
            self.title.setText(text)
        else:
            self.title.setText(translate("UnrolledView", "Unrolled over time"))
        self.diagram.empty_text = ""
        if unrolling is None and analysis is not None:
            blocked = [
                stage.name
                for stage, block in zip(analysis.stages[1:], analysis.project.blocks, strict=True)
                if isinstance(block, _RecurrentBlock) and (stage.errors or stage.blocked_by)
            ]
            if blocked:
                self.diagram.empty_text = translate(
                    "UnrolledView",
                    "{block} has an error, or one above it has: fix it to see it unrolled.",
                ).format(block=blocked[0])
        self.diagram.set_unrolling(unrolling, incoming_stage)
