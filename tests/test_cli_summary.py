"""`rnnstudio summary` and `rnnstudio examples`, run in-process, against the notebook's printouts.

The names and torch.Size shapes below are copied from the notebook's output cells (external
truth). Where the notebook's output is cut off, the hand-written notebook modules supply the
rest, through torch's own named_parameters() and forward.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from test_notebook_models import HAND_WRITTEN

from rnnstudio import __version__
from rnnstudio.cli import COMMANDS, build_parser, main
from rnnstudio.core.examples import example_names, load_example
from rnnstudio.core.project_io import save_project
from rnnstudio.core.spec import Project

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = (
    "ejemplo_a",
    "ejemplo_b",
    "ejemplo_c",
    "memoria_lstm",
    "memoria_rnn",
    "rnn_alumno",
    "rnn_clas",
    "rnn_clas_por_paso",
)

# "Nombre del parámetro" / "Tamaño del parámetro" pairs as the notebook printed them.
# complete: the notebook shows the whole listing (it reaches the ENTRADA section).
NOTEBOOK_PARAMETERS = {
    "ejemplo_b": (
        True,
        [
            ("rnn.weight_ih_l0", "torch.Size([24, 6])"),
            ("rnn.weight_hh_l0", "torch.Size([24, 24])"),
            ("rnn.bias_ih_l0", "torch.Size([24])"),
            ("rnn.bias_hh_l0", "torch.Size([24])"),
        ],
    ),
    "ejemplo_c": (
        False,
        [
            ("rnn.weight_ih_l0", "torch.Size([64, 10])"),
            ("rnn.weight_hh_l0", "torch.Size([64, 64])"),
            ("rnn.bias_ih_l0", "torch.Size([64])"),
            ("rnn.bias_hh_l0", "torch.Size([64])"),
            ("rnn.weight_ih_l1", "torch.Size([64, 64])"),
            ("rnn.weight_hh_l1", "torch.Size([64, 64])"),
        ],
    ),
    "rnn_clas": (
        False,
        [
            ("rnn1.weight_ih_l0", "torch.Size([40, 2])"),
            ("rnn1.weight_hh_l0", "torch.Size([40, 40])"),
            ("rnn1.bias_ih_l0", "torch.Size([40])"),
            ("rnn1.bias_hh_l0", "torch.Size([40])"),
            ("rnn1.weight_ih_l1", "torch.Size([40, 40])"),
            ("rnn1.weight_hh_l1", "torch.Size([40, 40])"),
        ],
    ),
    "rnn_clas_por_paso": (
        False,
        [
            ("rnn1.weight_ih_l0", "torch.Size([3, 2])"),
            ("rnn1.weight_hh_l0", "torch.Size([3, 3])"),
            ("rnn1.bias_ih_l0", "torch.Size([3])"),
            ("rnn1.bias_hh_l0", "torch.Size([3])"),
            ("rnn1.weight_ih_l1", "torch.Size([3, 3])"),
            ("rnn1.weight_hh_l1", "torch.Size([3, 3])"),
        ],
    ),
    "rnn_alumno": (
        False,
        [
            ("rnn1.weight_ih_l0", "torch.Size([5, 3])"),
            ("rnn1.weight_hh_l0", "torch.Size([5, 5])"),
            ("rnn1.bias_ih_l0", "torch.Size([5])"),
            ("rnn1.bias_hh_l0", "torch.Size([5])"),
            ("fc.weight", "torch.Size([2, 5])"),
            ("fc.bias", "torch.Size([2])"),
        ],
    ),
}
# "entrada shape:" as printed by the notebook.
NOTEBOOK_INPUT_SHAPES = {"ejemplo_b": "torch.Size([16, 5, 6])"}


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert "Traceback" not in out
    return code, out, err


def run_cli_usage_error(capsys, *argv: str) -> str:
    """Bad arguments: argparse exits with status 2 and a usage message."""
    with pytest.raises(SystemExit) as caught:
        main(list(argv))
    _, err = capsys.readouterr()
    assert caught.value.code == 2
    assert "Traceback" not in err
    return err


def listed_parameters(text: str, name_label: str, shape_label: str) -> list[tuple[str, str]]:
    lines = text.splitlines()
    pairs = []
    for index, line in enumerate(lines):
        if line == name_label:
            assert lines[index + 2] == shape_label
            pairs.append((lines[index + 1], lines[index + 3]))
    return pairs


def torch_size(tensor_or_shape) -> str:
    return str(torch.Size(tuple(tensor_or_shape)))


def printed_size(line: str) -> str:
    """The first torch.Size([...]) printed on a line."""
    match = re.search(r"torch\.Size\(\[[^\]]*\]\)", line)
    assert match is not None, line
    return match.group()


def section_order(text: str, headings: list[str]) -> list[int]:
    """Line numbers of headings printed between two rules, as the notebook's teoria() does."""
    lines = text.splitlines()
    rule = "-" * 84
    positions = []
    for heading in headings:
        found = [
            i
            for i in range(1, len(lines) - 1)
            if lines[i] == heading and lines[i - 1] == rule == lines[i + 1]
        ]
        assert len(found) == 1, heading
        positions.append(found[0])
    return positions


def hand_written_run(example: str):
    """The notebook module with the example's sizes, its parameters and a real forward."""
    torch.manual_seed(0)
    module = HAND_WRITTEN[example]()
    x = torch.rand(load_example(example).input.shape)
    with torch.no_grad():
        output, hidden = module(x)
    return module, x, output, hidden


# --- the notebook's parameter listings -----------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("example", sorted(NOTEBOOK_PARAMETERS))
def test_summary_lists_the_notebooks_parameters(capsys, example, lang):
    code, out, _ = run_cli(capsys, "summary", example, "--lang", lang)
    assert code == 0
    labels = {
        "en": ("Parameter name:", "Parameter shape:"),
        "es": ("Nombre del parámetro:", "Tamaño del parámetro:"),
    }[lang]
    listed = listed_parameters(out, *labels)
    complete, notebook = NOTEBOOK_PARAMETERS[example]
    assert listed[: len(notebook)] == notebook
    if complete:
        assert listed == notebook
    module, *_ = hand_written_run(example)
    assert listed == [(name, torch_size(p.shape)) for name, p in module.named_parameters()]


def test_summary_of_example_a_lists_the_hand_written_parameters(capsys):
    """The notebook ran example A with other sizes than its heading; the heading's sizes count."""
    code, out, _ = run_cli(capsys, "summary", "ejemplo_a")
    assert code == 0
    module, *_ = hand_written_run("ejemplo_a")
    assert listed_parameters(out, "Parameter name:", "Parameter shape:") == [
        (name, torch_size(p.shape)) for name, p in module.named_parameters()
    ]
    assert "(rnn): RNN(2, 24, num_layers=3, batch_first=True)" in out


@pytest.mark.parametrize("example", EXAMPLES)
def test_summary_shows_the_printout_input_output_and_h_shapes(capsys, example):
    code, out, _ = run_cli(capsys, "summary", example)
    assert code == 0
    module, x, output, hidden = hand_written_run(example)
    project = load_example(example)
    for line in str(module).splitlines()[1:-1]:
        assert line in out.splitlines()
    assert out.splitlines()[3] == f"{project.name}("
    [input_line] = [line for line in out.splitlines() if line.startswith("input shape:")]
    assert printed_size(input_line) == torch_size(x.shape)
    [output_line] = [line for line in out.splitlines() if line.startswith("model output:")]
    assert printed_size(output_line) == torch_size(output.shape)
    if example.startswith("ejemplo") or example == "rnn_alumno":
        last = project.blocks[-1].name
        [h_line] = [line for line in out.splitlines() if line.startswith(f"{last} final hidden")]
        assert f": {torch_size(hidden.shape)}" in h_line


def test_summary_of_example_b_shows_the_notebooks_input_shape(capsys):
    code, out, _ = run_cli(capsys, "summary", "ejemplo_b", "--lang", "es")
    assert code == 0
    [line] = [line for line in out.splitlines() if line.startswith("entrada shape:")]
    assert NOTEBOOK_INPUT_SHAPES["ejemplo_b"] in line


def test_summary_in_spanish_has_the_notebooks_sections(capsys):
    code, out, _ = run_cli(capsys, "summary", "rnn_clas", "--lang", "es")
    assert code == 0
    positions = section_order(out, ["MODELO", "PARAMETROS DEL MODELO", "ENTRADA", "SALIDA"])
    assert positions == sorted(positions)
    assert "Nombre del parámetro:" in out.splitlines()


def test_summary_in_english_has_the_same_sections(capsys):
    code, out, _ = run_cli(capsys, "summary", "rnn_clas")
    assert code == 0
    positions = section_order(out, ["MODEL", "MODEL PARAMETERS", "INPUT", "OUTPUT"])
    assert positions == sorted(positions)


# --- --json --------------------------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES)
def test_summary_json_has_the_documented_keys_and_torchs_facts(capsys, example):
    code, out, _ = run_cli(capsys, "summary", example, "--json")
    assert code == 0
    report = json.loads(out)
    assert {"parameters", "total_parameters", "stages", "output_shape", "warnings"} <= set(report)
    module, x, output, _ = hand_written_run(example)
    assert report["parameters"] == [
        {"name": name, "shape": list(p.shape), "numel": p.numel()}
        for name, p in module.named_parameters()
    ]
    assert report["total_parameters"] == sum(p.numel() for p in module.parameters())
    first = report["stages"][0]
    assert first["name"] == "input"
    assert first["shape"] == list(x.shape)
    assert first["axes"] == ["batch", "time", "features"]
    project = load_example(example)
    assert [stage["name"] for stage in report["stages"][1:]] == [b.name for b in project.blocks]
    for stage in report["stages"]:
        assert len(stage["shape"]) == len(stage["axes"])
    assert report["output_shape"] == list(output.shape)
    assert report["stages"][-1]["shape"] == list(output.shape)
    assert all(isinstance(warning, str) for warning in report["warnings"])


def test_summary_json_warnings_are_the_notebook_traps(capsys):
    _, out, _ = run_cli(capsys, "summary", "rnn_clas_por_paso", "--json")
    [warning] = json.loads(out)["warnings"]
    assert "time=7" in warning
    _, out, _ = run_cli(capsys, "summary", "rnn_clas", "--json")
    assert json.loads(out)["warnings"] == []
    _, out, _ = run_cli(capsys, "summary", "rnn_alumno", "--json")
    [warning] = json.loads(out)["warnings"]
    assert "rnn2" in warning and "h_n" in warning


def test_batch_and_seq_len_override_the_file(capsys):
    code, out, _ = run_cli(
        capsys, "summary", "rnn_clas_por_paso", "--batch", "4", "--seq-len", "9", "--json"
    )
    assert code == 0
    report = json.loads(out)
    torch.manual_seed(0)
    module = HAND_WRITTEN["rnn_clas_por_paso"]()
    with torch.no_grad():
        output, _ = module(torch.rand(4, 9, 2))
    assert report["stages"][0]["shape"] == [4, 9, 2]
    assert report["output_shape"] == list(output.shape) == [4, 9, 5]
    code, out, _ = run_cli(capsys, "summary", "rnn_clas", "--seq-len", "7")
    assert "input shape: torch.Size([3, 7, 2])" in out


# --- exit codes and messages ---------------------------------------------------------------


def write_project(tmp_path: Path, data: dict, name: str = "clase.rnnstudio") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"format": "rnnstudio", "version": 1, **data}))
    return path


def test_a_model_that_cannot_run_exits_1_naming_block_and_numbers(capsys, tmp_path):
    path = write_project(
        tmp_path,
        {
            "input": {"features": 2, "batch": 3, "seq_len": 5},
            "blocks": [
                {"type": "rnn", "name": "rnn1", "input_size": 6, "hidden_size": 40},
                {"type": "linear", "name": "fc", "out_features": 5},
            ],
        },
    )
    code, out, err = run_cli(capsys, "summary", str(path))
    assert code == 1
    assert "rnn1 expects input_size 6 but receives 2 features" in err
    assert len(err.splitlines()) <= 3
    assert "input shape: torch.Size([3, 5, 2])" in out  # what is known is still shown
    code, out, err = run_cli(capsys, "summary", str(path), "--json")
    assert code == 1
    report = json.loads(out)
    assert report["output_shape"] is None
    assert "rnn1 expects input_size 6" in report["stages"][1]["error"]
    assert "error" in report["stages"][2]


def test_softmax_dim_out_of_range_exits_1(capsys, tmp_path):
    path = write_project(
        tmp_path,
        {
            "blocks": [
                {"type": "rnn", "name": "rnn1", "hidden_size": 4, "output": "last_step"},
                {"type": "softmax", "name": "probabilities", "dim": 2},
            ]
        },
    )
    code, _, err = run_cli(capsys, "summary", str(path))
    assert code == 1
    assert "probabilities" in err and "[-2, 1]" in err and "got 2" in err


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (
            b'{"format": "rnnstudio", "version": 1, '
            b'"blocks": [{"type": "rnn", "name": "rnn1", "hidden_size": -4}]}',
            ["blocks[0].hidden_size: must be at least 1, got -4"],
        ),
        (b"", ["empty"]),
        (b"\xff\xfe\x00", ["not UTF-8"]),
        (b'{"format": "rnnstudio", "version": 3}', ["version 3", "update rnnstudio"]),
        (b'{"format": "rnnstudio", "blocks": [{"type": "rnm", "name": "a"}]}', ["'rnn'"]),
    ],
    ids=["bad value", "empty", "binary", "newer", "unknown type"],
)
def test_a_bad_file_exits_2_naming_file_and_field(capsys, tmp_path, content, words):
    path = tmp_path / "mala.rnnstudio"
    path.write_bytes(content)
    code, out, err = run_cli(capsys, "summary", str(path))
    assert code == 2
    assert out == ""
    assert err.startswith(f"rnnstudio: {path}:")
    for word in words:
        assert word in err
    assert len(err.splitlines()) <= 8


def test_a_missing_file_or_unknown_example_exits_2(capsys, tmp_path):
    code, _, err = run_cli(capsys, "summary", str(tmp_path / "nada.rnnstudio"))
    assert code == 2
    assert "nada.rnnstudio" in err and "cannot read" in err
    code, _, err = run_cli(capsys, "summary", "rnn_clasificador")
    assert code == 2
    assert "rnn_clasificador" in err
    for name in EXAMPLES:
        assert name in err


def test_an_override_outside_the_bounds_exits_2(capsys):
    code, _, err = run_cli(capsys, "summary", "rnn_clas", "--batch", "20000000")
    assert code == 2
    assert "batch: must be at most 10000000, got 20000000" in err


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["summary", "rnn_clas", "--batch", "0"], ["--batch", "at least 1"]),
        (["summary", "rnn_clas", "--seq-len", "cinco"], ["--seq-len", "whole number"]),
        (["summary", "rnn_clas", "--lang", "fr"], ["--lang", "'fr'"]),
        (["summary"], ["FILE"]),
        (["summary", "rnn_clas", "rnn_alumno"], ["unrecognized arguments"]),
        (["examples", "--verbose"], ["unrecognized arguments"]),
    ],
)
def test_bad_arguments_exit_2_with_a_usage_message(capsys, argv, words):
    err = run_cli_usage_error(capsys, *argv)
    assert "usage:" in err
    for word in words:
        assert word in err


# --- examples and FILE -----------------------------------------------------------------------


def test_examples_lists_the_shipped_examples(capsys):
    code, out, _ = run_cli(capsys, "examples")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == list(EXAMPLES)
    assert example_names() == EXAMPLES
    code, out, _ = run_cli(capsys, "examples", "--json")
    entries = json.loads(out)
    assert [entry["name"] for entry in entries] == list(EXAMPLES)
    assert {entry["model"] for entry in entries} == {
        "SimpleRNN",
        "RNN_clas",
        "RNN_alumno",
        "memoria_rnn",
        "memoria_lstm",
    }


# The extra arguments each command that takes FILE needs besides it (outputs).
EXTRA_ARGUMENTS = {
    "summary": lambda tmp_path: [],
    "export": lambda tmp_path: ["-o", str(tmp_path / "red.py")],
    "run": lambda tmp_path: ["--npz", str(tmp_path / "red.npz")],
    "train": lambda tmp_path: ["--task", "trajectories", "--epochs", "1", "--seq-len", "8"],
}


def commands_taking_file() -> list[str]:
    parser = build_parser()
    [subparsers] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(
        name
        for name, subparser in subparsers.choices.items()
        if any(action.dest == "file" for action in subparser._actions)
    )


def test_every_command_taking_file_is_tried_here():
    taking_file = set(commands_taking_file())
    assert "summary" in taking_file
    missing = taking_file - set(EXTRA_ARGUMENTS)
    assert not missing, f"add what {sorted(missing)} need besides FILE to EXTRA_ARGUMENTS"
    assert set(EXTRA_ARGUMENTS) <= set(COMMANDS)


@pytest.mark.parametrize("command", commands_taking_file())
def test_a_shipped_example_name_works_wherever_file_is_taken(
    capsys, tmp_path, monkeypatch, command
):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, command, "rnn_clas", *EXTRA_ARGUMENTS[command](tmp_path))
    assert code == 0, err
    assert "no such file" not in err


def test_a_path_works_as_file_too(capsys, tmp_path):
    path = tmp_path / "mi red.rnnstudio"
    save_project(load_example("rnn_alumno"), path)
    code, out, _ = run_cli(capsys, "summary", str(path), "--json")
    assert code == 0
    assert json.loads(out)["name"] == "RNN_alumno"


def test_a_file_named_like_an_example_wins_over_the_example(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    project = Project.model_validate(
        {"name": "local", "blocks": [{"type": "gru", "name": "gru1", "hidden_size": 2}]}
    )
    save_project(project, tmp_path / "rnn_clas")
    code, out, _ = run_cli(capsys, "summary", "rnn_clas", "--json")
    assert code == 0
    assert json.loads(out)["name"] == "local"


# --- start-up ---------------------------------------------------------------------------------


def imported_modules(*argv: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "rnnstudio", *argv],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    modules = {
        line.rsplit("|", 1)[-1].strip()
        for line in completed.stderr.splitlines()
        if line.startswith("import time:")
    }
    return completed, modules


def test_version_does_not_import_torch_or_qt():
    completed, modules = imported_modules("--version")
    assert completed.returncode == 0
    assert completed.stdout.strip() == f"rnnstudio {__version__}"
    assert "rnnstudio.cli" in modules  # the measurement does see our imports
    heavy = {m for m in modules if m.split(".")[0] in ("torch", "PySide6", "matplotlib")}
    assert not heavy
