"""export_python: the generated file is the model build_model makes, and reads as ruff wants.

Every check runs the generated code itself: its class loads build_model's state_dict with
strict=True and must give torch.equal outputs, and the shape comments are compared with the
tensors torch produces while forward runs.
"""

from __future__ import annotations

import keyword
import re
import subprocess
import sys
import tempfile
import tomllib
import warnings
from pathlib import Path
from typing import Any

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from ruff.__main__ import find_ruff_bin
from torch import nn

from rnnstudio.cli import main
from rnnstudio.core.analysis import analyze
from rnnstudio.core.errors import ModelError
from rnnstudio.core.examples import example_names, load_example
from rnnstudio.core.export import TORCH_DEFAULTS, export_python, python_class_name
from rnnstudio.core.model import build_model
from rnnstudio.core.project_io import project_to_json, updated
from rnnstudio.core.spec import (
    BLOCK_CLASSES,
    MAX_NAME_LENGTH,
    MAX_SIZE,
    InputSpec,
    Project,
    check_block_name,
)

# torch's own notice when an LSTM has proj_size; it says nothing about the export.
pytestmark = pytest.mark.filterwarnings(
    "ignore:LSTM with projections is not supported with oneDNN:UserWarning"
)

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    """The models are tiny: on a shared machine torch's thread pool only adds contention."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


# --- running the generated code -----------------------------------------------------------


def _exported_class(code: str, class_name: str) -> type[nn.Module]:
    namespace: dict[str, Any] = {"__name__": "exported_model"}  # not __main__: no demo run
    exec(compile(code, "<exported>", "exec"), namespace)
    return namespace[class_name]


def _shapes_after_each_line(module: nn.Module, x: torch.Tensor) -> dict[int, dict[str, tuple]]:
    """Run module(x); for every line of its forward, the shapes of the tensors in scope after it.

    Keys are line numbers of the generated source.
    """
    forward_code = type(module).forward.__code__
    shapes: dict[int, dict[str, tuple]] = {}
    previous_line: int | None = None

    def trace_forward(frame, event, _arg):
        nonlocal previous_line
        if event in ("line", "return"):
            if previous_line is not None:
                shapes[previous_line] = {
                    name: tuple(value.shape)
                    for name, value in frame.f_locals.items()
                    if isinstance(value, torch.Tensor)
                }
            previous_line = frame.f_lineno
        return trace_forward

    def trace_calls(frame, _event, _arg):
        return trace_forward if frame.f_code is forward_code else None

    old_trace = sys.gettrace()
    sys.settrace(trace_calls)
    try:
        with torch.no_grad():
            module(x)
    finally:
        sys.settrace(old_trace)
    return shapes


def _shape_comments(code: str) -> list[tuple[int, str, str]]:
    """(line number, assigned name, comment) of every statement in forward with a shape comment.

    A comment too long to follow its statement stands on the line above it.
    """
    lines = code.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "def forward(self, x):")
    found = []
    pending_comment = None
    for index in range(start + 1, len(lines)):
        stripped = lines[index].strip()
        if stripped.startswith("return "):
            break
        if stripped.startswith("# ["):
            pending_comment = stripped[2:]
            continue
        if stripped.startswith("#"):
            continue
        statement, _, comment = stripped.partition("  # ")
        comment = comment or pending_comment
        pending_comment = None
        assert comment, f"no shape comment for {statement!r}"
        targets = statement.split(" = ")[0]
        names = [name for name in re.findall(r"[A-Za-z_]\w*", targets) if name != "_"]
        assert len(names) == 1, statement
        found.append((index + 1, names[0], comment))
    return found


def _numbers(description: str) -> tuple[int, ...]:
    return tuple(int(number) for number in re.findall(r"=(\d+)", description))


def _block_comments(code: str, project: Project) -> dict[str, list[str]]:
    """For every block, the shape comments of the forward lines from its call to the next call."""
    lines = code.splitlines()
    by_block: dict[str, list[str]] = {}
    current = None
    for number, _name, comment in _shape_comments(code):
        line = lines[number - 1]
        called = re.search(r"self\.(\w+)\(", line)
        if called:
            current = called.group(1)
        assert current is not None
        by_block.setdefault(current, []).append(comment)
    assert list(by_block) == [block.name for block in project.blocks]
    return by_block


def assert_matches_build_model(project: Project) -> nn.Module:
    """The exported class is build_model's model: weights, printout, outputs, shapes."""
    code = export_python(project)
    with warnings.catch_warnings():
        # torch warns about dropout with one layer, as it does for build_model's modules.
        warnings.simplefilter("ignore", UserWarning)
        exported = _exported_class(code, python_class_name(project.name))()
    model = build_model(project, seed=0)
    exported.load_state_dict(model.state_dict(), strict=True)
    exported.eval()
    for block in project.blocks:
        assert repr(exported.get_submodule(block.name)) == repr(model.get_submodule(block.name))
    if python_class_name(project.name) == project.name:
        assert str(exported) == str(model)

    generator = torch.Generator().manual_seed(1)
    x = torch.rand(project.input.shape, generator=generator)
    with torch.no_grad():
        expected = model(x)
        assert torch.equal(exported(x), expected)

    # Every shape comment states the shape of the tensor torch made on that line.
    shapes = _shapes_after_each_line(exported, x)
    for line_number, name, comment in _shape_comments(code):
        assert shapes[line_number][name] == _numbers(comment), (line_number, comment)
    # ... and names the axes as analyze() does: each block's last comment is its output.
    analysis = analyze(project)
    comments = _block_comments(code, project)
    for block, stage in zip(project.blocks, analysis.stages[1:], strict=True):
        assert stage.output is not None
        assert comments[block.name][-1] == stage.output.describe()
    assert f"# x: {analysis.input.describe()}" in code
    return exported


# --- ruff on the generated code ---------------------------------------------------------------


def _ruff_options() -> tuple[list[str], dict[str, Any]]:
    """The project's line length and rule selection, without any config file deciding them."""
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["ruff"]
    options = ["--isolated", f"--line-length={config['line-length']}"]
    options.append(f"--target-version={config['target-version']}")
    return options, config["lint"]


def assert_ruff_clean(files: dict[str, str], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for file_name, code in files.items():
        (folder / file_name).write_text(code, encoding="utf-8")
    options, lint = _ruff_options()
    ruff = find_ruff_bin()
    rules = [f"--select={','.join(lint['select'])}", f"--ignore={','.join(lint['ignore'])}"]
    checks = [
        [ruff, "check", "--no-cache", *options, *rules, str(folder)],
        [ruff, "format", "--check", "--diff", "--no-cache", *options, str(folder)],
    ]
    for command in checks:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr


# --- strategies -------------------------------------------------------------------------------


def _usable_block_name(name: str) -> bool:
    try:
        check_block_name(name)
    except ValueError:
        return False
    return True


short_names = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True).filter(_usable_block_name)
small_sizes = st.integers(1, 5)
any_sizes = small_sizes | st.integers(1, MAX_SIZE)
long_names = st.from_regex(
    rf"[a-z][a-z0-9_]{{{MAX_NAME_LENGTH - 12},{MAX_NAME_LENGTH - 1}}}", fullmatch=True
).filter(_usable_block_name)


@st.composite
def recurrent_fields(draw: st.DrawFn, block_type: str, sizes: st.SearchStrategy[int]) -> dict:
    hidden_size = draw(sizes)
    fields: dict[str, Any] = {
        "hidden_size": hidden_size,
        "num_layers": draw(st.integers(1, 3)),
        "bias": draw(st.booleans()),
        "batch_first": draw(st.booleans()),
        "dropout": draw(st.sampled_from([0.0, 0.25, 0.5])),
        "bidirectional": draw(st.booleans()),
    }
    outputs = ["sequence", "last_step", "final_hidden"]
    if block_type == "rnn":
        fields["nonlinearity"] = draw(st.sampled_from(["tanh", "relu"]))
    if block_type == "lstm":
        outputs.append("final_cell")
        if hidden_size > 1:
            fields["proj_size"] = draw(st.integers(0, hidden_size - 1))
    fields["output"] = draw(st.sampled_from(outputs))
    return fields


@st.composite
def runnable_projects(
    draw: st.DrawFn,
    *,
    names: st.SearchStrategy[str] = short_names,
    sizes: st.SearchStrategy[int] = small_sizes,
    max_blocks: int = 4,
) -> Project:
    """Stacks that analyze() accepts: each block is chosen for the tensor that reaches it."""
    # Explicit sizes are set only where the spec allows them (a bidirectional y can be wider).
    input_spec = InputSpec(
        features=draw(sizes),
        batch=draw(st.integers(1, 3)),
        seq_len=draw(st.integers(1, 4)),
        batch_first=draw(st.booleans()),
    )
    block_names = draw(st.lists(names, max_size=max_blocks, unique=True))
    blocks: list[Any] = []
    for name in block_names:
        incoming = analyze(Project(input=input_spec, blocks=tuple(blocks))).stages[-1].output
        assert incoming is not None
        types = ["linear", "softmax"] + (["rnn", "lstm", "gru"] if incoming.ndim in (2, 3) else [])
        block_type = draw(st.sampled_from(types))
        fields: dict[str, Any] = {"type": block_type, "name": name}
        if block_type == "softmax":
            fields["dim"] = draw(st.integers(-incoming.ndim, incoming.ndim - 1))
        elif block_type == "linear":
            fields["out_features"] = draw(sizes)
            fields["bias"] = draw(st.booleans())
            if incoming.shape[-1] <= MAX_SIZE and draw(st.booleans()):
                fields["in_features"] = incoming.shape[-1]
        else:
            fields.update(draw(recurrent_fields(block_type, sizes)))
            if incoming.shape[-1] <= MAX_SIZE and draw(st.booleans()):
                fields["input_size"] = incoming.shape[-1]
        blocks.append(BLOCK_CLASSES[block_type].model_validate(fields))
    project_name = draw(st.sampled_from(["RNN_clas", "mi modelo", "class", "2da red"]) | st.text())
    project = Project(
        name=project_name[:MAX_NAME_LENGTH] or "model",
        description=draw(st.text(max_size=300)),
        input=input_spec,
        blocks=tuple(blocks),
    )
    assert analyze(project).ok, analyze(project).errors
    return project


# --- the examples -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", example_names())
def test_every_example_exports_the_model_build_model_makes(name: str) -> None:
    assert_matches_build_model(load_example(name))


def test_examples_export_ruff_clean_code(tmp_path: Path) -> None:
    files = {f"{name}.py": export_python(load_example(name)) for name in example_names()}
    assert_ruff_clean(files, tmp_path)


def test_rnn_clas_reads_like_the_notebook() -> None:
    code = export_python(load_example("rnn_clas"))
    assert "class RNN_clas(torch.nn.Module):" in code
    assert (
        "self.rnn1 = torch.nn.RNN(input_size=2, hidden_size=40, num_layers=2, batch_first=True)"
        in code
    )
    assert "self.fc = torch.nn.Linear(in_features=40, out_features=5)\n" in code
    assert "x, _ = self.rnn1(x)  # [batch=3, time=5, hidden=40]" in code
    assert "x = x[:, -1]  # [batch=3, hidden=40]" in code
    alumno = export_python(load_example("rnn_alumno"))
    assert "_, h = self.rnn1(x)  # [layers×directions=1, batch=3, hidden=5]" in alumno
    assert "x = self.fc(h)" in alumno
    # Nothing but torch is imported.
    for code_text in (code, alumno):
        imports = [line for line in code_text.splitlines() if line.startswith(("import", "from"))]
        assert imports == ["import torch"]


def test_running_the_file_prints_the_model_and_the_output_shape(
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = load_example("rnn_clas")
    namespace: dict[str, Any] = {"__name__": "__main__"}
    exec(compile(export_python(project), "<exported>", "exec"), namespace)
    printed = capsys.readouterr().out
    model = build_model(project)
    assert printed.startswith(str(model) + "\n")
    for parameter_name, parameter in model.named_parameters():
        assert f"{parameter_name} {parameter.shape}\n" in printed
    with torch.no_grad():
        output = model(torch.rand(project.input.shape))
    assert f"input shape: {torch.Size(project.input.shape)}\n" in printed
    assert printed.endswith(f"output shape: {output.shape}\n")


def test_not_batch_first_last_step_takes_y_minus_one() -> None:
    project = updated(
        load_example("rnn_clas"),
        input=InputSpec(features=2, batch=3, seq_len=5, batch_first=False),
        blocks=[
            {
                "type": "lstm",
                "name": "lstm1",
                "hidden_size": 4,
                "proj_size": 2,
                "batch_first": False,
                "output": "last_step",
            },
            {"type": "linear", "name": "fc", "out_features": 5},
        ],
    )
    code = export_python(project)
    assert "self.lstm1 = torch.nn.LSTM(input_size=2, hidden_size=4, proj_size=2)" in code
    assert "x, (_, _) = self.lstm1(x)  # [time=5, batch=3, hidden=2]" in code
    assert "x = x[-1]  # [batch=3, hidden=2]" in code
    assert_matches_build_model(project)


# --- generated stacks -----------------------------------------------------------------------


@given(runnable_projects())
def test_generated_stacks_export_the_model_build_model_makes(project: Project) -> None:
    assert_matches_build_model(project)


# Each example checks several projects with one ruff run, so fewer examples cover as many.
@settings(max_examples=15)
@given(
    st.lists(
        runnable_projects(
            names=short_names | long_names,
            sizes=any_sizes,
            max_blocks=5,
        ),
        min_size=1,
        max_size=8,
    )
)
def test_generated_stacks_export_ruff_clean_code(projects: list[Project]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        files = {f"model_{index}.py": export_python(p) for index, p in enumerate(projects)}
        assert_ruff_clean(files, Path(folder))


def test_long_names_and_large_sizes_wrap_as_ruff_format_does(tmp_path: Path) -> None:
    name = "a" * MAX_NAME_LENGTH
    project = Project(
        name="Z" * MAX_NAME_LENGTH,
        input=InputSpec(features=10_000_000, batch=10_000_000, seq_len=10_000_000),
        blocks=(
            BLOCK_CLASSES["lstm"].model_validate(
                {"name": name, "hidden_size": 10_000_000, "num_layers": 1000}
                | {"bias": False, "dropout": 0.1, "bidirectional": True, "proj_size": 9_999_999}
                | {"output": "final_cell"}
            ),
            BLOCK_CLASSES["softmax"].model_validate({"name": "b" * MAX_NAME_LENGTH}),
        ),
    )
    code = export_python(project)
    assert "            proj_size=9999999,\n" in code  # one argument per line
    assert max(len(line) for line in code.splitlines()) <= 100
    assert_ruff_clean({"long.py": code}, tmp_path)


@pytest.mark.parametrize(
    ("project_name", "description"),
    [
        ('"quoted" model', 'ends with a quote"'),
        ("tricky", 'four quotes """" and a trailing backslash \\'),
        ("tabs\tand\x00nul", "line one\r\nline two\x0cform feed"),
        ("wide", "漢字" * 80),
    ],
)
def test_names_and_descriptions_are_kept_in_a_valid_docstring(
    tmp_path: Path, project_name: str, description: str
) -> None:
    project = updated(load_example("rnn_clas"), name=project_name, description=description)
    code = export_python(project)
    namespace: dict[str, Any] = {"__name__": "exported_model"}
    exec(compile(code, "<exported>", "exec"), namespace)
    # Every word survives; control characters become spaces, long words are cut.
    docstring_text = "".join(namespace["__doc__"].split())
    for text in (project_name, description):
        readable = "".join(c if c.isprintable() else " " for c in text)
        assert "".join(readable.split()) in docstring_text
    assert_ruff_clean({"docstring.py": code}, tmp_path)


# --- names, defaults, errors ------------------------------------------------------------------


@given(st.text(min_size=1, max_size=MAX_NAME_LENGTH))
def test_class_names_are_usable_python_class_names(project_name: str) -> None:
    class_name = python_class_name(project_name)
    assert class_name.isidentifier() and class_name.isascii()
    assert not keyword.iskeyword(class_name)
    reserved = {"torch", "super", "print", "model", "x", "y", "name", "parameter", "I", "l", "O"}
    assert class_name not in reserved
    assert not class_name.startswith("__")


@pytest.mark.parametrize(
    ("project_name", "class_name"),
    [
        ("RNN_clas", "RNN_clas"),
        ("SimpleRNN", "SimpleRNN"),
        ("mi modelo", "MiModelo"),
        ("Clasificación de señales", "ClasificacionDeSenales"),
        ("2da red", "Model2daRed"),
        ("model", "Model"),
        ("torch", "Torch"),
        ("None", "NoneModel"),
        ("I", "IModel"),
        ("l", "L"),
        ("__main__", "Main"),
        ("¿?", "Model"),
    ],
)
def test_class_name_keeps_usable_names_and_cleans_the_rest(
    project_name: str, class_name: str
) -> None:
    assert python_class_name(project_name) == class_name


def test_left_out_arguments_are_torchs_own_defaults() -> None:
    modules = {
        "rnn": nn.RNN(input_size=1, hidden_size=2),
        "lstm": nn.LSTM(input_size=1, hidden_size=2),
        "gru": nn.GRU(input_size=1, hidden_size=2),
    }
    for block_type, module in modules.items():
        for argument, default in TORCH_DEFAULTS[block_type].items():
            assert getattr(module, argument) == default, (block_type, argument)
    assert nn.Linear(in_features=1, out_features=1).bias is not None
    assert TORCH_DEFAULTS["linear"] == {"bias": True}


def _broken_project() -> Project:
    return updated(
        load_example("rnn_clas"),
        blocks=[
            {"type": "rnn", "name": "rnn1", "hidden_size": 4},
            {"type": "linear", "name": "fc", "in_features": 7, "out_features": 5},
        ],
    )


def test_a_model_with_an_error_raises_model_error_with_the_analysis_message() -> None:
    project = _broken_project()
    with pytest.raises(ModelError) as raised:
        export_python(project)
    assert str(raised.value) == analyze(project).first_error.message


# --- command line -----------------------------------------------------------------------------


def test_cli_writes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "model.py"
    out.write_text("old contents\n", encoding="utf-8")  # replaced without asking
    assert main(["export", "rnn_clas", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == export_python(load_example("rnn_clas"))
    assert [path.name for path in tmp_path.iterdir()] == ["model.py"]  # no temporary left


def test_cli_applies_input_overrides(tmp_path: Path) -> None:
    out = tmp_path / "model.py"
    assert main(["export", "rnn_clas", "--batch", "7", "-o", str(out)]) == 0
    assert "x = torch.rand(7, 5, 2)" in out.read_text(encoding="utf-8")


def test_cli_dash_prints_the_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "rnn_alumno", "-o", "-"]) == 0
    assert capsys.readouterr().out == export_python(load_example("rnn_alumno"))


def test_cli_model_error_exits_1_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "broken.rnnstudio"
    source.write_text(project_to_json(_broken_project()), encoding="utf-8")
    out = tmp_path / "model.py"
    assert main(["export", str(source), "-o", str(out)]) == 1
    assert not out.exists()
    error = capsys.readouterr().err
    assert "in_features 7" in error and "Traceback" not in error


@pytest.mark.parametrize(
    "contents", ['{"format": "rnnstudio", "blocks": [', '{"format": "other"}', "\x00\xff"]
)
def test_cli_bad_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], contents: str
) -> None:
    source = tmp_path / "bad.rnnstudio"
    source.write_text(contents, encoding="latin-1")
    out = tmp_path / "model.py"
    assert main(["export", str(source), "-o", str(out)]) == 2
    assert not out.exists()
    error = capsys.readouterr().err
    assert error.startswith(f"rnnstudio: {source}") and "Traceback" not in error


def test_cli_unwritable_destination_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "missing folder" / "model.py"
    assert main(["export", "rnn_clas", "-o", str(out)]) == 2
    assert "cannot save the file" in capsys.readouterr().err
