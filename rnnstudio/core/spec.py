"""Block and project specifications: the one source of truth for every field.

Each block field declares its type, default, bounds, choices and help text here.
Forms, tooltips, validation, JSON keys and torch keyword arguments all derive
from these declarations (see ``field_specs``).
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from .signals import Signal, signal_json

FORMAT_NAME = "rnnstudio"
FORMAT_VERSION = 1

# Upper bounds keep every product of sizes inside int64, where torch counts elements.
MAX_SIZE = 10_000_000
MAX_LAYERS = 1_000
MAX_NAME_LENGTH = 64

RECURRENT_TYPES = ("rnn", "lstm", "gru")
BLOCK_TYPES = ("rnn", "lstm", "gru", "linear", "softmax")

# Names that nn.Module already uses: a child with such a name cannot be registered.
_MODULE_ATTRIBUTES = frozenset(
    name for name in dir(__import__("torch").nn.Sequential) if not name.startswith("_")
) | {"training"}

ModelT = TypeVar("ModelT", bound=BaseModel)

_STRICT = ConfigDict(strict=True, frozen=True, extra="forbid", allow_inf_nan=False)


def check_block_name(name: str) -> str:
    """Validate a block name; it becomes a Python attribute of the built module."""
    if not name:
        raise ValueError("must not be empty")
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError(f"must be at most {MAX_NAME_LENGTH} characters, got {len(name)}")
    if not name.isidentifier() or not name.isascii():
        raise ValueError(
            f"must be a Python identifier (letters, digits and _, not starting with a digit), "
            f"got {name!r}"
        )
    if keyword.iskeyword(name):
        raise ValueError(f"{name!r} is a Python keyword; choose another name")
    if name.startswith("_"):
        raise ValueError(f"must not start with '_', got {name!r}")
    if name in _MODULE_ATTRIBUTES:
        raise ValueError(
            f"{name!r} is already an attribute of torch.nn.Module; choose another name"
        )
    return name


def _help(text: str, **extra: Any) -> dict[str, Any]:
    return {"description": text, "json_schema_extra": extra or None}


class _Block(BaseModel):
    model_config = _STRICT

    name: str = Field(
        description="The attribute name of this block in the model, e.g. rnn1 or fc.",
    )

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        return check_block_name(value)

    @property
    def is_recurrent(self) -> bool:
        return self.type in RECURRENT_TYPES  # type: ignore[attr-defined]


class _RecurrentBlock(_Block):
    input_size: int | None = Field(
        None,
        ge=1,
        le=MAX_SIZE,
        **_help(
            "Features per time step that arrive; left empty, it is read from the incoming tensor.",
            inferred=True,
        ),
    )
    hidden_size: int = Field(
        ge=1, le=MAX_SIZE, **_help("Size of the hidden state h of each layer.")
    )
    num_layers: int = Field(
        1,
        ge=1,
        le=MAX_LAYERS,
        **_help("Recurrent layers stacked; from layer 2 on, the input is the hidden state below."),
    )
    bias: bool = Field(True, **_help("Add the biases b_ih and b_hh."))
    batch_first: bool = Field(
        True,
        **_help("Read the input as [batch, time, features] instead of [time, batch, features]."),
    )
    dropout: float = Field(
        0.0,
        ge=0.0,
        lt=1.0,
        **_help(
            "Dropout probability between stacked layers (training only; needs num_layers > 1)."
        ),
    )
    bidirectional: bool = Field(
        False, **_help("Also run the sequence backwards and concatenate both directions.")
    )

    @property
    def directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def hidden_out(self) -> int:
        """Size of h as it leaves the block (proj_size for a projected LSTM)."""
        return getattr(self, "proj_size", 0) or self.hidden_size


_OUTPUT_HELP = (
    "What the block passes on: y over all time steps, y at the last step, "
    "or the final state h_n of every layer."
)


def _reject_final_cell(value: Any) -> Any:
    if value == "final_cell":
        raise ValueError("final_cell (c_n) exists only for lstm blocks; use final_hidden for h_n")
    return value


class RNNBlock(_RecurrentBlock):
    type: Literal["rnn"] = "rnn"
    nonlinearity: Literal["tanh", "relu"] = Field(
        "tanh",
        **_help("Activation of the update h_t = act(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh)."),
    )
    output: Literal["sequence", "last_step", "final_hidden"] = Field(
        "sequence", **_help(_OUTPUT_HELP)
    )

    _final_cell = field_validator("output", mode="before")(_reject_final_cell)


class LSTMBlock(_RecurrentBlock):
    type: Literal["lstm"] = "lstm"
    proj_size: int = Field(
        0,
        ge=0,
        le=MAX_SIZE,
        **_help("If above 0, h is projected to this size (must be less than hidden_size)."),
    )
    output: Literal["sequence", "last_step", "final_hidden", "final_cell"] = Field(
        "sequence", **_help(_OUTPUT_HELP + " For an LSTM also the final cell state c_n.")
    )

    # A field validator (hidden_size is declared earlier) so the error's path names proj_size.
    @field_validator("proj_size")
    @classmethod
    def _check_proj_size(cls, proj_size: int, info: ValidationInfo) -> int:
        hidden_size = info.data.get("hidden_size")
        if hidden_size is not None and proj_size >= hidden_size:
            raise ValueError(
                f"proj_size has to be smaller than hidden_size, got proj_size={proj_size} "
                f"and hidden_size={hidden_size}; lower proj_size or set it to 0"
            )
        return proj_size


class GRUBlock(_RecurrentBlock):
    type: Literal["gru"] = "gru"
    output: Literal["sequence", "last_step", "final_hidden"] = Field(
        "sequence", **_help(_OUTPUT_HELP)
    )

    _final_cell = field_validator("output", mode="before")(_reject_final_cell)


class LinearBlock(_Block):
    type: Literal["linear"] = "linear"
    in_features: int | None = Field(
        None,
        ge=1,
        le=MAX_SIZE,
        **_help(
            "Size of the incoming last axis; left empty, it is read from the incoming tensor.",
            inferred=True,
        ),
    )
    out_features: int = Field(
        ge=1, le=MAX_SIZE, **_help("Outputs per position, e.g. the number of classes.")
    )
    bias: bool = Field(True, **_help("Add a learnable bias to each output."))


class SoftmaxBlock(_Block):
    type: Literal["softmax"] = "softmax"
    dim: int = Field(
        -1,
        ge=-8,
        le=7,
        **_help("The axis whose values become probabilities that sum to 1 (-1 is the last axis)."),
    )


Block = Annotated[
    RNNBlock | LSTMBlock | GRUBlock | LinearBlock | SoftmaxBlock,
    Field(discriminator="type"),
]

BLOCK_CLASSES: dict[str, type[_Block]] = {
    "rnn": RNNBlock,
    "lstm": LSTMBlock,
    "gru": GRUBlock,
    "linear": LinearBlock,
    "softmax": SoftmaxBlock,
}

# Required fields get these values when a block is added from the GUI or code.
NEW_BLOCK_DEFAULTS: dict[str, dict[str, Any]] = {
    "rnn": {"hidden_size": 16},
    "lstm": {"hidden_size": 16},
    "gru": {"hidden_size": 16},
    "linear": {"out_features": 5},
    "softmax": {},
}

NAME_PREFIXES = {"rnn": "rnn", "lstm": "lstm", "gru": "gru", "linear": "fc", "softmax": "softmax"}


class InputSpec(BaseModel):
    model_config = _STRICT

    features: int = Field(
        1, ge=1, le=MAX_SIZE, description="Values per time step (the notebook's input_size)."
    )
    batch: int = Field(
        1, ge=1, le=MAX_SIZE, description="Sequences processed together (batch_size)."
    )
    seq_len: int = Field(
        3, ge=1, le=MAX_SIZE, description="Time steps per sequence (largo_entrada)."
    )
    batch_first: bool = Field(
        True,
        description="Lay the input out as [batch, time, features], not [time, batch, features].",
    )
    signal: Signal | None = Field(
        None,
        description="The input signal of runs; left out, uniform random in [0, 1) with seed 0.",
    )

    @property
    def shape(self) -> tuple[int, int, int]:
        if self.batch_first:
            return (self.batch, self.seq_len, self.features)
        return (self.seq_len, self.batch, self.features)

    @property
    def axes(self) -> tuple[str, str, str]:
        if self.batch_first:
            return ("batch", "time", "features")
        return ("time", "batch", "features")


class Project(BaseModel):
    """An immutable project: an input description and a stack of blocks."""

    model_config = _STRICT

    format: Literal["rnnstudio"] = FORMAT_NAME
    version: int = Field(FORMAT_VERSION, ge=1)
    name: str = Field(
        "model", min_length=1, max_length=MAX_NAME_LENGTH, description="The model's name."
    )
    description: str = Field("", max_length=2000, description="A line about the project.")
    input: InputSpec = Field(default_factory=InputSpec)
    blocks: tuple[Block, ...] = ()

    @field_validator("version")
    @classmethod
    def _check_version(cls, value: int) -> int:
        if value > FORMAT_VERSION:
            raise ValueError(
                f"this file has format version {value}, written by a newer rnnstudio; "
                f"this one reads version {FORMAT_VERSION}: update rnnstudio to open it"
            )
        return value

    @field_validator("blocks", mode="before")
    @classmethod
    def _blocks_as_tuple(cls, value: Any) -> Any:
        # JSON arrays arrive as lists; the frozen project keeps a tuple.
        return tuple(value) if isinstance(value, list) else value

    @field_validator("blocks", mode="after")
    @classmethod
    def _check_unique_names(cls, blocks: tuple[_Block, ...]) -> tuple[_Block, ...]:
        first_index: dict[str, int] = {}
        for index, block in enumerate(blocks):
            if block.name in first_index:
                raise PydanticCustomError(
                    "duplicate_name",
                    "'{name}' is already the name of blocks[{first}]; block names must be unique",
                    {"index": index, "name": block.name, "first": first_index[block.name]},
                )
            first_index[block.name] = index
        return blocks

    def block(self, name: str) -> _Block:
        for block in self.blocks:
            if block.name == name:
                return block
        raise KeyError(name)

    def to_json_dict(self) -> dict[str, Any]:
        """The file's JSON object: defaults left out of blocks, as a person would write it."""
        data: dict[str, Any] = {
            "format": self.format,
            "version": self.version,
            "name": self.name,
        }
        if self.description:
            data["description"] = self.description
        data["input"] = self.input.model_dump(exclude={"signal"})
        if self.input.signal is not None:
            data["input"]["signal"] = signal_json(self.input.signal)
        data["blocks"] = [_block_json(block) for block in self.blocks]
        return data


def _block_json(block: _Block) -> dict[str, Any]:
    data = {"type": block.type, "name": block.name}  # type: ignore[attr-defined]
    for key, value in block.model_dump(exclude={"type", "name"}).items():
        default = type(block).model_fields[key].default
        if value != default or type(block).model_fields[key].is_required():
            data[key] = value
    return data


def next_block_name(project: Project, block_type: str) -> str:
    """The next free default name: rnn1, lstm1, gru1, fc1, softmax1, ..."""
    prefix = NAME_PREFIXES[block_type]
    taken = {block.name for block in project.blocks}
    number = 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


def new_block(project: Project, block_type: str, **values: Any) -> _Block:
    """A block of the given type with a free default name and usable defaults."""
    data = {"name": next_block_name(project, block_type), **NEW_BLOCK_DEFAULTS[block_type]}
    data.update(values)
    return BLOCK_CLASSES[block_type].model_validate({"type": block_type, **data})


# --- field descriptions for generated forms -------------------------------------------------

# floats: one number for every feature or one per feature (signal frequency and phase).
FieldKind = Literal["int", "float", "bool", "choice", "name", "floats", "path"]


@dataclass(frozen=True)
class FieldSpec:
    """What a form needs to know about one field, derived from the pydantic declaration."""

    name: str
    kind: FieldKind
    default: Any
    required: bool
    optional: bool  # None is allowed: the value is inferred from the incoming tensor
    minimum: float | None
    maximum: float | None
    exclusive_maximum: bool
    choices: tuple[str, ...]
    help: str

    @property
    def inferred(self) -> bool:
        return self.optional


def _field_spec(name: str, info: Any, owner: str) -> FieldSpec:
    annotation = info.annotation
    optional = False
    args = get_args(annotation)
    if type(None) in args:
        optional = True
        annotation = next(arg for arg in args if arg is not type(None))
    choices: tuple[str, ...] = ()
    item_metadata: tuple[Any, ...] = ()
    if get_origin(annotation) is Literal:
        kind: FieldKind = "choice"
        choices = tuple(get_args(annotation))
    elif name == "name":
        kind = "name"
    elif annotation is bool:
        kind = "bool"
    elif annotation is int:
        kind = "int"
    elif annotation is float:
        kind = "float"
    elif get_origin(annotation) is tuple:
        kind = "floats"
        # Bounds are declared on each number: tuple[Annotated[float, Ge(..), Le(..)], ...].
        item_metadata = getattr(get_args(annotation)[0], "__metadata__", ())
    elif name == "path":
        kind = "path"
    else:  # pragma: no cover - a new field type must be taught to the forms
        raise TypeError(f"no form kind for {owner}.{name}: {annotation!r}")
    minimum = maximum = None
    exclusive_maximum = False
    for meta in (*info.metadata, *item_metadata):
        if getattr(meta, "ge", None) is not None:
            minimum = meta.ge
        if getattr(meta, "le", None) is not None:
            maximum = meta.le
        if getattr(meta, "lt", None) is not None:
            maximum, exclusive_maximum = meta.lt, True
    return FieldSpec(
        name=name,
        kind=kind,
        default=None if info.is_required() else info.default,
        required=info.is_required(),
        optional=optional,
        minimum=minimum,
        maximum=maximum,
        exclusive_maximum=exclusive_maximum,
        choices=choices,
        help=info.description or "",
    )


def field_specs(block_type: str) -> tuple[FieldSpec, ...]:
    """The editable fields of a block type in declaration order (name first, no `type`)."""
    model = BLOCK_CLASSES[block_type]
    return tuple(
        _field_spec(name, info, model.__name__)
        for name, info in model.model_fields.items()
        if name != "type"
    )


INPUT_FIELDS = ("features", "batch", "seq_len", "batch_first")


def input_field_specs() -> tuple[FieldSpec, ...]:
    """Form descriptions for the input's features, batch, seq_len and batch_first."""
    return tuple(
        _field_spec(name, InputSpec.model_fields[name], "InputSpec") for name in INPUT_FIELDS
    )
