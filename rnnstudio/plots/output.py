"""The model's output for one batch item: bars per class, or a heatmap classes × time.

The meaning of each axis comes from ``analyze`` (batch, time, classes, hidden, ...), so any
stack gets a sensible picture: one step of class scores as bars, per-step outputs as a
heatmap with time across, anything else (e.g. h_n [layers×directions, batch, hidden]) as a
heatmap of what is there, titled with its axis names.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Literal

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colorbar import Colorbar
from matplotlib.colors import Normalize
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator

from rnnstudio.core.analysis import (
    AXIS_LABELS,
    BATCH,
    CLASSES,
    FEATURES,
    HIDDEN,
    TIME,
    analyze,
)
from rnnstudio.core.spec import Project, SoftmaxBlock
from rnnstudio.core.trace import Trace

from .base import SelectionFigure, integer_ticks, nice_range, pixel_size, show_image
from .downsample import finite_range, minmax_envelope
from .labels import label
from .tracedata import check_batch_index

MAX_BARS = 64  # more values than this read better as a profile line
MAX_BAR_TEXTS = 16  # values written above the bars up to this many
BAR_COLOR = "#7a9cc6"
TOP_BAR_COLOR = "#d1495b"  # the largest value: the predicted class
PROBABILITY_COLORMAP = "viridis"
VALUE_COLORMAP = "RdBu_r"
NOTE_COLOR = "#b03a2e"

Mode = Literal["bars", "heatmap", "profile"]
# What the reader sees along an axis, as a key of LABELS.
_AXIS_LABEL_KEYS = {CLASSES: "class", HIDDEN: "unit", FEATURES: "feature", TIME: "time_step"}


@dataclass(frozen=True)
class _OutputSelection:
    """One batch item of the output, laid out for a picture."""

    values: np.ndarray  # [values] for bars/profile, [rows, columns] for a heatmap
    mode: Mode
    row_axis: str  # the axis along the bars, or down the heatmap
    column_axis: str | None  # across the heatmap (TIME when the output is per step)
    probabilities: bool
    note: str | None
    title: str

    @property
    def over_time(self) -> bool:
        return self.mode == "heatmap" and self.column_axis == TIME

    @property
    def limit(self) -> float:
        extremes = finite_range(self.values)
        largest = max(extremes[1], -extremes[0]) if extremes else 0.0
        return largest if largest > 0 else 1.0


class OutputFigure(SelectionFigure[_OutputSelection]):
    """A refreshable figure of the model's output for one batch item.

    ``update(trace, project)`` after every run; the same artists get new data while the
    picture keeps its kind and size (same number of bars, same heatmap or profile). When
    the output is per time step, ``set_cursor(t)`` moves a vertical line across the heatmap
    (``CursorBlitter`` blits it). Public artists: ``axes``, ``bars`` and ``bar_texts``,
    ``image`` and ``colorbar``, or ``profile``.
    """

    def __init__(self, figure: Figure | None = None, *, lang: str = "en") -> None:
        super().__init__(figure, lang=lang, figsize=(8.0, 4.5), color_limits=(0.0, 1.0))
        self.axes: Axes | None = None
        self.bars: BarContainer | None = None
        self.bar_texts: list[Text] = []
        self.image: AxesImage | None = None
        self.colorbar: Colorbar | None = None
        self.profile: Line2D | None = None

    @property
    def mode(self) -> Mode | None:
        return self._selection.mode if self._selection else None

    def update(
        self, trace: Trace, project: Project, *, batch_index: int = 0, redraw: bool = True
    ) -> None:
        """Show ``trace.output`` (the last block's output) for ``batch_index``.

        ``project`` is the project the trace ran: ``analyze(project)`` names the output's
        axes. A softmax output is drawn as probabilities on [0, 1]; a softmax over another
        axis than the classes (e.g. over time) gets a note saying so.
        """
        selection = _select_output(trace, project, batch_index, self.lang)
        structure = (
            selection.mode,
            selection.values.shape[0] if selection.mode == "bars" else 0,
            selection.probabilities,
            selection.over_time,
        )
        text_key = (
            structure,
            selection.note,
            len(str(selection.values.shape[0])),
            f"{selection.limit:.0f}",
        )
        self._show(selection, structure, text_key, redraw=redraw)

    def _build(self, selection: _OutputSelection) -> None:
        self._clear()
        self.bars = self.image = self.colorbar = self.profile = None
        self.bar_texts = []
        figure = self.figure
        grid = figure.add_gridspec(1, 2, width_ratios=[1.0, 0.025])
        self.axes = axes = figure.add_subplot(grid[0, 0])
        if selection.mode == "bars":
            count = selection.values.shape[0]
            self.bars = axes.bar(np.arange(count), np.zeros(count), color=BAR_COLOR, width=0.7)
            if count <= MAX_BAR_TEXTS:
                self.bar_texts = [
                    axes.text(index, 0.0, "", ha="center", fontsize="small")
                    for index in range(count)
                ]
            axes.xaxis.set_major_locator(MaxNLocator(nbins=20, integer=True))
            axes.axhline(0.0, color="#555555", linewidth=0.8, zorder=0.5)  # below the bars
        elif selection.mode == "profile":
            self.profile = axes.plot([], [], linewidth=1.2, color=BAR_COLOR)[0]
            axes.axhline(0.0, color="#999999", linewidth=0.6, zorder=0)
        else:
            self._norm = Normalize(0.0, 1.0)
            colormap = PROBABILITY_COLORMAP if selection.probabilities else VALUE_COLORMAP
            self.image = axes.imshow(
                np.zeros((1, 1)),
                aspect="auto",
                interpolation="nearest",
                cmap=colormap,
                norm=self._norm,
            )
            self.colorbar = figure.colorbar(self.image, cax=figure.add_subplot(grid[0, 1]))
            integer_ticks(axes)
            axes.xaxis.set_major_locator(MaxNLocator(integer=True))
            if selection.over_time:
                self._add_cursor(axes)
        if self.bars is not None:
            self._add_data(*self.bars, *self.bar_texts)
        self._add_data(*(a for a in (self.image, self.profile) if a is not None))
        self._set_static_token(None)

    def _set_texts(self, selection: _OutputSelection) -> None:
        lang = self.lang
        assert self.axes is not None
        self._set_title(selection.title)
        self.axes.set_title(selection.note or "", loc="left", color=NOTE_COLOR, fontsize="medium")
        value_text = label("probability" if selection.probabilities else "value", lang)
        if selection.mode == "heatmap":
            assert selection.column_axis is not None and self.colorbar is not None
            self.axes.set_ylabel(_axis_text(selection.row_axis, lang))
            self.axes.set_xlabel(_axis_text(selection.column_axis, lang))
            self.colorbar.set_label(value_text)
        else:
            self.axes.set_xlabel(_axis_text(selection.row_axis, lang))
            self.axes.set_ylabel(value_text)

    def _refill(self) -> None:
        selection = self._selection
        if selection is None or self.axes is None:
            return
        values = selection.values
        axes = self.axes
        if self.bars is not None:
            self._fill_bars(selection)
        elif self.profile is not None:
            width, _ = pixel_size(axes)
            steps, reduced = minmax_envelope(values, width)
            self.profile.set_data(steps, reduced)
            axes.set_xlim(-0.5, values.shape[0] - 0.5)
            axes.set_ylim(*nice_range(values, np.zeros(1)))
        else:
            assert self.image is not None
            width, height = pixel_size(axes)
            show_image(self.image, values, width, height)
            if selection.probabilities:
                self._norm.vmin, self._norm.vmax = 0.0, 1.0
            else:
                self._norm.vmin, self._norm.vmax = -selection.limit, selection.limit
            axes.set_xlim(-0.5, values.shape[1] - 0.5)
            axes.set_ylim(values.shape[0] - 0.5, -0.5)

    def _fill_bars(self, selection: _OutputSelection) -> None:
        assert self.bars is not None and self.axes is not None
        values = selection.values
        top = int(np.argmax(values))
        for index, (bar, value) in enumerate(zip(self.bars, values, strict=True)):
            bar.set_height(float(value))
            bar.set_facecolor(TOP_BAR_COLOR if index == top else BAR_COLOR)
        for index, (text, value) in enumerate(zip(self.bar_texts, values, strict=True)):
            text.set_position((index, float(value)))
            text.set_verticalalignment("bottom" if value >= 0 else "top")
            text.set_text(f"{value:.2f}" if selection.probabilities else f"{value:.3g}")
        if selection.probabilities:
            self.axes.set_ylim(0.0, 1.1)
        else:
            low, high = nice_range(values, np.zeros(1))
            margin = 0.1 * (high - low)  # room for the texts
            self.axes.set_ylim(low - margin, high + margin)
        self.axes.set_xlim(-0.6, values.shape[0] - 0.4)


def _axis_text(axis: str, lang: str) -> str:
    key = _AXIS_LABEL_KEYS.get(axis)
    if key is not None:
        return label(key, lang)
    return AXIS_LABELS.get(lang, AXIS_LABELS["en"]).get(axis, axis)


def _select_output(trace: Trace, project: Project, batch_index: int, lang: str) -> _OutputSelection:
    analysis = analyze(project)
    info = analysis.output
    if info is None:
        problem = analysis.first_error
        raise ValueError(problem.message if problem else "the project has no output")
    output = trace.output
    if tuple(output.shape) != info.shape:
        raise ValueError(
            f"the trace's output has shape {list(output.shape)} but the project's output is "
            f"{info.describe(lang)}; plot a trace of this project"
        )
    values = output.detach().cpu().numpy()
    axes = list(info.axes)
    title = label(
        "output_title",
        lang,
        block=project.blocks[-1].name if project.blocks else "input",
        shape=info.describe(lang),
    )
    if BATCH in axes:
        batch_axis = axes.index(BATCH)
        check_batch_index(batch_index, values.shape[batch_axis])
        values = np.take(values, batch_index, axis=batch_axis)
        del axes[batch_axis]
        title += ", " + label("batch_item", lang, index=batch_index)
    if values.ndim == 0:
        values, axes = values.reshape(1), [info.axes[-1]]

    probabilities = bool(project.blocks) and isinstance(project.blocks[-1], SoftmaxBlock)
    last_stage = analysis.stages[-1]
    note = None
    if probabilities and any(p.code == "softmax_axis" for p in last_stage.problems):
        softmax = project.blocks[-1]
        assert isinstance(softmax, SoftmaxBlock)
        axis = info.axes[softmax.dim % info.ndim]
        note = (
            label("softmax_over_time", lang, dim=softmax.dim)
            if axis == TIME
            else label("softmax_over_axis", lang, axis=_axis_text(axis, lang), dim=softmax.dim)
        )
        note = textwrap.fill(note, 90)

    if values.ndim == 1:
        mode: Mode = "bars" if values.shape[0] <= MAX_BARS else "profile"
        return _OutputSelection(values, mode, axes[0], None, probabilities, note, title)
    if TIME in axes:
        # Time across: [..., time] with every other axis down the rows.
        time_axis = axes.index(TIME)
        values = np.moveaxis(values, time_axis, -1)
        row_axes = [axis for axis in axes if axis != TIME]
        values = values.reshape(-1, values.shape[-1])
        return _OutputSelection(values, "heatmap", row_axes[-1], TIME, probabilities, note, title)
    # No time axis, e.g. h_n [layers×directions, hidden]: the last axis down, the rest across.
    values = values.reshape(-1, values.shape[-1]).T
    return _OutputSelection(values, "heatmap", axes[-1], axes[0], probabilities, note, title)


def plot_output(
    trace: Trace,
    project: Project,
    batch_index: int = 0,
    figure: Figure | None = None,
    lang: str = "en",
) -> Figure:
    """A figure of the model's output ``trace.output`` for one batch item.

    Shapes (axis names from ``analyze(project)``): [batch, classes] gives bars per class
    (probabilities on [0, 1] after a softmax, the largest highlighted); [batch, time,
    classes] or [time, batch, classes] a heatmap classes × time; other outputs a heatmap of
    what is there (e.g. h_n [layers×directions, batch, hidden]: hidden × layers×directions).
    Use ``OutputFigure`` to refresh a figure in place.
    """
    view = OutputFigure(figure, lang=lang)
    view.update(trace, project, batch_index=batch_index, redraw=False)
    return view.figure
