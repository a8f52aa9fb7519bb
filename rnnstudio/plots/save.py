"""PNG files of a run: every recurrent block's states and the model's output."""

from __future__ import annotations

from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from rnnstudio.core.spec import Project
from rnnstudio.core.trace import Trace

from .hidden import HiddenStateFigure
from .output import OutputFigure
from .tracedata import State

PANELS_PER_FILE = 8  # more layers × directions than this go on several pages
PNG_DPI = 100
_WIDTH_INCHES = 9.0


def save_run_figures(
    trace: Trace, project: Project, folder: Path, lang: str = "en", *, batch_index: int = 0
) -> list[Path]:
    """Write PNGs of a run into ``folder`` (created if missing); returns their paths.

    Per recurrent block ``<block>_hidden.png`` (every layer and direction as heatmaps, the
    block's input above) and, for an LSTM, ``<block>_cell.png``; a block with more than
    PANELS_PER_FILE layers × directions is split into ``<block>_hidden_p1.png``, ... Then
    ``output.png``. All for batch item ``batch_index``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, recurrent in trace.recurrent.items():
        states: tuple[State, ...] = (
            ("hidden", "cell") if recurrent.cell is not None else ("hidden",)
        )
        layers, directions = recurrent.num_layers, recurrent.directions
        layers_per_page = max(1, PANELS_PER_FILE // directions)
        pages = [
            list(range(first, min(first + layers_per_page, layers)))
            for first in range(0, layers, layers_per_page)
        ]
        for state in states:
            for number, page_layers in enumerate(pages, start=1):
                suffix = f"_p{number}" if len(pages) > 1 else ""
                path = folder / f"{name}_{state}{suffix}.png"
                figure = _new_figure(1.6 + 1.5 * len(page_layers) * directions)
                view = HiddenStateFigure(figure, lang=lang)
                view.update(
                    trace,
                    name,
                    layer=page_layers,
                    direction="all",
                    batch_index=batch_index,
                    state=state,
                    project=project,
                    redraw=False,
                )
                figure.savefig(path, dpi=PNG_DPI)
                written.append(path)
    figure = _new_figure(4.5)
    OutputFigure(figure, lang=lang).update(trace, project, batch_index=batch_index, redraw=False)
    path = folder / "output.png"
    figure.savefig(path, dpi=PNG_DPI)
    written.append(path)
    return written


def _new_figure(height: float) -> Figure:
    figure = Figure(figsize=(_WIDTH_INCHES, height), dpi=PNG_DPI)
    FigureCanvasAgg(figure)
    return figure
