"""The analysis's errors and warnings in English and Spanish, rendered from one catalogue.

A Problem keeps a list of message keys and its arguments; the text is rendered in the
language asked for. Arguments that are tensors (TensorInfo) or axes (AxisRef) render their
axis names in that language too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LANGUAGES = ("en", "es")

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "batch_equals_seq_len": (
            "batch and seq_len are both {size}: swapping the two axes by mistake gives no "
            "error. Use different sizes while learning to see which axis is which."
        ),
        "size_mismatch": (
            "{block} expects {field} {expected} but receives {got} features (the last axis of "
            "{incoming}); set {field} to {got}, or leave it empty to take it from the incoming "
            "tensor"
        ),
        "bad_rank.recurrent": (
            "{block}: {kind} expects a 2-D or 3-D input ([batch, time, features]) but receives "
            "a {ndim}-D tensor {incoming}"
        ),
        "axes_misread": (
            "{block} (batch_first={batch_first}) reads axis 0 ({axis0}) as {first} and axis 1 "
            "({axis1}) as {second}."
        ),
        "axes_misread.swap": " Set batch_first to {other} to read them as they are.",
        "axes_misread.h_n": (
            " This is h_n, laid out [layers×directions, batch, hidden] whatever batch_first "
            "is: pass the sequence y (output: sequence) or its last step (output: last_step) "
            "instead."
        ),
        "axes_misread.other": " Check that the block before passes the tensor you mean.",
        "axes_misread.training": (
            " Training would mix up the sequences of a batch with their time steps."
        ),
        "unbatched_input": (
            "{block} receives a 2-D tensor {incoming}; torch reads a 2-D input as one unbatched "
            "sequence [time, features], so {axis0} becomes the time axis. Pass a 3-D tensor "
            "(e.g. output: sequence) to keep the batch."
        ),
        "dropout_one_layer": (
            "{block}: dropout={dropout} does nothing with num_layers=1. torch applies dropout "
            "between stacked layers only (after every layer but the last); add layers or set "
            "dropout to 0."
        ),
        "bidirectional_last_step": (
            "{block}: with bidirectional=True, y at the last step holds the backward direction "
            "after only one step of the sequence. final_hidden gives both directions' complete "
            "states."
        ),
        "bad_rank.linear": "{block}: Linear needs at least one axis",
        "dim_out_of_range": (
            "{block}: Dimension out of range (expected to be in range of [{low}, {high}], but "
            "got {dim}); the incoming tensor {incoming} has {ndim} axes"
        ),
        "softmax_axis": (
            "{block} normalises over {axis} (dim={dim}): the probabilities sum to 1 over the "
            "{size} {plural}, not over classes."
        ),
        "softmax_axis.hint": " Use dim=-1 (or {class_axis}) for class probabilities.",
        "plural.time": "time steps",
        "plural.batch": "sequences of the batch",
        "plural.layers_directions": "layers×directions",
        "word.batch": "batch",
        "word.time": "time",
    },
    "es": {
        "batch_equals_seq_len": (
            "batch y seq_len valen ambos {size}: si se intercambian los dos ejes por error no "
            "aparece ningún error. Use tamaños distintos mientras aprende, para ver qué eje es "
            "cuál."
        ),
        "size_mismatch": (
            "{block} espera {field} {expected} pero recibe {got} características (el último eje "
            "de {incoming}); ponga {field} en {got}, o déjelo vacío para tomarlo del tensor "
            "que llega"
        ),
        "bad_rank.recurrent": (
            "{block}: {kind} espera una entrada de 2 o 3 dimensiones ([lote, tiempo, "
            "características]) pero recibe un tensor de {ndim} dimensiones {incoming}"
        ),
        "axes_misread": (
            "{block} (batch_first={batch_first}) lee el eje 0 ({axis0}) como {first} y el eje 1 "
            "({axis1}) como {second}."
        ),
        "axes_misread.swap": " Ponga batch_first en {other} para leerlos como son.",
        "axes_misread.h_n": (
            " Esto es h_n, con forma [capas×direcciones, lote, oculto] sea cual sea "
            "batch_first: pase la secuencia y (output: sequence) o su último paso "
            "(output: last_step)."
        ),
        "axes_misread.other": " Revise que el bloque anterior pase el tensor que usted quiere.",
        "axes_misread.training": (
            " El entrenamiento mezclaría las secuencias de un lote con sus pasos de tiempo."
        ),
        "unbatched_input": (
            "{block} recibe un tensor de 2 dimensiones {incoming}; torch lee una entrada de 2 "
            "dimensiones como una sola secuencia sin lote [tiempo, características], así que "
            "{axis0} pasa a ser el eje del tiempo. Pase un tensor de 3 dimensiones (p. ej. "
            "output: sequence) para conservar el lote."
        ),
        "dropout_one_layer": (
            "{block}: dropout={dropout} no hace nada con num_layers=1. torch aplica dropout "
            "solo entre capas apiladas (después de cada capa menos la última); agregue capas o "
            "ponga dropout en 0."
        ),
        "bidirectional_last_step": (
            "{block}: con bidirectional=True, y en el último paso contiene la dirección hacia "
            "atrás después de un solo paso de la secuencia. final_hidden da los estados "
            "completos de ambas direcciones."
        ),
        "bad_rank.linear": "{block}: Linear necesita al menos un eje",
        "dim_out_of_range": (
            "{block}: dimensión fuera de rango (se esperaba un valor en [{low}, {high}], se "
            "recibió {dim}); el tensor que llega {incoming} tiene {ndim} ejes"
        ),
        "softmax_axis": (
            "{block} normaliza sobre {axis} (dim={dim}): las probabilidades suman 1 sobre los "
            "{size} {plural}, no sobre las clases."
        ),
        "softmax_axis.hint": " Use dim=-1 (o {class_axis}) para obtener probabilidades por clase.",
        "plural.time": "pasos de tiempo",
        "plural.batch": "elementos del lote",
        "plural.layers_directions": "capas×direcciones",
        "word.batch": "lote",
        "word.time": "tiempo",
    },
}


@dataclass(frozen=True)
class AxisRef:
    """One axis of a tensor, rendered as 'time=7' / 'tiempo=7'."""

    info: Any  # TensorInfo; typed loosely to keep this module free of analysis imports
    index: int


@dataclass(frozen=True)
class Word:
    """A catalogue word rendered in the message's language, e.g. Word('plural.time')."""

    key: str


def render(keys: tuple[str, ...], args: dict[str, Any], lang: str = "en") -> str:
    """Join the templates of ``keys`` and fill them with ``args`` in language ``lang``."""
    catalogue = MESSAGES.get(lang, MESSAGES["en"])
    values = {name: _render_value(value, lang, catalogue) for name, value in args.items()}
    return "".join(catalogue[key].format(**values) for key in keys)


def _render_value(value: Any, lang: str, catalogue: dict[str, str]) -> Any:
    if isinstance(value, AxisRef):
        return value.info.axis_text(value.index, lang)
    if isinstance(value, Word):
        return catalogue[value.key]
    if hasattr(value, "describe"):
        return value.describe(lang)
    return value
