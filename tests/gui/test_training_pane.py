"""The Training pane: its curves, confusion matrix and gradients equal what the core computes,
Pause/Resume/Cancel reach the worker, a stack that does not fit is explained, weights survive
a safetensors round trip, and the Run pane shows the same input before and after training.

Trainings run through the pane's TrainingController in a worker thread; tests wait for its
signals or for a condition, never for a fixed time. Where a training must stay in flight,
the test holds it at the pause hook.
"""

from __future__ import annotations

import html
import threading
from pathlib import Path

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from rnnstudio.core.model import build_model
from rnnstudio.core.project_io import parse_project, updated
from rnnstudio.core.run_plan import RunWeights
from rnnstudio.core.signals import make_input
from rnnstudio.core.tasks import check_fit, get_task, make_data
from rnnstudio.core.trace import trace
from rnnstudio.core.training import (
    TrainingSettings,
    gradient_over_time,
    save_weights,
    set_forget_bias,
    train,
    weights_path,
)
from rnnstudio.gui.document import Document
from rnnstudio.gui.main_window import MainWindow
from rnnstudio.gui.training_pane import AFTER, BEFORE, BOTH, TrainingPane
from rnnstudio.gui.training_worker import CANCELLED, PAUSED

WAIT_MS = 60_000
SMALL = {"train_size": 96, "val_size": 24}
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture(autouse=True)
def one_torch_thread():
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def memory_project(kind: str = "rnn", features: int = 1, classes: int = 2):
    return parse_project(
        {
            "format": "rnnstudio",
            "version": 1,
            "name": f"memory_{kind}",
            "input": {"features": features, "batch": 2, "seq_len": 6},
            "blocks": [
                {"type": kind, "name": "rec", "hidden_size": 6, "output": "last_step"},
                {"type": "linear", "name": "fc", "out_features": classes},
                {"type": "softmax", "name": "softmax", "dim": -1},
            ],
        }
    )


class HeldTraining:
    """A train function whose pause hook reports when the worker waits in it, and holds the
    worker there until ``gate`` is open, so a test can keep a training in flight and see Pause
    reach the worker."""

    def __init__(self, *, open_gate: bool = True) -> None:
        self.entered = 0
        self.returned = 0
        self.lock = threading.Lock()
        self.gate = threading.Event()
        if open_gate:
            self.gate.set()

    def __call__(self, *args, pause, **kwargs):
        def watched_pause() -> None:
            with self.lock:
                self.entered += 1
            self.gate.wait()
            pause()
            with self.lock:
                self.returned += 1

        return train(*args, pause=watched_pause, **kwargs)

    def waiting(self) -> bool:
        with self.lock:
            return self.entered == self.returned + 1


@pytest.fixture
def make_pane(qtbot):
    panes = []

    def make(project=None, train_function=train) -> TrainingPane:
        document = Document()
        document.replace(project if project is not None else memory_project(), None)
        pane = TrainingPane(document, train_function=train_function)
        qtbot.addWidget(pane)
        pane.resize(1300, 760)
        pane.show()
        qtbot.waitExposed(pane)
        panes.append(pane)
        return pane

    yield make
    for pane in panes:
        pane.shutdown()


def finish_training(qtbot, pane: TrainingPane):
    with qtbot.waitSignal(pane.controller.sig_result_changed, timeout=WAIT_MS) as blocker:
        assert pane.train()
    return blocker.args[0]


def test_a_short_training_draws_its_history_and_confusion_matrix(qtbot, make_pane) -> None:
    pane = make_pane()
    pane.set_task("memory", seq_len=6, **SMALL)
    pane.epochs_spin.setValue(3)
    pane.seed_spin.setValue(4)
    settings = pane.settings()
    result = finish_training(qtbot, pane)
    assert result.status == "finished" and len(result.history) == 3
    assert not pane.controller.is_running and pane.train_button.isEnabled()

    # The same training done by the core in the test gives the same numbers.
    expected = train(
        memory_project(), get_task("memory").with_options(seq_len=6, **SMALL), settings
    )
    assert [r.train_loss for r in result.history] == [r.train_loss for r in expected.history]
    assert result.confusion_matrix == expected.confusion_matrix

    curves = pane.curves
    epochs = [record.epoch for record in result.history]
    for line, values in (
        (curves.train_loss_line, [r.train_loss for r in result.history]),
        (curves.val_loss_line, [r.val_loss for r in result.history]),
        (curves.train_accuracy_line, [r.train_accuracy for r in result.history]),
        (curves.val_accuracy_line, [r.val_accuracy for r in result.history]),
    ):
        assert list(line.get_xdata()) == epochs
        assert list(line.get_ydata()) == values
    counts = [int(text.get_text()) for text in pane.confusion_figure.axes[0].texts]
    assert counts == [count for row in result.confusion_matrix for count in row]
    accuracy = f"{result.history[-1].val_accuracy:.1%}"
    assert accuracy in pane.message
    assert "CrossEntropyLoss" in pane.explanation_label.text()
    assert pane.forget_note.isHidden()  # no LSTM in the stack: the forget bias means nothing
    assert "that enter softmax" in pane.explanation_label.text()


def test_the_curves_follow_the_epochs_while_training(qtbot, make_pane) -> None:
    pane = make_pane()
    pane.set_task("memory", seq_len=5, **SMALL)
    pane.epochs_spin.setValue(4)
    shown: list[list[float]] = []

    def record(progress) -> None:
        if progress.record is not None:
            shown.append(list(pane.curves.val_loss_line.get_ydata()))

    pane.controller.sig_progress_changed.connect(record)
    result = finish_training(qtbot, pane)
    # After each epoch's report the curve held exactly the epochs done so far.
    assert shown[-1] == [r.val_loss for r in result.history]
    assert [len(values) for values in shown] == [1, 2, 3, 4]


def test_pause_holds_the_worker_and_resume_gives_the_uninterrupted_run(qtbot, make_pane) -> None:
    held = HeldTraining(open_gate=False)
    pane = make_pane(train_function=held)
    pane.set_task("memory", seq_len=5, **SMALL)
    pane.epochs_spin.setValue(3)
    settings = pane.settings()
    assert pane.train()
    qtbot.waitUntil(held.waiting, timeout=WAIT_MS)  # held before the first batch
    assert not pane.train_button.isEnabled() and pane.cancel_button.isEnabled()
    assert not pane.epochs_spin.isEnabled()
    with qtbot.waitSignal(pane.controller.sig_training_state_changed) as blocker:
        qtbot.mouseClick(pane.pause_button, LEFT)
    assert blocker.args[0] == PAUSED and pane.pause_button.text() == "Resume"
    held.gate.set()  # the worker goes on into the pause hook, which Pause keeps closed
    QApplication.processEvents()
    assert held.waiting() and held.entered == 1  # still before the first batch
    assert pane.controller.is_running and pane.result is None

    with qtbot.waitSignal(pane.controller.sig_result_changed, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(pane.pause_button, LEFT)
        assert pane.pause_button.text() == "Pause"
    result = blocker.args[0]
    assert result.status == "finished"
    expected = train(
        memory_project(), get_task("memory").with_options(seq_len=5, **SMALL), settings
    )
    assert [r.val_loss for r in result.history] == [r.val_loss for r in expected.history]


def test_cancel_stops_a_paused_training_and_keeps_the_epochs_done(qtbot, make_pane) -> None:
    held = HeldTraining()
    pane = make_pane(train_function=held)
    pane.set_task("memory", seq_len=5, **SMALL)
    pane.epochs_spin.setValue(1000)
    epoch_done = []
    pane.controller.sig_progress_changed.connect(
        lambda progress: epoch_done.append(progress) if progress.record is not None else None
    )
    assert pane.train()
    qtbot.waitUntil(lambda: len(epoch_done) >= 2, timeout=WAIT_MS)
    pane.pause()
    qtbot.waitUntil(held.waiting, timeout=WAIT_MS)
    states = []
    pane.controller.sig_training_state_changed.connect(lambda state, _m: states.append(state))
    with qtbot.waitSignal(pane.controller.sig_result_changed, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(pane.cancel_button, LEFT)
    result = blocker.args[0]
    assert result.status == "cancelled" and states[-1] == CANCELLED
    assert 2 <= result.epochs_run < 1000
    assert [r.epoch for r in result.history] == list(range(1, result.epochs_run + 1))
    assert list(pane.curves.train_loss_line.get_ydata()) == [r.train_loss for r in result.history]
    assert "Cancelled after" in pane.message
    assert pane.train_button.isEnabled() and not pane.cancel_button.isEnabled()
    assert pane.weights is not None  # the weights as they were stay usable
    # Training again works after a cancel.
    pane.epochs_spin.setValue(1)
    assert finish_training(qtbot, pane).status == "finished"


def test_a_stack_that_does_not_fit_shows_check_fit_and_cannot_train(qtbot, make_pane) -> None:
    project = memory_project(features=1, classes=3)
    pane = make_pane(project)
    pane.set_task("trajectories")
    task = get_task("trajectories")
    problems = check_fit(task, project)
    assert len(problems) == 2  # features and classes
    text = pane.fit_label.text()
    for problem in problems:
        assert html.escape(problem.message) in text
    assert "set input.features to 2" in text and "set fc.out_features to 5" in text
    assert not pane.fit_ok and not pane.train_button.isEnabled()
    assert pane.train() is False and "Change the stack" in pane.message

    # Following the advice in the document enables Train, and the explanation goes.
    document = pane.document
    fixed = updated(project, input=updated(project.input, features=2))
    blocks = (project.blocks[0], updated(project.blocks[1], out_features=5), project.blocks[2])
    document.edit(updated(fixed, blocks=blocks), "fix")
    assert check_fit(task, document.project) == []
    assert pane.fit_ok and pane.train_button.isEnabled()
    assert "fits this task" in pane.fit_label.text()
    # Undo brings the explanation back.
    document.undo_stack.undo()
    assert not pane.train_button.isEnabled()
    assert html.escape(problems[0].message) in pane.fit_label.text()


def test_saved_weights_reload_to_identical_outputs(qtbot, make_pane, tmp_path: Path) -> None:
    pane = make_pane()
    project_path = tmp_path / "memory.rnnstudio"
    pane.document.save(project_path)
    pane.set_task("memory", seq_len=6, **SMALL)
    pane.epochs_spin.setValue(2)
    result = finish_training(qtbot, pane)
    written = pane.save_weights()
    assert written == weights_path(project_path) and written.is_file()
    assert str(written) in pane.message

    x = make_data(pane.task, 0).x_val
    with torch.no_grad():
        trained = result.model(x)
    pane.seed_spin.setValue(9)  # the "before" weights of a loaded file come from this seed
    assert pane.load_weights(written)
    assert pane.result is None
    with torch.no_grad():
        reloaded = pane.weights.model(x)
    assert torch.equal(reloaded, trained)
    before = build_model(pane.document.project, seed=9)
    for name, value in before.state_dict().items():
        assert torch.equal(pane.weights.before.state[name], value)

    # A file of another stack is refused with the reason, and the loaded weights stay.
    other = build_model(memory_project(kind="lstm"))
    save_weights(other, tmp_path / "other.safetensors")
    loaded = pane.weights
    assert not pane.load_weights(tmp_path / "other.safetensors")
    assert "trained for another stack" in pane.message
    assert pane.weights is loaded


def test_without_a_project_file_save_and_load_ask_where(qtbot, make_pane, tmp_path) -> None:
    pane = make_pane()
    target = tmp_path / "chosen.safetensors"

    asked: list[str] = []

    class Chooser:
        def ask_save_weights_path(self, suggestion: str) -> Path | None:
            asked.append(suggestion)
            return target

        def ask_open_weights_path(self, suggestion: str) -> Path | None:
            asked.append(suggestion)
            return target

    pane.file_dialogs = Chooser()
    pane.set_task("memory", seq_len=4, **SMALL)
    pane.epochs_spin.setValue(1)
    result = finish_training(qtbot, pane)
    assert pane.save_weights() == target
    assert pane.load_weights()
    assert asked[0].endswith("memory_rnn.safetensors") and len(asked) == 2
    for name, value in result.model.state_dict().items():
        assert torch.equal(pane.weights.model.state_dict()[name], value)


def test_gradients_over_time_equal_the_core_and_kept_panels_stay(qtbot, make_pane) -> None:
    pane = make_pane()
    pane.set_task("memory", seq_len=7, **SMALL)
    pane.sample_spin.setValue(3)
    task = pane.task
    settings = pane.settings()
    with qtbot.waitSignal(pane.controller.sig_gradients_changed, timeout=WAIT_MS):
        pane.tabs.setCurrentIndex(2)
    [panel] = pane.gradient_panels
    initial = build_model(pane.document.project, seed=settings.seed)
    np.testing.assert_array_equal(panel.norms, gradient_over_time(initial, task, 3).numpy())
    assert panel.label == "memory_rnn: initial weights (seed 0)"
    assert not pane.gradient_weights_combo.isEnabled()

    pane.epochs_spin.setValue(2)
    with qtbot.waitSignal(pane.controller.sig_gradients_changed, timeout=WAIT_MS):
        result = finish_training(qtbot, pane)
        pane.tabs.setCurrentIndex(2)
    assert pane.gradient_weights_combo.currentData() == AFTER
    [after] = pane.gradient_panels
    np.testing.assert_array_equal(after.norms, gradient_over_time(result.model, task, 3).numpy())

    with qtbot.waitSignal(pane.controller.sig_gradients_changed, timeout=WAIT_MS):
        pane.gradient_weights_combo.setCurrentIndex(pane.gradient_weights_combo.findData(BOTH))
    before_panel, after_panel = pane.gradient_panels
    initial.load_state_dict(result.initial_state)
    np.testing.assert_array_equal(before_panel.norms, gradient_over_time(initial, task, 3).numpy())
    np.testing.assert_array_equal(after_panel.norms, after.norms)
    figure_titles = [axes.get_title() for axes in pane.gradient_figure.axes]
    assert figure_titles == ["memory_rnn: before training", "memory_rnn: after training"]
    assert not np.allclose(before_panel.norms, after_panel.norms)

    # Kept panels stay while the current ones follow the stack.
    with qtbot.waitSignal(pane.controller.sig_gradients_changed, timeout=WAIT_MS):
        qtbot.mouseClick(pane.keep_button, LEFT)
    assert [p.label for p in pane.gradient_panels[:2]] == figure_titles
    assert pane.clear_kept_button.isEnabled()
    qtbot.mouseClick(pane.clear_kept_button, LEFT)
    assert len(pane.gradient_panels) == 2  # the current before-and-after


def test_memory_lstm_starts_its_forget_gates_as_the_setting_says(qtbot, make_pane) -> None:
    pane = make_pane(memory_project(kind="lstm"))
    pane.set_task("memory", seq_len=5, **SMALL)
    assert pane.forget_check.isChecked() and not pane.forget_note.isHidden()
    assert pane.forget_spin.value() == get_task("memory").forget_bias == 5.0
    assert "sigmoid(5) = 99.3%" in pane.forget_note.text()
    assert "about 149 steps" in pane.forget_note.text()
    pane.forget_spin.setValue(2.5)
    pane.epochs_spin.setValue(1)
    result = finish_training(qtbot, pane)
    hidden = 6
    assert torch.all(result.initial_state["rec.bias_ih_l0"][hidden : 2 * hidden] == 2.5)
    assert torch.all(result.initial_state["rec.bias_hh_l0"][hidden : 2 * hidden] == 0.0)
    expected = build_model(pane.document.project, seed=0)
    set_forget_bias(expected, 2.5)
    for name, value in expected.state_dict().items():
        assert torch.equal(result.initial_state[name], value)
    # Unchecked: torch's own initialisation.
    pane.forget_check.setChecked(False)
    assert pane.settings().forget_bias is None
    assert not pane.forget_spin.isEnabled()
    assert "torch's own initialisation" in pane.forget_note.text()


def test_editing_the_stack_withdraws_the_trained_weights(qtbot, make_pane) -> None:
    pane = make_pane()
    pane.set_task("memory", seq_len=4, **SMALL)
    pane.epochs_spin.setValue(1)
    offered = []
    pane.sig_weights_changed.connect(offered.append)
    finish_training(qtbot, pane)
    assert isinstance(offered[-1][1], RunWeights) and pane.save_button.isEnabled()
    document = pane.document
    project = document.project
    # Another input signal does not change the weights: they stay.
    document.edit(updated(project, input=updated(project.input, batch=5)), "batch")
    assert pane.weights is not None
    grown = updated(project.blocks[0], hidden_size=7)
    document.edit(updated(project, blocks=(grown, *project.blocks[1:])), "grow")
    assert pane.weights is None and offered[-1] is None
    assert not pane.save_button.isEnabled()
    assert "The stack changed" in pane.message


def test_run_pane_shows_the_same_input_before_and_after_training(qtbot, window: MainWindow):
    window.document.replace(memory_project(), None)
    window.training_dock.raise_()
    pane = window.training_pane
    run_pane = window.run_pane
    pane.set_task("memory", seq_len=6, **SMALL)
    pane.epochs_spin.setValue(3)
    assert run_pane.weights_combo.isHidden()
    result = finish_training(qtbot, pane)
    before, after = pane.weights.before, pane.weights.after
    assert not run_pane.weights_combo.isHidden() and run_pane.weights_choice == AFTER
    assert not run_pane.seed_spin.isEnabled()

    def shows(weights: RunWeights) -> bool:
        shown = run_pane.result
        return shown is not None and shown.weights is weights and not run_pane.controller.is_running

    window.run_dock.raise_()
    qtbot.waitUntil(lambda: shows(after), timeout=WAIT_MS)
    project = window.document.project
    x = make_input(project)
    trained_trace = trace(result.model, x)
    after_hidden = run_pane.result.trace.recurrent["rec"].hidden
    assert torch.equal(after_hidden, trained_trace.recurrent["rec"].hidden)
    image = np.asarray(run_pane.hidden_view.panels[0].image.get_array())
    np.testing.assert_array_equal(image, after_hidden[0, 0, run_pane.shown_item].numpy().T)
    assert "after training" in run_pane.message

    run_pane.set_weights_choice(BEFORE)
    qtbot.waitUntil(lambda: shows(before), timeout=WAIT_MS)
    initial = build_model(project)
    initial.load_state_dict(result.initial_state)
    before_hidden = run_pane.result.trace.recurrent["rec"].hidden
    assert torch.equal(before_hidden, trace(initial, x).recurrent["rec"].hidden)
    assert torch.equal(
        before_hidden, trace(build_model(project, seed=0), x).recurrent["rec"].hidden
    )
    assert not torch.allclose(before_hidden, after_hidden)

    # A stack the weights do not fit: the Run pane goes back to the weights seed.
    grown = updated(project.blocks[0], hidden_size=9)
    window.document.edit(updated(project, blocks=(grown, *project.blocks[1:])), "grow")
    assert run_pane.weights_combo.isHidden() and run_pane.weights_choice == "seed"
    assert run_pane.seed_spin.isEnabled()


def test_settings_reach_the_training(qtbot, make_pane) -> None:
    """Every control reaches TrainingSettings, and so train()."""
    pane = make_pane()
    pane.set_task("memory", seq_len=4, **SMALL)
    pane.optimizer_combo.setCurrentIndex(pane.optimizer_combo.findData("sgd"))
    pane.lr_spin.setValue(0.02)
    pane.epochs_spin.setValue(2)
    pane.batch_spin.setValue(16)
    pane.clip_spin.setValue(0.0)
    pane.seed_spin.setValue(11)
    pane.forget_spin.setValue(1.5)
    expected = TrainingSettings(
        optimizer="sgd",
        learning_rate=0.02,
        epochs=2,
        batch_size=16,
        clip_grad_norm=None,
        seed=11,
        forget_bias=1.5,
    )
    assert pane.settings() == expected
    assert pane.clip_spin.text() == "off"
    result = finish_training(qtbot, pane)
    assert result.settings == expected
    # The task's settings come back with one click.
    qtbot.mouseClick(pane.reset_settings_button, LEFT)
    task = get_task("memory")
    assert pane.epochs_spin.value() == task.epochs and pane.lr_spin.value() == task.learning_rate


def test_training_runs_torch_on_one_thread_and_gives_the_count_back(qtbot, make_pane) -> None:
    seen = []

    def recording_train(*args, **kwargs):
        seen.append(torch.get_num_threads())
        return train(*args, **kwargs)

    pane = make_pane(train_function=recording_train)
    pane.set_task("memory", seq_len=4, **SMALL)
    pane.epochs_spin.setValue(1)
    torch.set_num_threads(2)  # the fixture gives back its own count afterwards
    finish_training(qtbot, pane)
    qtbot.waitUntil(lambda: torch.get_num_threads() == 2, timeout=WAIT_MS)
    assert seen == [1]


def test_bad_input_is_explained_and_nothing_is_lost(qtbot, make_pane, tmp_path) -> None:
    big = parse_project(
        {
            "format": "rnnstudio",
            "version": 1,
            "name": "big",
            "input": {"features": 1, "batch": 2, "seq_len": 6},
            "blocks": [
                {"type": "rnn", "name": "rec", "hidden_size": 2000, "output": "last_step"},
                {"type": "linear", "name": "fc", "out_features": 2},
            ],
        }
    )
    pane = make_pane(big)
    pane.set_task("memory", seq_len=10_000)
    assert pane.train_button.isEnabled()  # it fits the task; its size is checked on Train
    assert pane.train() is False
    assert "more than the memory budget" in pane.message
    assert not pane.controller.is_running and pane.result is None
    assert pane.message_label.isVisible()

    garbage = tmp_path / "garbage.safetensors"
    garbage.write_bytes(b"not a weights file at all")
    assert pane.load_weights(garbage) is False
    assert "is not a safetensors weights file" in pane.message
    assert pane.weights is None
    assert pane.load_weights(tmp_path / "missing.safetensors") is False
    assert "no such weights file" in pane.message
