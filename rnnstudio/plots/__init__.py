"""Figures of runs: hidden states over time and the model's output (matplotlib, never Qt).

Every figure is a plain ``matplotlib.figure.Figure`` (pyplot is never imported), so the
window embeds it in a canvas, the command line saves it and a notebook displays it.
``HiddenStateFigure`` and ``OutputFigure`` refresh in place for the window.
"""

from .base import CachingFigure, CursorBlitter, RefreshableFigure
from .hidden import HiddenStateFigure, StatePanel, plot_block_states, plot_hidden
from .labels import LABELS, label
from .output import OutputFigure, plot_output
from .save import save_run_figures

__all__ = [
    "LABELS",
    "CachingFigure",
    "CursorBlitter",
    "HiddenStateFigure",
    "OutputFigure",
    "RefreshableFigure",
    "StatePanel",
    "label",
    "plot_block_states",
    "plot_hidden",
    "plot_output",
    "save_run_figures",
]
