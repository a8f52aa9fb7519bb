"""Project files: every bad file gives one ProjectError naming the file and the field path.

Saving is atomic, and save/load round-trips every example and every valid project.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from project_strategies import json_values, stack_dicts, valid_projects

from rnnstudio.core.errors import ProjectError
from rnnstudio.core.examples import example_names, load_example
from rnnstudio.core.project_io import (
    load_project,
    parse_project,
    project_to_json,
    save_project,
    updated,
)
from rnnstudio.core.spec import BLOCK_TYPES, Project, field_specs, new_block

GOOD = {
    "format": "rnnstudio",
    "version": 1,
    "name": "rnn_clas",
    "input": {"features": 2, "batch": 3, "seq_len": 5, "batch_first": True},
    "blocks": [
        {"type": "rnn", "name": "rnn1", "hidden_size": 40, "num_layers": 2, "output": "last_step"},
        {"type": "linear", "name": "fc", "out_features": 5},
        {"type": "softmax", "name": "softmax", "dim": 1},
    ],
}
GOOD_TEXT = json.dumps(GOOD)


def changed(change) -> bytes:
    """GOOD with one change applied, as file bytes."""
    data = copy.deepcopy(GOOD)
    change(data)
    return json.dumps(data).encode()


def set_in(path: tuple, value):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def first_rnn(**values) -> bytes:
    return changed(lambda data: data["blocks"][0].update(values))


def replace_text(old: str, new: str) -> bytes:
    assert old in GOOD_TEXT
    return GOOD_TEXT.replace(old, new).encode()


# (id, file bytes, field path or None for whole-file problems, words the message must hold)
BAD_FILES = [
    ("empty", b"", None, ["empty"]),
    ("whitespace", b" \n\t  \r\n", None, ["empty"]),
    ("truncated", GOOD_TEXT[: len(GOOD_TEXT) // 2].encode(), None, ["not valid JSON"]),
    ("trailing garbage", GOOD_TEXT.encode() + b" }", None, ["not valid JSON"]),
    ("binary", bytes(range(256)) * 4, None, ["not UTF-8"]),
    (
        "latin-1",
        GOOD_TEXT.replace("rnn_clas", "clasificación").encode("latin-1"),
        None,
        ["not UTF-8"],
    ),
    ("utf-16", GOOD_TEXT.encode("utf-16"), None, ["not UTF-8"]),
    ("nested lists", b"[" * 100_000 + b"]" * 100_000, None, ["nested too deeply"]),
    ("nested objects", b'{"a":' * 100_000 + b"1" + b"}" * 100_000, None, ["nested too deeply"]),
    (
        "huge integer",
        replace_text('"hidden_size": 40', '"hidden_size": ' + "9" * 400),
        "blocks[0].hidden_size",
        ["must be at most 10000000"],
    ),
    (
        "integer beyond int()",
        replace_text('"hidden_size": 40', '"hidden_size": ' + "9" * 5000),
        None,
        ["5000 digits"],
    ),
    ("NaN", replace_text('"hidden_size": 40', '"hidden_size": NaN'), None, ["NaN"]),
    (
        "Infinity",
        replace_text('"num_layers": 2', '"num_layers": 2, "dropout": Infinity'),
        None,
        ["Infinity"],
    ),
    ("-Infinity", replace_text('"dim": 1', '"dim": -Infinity'), None, ["-Infinity"]),
    (
        "negative size",
        first_rnn(hidden_size=-4),
        "blocks[0].hidden_size",
        ["must be at least 1, got -4"],
    ),
    ("zero layers", first_rnn(num_layers=0), "blocks[0].num_layers", ["must be at least 1"]),
    (
        "true for an int",
        first_rnn(hidden_size=True),
        "blocks[0].hidden_size",
        ["must be an integer, got true"],
    ),
    (
        "float for an int",
        first_rnn(hidden_size=40.0),
        "blocks[0].hidden_size",
        ["must be an integer, got 40.0"],
    ),
    (
        "string for an int",
        first_rnn(num_layers="2"),
        "blocks[0].num_layers",
        ['must be an integer, got "2"'],
    ),
    (
        "int for a bool",
        first_rnn(batch_first=1),
        "blocks[0].batch_first",
        ["must be true or false, got 1"],
    ),
    (
        "null for a required int",
        first_rnn(hidden_size=None),
        "blocks[0].hidden_size",
        ["must be an integer, got null"],
    ),
    (
        "unknown key",
        changed(lambda d: d["blocks"][0].update(hiden_size=d["blocks"][0].pop("hidden_size"))),
        "blocks[0].hiden_size",
        ["unknown field 'hiden_size'", "did you mean 'hidden_size'"],
    ),
    (
        "unknown input key",
        changed(set_in(("input", "seqlen"), 4)),
        "input.seqlen",
        ["did you mean 'seq_len'"],
    ),
    ("unknown top key", changed(set_in(("blokcs",), [])), "blokcs", ["did you mean 'blocks'"]),
    (
        "unknown block type",
        first_rnn(type="lstn"),
        "blocks[0]",
        ["unknown block type 'lstn'", "did you mean 'lstm'"],
    ),
    ("missing type", changed(lambda d: d["blocks"][0].pop("type")), "blocks[0]", ['has no "type"']),
    (
        "missing required",
        changed(lambda d: d["blocks"][1].pop("out_features")),
        "blocks[1].out_features",
        ["is required but missing"],
    ),
    (
        "newer version",
        changed(set_in(("version",), 2)),
        "version",
        ["version 2", "newer rnnstudio", "update rnnstudio"],
    ),
    ("version zero", changed(set_in(("version",), 0)), "version", ["must be at least 1"]),
    (
        "wrong format",
        changed(set_in(("format",), "keras")),
        "format",
        ['"keras"', '"format": "rnnstudio"'],
    ),
    ("no format", changed(lambda d: d.pop("format")), "format", ["no format field"]),
    (
        "duplicate names",
        changed(set_in(("blocks", 2, "name"), "rnn1")),
        "blocks[2].name",
        ["'rnn1' is already the name of blocks[0]"],
    ),
    ("keyword name", first_rnn(name="class"), "blocks[0].name", ["Python keyword"]),
    ("leading underscore", first_rnn(name="_rnn"), "blocks[0].name", ["must not start with '_'"]),
    ("not an identifier", first_rnn(name="my rnn"), "blocks[0].name", ["Python identifier"]),
    ("starts with digit", first_rnn(name="1rnn"), "blocks[0].name", ["Python identifier"]),
    ("non-ascii name", first_rnn(name="capa_ñ"), "blocks[0].name", ["Python identifier"]),
    (
        "module attribute",
        first_rnn(name="forward"),
        "blocks[0].name",
        ["already an attribute of torch.nn.Module"],
    ),
    ("empty name", first_rnn(name=""), "blocks[0].name", ["must not be empty"]),
    ("final_cell on rnn", first_rnn(output="final_cell"), "blocks[0].output", ["only for lstm"]),
    (
        "final_cell on gru",
        first_rnn(type="gru", output="final_cell"),
        "blocks[0].output",
        ["only for lstm"],
    ),
    ("unknown output", first_rnn(output="last"), "blocks[0].output", ["did you mean 'last_step'"]),
    (
        "proj_size = hidden_size",
        first_rnn(type="lstm", proj_size=40),
        "blocks[0].proj_size",
        ["proj_size has to be smaller than hidden_size", "40"],
    ),
    (
        "proj_size > hidden_size",
        first_rnn(type="lstm", proj_size=50),
        "blocks[0].proj_size",
        ["proj_size has to be smaller than hidden_size", "50"],
    ),
    ("proj_size on rnn", first_rnn(proj_size=2), "blocks[0].proj_size", ["unknown field"]),
    (
        "nonlinearity on lstm",
        first_rnn(type="lstm", nonlinearity="relu"),
        "blocks[0].nonlinearity",
        ["unknown field"],
    ),
    (
        "bad nonlinearity",
        first_rnn(nonlinearity="sigmoid"),
        "blocks[0].nonlinearity",
        ["'tanh' or 'relu'", '"sigmoid"'],
    ),
    ("dropout 1", first_rnn(dropout=1.0), "blocks[0].dropout", ["must be less than 1"]),
    ("dropout negative", first_rnn(dropout=-0.1), "blocks[0].dropout", ["must be at least 0"]),
    ("dropout string", first_rnn(dropout="0.5"), "blocks[0].dropout", ["must be a number"]),
    (
        "softmax dim string",
        changed(set_in(("blocks", 2, "dim"), "1")),
        "blocks[2].dim",
        ["must be an integer"],
    ),
    (
        "softmax dim float",
        changed(set_in(("blocks", 2, "dim"), 1.0)),
        "blocks[2].dim",
        ["must be an integer"],
    ),
    (
        "softmax dim huge",
        changed(set_in(("blocks", 2, "dim"), 99)),
        "blocks[2].dim",
        ["must be at most"],
    ),
    ("blocks an object", changed(set_in(("blocks",), {"rnn1": {}})), "blocks", ["must be a list"]),
    ("blocks null", changed(set_in(("blocks",), None)), "blocks", ["must be a list"]),
    (
        "block a string",
        changed(set_in(("blocks", 1), "linear")),
        "blocks[1]",
        ["must be an object"],
    ),
    ("input a list", changed(set_in(("input",), [2, 3, 5])), "input", ["must be an object"]),
    (
        "input batch zero",
        changed(set_in(("input", "batch"), 0)),
        "input.batch",
        ["must be at least 1, got 0"],
    ),
    (
        "signal not an object",
        changed(set_in(("input", "signal"), "sine")),
        "input.signal",
        ["must be an object"],
    ),
    ("empty project name", changed(set_in(("name",), "")), "name", ["must not be empty"]),
    ("top level a list", json.dumps([GOOD]).encode(), None, ["must be a JSON object", "a list"]),
    ("top level a string", b'"rnn_clas"', None, ["must be a JSON object"]),
    ("top level null", b"null", None, ["must be a JSON object"]),
]


@pytest.mark.parametrize(
    ("content", "field", "words"),
    [case[1:] for case in BAD_FILES],
    ids=[case[0] for case in BAD_FILES],
)
def test_bad_file_gives_project_error_naming_file_and_field(tmp_path, content, field, words):
    path = tmp_path / "clase.rnnstudio"
    path.write_bytes(content)
    with pytest.raises(ProjectError) as caught:
        load_project(path)
    error = caught.value
    assert type(error) is ProjectError
    message = str(error)
    assert message.startswith(f"{path}:")
    assert error.path == str(path)
    assert error.field == field
    if field is not None:
        assert f"{field}: " in message
    for word in words:
        assert word in message
    assert "Traceback" not in message
    assert len(message.splitlines()) <= 8


def test_the_example_message_of_the_issue(tmp_path):
    path = tmp_path / "bad.rnnstudio"
    path.write_bytes(first_rnn(hidden_size=-4))
    with pytest.raises(ProjectError, match=r"blocks\[0\]\.hidden_size: must be at least 1, got -4"):
        load_project(path)


def test_the_good_file_itself_loads(tmp_path):
    """The bad files above differ from this one by a single change."""
    path = tmp_path / "good.rnnstudio"
    path.write_text(GOOD_TEXT)
    project = load_project(path)
    assert [block.name for block in project.blocks] == ["rnn1", "fc", "softmax"]
    assert project.blocks[0].hidden_size == 40


def test_many_problems_are_listed_up_to_a_limit():
    blocks = [{"type": "rnn", "name": f"rnn{i}", "hidden_size": -i} for i in range(10)]
    with pytest.raises(ProjectError) as caught:
        parse_project({**GOOD, "blocks": blocks}, source="many.rnnstudio")
    lines = str(caught.value).splitlines()
    assert "blocks[0].hidden_size: must be at least 1, got 0" in lines[1]
    assert "more problems" in lines[-1]
    assert len(lines) <= 8


def test_missing_file(tmp_path):
    path = tmp_path / "no_such.rnnstudio"
    with pytest.raises(ProjectError) as caught:
        load_project(path)
    assert str(caught.value).startswith(str(path))
    assert "cannot read" in str(caught.value)


def test_a_folder_is_not_a_project(tmp_path):
    with pytest.raises(ProjectError, match="cannot read"):
        load_project(tmp_path)


def test_an_oversized_file_is_refused_unread(tmp_path):
    path = tmp_path / "big.rnnstudio"
    path.write_bytes(b" " * (6 * 1024 * 1024))
    with pytest.raises(ProjectError, match="larger than"):
        load_project(path)


def test_a_utf8_bom_is_accepted():
    project = parse_project(b"\xef\xbb\xbf" + GOOD_TEXT.encode())
    assert project.name == "rnn_clas"


# --- any bytes, any JSON: only ProjectError -------------------------------------------------


@given(st.binary(max_size=300))
def test_arbitrary_bytes_only_raise_project_error(data):
    try:
        parse_project(data, source="fuzz.rnnstudio")
    except ProjectError as error:
        assert str(error).startswith("fuzz.rnnstudio")


@given(json_values)
def test_arbitrary_json_only_raises_project_error(value):
    for data in (json.dumps(value).encode(), json.dumps(value)):
        try:
            parse_project(data, source="fuzz.rnnstudio")
        except ProjectError as error:
            assert str(error).startswith("fuzz.rnnstudio")


project_keys = st.sampled_from(
    ["format", "version", "name", "description", "input", "blocks", "signal", "bloks"]
)
block_keys = st.sampled_from(
    [
        "type",
        "name",
        "hidden_size",
        "num_layers",
        "output",
        "proj_size",
        "dim",
        "out_features",
        "in_features",
        "input_size",
        "bias",
        "dropout",
        "nonlinearity",
        "batch_first",
    ]
)
block_types = st.sampled_from(["rnn", "lstm", "gru", "linear", "softmax", "lstn", 3, None])


@given(
    st.dictionaries(project_keys, json_values, max_size=5),
    st.lists(st.dictionaries(block_keys, json_values | block_types, max_size=6), max_size=3),
)
def test_project_shaped_json_only_raises_project_error(top, blocks):
    """Objects that look like projects reach deep into validation, not just the first check."""
    data = {"format": "rnnstudio", "version": 1, **top, "blocks": blocks}
    try:
        parse_project(json.dumps(data), source="fuzz.rnnstudio")
    except ProjectError as error:
        assert str(error).startswith("fuzz.rnnstudio")


@given(stack_dicts(), st.data())
def test_one_wrong_value_names_its_field(data, draw):
    """Replace one field of a valid project by a value of the wrong type: the path names it."""
    block_index = draw.draw(st.integers(min_value=0, max_value=len(data["blocks"]) - 1))
    block = data["blocks"][block_index]
    key = draw.draw(st.sampled_from(sorted(set(block) - {"type"})))
    block[key] = draw.draw(st.sampled_from([[], {}, [1, 2]]))
    with pytest.raises(ProjectError) as caught:
        parse_project(json.dumps(data), source="one.rnnstudio")
    assert f"blocks[{block_index}].{key}: " in str(caught.value)


# --- save and load --------------------------------------------------------------------------


@pytest.mark.parametrize("example", example_names())
def test_every_example_round_trips(tmp_path, example):
    project = load_example(example)
    path = tmp_path / f"{example}.rnnstudio"
    save_project(project, path)
    assert load_project(path) == project
    assert path.read_text(encoding="utf-8") == project_to_json(project)


@given(valid_projects())
def test_valid_projects_round_trip(project):
    text = project_to_json(project)
    assert parse_project(text.encode()) == project
    assert parse_project(json.loads(text)) == project


def test_round_trip_through_a_real_file(tmp_path):
    project = parse_project({**GOOD, "name": "clasificación ñ", "description": "una red «simple»"})
    path = tmp_path / "sub folder" / "red.rnnstudio"
    path.parent.mkdir()
    save_project(project, path)
    assert load_project(path) == project


def test_input_signal_is_kept(tmp_path):
    signal = {"kind": "sine", "frequency": 0.1, "amplitude": 2.0, "seed": 3}
    project = parse_project({**GOOD, "input": {**GOOD["input"], "signal": signal}})
    assert project.input.signal is not None
    path = tmp_path / "signal.rnnstudio"
    save_project(project, path)
    saved = json.loads(path.read_text())["input"]["signal"]
    assert saved["kind"] == "sine"
    assert saved["amplitude"] == 2.0
    assert saved["seed"] == 3
    assert load_project(path).input.signal == project.input.signal
    assert load_project(path) == project


def test_a_project_without_signal_saves_none(tmp_path):
    path = tmp_path / "plain.rnnstudio"
    save_project(parse_project(GOOD), path)
    assert "signal" not in json.loads(path.read_text())["input"]
    assert load_project(path).input.signal is None


def _fail(exception: BaseException):
    def fail(*_args, **_kwargs):
        raise exception

    return fail


@pytest.mark.parametrize(
    ("target", "exception", "expected"),
    [
        ("replace", OSError(28, "No space left on device"), ProjectError),
        ("fsync", OSError(5, "Input/output error"), ProjectError),
        ("fsync", KeyboardInterrupt(), KeyboardInterrupt),
    ],
    ids=["rename fails", "flush fails", "interrupted mid-write"],
)
def test_save_is_atomic(tmp_path, monkeypatch, target, exception, expected):
    path = tmp_path / "red.rnnstudio"
    save_project(load_example("rnn_clas"), path)
    before = path.read_bytes()
    monkeypatch.setattr(os, target, _fail(exception))
    with pytest.raises(expected) as caught:
        save_project(load_example("rnn_alumno"), path)
    monkeypatch.undo()
    if expected is ProjectError:
        assert str(caught.value).startswith(f"{path}: cannot save")
        assert exception.strerror in str(caught.value)
    assert path.read_bytes() == before
    assert load_project(path) == load_example("rnn_clas")
    assert os.listdir(tmp_path) == ["red.rnnstudio"]


class _FailsHalfwayThroughWrite:
    """Wraps the temporary file: writes half the text, then reports a full disk."""

    def __init__(self, handle):
        self._handle = handle

    def __enter__(self):
        self._handle.__enter__()
        return self

    def __exit__(self, *exc_info):
        return self._handle.__exit__(*exc_info)

    def __getattr__(self, attribute):
        return getattr(self._handle, attribute)

    def write(self, text):
        self._handle.write(text[: len(text) // 2])
        self._handle.flush()
        raise OSError(28, "No space left on device")


def test_save_failing_midway_through_the_write_leaves_the_old_file(tmp_path, monkeypatch):
    import tempfile

    path = tmp_path / "red.rnnstudio"
    save_project(load_example("rnn_clas"), path)
    before = path.read_bytes()
    real_named_temporary_file = tempfile.NamedTemporaryFile
    opened = []

    def failing_named_temporary_file(*args, **kwargs):
        handle = real_named_temporary_file(*args, **kwargs)
        opened.append(Path(handle.name))
        return _FailsHalfwayThroughWrite(handle)

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", failing_named_temporary_file)
    with pytest.raises(ProjectError, match="No space left on device"):
        save_project(load_example("rnn_alumno"), path)
    monkeypatch.undo()
    assert len(opened) == 1
    assert opened[0].parent == tmp_path
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["red.rnnstudio"]


def test_save_into_a_missing_folder_is_a_project_error(tmp_path):
    path = tmp_path / "missing" / "red.rnnstudio"
    with pytest.raises(ProjectError, match="cannot save"):
        save_project(load_example("rnn_clas"), path)
    assert not path.parent.exists()


def test_save_keeps_the_permissions_of_the_file_it_replaces(tmp_path):
    path = tmp_path / "red.rnnstudio"
    path.write_text("{}")
    path.chmod(0o640)
    save_project(load_example("rnn_clas"), path)
    assert path.stat().st_mode & 0o777 == 0o640
    assert load_project(path) == load_example("rnn_clas")


def test_the_file_is_json_only(tmp_path):
    """A pickle is refused as not UTF-8 / not JSON, never unpickled."""
    import pickle

    path = tmp_path / "evil.rnnstudio"
    path.write_bytes(pickle.dumps(GOOD))
    with pytest.raises(ProjectError):
        load_project(path)


def test_relative_path_in_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    save_project(load_example("ejemplo_a"), "a.rnnstudio")
    assert load_project(Path("a.rnnstudio")) == load_example("ejemplo_a")
    assert os.listdir(tmp_path) == ["a.rnnstudio"]


# --- updated(): the validated copy the window makes on every edit ------------------------------

huge_integers = st.integers(min_value=10**4400, max_value=10**4500) | st.just(-(10**6000))


@given(
    st.sampled_from(BLOCK_TYPES),
    st.data(),
    json_values | huge_integers | st.just(float("nan")) | st.just(float("-inf")),
)
def test_updated_only_raises_project_error_naming_the_field(block_type, data, value):
    block = new_block(Project(), block_type)
    field = data.draw(st.sampled_from([spec.name for spec in field_specs(block_type)]))
    try:
        changed_block = updated(block, **{field: value})
    except ProjectError as error:
        assert error.field == field
        assert str(error).startswith(f"{field}: ")
        assert len(str(error)) < 400
    else:
        assert getattr(changed_block, field) == value


def test_a_number_too_long_to_print_is_described_not_printed():
    with pytest.raises(ProjectError) as caught:
        parse_project(
            {**GOOD, "blocks": [{"type": "rnn", "name": "rnn1", "hidden_size": 10**5000}]},
            source="big.rnnstudio",
        )
    assert str(caught.value) == (
        "big.rnnstudio: blocks[0].hidden_size: must be at most 10000000, "
        "got a number of about 5000 digits"
    )
