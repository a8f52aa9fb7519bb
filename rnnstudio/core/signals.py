"""Input signals: what is fed to the model on a run, seeded and reproducible.

A signal spec is a small frozen pydantic model discriminated by ``kind`` and kept in the
project file as ``input.signal``, e.g. ``{"kind": "sine", "frequency": 0.1, "seed": 0}``.
Left out, the input is uniform random in [0, 1), as the notebook's ``torch.rand``.
Every field declares its bounds and help text, so the window builds its forms from them
(``signal_field_specs``). ``make_input`` turns a project and its signal into the tensor.

This module must not import ``spec`` at import time: ``spec`` imports it for ``InputSpec``.
"""

from __future__ import annotations

import array
import csv
import io
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
import torch
from annotated_types import Ge, Le
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .errors import ProjectError
from .files import read_bytes_limited

if TYPE_CHECKING:
    from .spec import FieldSpec, Project

# Same settings as spec._STRICT (not imported from there: spec imports this module).
_STRICT = ConfigDict(strict=True, frozen=True, extra="forbid", allow_inf_nan=False)

SIGNAL_KINDS = ("uniform", "normal", "sine", "square", "step", "impulse", "ramp", "csv")

MAX_SEED = 2**32 - 1
# Values, amplitudes and noise stay far inside float32, whatever is added to them.
VALUE_LIMIT = 1_000_000.0
MAX_STEP = 10_000_000  # spec.MAX_SIZE: a step index is below seq_len
MAX_FREQUENCY = 0.5  # cycles per step: faster oscillations alias to slower ones (Nyquist)
MAX_CSV_BYTES = 64 * 1024 * 1024
_FLOAT32_MAX = float(np.finfo(np.float32).max)

# A number or a list with one number per feature; a single number applies to every feature.
Frequencies = tuple[Annotated[float, Ge(0.0), Le(MAX_FREQUENCY)], ...]
Phases = tuple[Annotated[float, Ge(-math.tau), Le(math.tau)], ...]
PER_FEATURE_FIELDS = ("frequency", "phase")


def _per_feature_tuple(value: Any) -> Any:
    """Accept a number or a list of numbers; keep them as a tuple so the project stays hashable."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (value,)
    if isinstance(value, list | tuple):
        if not value:
            raise ValueError("must have at least one value; give a number or one per feature")
        return tuple(value)
    raise ValueError(f"must be a number or a list with one number per feature, got {value!r}")


def _seed_field() -> Any:
    return Field(
        0,
        ge=0,
        le=MAX_SEED,
        description="Seed of the random generator: the same seed gives the same values.",
    )


def _noise_field() -> Any:
    return Field(
        0.0,
        ge=0.0,
        le=VALUE_LIMIT,
        description=(
            "Standard deviation of Gaussian noise added to every value (0: none); "
            "each sequence of the batch gets its own noise."
        ),
    )


class _Signal(BaseModel):
    model_config = _STRICT


class UniformSignal(_Signal):
    """Uniform random values in [low, high); the default is the notebook's torch.rand."""

    kind: Literal["uniform"] = "uniform"
    low: float = Field(
        0.0, ge=-VALUE_LIMIT, le=VALUE_LIMIT, description="Smallest value that can occur."
    )
    high: float = Field(
        1.0, ge=-VALUE_LIMIT, le=VALUE_LIMIT, description="Values stay below this bound."
    )
    seed: int = _seed_field()

    @model_validator(mode="after")
    def _check_range(self) -> UniformSignal:
        if self.high <= self.low:
            raise ValueError(
                f"high must be greater than low, got low={self.low} and high={self.high}"
            )
        return self


class NormalSignal(_Signal):
    """Gaussian random values with a mean and a standard deviation."""

    kind: Literal["normal"] = "normal"
    mean: float = Field(
        0.0, ge=-VALUE_LIMIT, le=VALUE_LIMIT, description="Centre of the distribution."
    )
    std: float = Field(
        1.0,
        ge=0.0,
        le=VALUE_LIMIT,
        description="Standard deviation: how far values typically lie from the mean.",
    )
    seed: int = _seed_field()


class _PeriodicSignal(_Signal):
    frequency: Frequencies = Field(
        (0.1,),
        description=(
            "Cycles per time step (0.1: one period every 10 steps), one number for all "
            "features or one per feature; at most 0.5."
        ),
    )
    phase: Phases = Field(
        (0.0,),
        description="Shift in radians at step 0, one number for all features or one per feature.",
    )
    amplitude: float = Field(
        1.0, ge=0.0, le=VALUE_LIMIT, description="Peak value; the signal swings from -A to +A."
    )
    noise: float = _noise_field()
    seed: int = _seed_field()

    _as_tuple = field_validator(*PER_FEATURE_FIELDS, mode="before")(_per_feature_tuple)


class SineSignal(_PeriodicSignal):
    """amplitude · sin(2π · frequency · t + phase) for time step t = 0, 1, ..."""

    kind: Literal["sine"] = "sine"


class SquareSignal(_PeriodicSignal):
    """The sign of the sine of the same frequency and phase, times amplitude.

    +amplitude for the first half of every period (from where the sine starts rising),
    -amplitude for the second half.
    """

    kind: Literal["square"] = "square"


class StepSignal(_Signal):
    """0 before ``at_step``, ``amplitude`` from that step on: how does the network settle?"""

    kind: Literal["step"] = "step"
    at_step: int = Field(
        1,
        ge=0,
        le=MAX_STEP,
        description="The time step (counting from 0) at which the value jumps to amplitude.",
    )
    amplitude: float = Field(
        1.0, ge=-VALUE_LIMIT, le=VALUE_LIMIT, description="The value after the jump."
    )
    noise: float = _noise_field()
    seed: int = _seed_field()


class ImpulseSignal(_Signal):
    """``amplitude`` at one time step, 0 elsewhere: how long does the network remember it?"""

    kind: Literal["impulse"] = "impulse"
    at_step: int = Field(
        0,
        ge=0,
        le=MAX_STEP,
        description="The only time step (counting from 0) whose value is not 0.",
    )
    amplitude: float = Field(
        1.0, ge=-VALUE_LIMIT, le=VALUE_LIMIT, description="The value at that step."
    )
    noise: float = _noise_field()
    seed: int = _seed_field()


class RampSignal(_Signal):
    """A straight line from ``start`` at the first step to ``stop`` at the last."""

    kind: Literal["ramp"] = "ramp"
    start: float = Field(
        0.0, ge=-VALUE_LIMIT, le=VALUE_LIMIT, description="The value at the first time step."
    )
    stop: float = Field(
        1.0, ge=-VALUE_LIMIT, le=VALUE_LIMIT, description="The value at the last time step."
    )
    noise: float = _noise_field()
    seed: int = _seed_field()


class CsvSignal(_Signal):
    """Values read from a CSV file, one row per time step and one column per feature."""

    kind: Literal["csv"] = "csv"
    path: str = Field(
        min_length=1,
        max_length=4096,
        description=(
            "CSV file with one row per time step and one column per feature (header optional); "
            "a relative path starts at the project file's folder."
        ),
    )


Signal = Annotated[
    UniformSignal
    | NormalSignal
    | SineSignal
    | SquareSignal
    | StepSignal
    | ImpulseSignal
    | RampSignal
    | CsvSignal,
    Field(discriminator="kind"),
]

SIGNAL_CLASSES: dict[str, type[_Signal]] = {
    "uniform": UniformSignal,
    "normal": NormalSignal,
    "sine": SineSignal,
    "square": SquareSignal,
    "step": StepSignal,
    "impulse": ImpulseSignal,
    "ramp": RampSignal,
    "csv": CsvSignal,
}

DEFAULT_SIGNAL = UniformSignal()


def signal_kinds() -> tuple[str, ...]:
    """The signal kinds in the order a menu shows them; ``uniform`` (the default) first."""
    return SIGNAL_KINDS


def signal_field_specs(kind: str) -> tuple[FieldSpec, ...]:
    """The editable fields of a signal kind in declaration order (without ``kind``).

    ``frequency`` and ``phase`` have the form kind ``floats`` (one number for all features
    or one per feature; minimum/maximum bound each number); ``path`` has the kind ``path``.
    """
    from .spec import _field_spec

    if kind not in SIGNAL_CLASSES:
        raise ProjectError(
            f"unknown signal kind {kind!r}; use one of {', '.join(SIGNAL_KINDS)}",
            field="input.signal.kind",
        )
    model = SIGNAL_CLASSES[kind]
    return tuple(
        _field_spec(name, info, model.__name__)
        for name, info in model.model_fields.items()
        if name != "kind"
    )


def signal_json(signal: _Signal) -> dict[str, Any]:
    """The signal as the project file keeps it: ``kind`` plus the fields not at their default.

    A per-feature tuple with one value is written as a plain number, as a person writes it.
    """
    data: dict[str, Any] = {"kind": signal.kind}  # type: ignore[attr-defined]
    for name, info in type(signal).model_fields.items():
        value = getattr(signal, name)
        if name == "kind" or (not info.is_required() and value == info.default):
            continue
        if isinstance(value, tuple):
            data[name] = value[0] if len(value) == 1 else list(value)
        else:
            data[name] = value
    return data


# --- making the input tensor ----------------------------------------------------------------


def make_input(
    project: Project,
    *,
    signal: _Signal | None = None,
    seed: int | None = None,
    folder: str | os.PathLike[str] | None = None,
) -> torch.Tensor:
    """The input tensor of a run: float32 of exactly ``project.input.shape``.

    Shape: ``[batch, time, features]`` if ``input.batch_first`` else ``[time, batch,
    features]``; either way batch item ``b`` holds the same sequence ``[time, features]``.

    ``signal`` replaces ``project.input.signal`` (missing: uniform in [0, 1)); ``seed``
    replaces the signal's own seed. Random kinds (and noise) give every batch item its own
    values, drawn from a private ``torch.Generator``: the same seed gives the same tensor
    and torch's global random state is untouched. With the default signal the tensor equals
    ``torch.rand(batch, seq_len, features, generator=torch.Generator().manual_seed(seed))``.

    A CSV signal gives every batch item the file's first ``seq_len`` rows; a relative path
    starts at ``folder`` (the project file's folder), or the working folder when None.
    Raises ProjectError naming the field (``input.signal.<field>``) and the numbers when
    the signal does not fit the input.
    """
    spec = project.input
    if signal is None:
        signal = spec.signal if spec.signal is not None else DEFAULT_SIGNAL
    if seed is not None and (type(seed) is not int or not 0 <= seed <= MAX_SEED):
        raise ProjectError(f"seed must be a whole number from 0 to {MAX_SEED}, got {seed!r}")
    batch, steps, features = spec.batch, spec.seq_len, spec.features
    generator = torch.Generator(device="cpu")
    generator.manual_seed(seed if seed is not None else getattr(signal, "seed", 0))
    shape = (batch, steps, features)

    if isinstance(signal, UniformSignal):
        values = torch.rand(shape, generator=generator)
        if (signal.low, signal.high) != (0.0, 1.0):
            values = values.mul_(signal.high - signal.low).add_(signal.low)
    elif isinstance(signal, NormalSignal):
        values = torch.randn(shape, generator=generator).mul_(signal.std).add_(signal.mean)
    else:
        base = _sequence(signal, steps, features, folder).to(torch.float32)
        values = base.unsqueeze(0).repeat(batch, 1, 1)
        noise = getattr(signal, "noise", 0.0)
        if noise > 0:
            values.add_(torch.randn(shape, generator=generator).mul_(noise))
    if not spec.batch_first:
        values = values.transpose(0, 1).contiguous()
    return values


def _sequence(
    signal: _Signal, steps: int, features: int, folder: str | os.PathLike[str] | None
) -> torch.Tensor:
    """The noiseless sequence shared by every batch item, float64 [time, features]."""
    time = torch.arange(steps, dtype=torch.float64).unsqueeze(1)  # [time, 1]
    if isinstance(signal, SineSignal | SquareSignal):
        frequency = _per_feature(signal.frequency, features, "frequency")
        phase = _per_feature(signal.phase, features, "phase")
        if isinstance(signal, SineSignal):
            return signal.amplitude * torch.sin(2 * math.pi * frequency * time + phase)
        cycles = frequency * time + phase / (2 * math.pi)
        rising_half = torch.remainder(cycles, 1.0) < 0.5
        return torch.where(rising_half, signal.amplitude, -signal.amplitude).to(torch.float64)
    if isinstance(signal, StepSignal | ImpulseSignal):
        if signal.at_step >= steps:
            raise ProjectError(
                f"input.signal.at_step: is {signal.at_step} but the sequence has only "
                f"{_steps(steps)}; choose a step below {steps} or raise seq_len",
                field="input.signal.at_step",
            )
        sequence = torch.zeros((steps, features), dtype=torch.float64)
        if isinstance(signal, StepSignal):
            sequence[signal.at_step :] = signal.amplitude
        else:
            sequence[signal.at_step] = signal.amplitude
        return sequence
    if isinstance(signal, RampSignal):
        line = torch.linspace(signal.start, signal.stop, steps, dtype=torch.float64)
        return line.unsqueeze(1).expand(steps, features)
    if isinstance(signal, CsvSignal):
        return torch.from_numpy(_csv_sequence(signal, steps, features, folder))
    raise ProjectError(f"unknown signal {signal!r}")  # pragma: no cover - all kinds handled


def _steps(count: int) -> str:
    return "1 time step (step 0)" if count == 1 else f"{count} time steps (0 to {count - 1})"


def _per_feature(values: tuple[float, ...], features: int, name: str) -> torch.Tensor:
    """[1, features]: one value for all features, or exactly one per feature."""
    if len(values) == 1:
        return torch.full((1, features), values[0], dtype=torch.float64)
    if len(values) != features:
        raise ProjectError(
            f"input.signal.{name}: has {len(values)} values but input.features is {features}; "
            f"give one number for all features or exactly {features} values",
            field=f"input.signal.{name}",
        )
    return torch.tensor(values, dtype=torch.float64).unsqueeze(0)


def _csv_sequence(
    signal: CsvSignal, steps: int, features: int, folder: str | os.PathLike[str] | None
) -> np.ndarray:
    path = Path(signal.path).expanduser()
    if not path.is_absolute() and folder is not None:
        path = Path(folder) / path
    table = load_csv_signal(path)
    rows, columns = table.shape
    if columns != features:
        raise ProjectError(
            f"{path}: has {columns} columns but input.features is {features}; the file needs "
            f"one column per feature: set features to {columns} or choose another file",
            path=str(path),
            field="input.signal.path",
        )
    if rows < steps:
        raise ProjectError(
            f"{path}: has {rows} rows but input.seq_len is {steps}; the file needs one row per "
            f"time step: lower seq_len to {rows} or add rows",
            path=str(path),
            field="input.signal.path",
        )
    return table[:steps]


# --- CSV files ------------------------------------------------------------------------------


def load_csv_signal(path: str | os.PathLike[str]) -> np.ndarray:
    """Read a signal table: float64 ``[time, features]``, one row per step, one column per feature.

    The first row is a header when none of its cells is a number. Cells are separated by
    commas, or by semicolons or tabs when the first row has them (then a decimal comma such
    as ``0,5`` also reads as 0.5, as spreadsheets in Spanish write it). Blank lines are
    skipped. Every problem raises ProjectError naming the file, and the line and column
    where there is one: unreadable or not UTF-8, a row with a different number of columns,
    an empty or non-numeric cell, NaN or infinity, a value beyond float32, no data rows.
    """
    path = Path(path)
    raw = read_bytes_limited(
        path, MAX_CSV_BYTES, what="CSV file", advice="keep only the rows the run needs"
    )
    text = _decode_csv(raw, path)
    return _parse_csv(text, path)


def _decode_csv(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        start = error.start
        line = raw.count(b"\n", 0, start) + 1
        column = start - (raw.rfind(b"\n", 0, start) + 1) + 1
        raise ProjectError(
            f"{path}: line {line}, column {column}: byte 0x{raw[start]:02x} is not UTF-8 text; "
            "save the file as CSV UTF-8",
            path=str(path),
        ) from None


def _parse_csv(text: str, path: Path) -> np.ndarray:
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if ";" in first_line else "\t" if "\t" in first_line else ","
    decimal_comma = delimiter != ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    values = array.array("d")
    columns = 0
    first_row_line = 0
    rows = 0
    header_seen = False
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            numbers = [_number(cell, decimal_comma) for cell in cells]
            if not columns:
                columns, first_row_line = len(cells), line
                if all(number is None for number in numbers):
                    header_seen = True
                    continue
            if len(cells) != columns:
                # The first column that is missing or extra.
                column = min(len(cells), columns) + 1
                raise ProjectError(
                    f"{path}: line {line}, column {column}: the row has {_columns(len(cells))} "
                    f"but line {first_row_line} has {columns}; every row needs one value per "
                    "feature",
                    path=str(path),
                )
            for index, (cell, number) in enumerate(zip(cells, numbers, strict=True)):
                if number is None or not math.isfinite(number) or abs(number) > _FLOAT32_MAX:
                    raise ProjectError(
                        f"{path}: line {line}, column {index + 1}: {_cell_problem(cell, number)}",
                        path=str(path),
                    )
            values.extend(numbers)  # type: ignore[arg-type]
            rows += 1
    except csv.Error as error:
        raise ProjectError(
            f"{path}: line {reader.line_num}: cannot be read as CSV ({error})", path=str(path)
        ) from None
    if rows == 0:
        what = "only a header row" if header_seen else "no rows"
        raise ProjectError(
            f"{path}: the CSV file has {what}; it needs one row of numbers per time step",
            path=str(path),
        )
    return np.frombuffer(values, dtype=np.float64).reshape(rows, columns).copy()


def _columns(count: int) -> str:
    return "1 column" if count == 1 else f"{count} columns"


def _number(cell: str, decimal_comma: bool) -> float | None:
    text = cell.strip()
    if decimal_comma and text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    if not text or "_" in text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _cell_problem(cell: str, number: float | None) -> str:
    shown = cell.strip()
    shown = shown if len(shown) <= 30 else shown[:27] + "..."
    if not shown:
        return "the cell is empty; every cell needs a number"
    if number is None:
        return f"{shown!r} is not a number"
    if not math.isfinite(number):
        return f"{shown!r} is not a finite number; NaN and infinity cannot be fed to the model"
    return f"{shown} is too large for float32 (at most {_FLOAT32_MAX:.3g} in size)"
