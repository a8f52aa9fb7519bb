"""The Run pane: feed the model a signal, watch every layer's hidden state, walk through time.

The pane edits only the project's input signal (an undoable edit through the Document, so it
is saved in the file). After every change of the project it asks the core what a run would
take (``plan_run``): a quick run starts by itself, a longer one waits for the Run button,
one over the memory budget is refused with the numbers. Runs go to a RunController (worker
threads); the figures come from rnnstudio.plots, the numbers of the time step panel from
rnnstudio.core.step_terms. Nothing here computes a model fact.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import shiboken6
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg, NavigationToolbar2QT
from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from rnnstudio.core.analysis import BATCH, Analysis, analyze
from rnnstudio.core.errors import ModelError, ProjectError, format_bytes
from rnnstudio.core.project_io import updated
from rnnstudio.core.run_output import csv_file_count, run_arrays, save_csv_tables, save_npz
from rnnstudio.core.run_plan import RunPlan, RunResult, RunWeights, plan_run, run_project
from rnnstudio.core.signals import (
    DEFAULT_SIGNAL,
    MAX_SEED,
    SIGNAL_CLASSES,
    signal_field_specs,
    signal_kinds,
)
from rnnstudio.core.spec import Project, RNNBlock, _RecurrentBlock
from rnnstudio.core.step_terms import RNNUpdateTerms, last_step_check, rnn_update_terms
from rnnstudio.plots.base import CursorBlitter
from rnnstudio.plots.hidden import DEFAULT_LINE_UNITS, MAX_LINES, HiddenStateFigure
from rnnstudio.plots.output import OutputFigure
from rnnstudio.plots.step import StepFigure

from .dialogs import Dialogs
from .document import Document
from .error_text import error_text
from .forms import FieldForm, PathEditor, messages_html
from .i18n import current_language
from .i18n import notifier as language_notifier
from .run_worker import CANCELLED, FAILED, FINISHED, RUNNING, RunController, RunRequest
from .scrubber import TimeScrubber
from .settings import memory_budget, notifier
from .theme import monospace_font

# A CSV export writes one file per array and batch item; more than this asks for NPZ.
MAX_CSV_FILES = 1000
# Units whose update terms the time step panel spells out.
TERM_UNITS = 3
_VALUES_IN_NOTE = 4


def _number(value: float) -> str:
    """A value as the panels print it: 3 decimals, a real minus sign."""
    return f"{value:+.3f}".replace("-", "−").replace("+", " ")


def _vector(values: np.ndarray, count: int = _VALUES_IN_NOTE) -> str:
    shown = ", ".join(_number(value).strip() for value in values[:count])
    return f"[{shown}{', …' if len(values) > count else ''}]"


def duration_text(seconds: float) -> str:
    if seconds < 1.0:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.1f} s"
    return f"{seconds / 60:.0f} min"


class PlotToolbar(NavigationToolbar2QT):
    """matplotlib's toolbar without the subplot and style editors (the layout is automatic).

    matplotlib keeps Python wrappers of its QActions in ``_actions`` and uses them on every
    figure.clear(). PySide can invalidate such wrappers while the actions live on, and a
    stale one raised "Internal C++ object already deleted" mid-refresh; so ``_actions``
    hands out fresh wrappers, found by object name, whenever a stored one is stale.
    """

    toolitems: ClassVar = [
        item
        for item in NavigationToolbar2QT.toolitems
        if item[0] in ("Home", "Back", "Forward", "Pan", "Zoom", "Save", None)
    ]
    _ACTION_PREFIX = "plot_toolbar_"

    def __init__(self, canvas: FigureCanvasQTAgg, parent: QWidget, coordinates: bool) -> None:
        self._action_wrappers: dict[str, QAction] = {}
        super().__init__(canvas, parent, coordinates=coordinates)
        for name, action in self._action_wrappers.items():
            action.setObjectName(self._ACTION_PREFIX + name)

    @property
    def _actions(self) -> dict[str, QAction]:
        stored = self._action_wrappers
        if all(shiboken6.isValid(action) for action in stored.values()):
            return stored
        stored.clear()
        for action in self.actions():
            name = action.objectName()
            if name.startswith(self._ACTION_PREFIX):
                stored[name.removeprefix(self._ACTION_PREFIX)] = action
        return stored

    @_actions.setter
    def _actions(self, actions: dict[str, QAction]) -> None:
        self._action_wrappers = actions


def _plot_widget(canvas: FigureCanvasQTAgg, name: str) -> tuple[QWidget, PlotToolbar]:
    """A canvas with its navigation toolbar standing at its left edge."""
    holder = QWidget()
    holder.setObjectName(name)
    toolbar = PlotToolbar(canvas, holder, coordinates=False)
    toolbar.setOrientation(Qt.Orientation.Vertical)
    toolbar.setIconSize(toolbar.iconSize() * 0.8)
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(toolbar)
    layout.addWidget(canvas, 1)
    canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    canvas.setMinimumSize(120, 80)
    return holder, toolbar


def _note_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


class RunPane(QWidget):
    """Input signal, run controls, the hidden-state and output plots, and the time scrubber."""

    def __init__(
        self,
        document: Document,
        *,
        dialogs: Callable[[], Any] | None = None,
        settings: QSettings | None = None,
        run_function: Callable[..., RunResult] = run_project,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.settings = settings if settings is not None else QSettings()
        self._dialogs = dialogs if dialogs is not None else (lambda: Dialogs(self))
        self.controller = RunController(run_function, self)
        self._result: RunResult | None = None
        self._selected_block: str | None = None
        self._shown_block: str | None = None
        self._line_units: dict[str, tuple[int, ...]] = {}
        self._signal_forms: dict[str, FieldForm] = {}
        self._shown_kind = ""
        self._applying_signal_edit = False
        self._plan: RunPlan | None = None
        self._run_clock = QElapsedTimer()
        self._last_run_ms = 0.0
        self._refusal = ""
        self._term_cache: RNNUpdateTerms | None = None
        self._table_shape: tuple[object, ...] | None = None
        # (before, after) training, given by the Training pane; None: only the weights seed.
        self._training_weights: tuple[RunWeights, RunWeights] | None = None

        self._build_controls()
        self._build_plots()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.controls)
        layout.addWidget(self.message_area)
        layout.addWidget(self.body, 1)

        # A burst of edits (typing a number) plans and runs once, after the burst.
        self._plan_timer = QTimer(self)
        self._plan_timer.setSingleShot(True)
        self._plan_timer.setInterval(0)
        self._plan_timer.timeout.connect(self._on_plan_timer_timeout)

        self.controller.sig_run_state_changed.connect(self._on_controller_run_state_changed)
        self.controller.sig_progress_changed.connect(self._on_controller_progress_changed)
        self.controller.sig_result_changed.connect(self._on_controller_result_changed)
        self.document.sig_analysis_changed.connect(self._on_document_analysis_changed)
        notifier().sig_memory_budget_changed.connect(self._on_settings_memory_budget_changed)
        language_notifier().sig_language_changed.connect(self._on_language_changed)
        self._on_document_analysis_changed(self.document.analysis)

    # --- construction -----------------------------------------------------------------------------

    def _build_controls(self) -> None:
        self.controls = QWidget()

        self.signal_kind = QComboBox()
        self.signal_kind.setObjectName("signal_kind")
        for kind in signal_kinds():
            self.signal_kind.addItem(self._kind_title(kind), kind)
        self.signal_kind.setToolTip(
            self.tr("What is fed to the model on a run; saved in the project file.")
        )
        self.signal_kind.currentIndexChanged.connect(self._on_signal_kind_index_changed)
        self._signal_pages = QVBoxLayout()
        self._signal_pages.setContentsMargins(0, 0, 0, 0)
        signal_label = QLabel(self.tr("Signal"))
        signal_label.setBuddy(self.signal_kind)
        font = signal_label.font()
        font.setBold(True)
        signal_label.setFont(font)
        self.signal_label = signal_label
        signal_row = QHBoxLayout()
        signal_row.addWidget(signal_label)
        signal_row.addWidget(self.signal_kind)
        signal_row.addLayout(self._signal_pages, 1)

        row = QHBoxLayout()
        buttons = QHBoxLayout()
        self.seed_spin = QSpinBox()
        self.seed_spin.setObjectName("run_seed")
        self.seed_spin.setRange(0, min(MAX_SEED, 2**31 - 1))
        self.seed_spin.setToolTip(
            self.tr(
                "Seed of the initial weights: the same seed gives the same weights, as "
                "build_model(project, seed=…) and rnnstudio run --seed do."
            )
        )
        self.seed_spin.valueChanged.connect(self._on_seed_spin_value_changed)
        self.seed_spin.setMaximumWidth(self.fontMetrics().averageCharWidth() * 14)
        self.batch_spin = QSpinBox()
        self.batch_spin.setObjectName("run_batch_item")
        self.batch_spin.setToolTip(self.tr("Which sequence of the batch the plots show."))
        self.batch_spin.valueChanged.connect(self._on_batch_spin_value_changed)
        self.auto_run_check = QCheckBox(self.tr("Auto-run"))
        self.auto_run_check.setObjectName("run_auto")
        self.auto_run_check.setChecked(True)
        self.auto_run_check.setToolTip(
            self.tr(
                "Runs estimated under {time} start by themselves after every change; longer "
                "ones wait for the Run button."
            ).format(time=duration_text(0.1))
        )
        self.auto_run_check.toggled.connect(self._on_auto_run_check_toggled)
        self.run_button = QPushButton(self.tr("Run"))
        self.run_button.setObjectName("run_button")
        self.run_button.clicked.connect(self._on_run_button_clicked)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("run_cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("run_progress")
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumWidth(self.fontMetrics().averageCharWidth() * 14)
        self.progress_bar.hide()
        self.export_button = QToolButton()
        self.export_button.setObjectName("run_export")
        self.export_button.setText(self.tr("Export"))
        self.export_button.setToolTip(
            self.tr("Save the run's input, output and every hidden state, as rnnstudio run does")
        )
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        export_menu = QMenu(self.export_button)
        self.action_export_npz = QAction(self.tr("Arrays as one NPZ file…"), self)
        self.action_export_npz.setObjectName("action_export_npz")
        self.action_export_npz.triggered.connect(self.export_npz)
        self.action_export_csv = QAction(self.tr("Arrays as CSV files…"), self)
        self.action_export_csv.setObjectName("action_export_csv")
        self.action_export_csv.triggered.connect(self.export_csv)
        export_menu.addAction(self.action_export_npz)
        export_menu.addAction(self.action_export_csv)
        self.export_button.setMenu(export_menu)
        self.export_button.setEnabled(False)
        for text, widget in (
            (self.tr("weights seed"), self.seed_spin),
            (self.tr("batch item"), self.batch_spin),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            label.setToolTip(widget.toolTip())
            row.addWidget(label)
            row.addWidget(widget)
            row.addSpacing(self.fontMetrics().averageCharWidth())
        self.weights_combo = QComboBox()
        self.weights_combo.setObjectName("run_weights")
        self.weights_combo.addItem(self.tr("weights seed"), "seed")
        self.weights_combo.addItem(self.tr("before training"), "before")
        self.weights_combo.addItem(self.tr("after training"), "after")
        self.weights_combo.setToolTip(
            self.tr(
                "Which weights the run uses: the weights seed's, or the ones training started "
                "from and ended with. The same input, before and after."
            )
        )
        self.weights_combo.hide()
        self.weights_combo.currentIndexChanged.connect(self._on_weights_combo_index_changed)
        row.addWidget(self.weights_combo)
        row.addWidget(self.auto_run_check)
        row.addStretch(1)
        buttons.addStretch(1)
        buttons.addWidget(self.progress_bar)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.export_button)
        # One row when the pane is wide, the buttons under the settings when it is narrow.
        self._run_row = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self._run_row.setContentsMargins(0, 0, 0, 0)
        self._run_row.addLayout(row, 1)
        self._run_row.addLayout(buttons)
        # Wide, the signal and the run controls share one line (see _fit_controls).
        self._controls_box = QBoxLayout(QBoxLayout.Direction.TopToBottom, self.controls)
        self._controls_box.setContentsMargins(0, 0, 0, 0)
        self._controls_box.setSpacing(2)
        self._controls_box.addLayout(signal_row, 1)
        self._controls_box.addLayout(self._run_row)

        self.message_label = _note_label("run_message")
        self.message_label.show()
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # Two lines whatever the message says: a message of another length must not resize
        # the plots (re-reducing a long trace for a new size takes the main thread's time).
        # A longer message scrolls.
        self.message_area = QScrollArea()
        self.message_area.setObjectName("run_message_area")
        self.message_area.setWidget(self.message_label)
        self.message_area.setWidgetResizable(True)
        self.message_area.setFrameShape(QFrame.Shape.NoFrame)
        self.message_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.message_area.setFixedHeight(self.fontMetrics().lineSpacing() * 2 + 4)

    def _build_plots(self) -> None:
        self.hidden_view = HiddenStateFigure()
        self.hidden_canvas = FigureCanvasQTAgg(self.hidden_view.figure)
        self.hidden_canvas.setObjectName("hidden_canvas")
        hidden_plot, self.hidden_toolbar = _plot_widget(self.hidden_canvas, "hidden_plot")
        self.output_view = OutputFigure()
        self.output_canvas = FigureCanvasQTAgg(self.output_view.figure)
        self.output_canvas.setObjectName("output_canvas")
        output_plot, self.output_toolbar = _plot_widget(self.output_canvas, "output_plot")
        self.step_view = StepFigure()
        self.step_canvas = FigureCanvasQTAgg(self.step_view.figure)
        self.step_canvas.setObjectName("step_canvas")
        step_plot, self.step_toolbar = _plot_widget(self.step_canvas, "step_plot")
        self.hidden_blitter = CursorBlitter(self.hidden_view)
        self.output_blitter = CursorBlitter(self.output_view)

        # The hidden-state page: what is shown, how, the plot, the last-step note.
        self.block_label = QLabel()
        self.block_label.setObjectName("run_block")
        self.view_combo = QComboBox()
        self.view_combo.setObjectName("run_view")
        self.view_combo.addItem(self.tr("Heatmap"), "heatmap")
        self.view_combo.addItem(self.tr("Lines"), "lines")
        self.view_combo.setToolTip(
            self.tr("Heatmap: every unit over time. Lines: the units chosen with Units.")
        )
        self.view_combo.currentIndexChanged.connect(self._on_view_combo_index_changed)
        self.units_button = QToolButton()
        self.units_button.setObjectName("run_units")
        self.units_button.setText(self.tr("Units"))
        self.units_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.units_menu = QMenu(self.units_button)
        self.units_button.setMenu(self.units_menu)
        self.units_button.setEnabled(False)
        self.units_button.setToolTip(
            self.tr("The units drawn as lines (up to {count})").format(count=MAX_LINES)
        )
        self.block_label.setWordWrap(True)
        self.block_label.setTextFormat(Qt.TextFormat.RichText)
        self.block_label.hide()
        view_controls = QWidget()
        view_row = QHBoxLayout(view_controls)
        view_row.setContentsMargins(0, 0, 0, 0)
        view_row.addWidget(self.view_combo)
        view_row.addWidget(self.units_button)
        self.last_step_note = _note_label("last_step_note")
        hidden_page = QWidget()
        hidden_layout = QVBoxLayout(hidden_page)
        hidden_layout.setContentsMargins(0, 2, 0, 0)
        hidden_layout.addWidget(self.block_label)
        hidden_layout.addWidget(hidden_plot, 1)
        hidden_layout.addWidget(self.last_step_note)

        self.output_warning = _note_label("output_warning")
        output_page = QWidget()
        output_layout = QVBoxLayout(output_page)
        output_layout.setContentsMargins(0, 2, 0, 0)
        output_layout.addWidget(self.output_warning)
        output_layout.addWidget(output_plot, 1)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("run_tabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(hidden_page, self.tr("Hidden states"))
        self.tabs.addTab(output_page, self.tr("Output"))
        self.tabs.setCornerWidget(view_controls, Qt.Corner.TopRightCorner)
        self.scrubber = TimeScrubber()
        self.scrubber.sig_step_changed.connect(self._on_scrubber_step_changed)
        plots = QWidget()
        plots_layout = QVBoxLayout(plots)
        plots_layout.setContentsMargins(0, 0, 0, 0)
        plots_layout.addWidget(self.tabs, 1)
        plots_layout.addWidget(self.scrubber)

        # The time step panel: bars of x_t and h_t, and the update of a plain RNN.
        self.step_heading = QLabel(self.tr("At time step t"))
        font = self.step_heading.font()
        font.setBold(True)
        self.step_heading.setFont(font)
        self.term_layer_combo = QComboBox()
        self.term_layer_combo.setObjectName("term_layer")
        self.term_layer_combo.setToolTip(self.tr("The layer whose update is spelled out"))
        self.term_layer_combo.currentIndexChanged.connect(self._on_term_layer_index_changed)
        self.equation_label = QLabel()
        self.equation_label.setObjectName("step_equation")
        self.equation_label.setTextFormat(Qt.TextFormat.RichText)
        self.equation_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        equation_font = monospace_font()
        equation_font.setPointSizeF(equation_font.pointSizeF() * 0.85)
        self.equation_label.setFont(equation_font)
        heading_row = QHBoxLayout()
        heading_row.addWidget(self.step_heading, 1)
        heading_row.addWidget(self.term_layer_combo)
        side = QWidget()
        side.setObjectName("step_panel")
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(4, 2, 0, 0)
        side_layout.addLayout(heading_row)
        equation_area = QScrollArea()
        equation_area.setObjectName("step_equation_area")
        equation_area.setWidget(self.equation_label)
        equation_area.setWidgetResizable(True)
        equation_area.setFrameShape(QFrame.Shape.NoFrame)
        self.equation_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._side_split = QSplitter(Qt.Orientation.Vertical)
        self._side_split.addWidget(step_plot)
        self._side_split.addWidget(equation_area)
        self._side_split.setStretchFactor(0, 3)
        self._side_split.setStretchFactor(1, 2)
        side_layout.addWidget(self._side_split, 1)
        self.step_panel = side
        side.installEventFilter(self)
        self._side_split_moved = False
        self._side_split.splitterMoved.connect(self._on_side_split_moved)

        # Starts stacked (the narrow layout, with the smallest minimum); resizing lines it up.
        self.body = QSplitter(Qt.Orientation.Vertical)
        self.body.setObjectName("run_body")
        self.body.setChildrenCollapsible(False)
        self.body.addWidget(plots)
        self.body.addWidget(side)
        self.body.setStretchFactor(0, 11)
        self.body.setStretchFactor(1, 9)

    # --- what the pane shows, for tests and for the window ----------------------------------

    @property
    def result(self) -> RunResult | None:
        """The run the plots show (None before the first)."""
        return self._result

    @property
    def shown_block(self) -> str | None:
        """The recurrent block whose states are drawn."""
        return self._shown_block

    @property
    def shown_item(self) -> int:
        """The batch item the hidden-state plots show (the chosen one, within the block's batch)."""
        return self._block_item(self._shown_block)

    @property
    def message(self) -> str:
        """The pane's message as plain text."""
        return self.message_label.toolTip()

    def signal_form(self, kind: str) -> FieldForm:
        """The generated form of a signal kind (made the first time it is needed)."""
        form = self._signal_forms.get(kind)
        if form is None:
            specs = signal_field_specs(kind)
            form = FieldForm(specs, columns=1)  # widened to what fits by _fit_signal_form
            form.setObjectName(f"signal_form_{kind}")
            # Its width follows the pane (_fit_signal_form), never the other way round.
            form.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            form.sig_field_edited.connect(self._on_signal_form_field_edited)
            if "path" in form.fields:
                editor = form.editor("path")
                assert isinstance(editor, PathEditor)
                editor.chooser = self._choose_csv_path
            form.hide()
            self._signal_pages.addWidget(form)
            self._signal_forms[kind] = form
        return form

    def set_selected_block(self, name: str | None) -> None:
        """Follow the stack's selection: a recurrent block selected there is the one shown."""
        if name == self._selected_block:
            return
        self._selected_block = name
        if self._result is not None and self._choose_block(self._result) != self._shown_block:
            self._show_result()

    def set_training_weights(self, weights: tuple[RunWeights, RunWeights] | None) -> None:
        """Offer the weights before and after training (None: withdraw them); the pane then
        shows the run with the trained weights, and the weights combo switches back and forth."""
        self._training_weights = weights
        self.weights_combo.setVisible(weights is not None)
        self.weights_combo.setCurrentIndex(
            self.weights_combo.findData("after" if weights else "seed")
        )
        self.seed_spin.setEnabled(self.weights_choice == "seed")
        self._plan_timer.start()

    @property
    def weights_choice(self) -> str:
        """ "seed", "before" or "after" (training)."""
        return self.weights_combo.currentData() if self._training_weights else "seed"

    def set_weights_choice(self, choice: str) -> None:
        self.weights_combo.setCurrentIndex(self.weights_combo.findData(choice))

    def _chosen_weights(self) -> RunWeights | None:
        if self._training_weights is None or self.weights_choice == "seed":
            return None
        before, after = self._training_weights
        return before if self.weights_choice == "before" else after

    def _on_weights_combo_index_changed(self, _index: int) -> None:
        self.seed_spin.setEnabled(self.weights_choice == "seed")
        self._plan_timer.start()

    def shutdown(self) -> None:
        """Stop the runs and the player (the window is closing)."""
        self.scrubber.pause()
        self._plan_timer.stop()
        self.controller.shutdown()

    # --- the project -> the pane ------------------------------------------------------------------

    def _on_document_analysis_changed(self, analysis: Analysis) -> None:
        self._show_signal(analysis.project)
        batch = analysis.project.input.batch
        self.batch_spin.blockSignals(True)
        self.batch_spin.setRange(0, max(0, batch - 1))
        self.batch_spin.blockSignals(False)
        self._plan_timer.start()

    def _show_signal(self, project: Project) -> None:
        signal = project.input.signal or DEFAULT_SIGNAL
        kind = signal.kind
        index = self.signal_kind.findData(kind)
        if index != self.signal_kind.currentIndex():
            self.signal_kind.blockSignals(True)
            self.signal_kind.setCurrentIndex(index)
            self.signal_kind.blockSignals(False)
        form = self.signal_form(kind)
        # A refused value stays in its field while the user types there, not after undo.
        same_target = kind == self._shown_kind and self._applying_signal_edit
        if kind != self._shown_kind:
            if self._shown_kind:
                self._signal_forms[self._shown_kind].hide()
            form.show()
            self._shown_kind = kind
        form.set_state(signal.model_dump(), {}, {}, same_target=same_target)
        self._fit_signal_form()

    def minimumSizeHint(self) -> QSize:
        """Small: narrow, the pane stacks its parts, so the window never grows to hold it."""
        metrics = self.fontMetrics()
        return QSize(metrics.averageCharWidth() * 40, metrics.lineSpacing() * 14)

    def sizeHint(self) -> QSize:
        """The same whichever way the parts are arranged: the pane takes the room the window
        gives it and arranges itself to fit (a hint that grew with a one-line arrangement
        would make the window take room from the other panes)."""
        metrics = self.fontMetrics()
        return QSize(metrics.averageCharWidth() * 90, metrics.lineSpacing() * 30)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_layout()
        self._fit_signal_form()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.step_panel and event.type() == QEvent.Type.Resize:
            self._fit_step_panel()
        return super().eventFilter(watched, event)

    def _fit_step_panel(self) -> None:
        """A step panel wider than tall, with room for both, puts the update table beside the
        bars; otherwise under them."""
        size = self.step_panel.size()
        table = self.equation_label.sizeHint().width()
        bars = self.fontMetrics().averageCharWidth() * 32
        wide = size.width() >= table + bars and size.width() > size.height()
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if self._side_split.orientation() != orientation:
            self._side_split.setOrientation(orientation)
            self._side_split_moved = False
        self._fit_side_split()

    def _fit_layout(self) -> None:
        """Narrow, the step panel goes under the plots instead of beside them."""
        body_width = sum(self.body.widget(i).minimumSizeHint().width() for i in range(2))
        spare = self.fontMetrics().averageCharWidth() * 4
        narrow = self.width() < body_width + spare
        orientation = Qt.Orientation.Vertical if narrow else Qt.Orientation.Horizontal
        if self.body.orientation() != orientation:
            self.body.setOrientation(orientation)

    def _fit_signal_form(self) -> None:
        """The controls in as few lines as the width allows: all on one line when wide, else
        the signal's fields in as many columns as fit, the run buttons under the settings."""
        width = self.width()
        spare = self.fontMetrics().averageCharWidth() * 4
        run_width = sum(
            self._run_row.itemAt(i).minimumSize().width() for i in range(self._run_row.count())
        )
        self._run_row.setDirection(
            QBoxLayout.Direction.LeftToRight
            if width >= run_width + spare
            else QBoxLayout.Direction.TopToBottom
        )
        head = self.signal_label.sizeHint().width() + self.signal_kind.sizeHint().width() + spare
        form = self._signal_forms.get(self._shown_kind)
        one_line = False
        if form is not None:
            form.set_columns(len(form.specs))
            one_line = head + form.minimumSizeHint().width() + run_width + spare <= width
            if not one_line:
                for columns in range(len(form.specs), 0, -1):
                    form.set_columns(columns)
                    if form.minimumSizeHint().width() <= width - head:
                        break
        self._controls_box.setDirection(
            QBoxLayout.Direction.LeftToRight if one_line else QBoxLayout.Direction.TopToBottom
        )

    def _current_signal(self) -> Any:
        return self.document.project.input.signal or DEFAULT_SIGNAL

    def _edit_signal(self, signal: Any, text: str, merge_key: Any = None) -> None:
        project = self.document.project
        new_project = updated(project, input=updated(project.input, signal=signal))
        self.document.edit(new_project, text, merge_key)

    def _on_signal_kind_index_changed(self, index: int) -> None:
        kind = self.signal_kind.itemData(index)
        current = self._current_signal()
        if kind == current.kind:
            return
        values: dict[str, Any] = {}
        seed = getattr(current, "seed", None)
        if seed is not None and "seed" in SIGNAL_CLASSES[kind].model_fields:
            values["seed"] = seed
        if kind == "csv":
            path = self._choose_csv_path("")
            if path is None:
                self._show_signal(self.document.project)  # back to the kind it was
                return
            values["path"] = path
        try:
            signal = SIGNAL_CLASSES[kind](**values)
            self._edit_signal(signal, self.tr("Input signal: {kind}").format(kind=kind))
        except (ProjectError, ValueError) as error:
            self._show_signal(self.document.project)
            self._set_message("error", str(error))

    def _on_signal_form_field_edited(self, field: str, value: Any, session: Any) -> None:
        current = self._current_signal()
        form = self.signal_form(current.kind)
        try:
            signal = updated(current, **{field: value})
        except ProjectError as error:
            form.show_rejection(field, str(error))
            return
        merge_key = ("signal", current.kind, field, session) if session is not None else None
        self._applying_signal_edit = True
        try:
            self._edit_signal(
                signal, self.tr("Change input signal {field}").format(field=field), merge_key
            )
        finally:
            self._applying_signal_edit = False

    def _choose_csv_path(self, current: str) -> str | None:
        """Ask for the signal's CSV file; inside the project's folder the path is kept relative."""
        folder = self._folder()
        start = str(folder) if folder is not None else str(Path.home())
        if current:
            candidate = Path(current).expanduser()
            if not candidate.is_absolute() and folder is not None:
                candidate = folder / candidate
            start = str(candidate.parent)
        chosen = self._dialogs().ask_signal_csv_path(start)
        if chosen is None:
            return None
        chosen = Path(chosen)
        if folder is not None and chosen.is_absolute() and chosen.is_relative_to(folder):
            return str(chosen.relative_to(folder))
        return str(chosen)

    def _folder(self) -> Path | None:
        """Where a CSV signal's relative path starts: the project file's folder."""
        path = self.document.path
        return path.parent if path is not None else None

    def _budget(self) -> int:
        return memory_budget(self.settings)

    # --- planning and starting runs ---------------------------------------------------------------

    def _on_plan_timer_timeout(self) -> None:
        self._plan_and_start(requested=False)

    def _on_language_changed(self, _lang: str) -> None:
        # The plots' labels and the core's warnings in the new language (issue 7).
        self._show_result()

    def _on_settings_memory_budget_changed(self, _budget: int) -> None:
        self._plan_timer.start()

    def _on_seed_spin_value_changed(self, _seed: int) -> None:
        self._plan_timer.start()

    def _on_auto_run_check_toggled(self, checked: bool) -> None:
        if checked:
            self._plan_timer.start()

    def _on_run_button_clicked(self) -> None:
        self._plan_and_start(requested=True)

    def _on_cancel_button_clicked(self) -> None:
        self.controller.cancel()

    def run(self) -> None:
        """What the Run button does: plan, and start unless the run is refused."""
        self._plan_and_start(requested=True)

    def _plan_and_start(self, *, requested: bool) -> None:
        project = self.document.project
        self._refusal = ""
        analysis = self.document.analysis
        if analysis.first_error is not None:
            self.controller.cancel()
            self._refusal = self.tr(
                "The model cannot run: {problem} Fix it in Block properties or Input."
            ).format(problem=_sentence(analysis.first_error.text(current_language())))
            self._set_message("error", self._with_stale_note(self._refusal))
            self._update_buttons()
            return
        try:
            plan = plan_run(project, self._budget())
        except ModelError as error:
            self.controller.cancel()
            self._refusal = self.tr("The model cannot run: {problem}").format(
                problem=_sentence(str(error))
            )
            self._set_message("error", self._with_stale_note(self._refusal))
            self._update_buttons()
            return
        self._plan = plan
        if not plan.fits_budget:
            self.controller.cancel()
            self._refusal = self.tr("Run refused before it started: {reason}.").format(
                reason=error_text(plan.budget_message())
            )
            self._set_message("error", self._with_stale_note(self._refusal))
            self._update_buttons()
            return
        if self._is_current(self._result) and not requested:
            self._set_result_message()
            self._update_buttons()
            return
        if not requested and not (self.auto_run_check.isChecked() and plan.quick):
            self.controller.cancel()
            self._set_message(
                "warning",
                self._with_stale_note(
                    self.tr(
                        "This run takes about {time} on one processor core and needs about "
                        "{memory}: press Run to start it."
                    ).format(
                        time=duration_text(plan.estimate_seconds),
                        memory=format_bytes(plan.estimate_bytes),
                    )
                ),
            )
            self._update_buttons()
            return
        request = RunRequest(
            project, self.seed_spin.value(), self._folder(), self._budget(), self._chosen_weights()
        )
        if not requested and self.controller.current_request == request:
            return  # that very run is under way
        self._run_clock.start()
        self.controller.start(request)

    def _is_current(self, result: RunResult | None) -> bool:
        return (
            result is not None
            and result.project == self.document.project
            and result.seed == self.seed_spin.value()
            and result.weights is self._chosen_weights()
        )

    def _with_stale_note(self, text: str) -> str:
        if self._result is None:
            return text
        return text + " " + self.tr("The plots show the last run before this change.")

    # --- the controller -> the pane ---------------------------------------------------------------

    def _on_controller_run_state_changed(self, state: str, message: str, field: str) -> None:
        if state == RUNNING:
            self.progress_bar.setValue(0)
            self.progress_bar.show()
            estimate = duration_text(self._plan.estimate_seconds) if self._plan else "?"
            self._set_message("info", self.tr("Running… (estimated {time})").format(time=estimate))
        elif state == FINISHED:
            self.progress_bar.hide()
        elif state == CANCELLED:
            self.progress_bar.hide()
            self._set_message(
                "warning",
                self._with_stale_note(self.tr("Run cancelled. Press Run to start it again.")),
            )
        elif state == FAILED:
            self.progress_bar.hide()
            self._set_message(
                "error",
                self._with_stale_note(
                    self.tr("The run failed: {reason}").format(reason=_sentence(message))
                ),
            )
            prefix = "input.signal."
            if field.startswith(prefix):
                form = self.signal_form(self._current_signal().kind)
                name = field[len(prefix) :]
                if name in form.fields:
                    form.show_rejection(name, message)
        self._update_buttons()

    def _on_controller_progress_changed(self, fraction: float) -> None:
        self.progress_bar.setValue(round(fraction * 1000))

    def _on_controller_result_changed(self, result: RunResult) -> None:
        self._last_run_ms = self._run_clock.elapsed() if self._run_clock.isValid() else 0.0
        self._result = result
        self._show_result()
        self._set_result_message()

    def _set_result_message(self) -> None:
        result = self._result
        if result is None:
            return
        if result.weights is not None:
            self._set_message(
                "info",
                self.tr("Ran {name} with the weights {weights} in {time}.").format(
                    name=result.project.name,
                    weights=result.weights.label,
                    time=duration_text(self._last_run_ms / 1000),
                ),
            )
            return
        self._set_message(
            "info",
            self.tr("Ran {name} with weights seed {seed} in {time}.").format(
                name=result.project.name,
                seed=result.seed,
                time=duration_text(self._last_run_ms / 1000),
            ),
        )

    def _update_buttons(self) -> None:
        running = self.controller.is_running
        self.cancel_button.setEnabled(running)
        self.run_button.setEnabled(not running)
        self.export_button.setEnabled(self._result is not None)
        if not running:
            self.progress_bar.hide()

    def _set_message(self, severity: str, text: str) -> None:
        if severity == "info":
            self.message_label.setText(html.escape(text))
        else:
            self.message_label.setText(messages_html([(severity, text)]))
        self.message_label.setToolTip(text)

    # --- drawing a result -------------------------------------------------------------------------

    def _choose_block(self, result: RunResult) -> str | None:
        recurrent = list(result.trace.recurrent)
        if self._selected_block in recurrent:
            return self._selected_block
        return recurrent[0] if recurrent else None

    def _block_item(self, block: str | None) -> int:
        """The chosen batch item, within what ``block`` sees (h_n read as a batch has 1)."""
        if self._result is None or block is None:
            return self.batch_spin.value()
        batch = self._result.trace.recurrent[block].hidden.shape[2]
        return min(self.batch_spin.value(), batch - 1)

    def _output_item(self, result: RunResult) -> int:
        info = analyze(result.project).output
        if info is None or BATCH not in info.axes:
            return 0
        return min(self.batch_spin.value(), info.shape[info.axes.index(BATCH)] - 1)

    def _show_result(self) -> None:
        result = self._result
        if result is None:
            return
        lang = current_language()
        for view in (self.hidden_view, self.output_view, self.step_view):
            view.lang = lang  # plot labels in the window's language
        block = self._choose_block(result)
        self._shown_block = block
        self._show_output(result)
        if block is None:
            text = self.tr("No recurrent block: add an RNN, LSTM or GRU to see hidden states.")
            self.block_label.setText(html.escape(text))
            self.block_label.setToolTip(text)
            self.block_label.show()
            self.hidden_canvas.hide()
            self.scrubber.set_steps(1)
            self.last_step_note.hide()
            self.step_canvas.hide()
            self.equation_label.clear()
            return
        self.hidden_canvas.show()
        self.step_canvas.show()
        states = result.trace.recurrent[block]
        layers, directions, batch, steps, units = states.hidden.shape
        item = self._block_item(block)
        self._update_units_menu(block, units)
        kind = self.view_combo.currentData()
        # What the core warns about this block (e.g. h_n read as [batch, time, ...]), and the
        # item shown when the block sees another batch than the input.
        notes = [
            ("warning", problem.text(current_language()))
            for problem in analyze(result.project).stage(block).warnings
        ]
        if item != self.batch_spin.value():
            notes.append(
                (
                    "warning",
                    self.tr(
                        "{block} receives a batch of {count}, so the plots show its item {item}."
                    ).format(block=block, count=batch, item=item),
                )
            )
        self.block_label.setText(messages_html(notes))
        self.block_label.setToolTip("\n".join(text for _severity, text in notes))
        self.block_label.setVisible(bool(notes))
        self.hidden_view.update(
            result.trace,
            block,
            layer="all",
            direction="all",
            batch_index=item,
            kind=kind,
            units=self._line_units.get(block) if kind == "lines" else None,
            project=result.project,
        )
        self.step_view.update(
            result.trace, block, batch_index=item, step=self.scrubber.step, project=result.project
        )
        self._update_term_layers(result, block, layers, directions)
        self._show_last_step_note(result, block, item)
        self.scrubber.set_steps(steps)
        self._show_step(self.scrubber.step)

    def _show_output(self, result: RunResult) -> None:
        warnings = [
            problem
            for problem in analyze(result.project).problems
            if problem.code == "softmax_axis"
        ]
        self.output_warning.setText(
            messages_html([("warning", problem.text(current_language())) for problem in warnings])
        )
        self.output_warning.setToolTip(
            "\n".join(problem.text(current_language()) for problem in warnings)
        )
        self.output_warning.setVisible(bool(warnings))
        output_title = self.tr("Output")
        self.tabs.setTabText(1, f"⚠ {output_title}" if warnings else output_title)
        try:
            self.output_view.update(
                result.trace, result.project, batch_index=self._output_item(result)
            )
        except ValueError as error:
            self.output_warning.setText(messages_html([("error", str(error))]))
            self.output_warning.show()

    def _show_last_step_note(self, result: RunResult, block: str, item: int) -> None:
        spec = result.project.block(block)
        if not (isinstance(spec, _RecurrentBlock) and spec.output == "last_step"):
            self.last_step_note.hide()
            return
        check = last_step_check(result.model, result.trace, block, item)
        text = self.tr(
            "output = last_step: {block} passes on y[:, −1] (batch item {item}: {output}). It is "
            "layer {layer}'s h at the last step t = {step}: {state}; largest difference {diff:.1g}."
        ).format(
            block=block,
            item=item,
            output=_vector(check.output),
            layer=check.layer,
            step=check.step,
            state=_vector(check.state),
            diff=check.largest_difference,
        )
        if check.directions == 1:
            text += " " + self.tr("The same numbers as h_n[{layer}], torch's final state.").format(
                layer=check.layer
            )
        else:
            text += " " + self.tr(
                "Its backward half is h at t = {step} too, the first step that direction reads, "
                "not its h_n."
            ).format(step=check.step)
        self.last_step_note.setText(html.escape(text))
        self.last_step_note.setToolTip(text)
        self.last_step_note.show()

    def _update_units_menu(self, block: str, units: int) -> None:
        chosen = self._line_units.get(block)
        if chosen is None or max(chosen) >= units:
            chosen = tuple(range(min(units, DEFAULT_LINE_UNITS)))
            self._line_units[block] = chosen
        actions = self.units_menu.actions()
        if len(actions) != units:
            # Rebuilt only when the count changes: never from inside an action's own signal.
            self.units_menu.clear()
            for unit in range(units):
                action = self.units_menu.addAction(self.tr("unit {unit}").format(unit=unit))
                action.setCheckable(True)
                action.toggled.connect(
                    lambda checked, unit=unit: self._on_units_action_toggled(unit, checked)
                )
            actions = self.units_menu.actions()
        for unit, action in enumerate(actions):
            action.blockSignals(True)
            action.setChecked(unit in chosen)
            action.setEnabled(unit in chosen or len(chosen) < MAX_LINES)
            action.blockSignals(False)
        self.units_button.setEnabled(self.view_combo.currentData() == "lines")

    def set_line_units(self, units: tuple[int, ...]) -> None:
        """The units the lines view draws for the shown block."""
        if self._shown_block is None or not units:
            return
        self._line_units[self._shown_block] = tuple(sorted(units))[:MAX_LINES]
        self._show_result()

    def _on_units_action_toggled(self, unit: int, checked: bool) -> None:
        block = self._shown_block
        if block is None:
            return
        chosen = set(self._line_units.get(block, ()))
        chosen = chosen | {unit} if checked else chosen - {unit}
        if chosen:
            self.set_line_units(tuple(chosen))
        else:
            self._show_result()  # at least one unit stays: back to the previous choice

    def _on_view_combo_index_changed(self, _index: int) -> None:
        self.units_button.setEnabled(self.view_combo.currentData() == "lines")
        self._show_result()

    def _on_batch_spin_value_changed(self, _value: int) -> None:
        self._show_result()

    def _update_term_layers(
        self, result: RunResult, block: str, layers: int, directions: int
    ) -> None:
        spec = result.project.block(block)
        self.term_layer_combo.setVisible(isinstance(spec, RNNBlock))
        wanted = [(layer, direction) for layer in range(layers) for direction in range(directions)]
        present = [
            self.term_layer_combo.itemData(index) for index in range(self.term_layer_combo.count())
        ]
        if present == wanted:
            return
        current = self.term_layer_combo.currentData()
        self.term_layer_combo.blockSignals(True)
        self.term_layer_combo.clear()
        for layer, direction in wanted:
            text = self.tr("layer {layer}").format(layer=layer)
            if directions == 2:
                text += " · " + (self.tr("forward") if direction == 0 else self.tr("backward"))
            self.term_layer_combo.addItem(text, (layer, direction))
        if current in wanted:
            self.term_layer_combo.setCurrentIndex(wanted.index(current))
        self.term_layer_combo.blockSignals(False)

    def _on_term_layer_index_changed(self, _index: int) -> None:
        self._show_terms(self.scrubber.step)

    # --- the time step ----------------------------------------------------------------------------

    def _on_scrubber_step_changed(self, step: int) -> None:
        self._show_step(step)

    def _show_step(self, step: int) -> None:
        """Move the cursor of every plot to ``step`` (blitting) and fill the step panel."""
        self.step_heading.setText(self.tr("At time step t = {step}").format(step=step))
        if self._result is None or self._shown_block is None:
            return
        self.hidden_blitter.move(step)
        if self.output_view.cursor_artists:
            self.output_blitter.move(step)
        self.step_view.set_step(step)
        self._show_terms(step)

    def _show_terms(self, step: int) -> None:
        result, block = self._result, self._shown_block
        if result is None or block is None:
            return
        spec = result.project.block(block)
        if not isinstance(spec, RNNBlock):
            self._term_cache = None
            self.equation_label.setText(
                html.escape(
                    self.tr(
                        "{block} ({kind}) updates its state through gates. The update "
                        "h_t = tanh(W_ih x_t + b_ih + W_hh h_(t−1) + b_hh) is spelled out for "
                        "plain RNN blocks."
                    ).format(block=block, kind=spec.type.upper())
                )
            )
            return
        layer, direction = self.term_layer_combo.currentData() or (0, 0)
        steps = result.trace.recurrent[block].hidden.shape[3]
        terms = rnn_update_terms(
            result.model,
            result.trace,
            block,
            step=min(step, steps - 1),
            layer=layer,
            direction=direction,
            batch_index=self._block_item(block),
            units=range(min(TERM_UNITS, result.trace.recurrent[block].hidden.shape[4])),
        )
        self._term_cache = terms
        shape = (terms.layer, terms.direction, terms.units, terms.previous_step is None)
        self.equation_label.setText(self._terms_html(terms))
        # Measuring the table is slow (a rich-text layout): only when its shape changed; the
        # numbers of another step take the same room.
        if shape != self._table_shape:
            self._table_shape = shape
            self._fit_step_panel()

    def _on_side_split_moved(self, _position: int, _index: int) -> None:
        self._side_split_moved = True

    def _fit_side_split(self) -> None:
        """The update table gets the height it needs, the bars the rest (until the user drags)."""
        if self._side_split_moved:
            return
        sizes = self._side_split.sizes()
        total = sum(sizes)
        hint = self.equation_label.sizeHint()
        vertical = self._side_split.orientation() == Qt.Orientation.Vertical
        need = (hint.height() if vertical else hint.width()) + self._side_split.handleWidth()
        if total > 0 and sizes[1] != need:
            shown = min(need, int(total * (0.4 if vertical else 0.55)))
            self._side_split.setSizes([total - shown, shown])

    @property
    def shown_terms(self) -> RNNUpdateTerms | None:
        """The update terms the step panel shows (None for a GRU or LSTM)."""
        return self._term_cache

    def _terms_html(self, terms: RNNUpdateTerms) -> str:
        """The update as a column sum per unit: terms, sum, activation, and torch's own h_t."""
        act = terms.nonlinearity
        previous = (
            self.tr("h_(t−1) = h at t = {step}").format(step=terms.previous_step)
            if terms.previous_step is not None
            else self.tr("h_(t−1) = 0")
        )
        heading = self.tr("layer {layer}, t = {step}: h_t = {act}(sum)").format(
            act=act, layer=terms.layer, step=terms.step
        )
        agrees = np.isclose(terms.h, terms.traced, rtol=1e-4, atol=1e-5)
        rows = [
            ("W_ih x_t", terms.input_term, None),
            ("+ b_ih", terms.bias_ih, None),
            ("+ W_hh h_(t−1)", terms.recurrent_term, None),
            ("+ b_hh", terms.bias_hh, None),
            ("= " + self.tr("sum"), terms.pre_activation, None),
            (f"{act}(" + self.tr("sum") + ")", terms.h, None),
            (self.tr("torch's h_t"), terms.traced, agrees),
        ]
        cells = "".join(f"<th align='right'>&nbsp;&nbsp;{unit}</th>" for unit in terms.units)
        lines = [f"<tr><th align='left'>{html.escape(self.tr('unit'))}</th>{cells}</tr>"]
        for name, values, marks in rows:
            numbers = "".join(
                f"<td align='right'>&nbsp;{_number(value)}"
                + ("" if marks is None else ("✓" if marks[index] else "✖"))
                + "</td>"
                for index, value in enumerate(values)
            )
            lines.append(f"<tr><td>{html.escape(name)}</td>{numbers}</tr>")
        return (
            f"<b>{html.escape(heading)}</b><br>{html.escape(previous)}"
            f"<table cellspacing='0' cellpadding='0'>{''.join(lines)}</table>"
        )

    # --- export -----------------------------------------------------------------------------------

    def export_npz(self) -> None:
        result = self._result
        if result is None:
            return
        folder = self._folder() or Path.home()
        suggestion = str(folder / f"{result.project.name}_run.npz")
        path = self._dialogs().ask_export_npz_path(suggestion)
        if path is None:
            return
        try:
            save_npz(run_arrays(result.trace), path)
        except OSError as error:
            self._set_message(
                "error",
                self.tr("Cannot write {path}: {reason}. Choose another place.").format(
                    path=path, reason=error.strerror or error
                ),
            )
            return
        self._set_message("info", self.tr("Wrote the run's arrays to {path}.").format(path=path))

    def export_csv(self) -> None:
        result = self._result
        if result is None:
            return
        folder = self._dialogs().ask_export_folder(str(self._folder() or Path.home()))
        if folder is None:
            return
        arrays = run_arrays(result.trace)
        count = csv_file_count(result.project, arrays)
        if count > MAX_CSV_FILES:
            self._set_message(
                "error",
                self.tr(
                    "CSV export would write {count} files (one per array and batch item), more "
                    "than {limit}: export one NPZ file instead, or lower batch."
                ).format(count=count, limit=MAX_CSV_FILES),
            )
            return
        try:
            written = save_csv_tables(result.project, arrays, folder)
        except OSError as error:
            self._set_message(
                "error",
                self.tr("Cannot write into {folder}: {reason}. Choose another folder.").format(
                    folder=folder, reason=error.strerror or error
                ),
            )
            return
        self._set_message(
            "info",
            self.tr("Wrote {count} CSV files to {folder}.").format(
                count=len(written), folder=folder
            ),
        )

    # --- texts ------------------------------------------------------------------------------------

    def _kind_title(self, kind: str) -> str:
        titles = {
            "uniform": self.tr("uniform random (torch.rand)"),
            "normal": self.tr("normal random (torch.randn)"),
            "sine": self.tr("sine wave"),
            "square": self.tr("square wave"),
            "step": self.tr("step"),
            "impulse": self.tr("impulse"),
            "ramp": self.tr("ramp"),
            "csv": self.tr("CSV file…"),
        }
        return titles.get(kind, kind)


def _sentence(text: str) -> str:
    """The core's message ending with a full stop (it may start with a field path: as it is)."""
    text = text.strip()
    return text if not text or text.endswith((".", "!", "?")) else text + "."
