"""Training on the built-in tasks, checked against torch itself.

The tasks are tested for what they claim (memory's class is step 0's sign, sum's target is the
running sum, frequency's band holds the spectrum's peak); check_fit's advice is applied and
must make the stack fit; one training step equals a hand-written CrossEntropy step on the
logits; gradients over time equal torch's autograd; weights survive a safetensors round trip.
"""

from __future__ import annotations

import json
import math
import threading

import pytest
import torch
from torch import nn

from rnnstudio.core.errors import MemoryBudgetError, ModelError, ProjectError
from rnnstudio.core.examples import load_example
from rnnstudio.core.model import build_model
from rnnstudio.core.project_io import parse_project, updated
from rnnstudio.core.tasks import FREQUENCY_BANDS, TASKS, check_fit, get_task, make_data
from rnnstudio.core.training import (
    TrainingControl,
    TrainingSettings,
    gradient_over_time,
    hidden_state_gradients,
    load_weights,
    read_weights,
    recurrent_layer_names,
    save_weights,
    set_forget_bias,
    settings_for,
    train,
    weights_path,
)


def _project(blocks: list[dict], features: int = 1, batch_first: bool = True):
    return parse_project(
        {
            "format": "rnnstudio",
            "version": 1,
            "name": "Test",
            "input": {"features": features, "batch": 3, "seq_len": 5, "batch_first": batch_first},
            "blocks": blocks,
        }
    )


def _classifier(kind: str = "rnn", features: int = 1, classes: int = 2, hidden: int = 8, **extra):
    return _project(
        [
            {"type": kind, "name": "rec", "hidden_size": hidden, "output": "last_step", **extra},
            {"type": "linear", "name": "fc", "out_features": classes},
            {"type": "softmax", "name": "softmax", "dim": -1},
        ],
        features,
    )


def _small(name: str, **sizes):
    values = {"train_size": 96, "val_size": 40, **sizes}
    return get_task(name).with_options(**values)


def _set_block(project, name: str, **changes):
    blocks = tuple(updated(b, **changes) if b.name == name else b for b in project.blocks)
    return updated(project, blocks=blocks)


# --- tasks -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(TASKS))
def test_data_is_seeded_and_shaped_as_the_task_states(name):
    task = _small(name)
    first, again, other = make_data(task, 3), make_data(task, 3), make_data(task, 4)
    assert torch.equal(first.x_train, again.x_train) and torch.equal(first.y_val, again.y_val)
    assert not torch.equal(first.x_train, other.x_train)
    assert first.x_train.shape == (task.train_size, task.seq_len, task.features)
    assert first.x_val.shape == (task.val_size, task.seq_len, task.features)
    if task.is_classification:
        assert first.y_train.dtype == torch.long
        assert set(first.y_train.tolist()) <= set(range(task.outputs))
        assert len(set(first.y_train.tolist())) == task.outputs  # every class occurs
    else:
        assert first.y_train.shape == (task.train_size, task.seq_len, task.outputs)


def test_memory_class_is_the_sign_of_the_first_step():
    data = make_data(_small("memory", seq_len=12), 0)
    assert torch.equal((data.x_train[:, 0, 0] > 0).long(), data.y_train)
    # Later steps carry no information about the class.
    later = data.x_train[:, 1:, 0].mean(dim=1)
    assert abs(later[data.y_train == 1].mean() - later[data.y_train == 0].mean()) < 0.1


def test_sum_target_is_the_running_sum_of_the_inputs():
    data = make_data(_small("sum"), 1)
    x, y = data.x_train[:5, :, 0].double(), data.y_train[:5, :, 0].double()
    for step in range(x.shape[1]):
        assert torch.allclose(y[:, step], x[:, : step + 1].sum(dim=1), atol=1e-5)
    assert x.min() >= -1 and x.max() <= 1


def test_frequency_class_holds_the_spectrum_peak():
    task = _small("frequency", seq_len=400, train_size=300)
    data = make_data(task, 2)
    spectrum = torch.fft.rfft(data.x_train[:, :, 0], dim=1).abs()
    peak = spectrum[:, 1:].argmax(dim=1).double() + 1  # skip the constant term
    frequency = peak / task.seq_len
    bands = torch.tensor(FREQUENCY_BANDS, dtype=torch.float64)
    low, high = bands[data.y_train, 0], bands[data.y_train, 1]
    inside = (frequency >= low - 1.0 / task.seq_len) & (frequency <= high + 1.0 / task.seq_len)
    assert inside.double().mean() > 0.97


def test_unknown_task_and_bad_sizes_are_explained():
    with pytest.raises(ProjectError, match=r"unknown task 'memroy' \(did you mean 'memory'\?\)"):
        get_task("memroy")
    with pytest.raises(ProjectError, match="seq_len of task memory must be a whole number"):
        get_task("memory").with_options(seq_len=1)


# --- does the stack fit? ---------------------------------------------------------------------


def _errors(task, project):
    return [p for p in check_fit(task, project) if p.severity == "error"]


def test_rnn_clas_fits_trajectories_unchanged():
    assert check_fit("trajectories", load_example("rnn_clas")) == []


def test_wrong_number_of_classes_names_the_linear_block():
    project = _set_block(load_example("rnn_clas"), "fc", out_features=3)
    [problem] = _errors("trajectories", project)
    assert problem.message == (
        "fc has out_features 3 but the task has 5 classes: set fc.out_features to 5"
    )
    assert (problem.block, problem.field) == ("fc", "out_features")


def test_wrong_features_per_step_vs_last_step_and_softmax_in_regression():
    problems = _errors("sum", load_example("rnn_clas"))
    messages = " | ".join(problem.message for problem in problems)
    assert "the input has features 2 but the sum task gives 1 value per time step" in messages
    assert "set input.features to 1" in messages
    assert "remove softmax" in messages
    assert "set rnn1.output to sequence" in messages
    per_step = _errors("trajectories", load_example("rnn_clas_por_paso"))
    assert [p.message for p in per_step] == [
        "the stack gives one output per time step ([batch=4, time=30, classes=5]) but "
        "trajectories needs one answer per sequence: set rnn1.output to last_step"
    ]
    assert (per_step[0].block, per_step[0].field) == ("rnn1", "output")


def test_a_stack_without_a_linear_block_is_told_to_add_one():
    project = _project([{"type": "lstm", "name": "lstm1", "hidden_size": 6, "output": "last_step"}])
    [problem] = _errors("memory", project)
    assert "add a Linear block with out_features 2 after lstm1" in problem.message


def test_final_state_output_and_no_recurrent_block():
    project = _project(
        [
            {"type": "gru", "name": "gru1", "hidden_size": 4, "output": "final_hidden"},
            {"type": "linear", "name": "fc", "out_features": 2},
        ]
    )
    [problem] = _errors("memory", project)
    assert "set gru1.output to last_step" in problem.message
    only_linear = _project([{"type": "linear", "name": "fc", "out_features": 2}])
    assert "has no recurrent block" in _errors("memory", only_linear)[0].message


def test_following_the_advice_makes_the_stack_fit():
    """Apply every suggested change mechanically: the stack must then fit."""
    project = _set_block(load_example("rnn_clas_por_paso"), "fc", out_features=2)
    project = updated(project, input=updated(project.input, features=3))
    for _ in range(5):
        problems = _errors("memory", project)
        if not problems:
            break
        for problem in problems:
            value = problem.message.rsplit(" to ", 1)[1]
            typed = int(value) if value.isdigit() else value
            if problem.block is None:
                project = updated(project, input=updated(project.input, **{problem.field: typed}))
            else:
                project = _set_block(project, problem.block, **{problem.field: typed})
    assert _errors("memory", project) == []
    assert project.input.features == 1
    assert project.block("rnn1").output == "last_step"


def test_softmax_over_the_wrong_axis_is_a_warning_only():
    project = _set_block(load_example("rnn_clas"), "softmax", dim=0)
    [problem] = check_fit("trajectories", project)
    assert problem.severity == "warning" and problem.field == "dim"
    assert "set softmax.dim to -1" in problem.message


def test_misread_axes_stop_training_with_the_reason_in_both_languages():
    rnn_clas = load_example("rnn_clas")
    time_major_rnn = updated(rnn_clas.blocks[0], batch_first=False)
    project = updated(rnn_clas, blocks=(time_major_rnn, *rnn_clas.blocks[1:]))
    [problem] = check_fit("trajectories", project)
    assert problem.severity == "error" and problem.code == "axes_misread"
    assert problem.text().endswith(
        "Set batch_first to True to read them as they are. Training would mix up the "
        "sequences of a batch with their time steps."
    )
    assert problem.text("es").endswith(
        "El entrenamiento mezclaría las secuencias de un lote con sus pasos de tiempo."
    )
    assert "Training" not in problem.text("es")


def test_train_refuses_a_mismatched_stack_with_the_explanation():
    project = _set_block(load_example("rnn_clas"), "fc", out_features=3)
    with pytest.raises(ModelError, match=r"set fc\.out_features to 5"):
        train(project, "trajectories", TrainingSettings(epochs=1))


# --- training --------------------------------------------------------------------------------


def test_one_step_equals_crossentropy_on_the_logits_before_softmax():
    """One full-batch SGD step of train() equals the same step written by hand in torch."""
    project = _classifier("rnn", features=1, classes=2)
    task = _small("memory", seq_len=6, train_size=64)
    settings = TrainingSettings(
        optimizer="sgd", learning_rate=0.5, epochs=1, batch_size=64, clip_grad_norm=None, seed=7
    )
    result = train(project, task, settings)

    model = build_model(project, seed=7)
    data = make_data(task, 0)
    logits = model.fc(model.rec(data.x_train))  # the Softmax block is left out
    loss = torch.nn.functional.cross_entropy(logits, data.y_train)
    loss.backward()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter -= 0.5 * parameter.grad  # SGD's first step: momentum has no history
    for name, value in model.state_dict().items():
        assert torch.allclose(result.model.state_dict()[name], value, atol=1e-6), name
    assert result.history[0].train_loss == pytest.approx(loss.item(), rel=1e-5)
    assert result.loss_name == "CrossEntropyLoss"
    assert "logits" in result.explanation and "softmax" in result.explanation
    assert result.model[-1].__class__ is torch.nn.Softmax  # the model keeps its Softmax


def test_validation_figures_and_confusion_matrix_match_torch():
    project = _classifier("gru", features=1, classes=2)
    task = _small("memory", seq_len=5)
    result = train(project, task, TrainingSettings(epochs=2, batch_size=16, seed=1))
    data = make_data(task, 0)
    with torch.no_grad():
        logits = result.model.fc(result.model.rec(data.x_val))
    predicted = logits.argmax(dim=1)
    assert result.val_accuracy == pytest.approx((predicted == data.y_val).double().mean().item())
    assert result.val_loss == pytest.approx(
        torch.nn.functional.cross_entropy(logits, data.y_val).item(), rel=1e-5
    )
    for true in range(2):
        for guess in range(2):
            expected = int(((data.y_val == true) & (predicted == guess)).sum())
            assert result.confusion_matrix[true][guess] == expected
    # The model outputs probabilities through its Softmax block.
    probabilities = result.model(data.x_val[:3])
    assert torch.allclose(probabilities.sum(dim=-1), torch.ones(3))


def test_same_seed_same_numbers_other_seed_other_numbers():
    project = _classifier("lstm", features=1, classes=2)
    task = _small("memory", seq_len=8)
    settings = TrainingSettings(epochs=2, batch_size=16, seed=5)
    first, second = train(project, task, settings), train(project, task, settings)
    figures = [(r.train_loss, r.val_loss, r.train_accuracy, r.val_accuracy) for r in first.history]
    assert figures == [
        (r.train_loss, r.val_loss, r.train_accuracy, r.val_accuracy) for r in second.history
    ]
    for name, value in first.model.state_dict().items():
        assert torch.equal(value, second.model.state_dict()[name])
    other = train(project, task, TrainingSettings(epochs=2, batch_size=16, seed=6))
    assert other.history[0].train_loss != first.history[0].train_loss


def test_trajectories_rnn_clas_reaches_90_percent_reduced():
    """Exercise 2's classifier, unchanged, learns the trajectories (a reduced run; the full
    figure is in benchmarks/bench_training.py)."""
    task = get_task("trajectories").with_options(train_size=1500, val_size=500)
    result = train(load_example("rnn_clas"), task, settings_for(task, epochs=15))
    assert result.status == "finished"
    assert result.val_accuracy >= 0.9, [r.val_accuracy for r in result.history]


def test_sum_regression_learns_far_below_the_baseline():
    project = _project(
        [
            {"type": "lstm", "name": "lstm1", "hidden_size": 16},
            {"type": "linear", "name": "fc", "out_features": 1},
        ]
    )
    task = _small("sum", seq_len=10, train_size=1000, val_size=200)
    assert check_fit(task, project) == []
    result = train(project, task, TrainingSettings(epochs=8, learning_rate=0.01, seed=0))
    data = make_data(task, 0)
    predict_zero = data.y_val.square().mean().item()  # the loss of always answering 0
    assert result.val_accuracy is None and result.confusion_matrix is None
    assert result.loss_name == "MSELoss"
    assert result.val_loss < 0.1 * predict_zero


def test_time_major_stack_trains_the_same_as_batch_first():
    """batch_first=False everywhere: the same weights and data give the same training."""
    task = _small("sum", seq_len=6)
    blocks = [
        {"type": "rnn", "name": "rnn1", "hidden_size": 5},
        {"type": "linear", "name": "fc", "out_features": 1},
    ]
    first = _project(blocks)
    time_major = _project([{**blocks[0], "batch_first": False}, blocks[1]], batch_first=False)
    assert check_fit(task, time_major) == []
    settings = TrainingSettings(epochs=2, batch_size=16, seed=2)
    a, b = train(first, task, settings), train(time_major, task, settings)
    assert [r.val_loss for r in a.history] == pytest.approx([r.val_loss for r in b.history])


def test_cancel_stops_between_batches_keeping_finished_epochs():
    project = _classifier()
    task = _small("memory", seq_len=5, train_size=80)
    seen = []
    result = train(
        project,
        task,
        TrainingSettings(epochs=3, batch_size=16, seed=0),
        progress=seen.append,
        cancel=lambda: len(seen) >= 7,  # 5 batches per epoch: stop in epoch 2
    )
    assert result.status == "cancelled" and result.cancelled
    assert len(result.history) == 1
    assert [(p.epoch, p.batch) for p in seen][-2:] == [(2, 1), (2, 2)]
    assert "cancelled during epoch 2" in result.message
    assert result.confusion_matrix is not None  # the weights reached are still evaluated


def test_pause_blocks_between_batches_and_resume_gives_the_same_run():
    project = _classifier()
    task = _small("memory", seq_len=5, train_size=80)
    settings = TrainingSettings(epochs=2, batch_size=16, seed=3)
    plain = train(project, task, settings)

    control = TrainingControl()
    paused_at = threading.Event()
    seen = []

    def on_progress(progress):
        seen.append(progress)
        if len(seen) == 3:
            control.pause()

    def pause_hook():
        if control.is_paused:
            paused_at.set()
        control.wait_while_paused()

    results = []
    worker = threading.Thread(
        target=lambda: results.append(
            train(
                project,
                task,
                settings,
                progress=on_progress,
                cancel=control.is_cancel_requested,
                pause=pause_hook,
            )
        )
    )
    worker.start()
    assert paused_at.wait(timeout=120)
    # The worker is blocked inside the pause hook: nothing moves until resume.
    assert worker.is_alive() and len(seen) == 3 and not results
    control.resume()
    worker.join(timeout=120)
    [resumed] = results
    assert resumed.status == "finished"
    assert [r.val_loss for r in resumed.history] == [r.val_loss for r in plain.history]
    for name, value in plain.model.state_dict().items():
        assert torch.equal(value, resumed.model.state_dict()[name])


def test_cancel_wakes_a_paused_training():
    control = TrainingControl()
    control.pause()
    control.cancel()
    result = train(
        _classifier(),
        _small("memory", seq_len=5),
        TrainingSettings(epochs=1),
        cancel=control.is_cancel_requested,
        pause=control.wait_while_paused,
    )
    assert result.status == "cancelled" and result.history == ()


def test_a_blown_up_loss_stops_with_advice():
    project = _project(
        [
            {"type": "rnn", "name": "rnn1", "hidden_size": 8, "nonlinearity": "relu"},
            {"type": "linear", "name": "fc", "out_features": 1},
        ]
    )
    settings = TrainingSettings(
        optimizer="sgd", learning_rate=100.0, epochs=3, clip_grad_norm=None, seed=0
    )
    result = train(project, _small("sum", seq_len=20), settings)
    assert result.status == "diverged"
    assert "Lower the learning rate (now 100)" in result.message
    assert "gradient clipping" in result.message


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"optimizer": "adamw"}, "optimizer"),
        ({"learning_rate": 0.0}, "learning_rate"),
        ({"learning_rate": math.nan}, "learning_rate"),
        ({"epochs": 0}, "epochs"),
        ({"batch_size": 2.5}, "batch_size"),
        ({"clip_grad_norm": -1.0}, "clip_grad_norm"),
        ({"forget_bias": 11.0}, "forget_bias"),
        ({"forget_bias": math.inf}, "forget_bias"),
    ],
)
def test_bad_settings_name_the_field(changes, field):
    with pytest.raises(ProjectError) as error:
        TrainingSettings(**changes)
    assert error.value.field == field
    assert str(error.value).startswith(field)


def test_forget_bias_starts_every_lstm_forget_gate_and_nothing_else():
    project = _project(
        [
            {"type": "lstm", "name": "a", "hidden_size": 5, "num_layers": 2, "bidirectional": True},
            {"type": "gru", "name": "b", "hidden_size": 4},
            {"type": "lstm", "name": "c", "hidden_size": 3, "proj_size": 2, "output": "last_step"},
            {"type": "linear", "name": "fc", "out_features": 2},
        ]
    )
    model = build_model(project, seed=3)
    before = {name: value.clone() for name, value in model.state_dict().items()}
    assert set_forget_bias(model, 1.5) == 2 * 2 + 1  # layers x directions of both LSTMs
    for name, value in model.state_dict().items():
        block, _, parameter = name.partition(".")
        if block in ("a", "c") and parameter.startswith("bias_"):
            hidden = getattr(model, block).hidden_size
            forget = slice(hidden, 2 * hidden)
            wanted = 1.5 if parameter.startswith("bias_ih") else 0.0
            assert torch.all(value[forget] == wanted), name
            kept = torch.cat([value[:hidden], value[2 * hidden :]])
            previous = before[name]
            assert torch.equal(kept, torch.cat([previous[:hidden], previous[2 * hidden :]]))
        else:
            assert torch.equal(value, before[name]), name
    # The gate itself: sigmoid of the summed biases, with a zero input and state.
    lstm = nn.LSTMCell(1, 3)
    lstm.load_state_dict(
        {
            "weight_ih": torch.zeros(12, 1),
            "weight_hh": torch.zeros(12, 3),
            "bias_ih": model.c.bias_ih_l0.detach(),
            "bias_hh": model.c.bias_hh_l0.detach(),
        }
    )
    gates = lstm.bias_ih + lstm.bias_hh
    assert torch.allclose(torch.sigmoid(gates[3:6]), torch.full((3,), 1 / (1 + math.exp(-1.5))))


def test_train_applies_forget_bias_to_new_weights_only():
    task = _small("memory", seq_len=5)
    project = _classifier("lstm", hidden=4)
    settings = TrainingSettings(epochs=1, forget_bias=2.0)
    result = train(project, task, settings)
    expected = build_model(project, seed=0)
    set_forget_bias(expected, 2.0)
    for name, value in expected.state_dict().items():
        assert torch.equal(result.initial_state[name], value), name
    assert result.to_dict()["settings"]["forget_bias"] == 2.0
    # Given weights are continued as they are.
    given = build_model(project, seed=1)
    start = {name: value.clone() for name, value in given.state_dict().items()}
    again = train(project, task, settings, model=given)
    for name, value in start.items():
        assert torch.equal(again.initial_state[name], value), name
    # None: torch's own initialisation, untouched.
    plain = train(project, task, TrainingSettings(epochs=1, forget_bias=None))
    for name, value in build_model(project, seed=0).state_dict().items():
        assert torch.equal(plain.initial_state[name], value), name


def test_every_task_is_tuned_with_clipping_and_a_forget_bias():
    for task in TASKS.values():
        settings = settings_for(task)
        assert settings.clip_grad_norm == task.clip_grad_norm == 1.0
        # Keras's 1, and for memory's 100 steps about log(100): a memory of ~150 steps.
        assert settings.forget_bias == task.forget_bias == (5.0 if task.name == "memory" else 1.0)
    assert settings_for("memory", forget_bias=3.0).forget_bias == 3.0


@pytest.fixture
def one_thread():
    previous = torch.get_num_threads()
    torch.set_num_threads(1)  # more threads only fight over a 2-core CI machine
    yield
    torch.set_num_threads(previous)


def test_memory_demo_the_rnn_stays_near_chance_while_the_lstm_learns(one_thread):
    """The shipped pair at the memory task's own settings (100 steps, seed 0). The benchmark
    benchmarks/bench_memory_demo.py gives the figures for more seeds."""
    task = get_task("memory")
    rnn = train(load_example("memoria_rnn"), task, settings_for(task))
    lstm = train(load_example("memoria_lstm"), task, settings_for(task))
    assert rnn.val_accuracy <= 0.6, [r.val_accuracy for r in rnn.history]
    assert lstm.val_accuracy >= 0.9, [r.val_accuracy for r in lstm.history]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_memory_gradient_reaches_step_0_in_the_lstm_and_vanishes_in_the_rnn(seed):
    """‖dLoss/dh_0‖ / ‖dLoss/dh_99‖ at the initial weights: below 1e-15 for the tanh RNN,
    above 1e-2 for the LSTM whose forget gates start at 5 (1e-7 or less with Keras's 1)."""
    task = get_task("memory")
    rnn = build_model(load_example("memoria_rnn"), seed=seed)
    lstm = build_model(load_example("memoria_lstm"), seed=seed)
    set_forget_bias(lstm, task.forget_bias)
    keras = build_model(load_example("memoria_lstm"), seed=seed)
    set_forget_bias(keras, 1.0)
    for sample in range(4):
        ratios = {}
        for name, model in (("rnn", rnn), ("lstm", lstm), ("keras", keras)):
            norms = gradient_over_time(model, task, sample)[0]
            ratios[name] = (norms[0] / norms[-1]).item()
        assert ratios["rnn"] < 1e-15 and ratios["lstm"] > 1e-2, ratios
        assert ratios["keras"] < 1e-5 < ratios["lstm"], ratios


# --- gradients over time ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "extra",
    [
        {"type": "rnn"},
        {"type": "rnn", "nonlinearity": "relu", "num_layers": 2},
        {"type": "lstm", "num_layers": 2, "bidirectional": True},
        {"type": "lstm", "proj_size": 3},
        {"type": "gru", "bidirectional": True, "batch_first": False},
    ],
)
def test_stepwise_run_equals_torch_and_last_step_gradient_equals_autograd(extra):
    kind = extra["type"]
    options = {key: value for key, value in extra.items() if key != "type"}
    batch_first = options.get("batch_first", True)
    project = _project(
        [
            {"type": kind, "name": "rec", "hidden_size": 5, "output": "last_step", **options},
            {"type": "linear", "name": "fc", "out_features": 2},
            {"type": "softmax", "name": "softmax", "dim": -1},
        ],
        batch_first=batch_first,
    )
    task = _small("memory", seq_len=7)
    model = build_model(project, seed=4).double()
    data = make_data(task, 0)
    x, target = data.x_val[2].double(), data.y_val[2]
    found = hidden_state_gradients(model, task, (x, target))

    # torch's own forward and autograd on the real module.
    batch = x.unsqueeze(0) if batch_first else x.unsqueeze(1)
    last = model.rec(batch)
    last.retain_grad()
    logits = model.fc(last)
    loss = torch.nn.functional.cross_entropy(logits, target.view(1))
    loss.backward()
    assert torch.allclose(found.output, logits.detach(), atol=1e-10)
    assert found.loss == pytest.approx(loss.item(), rel=1e-10)
    # The top layer's forward h at the last step feeds only the output (the reverse half of
    # a bidirectional y at the last step is the reverse direction's first h: step T-1 too).
    top = found.gradients[-1]
    hidden_out = top.shape[-1]
    assert torch.allclose(top[0, -1], last.grad[0, :hidden_out], atol=1e-10)
    if top.shape[0] == 2:
        assert torch.allclose(top[1, -1], last.grad[0, hidden_out:], atol=1e-10)
    layers = project.block("rec").num_layers
    assert len(found.gradients) == layers
    assert found.layer_names == tuple(f"rec layer {i}" for i in range(layers))


def test_input_gradient_rebuilt_from_hidden_gradients_equals_autograd():
    """For a one-layer tanh RNN dLoss/dx_t = W_ihᵀ((1 - h_t²) ⊙ dLoss/dh_t), where dLoss/dh_t
    is the total gradient through all later steps: checked against torch's dLoss/dx."""
    project = _classifier("rnn", features=1, classes=2, hidden=6)
    task = _small("memory", seq_len=9)
    model = build_model(project, seed=0).double()
    data = make_data(task, 0)
    x = data.x_val[0].double().unsqueeze(0).requires_grad_(True)
    target = data.y_val[0]
    sequence, _ = torch.nn.RNN.forward(model.rec, x)
    loss = torch.nn.functional.cross_entropy(model.fc(sequence[:, -1]), target.view(1))
    loss.backward()
    gradients = hidden_state_gradients(model, task, (x[0].detach(), target)).gradients[0][0]
    h = sequence[0].detach()
    rebuilt = ((1 - h.square()) * gradients) @ model.rec.weight_ih_l0.detach()
    assert torch.allclose(rebuilt, x.grad[0], atol=1e-10)


def test_memory_gradient_vanishes_over_long_sequences():
    """On memory with 60 steps, the gradient that reaches step 0 is tiny next to the one at
    the last step, for a tanh RNN and for an LSTM with torch's initial weights alike."""
    task = _small("memory", seq_len=60)
    for kind in ("rnn", "lstm"):
        model = build_model(_classifier(kind, hidden=32), seed=0)
        norms = gradient_over_time(model, task, 0)
        assert norms.shape == (1, 60) and norms.dtype == torch.float64
        assert (norms > 0).all()  # float64: vanished, yet still a number
        assert norms[0, 0] < 1e-6 * norms[0, -1], kind
        # It shrinks as it goes back: every step is below the one ten steps later.
        assert (norms[0, :-10] < norms[0, 10:]).all(), kind


def test_gradient_rows_follow_layer_names_and_bad_samples_are_explained():
    project = _project(
        [
            {"type": "rnn", "name": "rnn1", "hidden_size": 4, "num_layers": 2},
            {"type": "gru", "name": "gru1", "hidden_size": 3},
            {"type": "linear", "name": "fc", "out_features": 1},
        ]
    )
    model = build_model(project, seed=0)
    task = _small("sum", seq_len=6)
    norms = gradient_over_time(model, task, 1)
    assert recurrent_layer_names(model) == ["rnn1 layer 0", "rnn1 layer 1", "gru1 layer 0"]
    assert norms.shape == (3, 6)
    with pytest.raises(ModelError, match="sample must be from 0 to 39"):
        gradient_over_time(model, task, 40)


# --- weights ---------------------------------------------------------------------------------


def test_weights_round_trip_through_safetensors(tmp_path):
    project = load_example("rnn_clas")
    task = _small("trajectories", seq_len=6)
    result = train(project, task, TrainingSettings(epochs=1, seed=0))
    path = save_weights(result.model, weights_path(tmp_path / "rnn_clas.rnnstudio"))
    assert path == tmp_path / "rnn_clas.safetensors"
    reloaded = load_weights(project, path)
    x = torch.randn(4, 9, 2)
    assert torch.equal(reloaded(x), result.model(x))
    tensors, metadata = read_weights(path)
    assert metadata["format"] == "rnnstudio-weights"
    assert set(tensors) == set(dict(result.model.named_parameters()))
    # A safetensors file is an 8-byte header length, a JSON header and raw numbers: no zip
    # archive and no pickle, as torch.save would write.
    raw = path.read_bytes()
    header_length = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + header_length])
    assert header["__metadata__"]["format"] == "rnnstudio-weights"
    assert not raw.startswith(b"PK") and b"\x80\x02" not in raw[: 8 + header_length]


def test_weights_of_another_stack_or_a_bad_file_are_refused(tmp_path):
    path = save_weights(build_model(load_example("rnn_clas"), seed=0), tmp_path / "w.safetensors")
    smaller = _set_block(load_example("rnn_clas"), "rnn1", hidden_size=20)
    with pytest.raises(ModelError, match=r"rnn1.weight_hh_l0 is \[40, 40\] in the file but"):
        load_weights(smaller, path)
    garbage = tmp_path / "garbage.safetensors"
    garbage.write_bytes(b"not a weights file")
    with pytest.raises(ProjectError, match="is not a safetensors weights file"):
        load_weights(load_example("rnn_clas"), garbage)
    with pytest.raises(ProjectError, match="no such weights file"):
        load_weights(load_example("rnn_clas"), tmp_path / "missing.safetensors")


def test_a_stack_too_big_to_train_is_refused_before_anything_is_allocated():
    project = _classifier("lstm", hidden=20_000)
    with pytest.raises(MemoryBudgetError, match="make the blocks smaller") as error:
        train(project, "memory", TrainingSettings(epochs=1))
    assert error.value.estimate_bytes > error.value.budget_bytes
