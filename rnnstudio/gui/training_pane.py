"""The Training pane: train the stack on a built-in task, watch it learn, see gradients vanish.

Left, the task (with what it needs from the stack, and check_fit's explanations when the
stack does not fit) and the settings; right, the live loss and accuracy curves, the
confusion matrix and the norm of dLoss/dh_t over time. Training and gradients run in a
TrainingController (worker threads); the figures come from rnnstudio.plots.training.
Trained weights are offered to the Run pane (``sig_weights_changed``) so that it shows the
same input before and after training, and are saved next to the project with safetensors.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from rnnstudio.core.analysis import Analysis
from rnnstudio.core.errors import ModelError, ProjectError
from rnnstudio.core.model import StackModel, build_model
from rnnstudio.core.project_io import project_to_json
from rnnstudio.core.run_plan import RunWeights
from rnnstudio.core.spec import Project
from rnnstudio.core.tasks import (
    MAX_SEQ_LEN,
    MIN_SEQ_LEN,
    TASKS,
    Task,
    fit_task,
    get_task,
)
from rnnstudio.core.training import (
    MAX_BATCH_SIZE,
    MAX_EPOCHS,
    MAX_FORGET_BIAS,
    TrainingProgress,
    TrainingResult,
    TrainingSettings,
    load_weights,
    loss_explanation,
    prepare,
    read_weights,
    save_weights,
    set_forget_bias,
    settings_for,
    train,
    weights_path,
)
from rnnstudio.plots.training import (
    TrainingCurves,
    confusion_matrix_figure,
    gradient_norms_figure,
)

from .document import Document
from .error_text import error_text
from .forms import messages_html
from .i18n import current_language
from .i18n import notifier as language_notifier
from .run_pane import PlotToolbar, duration_text
from .training_worker import (
    CANCELLED,
    DIVERGED,
    FAILED,
    PAUSED,
    RUNNING,
    GradientPanel,
    GradientRequest,
    TrainingController,
)

MAX_SEED = 2**31 - 1
MAX_CLIP = 1000.0
# Panels kept for comparison in the gradients figure, besides the current ones.
MAX_KEPT_PANELS = 3
BEFORE, AFTER, BOTH = "before", "after", "both"


class WeightsFileDialogs:
    """The file choosers of Save and Load weights; tests replace the pane's instance."""

    def __init__(self, parent: QWidget) -> None:
        self._parent = parent

    def _filter(self) -> str:
        return QCoreApplication.translate(
            "WeightsFileDialogs", "Trained weights (*.safetensors);;All files (*)"
        )

    def ask_save_weights_path(self, suggestion: str) -> Path | None:
        path, _filter = QFileDialog.getSaveFileName(
            self._parent,
            QCoreApplication.translate("WeightsFileDialogs", "Save the trained weights"),
            suggestion,
            self._filter(),
        )
        return Path(path) if path else None

    def ask_open_weights_path(self, suggestion: str) -> Path | None:
        path, _filter = QFileDialog.getOpenFileName(
            self._parent,
            QCoreApplication.translate("WeightsFileDialogs", "Load trained weights"),
            suggestion,
            self._filter(),
        )
        return Path(path) if path else None


@dataclass(frozen=True)
class TrainedWeights:
    """Weights before and after training and the stack they belong to (blocks and features)."""

    project: Project
    task: Task
    initial: dict[str, torch.Tensor]
    model: StackModel
    before: RunWeights
    after: RunWeights

    def fits(self, project: Project) -> bool:
        """Whether ``project`` builds the very modules these weights fill (its input signal,
        batch or seq_len may differ: they do not change the weights)."""
        return (
            project.blocks == self.project.blocks
            and project.input.features == self.project.input.features
        )

    def state(self) -> dict[str, torch.Tensor]:
        return {name: value.detach().clone() for name, value in self.model.state_dict().items()}


def _bold(label: QLabel) -> QLabel:
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def _wrapped(name: str, *, rich: bool = False) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _plot(canvas: FigureCanvasQTAgg, name: str) -> QWidget:
    """A canvas with matplotlib's navigation toolbar above it."""
    holder = QWidget()
    holder.setObjectName(name)
    toolbar = PlotToolbar(canvas, holder, coordinates=False)
    toolbar.setIconSize(toolbar.iconSize() * 0.8)
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(toolbar)
    layout.addWidget(canvas, 1)
    canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    canvas.setMinimumSize(200, 150)
    return holder


def _reach_text(value: float) -> str:
    if value <= 0:
        return "0"
    return f"{value:.0e}".replace("e-0", "e-").replace("e+0", "e+")


class TrainingPane(QWidget):
    """Task, settings, Train / Pause / Cancel, curves, confusion matrix, gradients over time.

    ``sig_weights_changed((before, after) | None)``: the weights before and after the last
    training (RunWeights), or None when there are none for the current stack.
    """

    sig_weights_changed = Signal(object)

    def __init__(
        self,
        document: Document,
        *,
        train_function: Callable[..., TrainingResult] = train,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.file_dialogs: Any = WeightsFileDialogs(self)
        self.controller = TrainingController(train_function, self)
        self._result: TrainingResult | None = None
        self._weights: TrainedWeights | None = None
        self._history: list = []
        self._task: Task = get_task("trajectories")
        self._fit_ok = False
        self._kept: list[GradientPanel] = []
        self._current_panels: list[GradientPanel] = []
        self._gradients_stale = True
        self._message = ""
        self._training_project = document.project

        self._build_setup()
        self._build_results()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("training_body")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.setup_scroll)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(self.action_row)
        layout.addLayout(self.message_row)
        layout.addWidget(splitter, 1)

        self._gradient_timer = QTimer(self)
        self._gradient_timer.setSingleShot(True)
        self._gradient_timer.setInterval(0)
        self._gradient_timer.timeout.connect(self._on_gradient_timer_timeout)

        self.controller.sig_training_state_changed.connect(self._on_controller_state_changed)
        self.controller.sig_progress_changed.connect(self._on_controller_progress_changed)
        self.controller.sig_result_changed.connect(self._on_controller_result_changed)
        self.controller.sig_gradients_changed.connect(self._on_controller_gradients_changed)
        self.document.sig_analysis_changed.connect(self._on_document_analysis_changed)
        language_notifier().sig_language_changed.connect(self._on_language_changed)
        self._choose_task(self._task_for(self.document.project))
        self._on_document_analysis_changed(self.document.analysis)

    # --- construction -----------------------------------------------------------------------

    def _build_setup(self) -> None:
        setup = QWidget()
        setup.setObjectName("training_setup")
        column = QVBoxLayout(setup)
        column.setContentsMargins(0, 0, 6, 0)

        # The task: what it is, what it needs, and whether the stack fits.
        task_box = QGroupBox(self.tr("About this task"))
        task_layout = QVBoxLayout(task_box)
        self.task_combo = QComboBox()
        self.task_combo.setObjectName("training_task")
        lang = current_language()
        for name, task in TASKS.items():
            self.task_combo.addItem(task.title.get(lang, task.title["en"]), name)
        self.task_combo.currentIndexChanged.connect(self._on_task_combo_index_changed)
        self.seq_len_spin = QSpinBox()
        self.seq_len_spin.setObjectName("training_seq_len")
        self.seq_len_spin.setRange(MIN_SEQ_LEN, MAX_SEQ_LEN)
        self.seq_len_spin.setToolTip(
            self.tr(
                "Time steps of the task's sequences. On the memory task, a longer sequence is "
                "a longer way back for the gradient."
            )
        )
        self.seq_len_spin.valueChanged.connect(self._on_seq_len_spin_value_changed)
        self.description_label = _wrapped("training_description")
        self.requirement_label = _wrapped("training_requirement")
        self.fit_label = _wrapped("training_fit", rich=True)
        self.explanation_label = _wrapped("training_explanation")
        self._set_small(self.explanation_label)
        task_layout.addWidget(self.description_label)
        task_layout.addWidget(self.requirement_label)
        task_layout.addWidget(self.fit_label)
        task_layout.addWidget(self.explanation_label)

        # The settings.
        settings_box = QGroupBox(self.tr("Settings"))
        form = QFormLayout(settings_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.optimizer_combo = QComboBox()
        self.optimizer_combo.setObjectName("training_optimizer")
        self.optimizer_combo.addItem("Adam", "adam")
        self.optimizer_combo.addItem(self.tr("SGD (momentum 0.9)"), "sgd")
        self.lr_spin = QDoubleSpinBox()
        self.lr_spin.setObjectName("training_lr")
        self.lr_spin.setDecimals(5)
        self.lr_spin.setRange(0.00001, 10.0)
        self.lr_spin.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        self.epochs_spin = QSpinBox()
        self.epochs_spin.setObjectName("training_epochs")
        self.epochs_spin.setRange(1, MAX_EPOCHS)
        self.batch_spin = QSpinBox()
        self.batch_spin.setObjectName("training_batch_size")
        self.batch_spin.setRange(1, min(MAX_BATCH_SIZE, 2**31 - 1))
        self.clip_spin = QDoubleSpinBox()
        self.clip_spin.setObjectName("training_clip")
        self.clip_spin.setRange(0.0, MAX_CLIP)
        self.clip_spin.setDecimals(2)
        self.clip_spin.setSingleStep(0.5)
        self.clip_spin.setSpecialValueText(self.tr("off"))
        self.clip_spin.setToolTip(
            self.tr(
                "Before each step the gradient of all weights is scaled down to at most this "
                "norm (torch.nn.utils.clip_grad_norm_), so one exploding batch cannot throw "
                "the weights away. 0: off."
            )
        )
        self.seed_spin = QSpinBox()
        self.seed_spin.setObjectName("training_seed")
        self.seed_spin.setRange(0, MAX_SEED)
        self.seed_spin.setToolTip(
            self.tr("Seed of the initial weights and of the order of the batches.")
        )
        self.forget_check = QCheckBox(self.tr("LSTM forget gates start at"))
        self.forget_check.setObjectName("training_forget_on")
        self.forget_spin = QDoubleSpinBox()
        self.forget_spin.setObjectName("training_forget_bias")
        self.forget_spin.setRange(-MAX_FORGET_BIAS, MAX_FORGET_BIAS)
        self.forget_spin.setDecimals(2)
        self.forget_spin.setSingleStep(0.5)
        self.forget_check.toggled.connect(self.forget_spin.setEnabled)
        self.seed_spin.valueChanged.connect(self._on_initial_weights_changed)
        self.forget_check.toggled.connect(self._on_initial_weights_changed)
        self.forget_spin.valueChanged.connect(self._on_initial_weights_changed)
        forget_tip = self.tr(
            "Before training, every LSTM forget gate's bias is set to this value, so each step "
            "keeps sigmoid(bias) of the cell state (1: 73%) instead of about half: the memory "
            "and its gradient last long enough to learn from. Keras does this by default "
            "(unit_forget_bias), after Jozefowicz et al. (2015). RNN and GRU blocks are not "
            "changed."
        )
        self.forget_check.setToolTip(forget_tip)
        self.forget_spin.setToolTip(forget_tip)
        forget_row = QHBoxLayout()
        forget_row.addWidget(self.forget_check)
        forget_row.addWidget(self.forget_spin, 1)
        rows = (
            (self.tr("Optimizer"), self.optimizer_combo),
            (self.tr("Learning rate"), self.lr_spin),
            (self.tr("Epochs"), self.epochs_spin),
            (self.tr("Batch size"), self.batch_spin),
            (self.tr("Gradient clipping"), self.clip_spin),
            (self.tr("Seed"), self.seed_spin),
        )
        for text, widget in rows:
            form.addRow(text, widget)
        form.addRow(forget_row)
        self.forget_note = _wrapped("training_forget_note")
        self._set_small(self.forget_note)
        self.forget_check.toggled.connect(self._on_forget_setting_changed)
        self.forget_spin.valueChanged.connect(self._on_forget_setting_changed)
        form.addRow(self.forget_note)
        self.reset_settings_button = QPushButton(self.tr("Task's settings"))
        self.reset_settings_button.setObjectName("training_reset_settings")
        self.reset_settings_button.setToolTip(self.tr("Back to the settings the task is tuned for"))
        self.reset_settings_button.clicked.connect(self._on_reset_settings_button_clicked)
        form.addRow(self.reset_settings_button)
        self.settings_widgets: tuple[QWidget, ...] = (
            self.task_combo,
            self.seq_len_spin,
            self.optimizer_combo,
            self.lr_spin,
            self.epochs_spin,
            self.batch_spin,
            self.clip_spin,
            self.seed_spin,
            self.forget_check,
            self.forget_spin,
            self.reset_settings_button,
        )

        # Train, pause, cancel, progress, and what happened.
        self.train_button = QPushButton(self.tr("Train"))
        self.train_button.setObjectName("training_train")
        self.train_button.clicked.connect(self._on_train_button_clicked)
        self.pause_button = QPushButton(self.tr("Pause"))
        self.pause_button.setObjectName("training_pause")
        self.pause_button.clicked.connect(self._on_pause_button_clicked)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("training_cancel")
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("training_progress")
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setTextVisible(True)
        self.message_label = _wrapped("training_message", rich=True)

        self.save_button = QPushButton(self.tr("Save weights"))
        self.save_button.setObjectName("training_save_weights")
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.load_button = QPushButton(self.tr("Load weights…"))
        self.load_button.setObjectName("training_load_weights")
        self.load_button.setToolTip(
            self.tr("Weights saved for this stack (a .safetensors file next to the project)")
        )
        self.load_button.clicked.connect(self._on_load_button_clicked)

        # Always in view above the columns: the task and the actions, then what happened.
        self.action_row = QHBoxLayout()
        task_label = _bold(QLabel(self.tr("Task")))
        task_label.setBuddy(self.task_combo)
        seq_label = QLabel(self.tr("steps"))
        seq_label.setBuddy(self.seq_len_spin)
        self.action_row.addWidget(task_label)
        self.action_row.addWidget(self.task_combo)
        self.action_row.addWidget(seq_label)
        self.action_row.addWidget(self.seq_len_spin)
        self.action_row.addSpacing(self.fontMetrics().averageCharWidth() * 2)
        for button in (self.train_button, self.pause_button, self.cancel_button):
            self.action_row.addWidget(button)
        self.action_row.addWidget(self.progress_bar, 1)
        self.action_row.addStretch(0)
        self.message_row = QHBoxLayout()
        self.message_row.addWidget(self.message_label, 1)
        self.message_row.addWidget(self.save_button)
        self.message_row.addWidget(self.load_button)

        column.addWidget(task_box)
        column.addWidget(settings_box)
        column.addStretch(1)

        self.setup_scroll = QScrollArea()
        self.setup_scroll.setObjectName("training_setup_scroll")
        self.setup_scroll.setWidgetResizable(True)
        self.setup_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setup_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setup_scroll.setWidget(setup)
        width = self.fontMetrics().averageCharWidth() * 44
        self.setup_scroll.setMinimumWidth(width)
        self.setup_scroll.setMaximumWidth(int(width * 1.4))

    def _set_small(self, label: QLabel) -> None:
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        label.setFont(font)

    def _build_results(self) -> None:
        self.curves_figure = Figure(figsize=(8.0, 3.2))
        self.curves_canvas = FigureCanvasQTAgg(self.curves_figure)
        self.curves_canvas.setObjectName("training_curves_canvas")
        self.curves = TrainingCurves(figure=self.curves_figure, lang=current_language())
        self.confusion_figure = Figure(figsize=(5.2, 4.6))
        self.confusion_canvas = FigureCanvasQTAgg(self.confusion_figure)
        self.confusion_canvas.setObjectName("training_confusion_canvas")
        self.gradient_figure = Figure(figsize=(9.2, 3.6))
        self.gradient_canvas = FigureCanvasQTAgg(self.gradient_figure)
        self.gradient_canvas.setObjectName("training_gradient_canvas")

        # The gradients page: which sample, which weights, what to keep for comparison.
        self.sample_spin = QSpinBox()
        self.sample_spin.setObjectName("training_sample")
        self.sample_spin.setToolTip(self.tr("Which sequence of the validation set"))
        self.sample_spin.valueChanged.connect(self._on_sample_spin_value_changed)
        self.gradient_weights_combo = QComboBox()
        self.gradient_weights_combo.setObjectName("training_gradient_weights")
        self.gradient_weights_combo.addItem(self.tr("before training"), BEFORE)
        self.gradient_weights_combo.addItem(self.tr("after training"), AFTER)
        self.gradient_weights_combo.addItem(self.tr("before and after"), BOTH)
        self.gradient_weights_combo.currentIndexChanged.connect(
            self._on_gradient_weights_combo_index_changed
        )
        self.keep_button = QPushButton(self.tr("Keep for comparison"))
        self.keep_button.setObjectName("training_keep_gradients")
        self.keep_button.setToolTip(
            self.tr(
                "Keep these panels in the figure; then open or change the stack (e.g. an "
                "LSTM instead of the RNN), train it, and see both side by side."
            )
        )
        self.keep_button.clicked.connect(self._on_keep_button_clicked)
        self.clear_kept_button = QPushButton(self.tr("Clear kept"))
        self.clear_kept_button.setObjectName("training_clear_kept")
        self.clear_kept_button.clicked.connect(self._on_clear_kept_button_clicked)
        gradient_row = QHBoxLayout()
        sample_label = QLabel(self.tr("Validation sample"))
        sample_label.setBuddy(self.sample_spin)
        gradient_row.addWidget(sample_label)
        gradient_row.addWidget(self.sample_spin)
        gradient_row.addSpacing(self.fontMetrics().averageCharWidth())
        gradient_row.addWidget(self.gradient_weights_combo)
        gradient_row.addStretch(1)
        gradient_row.addWidget(self.keep_button)
        gradient_row.addWidget(self.clear_kept_button)
        self.gradient_note = _wrapped("training_gradient_note")
        gradient_page = QWidget()
        gradient_layout = QVBoxLayout(gradient_page)
        gradient_layout.setContentsMargins(0, 2, 0, 0)
        gradient_layout.addLayout(gradient_row)
        gradient_layout.addWidget(_plot(self.gradient_canvas, "training_gradient_plot"), 1)
        gradient_layout.addWidget(self.gradient_note)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("training_tabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(_plot(self.curves_canvas, "training_curves_plot"), self.tr("Curves"))
        self.tabs.addTab(
            _plot(self.confusion_canvas, "training_confusion_plot"), self.tr("Confusion matrix")
        )
        self.tabs.addTab(gradient_page, self.tr("Gradients over time"))
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self._show_placeholder(self.confusion_figure, self.confusion_canvas)

    def _show_placeholder(self, figure: Figure, canvas: FigureCanvasQTAgg) -> None:
        figure.clear()
        figure.text(
            0.5,
            0.5,
            self.tr("Train the stack to see which classes it confuses."),
            ha="center",
            va="center",
            color="#555555",
        )
        canvas.draw_idle()

    # --- what the pane shows, for tests and for the window ----------------------------------

    @property
    def task(self) -> Task:
        """The chosen task with the chosen number of steps."""
        return self._task

    @property
    def result(self) -> TrainingResult | None:
        """The last training's result (None before the first, or after loading weights)."""
        return self._result

    @property
    def weights(self) -> TrainedWeights | None:
        """The weights before and after training, when they fit the current stack."""
        return self._weights

    @property
    def message(self) -> str:
        """The pane's message as plain text."""
        return self._message

    @property
    def fit_ok(self) -> bool:
        return self._fit_ok

    @property
    def gradient_panels(self) -> tuple[GradientPanel, ...]:
        """The panels the gradients figure shows: the kept ones, then the current ones."""
        return (*self._kept, *self._current_panels)

    def settings(self) -> TrainingSettings:
        """The settings as the widgets show them; ProjectError when one is out of range."""
        return TrainingSettings(
            optimizer=self.optimizer_combo.currentData(),
            learning_rate=self.lr_spin.value(),
            epochs=self.epochs_spin.value(),
            batch_size=self.batch_spin.value(),
            clip_grad_norm=self.clip_spin.value() or None,
            seed=self.seed_spin.value(),
            forget_bias=self.forget_spin.value() if self.forget_check.isChecked() else None,
        )

    def set_task(self, name: str, seq_len: int | None = None, **sizes: int) -> None:
        """Choose a task (its tuned settings come with it) and, optionally, its steps and
        ``train_size`` / ``val_size`` (a smaller task for a quick look)."""
        self.task_combo.setCurrentIndex(self.task_combo.findData(name))
        if seq_len is not None:
            self.seq_len_spin.setValue(seq_len)
        if sizes:
            self._task = self._task.with_options(**sizes)
            self._show_task()

    def set_settings(self, settings: TrainingSettings) -> None:
        """Show ``settings`` in the widgets."""
        self.optimizer_combo.setCurrentIndex(self.optimizer_combo.findData(settings.optimizer))
        self.lr_spin.setValue(settings.learning_rate)
        self.epochs_spin.setValue(settings.epochs)
        self.batch_spin.setValue(settings.batch_size)
        self.clip_spin.setValue(settings.clipping or 0.0)
        self.seed_spin.setValue(settings.seed)
        self.forget_check.setChecked(settings.forget_bias is not None)
        self.forget_spin.setEnabled(settings.forget_bias is not None)
        if settings.forget_bias is not None:
            self.forget_spin.setValue(settings.forget_bias)
        self._show_forget_note()

    def shutdown(self) -> None:
        """Stop the training and the gradients (the window is closing)."""
        self._gradient_timer.stop()
        self.controller.shutdown()

    # --- the task ---------------------------------------------------------------------------

    def _task_for(self, project: Project) -> str:
        """The first task the stack fits, else the first whose input it reads."""
        names = list(TASKS)
        fitting = [name for name in names if fit_task(name, project).ok]
        if fitting:
            return fitting[0]
        same_input = [name for name in names if TASKS[name].features == project.input.features]
        return same_input[0] if same_input else names[0]

    def _choose_task(self, name: str) -> None:
        index = self.task_combo.findData(name)
        if index == self.task_combo.currentIndex():
            self._on_task_combo_index_changed(index)
        else:
            self.task_combo.setCurrentIndex(index)

    def _on_task_combo_index_changed(self, _index: int) -> None:
        name = self.task_combo.currentData()
        task = get_task(name)
        self.seq_len_spin.blockSignals(True)
        self.seq_len_spin.setValue(task.seq_len)
        self.seq_len_spin.blockSignals(False)
        self.set_settings(settings_for(task))
        self._task = task
        self._show_task()

    def _on_seq_len_spin_value_changed(self, value: int) -> None:
        self._task = self._task.with_options(seq_len=value)
        self._show_task()

    def _on_forget_setting_changed(self, _value: object) -> None:
        self._show_forget_note()

    def _show_forget_note(self) -> None:
        """What the forget bias means in steps of memory, for the value shown."""
        if not self.forget_check.isChecked():
            self.forget_note.setText(
                self.tr(
                    "Off: torch's own initialisation, forget gates near 0. Each step keeps "
                    "about half of an LSTM's cell state, so its memory, and the gradient back "
                    "to early steps, fade within a few steps."
                )
            )
            return
        bias = self.forget_spin.value()
        keep = 1.0 / (1.0 + math.exp(-bias))
        self.forget_note.setText(
            self.tr(
                "Each step an LSTM keeps sigmoid({bias}) = {keep} of its cell state: a memory "
                "of about {steps} steps. Keras starts forget gates at 1; for a dependency T "
                "steps back, the chrono initialisation (Tallec and Ollivier, 2018) starts them "
                "near log(T). RNN and GRU blocks are not changed."
            ).format(bias=f"{bias:g}", keep=f"{keep:.1%}", steps=f"{1.0 / (1.0 - keep):.0f}")
        )

    def _on_initial_weights_changed(self, _value: object) -> None:
        if self._weights is None:  # the gradients show the weights training would start from
            self._schedule_gradients()

    def _on_reset_settings_button_clicked(self) -> None:
        self.set_settings(settings_for(self._task))

    def _on_language_changed(self, lang: str) -> None:
        # The tasks' titles and explanations in the new language (issue 7).
        for index in range(self.task_combo.count()):
            task = TASKS[self.task_combo.itemData(index)]
            self.task_combo.setItemText(index, task.title.get(lang, task.title["en"]))
        self._show_task()

    def _show_task(self) -> None:
        lang = current_language()
        task = self._task
        self.description_label.setText(task.describe(lang))
        self.requirement_label.setText(
            self.tr("The stack must give: {requirement}").format(requirement=task.requirement(lang))
        )
        self.sample_spin.setRange(0, task.val_size - 1)
        self._refit()
        self._schedule_gradients()

    def _refit(self) -> None:
        """check_fit's explanations under the task; Train only when the stack fits."""
        project = self.document.project
        fit = fit_task(self._task, project)
        self._fit_ok = fit.ok
        lang = current_language()
        messages = [
            (problem.severity, error_text(problem.text(lang), lang)) for problem in fit.problems
        ]
        if fit.ok:
            ok = self.tr("✓ {project} fits this task.").format(project=project.name)
            text = html.escape(ok)
            if messages:
                text += "<br>" + messages_html(messages)
        else:
            heading = self.tr("The stack does not fit this task. What to change:")
            text = messages_html([("error", heading), *messages])
        self.fit_label.setText(text)
        self.fit_label.setToolTip("\n".join(message for _severity, message in messages))
        self.explanation_label.setText(loss_explanation(self._task, project, lang))
        # The forget bias means something only to LSTM blocks: its note only with one.
        self.forget_note.setVisible(any(block.type == "lstm" for block in project.blocks))
        self._update_buttons()

    # --- the project -> the pane ------------------------------------------------------------

    def _on_document_analysis_changed(self, analysis: Analysis) -> None:
        fresh = self.document.undo_stack.count() == 0  # just opened: no edits yet
        if (
            fresh
            and not self.controller.is_running
            and not fit_task(self._task, analysis.project).ok
        ):
            self._choose_task(self._task_for(analysis.project))
        self._refit()
        weights = self._weights
        if weights is not None and not weights.fits(analysis.project):
            self._set_weights(None)
            self._set_message(
                "warning",
                self.tr(
                    "The stack changed: the trained weights belong to the stack as it was "
                    "trained. Train this one, or undo the change."
                ),
            )
        self._schedule_gradients()

    # --- training ---------------------------------------------------------------------------

    def train(self) -> bool:
        """What the Train button does; False (with the reason shown) when it cannot start."""
        if self.controller.is_running:
            return False
        if not self._fit_ok:
            self._set_message(
                "error", self.tr("Change the stack as said under the task, then train.")
            )
            return False
        project = self.document.project
        try:
            settings = self.settings()
            prepare(project, self._task, settings=settings)
        except (ProjectError, ModelError) as error:
            self._set_message("error", str(error))
            return False
        self._result = None
        self._history = []
        self.curves_figure.clear()
        self.curves = TrainingCurves(
            figure=self.curves_figure,
            classification=self._task.is_classification,
            epochs=settings.epochs,
            loss_name="CrossEntropyLoss" if self._task.is_classification else "MSELoss",
            lang=current_language(),
        )
        self.curves.set_history([])
        self._show_placeholder(self.confusion_figure, self.confusion_canvas)
        self.tabs.setCurrentIndex(0)
        self._training_project = project
        self.progress_bar.setValue(0)
        self.controller.start(project, self._task, settings)
        return True

    def pause(self) -> None:
        self.controller.pause()

    def resume(self) -> None:
        self.controller.resume()

    def cancel(self) -> None:
        self.controller.cancel()

    def _on_train_button_clicked(self) -> None:
        self.train()

    def _on_pause_button_clicked(self) -> None:
        if self.controller.is_paused:
            self.resume()
        else:
            self.pause()

    def _on_cancel_button_clicked(self) -> None:
        self.cancel()

    def _on_controller_state_changed(self, state: str, message: str) -> None:
        if state == RUNNING:
            self.pause_button.setText(self.tr("Pause"))
            if self.progress_bar.value() <= 0:
                self.progress_bar.setFormat(self.tr("Starting…"))
            self.progress_bar.show()
            self._set_message(
                "info",
                self.tr("Training {project} on {task}…").format(
                    project=self.document.project.name, task=self._task.name
                ),
            )
        elif state == PAUSED:
            self.pause_button.setText(self.tr("Resume"))
            self._set_message("info", self.tr("Paused: press Resume to go on."))
        elif state == FAILED:
            self._set_message(
                "error", self.tr("The training failed: {reason}").format(reason=message)
            )
        self._update_buttons()

    def _on_controller_progress_changed(self, progress: TrainingProgress) -> None:
        self.progress_bar.setValue(round(progress.fraction * 1000))
        text = self.tr("Epoch {epoch} of {epochs} · batch {batch} of {batches} · loss {loss}")
        self.progress_bar.setFormat(
            text.format(
                epoch=progress.epoch,
                epochs=progress.epochs,
                batch=progress.batch,
                batches=progress.batches,
                loss=f"{progress.loss:.4f}",
            )
        )
        if progress.record is not None:
            self._history.append(progress.record)
            self.curves.set_history(self._history)

    def _on_controller_result_changed(self, result: TrainingResult) -> None:
        self._result = result
        self._history = list(result.history)
        self.curves.set_history(result.history)
        lang = current_language()
        if result.confusion_matrix is not None and result.history:
            confusion_matrix_figure(
                result.confusion_matrix,
                result.task.class_names,
                lang=lang,
                figure=self.confusion_figure,
            )
            self.confusion_canvas.draw_idle()
        self._set_message(*self._result_message(result))
        project = self._training_project
        if result.status == DIVERGED:
            self._set_weights(None)
            return
        weights = self._trained_weights(project, result)
        if weights.fits(self.document.project):
            self._set_weights(weights)
            self.gradient_weights_combo.setCurrentIndex(self.gradient_weights_combo.findData(AFTER))
            severity, text = self._result_message(result)
            hint = self.tr(
                "The Run pane now shows its input with these weights: choose before or after "
                "training there."
            )
            self._set_message(severity, f"{text} {hint}")
        else:
            self._set_weights(None)
            self._set_message(
                "warning",
                self.tr(
                    "The stack changed during the training: its weights belong to the previous "
                    "stack and are not used."
                ),
            )
        self._schedule_gradients()

    def _trained_weights(self, project: Project, result: TrainingResult) -> TrainedWeights:
        return TrainedWeights(
            project=project,
            task=result.task,
            initial=result.initial_state,
            model=result.model,
            before=RunWeights(result.initial_state, self.tr("before training")),
            after=RunWeights(
                {name: value.detach().clone() for name, value in result.model.state_dict().items()},
                self.tr("after training"),
            ),
        )

    def _result_message(self, result: TrainingResult) -> tuple[str, str]:
        seconds = duration_text(result.seconds)
        last = result.last
        if result.status == CANCELLED:
            return "warning", self.tr(
                "Cancelled after {epochs} epoch(s) ({time}). The weights as they were are kept."
            ).format(epochs=result.epochs_run, time=seconds)
        if result.status == DIVERGED:
            return "error", self.tr("The training blew up: {reason}").format(reason=result.message)
        assert last is not None
        if last.val_accuracy is not None:
            return "info", self.tr(
                "Trained {epochs} epochs in {time}: validation accuracy {accuracy}, loss {loss}."
            ).format(
                epochs=result.epochs_run,
                time=seconds,
                accuracy=f"{last.val_accuracy:.1%}",
                loss=f"{last.val_loss:.4f}",
            )
        return "info", self.tr("Trained {epochs} epochs in {time}: validation loss {loss}.").format(
            epochs=result.epochs_run, time=seconds, loss=f"{last.val_loss:.4g}"
        )

    def _set_weights(self, weights: TrainedWeights | None) -> None:
        self._weights = weights
        self.sig_weights_changed.emit((weights.before, weights.after) if weights else None)
        self._update_buttons()

    # --- saving and loading weights ---------------------------------------------------------

    def save_weights(self) -> Path | None:
        """Write the trained weights next to the project (asking where when it has no file)."""
        weights = self._weights
        if weights is None:
            return None
        if self.document.path is not None:
            path: Path | None = weights_path(self.document.path)
        else:
            suggestion = Path.home() / f"{self.document.project.name}.safetensors"
            path = self.file_dialogs.ask_save_weights_path(str(suggestion))
        if path is None:
            return None
        metadata = {
            "project": project_to_json(weights.project),
            "task": weights.task.name,
            "seq_len": str(weights.task.seq_len),
        }
        try:
            written = save_weights(weights.model, path, metadata=metadata)
        except ProjectError as error:
            self._set_message("error", str(error))
            return None
        self._set_message("info", self.tr("Saved the trained weights to {path}.").format(path=path))
        return written

    def load_weights(self, path: str | Path | None = None) -> bool:
        """Load trained weights for the current stack (asking which file without ``path``)."""
        if path is None:
            folder = self.document.path
            suggestion = (
                weights_path(folder) if folder is not None else Path.home() / "weights.safetensors"
            )
            path = self.file_dialogs.ask_open_weights_path(str(suggestion))
            if path is None:
                return False
        project = self.document.project
        try:
            model = load_weights(project, path)
            _tensors, metadata = read_weights(path)
            settings = self.settings()
            initial = _initial_model(project, settings).state_dict()
        except (ProjectError, ModelError) as error:
            self._set_message("error", str(error))
            return False
        task = self._task
        if metadata.get("task") in TASKS:
            task = get_task(metadata["task"])
        seed = settings.seed
        self._result = None
        weights = TrainedWeights(
            project=project,
            task=task,
            initial=initial,
            model=model,
            before=RunWeights(
                initial, self.tr("before training (weights seed {seed})").format(seed=seed)
            ),
            after=RunWeights(
                {name: value.detach().clone() for name, value in model.state_dict().items()},
                self.tr("loaded from {name}").format(name=Path(path).name),
            ),
        )
        self._set_weights(weights)
        self.gradient_weights_combo.setCurrentIndex(self.gradient_weights_combo.findData(AFTER))
        self._set_message(
            "info",
            self.tr("Loaded the weights from {path} (trained on {task}).").format(
                path=path, task=metadata.get("task", "?")
            ),
        )
        self._schedule_gradients()
        return True

    def _on_save_button_clicked(self) -> None:
        self.save_weights()

    def _on_load_button_clicked(self) -> None:
        self.load_weights()

    # --- gradients over time ----------------------------------------------------------------

    def _gradient_tab_shown(self) -> bool:
        return self.tabs.currentIndex() == 2 and self.isVisible()

    def _schedule_gradients(self) -> None:
        self._gradients_stale = True
        if self._gradient_tab_shown():
            self._gradient_timer.start()

    def _on_tabs_current_changed(self, _index: int) -> None:
        if self._gradients_stale and self._gradient_tab_shown():
            self._gradient_timer.start()

    def _on_sample_spin_value_changed(self, _value: int) -> None:
        self._schedule_gradients()

    def _on_gradient_weights_combo_index_changed(self, _index: int) -> None:
        self._schedule_gradients()

    def _on_gradient_timer_timeout(self) -> None:
        self.compute_gradients()

    def _gradient_requests(self) -> list[GradientRequest]:
        weights = self._weights
        choice = self.gradient_weights_combo.currentData()
        if weights is None:
            try:
                settings = self.settings()
            except ProjectError:
                return []
            label = self.tr("initial weights (seed {seed})").format(seed=settings.seed)
            return [GradientRequest(label, None, settings.seed, settings.forget_bias)]
        requests = []
        if choice in (BEFORE, BOTH):
            requests.append(GradientRequest(weights.before.label, dict(weights.before.state)))
        if choice in (AFTER, BOTH):
            requests.append(GradientRequest(weights.after.label, dict(weights.after.state)))
        return requests

    def compute_gradients(self) -> bool:
        """Start computing ‖dLoss/dh_t‖ of the chosen sample; False when the stack cannot."""
        self._gradients_stale = False
        if not self._fit_ok:
            self._current_panels = []
            self._draw_gradients()
            self.gradient_note.setText(
                self.tr("The stack does not fit the task: see the explanation under the task.")
            )
            return False
        requests = self._gradient_requests()
        if not requests:
            return False
        self.gradient_note.setText(self.tr("Computing the gradients…"))
        self.controller.compute_gradients(
            self.document.project, self._task, self.sample_spin.value(), requests
        )
        return True

    def _on_controller_gradients_changed(self, payload: object) -> None:
        if isinstance(payload, str):
            self._current_panels = []
            self._draw_gradients()
            self.gradient_note.setText(
                self.tr("Gradients over time failed: {reason}").format(reason=payload)
            )
            return
        assert isinstance(payload, list)
        name = self.document.project.name
        self._current_panels = [
            GradientPanel(f"{name}: {panel.label}", panel.norms, panel.layer_names)
            for panel in payload
        ]
        self._draw_gradients()
        self._update_buttons()

    def _draw_gradients(self) -> None:
        panels = self.gradient_panels
        labels = _unique_labels([panel.label for panel in panels])
        if not panels:
            self.gradient_figure.clear()
            self.gradient_canvas.draw_idle()
            return
        gradient_norms_figure(
            {label: panel.norms for label, panel in zip(labels, panels, strict=True)},
            layer_names={
                label: panel.layer_names for label, panel in zip(labels, panels, strict=True)
            },
            lang=current_language(),
            figure=self.gradient_figure,
        )
        self.gradient_canvas.draw_idle()
        steps = panels[-1].norms.shape[-1]
        reaches = "; ".join(
            f"{label}: {_reach_text(panel.reach())}"
            for label, panel in zip(labels, panels, strict=True)
        )
        self.gradient_note.setText(
            self.tr(
                "How much of the gradient gets back to the first step, ‖dLoss/dh_0‖ ÷ "
                "‖dLoss/dh_{last}‖ in the first layer — {reaches}. Sample {sample} of the "
                "validation set, {steps} steps."
            ).format(last=steps - 1, reaches=reaches, sample=self.sample_spin.value(), steps=steps)
        )

    def keep_gradients(self) -> None:
        """Keep the current panels in the figure for comparison (the oldest kept go first)."""
        self._kept = [*self._kept, *self._current_panels][-MAX_KEPT_PANELS:]
        self._current_panels = []
        self._draw_gradients()
        self._update_buttons()
        self._schedule_gradients()

    def clear_kept_gradients(self) -> None:
        self._kept = []
        self._draw_gradients()
        self._update_buttons()

    def _on_keep_button_clicked(self) -> None:
        self.keep_gradients()

    def _on_clear_kept_button_clicked(self) -> None:
        self.clear_kept_gradients()

    # --- state of the buttons and the message -----------------------------------------------

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._gradients_stale and self._gradient_tab_shown():
            self._gradient_timer.start()

    def _update_buttons(self) -> None:
        running = self.controller.is_running
        self.train_button.setEnabled(self._fit_ok and not running)
        self.pause_button.setEnabled(running)
        self.cancel_button.setEnabled(running)
        if not running:
            self.pause_button.setText(self.tr("Pause"))
        self.progress_bar.setVisible(running)
        for widget in self.settings_widgets:
            widget.setEnabled(not running)
        self.forget_spin.setEnabled(not running and self.forget_check.isChecked())
        self.save_button.setEnabled(self._weights is not None and not running)
        self.load_button.setEnabled(self._fit_ok and not running)
        trained = self._weights is not None
        self.gradient_weights_combo.setEnabled(trained)
        self.keep_button.setEnabled(bool(self._current_panels))
        self.clear_kept_button.setEnabled(bool(self._kept))

    def _set_message(self, severity: str, text: str) -> None:
        self._message = text
        if severity == "info":
            self.message_label.setText(html.escape(text))
        else:
            self.message_label.setText(messages_html([(severity, text)]))
        self.message_label.setToolTip(text)
        self.message_label.setVisible(bool(text))


def _initial_model(project: Project, settings: TrainingSettings) -> StackModel:
    """The weights ``train`` would start from with ``settings``."""
    model = build_model(project, seed=settings.seed)
    if settings.forget_bias is not None:
        set_forget_bias(model, settings.forget_bias)
    return model


def _unique_labels(labels: Sequence[str]) -> list[str]:
    """The labels, with (2), (3)… after repeats, so every panel keeps its own title."""
    seen: dict[str, int] = {}
    unique = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        unique.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return unique
