"""`rnnstudio train`: JSON keys, exit codes, explanations, saved weights and same-seed runs."""

from __future__ import annotations

import json

import pytest
import torch

from rnnstudio.cli import main
from rnnstudio.core.examples import load_example
from rnnstudio.core.project_io import project_to_json, updated
from rnnstudio.core.tasks import TASKS
from rnnstudio.core.training import load_weights, read_weights

MEMORY_PROJECT = {
    "format": "rnnstudio",
    "version": 1,
    "name": "Memory",
    "input": {"features": 1, "batch": 2, "seq_len": 5},
    "blocks": [
        {"type": "rnn", "name": "rnn1", "hidden_size": 8, "output": "last_step"},
        {"type": "linear", "name": "fc", "out_features": 2},
        {"type": "softmax", "name": "softmax", "dim": -1},
    ],
}
FAST = ["--task", "memory", "--seq-len", "4", "--epochs", "2", "--batch-size", "256"]


def _write(tmp_path, data=MEMORY_PROJECT, name="memory.rnnstudio"):
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def test_list_tasks_text_and_json(capsys):
    assert main(["train", "--list-tasks"]) == 0
    text = capsys.readouterr().out
    for name in TASKS:
        assert name in text
    assert "output: 5 classes (one per sequence), shaped [batch, 5]" in text
    assert main(["train", "--list-tasks", "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert [entry["name"] for entry in entries] == list(TASKS)
    assert {entry["kind"] for entry in entries} == {"classification", "regression"}


def test_json_summary_keys_and_saved_weights(tmp_path, capsys):
    project_path = _write(tmp_path)
    code = main(["train", str(project_path), *FAST, "--json", "--out"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    summary = json.loads(captured.out)
    for key in ("val_accuracy", "val_loss", "history", "seconds", "confusion_matrix", "weights"):
        assert key in summary
    assert len(summary["history"]) == 2
    assert set(summary["history"][0]) == {
        "epoch",
        "train_loss",
        "val_loss",
        "train_accuracy",
        "val_accuracy",
        "seconds",
    }
    assert summary["val_accuracy"] == summary["history"][-1]["val_accuracy"]
    assert 0.0 <= summary["val_accuracy"] <= 1.0 and summary["seconds"] > 0
    assert sum(map(sum, summary["confusion_matrix"])) == TASKS["memory"].val_size
    # --out without a path: next to the project file, with the project in its metadata.
    weights = tmp_path / "memory.safetensors"
    assert summary["weights"] == str(weights)
    _tensors, metadata = read_weights(weights)
    assert metadata["task"] == "memory"
    assert json.loads(metadata["project"])["name"] == "Memory"


def test_same_seed_gives_the_same_numbers_and_weights(tmp_path, capsys):
    project_path = _write(tmp_path)
    runs = []
    for out in ("a.safetensors", "b.safetensors"):
        target = str(tmp_path / out)
        args = ["train", str(project_path), *FAST, "--seed", "9", "--json", "--out", target]
        assert main(args) == 0
        runs.append(json.loads(capsys.readouterr().out))
    strip = [
        [{k: v for k, v in r.items() if k != "seconds"} for r in run["history"]] for run in runs
    ]
    assert strip[0] == strip[1]
    assert runs[0]["confusion_matrix"] == runs[1]["confusion_matrix"]
    from rnnstudio.core.project_io import load_project

    project = load_project(project_path)
    first = load_weights(project, tmp_path / "a.safetensors")
    second = load_weights(project, tmp_path / "b.safetensors")
    x = torch.randn(3, 4, 1)
    assert torch.equal(first(x), second(x))


def test_text_output_shows_epochs_and_confusion_matrix(tmp_path, capsys):
    assert main(["train", str(_write(tmp_path)), *FAST]) == 0
    out = capsys.readouterr().out
    assert "epoch   1/2" in out and "epoch   2/2" in out
    assert "validation accuracy" in out
    assert "confusion matrix (rows: true class, columns: predicted class)" in out


def test_regression_json_has_loss_and_no_accuracy(tmp_path, capsys):
    data = {
        **MEMORY_PROJECT,
        "blocks": [
            {"type": "gru", "name": "gru1", "hidden_size": 4},
            {"type": "linear", "name": "fc", "out_features": 1},
        ],
    }
    path = _write(tmp_path, data)
    args = ["train", str(path), "--task", "sum", "--seq-len", "5", "--epochs", "1", "--json"]
    assert main(args) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["kind"] == "regression" and summary["loss"] == "MSELoss"
    assert summary["val_accuracy"] is None and summary["confusion_matrix"] is None
    assert summary["val_loss"] > 0


def test_mismatched_stack_exits_1_with_the_explanation(tmp_path, capsys):
    project = load_example("rnn_clas")
    blocks = tuple(updated(b, out_features=3) if b.name == "fc" else b for b in project.blocks)
    path = tmp_path / "three.rnnstudio"
    path.write_text(project_to_json(updated(project, blocks=blocks)))
    assert main(["train", str(path), "--task", "trajectories", "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "fc has out_features 3 but the task has 5 classes: set fc.out_features to 5" in (
        captured.err
    )
    assert "Traceback" not in captured.err


def test_usage_errors_exit_2_without_a_traceback(tmp_path, capsys):
    path = str(_write(tmp_path))
    cases = [
        ["train", path],  # no --task
        ["train", path, "--task", "nope"],
        ["train", path, "--task", "memory", "--clip", "-1"],
        ["train", str(tmp_path / "missing.rnnstudio"), "--task", "memory"],
    ]
    for args in cases:
        assert main(args) == 2, args
        err = capsys.readouterr().err
        assert err.startswith("rnnstudio") and "Traceback" not in err, err
    assert main(["train", path, "--task", "nope"]) == 2
    assert "the tasks are trajectories, frequency, memory, sum" in capsys.readouterr().err


def test_a_diverging_run_exits_1_with_advice(tmp_path, capsys):
    data = {
        **MEMORY_PROJECT,
        "blocks": [
            {"type": "rnn", "name": "rnn1", "hidden_size": 8, "nonlinearity": "relu"},
            {"type": "linear", "name": "fc", "out_features": 1},
        ],
    }
    path = _write(tmp_path, data)
    args = ["train", str(path), "--task", "sum", "--optimizer", "sgd", "--lr", "100"]
    args += ["--clip", "0", "--epochs", "2", "--json"]
    assert main(args) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["status"] == "diverged"
    assert "Lower the learning rate" in captured.err


def test_forget_bias_option_reaches_the_lstm_and_off_is_torch_init(tmp_path, capsys):
    data = {
        **MEMORY_PROJECT,
        "blocks": [
            {"type": "lstm", "name": "lstm1", "hidden_size": 3, "output": "last_step"},
            {"type": "linear", "name": "fc", "out_features": 2},
        ],
    }
    path = _write(tmp_path, data)
    biases = {}
    for value, expected in (("2.5", 2.5), ("off", None), (None, TASKS["memory"].forget_bias)):
        out = tmp_path / f"{value}.safetensors"
        option = ["--forget-bias", value] if value is not None else []
        args = ["train", str(path), *FAST, "--epochs", "1", "--json", "--out", str(out), *option]
        assert main(args) == 0
        assert json.loads(capsys.readouterr().out)["settings"]["forget_bias"] == expected
        biases[value] = read_weights(out)[0]["lstm1.bias_ih_l0"]
    # One epoch moves the biases a little: the starting point shows through.
    assert abs(biases["2.5"][3:6].mean() - 2.5) < 0.5
    assert abs(biases[None][3:6].mean() - 5.0) < 0.5
    assert biases["off"][3:6].abs().max() < 1.5  # torch draws them within ±1/sqrt(3), then a step
    with pytest.raises(SystemExit) as exit_info:  # argparse's usage error
        main(["train", str(path), "--task", "memory", "--forget-bias", "big"])
    assert exit_info.value.code == 2
    assert "must be a number or off, got 'big'" in capsys.readouterr().err
