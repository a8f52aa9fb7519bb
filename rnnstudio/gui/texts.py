"""Words the panes show for the core's facts: block lines, shapes, counts and field hints.

Only formatting lives here; every number comes from the core's Analysis. Each phrase goes
through Qt's translation system (context "Texts") so a Spanish catalogue can cover it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from rnnstudio.core.analysis import Stage
from rnnstudio.core.report import torch_size
from rnnstudio.core.spec import FieldSpec

from .field_help import field_help

_CONTEXT = "Texts"

BLOCK_TYPE_TITLES = {
    "rnn": "RNN",
    "lstm": "LSTM",
    "gru": "GRU",
    "linear": "Linear",
    "softmax": "Softmax",
}


def tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


# Called with a literal context at each phrase, so pyside6-lupdate finds the phrases.
translate = QCoreApplication.translate


def type_title(block_type: str) -> str:
    """'RNN', 'LSTM', 'Linear'...: torch's class names, which are not translated."""
    return BLOCK_TYPE_TITLES.get(block_type, block_type)


def output_phrase(output: str) -> str:
    phrases = {
        "sequence": translate("Texts", "whole sequence"),
        "last_step": translate("Texts", "last step"),
        "final_hidden": translate("Texts", "final h_n"),
        "final_cell": translate("Texts", "final c_n"),
    }
    return phrases.get(output, output)


def count_text(count: int) -> str:
    return f"{count:,}"


def shape_text(shape: tuple[int, ...]) -> str:
    """As torch prints it: torch.Size([3, 5, 40])."""
    return torch_size(shape)


def block_line(block: Any, stage: Stage | None) -> str:
    """One line per block, e.g. 'rnn1  RNN 2→40 ×2 layers · last step'."""
    kind = block.type
    name = block.name
    title = type_title(kind)
    incoming = stage.incoming_features if stage is not None else None
    if kind in ("rnn", "lstm", "gru"):
        explicit = block.input_size
        size_in = explicit if explicit is not None else incoming
        hidden = block.hidden_size
        text = f"{name}  {title} {_size(size_in)}→{hidden}"
        proj_size = getattr(block, "proj_size", 0)
        if proj_size:
            text += translate("Texts", " (projected to {size})").format(size=proj_size)
        layers = block.num_layers
        if layers > 1:
            text += translate("Texts", " ×{count} layers").format(count=layers)
        if block.bidirectional:
            text += translate("Texts", ", both directions")
        return f"{text} · {output_phrase(block.output)}"
    if kind == "linear":
        explicit = block.in_features
        size_in = explicit if explicit is not None else incoming
        return f"{name}  {title} {_size(size_in)}→{block.out_features}"
    return f"{name}  {title} dim={block.dim}"


def _size(value: int | None) -> str:
    return "?" if value is None else str(value)


def field_tooltip(spec: FieldSpec) -> str:
    """The field's help text, then what values it takes."""
    help_text = field_help(spec)
    lines = [help_text] if help_text else []
    if spec.kind in ("int", "float") and spec.minimum is not None and spec.maximum is not None:
        if spec.exclusive_maximum:
            allowed = translate("Texts", "Allowed: from {low} up to (not including) {high}.")
        else:
            allowed = translate("Texts", "Allowed: {low} to {high}.")
        lines.append(allowed.format(low=_number(spec.minimum), high=_number(spec.maximum)))
    if spec.kind == "choice":
        lines.append(
            translate("Texts", "Choices: {choices}.").format(choices=", ".join(spec.choices))
        )
    if spec.optional:
        lines.append(
            translate(
                "Texts",
                "Unpinned, it is read from the incoming tensor; type a value or tick 'pin' "
                "to fix it.",
            )
        )
    elif spec.default is not None and not spec.required:
        lines.append(translate("Texts", "Default: {value}.").format(value=spec.default))
    return "\n".join(lines)


def _number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:g}"
