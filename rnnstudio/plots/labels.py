"""Every string the figures show, per language; English is the default and the fallback."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "time_step": "time step",
        "unit": "unit",
        "units": "units",
        "feature": "feature",
        "class": "class",
        "probability": "probability",
        "value": "value",
        "input": "input",
        "input_x": "input x",
        "input_from": "input: output of {block}",
        "hidden": "hidden state h",
        "cell": "cell state c",
        "final_hidden": "final state h_n",
        "final_cell": "final state c_n",
        "outlined": "outlined column: {what}",
        "layer": "layer {layer}",
        "forward": "forward",
        "backward": "backward",
        "batch_item": "batch item {index}",
        "output": "output",
        "index": "index",
        "states_title": "{block} ({kind}): {state}, {item}",
        "output_title": "{block} output {shape}",
        "softmax_over_time": (
            "softmax over time (dim={dim}): each class sums to 1 across the time steps, "
            "not across classes"
        ),
        "softmax_over_axis": "softmax over {axis} (dim={dim}): not probabilities over classes",
        "time_step_reduced": "time step (extremes of every {step} steps)",
    },
    "es": {
        "time_step": "paso de tiempo",
        "unit": "unidad",
        "units": "unidades",
        "feature": "característica",
        "class": "clase",
        "probability": "probabilidad",
        "value": "valor",
        "input": "entrada",
        "input_x": "entrada x",
        "input_from": "entrada: salida de {block}",
        "hidden": "estado oculto h",
        "cell": "estado de celda c",
        "final_hidden": "estado final h_n",
        "final_cell": "estado final c_n",
        "outlined": "columna recuadrada: {what}",
        "layer": "capa {layer}",
        "forward": "hacia adelante",
        "backward": "hacia atrás",
        "batch_item": "elemento {index} del lote",
        "output": "salida",
        "index": "índice",
        "states_title": "{block} ({kind}): {state}, {item}",
        "output_title": "salida de {block} {shape}",
        "softmax_over_time": (
            "softmax sobre el tiempo (dim={dim}): cada clase suma 1 a lo largo de los pasos, "
            "no entre clases"
        ),
        "softmax_over_axis": "softmax sobre {axis} (dim={dim}): no son probabilidades de clases",
        "time_step_reduced": "paso de tiempo (extremos de cada {step} pasos)",
    },
}


def label(key: str, lang: str = "en", **values: object) -> str:
    """The text for ``key`` in ``lang`` (English when missing), with ``values`` filled in."""
    text = LABELS.get(lang, LABELS["en"]).get(key, LABELS["en"][key])
    return text.format(**values) if values else text
