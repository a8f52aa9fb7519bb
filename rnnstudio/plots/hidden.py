"""Hidden (and LSTM cell) states over time: a heatmap units × time, or lines for a few units.

The block's input is drawn above on the same time axis. One panel per chosen layer and
direction, so a whole block fits in one figure (``plot_block_states``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.colorbar import Colorbar
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from rnnstudio.core.spec import Project
from rnnstudio.core.trace import Trace

from .base import (
    SelectionFigure,
    integer_ticks,
    nice_range,
    pixel_size,
    show_image,
)
from .downsample import bucket_step, finite_range, minmax_envelope
from .labels import label
from .tracedata import (
    State,
    block_input,
    check_batch_index,
    choose_indices,
    final_state,
    is_tanh_bounded,
    previous_block,
    recurrent_trace,
    state_tensor,
)

MAX_LINES = 12  # more units than this cannot be told apart as lines: a heatmap instead
DEFAULT_LINE_UNITS = 6
MAX_INPUT_LINES = 12
STATE_COLORMAP = "RdBu_r"  # diverging: blue negative, white 0, red positive
INPUT_COLORMAP = "viridis"

Kind = Literal["heatmap", "lines"]
Indices = int | Sequence[int] | Literal["all"]


@dataclass
class StatePanel:
    """One layer and direction of the block: its axes and the artists showing its states."""

    axes: Axes
    layer: int
    direction: int
    image: AxesImage | None = None
    lines: list[Line2D] = field(default_factory=list)
    final_marker: PathCollection | None = None
    final_outline: Rectangle | None = None  # heatmap: the column holding h_n


@dataclass(frozen=True)
class _Selection:
    """What one update shows, resolved and read out of the trace."""

    block: str
    kind: str
    state: State
    batch_index: int
    pairs: tuple[tuple[int, int], ...]  # (layer, direction) per panel
    directions: int
    units: tuple[int, ...]
    mode: Kind
    values: tuple[np.ndarray, ...]  # per panel [units, time]
    finals: tuple[np.ndarray, ...]  # per panel [units]
    input_values: np.ndarray  # [features, time]
    input_source: str | None
    bounded: bool

    @property
    def steps(self) -> int:
        return self.input_values.shape[1]

    @property
    def limit(self) -> float:
        """Half the symmetric colour/value range: 1 for tanh states, else the largest |v|."""
        if self.bounded:
            return 1.0
        extremes = finite_range(*self.values)
        largest = max(extremes[1], -extremes[0]) if extremes else 0.0
        return largest if largest > 0 else 1.0


class HiddenStateFigure(SelectionFigure[_Selection]):
    """A refreshable figure of one recurrent block's states over time.

    Create it once (optionally on the figure of an embedded canvas), then call ``update``
    after every run: while the layout stays the same (same number of panels, same view, same
    number of lines) the same artists get new data (``set_data``) and nothing is rebuilt.
    ``set_cursor(t)`` moves a vertical line through every time axis; see ``CursorBlitter``.

    Public artists for inspection: ``input_axes``, ``input_lines`` or ``input_image``,
    ``panels`` (one ``StatePanel`` per layer and direction) and ``colorbar``.
    """

    def __init__(self, figure: Figure | None = None, *, lang: str = "en") -> None:
        super().__init__(figure, lang=lang, figsize=(9.0, 5.5), color_limits=(-1.0, 1.0))
        self.input_axes: Axes | None = None
        self.input_lines: list[Line2D] = []
        self.input_image: AxesImage | None = None
        self.input_colorbar: Colorbar | None = None
        self.panels: list[StatePanel] = []
        self.colorbar: Colorbar | None = None

    @property
    def mode(self) -> Kind | None:
        """The view actually shown: "lines" only for at most MAX_LINES units."""
        return self._selection.mode if self._selection else None

    def update(
        self,
        trace: Trace,
        block: str,
        *,
        layer: Indices = 0,
        direction: Indices = 0,
        batch_index: int = 0,
        kind: Kind = "heatmap",
        units: Sequence[int] | None = None,
        state: State = "hidden",
        project: Project | None = None,
        redraw: bool = True,
    ) -> None:
        """Show ``block``'s states from ``trace``.

        Args:
            trace: a run of the model; ``trace.recurrent[block].hidden`` is [layers,
                directions, batch, time, units].
            layer, direction: an index, a list of indices or "all": one panel each pair.
            batch_index: which sequence of the batch.
            kind: "heatmap" (units × time) or "lines" (one line per unit, final state
                marked); lines become a heatmap when more than MAX_LINES units are chosen.
            units: the units shown, in this order; None: all (heatmap) or the first
                DEFAULT_LINE_UNITS (lines).
            state: "hidden" (h) or "cell" (c, LSTM only).
            project: the run's project: tells the block's batch_first and nonlinearity.
            redraw: ask the canvas for a draw (``draw_idle``) at the end.
        """
        if kind not in ("heatmap", "lines"):
            raise ValueError(f"kind must be 'heatmap' or 'lines', got {kind!r}")
        selection = _select(
            trace, block, layer, direction, batch_index, kind, units, state, project
        )
        structure = (
            selection.mode,
            len(selection.pairs),
            len(selection.units) if selection.mode == "lines" else 0,
            _input_mode(selection.input_values),
            # One input line per feature: another count of features needs other lines.
            len(selection.input_values) if _input_mode(selection.input_values) == "lines" else 0,
        )
        text_key = (
            structure,
            len(str(max(selection.units))),
            len(str(selection.steps)),
            f"{selection.limit:.0f}",
            _input_text_width(selection.input_values),
        )
        self._show(selection, structure, text_key, redraw=redraw)

    # --- building (only when the structure changes) ----------------------------------------

    def _build(self, selection: _Selection) -> None:
        self._clear()
        # A new norm: the cleared figure's images and colorbar may still be listening to the
        # old one until they are collected, and a colorbar taken off its figure cannot redraw.
        self._norm = Normalize(*self.color_limits)
        self.panels = []
        self.input_lines = []
        self.input_image = self.input_colorbar = self.colorbar = None
        figure = self.figure
        count = len(selection.pairs)
        grid = figure.add_gridspec(
            count + 1,
            2,
            height_ratios=[1.0] + [2.6 if count == 1 else 1.6] * count,
            width_ratios=[1.0, 0.025],
        )
        self.input_axes = input_axes = figure.add_subplot(grid[0, 0])
        features = selection.input_values.shape[0]
        if _input_mode(selection.input_values) == "heatmap":
            self.input_image = input_axes.imshow(
                np.zeros((1, 1)), aspect="auto", interpolation="nearest", cmap=INPUT_COLORMAP
            )
            self.input_colorbar = figure.colorbar(
                self.input_image, cax=figure.add_subplot(grid[0, 1])
            )
            integer_ticks(input_axes)
        else:
            self.input_lines = [
                input_axes.plot([], [], linewidth=1.2, color=f"C{index % 10}", label=f"x{index}")[0]
                for index in range(features)
            ]
            if 2 <= features <= 4:
                # Above the axes, right of the title: the colorbar column stays narrow.
                input_axes.legend(
                    loc="lower right",
                    bbox_to_anchor=(1.0, 1.0),
                    ncols=features,
                    fontsize="small",
                    frameon=False,
                    borderaxespad=0.1,
                )
        input_axes.tick_params(labelbottom=False)
        # Shared by every panel: time steps are whole numbers.
        input_axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        self._add_cursor(input_axes)

        line_colors = [_unit_color(index) for index in range(len(selection.units))]
        for index, (layer, direction) in enumerate(selection.pairs):
            axes = figure.add_subplot(grid[index + 1, 0], sharex=input_axes)
            panel = StatePanel(axes, layer, direction)
            if selection.mode == "heatmap":
                panel.image = axes.imshow(
                    np.zeros((1, 1)),
                    aspect="auto",
                    interpolation="nearest",
                    interpolation_stage="rgba",
                    cmap=STATE_COLORMAP,
                    norm=self._norm,
                )
                integer_ticks(axes, formatter=FuncFormatter(self._unit_tick))
                panel.final_outline = axes.add_patch(
                    Rectangle(
                        (0.0, 0.0), 1.0, 1.0, fill=False, edgecolor="black", linewidth=1.3, zorder=3
                    )
                )
            else:
                panel.lines = [
                    axes.plot([], [], linewidth=1.4, color=color)[0] for color in line_colors
                ]
                panel.final_marker = axes.scatter(
                    np.zeros(len(line_colors)),
                    np.zeros(len(line_colors)),
                    s=40,
                    c=line_colors,
                    edgecolors="black",
                    linewidths=0.8,
                    zorder=3,
                    clip_on=False,
                )
                axes.axhline(0.0, color="#999999", linewidth=0.6, zorder=0)
            if index < count - 1:
                axes.tick_params(labelbottom=False)
            self._add_cursor(axes)
            self.panels.append(panel)

        for panel in self.panels:
            self._add_data(*panel.lines)
            self._add_data(
                *(
                    a
                    for a in (panel.image, panel.final_marker, panel.final_outline)
                    if a is not None
                )
            )
        self._add_data(*self.input_lines)
        if self.input_image is not None:
            self._add_data(self.input_image)
        if selection.mode == "heatmap":
            first_image = self.panels[0].image
            assert first_image is not None
            self.colorbar = figure.colorbar(first_image, cax=figure.add_subplot(grid[1:, 1]))
        else:
            first = self.panels[0]
            assert first.final_marker is not None
            first.axes.legend(
                [*first.lines, first.final_marker],
                [""] * (len(first.lines) + 1),
                loc="upper left",
                bbox_to_anchor=(1.01, 1.0),
                fontsize="small",
                frameon=False,
            )

    # --- texts (cheap, every update) ------------------------------------------------------

    def _set_texts(self, selection: _Selection) -> None:
        for panel, (layer_index, direction_index) in zip(self.panels, selection.pairs, strict=True):
            panel.layer, panel.direction = layer_index, direction_index
        lang = self.lang
        state_text = label(selection.state, lang)
        self._set_title(
            label(
                "states_title",
                lang,
                block=selection.block,
                kind=selection.kind.upper(),
                state=state_text,
                item=label("batch_item", lang, index=selection.batch_index),
            )
        )
        assert self.input_axes is not None
        input_title = (
            label("input", lang)
            if selection.input_source is None
            else label("input_from", lang, block=selection.input_source)
        )
        self.input_axes.set_title(input_title, loc="left", fontsize="medium")
        if self.input_image is not None:
            self.input_axes.set_ylabel(label("feature", lang))
            assert self.input_colorbar is not None
            self.input_colorbar.set_label(label("input_x", lang))
        else:
            self.input_axes.set_ylabel(label("input_x", lang))
        for panel in self.panels:
            title = _panel_title(panel, selection, lang)
            panel.axes.set_title(title, loc="left", fontsize="medium")
            outlined = ""
            if panel.final_outline is not None and panel is self.panels[0]:
                final_key = "final_hidden" if selection.state == "hidden" else "final_cell"
                outlined = label("outlined", lang, what=label(final_key, lang))
            panel.axes.set_title(outlined, loc="right", fontsize="small")
            if panel.image is not None:
                panel.axes.set_ylabel(label("unit", lang))
            else:
                panel.axes.set_ylabel(state_text)
        # The final text depends on the pixel budget (see _refill); its height does not.
        self.panels[-1].axes.set_xlabel(label("time_step", lang))
        if self.colorbar is not None:
            self.colorbar.set_label(state_text)
        else:
            legend = self.panels[0].axes.get_legend()
            final_key = "final_hidden" if selection.state == "hidden" else "final_cell"
            names = [f"{label('unit', lang)} {unit}" for unit in selection.units]
            names.append(label(final_key, lang))
            for text, name in zip(legend.get_texts(), names, strict=True):
                text.set_text(name)
        # The unit ticks and legend texts follow the units shown.
        self._set_static_token((selection.units, selection.state))

    # --- data (every update, and again on resize) -----------------------------------------

    def _refill(self) -> None:
        selection = self._selection
        if selection is None:
            return
        steps = selection.steps
        time_limits = (-0.5, steps - 0.5)
        column_step = 1
        assert self.input_axes is not None
        width, height = pixel_size(self.input_axes)
        if self.input_image is not None:
            column_step = show_image(self.input_image, selection.input_values, width, height)
            low, high = finite_range(selection.input_values) or (0.0, 1.0)
            if low == high:
                low, high = low - 0.5, high + 0.5
            self.input_image.set_clim(low, high)
            self.input_axes.set_ylim(selection.input_values.shape[0] - 0.5, -0.5)
        else:
            x_steps, reduced = minmax_envelope(selection.input_values, width)
            for line, line_steps, line_values in zip(
                self.input_lines, x_steps, reduced, strict=True
            ):
                line.set_data(line_steps, line_values)
            self.input_axes.set_ylim(*nice_range(selection.input_values))

        limit = selection.limit
        self._norm.vmin, self._norm.vmax = -limit, limit
        for panel, values, final in zip(
            self.panels, selection.values, selection.finals, strict=True
        ):
            width, height = pixel_size(panel.axes)
            if panel.image is not None:
                column_step = max(column_step, show_image(panel.image, values, width, height))
                panel.axes.set_ylim(values.shape[0] - 0.5, -0.5)
                if panel.final_outline is not None:
                    # h_n is the state after the last step a direction reads.
                    final_step = steps - 1 if panel.direction == 0 else 0
                    panel.final_outline.set_bounds(final_step - 0.5, -0.5, 1.0, values.shape[0])
                continue
            x_steps, reduced = minmax_envelope(values, width)
            for line, line_steps, line_values in zip(panel.lines, x_steps, reduced, strict=True):
                line.set_data(line_steps, line_values)
            column_step = max(column_step, _step_of_envelope(steps, width))
            final_step = steps - 1 if panel.direction == 0 else 0
            assert panel.final_marker is not None
            panel.final_marker.set_offsets(
                np.column_stack([np.full(len(final), final_step), final])
            )
            if selection.bounded:
                panel.axes.set_ylim(-1.05, 1.05)
            else:
                panel.axes.set_ylim(*nice_range(values, final))
        self.input_axes.set_xlim(*time_limits)
        bottom = self.panels[-1].axes
        bottom.set_xlabel(
            label("time_step", self.lang)
            if column_step == 1
            else label("time_step_reduced", self.lang, step=column_step)
        )

    def _unit_tick(self, position: float, _: object) -> str:
        units = self._selection.units if self._selection else ()
        row = round(position)
        return str(units[row]) if 0 <= row < len(units) and abs(position - row) < 1e-6 else ""


def _select(
    trace: Trace,
    block: str,
    layer: Indices,
    direction: Indices,
    batch_index: int,
    kind: Kind,
    units: Sequence[int] | None,
    state: State,
    project: Project | None,
) -> _Selection:
    recurrent = recurrent_trace(trace, block)
    states = state_tensor(recurrent, state)
    layers_count, directions_count, batch, _, unit_count = states.shape
    layers = choose_indices(layer, layers_count, "layer")
    directions = choose_indices(direction, directions_count, "direction")
    check_batch_index(batch_index, batch)
    if units is None:
        chosen_units = tuple(
            range(unit_count if kind == "heatmap" else min(unit_count, DEFAULT_LINE_UNITS))
        )
    else:
        chosen_units = choose_indices(list(units), unit_count, "units")
    all_units = chosen_units == tuple(range(unit_count))
    mode: Kind = "lines" if kind == "lines" and len(chosen_units) <= MAX_LINES else "heatmap"
    pairs = tuple((one, other) for one in layers for other in directions)
    values = []
    finals = []
    for one_layer, one_direction in pairs:
        # [time, units] -> [units, time]; a plain transpose view when every unit is shown.
        # trace stores time-major, so one batch item's rows are strided: one copy here makes
        # every later pass (downsampling, colour mapping) read contiguous memory.
        one_item = states[one_layer, one_direction, batch_index].detach().cpu().contiguous()
        sequence = one_item.numpy().T
        values.append(sequence if all_units else sequence[list(chosen_units)])
        final = final_state(recurrent, state, one_layer, one_direction, batch_index)
        finals.append(final[list(chosen_units)])
    return _Selection(
        block=block,
        kind=recurrent.kind,
        state=state,
        batch_index=batch_index,
        pairs=pairs,
        directions=directions_count,
        units=chosen_units,
        mode=mode,
        values=tuple(values),
        finals=tuple(finals),
        input_values=block_input(trace, block, batch_index, project),
        input_source=previous_block(trace, block),
        bounded=is_tanh_bounded(recurrent, state, values, project),
    )


def _input_mode(input_values: np.ndarray) -> str:
    return "lines" if input_values.shape[0] <= MAX_INPUT_LINES else "heatmap"


def _input_text_width(input_values: np.ndarray) -> int:
    if input_values.size == 0:
        return 1
    extremes = finite_range(input_values) or (0.0, 0.0)
    return len(f"{max(abs(extremes[0]), abs(extremes[1])):.0f}")


def _panel_title(panel: StatePanel, selection: _Selection, lang: str) -> str:
    title = label("layer", lang, layer=panel.layer)
    if selection.directions == 2:
        title += " · " + label("forward" if panel.direction == 0 else "backward", lang)
    return title


def _unit_color(index: int) -> tuple[float, float, float, float]:
    palette = colormaps["tab10" if index < 10 else "tab20"]
    return palette(index % palette.N)


def _step_of_envelope(steps: int, width: int) -> int:
    return 1 if steps <= width else bucket_step(steps, max(1, width // 2))


def plot_hidden(
    trace: Trace,
    block: str,
    layer: Indices = 0,
    direction: Indices = 0,
    batch_index: int = 0,
    kind: Kind = "heatmap",
    units: Sequence[int] | None = None,
    figure: Figure | None = None,
    lang: str = "en",
    *,
    state: State = "hidden",
    project: Project | None = None,
) -> Figure:
    """A figure of ``block``'s hidden states over time, the block's input above.

    ``trace.recurrent[block].hidden`` is [layers, directions, batch, time, units]; the
    heatmap shows units × time for ``batch_index``, coloured on [-1, 1] for tanh states.
    ``layer``/``direction`` may be "all" or lists: one panel per pair. See
    ``HiddenStateFigure.update`` for every argument; use that class to refresh a figure.
    """
    view = HiddenStateFigure(figure, lang=lang)
    view.update(
        trace,
        block,
        layer=layer,
        direction=direction,
        batch_index=batch_index,
        kind=kind,
        units=units,
        state=state,
        project=project,
        redraw=False,
    )
    return view.figure


def plot_block_states(
    trace: Trace,
    block: str,
    batch_index: int = 0,
    kind: Kind = "heatmap",
    units: Sequence[int] | None = None,
    figure: Figure | None = None,
    lang: str = "en",
    *,
    state: State = "hidden",
    project: Project | None = None,
) -> Figure:
    """Every layer and direction of ``block`` in one figure: one panel each, input above."""
    return plot_hidden(
        trace,
        block,
        "all",
        "all",
        batch_index,
        kind,
        units,
        figure,
        lang,
        state=state,
        project=project,
    )
