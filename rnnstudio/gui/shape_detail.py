"""Where each shape comes from: the rule behind the parameter selected in the Parameters tree.

E.g. `rnn1.weight_ih_l0 = [gates × hidden, input] = [4 × 16, 5]`, the count's arithmetic,
and why the columns are what they are, all from the core's `shape_rule`.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from rnnstudio.core.analysis import Analysis
from rnnstudio.core.explain import parameter_by_name, shape_rule

from .exercise_mode import NO_MASK, AnswerMask
from .i18n import current_language
from .parameters_pane import VALUE_ROLE

translate = QCoreApplication.translate


class ShapeDetail(QLabel):
    """A few lines under the Parameters tree about the selected parameter."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shape_detail")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Maximum)
        self.setMargin(6)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self._analysis: Analysis | None = None
        self._parameter: str | None = None
        self._mask = NO_MASK
        self._render()

    @property
    def parameter(self) -> str | None:
        return self._parameter

    def set_analysis(self, analysis: Analysis) -> None:
        self._analysis = analysis
        self._render()

    def set_mask(self, mask: AnswerMask) -> None:
        self._mask = mask
        self._render()

    def show_index(self, index: QModelIndex) -> None:
        """The parameter of a Parameters-tree row (block and total rows show the hint)."""
        name = None
        if index.isValid() and index.parent().isValid():
            value = index.siblingAtColumn(0).data(VALUE_ROLE)
            name = value if isinstance(value, str) else None
        self._parameter = name
        self._render()

    def retranslate(self) -> None:
        self._render()

    def plain_text(self) -> str:
        """The shown text without markup (for tests and screen readers)."""
        return self.accessibleDescription()

    def _render(self) -> None:
        lines = self._lines()
        self.setAccessibleDescription("\n".join(lines))
        if len(lines) == 1:
            self.setText(html.escape(lines[0]))
            return
        first, *rest = lines
        self.setText(
            f"<b>{html.escape(first)}</b><br>" + "<br>".join(html.escape(line) for line in rest)
        )

    def _lines(self) -> list[str]:
        analysis, name = self._analysis, self._parameter
        hint = translate(
            "ShapeDetail", "Select a parameter to see where its shape and count come from."
        )
        if analysis is None or name is None:
            return [hint]
        try:
            parameter = parameter_by_name(analysis, name)
        except KeyError:
            return [hint]
        if self._mask.hides_parameter(name):
            return [
                translate("ShapeDetail", "{name}: hidden until your answer is checked.").format(
                    name=name
                )
            ]
        rule = shape_rule(analysis, parameter, current_language())
        lines = [f"{name} = {rule.rule} = {rule.numbers}"]
        if not self._mask.counts:
            lines.append(translate("ShapeDetail", "Count: {count}").format(count=rule.count))
        lines.append(rule.reason[:1].upper() + rule.reason[1:] + ".")
        return lines
