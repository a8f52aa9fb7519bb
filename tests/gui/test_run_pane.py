"""The Run pane in the real window: what it plots equals trace() and torch, runs never block.

Runs go through the pane's RunController in worker threads; tests wait for its signals or
for the shown result, never for a fixed time. Where a test needs a run to stay in flight, the
run function waits on a threading.Event the test sets.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
import torch
from PySide6.QtCore import QCoreApplication, Qt

from rnnstudio.core.analysis import analyze
from rnnstudio.core.errors import format_bytes
from rnnstudio.core.examples import load_example
from rnnstudio.core.model import build_model
from rnnstudio.core.project_io import load_project, updated
from rnnstudio.core.run_output import csv_file_count, run_arrays
from rnnstudio.core.run_plan import plan_run, run_project
from rnnstudio.core.signals import SineSignal, make_input
from rnnstudio.core.spec import GRUBlock, InputSpec, LinearBlock, LSTMBlock, Project, RNNBlock
from rnnstudio.core.trace import estimate_run_bytes, trace
from rnnstudio.gui.dialogs import UnsavedChoice
from rnnstudio.gui.main_window import MainWindow
from rnnstudio.gui.run_pane import RunPane
from rnnstudio.gui.run_worker import CANCELLED, FAILED

WAIT_MS = 30_000


@dataclass
class RunDialogs:
    """Answers the window's file questions, the Run pane's too, from fields the test sets."""

    save_path: Path | None = None
    csv_path: Path | None = None
    npz_path: Path | None = None
    export_folder: Path | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)

    def show_error(self, title: str, message: str) -> None:
        self.errors.append((title, message))

    def ask_save_path(self, suggestion: str) -> Path | None:
        return self.save_path

    def ask_open_path(self, directory: str) -> Path | None:
        return None

    def ask_unsaved_changes(self, project_name: str) -> UnsavedChoice:
        return UnsavedChoice.DISCARD

    def ask_signal_csv_path(self, directory: str) -> Path | None:
        return self.csv_path

    def ask_export_npz_path(self, suggestion: str) -> Path | None:
        return self.npz_path

    def ask_export_folder(self, directory: str) -> Path | None:
        return self.export_folder


@pytest.fixture(autouse=True)
def one_torch_thread():
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture
def run_dialogs(window: MainWindow) -> RunDialogs:
    dialogs = RunDialogs()
    window.dialogs = dialogs
    return dialogs


def pane_of(window: MainWindow) -> RunPane:
    """The Run pane in a floating dock of its own, large enough that no plot is reduced to
    fewer pixels than values (the arrangement of the other panes does not matter here)."""
    QCoreApplication.processEvents()
    dock = window.run_dock
    dock.setFloating(True)
    dock.resize(1300, 900)
    dock.show()
    QCoreApplication.processEvents()
    return window.run_pane


def wait_for_current_result(qtbot, window: MainWindow) -> None:
    """Until the pane shows a finished run of exactly the document's project and seed."""
    pane = window.run_pane

    def shown() -> bool:
        result = pane.result
        return (
            result is not None
            and result.project == window.document.project
            and result.seed == pane.seed_spin.value()
            and not pane.controller.is_running
        )

    qtbot.waitUntil(shown, timeout=WAIT_MS)
    settle(qtbot, pane)


def settle(qtbot, pane: RunPane) -> None:
    """Pending layouts applied (the figures refill for their real size) and drawn."""
    QCoreApplication.processEvents()
    for canvas in (pane.hidden_canvas, pane.output_canvas, pane.step_canvas):
        qtbot.waitUntil(lambda canvas=canvas: not canvas._draw_pending, timeout=WAIT_MS)


def expected_trace(project: Project, seed: int = 0):
    model = build_model(project, seed=seed)
    return model, trace(model, make_input(project))


def test_a_run_plots_exactly_what_trace_returns(qtbot, window: MainWindow) -> None:
    pane = pane_of(window)
    window.open_example("rnn_clas")
    pane.seed_spin.setValue(5)
    pane.batch_spin.setValue(2)
    wait_for_current_result(qtbot, window)
    project = window.document.project
    model, expected = expected_trace(project, seed=5)

    assert pane.shown_block == "rnn1" and pane.shown_item == 2
    hidden = expected.recurrent["rnn1"].hidden  # [layers, directions, batch, time, units]
    view = pane.hidden_view
    assert [(panel.layer, panel.direction) for panel in view.panels] == [(0, 0), (1, 0)]
    for panel in view.panels:
        shown = np.asarray(panel.image.get_array())
        np.testing.assert_array_equal(shown, hidden[panel.layer, 0, 2].numpy().T)
    # h_n: the outlined last column of each layer's heatmap, torch's final state.
    h_n = expected.recurrent["rnn1"].h_n
    for panel in view.panels:
        outline = panel.final_outline
        assert (outline.get_x(), outline.get_width()) == (4 - 0.5, 1.0)
        assert outline.get_height() == 40
        shown = np.asarray(panel.image.get_array())
        np.testing.assert_array_equal(shown[:, -1], h_n[panel.layer, 2].numpy())
    x = expected.input[2].numpy()  # [time, features]
    for feature, line in enumerate(view.input_lines):
        np.testing.assert_array_equal(line.get_ydata(), x[:, feature])
    # Softmax probabilities per class, the bars of the output tab.
    probabilities = model(make_input(project))[2].detach().numpy()
    heights = [bar.get_height() for bar in pane.output_view.bars]
    np.testing.assert_allclose(heights, probabilities, rtol=1e-6)
    assert pane.output_view.mode == "bars" and pane.output_warning.isHidden()
    # Other weights: other numbers.
    pane.seed_spin.setValue(6)
    wait_for_current_result(qtbot, window)
    _model, other = expected_trace(project, seed=6)
    np.testing.assert_array_equal(
        np.asarray(view.panels[0].image.get_array()),
        other.recurrent["rnn1"].hidden[0, 0, 2].numpy().T,
    )
    assert not torch.equal(other.recurrent["rnn1"].hidden, hidden)


def test_the_last_step_note_shows_the_numbers_of_the_trace(qtbot, window: MainWindow) -> None:
    pane = pane_of(window)
    window.open_example("rnn_clas")
    pane.batch_spin.setValue(1)
    wait_for_current_result(qtbot, window)
    _model, expected = expected_trace(window.document.project)
    assert pane.last_step_note.isVisibleTo(pane)
    note = pane.last_step_note.toolTip()
    first = expected.outputs["rnn1"][1, 0].item()
    state = expected.recurrent["rnn1"].hidden[1, 0, 1, 4, 0].item()
    assert first == state
    assert f"{first:.3f}".replace("-", "−") in note
    assert "t = 4" in note and "largest difference 0" in note and "h_n[1]" in note


def test_a_softmax_over_time_is_warned_and_drawn_classes_by_time(qtbot, window) -> None:
    pane = pane_of(window)
    window.open_example("rnn_clas_por_paso")
    wait_for_current_result(qtbot, window)
    _model, expected = expected_trace(window.document.project)
    assert not pane.output_warning.isHidden()  # on the Output tab, shown when it is raised
    assert "softmax" in pane.output_warning.toolTip() and "dim=1" in pane.output_warning.toolTip()
    assert pane.tabs.tabText(1).startswith("⚠")
    assert pane.output_view.mode == "heatmap"
    shown = np.asarray(pane.output_view.image.get_array())
    np.testing.assert_array_equal(shown, expected.output[0].numpy().T)  # classes × time
    # Over time: every class sums to 1 across the steps, as the warning says.
    np.testing.assert_allclose(shown.sum(axis=1), np.ones(shown.shape[0]), rtol=1e-5)


def test_the_scrubber_moves_every_cursor_by_blitting_and_fills_the_step_panel(
    qtbot, window: MainWindow
) -> None:
    pane = pane_of(window)
    window.open_example("rnn_clas_por_paso")
    pane.batch_spin.setValue(1)
    wait_for_current_result(qtbot, window)
    _model, expected = expected_trace(window.document.project)
    hidden = expected.recurrent["rnn1"].hidden
    qtbot.waitUntil(lambda: pane.hidden_blitter._background is not None, timeout=WAIT_MS)
    full_draws = []
    pane.hidden_canvas.mpl_connect("draw_event", full_draws.append)

    pane.scrubber.set_step(3)
    QCoreApplication.processEvents()  # a deferred full draw would happen here

    cursors = pane.hidden_view.cursor_artists
    assert len(cursors) == 1 + len(pane.hidden_view.panels)
    for line in cursors:
        assert line.get_visible() and list(line.get_xdata()) == [3, 3]
    assert [list(line.get_xdata()) for line in pane.output_view.cursor_artists] == [[3, 3]]
    assert full_draws == []  # the cursor moved by blitting, not by drawing the figure
    step = pane.step_view
    assert step.step == 3
    np.testing.assert_array_equal(step.input_values(), expected.input[1, 3].numpy())
    for panel, layer in enumerate((0, 1)):
        np.testing.assert_array_equal(step.state_values(panel), hidden[layer, 0, 1, 3].numpy())
    terms = pane.shown_terms
    assert terms is not None and terms.step == 3 and terms.layer == 0
    np.testing.assert_allclose(terms.h, hidden[0, 0, 1, 3, :3].double().numpy(), atol=1e-6)
    text = pane.equation_label.text()
    for value in terms.input_term:
        assert f"{value:+.3f}".replace("-", "−").replace("+", " ").strip() in text
    assert "tanh(sum)" in text and "✓" in text and "✖" not in text

    # The second layer's update reads the first layer's h_t.
    pane.term_layer_combo.setCurrentIndex(1)
    terms = pane.shown_terms
    assert terms.layer == 1
    np.testing.assert_allclose(terms.x, hidden[0, 0, 1, 3].double().numpy())
    np.testing.assert_allclose(terms.h, hidden[1, 0, 1, 3, :3].double().numpy(), atol=1e-6)

    # Play walks to the last step and stops there.
    pane.scrubber.set_step(0)
    pane.scrubber.play()
    assert pane.scrubber.is_playing
    qtbot.waitUntil(lambda: not pane.scrubber.is_playing, timeout=WAIT_MS)
    assert pane.scrubber.step == 6 == step.step
    assert list(cursors[0].get_xdata()) == [6, 6]


def test_cancel_stops_the_run_and_keeps_the_last_result(qtbot, window: MainWindow) -> None:
    pane = pane_of(window)
    wait_for_current_result(qtbot, window)
    before = pane.result
    first_layer_done, release = threading.Event(), threading.Event()

    def held_after_first_layer(project, **options):
        progress = options["progress"]

        def report(fraction: float) -> None:
            progress(fraction)
            first_layer_done.set()
            release.wait(WAIT_MS / 1000)

        return run_project(project, **{**options, "progress": report})

    pane.controller.run_function = held_after_first_layer
    project = Project(
        name="deep",
        input=InputSpec(features=2, batch=2, seq_len=8),
        blocks=(RNNBlock(name="rnn", hidden_size=6, num_layers=3),),
    )
    window.document.replace(project)
    qtbot.waitUntil(first_layer_done.is_set, timeout=WAIT_MS)
    assert pane.controller.is_running and pane.cancel_button.isEnabled()
    assert pane.progress_bar.isVisibleTo(pane)
    with qtbot.waitSignal(
        pane.controller.sig_run_state_changed,
        check_params_cb=lambda state, *_: state == CANCELLED,
        timeout=WAIT_MS,
    ):
        qtbot.mouseClick(pane.cancel_button, Qt.MouseButton.LeftButton)
        release.set()
    assert pane.result is before
    assert "cancelled" in pane.message and "last run" in pane.message
    assert pane.run_button.isEnabled() and not pane.cancel_button.isEnabled()
    assert not pane.progress_bar.isVisibleTo(pane)
    # Run starts it again, to the end.
    pane.controller.run_function = run_project
    qtbot.mouseClick(pane.run_button, Qt.MouseButton.LeftButton)
    wait_for_current_result(qtbot, window)
    _model, expected = expected_trace(project)
    np.testing.assert_array_equal(
        np.asarray(pane.hidden_view.panels[2].image.get_array()),
        expected.recurrent["rnn"].hidden[2, 0, 0].numpy().T,
    )


def test_an_edit_during_a_run_shows_the_new_result_never_the_stale_one(
    qtbot, window: MainWindow
) -> None:
    pane = pane_of(window)
    wait_for_current_result(qtbot, window)
    old = Project(
        name="old",
        input=InputSpec(features=2, batch=1, seq_len=6),
        blocks=(RNNBlock(name="rnn", hidden_size=4),),
    )
    entered, release = threading.Event(), threading.Event()
    shown_projects = []
    pane.controller.sig_result_changed.connect(lambda result: shown_projects.append(result.project))

    def old_run_ignores_cancel(project, **options):
        if project == old:
            entered.set()
            release.wait(WAIT_MS / 1000)
            options = {**options, "cancel": None}  # it finishes whatever happens
        return run_project(project, **options)

    pane.controller.run_function = old_run_ignores_cancel
    window.document.replace(old)
    qtbot.waitUntil(entered.is_set, timeout=WAIT_MS)
    new = updated(old, blocks=(updated(old.blocks[0], hidden_size=7),))
    window.document.edit(new, "hidden_size 7")
    wait_for_current_result(qtbot, window)
    release.set()
    qtbot.waitUntil(lambda: pane.controller.job_count == 0, timeout=WAIT_MS)

    assert pane.controller.stale_results_dropped == 1
    assert old not in shown_projects and pane.result.project == new
    _model, expected = expected_trace(new)
    shown = np.asarray(pane.hidden_view.panels[0].image.get_array())
    assert shown.shape == (7, 6)
    np.testing.assert_array_equal(shown, expected.recurrent["rnn"].hidden[0, 0, 0].numpy().T)


def test_an_error_in_the_worker_is_a_message_in_the_pane(qtbot, window: MainWindow) -> None:
    pane = pane_of(window)
    wait_for_current_result(qtbot, window)
    before = pane.result

    def broken(project, **options):
        raise RuntimeError("a bug inside the run")

    pane.controller.run_function = broken
    with qtbot.waitSignal(
        pane.controller.sig_run_state_changed,
        check_params_cb=lambda state, *_: state == FAILED,
        timeout=WAIT_MS,
    ):
        qtbot.mouseClick(pane.run_button, Qt.MouseButton.LeftButton)
    assert "The run failed" in pane.message and "RuntimeError: a bug inside the run" in pane.message
    assert "press Run to try again" in pane.message
    assert pane.message_label.isVisibleTo(pane) and "Traceback" not in pane.message
    assert pane.result is before and pane.run_button.isEnabled()


def test_a_signal_that_does_not_fit_is_explained_next_to_its_field(qtbot, window) -> None:
    pane = pane_of(window)
    wait_for_current_result(qtbot, window)
    project = window.document.project
    window.document.edit(
        updated(project, input=updated(project.input, signal={"kind": "impulse", "at_step": 9})),
        "impulse at step 9",
    )
    qtbot.waitUntil(lambda: "The run failed" in pane.message, timeout=WAIT_MS)
    assert "input.signal.at_step: is 9 but the sequence has only 3 time steps" in pane.message
    form = pane.signal_form("impulse")
    assert "choose a step below 3" in form.message_text("at_step")
    assert pane.signal_kind.currentData() == "impulse"


def test_a_run_over_the_memory_budget_is_refused_with_the_numbers(
    qtbot, window: MainWindow, settings
) -> None:
    pane = pane_of(window)
    wait_for_current_result(qtbot, window)
    budget = 256 * 1024**2
    settings.setValue("memory_budget", budget)
    generation = pane.controller.generation
    project = window.document.project
    big = updated(project, input=updated(project.input, batch=64, seq_len=200_000))
    window.document.edit(big, "big")
    qtbot.waitUntil(lambda: "refused" in pane.message, timeout=WAIT_MS)
    estimate = estimate_run_bytes(big)
    assert format_bytes(estimate) in pane.message and f"{estimate:,} bytes" in pane.message
    assert format_bytes(budget) in pane.message and "raise the memory budget" in pane.message
    qtbot.mouseClick(pane.run_button, Qt.MouseButton.LeftButton)  # refused again
    assert pane.controller.generation == generation
    assert "refused" in pane.message and "last run before this change" in pane.message


def test_a_long_run_waits_for_the_run_button(qtbot, window: MainWindow) -> None:
    pane = pane_of(window)
    wait_for_current_result(qtbot, window)
    long = Project(
        name="long",
        input=InputSpec(features=1, batch=1, seq_len=40_000),
        blocks=(RNNBlock(name="rnn", hidden_size=8),),
    )
    assert not plan_run(long).quick
    generation = pane.controller.generation
    window.document.replace(long)
    qtbot.waitUntil(lambda: "press Run" in pane.message, timeout=WAIT_MS)
    assert pane.controller.generation == generation
    qtbot.mouseClick(pane.run_button, Qt.MouseButton.LeftButton)
    wait_for_current_result(qtbot, window)
    assert pane.scrubber.steps == 40_000
    # Auto-run off: even a quick edit waits for the button.
    pane.auto_run_check.setChecked(False)
    window.document.replace(load_example("rnn_clas"))
    qtbot.waitUntil(lambda: "press Run" in pane.message, timeout=WAIT_MS)


def test_the_signal_is_an_undoable_edit_saved_in_the_file(
    qtbot, window: MainWindow, run_dialogs: RunDialogs, tmp_path: Path
) -> None:
    pane = pane_of(window)
    wait_for_current_result(qtbot, window)
    document = window.document
    assert document.project.input.signal is None
    pane.signal_kind.setCurrentIndex(pane.signal_kind.findData("sine"))
    assert document.project.input.signal == SineSignal()
    frequency = pane.signal_form("sine").editor("frequency").control
    frequency.setFocus()
    frequency.selectAll()
    qtbot.keyClicks(frequency, "0.25")
    assert document.project.input.signal.frequency == (0.25,)
    wait_for_current_result(qtbot, window)
    expected = make_input(document.project)
    torch.testing.assert_close(pane.result.trace.input, expected, rtol=0, atol=0)
    # A refused value stays in its field with the core's reason; the project keeps 0.25.
    frequency.selectAll()
    qtbot.keyClicks(frequency, "fast")
    assert "frequency" in pane.signal_form("sine").message_text("frequency")
    assert frequency.text() == "fast"
    assert document.project.input.signal.frequency == (0.25,)

    window.action_undo.trigger()
    assert document.project.input.signal == SineSignal()
    assert frequency.text() == "0.1"
    window.action_undo.trigger()
    assert document.project.input.signal is None
    assert pane.signal_kind.currentData() == "uniform"
    window.action_redo.trigger()
    window.action_redo.trigger()
    assert document.project.input.signal.frequency == (0.25,)

    path = tmp_path / "signal.rnnstudio"
    run_dialogs.save_path = path
    assert window.save_as()
    assert load_project(path).input.signal == SineSignal(frequency=(0.25,))

    # A CSV next to the project file is kept as a relative path, and feeds the run.
    data = tmp_path / "data.csv"
    data.write_text("x\n0.5\n-1\n2\n")
    run_dialogs.csv_path = data
    pane.signal_kind.setCurrentIndex(pane.signal_kind.findData("csv"))
    assert document.project.input.signal.path == "data.csv"
    wait_for_current_result(qtbot, window)
    torch.testing.assert_close(
        pane.result.trace.input, torch.tensor([[[0.5], [-1.0], [2.0]]]), rtol=0, atol=0
    )
    assert window.save()
    assert load_project(path).input.signal.path == "data.csv"
    # Cancelling the file question leaves the signal as it was.
    run_dialogs.csv_path = None
    pane.signal_kind.setCurrentIndex(pane.signal_kind.findData("ramp"))
    pane.signal_kind.setCurrentIndex(pane.signal_kind.findData("csv"))
    assert document.project.input.signal.kind == "ramp"
    assert pane.signal_kind.currentData() == "ramp"


def test_the_pane_follows_the_stack_selection(qtbot, window: MainWindow) -> None:
    pane = pane_of(window)
    window.open_example("rnn_alumno")
    pane.batch_spin.setValue(2)
    wait_for_current_result(qtbot, window)
    assert pane.shown_block == "rnn1" and pane.shown_item == 2
    assert pane.block_label.isHidden()
    window.select_row(2)
    assert pane.shown_block == "rnn2"
    # rnn2 reads h_n [1, 3, 2] as a batch of 1: its only item is shown, and said so.
    assert pane.shown_item == 0 and pane.block_label.isVisibleTo(pane)
    assert "batch of 1" in pane.block_label.toolTip()
    # The core's warning about that trap is said above the plot too.
    stage = analyze(window.document.project).stage("rnn2")
    assert stage.warnings and stage.warnings[0].message in pane.block_label.toolTip()
    _model, expected = expected_trace(window.document.project)
    np.testing.assert_array_equal(
        np.asarray(pane.hidden_view.panels[0].image.get_array()),
        expected.recurrent["rnn2"].hidden[0, 0, 0].numpy().T,
    )
    window.select_row(1)  # fc: not recurrent, the first recurrent block is shown
    assert pane.shown_block == "rnn1"


def test_lines_of_chosen_units(qtbot, window: MainWindow) -> None:
    pane = pane_of(window)
    window.open_example("rnn_clas")
    wait_for_current_result(qtbot, window)
    pane.view_combo.setCurrentIndex(pane.view_combo.findData("lines"))
    assert pane.hidden_view.mode == "lines" and pane.units_button.isEnabled()
    pane.units_menu.actions()[10].trigger()  # unit 10 joins units 0 to 5
    _model, expected = expected_trace(window.document.project)
    lines = pane.hidden_view.panels[1].lines
    assert len(lines) == 7
    np.testing.assert_array_equal(
        lines[-1].get_ydata(), expected.recurrent["rnn1"].hidden[1, 0, 0, :, 10].numpy()
    )
    # h_n is marked at the last step of every line.
    marks = pane.hidden_view.panels[1].final_marker.get_offsets()
    h_n = expected.recurrent["rnn1"].h_n[1, 0, [0, 1, 2, 3, 4, 5, 10]].numpy()
    np.testing.assert_allclose(np.asarray(marks)[:, 1], h_n)


def test_export_writes_the_arrays_of_the_shown_run(
    qtbot, window: MainWindow, run_dialogs: RunDialogs, tmp_path: Path
) -> None:
    pane = pane_of(window)
    window.open_example("rnn_clas")
    wait_for_current_result(qtbot, window)
    run_dialogs.npz_path = tmp_path / "run.npz"
    pane.action_export_npz.trigger()
    arrays = run_arrays(pane.result.trace)
    with np.load(tmp_path / "run.npz") as saved:
        assert sorted(saved.files) == sorted(arrays)
        for name, values in arrays.items():
            np.testing.assert_array_equal(saved[name], values)
    run_dialogs.export_folder = tmp_path / "csv"
    pane.action_export_csv.trigger()
    written = sorted((tmp_path / "csv").glob("*.csv"))
    assert len(written) == csv_file_count(window.document.project, arrays)
    assert f"Wrote {len(written)} CSV files" in pane.message
    # An unwritable place is a message, not a traceback.
    run_dialogs.npz_path = tmp_path / "missing-folder" / "run.npz"
    pane.action_export_npz.trigger()
    assert "Cannot write" in pane.message and "Choose another place" in pane.message


STACKS = {
    "lstm, both directions": (
        LSTMBlock(name="lstm", hidden_size=5, num_layers=2, bidirectional=True),
        LinearBlock(name="fc", out_features=3),
    ),
    "gru, last step": (GRUBlock(name="gru", hidden_size=4, output="last_step"),),
    "relu rnn": (RNNBlock(name="rnn", hidden_size=6, nonlinearity="relu"),),
    "lstm projected": (LSTMBlock(name="lstm", hidden_size=6, proj_size=2),),
    "no recurrent block": (LinearBlock(name="fc", out_features=3),),
}


@pytest.mark.parametrize("stack", STACKS)
def test_every_kind_of_stack_is_shown(qtbot, window: MainWindow, stack: str) -> None:
    pane = pane_of(window)
    project = Project(
        name="kinds",
        input=InputSpec(features=3, batch=2, seq_len=5, signal=SineSignal()),
        blocks=STACKS[stack],
    )
    window.document.replace(project)
    pane.batch_spin.setValue(1)
    wait_for_current_result(qtbot, window)
    _model, expected = expected_trace(project)
    if not expected.recurrent:
        assert pane.shown_block is None and "No recurrent block" in pane.block_label.text()
        assert pane.output_view.mode == "heatmap"  # [batch, time, features] per step
        return
    block = next(iter(expected.recurrent))
    states = expected.recurrent[block]
    layers, directions = states.num_layers, states.directions
    assert pane.shown_block == block
    assert len(pane.hidden_view.panels) == layers * directions
    pane.scrubber.set_step(2)
    for band in range(layers * directions):
        layer, direction = divmod(band, directions)
        np.testing.assert_allclose(
            pane.step_view.state_values(band),
            states.hidden[layer, direction, 1, 2].numpy(),
            rtol=1e-6,
            atol=1e-7,
        )
    if states.kind == "rnn":
        terms = pane.shown_terms
        np.testing.assert_allclose(terms.h, states.hidden[0, 0, 1, 2, :3].double(), atol=1e-6)
    else:
        assert pane.shown_terms is None and "gates" in pane.equation_label.text()
    assert "failed" not in pane.message and "cannot" not in pane.message


def test_plot_toolbars_survive_stale_python_wrappers_of_their_actions(window: MainWindow):
    """Under a real display PySide invalidated the wrappers matplotlib keeps of its toolbar
    actions (the actions themselves lived on); the next figure.clear() then raised
    "Internal C++ object (QAction) already deleted" and the Run pane stopped refreshing."""
    import shiboken6

    pane = window.run_pane
    toolbar = pane.hidden_toolbar
    for action in list(toolbar._action_wrappers.values()):
        shiboken6.invalidate(action)  # the wrapper only: the QAction stays in the toolbar
    pane.hidden_view.figure.clear()  # matplotlib enables Back/Forward here
    back = toolbar._actions["back"]
    assert shiboken6.isValid(back) and back in toolbar.actions()
    assert set(toolbar._actions) == {"home", "back", "forward", "pan", "zoom", "save_figure"}
