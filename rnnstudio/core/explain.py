"""Where each parameter shape and count comes from, in words a student can check by hand.

The rules are torch's (see nn.RNN / nn.LSTM / nn.GRU "Variables"): gates × hidden rows,
and columns that are the features for layer 0 and the previous layer's output after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .analysis import Analysis, ParameterInfo
from .spec import LinearBlock, LSTMBlock, _RecurrentBlock

GATES = {"rnn": 1, "gru": 3, "lstm": 4}
GATE_NAMES = {
    "en": {
        "rnn": "RNN: gates = 1 (a plain RNN has no gates)",
        "gru": "GRU: gates = 3 (reset, update, new)",
        "lstm": "LSTM: gates = 4 (input, forget, cell, output)",
    },
    "es": {
        "rnn": "RNN: compuertas = 1 (una RNN simple no tiene compuertas)",
        "gru": "GRU: compuertas = 3 (reset, update, nueva)",
        "lstm": "LSTM: compuertas = 4 (entrada, olvido, celda, salida)",
    },
}

_RECURRENT_PARAMETER = re.compile(r"^(weight|bias)_(ih|hh|hr)_l(\d+)(_reverse)?$")


@dataclass(frozen=True)
class ShapeRule:
    """A parameter's shape as a rule, the rule with the numbers, and the count's arithmetic."""

    parameter: str
    shape: tuple[int, ...]
    rule: str  # "[gates × hidden, input]"
    numbers: str  # "[4 × 16, 5]"
    count: str  # "64 × 5 = 320"
    reason: str  # one sentence on why the columns are what they are


def _words(lang: str) -> dict[str, str]:
    return _WORDS.get(lang, _WORDS["en"])


_WORDS = {
    "en": {
        "gates": "gates",
        "hidden": "hidden",
        "input": "input",
        "proj": "proj",
        "out": "out_features",
        "in": "in_features",
        "first_layer": "layer 0 reads the input features ({features})",
        "later_layer": (
            "from layer 2 on, the input is the previous layer's output ({width}), "
            "not the features ({features})"
        ),
        "later_layer_bi": (
            "from layer 2 on, the input is the previous layer's output, both directions "
            "concatenated ({directions} × {size} = {width})"
        ),
        "hh": "h_(t-1) is multiplied at every step; its size is {size}",
        "hr": "the projection maps each step's hidden state ({hidden}) down to proj_size ({proj})",
        "bias": "one bias per row of the matching weight: {gates} × {hidden}",
        "linear_weight": "one row per output ({out}), one column per incoming feature ({inp})",
        "linear_bias": "one bias per output ({out})",
    },
    "es": {
        "gates": "compuertas",
        "hidden": "hidden",
        "input": "entrada",
        "proj": "proj",
        "out": "out_features",
        "in": "in_features",
        "first_layer": "la capa 0 lee las características de entrada ({features})",
        "later_layer": (
            "desde la capa 2, la entrada es la salida de la capa anterior ({width}), no las "
            "características ({features})"
        ),
        "later_layer_bi": (
            "desde la capa 2, la entrada es la salida de la capa anterior, con ambas "
            "direcciones concatenadas ({directions} × {size} = {width})"
        ),
        "hh": "h_(t-1) se multiplica en cada paso; su tamaño es {size}",
        "hr": ("la proyección lleva el estado oculto de cada paso ({hidden}) a proj_size ({proj})"),
        "bias": "un sesgo por fila del peso correspondiente: {gates} × {hidden}",
        "linear_weight": "una fila por salida ({out}), una columna por característica ({inp})",
        "linear_bias": "un sesgo por salida ({out})",
    },
}


def _product(numbers: tuple[int, ...]) -> str:
    total = 1
    for number in numbers:
        total *= number
    if len(numbers) == 1:
        return f"{numbers[0]:,}"
    return " × ".join(f"{n:,}" for n in numbers) + f" = {total:,}"


def shape_rule(analysis: Analysis, parameter: ParameterInfo, lang: str = "en") -> ShapeRule:
    """Explain one parameter of the analysis, e.g. weight_ih_l1 of a 2-layer LSTM."""
    words = _words(lang)
    block = analysis.project.block(parameter.block)
    stage = analysis.stage(parameter.block)
    features = stage.incoming_features
    if isinstance(block, LinearBlock):
        out, inp = block.out_features, parameter.shape[-1]
        if parameter.local_name == "weight":
            rule = f"[{words['out']}, {words['in']}]"
            numbers = f"[{out}, {inp}]"
            reason = words["linear_weight"].format(out=out, inp=inp)
        else:
            rule, numbers = f"[{words['out']}]", f"[{out}]"
            reason = words["linear_bias"].format(out=out)
        return ShapeRule(
            parameter.name, parameter.shape, rule, numbers, _product(parameter.shape), reason
        )

    assert isinstance(block, _RecurrentBlock)
    match = _RECURRENT_PARAMETER.match(parameter.local_name)
    if match is None:  # pragma: no cover - torch names every recurrent parameter this way
        raise ValueError(f"unexpected parameter name {parameter.local_name!r}")
    kind_of, matrix, layer = match.group(1), match.group(2), int(match.group(3))
    gates = GATES[block.type]
    hidden = block.hidden_size
    proj = block.proj_size if isinstance(block, LSTMBlock) else 0
    out_size = proj or hidden
    gate_text = f"{words['gates']} × {words['hidden']}"
    gate_numbers = f"{gates} × {hidden}"
    if matrix == "hr":
        rule, numbers = f"[{words['proj']}, {words['hidden']}]", f"[{proj}, {hidden}]"
        reason = words["hr"].format(hidden=hidden, proj=proj)
    elif kind_of == "bias":
        rule, numbers = f"[{gate_text}]", f"[{gate_numbers}]"
        reason = words["bias"].format(gates=gates, hidden=hidden)
    elif matrix == "hh":
        column = words["proj"] if proj else words["hidden"]
        rule, numbers = f"[{gate_text}, {column}]", f"[{gate_numbers}, {out_size}]"
        reason = words["hh"].format(size=out_size)
    else:
        columns = parameter.shape[1]
        rule, numbers = f"[{gate_text}, {words['input']}]", f"[{gate_numbers}, {columns}]"
        if layer == 0:
            reason = words["first_layer"].format(features=features)
        elif block.bidirectional:
            reason = words["later_layer_bi"].format(
                directions=block.directions, size=out_size, width=columns
            )
        else:
            reason = words["later_layer"].format(width=columns, features=features)
    gate_names = GATE_NAMES.get(lang, GATE_NAMES["en"])[block.type]
    reason = f"{gate_names}; {reason}"
    return ShapeRule(
        parameter.name, parameter.shape, rule, numbers, _product(parameter.shape), reason
    )


def parameter_by_name(analysis: Analysis, name: str) -> ParameterInfo:
    for parameter in analysis.parameters:
        if parameter.name == name:
            return parameter
    raise KeyError(name)
