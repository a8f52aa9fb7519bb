"""Refresh cost of rnnstudio.plots figures against naive re-plotting, measured in the same run.

Refresh: put a new trace into an existing HiddenStateFigure and draw it on an Agg canvas
(``canvas.draw()``), as the window does after every run. The figure is a CachingFigure: when
the axes, limits and texts are unchanged (the usual case: tanh states on [-1, 1]) only the
data is drawn over the kept pixels of the rest; "full redraw" rows force a complete draw, as
after a change of limits, and "new figure" builds, lays out and draws a figure from scratch.
Naive: the same canvas size, the axes cleared and one ``ax.plot`` per unit (and per input
feature) every refresh, then ``canvas.draw()``. Cursor: frames per second moving the time
cursor by blitting (CursorBlitter) against a full draw per frame.

Goals (issues 3 and 5): 64 units × 1000 steps refresh <= 100 ms and >= 10× faster than naive;
1024 units × 5000 steps refresh <= 200 ms; cursor >= 30 frames per second at 64 × 1000.

Run: python benchmarks/bench_plots.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from rnnstudio.core.trace import RecurrentTrace, Trace
from rnnstudio.plots import CachingFigure, CursorBlitter, HiddenStateFigure

FIGSIZE = (9.0, 5.5)  # inches; at 100 dpi a 900 × 550 pixel canvas
DPI = 100


def synthetic_trace(units: int, steps: int, seed: int, features: int = 2) -> Trace:
    """A one-layer tanh RNN trace with smooth, varied states: [1, 1, 1, steps, units]."""
    generator = torch.Generator().manual_seed(seed)
    drive = torch.randn(1, steps, units, generator=generator).cumsum(dim=1) * 0.05
    hidden = torch.tanh(drive).reshape(1, 1, 1, steps, units)
    x = torch.sin(torch.arange(steps, dtype=torch.float32)[:, None] / 50 + torch.arange(features))
    recurrent = RecurrentTrace(
        "rnn", "rnn", hidden, None, hidden[:, :, :, -1].reshape(1, 1, -1), None
    )
    return Trace(input=x[None], outputs={"rnn": hidden[0, 0]}, recurrent={"rnn": recurrent})


def new_canvas(figure_class: type[Figure] = Figure) -> FigureCanvasAgg:
    return FigureCanvasAgg(figure_class(figsize=FIGSIZE, dpi=DPI))


def median_ms(action: Callable[[int], None], repeat: int) -> float:
    """Median wall time of ``action(i)`` in milliseconds, after one warm-up call."""
    action(0)
    times = []
    for index in range(1, repeat + 1):
        start = time.perf_counter()
        action(index)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def ours(
    traces: list[Trace], kind: str, units: list[int] | None, *, full: bool = False
) -> Callable[[int], None]:
    """A refresh of one HiddenStateFigure; ``full``: as if the limits or texts had changed."""
    canvas = new_canvas(CachingFigure)
    view = HiddenStateFigure(canvas.figure)

    def refresh(index: int) -> None:
        view.update(traces[index % 2], "rnn", kind=kind, units=units, redraw=False)
        if full:
            canvas.figure.forget_static()
        canvas.draw()

    return refresh


def first_plot(traced: Trace) -> Callable[[int], None]:
    """A new figure each time: build, lay out and draw."""

    def plot(index: int) -> None:
        canvas = new_canvas(CachingFigure)
        HiddenStateFigure(canvas.figure).update(traced, "rnn", redraw=False)
        canvas.draw()

    return plot


def naive(traces: list[Trace], units: list[int] | None) -> Callable[[int], None]:
    canvas = new_canvas()
    grid = canvas.figure.add_gridspec(2, 1, height_ratios=[1, 2.6])
    input_axes = canvas.figure.add_subplot(grid[0])
    axes = canvas.figure.add_subplot(grid[1], sharex=input_axes)

    def refresh(index: int) -> None:
        traced = traces[index % 2]
        states = traced.recurrent["rnn"].hidden[0, 0, 0].numpy()
        x = traced.input[0].numpy()
        input_axes.clear()
        axes.clear()
        for feature in range(x.shape[1]):
            input_axes.plot(x[:, feature])
        for unit in units if units is not None else range(states.shape[1]):
            axes.plot(states[:, unit])
        axes.set_xlabel("time step")
        axes.set_ylabel("hidden state h")
        canvas.draw()

    return refresh


def cursor_fps(traced: Trace, frames: int) -> tuple[float, float]:
    """Frames per second: blitting the cursor, and redrawing the whole figure per frame."""
    canvas = new_canvas(CachingFigure)
    view = HiddenStateFigure(canvas.figure)
    blitter = CursorBlitter(view)
    view.update(traced, "rnn", redraw=False)
    canvas.draw()
    steps = traced.input.shape[1]
    positions = np.linspace(0, steps - 1, frames).round()
    start = time.perf_counter()
    for step in positions:
        blitter.move(float(step))
    blit_fps = frames / (time.perf_counter() - start)

    # Without blitting: the cursor is an ordinary line and every frame is a full draw.
    canvas = new_canvas()
    view = HiddenStateFigure(canvas.figure)
    view.update(traced, "rnn", redraw=False)
    for line in view.cursor_artists:
        line.set_animated(False)
    redraw_frames = max(5, frames // 20)
    start = time.perf_counter()
    for step in positions[:redraw_frames]:
        view.set_cursor(float(step))
        canvas.draw()
    redraw_fps = redraw_frames / (time.perf_counter() - start)
    return blit_fps, redraw_fps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="timed refreshes per case")
    repeat = parser.parse_args().repeat

    small = [synthetic_trace(64, 1000, seed) for seed in (0, 1)]
    large = [synthetic_trace(1024, 5000, seed) for seed in (0, 1)]
    line_units = list(range(12))

    rows = []
    ours_small = median_ms(ours(small, "heatmap", None), repeat)
    naive_small = median_ms(naive(small, None), max(3, repeat // 3))
    rows.append(("64 × 1000, heatmap", ours_small, naive_small, "<= 100 ms, >= 10×"))
    full_small = median_ms(ours(small, "heatmap", None, full=True), repeat)
    rows.append(("64 × 1000, heatmap, full redraw", full_small, naive_small, "-"))
    first_small = median_ms(first_plot(small[0]), max(3, repeat // 3))
    rows.append(("64 × 1000, heatmap, new figure", first_small, naive_small, "-"))
    ours_lines = median_ms(ours(small, "lines", line_units), repeat)
    naive_lines = median_ms(naive(small, line_units), repeat)
    rows.append(("12 of 64 × 1000, lines", ours_lines, naive_lines, "-"))
    ours_large = median_ms(ours(large, "heatmap", None), repeat)
    naive_large = median_ms(naive(large, None), 1)
    rows.append(("1024 × 5000, heatmap", ours_large, naive_large, "<= 200 ms"))
    full_large = median_ms(ours(large, "heatmap", None, full=True), repeat)
    rows.append(("1024 × 5000, heatmap, full redraw", full_large, naive_large, "-"))

    print(f"rnnstudio.plots refresh (figure {FIGSIZE[0]:g}×{FIGSIZE[1]:g} in at {DPI} dpi, Agg)")
    print("units × steps; refresh = update(new trace) + canvas.draw(); median of the runs")
    print(f"{'case':<36} {'ours ms':>9} {'naive ms':>10} {'speed-up':>9}  goal")
    for case, ours_ms, naive_ms, goal in rows:
        print(f"{case:<36} {ours_ms:>9.1f} {naive_ms:>10.1f} {naive_ms / ours_ms:>8.1f}×  {goal}")

    blit_fps, redraw_fps = cursor_fps(small[0], frames=300)
    print()
    print(f"{'cursor move, 64 × 1000':<36} {'blit fps':>9} {'redraw fps':>10} {'ratio':>9}  goal")
    print(
        f"{'':<36} {blit_fps:>9.0f} {redraw_fps:>10.1f} {blit_fps / redraw_fps:>8.1f}×  >= 30 fps"
    )

    met = {
        "64 × 1000 <= 100 ms": ours_small <= 100,
        "64 × 1000 >= 10× naive": naive_small / ours_small >= 10,
        "1024 × 5000 <= 200 ms": ours_large <= 200,
        "cursor >= 30 fps": blit_fps >= 30,
    }
    print()
    print("goals: " + ", ".join(f"{name}: {'met' if ok else 'MISSED'}" for name, ok in met.items()))


if __name__ == "__main__":
    main()
