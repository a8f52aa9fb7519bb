"""The help text of every form field in Spanish, keyed by owner (block type, "input" or a
signal kind) and field name.

The English help is the pydantic Field description in the core (the one source of truth);
this table gives its Spanish. A test checks that every FieldSpec has an entry here.
"""

from __future__ import annotations

from functools import cache

from rnnstudio.core.signals import SIGNAL_KINDS, signal_field_specs
from rnnstudio.core.spec import BLOCK_TYPES, FieldSpec, field_specs, input_field_specs

from .i18n import current_language

_NAME = "El nombre del bloque como atributo del modelo, p. ej. rnn1 o fc."
_INPUT_SIZE = (
    "Características por paso de tiempo que llegan; si se deja vacío, se toma del tensor que llega."
)
_HIDDEN_SIZE = "Tamaño del estado oculto h de cada capa."
_NUM_LAYERS = (
    "Capas recurrentes apiladas; desde la capa 2, la entrada es el estado oculto de la capa "
    "de abajo."
)
_BIAS_RECURRENT = "Sumar los sesgos b_ih y b_hh."
_BATCH_FIRST = (
    "Leer la entrada como [lote, tiempo, características] en vez de "
    "[tiempo, lote, características]."
)
_DROPOUT = (
    "Probabilidad de dropout entre capas apiladas (solo al entrenar; necesita num_layers > 1)."
)
_BIDIRECTIONAL = "Recorrer también la secuencia hacia atrás y concatenar ambas direcciones."
_OUTPUT = (
    "Lo que el bloque pasa al siguiente: y en todos los pasos de tiempo, y en el último paso, "
    "o el estado final h_n de cada capa."
)
_SEED = "Semilla del generador aleatorio: la misma semilla da los mismos valores."
_NOISE = (
    "Desviación estándar del ruido gaussiano sumado a cada valor (0: sin ruido); cada "
    "secuencia del lote recibe su propio ruido."
)
_FREQUENCY = (
    "Ciclos por paso de tiempo (0.1: un período cada 10 pasos), un número para todas las "
    "características o uno por característica; como máximo 0.5."
)
_PHASE = (
    "Desfase en radianes en el paso 0, un número para todas las características o uno por "
    "característica."
)
_AMPLITUDE_PERIODIC = "Valor de pico; la señal oscila entre -A y +A."

_RECURRENT = {
    "name": _NAME,
    "input_size": _INPUT_SIZE,
    "hidden_size": _HIDDEN_SIZE,
    "num_layers": _NUM_LAYERS,
    "bias": _BIAS_RECURRENT,
    "batch_first": _BATCH_FIRST,
    "dropout": _DROPOUT,
    "bidirectional": _BIDIRECTIONAL,
    "output": _OUTPUT,
}
_PERIODIC = {
    "frequency": _FREQUENCY,
    "phase": _PHASE,
    "amplitude": _AMPLITUDE_PERIODIC,
    "noise": _NOISE,
    "seed": _SEED,
}

HELP_ES: dict[tuple[str, str], str] = {
    **{("rnn", field): text for field, text in _RECURRENT.items()},
    ("rnn", "nonlinearity"): (
        "Activación de la actualización h_t = act(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh)."
    ),
    **{("lstm", field): text for field, text in _RECURRENT.items()},
    ("lstm", "proj_size"): (
        "Si es mayor que 0, h se proyecta a este tamaño (debe ser menor que hidden_size)."
    ),
    ("lstm", "output"): _OUTPUT + " En una LSTM, también el estado final de la celda c_n.",
    **{("gru", field): text for field, text in _RECURRENT.items()},
    ("linear", "name"): _NAME,
    ("linear", "in_features"): (
        "Tamaño del último eje que llega; si se deja vacío, se toma del tensor que llega."
    ),
    ("linear", "out_features"): "Salidas por posición, p. ej. el número de clases.",
    ("linear", "bias"): "Sumar un sesgo aprendible a cada salida.",
    ("softmax", "name"): _NAME,
    ("softmax", "dim"): (
        "El eje cuyos valores se convierten en probabilidades que suman 1 (-1 es el último eje)."
    ),
    ("input", "features"): "Valores por paso de tiempo (el input_size del cuaderno).",
    ("input", "batch"): "Secuencias procesadas juntas (batch_size).",
    ("input", "seq_len"): "Pasos de tiempo por secuencia (largo_entrada).",
    ("input", "batch_first"): (
        "Disponer la entrada como [lote, tiempo, características], no como "
        "[tiempo, lote, características]."
    ),
    ("uniform", "low"): "El menor valor posible.",
    ("uniform", "high"): "Los valores quedan por debajo de este límite.",
    ("uniform", "seed"): _SEED,
    ("normal", "mean"): "Centro de la distribución.",
    ("normal", "std"): "Desviación estándar: cuánto se alejan típicamente los valores de la media.",
    ("normal", "seed"): _SEED,
    **{("sine", field): text for field, text in _PERIODIC.items()},
    **{("square", field): text for field, text in _PERIODIC.items()},
    (
        "step",
        "at_step",
    ): "El paso de tiempo (contando desde 0) en el que el valor salta a amplitude.",
    ("step", "amplitude"): "El valor después del salto.",
    ("step", "noise"): _NOISE,
    ("step", "seed"): _SEED,
    ("impulse", "at_step"): "El único paso de tiempo (contando desde 0) cuyo valor no es 0.",
    ("impulse", "amplitude"): "El valor en ese paso.",
    ("impulse", "noise"): _NOISE,
    ("impulse", "seed"): _SEED,
    ("ramp", "start"): "El valor en el primer paso de tiempo.",
    ("ramp", "stop"): "El valor en el último paso de tiempo.",
    ("ramp", "noise"): _NOISE,
    ("ramp", "seed"): _SEED,
    ("csv", "path"): (
        "Archivo CSV con una fila por paso de tiempo y una columna por característica "
        "(encabezado opcional); una ruta relativa parte de la carpeta del proyecto."
    ),
}


def owners() -> dict[str, tuple[FieldSpec, ...]]:
    """Every form the window can generate: its owner and its fields."""
    forms = {block_type: field_specs(block_type) for block_type in BLOCK_TYPES}
    forms["input"] = input_field_specs()
    forms.update({kind: signal_field_specs(kind) for kind in SIGNAL_KINDS})
    return forms


@cache
def _by_english() -> dict[str, str]:
    """English help -> Spanish help; the same English always has the same Spanish."""
    table: dict[str, str] = {}
    for owner, specs in owners().items():
        for spec in specs:
            spanish = HELP_ES.get((owner, spec.name))
            if spec.help and spanish:
                table.setdefault(spec.help, spanish)
    return table


def help_pairs(lang: str) -> tuple[tuple[str, str], ...]:
    """(English, translation) for every field help, for retranslating open windows."""
    if lang != "es":
        return ()
    return tuple(_by_english().items())


def field_help(spec: FieldSpec, lang: str | None = None) -> str:
    """A field's help text in `lang` (the window's language when None)."""
    lang = lang or current_language()
    if lang == "es":
        return _by_english().get(spec.help, spec.help)
    return spec.help
