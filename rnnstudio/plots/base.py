"""What every refreshable figure shares: a fixed layout, a time cursor and blitting.

A figure is laid out once per structure (constrained layout run by hand, not at every draw,
which would double the cost of a refresh) and again when its canvas is resized. Data updates
only change artists' data, so a refresh is one plain draw.
"""

from __future__ import annotations

import math
import warnings
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Generic, TypeVar

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backend_bases import DrawEvent, Event
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.ticker import Formatter, MaxNLocator

from .downsample import extreme_blocks, finite_range
from .style import CURSOR_GID, cursor_width

CURSOR_COLOR = "#222222"


class CachingFigure(Figure):
    """A Figure that keeps its unchanging parts as pixels, so a refresh draws only the data.

    A view lists its data artists in ``data_artists`` (images, lines, bars: whatever
    ``update`` changes) and marks them animated. On an Agg canvas (FigureCanvasAgg,
    FigureCanvasQTAgg) a draw then restores the pixels of the rest (axes, ticks, texts,
    colorbars) from the previous draw and draws only the data over them, when nothing that
    shapes those pixels changed: canvas size, dpi, every axes' position, view limits and
    labels, the suptitle and ``static_token`` (which the view changes with anything else
    it shows, e.g. legend texts). A pan or zoom changes view limits, so it redraws fully.
    Saving (savefig) always draws everything. The ``draw_event`` fires after the data is
    drawn, so a CursorBlitter saves a background that holds it.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.data_artists: list[Artist] = []
        self.static_token: object = None
        self._static_pixels: object | None = None
        self._static_key: tuple[object, ...] | None = None

    def forget_static(self) -> None:
        """Draw everything next time: call after changing what the static key cannot see."""
        self._static_pixels = self._static_key = None

    def _current_static_key(self, renderer: object) -> tuple[object, ...]:
        parts: list[object] = [
            getattr(renderer, "width", None),
            getattr(renderer, "height", None),
            self.dpi,
            self.static_token,
            (self._suptitle.get_text(), self._suptitle.get_position())
            if self._suptitle is not None
            else None,
        ]
        for axes in self.axes:
            parts.append(
                (
                    tuple(axes.get_position().bounds),
                    tuple(axes.viewLim.bounds),
                    axes.get_title(loc="left"),
                    axes.get_title(),
                    axes.get_xlabel(),
                    axes.get_ylabel(),
                    axes.get_visible(),
                )
            )
        return tuple(parts)

    def draw(self, renderer: object) -> None:  # type: ignore[override]
        can_cache = hasattr(renderer, "copy_from_bbox") and not self.canvas.is_saving()
        if not can_cache or not self.data_artists or not self.get_visible():
            self.forget_static()
            super().draw(renderer)  # type: ignore[arg-type]
            return
        key = self._current_static_key(renderer)
        if key == self._static_key and self._static_pixels is not None:
            renderer.restore_region(self._static_pixels)  # type: ignore[attr-defined]
        else:
            with self._canvas_callbacks.blocked(signal="draw_event"):
                super().draw(renderer)  # type: ignore[arg-type]
            self._static_pixels = renderer.copy_from_bbox(self.bbox)  # type: ignore[attr-defined]
            self._static_key = key
        self._draw_data(renderer)
        self.stale = False
        DrawEvent("draw_event", self.canvas, renderer)._process()

    def _draw_data(self, renderer: object) -> None:
        # Same order as a full draw: data below the axes frame, the frame, data above it.
        spines = [
            spine
            for axes in dict.fromkeys(a.axes for a in self.data_artists if a.axes is not None)
            for spine in axes.spines.values()
        ]
        layers = sorted(
            [*self.data_artists, *spines], key=lambda artist: artist.get_zorder()
        )  # a stable sort: equal zorders keep their creation order, as in Axes.draw
        for artist in layers:
            if artist.get_visible():
                artist.draw(renderer)  # type: ignore[arg-type]


class RefreshableFigure(ABC):
    """Base class: owns ``figure``, lays it out, and moves a vertical time cursor.

    The cursor is one animated vertical line per time axis, so a normal draw leaves it out
    and it can be drawn on its own over a saved background (see ``CursorBlitter``).
    """

    def __init__(self, figure: Figure | None, *, lang: str, figsize: tuple[float, float]) -> None:
        self.figure = figure if figure is not None else CachingFigure(figsize=figsize)
        self.figure.set_layout_engine("none")
        self._builds = 0
        self.lang = lang
        self._layout = ConstrainedLayoutEngine(h_pad=0.05, w_pad=0.05, hspace=0.04, wspace=0.03)
        self._cursors: list[Line2D] = []
        self._cursor_step: float | None = None
        # Callbacks live on the figure, so this survives the GUI attaching its own canvas.
        self.figure.canvas.mpl_connect("resize_event", self._on_resize)

    @property
    def cursor_artists(self) -> tuple[Line2D, ...]:
        """The animated cursor lines, one per time axis (empty when nothing is over time)."""
        return tuple(self._cursors)

    @property
    def cursor_step(self) -> float | None:
        return self._cursor_step

    def set_cursor(self, step: float | None) -> tuple[Line2D, ...]:
        """Put the cursor at time step ``step`` (None hides it); returns the lines to blit.

        Nothing is redrawn: draw the returned artists over a saved background
        (``CursorBlitter.move`` does it), or call ``figure.canvas.draw_idle()``.
        """
        self._cursor_step = step
        for line in self._cursors:
            if step is not None:
                line.set_xdata([step, step])
            line.set_visible(step is not None)
        return tuple(self._cursors)

    def _add_cursor(self, axes: Axes) -> None:
        line = axes.axvline(
            0,
            color=CURSOR_COLOR,
            linewidth=cursor_width(),
            animated=True,
            visible=False,
            gid=CURSOR_GID,
        )
        self._cursors.append(line)

    def _clear(self) -> None:
        self.figure.clear()
        self._cursors = []
        self._builds += 1
        if isinstance(self.figure, CachingFigure):
            self.figure.data_artists = []

    def _add_data(self, *artists: Artist) -> None:
        """Artists that ``update`` changes: a CachingFigure redraws only these on a refresh."""
        if isinstance(self.figure, CachingFigure):
            for artist in artists:
                artist.set_animated(True)
            self.figure.data_artists.extend(artists)

    def _set_static_token(self, token: object) -> None:
        """What else shapes the figure's still pixels (e.g. legend texts): see CachingFigure."""
        if isinstance(self.figure, CachingFigure):
            self.figure.static_token = (self._builds, token)

    def _set_title(self, text: str) -> None:
        # figure.suptitle() would move the title back from where the layout put it.
        title = self.figure._suptitle
        if title is None:
            self.figure.suptitle(text, fontsize="large")
        else:
            title.set_text(text)

    def _relayout(self) -> None:
        with warnings.catch_warnings():
            # A canvas not yet given its size (a hidden tab) is too small to lay out; the
            # resize that gives it its size lays it out again.
            warnings.filterwarnings("ignore", "constrained_layout not applied", UserWarning)
            self._layout.execute(self.figure)

    def _restore_cursor(self) -> None:
        self.set_cursor(self._cursor_step)

    def _redraw(self) -> None:
        self.figure.canvas.draw_idle()

    def _on_resize(self, event: Event) -> None:
        if self.figure.axes:
            self._relayout()
            self._refill()

    @abstractmethod
    def _refill(self) -> None:
        """Put the current data into the artists again, for the new pixel budget."""


SelectionT = TypeVar("SelectionT")


class SelectionFigure(RefreshableFigure, Generic[SelectionT]):
    """A figure that shows one selection of a trace at a time (hidden states, the output).

    ``_show`` is the refresh both share: artists are rebuilt only when the structure changes
    (what kind of plot, how many panels or lines), the layout is run again only when the
    texts change size, and otherwise only the artists' data is refilled.
    """

    def __init__(
        self,
        figure: Figure | None,
        *,
        lang: str,
        figsize: tuple[float, float],
        color_limits: tuple[float, float],
    ) -> None:
        super().__init__(figure, lang=lang, figsize=figsize)
        self._norm = Normalize(*color_limits)
        self._selection: SelectionT | None = None
        self._structure: tuple[object, ...] | None = None
        self._text_key: tuple[object, ...] | None = None

    @property
    def color_limits(self) -> tuple[float, float]:
        return (self._norm.vmin, self._norm.vmax)

    def _show(
        self,
        selection: SelectionT,
        structure: tuple[object, ...],
        text_key: tuple[object, ...],
        *,
        redraw: bool,
    ) -> None:
        self._selection = selection
        if structure != self._structure:
            self._build(selection)
            self._structure = structure
            self._text_key = None
        self._set_texts(selection)
        # Limits and ticks first: the layout must see the tick labels it makes room for.
        self._refill()
        if text_key != self._text_key:
            self._relayout()
            self._text_key = text_key
            self._refill()  # the pixel budget of the new layout
        self._restore_cursor()
        if redraw:
            self._redraw()

    @abstractmethod
    def _build(self, selection: SelectionT) -> None:
        """Make the axes and artists for this selection's structure."""

    @abstractmethod
    def _set_texts(self, selection: SelectionT) -> None:
        """Titles, labels and notes for this selection."""


def pixel_size(axes: Axes) -> tuple[int, int]:
    """The axes' drawing area in device pixels (width, height), at least one each."""
    box = axes.bbox
    return max(1, int(box.width)), max(1, int(box.height))


def show_image(image: AxesImage, values: np.ndarray, width: int, height: int) -> int:
    """Put ``values`` [rows, time] into ``image`` reduced to width × height pixels.

    Rows and columns keep their real positions (row r at y = r, step t at x = t), so the
    axes read in units and time steps whatever the reduction. Returns the column step.
    """
    reduced, row_step, column_step = extreme_blocks(values, height, width)
    image.set_data(reduced)
    image.set_extent(
        (-0.5, reduced.shape[1] * column_step - 0.5, reduced.shape[0] * row_step - 0.5, -0.5)
    )
    return column_step


def nice_range(*arrays: np.ndarray, intervals: int = 4) -> tuple[float, float]:
    """Axis limits holding every value, rounded out to a 1-2-2.5-5 step.

    Round limits stay the same for similar data, so a refresh after a new run usually keeps
    the ticks, and a CachingFigure draws only the data.
    """
    low, high = finite_range(*arrays) or (-1.0, 1.0)
    if not high > low:
        low, high = low - 0.5, high + 0.5
    raw_step = (high - low) / intervals
    power = 10.0 ** math.floor(math.log10(raw_step))
    step = next(nice * power for nice in (1.0, 2.0, 2.5, 5.0, 10.0) if raw_step <= nice * power)
    return math.floor(low / step) * step, math.ceil(high / step) * step


class FittingIntegerLocator(MaxNLocator):
    """Up to 6 whole-number ticks, down to 2 when the axis is too short for more labels to fit
    (a short heatmap panel of 64 units would otherwise print its labels over each other)."""

    MAX_TICKS = 6

    def __init__(self) -> None:
        super().__init__(nbins=self.MAX_TICKS, integer=True, min_n_ticks=1)

    def __call__(self) -> Sequence[float]:
        space = self.axis.get_tick_space() if self.axis is not None else self.MAX_TICKS
        self.set_params(nbins=max(2, min(self.MAX_TICKS, space)))
        return super().__call__()


def integer_ticks(axes: Axes, formatter: Formatter | None = None) -> None:
    """Y ticks on whole numbers only (units, classes, features)."""
    axes.yaxis.set_major_locator(FittingIntegerLocator())
    if formatter is not None:
        axes.yaxis.set_major_formatter(formatter)


class CursorBlitter:
    """Moves a figure's time cursor by blitting, without redrawing the figure.

    Works on any Agg-based canvas (FigureCanvasAgg, and FigureCanvasQTAgg in the window)::

        view = HiddenStateFigure(figure)      # the canvas may be attached before or after
        canvas = FigureCanvasQTAgg(view.figure)
        blitter = CursorBlitter(view)
        slider.valueChanged.connect(blitter.move)

    After every full draw (an update, a resize) the background without the cursor is saved;
    ``move(t)`` restores it, draws only the cursor lines at ``t`` and blits the figure's
    area: a few milliseconds however much data the figure shows.
    """

    def __init__(self, view: RefreshableFigure) -> None:
        self.view = view
        self._background: object | None = None
        self._connection = view.figure.canvas.mpl_connect("draw_event", self._on_draw)

    def _on_draw(self, event: Event) -> None:
        canvas = self.view.figure.canvas
        self._background = canvas.copy_from_bbox(self.view.figure.bbox)
        self._draw_artists(self.view.cursor_artists)

    def _draw_artists(self, artists: Sequence[Artist]) -> None:
        for artist in artists:
            if artist.get_visible():
                self.view.figure.draw_artist(artist)

    def move(self, step: float | None) -> None:
        """Show the cursor at time step ``step`` (None hides it)."""
        canvas = self.view.figure.canvas
        artists = self.view.set_cursor(step)
        if self._background is None:
            canvas.draw()  # saves the background and draws the cursor (_on_draw)
            return
        canvas.restore_region(self._background)
        self._draw_artists(artists)
        canvas.blit(self.view.figure.bbox)

    def disconnect(self) -> None:
        self.view.figure.canvas.mpl_disconnect(self._connection)
