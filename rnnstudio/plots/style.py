"""Text size and time-cursor width of the figures, for a projector at the back of a room.

The window's projector zoom calls ``set_font_scale`` (figures built afterwards use it) and
``scale_figure_fonts`` on the figures already shown; the presenter preset thickens the time
cursor with ``set_cursor_width``. Sizes given in words ("small", "large") follow the scale.
"""

from __future__ import annotations

import matplotlib as mpl
from matplotlib.backend_bases import ResizeEvent
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

# The id every time cursor line carries, so a figure's cursors can be found.
CURSOR_GID = "rnnstudio-time-cursor"
DEFAULT_CURSOR_WIDTH = 1.5
MIN_SCALE, MAX_SCALE = 0.5, 4.0

_BASE_FONT_SIZE = float(mpl.rcParamsDefault["font.size"])
_SCALE_ATTRIBUTE = "_rnnstudio_font_scale"
_state = {"scale": 1.0, "cursor_width": DEFAULT_CURSOR_WIDTH}


def font_scale() -> float:
    return _state["scale"]


def set_font_scale(scale: float) -> None:
    """Figures built from now on draw their texts `scale` times matplotlib's default size."""
    scale = min(max(float(scale), MIN_SCALE), MAX_SCALE)
    _state["scale"] = scale
    mpl.rcParams["font.size"] = _BASE_FONT_SIZE * scale


def figure_font_scale(figure: Figure) -> float:
    """The scale the figure's texts are drawn at: the last one given to scale_figure_fonts,
    else the current scale (the one in force when it was made)."""
    return float(getattr(figure, _SCALE_ATTRIBUTE, _state["scale"]))


def scale_figure_fonts(figure: Figure, scale: float | None = None) -> None:
    """Resize every text of an existing figure to `scale` (the current one when None).

    The figure then lays itself out again (its resize callbacks run) and redraws when idle.
    """
    scale = _state["scale"] if scale is None else scale
    factor = scale / figure_font_scale(figure)
    setattr(figure, _SCALE_ATTRIBUTE, scale)
    if abs(factor - 1.0) < 1e-9:
        return
    for text in figure.findobj(Text):
        text.set_fontsize(text.get_fontsize() * factor)
    for axes in figure.axes:
        # Ticks made later (new limits) take the axis' label size, not the old labels'.
        for axis in (axes.xaxis, axes.yaxis):
            labels = axis.get_ticklabels()
            if labels:
                axis.set_tick_params(labelsize=labels[0].get_fontsize())
    forget = getattr(figure, "forget_static", None)
    if callable(forget):
        forget()
    canvas = figure.canvas
    canvas.callbacks.process("resize_event", ResizeEvent("resize_event", canvas))
    canvas.draw_idle()


def cursor_width() -> float:
    """Line width of the time cursor, in points (thicker in the presenter preset)."""
    return _state["cursor_width"]


def set_cursor_width(width: float, figures: tuple[Figure, ...] = ()) -> None:
    """Cursors made from now on, and those of `figures`, get this width."""
    _state["cursor_width"] = float(width)
    for figure in figures:
        for line in figure.findobj(Line2D):
            if line.get_gid() == CURSOR_GID:
                line.set_linewidth(width)
        forget = getattr(figure, "forget_static", None)
        if callable(forget):
            forget()
        figure.canvas.draw_idle()
