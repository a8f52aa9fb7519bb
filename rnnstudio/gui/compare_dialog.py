"""Compare: one recurrent block with the same settings as RNN, GRU and LSTM, side by side.

Each column is the core's analysis of the project with that block's type changed:
parameter shapes and counts, what the block passes on, and its state (h vs (h, c)).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rnnstudio.core.analysis import Analysis, analyze
from rnnstudio.core.explain import GATES
from rnnstudio.core.project_io import updated
from rnnstudio.core.spec import BLOCK_CLASSES, Project, _RecurrentBlock

from .i18n import current_language
from .texts import count_text, type_title

translate = QCoreApplication.translate

# Left to right by the number of gates: 1, 3, 4.
COMPARED_TYPES = ("rnn", "gru", "lstm")


def variant_block(block: _RecurrentBlock, block_type: str) -> _RecurrentBlock:
    """The same settings as another recurrent type (LSTM-only or RNN-only ones dropped)."""
    model = BLOCK_CLASSES[block_type]
    data: dict[str, Any] = {
        key: value
        for key, value in block.model_dump().items()
        if key in model.model_fields and key != "type"
    }
    if block_type != "lstm" and data.get("output") == "final_cell":
        data["output"] = "final_hidden"
    variant = model.model_validate({"type": block_type, **data})
    assert isinstance(variant, _RecurrentBlock)
    return variant


@dataclass(frozen=True)
class Variant:
    block_type: str
    analysis: Analysis
    block: _RecurrentBlock

    @property
    def stage(self) -> Any:
        return self.analysis.stage(self.block.name)

    @property
    def parameters(self) -> tuple[Any, ...]:
        return self.analysis.block_parameters(self.block.name)

    @property
    def block_count(self) -> int:
        return sum(parameter.numel for parameter in self.parameters)


def compare(project: Project, row: int) -> dict[str, Variant]:
    """RNN, GRU and LSTM versions of block `row`, each analysed by the core."""
    original = project.blocks[row]
    assert isinstance(original, _RecurrentBlock)
    variants = {}
    for block_type in COMPARED_TYPES:
        block = variant_block(original, block_type)
        blocks = (*project.blocks[:row], block, *project.blocks[row + 1 :])
        variants[block_type] = Variant(block_type, analyze(updated(project, blocks=blocks)), block)
    return variants


def recurrent_row(project: Project, selected_row: int) -> int | None:
    """The selected block if recurrent, else the first recurrent block, else None."""
    rows = [row for row, block in enumerate(project.blocks) if isinstance(block, _RecurrentBlock)]
    if not rows:
        return None
    return selected_row if selected_row in rows else rows[0]


def _shape(info: Any) -> str:
    return "—" if info is None else "[" + ", ".join(str(size) for size in info.shape) + "]"


class CompareDialog(QDialog):
    """A table: one row per fact, one column per recurrent type."""

    def __init__(self, project: Project, row: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compare_dialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.project, self.row = project, row
        self.block = project.blocks[row]
        self.variants = compare(project, row)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.table = QTableWidget()
        self.table.setObjectName("compare_table")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.note = QLabel()
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.retranslate()

    def rows(self) -> list[tuple[str, list[str]]]:
        """(fact, [RNN, GRU, LSTM]) for every row of the table."""
        lang = current_language()
        variants = [self.variants[kind] for kind in COMPARED_TYPES]
        name = self.block.name
        rows: list[tuple[str, list[str]]] = [
            (
                translate("CompareDialog", "Gates (blocks of rows in each weight)"),
                [str(GATES[variant.block_type]) for variant in variants],
            ),
            (
                translate("CompareDialog", "Parameters of {block}").format(block=name),
                [count_text(variant.block_count) for variant in variants],
            ),
        ]
        local_names: list[str] = []
        for variant in variants:
            for parameter in variant.parameters:
                if parameter.local_name not in local_names:
                    local_names.append(parameter.local_name)
        for local_name in local_names:
            cells = []
            for variant in variants:
                found = [p for p in variant.parameters if p.local_name == local_name]
                cells.append(_shape(found[0]) if found else "—")
            rows.append((f"{name}.{local_name}", cells))
        rows.append(
            (
                translate("CompareDialog", "Total parameters of the model"),
                [
                    ("" if variant.analysis.complete else "≥ ")
                    + count_text(variant.analysis.total_parameters)
                    for variant in variants
                ],
            )
        )
        rows.append(
            (
                translate("CompareDialog", "What {block} passes on").format(block=name),
                [
                    variant.stage.output.describe(lang) if variant.stage.output else "—"
                    for variant in variants
                ],
            )
        )
        state_cells = []
        for variant in variants:
            state = variant.stage.state
            if "c_n" in state:
                # Two lines: the pair (h, c) stays narrow at any text size.
                state_cells.append(f"(h_n {_shape(state['h_n'])},\n c_n {_shape(state['c_n'])})")
            elif "h_n" in state:
                state_cells.append(f"h_n {_shape(state['h_n'])}")
            else:
                state_cells.append("—")
        rows.append((translate("CompareDialog", "State returned with y"), state_cells))
        rows.append(
            (
                translate("CompareDialog", "Output of the model"),
                [_shape(variant.analysis.output) for variant in variants],
            )
        )
        return rows

    def retranslate(self) -> None:
        block = self.block
        self.setWindowTitle(
            translate("CompareDialog", "Compare {block} as RNN, GRU and LSTM").format(
                block=block.name
            )
        )
        self.heading.setText(
            translate(
                "CompareDialog",
                "The same settings for {block} (hidden_size {hidden}, num_layers {layers}, "
                "bidirectional {bidirectional}) in each recurrent type; the column of its "
                "current type is in bold.",
            ).format(
                block=block.name,
                hidden=block.hidden_size,
                layers=block.num_layers,
                bidirectional=block.bidirectional,
            )
        )
        self.note.setText(
            translate(
                "CompareDialog",
                "GRU has 3 gates and LSTM 4, so their weights have 3× and 4× the rows of an "
                "RNN's. Only the LSTM returns a cell state c besides h.",
            )
        )
        rows = self.rows()
        self.table.clear()
        self.table.setRowCount(len(rows))
        self.table.setColumnCount(len(COMPARED_TYPES))
        self.table.setHorizontalHeaderLabels([type_title(kind) for kind in COMPARED_TYPES])
        self.table.setVerticalHeaderLabels([label for label, _cells in rows])
        current = COMPARED_TYPES.index(block.type)
        header_item = self.table.horizontalHeaderItem(current)
        bold = QFont(self.font())
        bold.setBold(True)
        header_item.setFont(bold)
        header_item.setToolTip(translate("CompareDialog", "The block's current type"))
        for row, (_label, cells) in enumerate(rows):
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if column == current:
                    item.setFont(bold)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.resizeColumnsToContents()
        # Big enough for the whole table (at any text size), within the screen.
        vertical, horizontal = self.table.verticalHeader(), self.table.horizontalHeader()
        frame = 2 * self.table.frameWidth()
        table_width = vertical.sizeHint().width() + horizontal.length() + frame
        table_height = horizontal.sizeHint().height() + vertical.length() + frame
        margins = self.layout().contentsMargins()
        width = table_width + margins.left() + margins.right() + 4
        extra = sum(
            widget.sizeHint().height() + self.layout().spacing()
            for widget in (self.heading, self.note)
        )
        height = table_height + extra + 3 * self.fontMetrics().lineSpacing()
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is not None:
            width = min(width, int(screen.width() * 0.95))
            height = min(height, int(screen.height() * 0.9))
        self.resize(max(width, self.fontMetrics().averageCharWidth() * 60), height)

    def cell_text(self, row: int, block_type: str) -> str:
        item = self.table.item(row, COMPARED_TYPES.index(block_type))
        return item.text() if item is not None else ""
