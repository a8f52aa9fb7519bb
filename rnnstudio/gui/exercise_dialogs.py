"""The teacher's dialog: which facts of the open project a new exercise asks about."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

translate = QCoreApplication.translate

# The keyword arguments of core.exercises.questions_from_project, in the order shown.
QUESTION_GROUPS = ("parameters", "stages", "hidden", "total", "softmax_axes")


def group_title(group: str) -> str:
    titles = {
        "parameters": translate("SaveExerciseDialog", "Shape of every parameter"),
        "stages": translate("SaveExerciseDialog", "Shape of the input and of each block's output"),
        "hidden": translate("SaveExerciseDialog", "Shape of h_n of each recurrent block"),
        "total": translate("SaveExerciseDialog", "Total number of parameters"),
        "softmax_axes": translate("SaveExerciseDialog", "Axis each softmax normalises over"),
    }
    return titles[group]


@dataclass(frozen=True)
class ExerciseChoice:
    """What the teacher chose: a title, instructions and the kinds of facts to ask."""

    title: str
    instructions: str
    groups: frozenset[str]

    def question_options(self) -> dict[str, bool]:
        """Keyword arguments for questions_from_project."""
        return {group: group in self.groups for group in QUESTION_GROUPS}


class SaveExerciseDialog(QDialog):
    """Title, instructions, and one box per kind of fact, with how many questions it makes."""

    def __init__(
        self, project_name: str, counts: Mapping[str, int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("save_exercise_dialog")
        self.setWindowTitle(translate("SaveExerciseDialog", "Save as exercise"))
        self.title = QLineEdit(project_name)
        self.title.setObjectName("exercise_title_edit")
        self.instructions = QPlainTextEdit()
        self.instructions.setObjectName("exercise_instructions_edit")
        self.instructions.setPlaceholderText(
            translate(
                "SaveExerciseDialog",
                "What the students should do, e.g. write each shape like [24, 6].",
            )
        )
        self.instructions.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        form = QFormLayout()
        form.addRow(translate("SaveExerciseDialog", "Title:"), self.title)
        form.addRow(translate("SaveExerciseDialog", "Instructions:"), self.instructions)
        group = QGroupBox(translate("SaveExerciseDialog", "Ask the students for"))
        boxes = QVBoxLayout(group)
        self.boxes: dict[str, QCheckBox] = {}
        for name in QUESTION_GROUPS:
            count = counts.get(name, 0)
            box = QCheckBox(
                translate("SaveExerciseDialog", "{what} ({count} questions)").format(
                    what=group_title(name), count=count
                )
            )
            box.setObjectName(f"ask_{name}")
            box.setChecked(count > 0)
            box.setEnabled(count > 0)
            box.toggled.connect(self._on_box_toggled)
            boxes.addWidget(box)
            self.boxes[name] = box
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(group)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self._on_box_toggled()

    def _on_box_toggled(self, _checked: bool = False) -> None:
        chosen = any(box.isChecked() for box in self.boxes.values())
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(chosen)
        self.note.setText(
            ""
            if chosen
            else translate("SaveExerciseDialog", "Choose at least one kind of question.")
        )

    def choice(self) -> ExerciseChoice:
        return ExerciseChoice(
            title=self.title.text().strip(),
            instructions=self.instructions.toPlainText().strip(),
            groups=frozenset(name for name, box in self.boxes.items() if box.isChecked()),
        )
