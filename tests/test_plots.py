"""rnnstudio.plots: the figures draw exactly what torch computed, and refresh in place."""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys
import textwrap

import matplotlib.image
import numpy as np
import pytest
import torch
from matplotlib.backend_bases import ResizeEvent
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from torch import nn

from rnnstudio.core.examples import load_example
from rnnstudio.core.model import build_model
from rnnstudio.core.spec import Project
from rnnstudio.core.trace import trace
from rnnstudio.plots import (
    CachingFigure,
    CursorBlitter,
    HiddenStateFigure,
    OutputFigure,
    plot_block_states,
    plot_hidden,
    plot_output,
    save_run_figures,
)
from rnnstudio.plots import save as save_module
from rnnstudio.plots.downsample import extreme_blocks, minmax_envelope
from rnnstudio.plots.hidden import MAX_LINES

TORCH_CLASSES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def make_project(
    block: dict,
    *,
    batch: int = 3,
    seq_len: int = 7,
    features: int = 2,
    batch_first: bool = True,
    more: tuple[dict, ...] = (),
) -> Project:
    """A project whose first block is the recurrent block ``rec``."""
    return Project.model_validate(
        {
            "input": {
                "features": features,
                "batch": batch,
                "seq_len": seq_len,
                "batch_first": batch_first,
            },
            "blocks": [{"name": "rec", "batch_first": batch_first, **block}, *more],
        }
    )


def run(project: Project, seed: int = 0):
    """Model, input, trace, and torch's own (y, h_n, c_n) of block ``rec`` from a plain forward."""
    model = build_model(project, seed=seed)
    x = torch.rand(project.input.shape, generator=torch.Generator().manual_seed(seed))
    block = model.rec
    with torch.no_grad():
        y, state = TORCH_CLASSES[project.blocks[0].type].forward(block, x)
    h_n, c_n = state if isinstance(state, tuple) else (state, None)
    return model, x, trace(model, x), y, h_n, c_n


def item(tensor: torch.Tensor, batch_first: bool, batch_index: int) -> np.ndarray:
    """One batch item [time, ...] of a [batch, time, ...] or [time, batch, ...] tensor."""
    return (tensor[batch_index] if batch_first else tensor[:, batch_index]).numpy()


# --- hidden states: the plotted arrays are the traced tensors ----------------------------------


@pytest.mark.parametrize("batch_first", [True, False])
@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_heatmaps_equal_every_layer_and_direction_of_the_trace(kind, batch_first):
    block = {"type": kind, "hidden_size": 5, "num_layers": 2, "bidirectional": True}
    project = make_project(block, batch_first=batch_first)
    _, x, traced, y, _, _ = run(project)
    batch_index = 1
    view = HiddenStateFigure()
    view.update(
        traced, "rec", layer="all", direction="all", batch_index=batch_index, project=project
    )

    hidden = traced.recurrent["rec"].hidden
    assert [(p.layer, p.direction) for p in view.panels] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    for panel in view.panels:
        expected = hidden[panel.layer, panel.direction, batch_index].numpy().T
        np.testing.assert_array_equal(panel.image.get_array(), expected)
    # The last layer's panels are torch's own y for that batch item, direction by direction.
    y_item = item(y, batch_first, batch_index)
    for panel in view.panels[2:]:
        own = y_item[:, panel.direction * 5 : (panel.direction + 1) * 5].T
        np.testing.assert_allclose(panel.image.get_array(), own, atol=1e-6)
    # Above: the input sequence of that batch item, one line per feature, in real steps.
    x_item = item(x, batch_first, batch_index)
    for feature, line in enumerate(view.input_lines):
        np.testing.assert_array_equal(line.get_xdata(), np.arange(7))
        np.testing.assert_array_equal(line.get_ydata(), x_item[:, feature])


def test_one_layer_and_direction_and_the_block_overview():
    project = make_project({"type": "gru", "hidden_size": 4, "num_layers": 3})
    _, _, traced, _, _, _ = run(project)
    figure = plot_hidden(traced, "rec", layer=2, batch_index=2)
    images = [axes.images[0] for axes in figure.axes if axes.images]
    assert len(images) == 1
    np.testing.assert_array_equal(
        images[0].get_array(), traced.recurrent["rec"].hidden[2, 0, 2].numpy().T
    )
    overview = plot_block_states(traced, "rec")
    assert sum(1 for axes in overview.axes if axes.images) == 3


def test_a_later_block_shows_what_it_received_read_with_its_own_batch_first():
    # The second RNN reads the first one's [batch=3, time=7, 4] output as [time=3, batch=7].
    second = {"type": "rnn", "name": "rec2", "hidden_size": 2, "batch_first": False}
    project = make_project({"type": "rnn", "hidden_size": 4}, more=(second,))
    _, _, traced, _, _, _ = run(project)
    received = traced.outputs["rec"][:, 5].numpy()  # batch item 5 of rec2: [time=3, 4]
    for given in (project, None):
        view = HiddenStateFigure()
        view.update(traced, "rec2", batch_index=5, project=given)
        shown = np.array([line.get_ydata() for line in view.input_lines]).T
        np.testing.assert_array_equal(shown, received)
        assert "rec" in view.input_axes.get_title(loc="left")


def test_lines_mark_the_final_state_with_torchs_h_n():
    block = {"type": "lstm", "hidden_size": 6, "num_layers": 2, "bidirectional": True}
    project = make_project(block)
    _, _, traced, _, h_n, c_n = run(project)
    units = [0, 2, 5]
    view = HiddenStateFigure()
    for direction, final_step in ((0, 6), (1, 0)):  # the backward direction ends at step 0
        view.update(
            traced, "rec", layer=1, direction=direction, batch_index=2, kind="lines", units=units
        )
        panel = view.panels[0]
        states = traced.recurrent["rec"].hidden[1, direction, 2].numpy()
        for line, unit in zip(panel.lines, units, strict=True):
            np.testing.assert_array_equal(line.get_ydata(), states[:, unit])
        marks = panel.final_marker.get_offsets()
        np.testing.assert_array_equal(marks[:, 0], [final_step] * 3)
        np.testing.assert_allclose(marks[:, 1], h_n[2 + direction, 2, units].numpy(), atol=1e-6)
    view.update(traced, "rec", kind="lines", state="cell", units=units)
    marks = view.panels[0].final_marker.get_offsets()
    np.testing.assert_allclose(marks[:, 1], c_n[0, 0, units].numpy(), atol=1e-6)


def test_switching_from_a_heatmap_to_lines_then_to_the_cell_state_redraws_cleanly():
    """A rebuilt figure must not share its colour norm with the colorbar it cleared away.

    With the garbage collector off, the cleared heatmap's colorbar stays attached to an old
    shared norm, and changing that norm's limits made it fail ("cannot remove artist").
    """
    import gc

    from rnnstudio.core.signals import make_input

    project = load_example("memoria_lstm")
    traced = trace(build_model(project, seed=0), make_input(project, seed=0))
    figure = HiddenStateFigure()
    gc.disable()
    try:
        figure.update(traced, "lstm1", kind="heatmap", project=project)
        figure.update(traced, "lstm1", kind="lines", units=[0, 1], project=project)
        figure.update(traced, "lstm1", kind="lines", units=[0, 1], state="cell", project=project)
    finally:
        gc.enable()
    FigureCanvasAgg(figure.figure).draw()
    assert figure.mode == "lines"
    cells = traced.recurrent["lstm1"].cell[0, 0, 0].numpy()  # [time, units]
    for line, unit in zip(figure.panels[0].lines, [0, 1], strict=True):
        np.testing.assert_array_equal(line.get_ydata(), cells[:, unit])


def test_lines_default_to_the_first_units_and_become_a_heatmap_when_too_many():
    project = make_project({"type": "rnn", "hidden_size": 20})
    _, _, traced, _, _, _ = run(project)
    view = HiddenStateFigure()
    view.update(traced, "rec", kind="lines")
    assert view.mode == "lines"
    assert 1 <= len(view.panels[0].lines) <= MAX_LINES
    many = list(range(19, 19 - (MAX_LINES + 1), -1))
    view.update(traced, "rec", kind="lines", units=many)
    assert view.mode == "heatmap"
    expected = traced.recurrent["rec"].hidden[0, 0, 0].numpy().T[many]
    np.testing.assert_array_equal(view.panels[0].image.get_array(), expected)


# --- colour limits -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "block",
    [
        {"type": "rnn", "hidden_size": 5},
        {"type": "gru", "hidden_size": 5},
        {"type": "lstm", "hidden_size": 5},
    ],
)
def test_tanh_states_are_coloured_on_minus_one_to_one(block):
    project = make_project(block)
    _, _, traced, _, _, _ = run(project)
    assert traced.recurrent["rec"].hidden.abs().max() < 1  # the fixed range is not the data's
    view = HiddenStateFigure()
    view.update(traced, "rec", project=project)
    assert view.color_limits == (-1.0, 1.0)
    assert (view.colorbar.vmin, view.colorbar.vmax) == (-1.0, 1.0)
    assert view.panels[0].image.get_clim() == (-1.0, 1.0)


@pytest.mark.parametrize(
    ("block", "state"),
    [
        ({"type": "rnn", "hidden_size": 5, "nonlinearity": "relu"}, "hidden"),
        ({"type": "lstm", "hidden_size": 5}, "cell"),
        ({"type": "lstm", "hidden_size": 5, "proj_size": 2}, "hidden"),
    ],
)
def test_unbounded_states_are_coloured_symmetrically_by_their_largest_value(block, state):
    project = make_project(block)
    _, _, traced, _, _, _ = run(project)
    view = HiddenStateFigure()
    view.update(traced, "rec", state=state, project=project)
    recurrent = traced.recurrent["rec"]
    largest = float(
        (recurrent.hidden if state == "hidden" else recurrent.cell)[0, 0, 0].abs().max()
    )
    assert view.color_limits == pytest.approx((-largest, largest))


# --- downsampling --------------------------------------------------------------------------


@pytest.mark.parametrize(("length", "max_points"), [(1000, 100), (1001, 64), (37, 7), (50, 50)])
def test_minmax_envelope_keeps_every_buckets_extremes(length, max_points):
    values = np.random.default_rng(length).normal(size=(3, length))
    steps, reduced = minmax_envelope(values, max_points)
    assert reduced.shape[-1] <= max_points
    if length <= max_points:
        np.testing.assert_array_equal(reduced, values)
        return
    step = math.ceil(length / (max_points // 2))
    for line in range(3):
        np.testing.assert_array_equal(reduced[line], values[line, steps[line]])
        assert np.all(np.diff(steps[line]) >= 0)
        for bucket, start in enumerate(range(0, length, step)):
            segment = values[line, start : start + step]
            pair = reduced[line, 2 * bucket : 2 * bucket + 2]
            assert sorted(pair) == [segment.min(), segment.max()]
            assert np.all(steps[line, 2 * bucket : 2 * bucket + 2] >= start)
            assert np.all(steps[line, 2 * bucket : 2 * bucket + 2] < start + step)


def extreme_of(block: np.ndarray) -> float:
    high, low = block.max(), block.min()
    return high if high >= -low else low


@pytest.mark.parametrize(("shape", "limits"), [((64, 1000), (30, 300)), ((7, 13), (3, 4))])
def test_extreme_blocks_keep_the_largest_magnitude_with_its_sign(shape, limits):
    image = np.random.default_rng(1).normal(size=shape)
    reduced, row_step, column_step = extreme_blocks(image, *limits)
    assert reduced.shape[0] <= limits[0] and reduced.shape[1] <= limits[1]
    for row in range(reduced.shape[0]):
        for column in range(reduced.shape[1]):
            block = image[
                row * row_step : (row + 1) * row_step,
                column * column_step : (column + 1) * column_step,
            ]
            assert reduced[row, column] == extreme_of(block)


def test_long_sequences_are_reduced_to_the_pixels_with_the_time_axis_in_real_steps():
    steps = 3000
    project = make_project({"type": "rnn", "hidden_size": 4}, batch=2, seq_len=steps)
    _, x, traced, _, _, _ = run(project)
    view = HiddenStateFigure(Figure(figsize=(6, 4), dpi=100))
    view.update(traced, "rec", project=project)
    panel = view.panels[0]
    width = int(panel.axes.bbox.width)
    shown = panel.image.get_array()
    assert shown.shape[0] == 4 and shown.shape[1] <= width
    step = math.ceil(steps / width)
    states = traced.recurrent["rec"].hidden[0, 0, 0].numpy().T
    for column in range(shown.shape[1]):
        for unit in range(4):
            bucket = states[unit, column * step : (column + 1) * step]
            assert shown[unit, column] == extreme_of(bucket)
    assert panel.axes.get_xlim() == (-0.5, steps - 0.5)
    assert panel.image.get_extent()[1] >= steps - 0.5
    assert f"{step} steps" in panel.axes.get_xlabel()
    for feature, line in enumerate(view.input_lines):  # the input: one point per pixel at most
        assert len(line.get_xdata()) <= int(view.input_axes.bbox.width)
        np.testing.assert_array_equal(line.get_ydata(), x[0, line.get_xdata(), feature].numpy())
        assert line.get_ydata().max() == x[0, :, feature].max()
        assert line.get_ydata().min() == x[0, :, feature].min()

    view.update(traced, "rec", kind="lines", units=[1, 3], project=project)
    for line, unit in zip(view.panels[0].lines, [1, 3], strict=True):
        assert len(line.get_xdata()) <= width
        assert line.get_ydata().max() == states[unit].max()
        assert line.get_ydata().min() == states[unit].min()


def test_a_resized_canvas_gets_a_new_layout_and_pixel_budget():
    project = make_project({"type": "rnn", "hidden_size": 4}, batch=2, seq_len=3000)
    _, _, traced, _, _, _ = run(project)
    view = HiddenStateFigure(Figure(figsize=(4, 3), dpi=100))
    canvas = FigureCanvasAgg(view.figure)
    view.update(traced, "rec")
    narrow = view.panels[0].image.get_array().shape[1]
    view.figure.set_size_inches(8, 3)
    ResizeEvent("resize_event", canvas)._process()  # what a window's canvas sends
    width = int(view.panels[0].axes.bbox.width)
    wide = view.panels[0].image.get_array().shape[1]
    assert narrow < wide <= width
    assert width > 1.9 * narrow  # the margins stayed in inches, not in fractions


def test_states_that_overflowed_are_still_drawn():
    project = make_project({"type": "rnn", "hidden_size": 3, "nonlinearity": "relu"})
    _, _, traced, _, _, _ = run(project)
    recurrent = traced.recurrent["rec"]
    hidden = recurrent.hidden.clone()
    hidden[0, 0, 0, 2, 0] = float("inf")
    hidden[0, 0, 0, 3, 1] = float("nan")
    broken = dataclasses.replace(
        traced, recurrent={"rec": dataclasses.replace(recurrent, hidden=hidden)}
    )
    finite = hidden[0, 0, 0][torch.isfinite(hidden[0, 0, 0])].abs().max().item()
    for kind in ("heatmap", "lines"):
        view = HiddenStateFigure()
        canvas = FigureCanvasAgg(view.figure)
        view.update(broken, "rec", kind=kind, project=project)
        canvas.draw()
        if kind == "heatmap":
            assert view.color_limits == pytest.approx((-finite, finite))
        else:
            assert all(math.isfinite(limit) for limit in view.panels[0].axes.get_ylim())


# --- refreshing ----------------------------------------------------------------------------


def test_update_reuses_the_artists_and_changes_their_data():
    block = {"type": "rnn", "hidden_size": 5, "num_layers": 2}
    project = make_project(block)
    _, _, first, _, _, _ = run(project, seed=0)
    _, _, second, _, _, _ = run(project, seed=1)
    view = HiddenStateFigure()
    view.update(first, "rec", layer="all", project=project)
    images = [panel.image for panel in view.panels]
    lines, colorbar, cursors = list(view.input_lines), view.colorbar, view.cursor_artists
    axes = list(view.figure.axes)
    view.update(second, "rec", layer="all", project=project)
    assert [panel.image for panel in view.panels] == images
    assert all(a is b for a, b in zip(images, [p.image for p in view.panels], strict=True))
    assert view.input_lines == lines and view.colorbar is colorbar
    assert view.cursor_artists == cursors and view.figure.axes == axes
    for panel in view.panels:
        new = second.recurrent["rec"].hidden[panel.layer, 0, 0].numpy().T
        old = first.recurrent["rec"].hidden[panel.layer, 0, 0].numpy().T
        np.testing.assert_array_equal(panel.image.get_array(), new)
        assert not np.array_equal(new, old)
    np.testing.assert_array_equal(lines[0].get_ydata(), second.input[0, :, 0].numpy())

    view.update(second, "rec", kind="lines", project=project)  # another view: rebuilt
    assert view.panels[0].image is None and len(view.panels) == 1


def test_update_draws_on_an_attached_canvas_only_when_asked():
    project = make_project({"type": "rnn", "hidden_size": 3})
    _, _, traced, _, _, _ = run(project)
    figure = Figure()
    canvas = FigureCanvasAgg(figure)
    draws = []
    figure.canvas.mpl_connect("draw_event", draws.append)
    view = HiddenStateFigure(figure)
    view.update(traced, "rec", redraw=False)
    assert draws == []
    view.update(traced, "rec")
    assert len(draws) == 1 and canvas is figure.canvas


def test_output_figure_reuses_its_bars():
    project = load_example("rnn_clas")
    model = build_model(project, seed=0)
    view = OutputFigure()
    x1, x2 = torch.rand(project.input.shape), torch.rand(project.input.shape)
    view.update(trace(model, x1), project)
    bars = list(view.bars)
    view.update(trace(model, x2), project)
    assert list(view.bars) == bars and all(a is b for a, b in zip(bars, view.bars, strict=True))
    with torch.no_grad():
        expected = model(x2)[0].numpy()
    np.testing.assert_allclose([bar.get_height() for bar in view.bars], expected, rtol=1e-6)


def refreshed_pixels(view, first, second, **options) -> tuple[np.ndarray, np.ndarray]:
    """Pixels after a cached refresh from ``first`` to ``second``, and of a full draw of it."""
    canvas = FigureCanvasAgg(view.figure)
    view.update(*first, **options)  # a full draw: the still parts are kept
    kept = view.figure._static_pixels
    view.update(*second, **options)  # only the data is drawn
    assert view.figure._static_pixels is kept
    cached = np.asarray(canvas.buffer_rgba()).copy()
    view.figure.forget_static()
    canvas.draw()
    assert view.figure._static_pixels is not kept
    return cached, np.asarray(canvas.buffer_rgba()).copy()


@pytest.mark.parametrize("kind", ["heatmap", "lines"])
def test_a_cached_refresh_draws_the_same_pixels_as_a_full_draw(kind):
    block = {"type": "lstm", "hidden_size": 5, "num_layers": 2, "bidirectional": True}
    project = make_project(block)
    _, x, first, _, _, _ = run(project, seed=0)
    second = trace(build_model(project, seed=1), x)  # other weights, same input
    view = HiddenStateFigure(CachingFigure(figsize=(6, 5), dpi=80))
    options = {"layer": "all", "direction": "all", "kind": kind, "project": project}
    cached, full = refreshed_pixels(view, (first, "rec"), (second, "rec"), **options)
    np.testing.assert_array_equal(cached, full)


def test_a_cached_output_refresh_draws_the_same_pixels_as_a_full_draw():
    project, first = _classifier_run()
    second = trace(build_model(project, seed=0), torch.rand(project.input.shape))
    view = OutputFigure(CachingFigure(figsize=(6, 4), dpi=80))
    cached, full = refreshed_pixels(view, (first, project), (second, project))
    np.testing.assert_array_equal(cached, full)


def test_a_zoom_redraws_everything():
    project = make_project({"type": "rnn", "hidden_size": 4})
    _, _, traced, _, _, _ = run(project)
    view = HiddenStateFigure()
    canvas = FigureCanvasAgg(view.figure)
    view.update(traced, "rec")
    kept = view.figure._static_pixels
    view.panels[0].axes.set_xlim(1, 4)  # what the toolbar's zoom does
    canvas.draw()
    assert view.figure._static_pixels is not kept


# --- the time cursor -----------------------------------------------------------------------


@pytest.mark.parametrize("figure_class", [Figure, CachingFigure])
def test_cursor_moves_through_every_time_axis_by_blitting(figure_class):
    project = make_project({"type": "gru", "hidden_size": 8, "num_layers": 2}, seq_len=20)
    _, _, traced, _, _, _ = run(project)
    figure = figure_class(figsize=(6, 5), dpi=100)
    canvas = FigureCanvasAgg(figure)
    view = HiddenStateFigure(figure)
    blitter = CursorBlitter(view)
    view.update(traced, "rec", layer="all")  # draws: the blitter keeps the background
    assert len(view.cursor_artists) == 3  # the input and both layers
    assert all(line.get_animated() and not line.get_visible() for line in view.cursor_artists)
    background = np.asarray(canvas.buffer_rgba()).copy()

    blitter.move(4)
    assert all(list(line.get_xdata()) == [4, 4] for line in view.cursor_artists)
    after = np.asarray(canvas.buffer_rgba()).copy()
    changed_columns = np.flatnonzero((after != background).any(axis=(0, 2)))
    cursor_x = view.panels[0].axes.transData.transform((4, 0))[0]
    assert changed_columns.size and np.all(np.abs(changed_columns - cursor_x) <= 2)
    height = after.shape[0]
    for axes in view.figure.axes[:1] + [panel.axes for panel in view.panels]:
        top = height - int(axes.bbox.y1) + 2
        bottom = height - int(axes.bbox.y0) - 2
        assert (after[top:bottom] != background[top:bottom]).any()  # each axis shows it

    blitter.move(12)  # the old position is restored from the background
    moved = np.asarray(canvas.buffer_rgba())
    old_columns = slice(int(cursor_x) - 2, int(cursor_x) + 3)
    np.testing.assert_array_equal(moved[:, old_columns], background[:, old_columns])
    blitter.move(None)
    np.testing.assert_array_equal(np.asarray(canvas.buffer_rgba()), background)


def test_output_cursor_exists_only_over_time():
    per_step = load_example("rnn_clas_por_paso")
    view = OutputFigure()
    view.update(trace(build_model(per_step, seed=0), torch.rand(per_step.input.shape)), per_step)
    assert len(view.set_cursor(3)) == 1
    one_step = load_example("rnn_clas")
    view.update(trace(build_model(one_step, seed=0), torch.rand(one_step.input.shape)), one_step)
    assert view.set_cursor(3) == ()


# --- the output ----------------------------------------------------------------------------


def test_output_bars_are_the_softmax_probabilities():
    project = load_example("rnn_clas")
    model = build_model(project, seed=3)
    x = torch.rand(project.input.shape)
    with torch.no_grad():
        probabilities = model(x)[2].numpy()  # [classes] of batch item 2
    figure = plot_output(trace(model, x), project, batch_index=2)
    axes = figure.axes[0]
    heights = np.array([patch.get_height() for patch in axes.patches])
    np.testing.assert_allclose(heights, probabilities, rtol=1e-6)
    assert heights.sum() == pytest.approx(1.0, abs=1e-5)
    assert axes.get_ylim()[0] == 0 and axes.get_ylim()[1] >= 1
    top = axes.patches[int(np.argmax(probabilities))]
    assert top.get_facecolor() != axes.patches[int(np.argmin(probabilities))].get_facecolor()
    assert [text.get_text() for text in axes.texts] == [f"{p:.2f}" for p in probabilities]


def test_per_step_output_is_a_classes_by_time_heatmap_with_a_note():
    project = load_example("rnn_clas_por_paso")  # softmax over dim=1: the time axis
    model = build_model(project, seed=0)
    x = torch.rand(project.input.shape)
    with torch.no_grad():
        output = model(x)[1].numpy()  # [time=7, classes=5]
    view = OutputFigure()
    view.update(trace(model, x), project, batch_index=1)
    assert view.image.get_array().shape == (5, 7)
    np.testing.assert_allclose(view.image.get_array(), output.T, rtol=1e-6)
    assert view.color_limits == (0.0, 1.0)
    assert "time" in view.axes.get_title(loc="left")
    assert view.axes.get_xlabel() == "time step" and view.axes.get_ylabel() == "class"


def test_final_hidden_output_is_shown_as_what_it_is():
    block = {"type": "gru", "hidden_size": 4, "num_layers": 3, "output": "final_hidden"}
    project = make_project(block)
    _, _, traced, _, h_n, _ = run(project)
    figure = plot_output(traced, project, batch_index=1)
    image = figure.axes[0].images[0]
    np.testing.assert_allclose(image.get_array(), h_n[:, 1].numpy().T, atol=1e-6)
    assert "layers×directions=3" in figure.get_suptitle()
    assert figure.axes[0].get_xlabel() == "layers×directions"


def test_a_trace_of_another_project_is_refused():
    project = load_example("rnn_clas")
    other = load_example("rnn_clas_por_paso")
    traced = trace(build_model(other, seed=0), torch.rand(other.input.shape))
    with pytest.raises(ValueError, match="trace's output"):
        plot_output(traced, project)


# --- files and languages -------------------------------------------------------------------


def test_save_run_figures_writes_readable_pngs(tmp_path):
    project = load_example("rnn_alumno")
    traced = trace(build_model(project, seed=0), torch.rand(project.input.shape))
    paths = save_run_figures(traced, project, tmp_path / "figures")
    names = [path.name for path in paths]
    assert names == ["rnn1_hidden.png", "rnn2_hidden.png", "output.png"]
    for path in paths:
        pixels = matplotlib.image.imread(path)
        assert pixels.ndim == 3 and pixels.shape[0] > 200 and pixels.shape[1] > 400
        assert pixels[..., :3].std() > 0.05  # not blank


def test_save_run_figures_covers_lstm_cells_and_splits_deep_blocks(tmp_path, monkeypatch):
    monkeypatch.setattr(save_module, "PANELS_PER_FILE", 2)  # small pages keep the test fast
    block = {"type": "lstm", "hidden_size": 3, "num_layers": 2, "bidirectional": True}
    project = make_project(block, seq_len=4)
    _, _, traced, _, _, _ = run(project)
    names = [path.name for path in save_run_figures(traced, project, tmp_path)]
    pages = ["p1", "p2"]
    assert names == [
        *(f"rec_hidden_{page}.png" for page in pages),
        *(f"rec_cell_{page}.png" for page in pages),
        "output.png",
    ]


def test_spanish_labels():
    project = make_project({"type": "rnn", "hidden_size": 3})
    _, _, traced, _, _, _ = run(project)
    view = HiddenStateFigure(lang="es")
    view.update(traced, "rec")
    assert view.panels[0].axes.get_xlabel() == "paso de tiempo"
    assert view.panels[0].axes.get_ylabel() == "unidad"
    assert view.colorbar.ax.get_ylabel() == "estado oculto h"
    bars = plot_output(*reversed(_classifier_run()), lang="es").axes[0]
    assert bars.get_xlabel() == "clase" and bars.get_ylabel() == "probabilidad"


def _classifier_run():
    project = load_example("rnn_clas")
    return project, trace(build_model(project, seed=0), torch.rand(project.input.shape))


def test_no_pyplot_and_no_qt(tmp_path):
    code = textwrap.dedent(
        f"""
        import sys, torch
        from rnnstudio.core.examples import load_example
        from rnnstudio.core.model import build_model
        from rnnstudio.core.trace import trace
        from rnnstudio.plots import plot_hidden, save_run_figures
        project = load_example("rnn_clas")
        traced = trace(build_model(project, seed=0), torch.rand(project.input.shape))
        plot_hidden(traced, "rnn1", kind="lines")
        save_run_figures(traced, project, {str(tmp_path)!r})
        print("matplotlib.pyplot" in sys.modules, any(m.startswith("PySide6") for m in sys.modules))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.split() == ["False", "False"]


# --- clear errors --------------------------------------------------------------------------


def test_bad_requests_get_clear_messages():
    project = load_example("rnn_clas")
    _, traced = _classifier_run()
    with pytest.raises(ValueError, match="recurrent blocks: rnn1"):
        plot_hidden(traced, "fc")
    with pytest.raises(ValueError, match=r"layer must be in 0\.\.1"):
        plot_hidden(traced, "rnn1", layer=2)
    with pytest.raises(ValueError, match="has no cell state: only an LSTM has one"):
        plot_hidden(traced, "rnn1", state="cell")
    with pytest.raises(ValueError, match=r"batch_index must be in 0\.\.2"):
        plot_hidden(traced, "rnn1", batch_index=3)
    with pytest.raises(ValueError, match=r"units must be in 0\.\.39"):
        plot_hidden(traced, "rnn1", units=[40])
    with pytest.raises(ValueError, match=r"batch_index must be in 0\.\.2"):
        plot_output(traced, project, batch_index=5)


def test_equal_batch_and_time_need_the_project_to_tell_the_axes():
    project = make_project({"type": "rnn", "hidden_size": 3}, batch=4, seq_len=4)
    _, x, traced, _, _, _ = run(project)
    with pytest.raises(ValueError, match="pass project"):
        plot_hidden(traced, "rec")
    view = HiddenStateFigure()
    view.update(traced, "rec", batch_index=1, project=project)
    np.testing.assert_array_equal(view.input_lines[0].get_ydata(), x[1, :, 0].numpy())
