"""Export a project as a standalone PyTorch file written in the classroom notebook's style.

The file defines one ``torch.nn.Module`` subclass whose attributes are the blocks, so
``build_model(project).state_dict()`` loads into it with ``strict=True`` and gives identical
outputs. Every line of ``forward`` carries the tensor's shape as analyze() reports it.
"""

from __future__ import annotations

import keyword
import os
import re
import unicodedata
from pathlib import Path
from typing import Any

from .analysis import Analysis, TensorInfo, analyze
from .errors import ModelError
from .model import torch_arguments
from .project_io import write_text_atomically
from .spec import LinearBlock, LSTMBlock, Project, SoftmaxBlock, _Block, _RecurrentBlock

LINE_LENGTH = 100
INDENT = "    "
# Docstring text is wrapped well inside LINE_LENGTH: display widths of exotic characters vary.
_DOCSTRING_WIDTH = 88

_TORCH_CLASSES = {
    "rnn": "RNN",
    "lstm": "LSTM",
    "gru": "GRU",
    "linear": "Linear",
    "softmax": "Softmax",
}

# torch's own defaults (not the spec's: the spec defaults batch_first to True). Arguments
# equal to these are left out, as a person writes them; the rest appear in torch's order.
TORCH_DEFAULTS: dict[str, dict[str, Any]] = {
    "rnn": {
        "num_layers": 1,
        "nonlinearity": "tanh",
        "bias": True,
        "batch_first": False,
        "dropout": 0.0,
        "bidirectional": False,
    },
    "lstm": {
        "num_layers": 1,
        "bias": True,
        "batch_first": False,
        "dropout": 0.0,
        "bidirectional": False,
        "proj_size": 0,
    },
    "gru": {
        "num_layers": 1,
        "bias": True,
        "batch_first": False,
        "dropout": 0.0,
        "bidirectional": False,
    },
    "linear": {"bias": True},
    "softmax": {},
}
_REQUIRED_ARGUMENTS = {
    "rnn": ("input_size", "hidden_size"),
    "lstm": ("input_size", "hidden_size"),
    "gru": ("input_size", "hidden_size"),
    "linear": ("in_features", "out_features"),
    "softmax": ("dim",),
}

# Names the generated file uses at module level or in __main__: a class must not shadow them.
# I, l and O read as 1 and 0 (pycodestyle's E742).
_RESERVED_NAMES = frozenset(
    {"torch", "super", "print", "model", "x", "y", "name", "parameter", "I", "l", "O"}
)


def export_python(project: Project) -> str:
    """The project as the source text of a standalone Python file that needs only torch.

    For an input ``[batch=3, time=5, features=2]`` the file's ``forward`` takes a tensor of
    that shape and returns the model's output; its ``__main__`` block builds the model,
    prints it and its parameters, and runs ``torch.rand(3, 5, 2)`` through it.
    Raises ModelError with analyze()'s message when the model cannot run.
    """
    analysis = analyze(project)
    if analysis.first_error is not None:
        raise ModelError(analysis.first_error.message)
    output = analysis.output
    assert output is not None
    class_name = python_class_name(project.name)
    lines = [
        *_module_docstring(project, analysis),
        "",
        "import torch",
        "",
        "",
        f"class {class_name}(torch.nn.Module):",
        f"{INDENT}def __init__(self):",
        f"{INDENT * 2}super().__init__()",
    ]
    for block, stage in zip(project.blocks, analysis.stages[1:], strict=True):
        lines.extend(_constructor_lines(block, stage.incoming_features))
    lines += ["", f"{INDENT}def forward(self, x):", f"{INDENT * 2}# x: {analysis.input.describe()}"]
    result = "x"
    for index, block in enumerate(project.blocks):
        forward_lines, result = _forward_lines(project, analysis, index, block, result)
        lines.extend(forward_lines)
    lines.append(f"{INDENT * 2}return {result}")
    shape_arguments = ", ".join(str(size) for size in project.input.shape)
    lines += [
        "",
        "",
        'if __name__ == "__main__":',
        f"{INDENT}model = {class_name}()",
        f"{INDENT}print(model)",
        f"{INDENT}for name, parameter in model.named_parameters():",
        f"{INDENT * 2}print(name, parameter.shape)",
        *_commented(
            f"{INDENT}x = torch.rand({shape_arguments})", analysis.input.describe(), INDENT
        ),
        f'{INDENT}print("input shape:", x.shape)',
        f"{INDENT}y = model(x)",
        *_commented(f'{INDENT}print("output shape:", y.shape)', output.describe(), INDENT),
    ]
    return "\n".join(lines) + "\n"


def python_class_name(project_name: str) -> str:
    """A class name for the project: kept when usable (RNN_clas), else "my model" -> MyModel."""
    if _usable_class_name(project_name):
        return project_name
    ascii_text = unicodedata.normalize("NFKD", project_name).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", ascii_text)
    candidate = "".join(word[0].upper() + word[1:] for word in words)
    if not candidate or candidate[0].isdigit():
        candidate = "Model" + candidate
    if not _usable_class_name(candidate):  # a keyword such as None
        candidate += "Model"
    return candidate


def save_python(project: Project, path: str | os.PathLike[str]) -> None:
    """Write export_python(project) to ``path`` atomically: a temporary file, then a rename.

    Raises ModelError when the model cannot run, ProjectError when the file cannot be saved.
    """
    write_text_atomically(Path(path), export_python(project))


def _usable_class_name(name: str) -> bool:
    return (
        name.isidentifier()
        and name.isascii()
        and not keyword.iskeyword(name)
        and not name.startswith("__")
        and name not in _RESERVED_NAMES
    )


# --- __init__ -------------------------------------------------------------------------------


def _literal(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'  # only torch's fixed choices, such as "relu", reach here
    return repr(value)


def _constructor_lines(block: _Block, incoming_features: int | None) -> list[str]:
    """``self.rnn1 = torch.nn.RNN(input_size=2, hidden_size=40, batch_first=True)``."""
    values = torch_arguments(block, incoming_features)
    defaults = TORCH_DEFAULTS[block.type]
    names = [*_REQUIRED_ARGUMENTS[block.type], *defaults]
    arguments = [
        f"{name}={_literal(values[name])}"
        for name in names
        if name not in defaults or values[name] != defaults[name]
    ]
    indent = INDENT * 2
    head = f"{indent}self.{block.name} = torch.nn.{_TORCH_CLASSES[block.type]}("
    # The three layouts ruff format (and black) choose, in their order of preference.
    one_line = head + ", ".join(arguments) + ")"
    if len(one_line) <= LINE_LENGTH:
        return [one_line]
    inner = indent + INDENT + ", ".join(arguments)
    if len(inner) <= LINE_LENGTH:
        return [head, inner, indent + ")"]
    return [head, *(f"{indent}{INDENT}{argument}," for argument in arguments), indent + ")"]


# --- forward --------------------------------------------------------------------------------


def _forward_lines(
    project: Project, analysis: Analysis, index: int, block: _Block, value: str
) -> tuple[list[str], str]:
    """The block's lines of forward, and the name of the tensor it passes on (x, h or c)."""
    indent = INDENT * 2
    stage = analysis.stages[index + 1]
    assert stage.output is not None and stage.incoming is not None
    shape = stage.output.describe()
    call = f"self.{block.name}({value})"
    if isinstance(block, LinearBlock | SoftmaxBlock):
        return _commented(f"{indent}x = {call}", shape, indent), "x"
    assert isinstance(block, _RecurrentBlock)
    is_lstm = isinstance(block, LSTMBlock)
    # torch returns (y, h_n), or (y, (h_n, c_n)) for an LSTM; unused parts are named _.
    if block.output == "final_hidden":
        targets = "_, (h, _)" if is_lstm else "_, h"
        return _commented(f"{indent}{targets} = {call}", shape, indent), "h"
    if block.output == "final_cell":
        return _commented(f"{indent}_, (_, c) = {call}", shape, indent), "c"
    targets = "x, (_, _)" if is_lstm else "x, _"
    if block.output == "sequence":
        return _commented(f"{indent}{targets} = {call}", shape, indent), "x"
    # last_step: y keeps its time axis; the step is picked as select_output picks it.
    sequence = _sequence_shape(project, index)
    step = "x[:, -1]" if block.batch_first and stage.incoming.ndim == 3 else "x[-1]"
    lines = _commented(f"{indent}{targets} = {call}", sequence.describe(), indent)
    lines += _commented(f"{indent}x = {step}", shape, indent)
    return lines, "x"


def _sequence_shape(project: Project, index: int) -> TensorInfo:
    """The shape of y of blocks[index] (whose own output is last_step), as analyze gives it."""
    block = project.blocks[index].model_copy(update={"output": "sequence"})
    prefix = (*project.blocks[:index], block)
    output = analyze(project.model_copy(update={"blocks": prefix})).stages[-1].output
    assert output is not None
    return output


def _commented(code: str, shape: str, indent: str) -> list[str]:
    """The line with its shape comment after it, or above it when both do not fit."""
    line = f"{code}  # {shape}"
    if len(line) <= LINE_LENGTH:
        return [line]
    return [f"{indent}# {shape}", code]


# --- module docstring -----------------------------------------------------------------------


def _module_docstring(project: Project, analysis: Analysis) -> list[str]:
    output = analysis.output
    assert output is not None
    input_shape = ", ".join(str(size) for size in project.input.shape)
    description = _clean(project.description, keep_newlines=True)
    paragraphs = [
        [f"{_clean(project.name)}: a recurrent network exported from rnnstudio; needs only torch."],
        # The description's paragraphs, each of its lines kept as a line.
        *(paragraph.split("\n") for paragraph in re.split(r"\n\s*\n", description)),
        [
            f"Input: {analysis.input.describe()}, e.g. torch.rand({input_shape}).",
            f"Output: {output.describe()}.",
        ],
        [
            "Its attributes are named as rnnstudio's blocks, so the state_dict of rnnstudio's "
            "build_model(project) loads into it unchanged."
        ],
    ]
    wrapped: list[str] = []
    for paragraph in paragraphs:
        for line in paragraph:
            if line.strip():
                wrapped += _wrap(_escape_docstring(line), _DOCSTRING_WIDTH)
        if wrapped and wrapped[-1]:
            wrapped.append("")
    wrapped[0] = '"""' + wrapped[0]
    wrapped[-1] = '"""'
    return wrapped


def _clean(text: str, *, keep_newlines: bool = False) -> str:
    """Text without control characters (a NUL cannot appear in source code)."""
    kept = (
        character if character.isprintable() or (keep_newlines and character == "\n") else " "
        for character in text.replace("\r\n", "\n")
    )
    return "".join(kept)


def _escape_docstring(text: str) -> str:
    # Backslashes would start escape sequences. Of quotes, only those that could close the
    # docstring are escaped (no three in a row), and one at the start, which ruff would pad.
    return re.sub(r'^"|"(?="")', r'\\"', text.replace("\\", "\\\\"))


def _display_width(text: str) -> int:
    """Columns a terminal (and ruff's line-length check) gives the text."""
    width = 0
    for character in text:
        if unicodedata.combining(character) or unicodedata.category(character) == "Cf":
            continue
        width += 2 if unicodedata.east_asian_width(character) in ("W", "F") else 1
    return width


def _wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap by display width; words wider than a line are cut, never in an escape."""
    lines: list[str] = []
    current, current_width = "", 0
    for word in text.split():
        for piece, piece_width in _cut(word, width):
            if not current:
                current, current_width = piece, piece_width
            elif current_width + 1 + piece_width <= width:
                current, current_width = f"{current} {piece}", current_width + 1 + piece_width
            else:
                lines.append(current)
                current, current_width = piece, piece_width
    if current or not lines:
        lines.append(current)
    return lines


def _cut(word: str, width: int) -> list[tuple[str, int]]:
    """The word in pieces no wider than ``width``, each with its display width."""
    pieces: list[tuple[str, int]] = []
    current, current_width = "", 0
    for token in re.findall(r"\\.|.", word, flags=re.DOTALL):
        token_width = _display_width(token)
        if current and current_width + token_width > width:
            pieces.append((current, current_width))
            current, current_width = "", 0
        current, current_width = current + token, current_width + token_width
    pieces.append((current, current_width))
    return pieces
