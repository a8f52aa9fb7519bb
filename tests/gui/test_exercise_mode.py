"""Exercise mode, driven like a student: answers hidden, wrong then right, marks, score, report.

Every right answer is measured on a hand-written torch module (torch_reference); every mark
and explanation must be what the core's check_answer says about the typed text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import FakeDialogs
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget
from torch_reference import reference_facts

from rnnstudio.core.analysis import analyze
from rnnstudio.core.examples import load_example
from rnnstudio.core.exercises import (
    HiddenShapeQuestion,
    ParameterShapeQuestion,
    SoftmaxAxisQuestion,
    StageShapeQuestion,
    TotalParametersQuestion,
    check_answer,
    load_exercise,
    load_shipped_exercise,
    questions_from_project,
)
from rnnstudio.gui.exercise_dialogs import ExerciseChoice
from rnnstudio.gui.exercise_mode import HIDDEN_TEXT
from rnnstudio.gui.i18n import install_language
from rnnstudio.gui.main_window import MainWindow
from rnnstudio.gui.parameters_pane import COUNT_COLUMN, NAME_COLUMN, SHAPE_COLUMN
from rnnstudio.gui.shapes_pane import H_N_COLUMN
from rnnstudio.gui.shapes_pane import SHAPE_COLUMN as STAGE_SHAPE_COLUMN


@dataclass
class ExerciseDialogs(FakeDialogs):
    """FakeDialogs plus the exercise questions, answered from fields the test sets."""

    exercise_path: Path | None = None
    exercise_choice: ExerciseChoice | None = None
    save_exercise_path: Path | None = None
    report_path: Path | None = None
    choices_asked: list[dict[str, int]] = field(default_factory=list)

    def ask_open_exercise_path(self, directory: str) -> Path | None:
        return self.exercise_path

    def ask_save_exercise_path(self, suggestion: str) -> Path | None:
        return self.save_exercise_path

    def ask_exercise_choice(self, project_name: str, counts: dict[str, int]):
        self.choices_asked.append(counts)
        return self.exercise_choice

    def ask_report_path(self, suggestion: str) -> Path | None:
        return self.report_path


@pytest.fixture
def dialogs() -> ExerciseDialogs:
    return ExerciseDialogs()


def torch_answer(question, project) -> str:
    """The right answer, measured with torch, written as a student might."""
    facts = reference_facts(project)
    stages = {stage.name: stage for stage in facts.stages}
    if isinstance(question, ParameterShapeQuestion):
        shape = next(s for name, s, _count in facts.parameters if name == question.parameter)
        return str(list(shape))
    if isinstance(question, StageShapeQuestion):
        return "x".join(str(size) for size in stages[question.stage].output)
    if isinstance(question, HiddenShapeQuestion):
        return f"torch.Size({list(stages[question.block].h_n)})"
    if isinstance(question, TotalParametersQuestion):
        return f"{facts.total:,}"
    names = [stage.name for stage in facts.stages]
    before = facts.stages[names.index(question.block) - 1]
    block = project.block(question.block)
    return str(block.dim % len(before.output))


def wrong_answer(question, project) -> str:
    """A plausible mistake: rows and columns swapped, batch and time swapped, one too many."""
    right = torch_answer(question, project)
    if isinstance(question, TotalParametersQuestion):
        return str(reference_facts(project).total + 1)
    if isinstance(question, SoftmaxAxisQuestion):
        return "0"
    numbers = [
        int(n) for n in right.replace("torch.Size", "").strip("()[]").replace("x", ",").split(",")
    ]
    if len(numbers) >= 2:
        numbers[0], numbers[1] = numbers[1] + 1, numbers[0]
    else:
        numbers[0] += 1
    return str(numbers)


def type_answers(qtbot, window: MainWindow, answers: list[str]) -> None:
    pane = window.classroom.exercises.pane
    for row, text in zip(pane.rows, answers, strict=True):
        row.answer.clear()
        qtbot.keyClicks(row.answer, text)


def visible_strings(window: MainWindow) -> list[str]:
    texts = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        texts.append(widget.toolTip())
    return texts


def displayed(view, index) -> str:
    """What a cell shows the student (through the view's delegate)."""
    return view.itemDelegate().displayed_text(index)


def test_a_full_exercise_wrong_then_right(qtbot, window: MainWindow, dialogs, tmp_path) -> None:
    window.open_example("rnn_alumno")
    before = window.document.project
    controller = window.classroom.exercises
    action = window.findChild(QAction, "action_exercise_ejercicio_1")
    action.trigger()
    assert controller.active
    qtbot.waitUntil(lambda: controller.dock.isVisible())
    exercise = load_shipped_exercise("ejercicio_1")
    part = exercise.parts[0]
    project = part.project
    assert window.document.project == project
    analysis = analyze(project)
    pane = controller.pane
    assert pane.rows[0].question.text() == "Shape of rnn.weight_ih_l0"
    assert len(pane.rows) == len(part.questions)

    # Every asked fact is hidden in every pane.
    tree, tree_view = window.parameters_pane.model, window.parameters_pane.view
    block = tree.index(0, NAME_COLUMN)
    for child in range(tree.rowCount(block)):
        assert displayed(tree_view, tree.index(child, SHAPE_COLUMN, block)) == HIDDEN_TEXT
        assert displayed(tree_view, tree.index(child, COUNT_COLUMN, block)) == HIDDEN_TEXT
    total_row = tree.index(tree.rowCount() - 1, COUNT_COLUMN)
    assert displayed(tree_view, total_row) == HIDDEN_TEXT
    shapes, shapes_view = window.shapes_pane.model, window.shapes_pane.view
    for row in range(shapes.rowCount()):
        assert displayed(shapes_view, shapes.index(row, STAGE_SHAPE_COLUMN)) == HIDDEN_TEXT
    assert displayed(shapes_view, shapes.index(1, H_N_COLUMN)) == HIDDEN_TEXT
    assert "?" in window.status_parameters.text()
    assert "24" not in window.status_memory.text()
    assert window.input_pane.tensor_line.text() == "x = ?"
    assert all(
        shape == HIDDEN_TEXT for shape, _axes in window.classroom.diagram.diagram.arrow_texts()
    )
    facts = reference_facts(project)
    leaked = [f"{list(shape)}" for _name, shape, _count in facts.parameters if len(shape) == 2]
    leaked += [str(facts.total), f"{facts.total:,}"]
    for text in visible_strings(window):
        assert not any(fact in text for fact in leaked), text
    # Editing is locked: the facts cannot be changed to fit an answer.
    assert not window.properties_pane.scroll.widget().isEnabled()
    assert not window.add_actions["rnn"].isEnabled()

    # Wrong answers: each is marked wrong, with the core's explanation from the model's facts.
    wrong = [wrong_answer(question, project) for question in part.questions]
    type_answers(qtbot, window, wrong)
    qtbot.mouseClick(pane.check_button, Qt.MouseButton.LeftButton)
    for row, question, given in zip(pane.rows, part.questions, wrong, strict=True):
        verdict = check_answer(question, given, analysis, "en")
        assert not verdict.correct
        assert row.mark.text() == "✖ wrong"
        assert row.explanation.isVisible()
        assert row.explanation.text() == verdict.explanation
    layer_two = part.questions.index(ParameterShapeQuestion(parameter="rnn.weight_ih_l1"))
    assert "from layer 2 on" in pane.rows[layer_two].explanation.text()
    assert "[24, 24]" in pane.rows[layer_two].explanation.text()
    assert pane.score.text().startswith(f"Score: 0 of {len(part.questions)}")

    # Right answers, written in the tolerant forms students use.
    right = [torch_answer(question, project) for question in part.questions]
    type_answers(qtbot, window, right)
    qtbot.keyClick(pane.rows[-1].answer, Qt.Key.Key_Return)  # Return in the last one checks
    for row, question, given in zip(pane.rows, part.questions, right, strict=True):
        assert check_answer(question, given, analysis, "en").correct
        assert row.mark.text() == "✔ right"
        assert not row.explanation.isVisible()
    assert pane.score.text().startswith(f"Score: {len(part.questions)} of {len(part.questions)}")
    assert "Whole exercise: 9 of" in pane.score.text()

    # Checked answers are revealed in the panes.
    first = tree.index(0, SHAPE_COLUMN, block)
    assert displayed(tree_view, first) == tree.data(first) == "torch.Size([24, 2])"
    assert window.status_parameters.text() == f"Parameters: {facts.total:,}"

    # The report, as text and as PDF.
    dialogs.report_path = tmp_path / "report.txt"
    pane.student.setText("Ana")
    qtbot.mouseClick(pane.report_button, Qt.MouseButton.LeftButton)
    report = dialogs.report_path.read_text(encoding="utf-8")
    assert "Student: Ana" in report
    assert f"Score: 9 of {sum(len(p.questions) for p in exercise.parts)}" in report
    assert "Shape of rnn.weight_ih_l1" in report and "✔ right" in report
    dialogs.report_path = tmp_path / "report.pdf"
    assert controller.export_report()
    assert dialogs.report_path.read_bytes().startswith(b"%PDF")

    # Another part: its project and its questions.
    pane.part_combo.setCurrentIndex(1)
    assert window.document.project == exercise.parts[1].project
    assert len(pane.rows) == len(exercise.parts[1].questions)
    assert all(row.answer.text() == "" for row in pane.rows)

    # Leaving brings back the project and the panes as they were.
    qtbot.mouseClick(pane.leave_button, Qt.MouseButton.LeftButton)
    assert not controller.active
    assert not controller.dock.isVisible()
    assert window.document.project == before
    assert window.properties_pane.scroll.widget().isEnabled()
    assert window.add_actions["lstm"].isEnabled()
    block = tree.index(0, NAME_COLUMN)
    shape_index = tree.index(0, SHAPE_COLUMN, block)
    assert displayed_plain(tree_view, shape_index) == tree.data(shape_index)


def displayed_plain(view, index) -> str:
    """A cell's text through whatever delegate the view has now."""
    from PySide6.QtWidgets import QStyleOptionViewItem

    option = QStyleOptionViewItem()
    view.itemDelegate().initStyleOption(option, index)
    return option.text


def test_leaving_works_when_the_saved_delegate_wrapper_went_stale(window: MainWindow) -> None:
    """The views' own delegates are put back on leaving; a stale Python wrapper of one
    raised "Internal C++ object already deleted" and left every field disabled."""
    import shiboken6

    controller = window.classroom.exercises
    assert controller.open_shipped("ejercicio_1")
    for _view, delegate in controller._saved_delegates:
        shiboken6.invalidate(delegate)
    controller.leave()
    assert not controller.active
    assert window.properties_pane.scroll.widget().isEnabled()
    masks = (controller.parameter_delegate, controller.shapes_delegate)
    for view in (window.parameters_pane.view, window.shapes_pane.view):
        assert view.itemDelegate() not in masks


def test_unreadable_answers_say_how_to_write_them(qtbot, window: MainWindow) -> None:
    controller = window.classroom.exercises
    assert controller.open_shipped("ejercicio_2")
    part = controller.session.part
    answers = ["twenty" for _question in part.questions]
    controller.set_answers(answers)
    controller.check()
    analysis = analyze(part.project)
    for row, question in zip(controller.pane.rows, part.questions, strict=True):
        verdict = check_answer(question, "twenty", analysis, "en")
        assert not verdict.readable
        assert row.mark.text() == "? unreadable"
        assert row.explanation.text() == verdict.explanation


def test_a_softmax_axis_question_hides_the_warning_that_gives_it_away(window: MainWindow) -> None:
    controller = window.classroom.exercises
    exercise = load_shipped_exercise("ejercicio_2")
    index = next(
        number
        for number, part in enumerate(exercise.parts)
        if any(isinstance(q, SoftmaxAxisQuestion) for q in part.questions)
        and analyze(part.project).warnings
    )
    assert controller.open_shipped("ejercicio_2")
    controller.show_part(index)
    part = exercise.parts[index]
    warning = analyze(part.project).warnings[0].message
    assert warning not in window.shapes_pane.notes.text()
    assert warning not in window.status_problems.toolTip()
    for row in range(window.stack_pane.model.rowCount()):
        tooltip = window.stack_pane.model.index(row).data(Qt.ItemDataRole.ToolTipRole) or ""
        assert warning not in tooltip
    # Checked, its explanation names the axis and carries the warning.
    question_number = next(
        n for n, q in enumerate(part.questions) if isinstance(q, SoftmaxAxisQuestion)
    )
    answers = ["" for _q in part.questions]
    answers[question_number] = "2"
    controller.set_answers(answers)
    controller.check()
    explanation = controller.pane.rows[question_number].explanation.text()
    verdict = check_answer(part.questions[question_number], "2", analyze(part.project), "en")
    assert explanation == verdict.explanation
    assert not verdict.correct and warning in explanation


def test_explanations_follow_the_language(qtbot, window: MainWindow) -> None:
    controller = window.classroom.exercises
    assert controller.open_shipped("ejercicio_1")
    part = controller.session.part
    controller.set_answers(["[2, 24]"] + [""] * (len(part.questions) - 1))
    controller.check()
    analysis = analyze(part.project)
    english = check_answer(part.questions[0], "[2, 24]", analysis, "en").explanation
    spanish = check_answer(part.questions[0], "[2, 24]", analysis, "es").explanation
    assert controller.pane.rows[0].explanation.text() == english
    install_language("es")
    try:
        controller.retranslate()
        assert controller.pane.rows[0].explanation.text() == spanish
        assert controller.pane.rows[0].mark.text() == "✖ incorrecto"
        assert controller.pane.title.text() == "Ejercicio 1 — complete el cuadro de dimensiones"
    finally:
        install_language("en")
        controller.retranslate()


def test_opening_another_project_leaves_the_exercise(window: MainWindow) -> None:
    controller = window.classroom.exercises
    assert controller.open_shipped("ejercicio_1")
    window.open_example("rnn_clas")
    assert not controller.active
    assert window.document.project == load_example("rnn_clas")
    assert window.properties_pane.scroll.widget().isEnabled()
    assert not controller.dock.isVisible()


def test_a_damaged_exercise_file_is_explained_and_changes_nothing(
    window, dialogs, tmp_path
) -> None:
    before = window.document.project
    path = tmp_path / "broken.rnnstudio-exercise"
    path.write_text('{"format": "rnnstudio-exercise", "version": 1, "title": 3}', encoding="utf-8")
    dialogs.exercise_path = path
    window.findChild(QAction, "action_open_exercise").trigger()
    assert not window.classroom.exercises.active
    assert window.document.project == before
    [(title, message)] = dialogs.errors
    assert title == "Cannot open the exercise"
    assert "title" in message and "Traceback" not in message


def test_the_teacher_saves_the_open_project_as_an_exercise(window, dialogs, tmp_path) -> None:
    window.open_example("rnn_clas")
    project = window.document.project
    dialogs.exercise_choice = ExerciseChoice(
        "Clasificador", "Complete el cuadro.", frozenset({"parameters", "total"})
    )
    dialogs.save_exercise_path = tmp_path / "clasificador"
    window.findChild(QAction, "action_save_as_exercise").trigger()
    [counts] = dialogs.choices_asked
    assert counts["parameters"] == len(analyze(project).parameters)
    assert counts["softmax_axes"] == 1 and counts["total"] == 1
    saved = tmp_path / "clasificador.rnnstudio-exercise"
    exercise = load_exercise(saved)
    assert exercise.title == "Clasificador"
    assert exercise.parts[0].project == project
    assert exercise.parts[0].questions == questions_from_project(
        project, parameters=True, stages=False, hidden=False, total=True, softmax_axes=False
    )
    assert json.loads(saved.read_text(encoding="utf-8"))["format"] == "rnnstudio-exercise"
    # The student opens it: the questions are those facts.
    dialogs.exercise_path = saved
    assert window.classroom.exercises.open_with_dialog()
    assert len(window.classroom.exercises.pane.rows) == len(exercise.parts[0].questions)


def test_a_model_with_an_error_cannot_become_an_exercise(window, dialogs) -> None:
    window.open_example("rnn_clas")
    from rnnstudio.core.project_io import updated

    project = window.document.project
    broken = updated(
        project, blocks=(updated(project.blocks[0], input_size=7), *project.blocks[1:])
    )
    # Opened as a file (nothing unsaved): the window closes quietly after the test.
    window.document.replace(broken, None)
    dialogs.exercise_choice = ExerciseChoice("x", "", frozenset({"total"}))
    assert not window.classroom.exercises.save_project_as_exercise()
    [(title, message)] = dialogs.errors
    assert title == "Cannot make an exercise"
    assert "input_size 7" in message
    assert dialogs.choices_asked == []


def test_the_teachers_dialog_offers_only_what_the_project_has(qtbot) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from rnnstudio.gui.exercise_dialogs import SaveExerciseDialog

    counts = {"parameters": 8, "stages": 4, "hidden": 2, "total": 1, "softmax_axes": 0}
    dialog = SaveExerciseDialog("clasificador", counts)
    qtbot.addWidget(dialog)
    assert dialog.title.text() == "clasificador"
    assert not dialog.boxes["softmax_axes"].isEnabled()
    assert not dialog.boxes["softmax_axes"].isChecked()
    assert "(8 questions)" in dialog.boxes["parameters"].text()
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    for name in ("stages", "hidden", "total"):
        dialog.boxes[name].setChecked(False)
    assert save.isEnabled()
    dialog.boxes["parameters"].setChecked(False)
    assert not save.isEnabled()
    assert dialog.note.text() == "Choose at least one kind of question."
    dialog.boxes["total"].setChecked(True)
    dialog.instructions.setPlainText("  Complete el cuadro.  ")
    choice = dialog.choice()
    assert choice.groups == frozenset({"total"})
    assert choice.instructions == "Complete el cuadro."
    assert choice.question_options() == {
        "parameters": False,
        "stages": False,
        "hidden": False,
        "total": True,
        "softmax_axes": False,
    }
