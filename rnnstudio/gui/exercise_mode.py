"""Exercise mode: the student answers questions about a model whose answers the panes hide.

`ExerciseSession` is the plain state (answers, what was checked); `AnswerMask` says which
facts stay hidden; `ExercisePane` is the question table with Check and the score;
`report_text` / `report_html` make the report a student hands in. Every verdict and
explanation comes from the core's `check_answer`, in the window's language.
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeySequence,
    QPageSize,
    QPdfWriter,
    QShortcut,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from rnnstudio.core.analysis import Analysis, analyze
from rnnstudio.core.exercises import (
    Exercise,
    ExercisePart,
    HiddenShapeQuestion,
    ParameterShapeQuestion,
    Question,
    SoftmaxAxisQuestion,
    StageShapeQuestion,
    TotalParametersQuestion,
    Verdict,
    check_answer,
    local,
)

from .flow_layout import FlowLayout
from .i18n import current_language
from .theme import ERROR_BACKGROUND, ERROR_COLOR, WARNING_BACKGROUND, WARNING_COLOR

translate = QCoreApplication.translate

RIGHT_COLOR = "#1b5e20"
RIGHT_BACKGROUND = "#e3f4e1"
HIDDEN_TEXT = "?"


# --- state --------------------------------------------------------------------------------


@dataclass
class PartState:
    """One part's answers. `checked[i]` is the text that was checked (None: not checked)."""

    answers: list[str]
    checked: list[str | None]
    revealed: list[bool]  # checked once with an answer: the panes may show it now

    @classmethod
    def empty(cls, count: int) -> PartState:
        return cls([""] * count, [None] * count, [False] * count)


class ExerciseSession:
    """An open exercise: its parts, the student's answers and what has been checked."""

    def __init__(self, exercise: Exercise, source: str) -> None:
        self.exercise = exercise
        self.source = source
        self.analyses: tuple[Analysis, ...] = tuple(analyze(p.project) for p in exercise.parts)
        self.states = [PartState.empty(len(part.questions)) for part in exercise.parts]
        self.part_index = 0

    @property
    def part(self) -> ExercisePart:
        return self.exercise.parts[self.part_index]

    @property
    def analysis(self) -> Analysis:
        return self.analyses[self.part_index]

    @property
    def state(self) -> PartState:
        return self.states[self.part_index]

    def set_answer(self, index: int, text: str) -> None:
        self.state.answers[index] = text

    def check(self) -> None:
        """Check every answered question of the current part; empty ones stay unchecked."""
        state = self.state
        for index, answer in enumerate(state.answers):
            if answer.strip():
                state.checked[index] = answer
                state.revealed[index] = True
            else:
                state.checked[index] = None

    def verdict(self, part_index: int, index: int, lang: str) -> Verdict | None:
        """The verdict on the checked answer, explained in `lang`; None when not checked."""
        given = self.states[part_index].checked[index]
        if given is None:
            return None
        question = self.exercise.parts[part_index].questions[index]
        return check_answer(question, given, self.analyses[part_index], lang)

    def score(self, part_index: int | None = None) -> tuple[int, int]:
        """(right, questions) for one part, or for the whole exercise when None."""
        parts = range(len(self.states)) if part_index is None else (part_index,)
        right = total = 0
        for index in parts:
            questions = self.exercise.parts[index].questions
            total += len(questions)
            for number in range(len(questions)):
                verdict = self.verdict(index, number, "en")
                right += bool(verdict is not None and verdict.correct)
        return right, total

    def checked_parts(self) -> int:
        return sum(any(item is not None for item in state.checked) for state in self.states)


@dataclass(frozen=True)
class AnswerMask:
    """The facts of the current part that the panes must not show yet."""

    parameters: frozenset[str] = frozenset()
    stages: frozenset[str] = frozenset()
    states: frozenset[tuple[str, str]] = frozenset()
    counts: bool = False  # parameter counts, totals and the weights' memory
    active: bool = False  # exercise mode: warnings wait for Check too

    @classmethod
    def of(cls, session: ExerciseSession) -> AnswerMask:
        parameters, stages, states = set(), set(), set()
        counts = False
        for question, revealed in zip(session.part.questions, session.state.revealed, strict=True):
            if revealed:
                continue
            if isinstance(question, ParameterShapeQuestion):
                # Every parameter of its block: bias_hh has bias_ih's shape, and so on.
                block = question.parameter.split(".")[0]
                parameters.update(p.name for p in session.analysis.block_parameters(block))
                counts = True
            elif isinstance(question, TotalParametersQuestion):
                counts = True
            elif isinstance(question, StageShapeQuestion):
                stages.add(question.stage)
            elif isinstance(question, HiddenShapeQuestion):
                # h_n and c_n have the same shape (unless projected): hide both.
                states.update({(question.block, "h_n"), (question.block, "c_n")})
        return cls(frozenset(parameters), frozenset(stages), frozenset(states), counts, True)

    def hides_parameter(self, name: str) -> bool:
        return name in self.parameters

    def hides_stage(self, name: str) -> bool:
        return name in self.stages

    def hides_state(self, block: str, state: str) -> bool:
        return (block, state) in self.states

    @property
    def hides_shapes(self) -> bool:
        return bool(self.stages or self.states)


NO_MASK = AnswerMask()


class MaskDelegate(QStyledItemDelegate):
    """Draws '?' in the cells the mask hides, and keeps their tooltips to itself."""

    def __init__(
        self,
        hides_cell: Callable[[QModelIndex], bool],
        hides_tooltip: Callable[[QModelIndex], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._hides_cell = hides_cell
        self._hides_tooltip = hides_tooltip

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        if index.isValid() and self._hides_cell(QModelIndex(index)):
            option.text = HIDDEN_TEXT

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        if index.isValid() and self._hides_tooltip(QModelIndex(index)):
            QToolTip.showText(event.globalPos(), hidden_note(), view)
            return True
        return super().helpEvent(event, view, option, index)

    def displayed_text(self, index: QModelIndex) -> str:
        """What the cell shows (the masked text in exercise mode)."""
        option = QStyleOptionViewItem()
        self.initStyleOption(option, index)
        return option.text


def hidden_note() -> str:
    return translate("ExercisePane", "Hidden until your answer is checked.")


# --- words --------------------------------------------------------------------------------


def question_text(question: Question) -> str:
    """The question as the student reads it."""
    if isinstance(question, ParameterShapeQuestion):
        return translate("ExercisePane", "Shape of {parameter}").format(
            parameter=question.parameter
        )
    if isinstance(question, StageShapeQuestion):
        if question.stage == "input":
            return translate("ExercisePane", "Shape of the input x")
        return translate("ExercisePane", "Shape of the output of {block}").format(
            block=question.stage
        )
    if isinstance(question, HiddenShapeQuestion):
        return translate("ExercisePane", "Shape of {state} of {block}").format(
            state=question.state, block=question.block
        )
    if isinstance(question, TotalParametersQuestion):
        return translate("ExercisePane", "Total number of parameters of the model")
    assert isinstance(question, SoftmaxAxisQuestion)
    return translate("ExercisePane", "Axis over which {block} normalises (index or name)").format(
        block=question.block
    )


def answer_hint(question: Question) -> str:
    if isinstance(question, TotalParametersQuestion):
        return translate("ExercisePane", "e.g. 5245")
    if isinstance(question, SoftmaxAxisQuestion):
        return translate("ExercisePane", "e.g. 1 or time")
    return translate("ExercisePane", "e.g. [24, 6] or 24x6")


def mark_text(verdict: Verdict | None, answered: bool) -> str:
    if verdict is None:
        return "" if not answered else translate("ExercisePane", "not checked")
    if verdict.correct:
        return translate("ExercisePane", "✔ right")
    if not verdict.readable:
        return translate("ExercisePane", "? unreadable")
    return translate("ExercisePane", "✖ wrong")


def score_text(right: int, total: int) -> str:
    return translate("ExercisePane", "Score: {right} of {total}").format(right=right, total=total)


# --- the report ---------------------------------------------------------------------------


def _report_rows(
    session: ExerciseSession, lang: str
) -> Iterator[tuple[int, ExercisePart, list[tuple[Question, str | None, Verdict | None]]]]:
    for part_index, part in enumerate(session.exercise.parts):
        rows = []
        for index, question in enumerate(part.questions):
            verdict = session.verdict(part_index, index, lang)
            given = session.states[part_index].checked[index]
            rows.append((question, given, verdict))
        yield part_index, part, rows


def report_text(session: ExerciseSession, student: str = "", lang: str | None = None) -> str:
    """A plain-text report: every question, the checked answer, the verdict and why."""
    lang = lang or current_language()
    right, total = session.score()
    lines = [
        translate("ExercisePane", "RNN Studio — exercise report"),
        translate("ExercisePane", "Exercise: {title}").format(
            title=local(session.exercise.title, lang)
        ),
    ]
    if student.strip():
        lines.append(translate("ExercisePane", "Student: {name}").format(name=student.strip()))
    lines.append(
        translate("ExercisePane", "Date: {date}").format(
            date=datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
        )
    )
    lines.append(score_text(right, total))
    for part_index, part, rows in _report_rows(session, lang):
        part_right, part_total = session.score(part_index)
        lines.append("")
        lines.append(f"{local(part.title, lang)}  ({score_text(part_right, part_total)})")
        for number, (question, given, verdict) in enumerate(rows, start=1):
            lines.append(f"  {number}. {question_text(question)}")
            if verdict is None:
                lines.append("     " + translate("ExercisePane", "Not answered."))
                continue
            lines.append(
                "     "
                + translate("ExercisePane", "Answer: {answer}   {mark}").format(
                    answer=given, mark=mark_text(verdict, True)
                )
            )
            if not verdict.correct:
                lines.append(
                    "     "
                    + translate("ExercisePane", "Right answer: {expected}").format(
                        expected=verdict.expected
                    )
                )
                lines.append(f"     {verdict.explanation}")
    return "\n".join(lines) + "\n"


def report_html(session: ExerciseSession, student: str = "", lang: str | None = None) -> str:
    """The same report as HTML, for the PDF."""
    lang = lang or current_language()
    right, total = session.score()
    escape = html.escape
    parts = [
        f"<h2>{escape(translate('ExercisePane', 'RNN Studio — exercise report'))}</h2>",
        "<p>"
        + escape(
            translate("ExercisePane", "Exercise: {title}").format(
                title=local(session.exercise.title, lang)
            )
        ),
    ]
    if student.strip():
        parts.append(
            "<br>"
            + escape(translate("ExercisePane", "Student: {name}").format(name=student.strip()))
        )
    parts.append(
        "<br>"
        + escape(
            translate("ExercisePane", "Date: {date}").format(
                date=datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
            )
        )
    )
    parts.append(f"<br><b>{escape(score_text(right, total))}</b></p>")
    for part_index, part, rows in _report_rows(session, lang):
        part_right, part_total = session.score(part_index)
        parts.append(
            f"<h3>{escape(local(part.title, lang))} — "
            f"{escape(score_text(part_right, part_total))}</h3><ol>"
        )
        for question, given, verdict in rows:
            item = f"<li>{escape(question_text(question))}<br>"
            if verdict is None:
                item += f"<i>{escape(translate('ExercisePane', 'Not answered.'))}</i>"
            else:
                color = RIGHT_COLOR if verdict.correct else ERROR_COLOR
                item += (
                    f"<tt>{escape(given or '')}</tt> "
                    f'<span style="color:{color}"><b>{escape(mark_text(verdict, True))}</b></span>'
                )
                if not verdict.correct:
                    item += "<br>" + escape(
                        translate("ExercisePane", "Right answer: {expected}").format(
                            expected=verdict.expected
                        )
                    )
                    item += f"<br><small>{escape(verdict.explanation)}</small>"
            parts.append(item + "</li>")
        parts.append("</ol>")
    return "".join(parts)


def write_report(path: Path, session: ExerciseSession, student: str = "") -> None:
    """A .pdf path gets a PDF; any other, plain UTF-8 text. Raises OSError on failure."""
    if path.suffix.lower() == ".pdf":
        writer = QPdfWriter(str(path))
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setResolution(300)
        document = QTextDocument()
        document.setHtml(report_html(session, student))
        document.print_(writer)
        del writer  # finishes the file
        if not path.is_file() or path.stat().st_size == 0:
            raise OSError(f"{path}: the PDF could not be written")
        return
    path.write_text(report_text(session, student), encoding="utf-8")


# --- the pane -----------------------------------------------------------------------------


@dataclass
class _QuestionRow:
    number: QLabel
    question: QLabel
    answer: QLineEdit
    mark: QLabel
    explanation: QLabel
    widgets: list[QWidget] = field(default_factory=list)


class ExercisePane(QWidget):
    """The questions of the current part, the student's answers, Check and the score."""

    sig_check_requested = Signal()
    sig_part_requested = Signal(int)
    sig_report_requested = Signal()
    sig_leave_requested = Signal()
    sig_answer_edited = Signal(int, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exercise_pane")
        self._session: ExerciseSession | None = None
        self.title = QLabel()
        self.title.setObjectName("exercise_title")
        self.title.setWordWrap(True)
        title_font = QFont(self.font())
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.instructions = QLabel()
        self.instructions.setObjectName("exercise_instructions")
        self.instructions.setWordWrap(True)
        self.part_label = QLabel()
        self.part_combo = QComboBox()
        self.part_combo.setObjectName("exercise_parts")
        self.part_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.part_combo.currentIndexChanged.connect(self._on_part_combo_index_changed)
        self.part_label.setBuddy(self.part_combo)
        part_row = QHBoxLayout()
        part_row.addWidget(self.part_label)
        part_row.addWidget(self.part_combo, 1)

        self._grid_host = QWidget()
        self._grid = QGridLayout(self._grid_host)
        self._grid.setColumnStretch(1, 1)
        self._grid.setHorizontalSpacing(self.fontMetrics().averageCharWidth() * 2)
        self.rows: list[_QuestionRow] = []
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # The statement and the questions scroll together; Check and the score stay in view.
        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(self.title)
        page_layout.addWidget(self.instructions)
        page_layout.addLayout(part_row)
        page_layout.addWidget(self._grid_host, 1)
        scroll.setWidget(page)
        self._fit_pending = False
        scroll.viewport().installEventFilter(self)
        self.scroll = scroll

        self.student_label = QLabel()
        self.student = QLineEdit()
        self.student.setObjectName("exercise_student")
        self.student_label.setBuddy(self.student)
        student_row = QHBoxLayout()
        student_row.addWidget(self.student_label)
        student_row.addWidget(self.student, 1)

        self.check_button = QPushButton()
        self.check_button.setObjectName("exercise_check")
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self.sig_check_requested)
        self.report_button = QPushButton()
        self.report_button.setObjectName("exercise_report")
        self.report_button.clicked.connect(self.sig_report_requested)
        self.leave_button = QPushButton()
        self.leave_button.setObjectName("exercise_leave")
        self.leave_button.clicked.connect(self.sig_leave_requested)
        self.score = QLabel()
        self.score.setObjectName("exercise_score")
        score_font = QFont(self.font())
        score_font.setBold(True)
        self.score.setFont(score_font)
        self.score.setWordWrap(True)
        # The buttons wrap onto two lines when the pane is narrow or the text large.
        buttons = FlowLayout()
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.report_button)
        buttons.addWidget(self.leave_button)
        shortcut = QShortcut(QKeySequence("Ctrl+Return"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.sig_check_requested)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.score)
        layout.addLayout(student_row)
        layout.addLayout(buttons)
        self.retranslate()

    # --- texts ----------------------------------------------------------------------------

    def retranslate(self) -> None:
        """Every text in the window's language (the questions and explanations too)."""
        self.part_label.setText(translate("ExercisePane", "Part:"))
        self.student_label.setText(translate("ExercisePane", "Your name:"))
        self.student.setToolTip(translate("ExercisePane", "Written at the top of the report"))
        self.check_button.setText(translate("ExercisePane", "Check"))
        self.check_button.setToolTip(
            translate("ExercisePane", "Check every answer of this part (Ctrl+Return)")
        )
        self.report_button.setText(translate("ExercisePane", "Export report…"))
        self.report_button.setToolTip(
            translate("ExercisePane", "Save the answers, marks and score as text or PDF")
        )
        self.leave_button.setText(translate("ExercisePane", "Leave exercise"))
        self.leave_button.setToolTip(
            translate("ExercisePane", "Back to the project that was open, with every pane shown")
        )
        if self._session is not None:
            self._show_texts()

    def _show_texts(self) -> None:
        session = self._session
        assert session is not None
        lang = current_language()
        exercise = session.exercise
        self.title.setText(local(exercise.title, lang))
        instructions = local(exercise.instructions, lang)
        self.instructions.setText(instructions)
        self.instructions.setVisible(bool(instructions))
        self.part_combo.blockSignals(True)
        try:
            for index, part in enumerate(exercise.parts):
                self.part_combo.setItemText(index, local(part.title, lang))
        finally:
            self.part_combo.blockSignals(False)
        for row, question in zip(self.rows, session.part.questions, strict=True):
            row.question.setText(question_text(question))
            row.answer.setPlaceholderText(answer_hint(question))
            row.answer.setAccessibleName(question_text(question))
        self.show_marks()

    # --- content --------------------------------------------------------------------------

    @property
    def session(self) -> ExerciseSession | None:
        return self._session

    def set_session(self, session: ExerciseSession | None) -> None:
        self._session = session
        self.part_combo.blockSignals(True)
        try:
            self.part_combo.clear()
            if session is not None:
                for part in session.exercise.parts:
                    self.part_combo.addItem(local(part.title, current_language()))
        finally:
            self.part_combo.blockSignals(False)
        if session is None:
            self._build_rows(())
            return
        self.show_part()

    def show_part(self) -> None:
        """The questions of the session's current part, with the answers typed so far."""
        session = self._session
        assert session is not None
        multiple = len(session.exercise.parts) > 1
        self.part_label.setVisible(multiple)
        self.part_combo.setVisible(multiple)
        self.part_combo.blockSignals(True)
        self.part_combo.setCurrentIndex(session.part_index)
        self.part_combo.blockSignals(False)
        self._build_rows(session.part.questions)
        for row, answer in zip(self.rows, session.state.answers, strict=True):
            row.answer.blockSignals(True)
            row.answer.setText(answer)
            row.answer.blockSignals(False)
        self._show_texts()
        self._fit_page()

    def _build_rows(self, questions: tuple[Question, ...]) -> None:
        for row in self.rows:
            for widget in row.widgets:
                self._grid.removeWidget(widget)
                widget.deleteLater()
        self.rows = []
        answer_width = self.fontMetrics().horizontalAdvance("[64, 64, 64]")
        for index, _question in enumerate(questions):
            number = QLabel(f"{index + 1}.")
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            label = QLabel()
            label.setWordWrap(True)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            answer = QLineEdit()
            answer.setObjectName(f"exercise_answer_{index}")
            answer.setMinimumWidth(answer_width)
            answer.textEdited.connect(
                lambda text, index=index: self._on_answer_text_edited(index, text)
            )
            answer.returnPressed.connect(lambda index=index: self._on_answer_return_pressed(index))
            label.setBuddy(answer)
            mark = QLabel()
            mark.setObjectName(f"exercise_mark_{index}")
            mark.setMinimumWidth(self._mark_width())
            explanation = QLabel()
            explanation.setObjectName(f"exercise_explanation_{index}")
            explanation.setWordWrap(True)
            explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            explanation.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            explanation.hide()
            grid_row = 2 * index
            self._grid.addWidget(number, grid_row, 0)
            self._grid.addWidget(label, grid_row, 1)
            self._grid.addWidget(answer, grid_row, 2)
            self._grid.addWidget(mark, grid_row, 3)
            self._grid.addWidget(explanation, grid_row + 1, 1, 1, 3)
            row = _QuestionRow(number, label, answer, mark, explanation)
            row.widgets = [number, label, answer, mark, explanation]
            self.rows.append(row)
        self._grid.setRowStretch(2 * len(questions), 1)
        if self.rows:
            self.setTabOrder(self.rows[-1].answer, self.student)

    def _mark_width(self) -> int:
        """Room for the longest mark in bold."""
        font = QFont(self.font())
        font.setBold(True)
        metrics = QFontMetrics(font)
        marks = (mark_text(Verdict(ok, ok, "", ""), True) for ok in (True, False))
        extra = translate("ExercisePane", "? unreadable"), translate("ExercisePane", "not checked")
        return max(metrics.horizontalAdvance(text) for text in (*marks, *extra)) + 8

    def show_marks(self) -> None:
        """Each checked answer marked right or wrong, with the explanation, and the score."""
        session = self._session
        if session is None:
            return
        lang = current_language()
        for index, row in enumerate(self.rows):
            verdict = session.verdict(session.part_index, index, lang)
            answered = bool(session.state.answers[index].strip())
            row.mark.setText(mark_text(verdict, answered and verdict is not None))
            if verdict is None:
                row.mark.setStyleSheet("")
                row.answer.setStyleSheet("")
                row.explanation.hide()
                continue
            if verdict.correct:
                color, background = RIGHT_COLOR, RIGHT_BACKGROUND
            elif verdict.readable:
                color, background = ERROR_COLOR, ERROR_BACKGROUND
            else:
                color, background = WARNING_COLOR, WARNING_BACKGROUND
            row.mark.setStyleSheet(f"color: {color}; font-weight: bold;")
            row.answer.setStyleSheet(f"QLineEdit {{ background: {background}; }}")
            row.explanation.setText(verdict.explanation)
            row.explanation.setStyleSheet(f"color: {color};")
            row.explanation.setVisible(not verdict.correct)
        self._show_score()
        self._fit_page()

    def _show_score(self) -> None:
        session = self._session
        assert session is not None
        if not any(item is not None for item in session.state.checked):
            self.score.setText(translate("ExercisePane", "Type your answers, then press Check."))
            return
        right, total = session.score(session.part_index)
        text = score_text(right, total)
        if len(session.exercise.parts) > 1:
            all_right, all_total = session.score()
            text += "   ·   " + translate(
                "ExercisePane",
                "Whole exercise: {right} of {total} ({checked} of {parts} parts checked)",
            ).format(
                right=all_right,
                total=all_total,
                checked=session.checked_parts(),
                parts=len(session.exercise.parts),
            )
        self.score.setText(text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.scroll.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_page()
        return False

    def _fit_page(self) -> None:
        """Soon (once the layout has taken in the new texts): see _fit_page_now."""
        if not self._fit_pending:
            self._fit_pending = True
            QTimer.singleShot(0, self, self._fit_page_now)

    def _fit_page_now(self) -> None:
        """Give each wrapped text the height its lines need at the page's width, so the
        questions scroll instead of being squeezed (a scroll area does not reliably ask
        wrapped labels how tall they are)."""
        self._fit_pending = False
        width = self.scroll.viewport().width()
        if width <= 0:
            return
        grid_margins = self._grid.contentsMargins()
        number_width = max((row.number.sizeHint().width() for row in self.rows), default=0)
        indent = number_width + self._grid.horizontalSpacing() + grid_margins.left()
        spacing = self._grid.horizontalSpacing()
        answer_width = max((row.answer.minimumWidth() for row in self.rows), default=0)
        mark_width = max((row.mark.minimumWidth() for row in self.rows), default=0)
        question = width - indent - answer_width - mark_width - 2 * spacing - grid_margins.right()
        texts = [(self.title, width), (self.instructions, width)]
        texts += [(row.question, question) for row in self.rows]
        texts += [(row.explanation, width - indent - grid_margins.right()) for row in self.rows]
        for label, available in texts:
            if available <= 0:
                continue
            box = label.fontMetrics().boundingRect(
                0, 0, available, 1_000_000, int(Qt.TextFlag.TextWordWrap), label.text()
            )
            height = box.height() + 2 * label.margin() if label.text() else 0
            if label.minimumHeight() != height:
                label.setMinimumHeight(height)

    def answer_texts(self) -> list[str]:
        return [row.answer.text() for row in self.rows]

    # --- events ---------------------------------------------------------------------------

    def _on_answer_text_edited(self, index: int, text: str) -> None:
        self.sig_answer_edited.emit(index, text)

    def _on_answer_return_pressed(self, index: int) -> None:
        if index + 1 < len(self.rows):
            self.rows[index + 1].answer.setFocus()
        else:
            self.sig_check_requested.emit()

    def _on_part_combo_index_changed(self, index: int) -> None:
        if index >= 0:
            self.sig_part_requested.emit(index)
