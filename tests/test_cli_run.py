"""`rnnstudio run`: the arrays it writes equal a trace computed here, the CSV layout, the
memory budget refusal and the exit codes for bad arguments."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from rnnstudio.cli import _memory_size, main
from rnnstudio.core.errors import format_bytes
from rnnstudio.core.model import build_model
from rnnstudio.core.project_io import save_project
from rnnstudio.core.signals import CsvSignal, NormalSignal, SineSignal, make_input
from rnnstudio.core.spec import (
    GRUBlock,
    InputSpec,
    LinearBlock,
    LSTMBlock,
    Project,
    RNNBlock,
    SoftmaxBlock,
)
from rnnstudio.core.trace import estimate_run_bytes, trace


def stacked_project(*, batch_first: bool = False, signal=None) -> Project:
    """RNN -> bidirectional projected LSTM (2 layers) -> Linear -> Softmax, time-major input."""
    return Project(
        name="Stack",
        input=InputSpec(features=3, batch=2, seq_len=5, batch_first=batch_first, signal=signal),
        blocks=(
            RNNBlock(name="rnn1", hidden_size=4, batch_first=batch_first),
            LSTMBlock(
                name="lstm1",
                hidden_size=6,
                proj_size=2,
                num_layers=2,
                bidirectional=True,
                batch_first=batch_first,
            ),
            LinearBlock(name="fc", out_features=3),
            SoftmaxBlock(name="softmax"),
        ),
    )


def saved(tmp_path: Path, project: Project, name: str = "model.rnnstudio") -> str:
    path = tmp_path / name
    save_project(project, path)
    return str(path)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(["run", *argv])
    except SystemExit as exit_:  # argparse refuses bad arguments this way
        code = exit_.code
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def read_csv(path: Path) -> tuple[list[str], np.ndarray]:
    """Header and values; 9 significant digits read back every float32 exactly."""
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], np.array([[np.float32(cell) for cell in row] for row in rows[1:]])


# --- the npz file ---------------------------------------------------------------------------


def test_npz_holds_the_trace_of_the_seeded_model_on_the_seeded_input(tmp_path, capsys):
    project = stacked_project(signal=NormalSignal(seed=1))
    out = tmp_path / "run.npz"
    code, stdout, _ = run(capsys, saved(tmp_path, project), "--seed", "7", "--npz", str(out))
    assert code == 0
    assert str(out) in stdout

    model = build_model(project, seed=7)
    x = make_input(project, seed=7)
    expected = trace(model, x)
    with np.load(out) as arrays:
        assert sorted(arrays.files) == sorted(
            ["input", "output", "rnn1.hidden", "lstm1.hidden", "lstm1.cell"]
        )
        assert arrays["input"].dtype == np.float32
        np.testing.assert_array_equal(arrays["input"], x.numpy())
        np.testing.assert_array_equal(arrays["output"], expected.output.numpy())
        for name in ("rnn1", "lstm1"):
            states = expected.recurrent[name]
            np.testing.assert_array_equal(arrays[f"{name}.hidden"], states.hidden.numpy())
        np.testing.assert_array_equal(
            arrays["lstm1.cell"], expected.recurrent["lstm1"].cell.numpy()
        )
        # Independently of trace(): torch's own forward gives the same output, and the LSTM's
        # last layer, directions side by side, is torch's y.
        with torch.no_grad():
            np.testing.assert_allclose(arrays["output"], model(x).numpy(), rtol=1e-5, atol=1e-6)
            y, _ = torch.nn.LSTM.forward(model.lstm1, model.rnn1(x))
        hidden = arrays["lstm1.hidden"]  # [layers, directions, batch, time, hidden]
        assert hidden.shape == (2, 2, 2, 5, 2)
        last_layer = np.concatenate([hidden[1, 0], hidden[1, 1]], axis=-1)  # [batch, time, 4]
        np.testing.assert_allclose(last_layer.transpose(1, 0, 2), y.numpy(), atol=1e-6)


def test_without_seed_the_weights_use_seed_0_and_the_input_the_files_signal(tmp_path, capsys):
    project = stacked_project(signal=NormalSignal(seed=4))
    out = tmp_path / "run.npz"
    code, _, _ = run(capsys, saved(tmp_path, project), "--npz", str(out))
    assert code == 0
    x = make_input(project)
    assert torch.equal(x, make_input(project, seed=4))
    with torch.no_grad():
        expected_output = build_model(project, seed=0)(x)
    with np.load(out) as arrays:
        np.testing.assert_array_equal(arrays["input"], x.numpy())
        np.testing.assert_allclose(arrays["output"], expected_output.numpy(), atol=1e-6)


def test_npz_name_is_kept_as_given(tmp_path, capsys):
    out = tmp_path / "no_suffix"
    code, _, _ = run(capsys, saved(tmp_path, stacked_project()), "--npz", str(out))
    assert code == 0
    assert out.is_file()
    with np.load(out) as arrays:
        assert "input" in arrays.files


def test_signal_and_input_overrides(tmp_path, capsys):
    project = stacked_project(batch_first=True)
    out = tmp_path / "run.npz"
    code, _, _ = run(
        capsys,
        saved(tmp_path, project),
        "--signal",
        '{"kind": "sine", "frequency": [0.1, 0.2, 0.3], "amplitude": 2}',
        "--batch",
        "4",
        "--seq-len",
        "9",
        "--npz",
        str(out),
    )
    assert code == 0
    expected = 2 * np.sin(2 * np.pi * np.array([0.1, 0.2, 0.3]) * np.arange(9)[:, None])
    with np.load(out) as arrays:
        assert arrays["input"].shape == (4, 9, 3)
        for item in arrays["input"]:
            np.testing.assert_allclose(item, expected, atol=1e-6)
        assert arrays["rnn1.hidden"].shape == (1, 1, 4, 9, 4)


def test_signal_kind_alone_uses_its_defaults(tmp_path, capsys):
    project = stacked_project()
    out = tmp_path / "run.npz"
    code, _, _ = run(capsys, saved(tmp_path, project), "--signal", "sine", "--npz", str(out))
    assert code == 0
    expected = make_input(project, signal=SineSignal())
    with np.load(out) as arrays:
        np.testing.assert_array_equal(arrays["input"], expected.numpy())


def test_csv_signal_given_on_the_command_line_starts_at_the_working_folder(
    tmp_path, capsys, monkeypatch
):
    table = np.arange(15, dtype=np.float64).reshape(5, 3) / 2
    (tmp_path / "values.csv").write_text("\n".join(",".join(map(str, row)) for row in table))
    monkeypatch.chdir(tmp_path)
    model_file = saved(tmp_path, stacked_project(), "elsewhere.rnnstudio")
    code, _, _ = run(
        capsys, model_file, "--signal", '{"kind": "csv", "path": "values.csv"}', "--npz", "o.npz"
    )
    assert code == 0
    with np.load(tmp_path / "o.npz") as arrays:
        np.testing.assert_array_equal(arrays["input"][:, 0], table)  # time-major: [time, batch]
        np.testing.assert_array_equal(arrays["input"][:, 1], table)


def test_csv_signal_in_the_project_starts_at_the_project_folder(tmp_path, capsys, monkeypatch):
    lesson = tmp_path / "lesson"
    lesson.mkdir()
    (lesson / "values.csv").write_text("a,b,c\n" + "\n".join(f"{t},2,3" for t in range(5)))
    monkeypatch.chdir(tmp_path)
    project = stacked_project(signal=CsvSignal(path="values.csv"))
    code, _, _ = run(capsys, saved(lesson, project), "--npz", "o.npz")
    assert code == 0
    with np.load(tmp_path / "o.npz") as arrays:
        np.testing.assert_array_equal(arrays["input"][:, 1, 0], np.arange(5))


# --- CSV files ------------------------------------------------------------------------------


def test_csv_files_one_per_array_and_batch_item_with_headers(tmp_path, capsys):
    project = stacked_project(signal=NormalSignal(seed=2))
    folder = tmp_path / "tables"
    code, stdout, _ = run(
        capsys,
        saved(tmp_path, project),
        "--seed",
        "3",
        "--csv",
        str(folder),
        "--npz",
        str(tmp_path / "run.npz"),
    )
    assert code == 0
    assert "10 CSV files" in stdout
    names = sorted(path.name for path in folder.iterdir())
    expected_names = [
        f"{array}_b{item}.csv"
        for array in ("input", "lstm1.cell", "lstm1.hidden", "output", "rnn1.hidden")
        for item in (0, 1)
    ]
    assert names == sorted(expected_names)

    with np.load(tmp_path / "run.npz") as arrays:
        x, output = arrays["input"], arrays["output"]
        cell = arrays["lstm1.cell"]
    for item in (0, 1):
        header, table = read_csv(folder / f"input_b{item}.csv")
        assert header == ["step", "feature0", "feature1", "feature2"]
        np.testing.assert_array_equal(table[:, 0], np.arange(5))
        np.testing.assert_array_equal(table[:, 1:], x[:, item, :])  # time-major input

        header, table = read_csv(folder / f"lstm1.cell_b{item}.csv")
        assert header[:3] == ["step", "layer0_dir0_unit0", "layer0_dir0_unit1"]
        assert header[-1] == "layer1_dir1_unit5"
        assert len(header) == 1 + 2 * 2 * 6
        for layer in range(2):
            for direction in range(2):
                for unit in range(6):
                    column = header.index(f"layer{layer}_dir{direction}_unit{unit}")
                    np.testing.assert_array_equal(
                        table[:, column], cell[layer, direction, item, :, unit]
                    )

        header, table = read_csv(folder / f"output_b{item}.csv")
        assert header == ["step", "class0", "class1", "class2"]
        np.testing.assert_array_equal(table[:, 1:], output[:, item, :])


def test_csv_output_without_time_axis_is_one_row(tmp_path, capsys):
    project = Project(
        input=InputSpec(features=2, batch=3, seq_len=4),
        blocks=(
            GRUBlock(name="gru1", hidden_size=5, output="last_step"),
            LinearBlock(name="fc", out_features=2),
        ),
    )
    folder = tmp_path / "tables"
    code, _, _ = run(capsys, saved(tmp_path, project), "--csv", str(folder))
    assert code == 0
    with torch.no_grad():
        expected = build_model(project, seed=0)(make_input(project)).numpy()
    for item in range(3):
        header, table = read_csv(folder / f"output_b{item}.csv")
        assert header == ["class0", "class1"]
        np.testing.assert_allclose(table, expected[item : item + 1], atol=1e-6)


def test_csv_output_of_final_hidden_names_layer_and_direction(tmp_path, capsys):
    project = Project(
        input=InputSpec(features=2, batch=2, seq_len=4),
        blocks=(
            RNNBlock(
                name="rnn1", hidden_size=3, num_layers=2, bidirectional=True, output="final_hidden"
            ),
        ),
    )
    folder = tmp_path / "tables"
    code, _, _ = run(capsys, saved(tmp_path, project), "--csv", str(folder))
    assert code == 0
    model = build_model(project, seed=0)
    with torch.no_grad():
        _, h_n = torch.nn.RNN.forward(model.rnn1, make_input(project))  # [layers*dirs, batch, h]
    header, table = read_csv(folder / "output_b1.csv")
    assert table.shape == (1, 12)
    for layer in range(2):
        for direction in range(2):
            for unit in range(3):
                column = header.index(f"layer{layer}_dir{direction}_unit{unit}")
                assert table[0, column] == pytest.approx(
                    h_n[layer * 2 + direction, 1, unit].item(), abs=1e-6
                )


def test_csv_refuses_huge_batches(tmp_path, capsys):
    code, _, err = run(
        capsys, saved(tmp_path, stacked_project()), "--batch", "1001", "--csv", str(tmp_path / "t")
    )
    assert code == 2
    assert "1001 batch items are too many (at most 1000)" in err
    assert not (tmp_path / "t").exists()


def test_png_writes_the_run_figures_of_the_same_trace(tmp_path, capsys):
    from rnnstudio.plots import save_run_figures

    project = stacked_project(signal=NormalSignal(seed=2))
    folder = tmp_path / "figures"
    code, stdout, _ = run(capsys, saved(tmp_path, project), "--seed", "3", "--png", str(folder))
    assert code == 0
    reference = save_run_figures(
        trace(build_model(project, seed=3), make_input(project)), project, tmp_path / "reference"
    )
    written = sorted(folder.iterdir())
    assert [path.name for path in written] == sorted(path.name for path in reference)
    assert f"{len(reference)} figures" in stdout
    for path in written:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --- memory budget --------------------------------------------------------------------------


def test_run_over_the_budget_is_refused_with_the_estimate_and_the_budget(tmp_path, capsys):
    # Huge weights, tiny input: were the check missing, build_model would still refuse before
    # allocating, with other numbers, and this test would fail without eating the machine.
    project = Project(
        input=InputSpec(features=1, batch=1, seq_len=10),
        blocks=(RNNBlock(name="rnn1", hidden_size=30_000),),
    )
    estimate = estimate_run_bytes(project)
    budget = 2 * 1024**3
    assert estimate > 30_000**2 * 4 > budget
    out = tmp_path / "run.npz"
    code, _, err = run(capsys, saved(tmp_path, project), "--npz", str(out))
    assert code == 1
    assert f"{estimate:,} bytes" in err
    assert format_bytes(estimate) in err
    assert f"{budget:,} bytes" in err
    assert "--max-memory" in err
    assert not out.exists()


def test_max_memory_lowers_the_budget(tmp_path, capsys):
    project = stacked_project()
    estimate = estimate_run_bytes(project)
    out = tmp_path / "run.npz"
    below = f"{estimate - 1}"
    code, _, err = run(capsys, saved(tmp_path, project), "--max-memory", below, "--npz", str(out))
    assert code == 1
    assert f"{estimate:,} bytes" in err and f"{estimate - 1:,} bytes" in err
    assert not out.exists()
    code, _, _ = run(
        capsys, saved(tmp_path, project), "--max-memory", str(estimate), "--npz", str(out)
    )
    assert code == 0


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("512M", 512 * 1024**2),
        ("2G", 2 * 1024**3),
        ("1.5GiB", 3 * 1024**3 // 2),
        ("64kb", 65536),
        ("1000", 1000),
        (" 3t ", 3 * 1024**4),
    ],
)
def test_memory_sizes(text, size):
    assert _memory_size(text) == size


def test_summary_still_works_for_any_size(capsys):
    assert main(["summary", "ejemplo_a", "--batch", "1000000", "--seq-len", "1000000"]) == 0
    assert "1000000" in capsys.readouterr().out


# --- bad arguments --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ([], "nothing to write; add --npz OUT.npz, --csv DIR or --png DIR"),
        (["--npz", "o.npz", "--seed", "-1"], "argument --seed: must be from 0 to 4294967295"),
        (["--npz", "o.npz", "--seed", "x"], "argument --seed: must be a whole number"),
        (["--npz", "o.npz", "--max-memory", "lots"], "argument --max-memory: must be a size"),
        (["--npz", "o.npz", "--max-memory", "0"], "must be more than 0 bytes"),
        (["--npz", "o.npz", "--batch", "0"], "argument --batch: must be at least 1"),
        (["--npz", "o.npz", "--signal", "wave"], "unknown signal kind 'wave'"),
        (["--npz", "o.npz", "--signal", "csv"], "a csv signal needs its file"),
        (["--npz", "o.npz", "--signal", "{oops"], "--signal: is not a valid JSON object"),
        (
            ["--npz", "o.npz", "--signal", '{"kind": "sine", "frequency": 0.9}'],
            "--signal: input.signal.frequency[0]: must be at most 0.5, got 0.9",
        ),
        (
            ["--npz", "o.npz", "--signal", '{"kind": "csv", "path": "absent.csv"}'],
            "absent.csv: cannot read the CSV file",
        ),
    ],
)
def test_bad_arguments_exit_2_with_a_clear_message(tmp_path, capsys, monkeypatch, arguments, words):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, saved(tmp_path, stacked_project()), *arguments)
    assert code == 2
    assert words in err
    assert not (tmp_path / "o.npz").exists()


def test_missing_project_file_and_unwritable_output_exit_2(tmp_path, capsys):
    code, _, err = run(capsys, str(tmp_path / "absent.rnnstudio"), "--npz", "o.npz")
    assert code == 2
    assert "absent.rnnstudio: cannot read the file" in err
    blocked = tmp_path / "file"
    blocked.write_text("")
    code, _, err = run(capsys, saved(tmp_path, stacked_project()), "--npz", str(blocked / "o.npz"))
    assert code == 2
    assert "cannot write" in err


def test_a_model_that_cannot_run_exits_1(tmp_path, capsys):
    project = Project(
        input=InputSpec(features=2),
        blocks=(RNNBlock(name="rnn1", hidden_size=3, input_size=5),),
    )
    code, _, err = run(capsys, saved(tmp_path, project), "--npz", str(tmp_path / "o.npz"))
    assert code == 1
    assert "rnn1 expects input_size 5 but receives 2 features" in err


def test_the_installed_entry_point_runs_without_traceback(tmp_path):
    # One subprocess only (it imports torch): the in-process tests cover every exit path.
    out = tmp_path / "o.npz"
    finished = subprocess.run(
        [
            sys.executable,
            "-m",
            "rnnstudio",
            "run",
            saved(tmp_path, stacked_project()),
            "--npz",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    assert "Traceback" not in finished.stderr
    with np.load(out) as arrays:
        assert arrays["input"].shape == (5, 2, 3)
