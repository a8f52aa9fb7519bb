"""One time step of a run as bars: the input x_t above, each layer's hidden vector h_t below.

The time scrubber's side panel. ``update`` lays the figure out for a trace and a block once;
``set_step(t)`` then only changes bar heights and colours, so on a CachingFigure a step
redraws the bars alone. Every value axis keeps the range of the whole sequence, so bars move
against fixed ticks while t changes. Hidden bars take the heatmaps' colours for their sign
(red positive, blue negative).
"""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator

from rnnstudio.core.spec import Project
from rnnstudio.core.trace import Trace

from .base import RefreshableFigure, nice_range
from .downsample import finite_range
from .hidden import INPUT_COLORMAP, MAX_INPUT_LINES, STATE_COLORMAP
from .labels import label
from .tracedata import (
    block_input,
    check_batch_index,
    is_tanh_bounded,
    previous_block,
    recurrent_trace,
)

MAX_PANELS = 8  # more layers × directions than this: the first ones, and a note
INPUT_BAR_WIDTH = 0.8
STATE_BAR_WIDTH = 0.85
# The ends of the heatmaps' colormap (RdBu_r): red positive, blue negative.
POSITIVE_COLOR = colormaps[STATE_COLORMAP](0.85)
NEGATIVE_COLOR = colormaps[STATE_COLORMAP](0.15)

_TEXTS = {
    "en": {
        "step": "t = {step}",
        "input_at": "input $x_t$",
        "input_from_at": "$x_t$ = output of {block}",
        "states_at": "$h_t$ of {block}",
        "bands_bounded": "each band −1…1",
        "bands_scaled": "each band ± its largest |h|",
        "layer": "layer {layer}{arrow}",
        "more_panels": "+{count} more not shown",
    },
    "es": {
        "step": "t = {step}",
        "input_at": "entrada $x_t$",
        "input_from_at": "$x_t$ = salida de {block}",
        "states_at": "$h_t$ de {block}",
        "bands_bounded": "cada banda −1…1",
        "bands_scaled": "cada banda ± su mayor |h|",
        "layer": "capa {layer}{arrow}",
        "more_panels": "+{count} más, no mostradas",
    },
}


def _bar_corners(values: np.ndarray, base: float, width: float) -> np.ndarray:
    """Rectangles from ``base`` to ``base + value`` centred on 0, 1, 2, ...: [bars, 4, 2]."""
    centres = np.arange(values.shape[0], dtype=float)
    left, right = centres - width / 2, centres + width / 2
    bottom = np.full_like(centres, base)
    top = bottom + np.nan_to_num(values.astype(float), nan=0.0, posinf=0.0, neginf=0.0)
    return np.stack(
        [
            np.column_stack([left, bottom]),
            np.column_stack([left, top]),
            np.column_stack([right, top]),
            np.column_stack([right, bottom]),
        ],
        axis=1,
    )


def _text(key: str, lang: str, **values: object) -> str:
    return _TEXTS.get(lang, _TEXTS["en"])[key].format(**values)


class StepFigure(RefreshableFigure):
    """Bars of x_t, and of h_t for every layer and direction of one recurrent block.

    The hidden vectors share one axes, one band per layer and direction (layer-major,
    forward first), each band around its own zero line: a short figure still gives every
    band most of its height. tanh-bounded states fill their band at ±1; other states are
    scaled so the largest |h| of each band over the whole sequence fills it (the band's
    label says the value at its edge).

    Public artists: ``input_axes`` and ``input_bars``; ``state_axes`` (the one axes of the
    bands) and ``state_bars`` (one PolyCollection of bars per band); ``step_text``. ``step`` is the
    step shown; ``state_values(band)`` reads a band's bars back in the states' own units.
    """

    BAND = 2.3  # distance between the zero lines of neighbouring bands (each spans ±1)

    def __init__(self, figure: Figure | None = None, *, lang: str = "en") -> None:
        super().__init__(figure, lang=lang, figsize=(4.0, 5.0))
        self.input_axes: Axes | None = None
        self.input_bars: PolyCollection | None = None
        self.state_axes: Axes | None = None
        self.state_bars: list[PolyCollection] = []
        self.step_text: Text | None = None
        self.step = 0
        self._inputs = np.zeros((1, 1))  # [features, time]
        self._states = np.zeros((1, 1, 1))  # [bands, time, units]
        self._scales = np.ones(1)  # per band: the value drawn at the band's edge
        self._pairs: tuple[tuple[int, int], ...] = ()
        self._input_norm = Normalize(0.0, 1.0)
        self._structure: tuple[object, ...] | None = None
        self._text_key: tuple[object, ...] | None = None

    def update(
        self,
        trace: Trace,
        block: str,
        *,
        batch_index: int = 0,
        step: int = 0,
        project: Project | None = None,
        redraw: bool = True,
    ) -> None:
        """Show ``block`` of ``trace`` for ``batch_index`` at ``step``.

        ``trace.recurrent[block].hidden`` is [layers, directions, batch, time, units]; the
        block's input comes from the trace as ``block_input`` reads it (``project`` tells
        the block's batch_first).
        """
        recurrent = recurrent_trace(trace, block)
        layers, directions, batch, steps, units = recurrent.hidden.shape
        check_batch_index(batch_index, batch)
        pairs = tuple(
            (layer, direction) for layer in range(layers) for direction in range(directions)
        )
        shown = pairs[:MAX_PANELS]
        states = recurrent.hidden[:, :, batch_index].reshape(layers * directions, steps, units)
        self._states = states[: len(shown)].detach().cpu().numpy()
        self._inputs = block_input(trace, block, batch_index, project)
        self._pairs = shown
        if is_tanh_bounded(recurrent, "hidden", list(self._states), project):
            self._scales = np.ones(len(shown))
        else:
            scales = []
            for band in self._states:
                low, high = finite_range(band) or (0.0, 0.0)
                scales.append(max(abs(low), abs(high)) or 1.0)
            self._scales = np.array(scales)
        input_range = finite_range(self._inputs) or (0.0, 1.0)
        self._input_norm.vmin, self._input_norm.vmax = input_range
        structure = (len(shown), directions, units, self._inputs.shape[0])
        if structure != self._structure:
            self._build(units, self._inputs.shape[0])
            self._structure = structure
        self._set_texts(block, trace, len(pairs) - len(shown), directions)
        assert self.input_axes is not None and self.state_axes is not None
        self.input_axes.set_ylim(*nice_range(self._inputs, np.zeros(1)))
        self.state_axes.set_ylim(-self.BAND * (len(shown) - 1) - 1.1, 1.1)
        # Laying out is the costly part of an update: only when what takes room changed.
        text_key = (
            structure,
            self.state_axes.get_title(loc="left"),
            self.input_axes.get_title(loc="left"),
            tuple(tick.get_text() for tick in self.state_axes.get_yticklabels()),
            tuple(self.input_axes.get_ylim()),
        )
        if text_key != self._text_key:
            self._relayout()
            self._text_key = text_key
        self.set_step(step, redraw=False)
        if redraw:
            self._redraw()

    @property
    def steps(self) -> int:
        return self._inputs.shape[1]

    def input_values(self) -> np.ndarray:
        """The heights of the input bars: x_t [features]."""
        return self._bar_heights(self.input_bars)

    def state_values(self, band: int) -> np.ndarray:
        """One band's bars read back as h_t [units] (its scale undone)."""
        return self._bar_heights(self.state_bars[band]) * self._scales[band]

    @staticmethod
    def _bar_heights(bars: PolyCollection | None) -> np.ndarray:
        assert bars is not None
        corners = np.array([path.vertices for path in bars.get_paths()])  # [bars, 4, (x, y)]
        return corners[:, 1, 1] - corners[:, 0, 1]

    def set_step(self, step: int, *, redraw: bool = True) -> None:
        """Show step ``step`` (clamped to the sequence): only bars and the step text change."""
        self.step = int(min(max(step, 0), self.steps - 1))
        assert self.input_bars is not None and self.step_text is not None
        values = self._inputs[:, self.step]
        self.input_bars.set_verts(_bar_corners(values, 0.0, INPUT_BAR_WIDTH))
        if values.shape[0] > MAX_INPUT_LINES:
            self.input_bars.set_facecolor(colormaps[INPUT_COLORMAP](self._input_norm(values)))
        for band, (bars, states, scale) in enumerate(
            zip(self.state_bars, self._states, self._scales, strict=True)
        ):
            values = states[self.step]
            bars.set_verts(_bar_corners(values / scale, -self.BAND * band, STATE_BAR_WIDTH))
            bars.set_facecolor(np.where((values >= 0)[:, None], POSITIVE_COLOR, NEGATIVE_COLOR))
        self.step_text.set_text(_text("step", self.lang, step=self.step))
        if redraw:
            self._redraw()

    def _build(self, units: int, features: int) -> None:
        self._clear()
        figure = self.figure
        count = len(self._pairs)
        grid = figure.add_gridspec(2, 1, height_ratios=[1.0, 0.6 + 0.9 * count])
        self.input_axes = input_axes = figure.add_subplot(grid[0, 0])
        # Bars as one collection each: a step redraws a few paths, not one per unit.
        colors = [f"C{index % 10}" for index in range(features)]
        self.input_bars = input_axes.add_collection(
            PolyCollection(
                _bar_corners(np.zeros(features), 0.0, INPUT_BAR_WIDTH),
                facecolors=colors,
                edgecolors="none",
            )
        )
        input_axes.set_xlim(-0.6, features - 0.4)
        input_axes.axhline(0.0, color="#555555", linewidth=0.8, zorder=0.5)
        input_axes.xaxis.set_major_locator(MaxNLocator(nbins="auto", integer=True))
        input_axes.yaxis.set_major_locator(MaxNLocator(nbins=2))
        input_axes.tick_params(labelsize="small")
        self.state_axes = axes = figure.add_subplot(grid[1, 0])
        self.state_bars = []
        for band in range(count):
            zero = -self.BAND * band
            bars = axes.add_collection(
                PolyCollection(
                    _bar_corners(np.zeros(units), zero, STATE_BAR_WIDTH), edgecolors="none"
                )
            )
            self.state_bars.append(bars)
            axes.axhline(zero, color="#555555", linewidth=0.8, zorder=0.5)
            for edge in (zero - 1.0, zero + 1.0):
                axes.axhline(edge, color="#cccccc", linewidth=0.6, linestyle=":", zorder=0.4)
        axes.set_xlim(-0.6, units - 0.4)
        axes.set_yticks([-self.BAND * band for band in range(count)])
        axes.xaxis.set_major_locator(MaxNLocator(nbins="auto", integer=True))
        axes.tick_params(labelsize="small")
        # An axes text (a figure-level animated text would be left out of saved files).
        self.step_text = input_axes.text(
            1.0,
            1.04,
            "",
            transform=input_axes.transAxes,
            ha="right",
            va="bottom",
            fontweight="bold",
        )
        self._add_data(self.input_bars, *self.state_bars, self.step_text)

    def _set_texts(self, block: str, trace: Trace, hidden_bands: int, directions: int) -> None:
        lang = self.lang
        assert self.input_axes is not None and self.state_axes is not None
        source = previous_block(trace, block)
        title = (
            _text("input_at", lang)
            if source is None
            else _text("input_from_at", lang, block=source)
        )
        self.input_axes.set_title(title, loc="left", fontsize="medium", pad=3)
        self.input_axes.set_xlabel(label("feature", lang), fontsize="small", labelpad=1)
        self.input_axes.set_ylabel("$x_t$", rotation=0, ha="right", va="center")
        names = []
        for (layer, direction), scale in zip(self._pairs, self._scales, strict=True):
            arrow = (" →" if direction == 0 else " ←") if directions == 2 else ""
            name = _text("layer", lang, layer=layer, arrow=arrow)
            names.append(name if scale == 1.0 else f"{name}\n±{scale:.3g}")
        self.state_axes.set_yticklabels(names)
        self.state_axes.set_title(_text("states_at", lang, block=block), loc="left", pad=3)
        bounded = bool(np.all(self._scales == 1.0))
        note = _text("bands_bounded" if bounded else "bands_scaled", lang)
        if hidden_bands:
            note += ", " + _text("more_panels", lang, count=hidden_bands)
        self.state_axes.set_title(note, loc="right", fontsize="small", pad=3)
        self.state_axes.set_xlabel(label("unit", lang), fontsize="small", labelpad=1)
        self._set_static_token((block, hidden_bands, tuple(names)))

    def _refill(self) -> None:
        if self.input_bars is not None:
            self.set_step(self.step, redraw=False)
