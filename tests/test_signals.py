"""Input signals: each kind against its formula computed here with numpy/torch, the layout,
seeding, the project file round trip, CSV files and their error messages."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import assume, given
from hypothesis import strategies as st

from rnnstudio.core.errors import ProjectError
from rnnstudio.core.project_io import load_project, parse_project, save_project, updated
from rnnstudio.core.signals import (
    SIGNAL_CLASSES,
    CsvSignal,
    ImpulseSignal,
    NormalSignal,
    RampSignal,
    SineSignal,
    SquareSignal,
    StepSignal,
    UniformSignal,
    load_csv_signal,
    make_input,
    signal_field_specs,
    signal_kinds,
)
from rnnstudio.core.spec import InputSpec, Project


def project_with(
    *, features: int = 2, batch: int = 3, seq_len: int = 7, batch_first: bool = True, signal=None
) -> Project:
    return Project(
        input=InputSpec(
            features=features,
            batch=batch,
            seq_len=seq_len,
            batch_first=batch_first,
            signal=signal,
        )
    )


def file_json(signal: dict | None, **input_fields) -> str:
    data = {"format": "rnnstudio", "input": dict(input_fields)}
    if signal is not None:
        data["input"]["signal"] = signal
    return json.dumps(data)


def private_generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


# --- every kind against its formula --------------------------------------------------------


def test_default_signal_is_the_notebooks_torch_rand_with_a_private_generator():
    project = project_with(batch=4, seq_len=5, features=3)
    assert project.input.signal is None
    expected = torch.rand(4, 5, 3, generator=private_generator(0))
    x = make_input(project)
    assert x.dtype == torch.float32
    assert torch.equal(x, expected)
    assert torch.equal(
        make_input(project, seed=11), torch.rand(4, 5, 3, generator=private_generator(11))
    )
    assert x.min() >= 0.0 and x.max() < 1.0


def test_uniform_range_scales_the_unit_draws():
    signal = UniformSignal(low=-2.0, high=3.0, seed=5)
    x = make_input(project_with(signal=signal)).numpy()
    unit = torch.rand(3, 7, 2, generator=private_generator(5)).double().numpy()
    np.testing.assert_allclose(x, -2.0 + 5.0 * unit, rtol=1e-6, atol=1e-6)
    assert x.min() >= -2.0 and x.max() <= 3.0


def test_normal_is_mean_plus_std_times_standard_normal():
    signal = NormalSignal(mean=4.0, std=0.5, seed=3)
    x = make_input(project_with(signal=signal)).numpy()
    standard = torch.randn(3, 7, 2, generator=private_generator(3)).double().numpy()
    np.testing.assert_allclose(x, 4.0 + 0.5 * standard, rtol=1e-6, atol=1e-6)


def test_sine_per_feature_frequency_and_phase():
    signal = SineSignal(frequency=(0.1, 0.25), phase=(0.0, math.pi / 3), amplitude=2.0)
    x = make_input(project_with(signal=signal, seq_len=12)).numpy()
    t = np.arange(12)[:, None]
    expected = 2.0 * np.sin(2 * np.pi * np.array([0.1, 0.25]) * t + np.array([0.0, math.pi / 3]))
    for item in x:  # without noise every batch item holds the same sequence
        np.testing.assert_allclose(item, expected, atol=1e-6)


def test_one_number_applies_to_every_feature():
    signal = SineSignal(frequency=0.2, phase=1.0)
    x = make_input(project_with(signal=signal, features=3)).numpy()
    expected = np.sin(2 * np.pi * 0.2 * np.arange(7) + 1.0)
    for feature in range(3):
        np.testing.assert_allclose(x[0, :, feature], expected, atol=1e-6)


def test_square_is_the_sign_of_the_sine_with_the_same_frequency_and_phase():
    frequency, phase, amplitude = (0.07, 0.2), (0.5, -2.0), 1.5
    signal = SquareSignal(frequency=frequency, phase=phase, amplitude=amplitude)
    x = make_input(project_with(signal=signal, seq_len=60, batch=1)).numpy()[0]
    t = np.arange(60)[:, None]
    cycles = np.array(frequency) * t + np.array(phase) / (2 * np.pi)
    expected = np.where(np.mod(cycles, 1.0) < 0.5, amplitude, -amplitude)
    np.testing.assert_array_equal(x, expected)
    sine = np.sin(2 * np.pi * cycles)
    clear = np.abs(sine) > 1e-6
    np.testing.assert_array_equal(x[clear], amplitude * np.sign(sine[clear]))


def test_step_and_impulse():
    step = make_input(project_with(signal=StepSignal(at_step=3, amplitude=-2.5))).numpy()
    expected_step = np.zeros((7, 2))
    expected_step[3:] = -2.5
    impulse = make_input(project_with(signal=ImpulseSignal(at_step=4, amplitude=3.0))).numpy()
    expected_impulse = np.zeros((7, 2))
    expected_impulse[4] = 3.0
    for b in range(3):
        np.testing.assert_array_equal(step[b], expected_step)
        np.testing.assert_array_equal(impulse[b], expected_impulse)


def test_ramp_runs_from_start_at_the_first_step_to_stop_at_the_last():
    x = make_input(project_with(signal=RampSignal(start=-1.0, stop=4.0), seq_len=9)).numpy()
    expected = np.linspace(-1.0, 4.0, 9)
    np.testing.assert_allclose(x[1, :, 0], expected, atol=1e-6)
    np.testing.assert_allclose(x[2, :, 1], expected, atol=1e-6)
    single = make_input(project_with(signal=RampSignal(start=2.0, stop=5.0), seq_len=1))
    assert torch.equal(single, torch.full((3, 1, 2), 2.0))


def test_noise_is_seeded_gaussian_added_to_the_clean_signal_and_differs_per_batch_item():
    clean = make_input(project_with(signal=SineSignal(frequency=0.1)))
    noisy = make_input(project_with(signal=SineSignal(frequency=0.1, noise=0.3, seed=9)))
    expected_noise = 0.3 * torch.randn(3, 7, 2, generator=private_generator(9))
    torch.testing.assert_close(noisy - clean, expected_noise, rtol=0, atol=1e-6)
    assert not torch.equal(noisy[0], noisy[1])


@pytest.mark.parametrize("kind", ["uniform", "normal"])
def test_random_kinds_give_every_batch_item_its_own_sequence(kind):
    x = make_input(project_with(signal=SIGNAL_CLASSES[kind](), batch=4))
    for first in range(4):
        for second in range(first + 1, 4):
            assert not torch.equal(x[first], x[second])


# --- layout and seeding ---------------------------------------------------------------------

ALL_NON_FILE_SIGNALS = [
    UniformSignal(seed=1),
    NormalSignal(seed=2),
    SineSignal(frequency=(0.1, 0.3), noise=0.1, seed=3),
    SquareSignal(phase=1.0),
    StepSignal(at_step=2, noise=0.2),
    ImpulseSignal(at_step=5),
    RampSignal(start=3.0, stop=-3.0, noise=0.5, seed=4),
]


@pytest.mark.parametrize("signal", ALL_NON_FILE_SIGNALS, ids=lambda s: s.kind)
def test_time_major_layout_holds_the_same_sequences(signal):
    batch_major = make_input(project_with(signal=signal, batch_first=True))
    time_major = make_input(project_with(signal=signal, batch_first=False))
    assert batch_major.shape == (3, 7, 2)
    assert time_major.shape == (7, 3, 2)
    assert time_major.is_contiguous()
    assert torch.equal(time_major, batch_major.transpose(0, 1))


@pytest.mark.parametrize("signal", ALL_NON_FILE_SIGNALS, ids=lambda s: s.kind)
def test_same_seed_same_values_and_the_global_rng_is_untouched(signal):
    project = project_with(signal=signal)
    torch.manual_seed(1234)
    state = torch.get_rng_state()
    first = make_input(project)
    second = make_input(project)
    assert torch.equal(torch.get_rng_state(), state)
    assert torch.equal(first, second)
    randomness = isinstance(signal, UniformSignal | NormalSignal) or signal.noise > 0
    other_seed = make_input(project, seed=signal.seed + 1)
    assert torch.equal(first, other_seed) is not randomness


def test_seed_argument_replaces_the_signals_seed():
    project = project_with(signal=NormalSignal(seed=3))
    assert torch.equal(
        make_input(project, seed=8), make_input(project_with(signal=NormalSignal(seed=8)))
    )


def test_signal_argument_replaces_the_projects_signal():
    project = project_with(signal=NormalSignal())
    assert torch.equal(
        make_input(project, signal=RampSignal()), make_input(project_with(signal=RampSignal()))
    )


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, True])
def test_bad_seed_argument_is_a_clear_error(seed):
    with pytest.raises(ProjectError, match="seed must be a whole number from 0 to 4294967295"):
        make_input(project_with(), seed=seed)


def test_per_feature_values_must_match_the_feature_count():
    project = project_with(signal=SineSignal(frequency=(0.1, 0.2, 0.3)), features=2)
    with pytest.raises(ProjectError) as caught:
        make_input(project)
    assert caught.value.field == "input.signal.frequency"
    assert "has 3 values but input.features is 2" in str(caught.value)


@pytest.mark.parametrize("signal_class", [StepSignal, ImpulseSignal])
def test_a_step_after_the_sequence_is_a_clear_error(signal_class):
    with pytest.raises(ProjectError) as caught:
        make_input(project_with(signal=signal_class(at_step=7), seq_len=7))
    assert caught.value.field == "input.signal.at_step"
    assert "is 7 but the sequence has only 7 time steps (0 to 6)" in str(caught.value)
    with pytest.raises(ProjectError, match=r"only 1 time step \(step 0\); choose a step below 1"):
        make_input(project_with(signal=signal_class(at_step=1), seq_len=1))


# --- the project file -----------------------------------------------------------------------


def test_the_issues_json_loads_and_feeds_a_sine():
    project = parse_project(file_json({"kind": "sine", "frequency": 0.1, "seed": 0}, seq_len=10))
    assert project.input.signal == SineSignal(frequency=(0.1,), seed=0)
    expected = np.sin(2 * np.pi * 0.1 * np.arange(10))
    np.testing.assert_allclose(make_input(project).numpy()[0, :, 0], expected, atol=1e-6)


def test_a_file_without_signal_gets_the_uniform_default():
    project = parse_project(file_json(None, batch=2, seq_len=4))
    assert project.input.signal is None
    assert torch.equal(make_input(project), torch.rand(2, 4, 1, generator=private_generator(0)))
    assert "signal" not in project.to_json_dict()["input"]


SAVED_SIGNALS = [
    UniformSignal(low=-1.0, high=1.0, seed=4),
    NormalSignal(mean=1.0, std=2.0),
    SineSignal(frequency=(0.1, 0.2), phase=(0.5,), amplitude=3.0, noise=0.1, seed=7),
    SquareSignal(frequency=(0.05,)),
    StepSignal(at_step=2),
    ImpulseSignal(at_step=1, amplitude=-1.0),
    RampSignal(start=1.0, stop=0.0),
    CsvSignal(path="data/signal.csv"),
]


@pytest.mark.parametrize("signal", SAVED_SIGNALS, ids=lambda s: s.kind)
def test_every_signal_survives_save_and_load(tmp_path, signal):
    project = project_with(signal=signal)
    path = tmp_path / "model.rnnstudio"
    save_project(project, path)
    loaded = load_project(path)
    assert loaded == project
    assert hash(loaded) == hash(project)
    written = json.loads(path.read_text())["input"]["signal"]
    assert written["kind"] == signal.kind


def test_written_signal_reads_as_a_person_writes_it():
    project = project_with(signal=SineSignal(frequency=(0.2,), phase=(0.0, 1.0), seed=3))
    written = project.to_json_dict()["input"]["signal"]
    assert written == {"kind": "sine", "frequency": 0.2, "phase": [0.0, 1.0], "seed": 3}


def test_updating_the_input_keeps_the_signal():
    project = project_with(signal=SineSignal(frequency=(0.1, 0.2)))
    changed = updated(project, input=updated(project.input, batch=5))
    assert changed.input.signal == project.input.signal
    assert changed.input.batch == 5


@pytest.mark.parametrize(
    ("signal", "field", "words"),
    [
        ({"kind": "sin"}, "input.signal", "unknown signal kind 'sin'"),
        ({"kind": "sin"}, "input.signal", "did you mean 'sine'?"),
        ({"frequency": 0.1}, "input.signal", 'has no "kind"'),
        ({"kind": "sine", "frequncy": 0.1}, "input.signal.frequncy", "did you mean 'frequency'?"),
        ({"kind": "sine", "frequency": [0.1, 0.9]}, "input.signal.frequency[1]", "at most 0.5"),
        ({"kind": "sine", "frequency": "fast"}, "input.signal.frequency", "must be a number"),
        ({"kind": "sine", "frequency": []}, "input.signal.frequency", "at least one value"),
        ({"kind": "normal", "std": -1}, "input.signal.std", "must be at least 0"),
        ({"kind": "uniform", "low": 2}, "input.signal", "high must be greater than low"),
        ({"kind": "step", "at_step": 1.5}, "input.signal.at_step", "must be an integer"),
        ({"kind": "csv"}, "input.signal.path", "is required but missing"),
        ({"kind": "uniform", "seed": -1}, "input.signal.seed", "must be at least 0"),
    ],
)
def test_bad_signal_in_a_file_names_the_field(signal, field, words):
    with pytest.raises(ProjectError) as caught:
        parse_project(file_json(signal), source="lesson.rnnstudio")
    assert caught.value.field == field
    assert f"{field}:" in str(caught.value)
    assert words in str(caught.value)
    assert str(caught.value).startswith("lesson.rnnstudio:")


# --- form descriptions ----------------------------------------------------------------------


def test_every_signal_field_has_help_and_numeric_fields_have_bounds():
    assert signal_kinds()[0] == "uniform"
    assert set(signal_kinds()) == set(SIGNAL_CLASSES)
    for kind in signal_kinds():
        specs = signal_field_specs(kind)
        assert [spec.name for spec in specs] == [
            name for name in SIGNAL_CLASSES[kind].model_fields if name != "kind"
        ]
        for spec in specs:
            assert spec.help.endswith("."), (kind, spec.name)
            if spec.kind in ("int", "float", "floats"):
                assert spec.minimum is not None and spec.maximum is not None, (kind, spec.name)


def test_frequency_bounds_reach_the_form():
    frequency = next(spec for spec in signal_field_specs("sine") if spec.name == "frequency")
    assert (frequency.kind, frequency.minimum, frequency.maximum) == ("floats", 0.0, 0.5)
    path = next(iter(signal_field_specs("csv")))
    assert (path.name, path.kind, path.required) == ("path", "path", True)


def test_unknown_kind_for_a_form_is_a_project_error():
    with pytest.raises(ProjectError, match="unknown signal kind 'wave'"):
        signal_field_specs("wave")


# --- any valid spec -------------------------------------------------------------------------


def _field_values(spec, features: int, seq_len: int):
    if spec.name == "at_step":
        return st.integers(0, seq_len - 1)
    if spec.kind == "int":
        return st.integers(int(spec.minimum), int(spec.maximum))
    if spec.kind == "float":
        return st.floats(spec.minimum, spec.maximum, allow_nan=False)
    numbers = st.floats(spec.minimum, spec.maximum, allow_nan=False)
    return st.one_of(numbers, st.lists(numbers, min_size=features, max_size=features))


@st.composite
def valid_inputs(draw):
    features = draw(st.integers(1, 4))
    seq_len = draw(st.integers(1, 20))
    kind = draw(st.sampled_from([kind for kind in signal_kinds() if kind != "csv"]))
    values = {
        spec.name: draw(_field_values(spec, features, seq_len))
        for spec in signal_field_specs(kind)
        if spec.name == "at_step" or draw(st.booleans())  # the default step may not fit
    }
    if kind == "uniform":
        assume(values.get("high", 1.0) > values.get("low", 0.0))
    signal = SIGNAL_CLASSES[kind].model_validate({"kind": kind, **values})
    input_spec = InputSpec(
        features=features,
        batch=draw(st.integers(1, 4)),
        seq_len=seq_len,
        batch_first=draw(st.booleans()),
        signal=signal,
    )
    return Project(input=input_spec)


@given(valid_inputs())
def test_any_valid_signal_gives_the_input_shape_and_finite_float32(project):
    x = make_input(project)
    assert tuple(x.shape) == project.input.shape
    assert x.dtype == torch.float32
    assert torch.isfinite(x).all()
    assert parse_project(project.to_json_dict()) == project


# --- CSV files ------------------------------------------------------------------------------


def write(tmp_path: Path, text: str | bytes, name: str = "signal.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_csv_with_and_without_header(tmp_path):
    expected = np.array([[1.0, -2.5], [3.0, 4e-3], [0.0, 1e6]])
    body = "1,-2.5\n3,4e-3\n0,1e6\n"
    np.testing.assert_array_equal(load_csv_signal(write(tmp_path, body, "plain.csv")), expected)
    with_header = write(tmp_path, '"x, left",y\n' + body, "header.csv")
    np.testing.assert_array_equal(load_csv_signal(with_header), expected)


def test_csv_from_a_spanish_spreadsheet_with_bom_semicolons_and_decimal_commas(tmp_path):
    path = write(tmp_path, "\ufefftiempo;valor\r\n0,5;1\r\n\r\n-1,25;2\r\n")
    np.testing.assert_array_equal(load_csv_signal(path), [[0.5, 1.0], [-1.25, 2.0]])


def test_csv_signal_feeds_its_first_seq_len_rows_to_every_batch_item(tmp_path):
    rows = np.arange(20, dtype=np.float64).reshape(10, 2) / 4
    write(tmp_path, "a,b\n" + "\n".join(f"{a},{b}" for a, b in rows))
    project = project_with(signal=CsvSignal(path="signal.csv"), seq_len=6, batch=3)
    x = make_input(project, folder=tmp_path)
    for item in x:
        np.testing.assert_array_equal(item.numpy(), rows[:6])
    time_major = make_input(
        updated(project, input=updated(project.input, batch_first=False)), folder=tmp_path
    )
    assert torch.equal(time_major, x.transpose(0, 1))


def test_csv_signal_relative_path_starts_at_the_given_folder(tmp_path):
    folder = tmp_path / "lesson"
    folder.mkdir()
    write(folder, "1,2\n3,4\n5,6\n")
    project = project_with(signal=CsvSignal(path="signal.csv"), seq_len=3, batch=1)
    assert torch.equal(
        make_input(project, folder=folder)[0], torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    )
    absolute = project_with(signal=CsvSignal(path=str(folder / "signal.csv")), seq_len=3, batch=1)
    assert torch.equal(make_input(absolute), make_input(project, folder=folder))


def test_csv_with_other_feature_count_names_both_numbers(tmp_path):
    write(tmp_path, "1,2,3\n4,5,6\n")
    project = project_with(signal=CsvSignal(path="signal.csv"), seq_len=2, features=2)
    with pytest.raises(ProjectError, match=r"has 3 columns but input\.features is 2"):
        make_input(project, folder=tmp_path)


def test_csv_shorter_than_seq_len_names_both_numbers(tmp_path):
    write(tmp_path, "1,2\n4,5\n")
    project = project_with(signal=CsvSignal(path="signal.csv"), seq_len=7, features=2)
    with pytest.raises(ProjectError, match=r"has 2 rows but input\.seq_len is 7"):
        make_input(project, folder=tmp_path)


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("a,b\n1,2\n3\n", "line 3, column 2", "the row has 1 column but line 1 has 2"),
        ("1,2\n3,4,5\n", "line 2, column 3", "the row has 3 columns but line 1 has 2"),
        ("1,2\n3,x\n", "line 2, column 2", "'x' is not a number"),
        ("1,abc\n", "line 1, column 2", "'abc' is not a number"),
        ("a,b\n1,2\n\n4,\n", "line 4, column 2", "the cell is empty"),
        ("1,2\nnan,4\n", "line 2, column 1", "'nan' is not a finite number"),
        ("1,2\n3,-inf\n", "line 2, column 2", "'-inf' is not a finite number"),
        ("1,2\n3,1e39\n", "line 2, column 2", "too large for float32"),
    ],
)
def test_bad_csv_names_the_line_and_column(tmp_path, text, where, words):
    path = write(tmp_path, text)
    with pytest.raises(ProjectError) as caught:
        load_csv_signal(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {where}: ")
    assert words in message


def test_csv_that_is_not_utf8_names_line_and_column(tmp_path):
    path = write(tmp_path, "t,v\n1,2\n3,\xe14\n".encode("latin-1"))
    with pytest.raises(ProjectError, match=r"line 3, column 3: byte 0xe1 is not UTF-8"):
        load_csv_signal(path)


@pytest.mark.parametrize(
    ("text", "words"),
    [("", "has no rows"), ("\n \n", "has no rows"), ("time,value\n", "only a header row")],
)
def test_csv_without_data_rows(tmp_path, text, words):
    with pytest.raises(ProjectError, match=words):
        load_csv_signal(write(tmp_path, text))


def test_unreadable_csv_is_a_project_error(tmp_path):
    with pytest.raises(ProjectError, match="cannot read the CSV file"):
        load_csv_signal(tmp_path / "missing.csv")
    with pytest.raises(ProjectError, match="cannot read the CSV file"):
        load_csv_signal(tmp_path)
    project = project_with(signal=CsvSignal(path="missing.csv"))
    with pytest.raises(ProjectError, match=r"missing\.csv: cannot read the CSV file"):
        make_input(project, folder=tmp_path)
