"""The notebook's `teoria()` report, as text or as a JSON-ready dict, from analyze()'s facts."""

from __future__ import annotations

from typing import Any

from .analysis import Analysis, TensorInfo
from .errors import ModelError
from .model import build_model

RULE = "-" * 84

# The notebook's own headings and labels, in both languages.
_WORDS = {
    "en": {
        "model": "MODEL",
        "parameters": "MODEL PARAMETERS",
        "input": "INPUT",
        "output": "OUTPUT",
        "problems": "WARNINGS AND ERRORS",
        "param_name": "Parameter name:",
        "param_shape": "Parameter shape:",
        "total": "Total parameters",
        "input_shape": "input shape:",
        "stage_output": "{name} output:",
        "h_n": "{name} final hidden h_n (last hidden of each layer):",
        "c_n": "{name} final cell c_n (last cell state of each layer):",
        "model_output": "model output:",
        "not_analyzed": "not analyzed: {block} above has an error",
        "no_model": "(the model cannot be built: {error})",
        "no_parameters": "(no parameters)",
        "error": "error",
        "warning": "warning",
    },
    "es": {
        "model": "MODELO",
        "parameters": "PARAMETROS DEL MODELO",
        "input": "ENTRADA",
        "output": "SALIDA",
        "problems": "ADVERTENCIAS Y ERRORES",
        "param_name": "Nombre del parámetro:",
        "param_shape": "Tamaño del parámetro:",
        "total": "Total de parámetros",
        "input_shape": "entrada shape:",
        "stage_output": "salida de {name}:",
        "h_n": "hidden final h_n de {name} (solo último hidden de cada capa):",
        "c_n": "celda final c_n de {name} (último estado de celda de cada capa):",
        "model_output": "salida de la red (output):",
        "not_analyzed": "sin analizar: {block} tiene un error",
        "no_model": "(no se puede construir el modelo: {error})",
        "no_parameters": "(sin parámetros)",
        "error": "error",
        "warning": "advertencia",
    },
}


def torch_size(shape: tuple[int, ...]) -> str:
    """How torch prints a shape: torch.Size([3, 5, 2])."""
    return f"torch.Size([{', '.join(str(size) for size in shape)}])"


def model_printout(analysis: Analysis) -> str:
    """print(model) of the project, built on the meta device so any size works."""
    model = build_model(analysis.project, device="meta")
    return str(model)


def summary_text(analysis: Analysis, lang: str = "en") -> str:
    """The teoria() report: model printout, parameters, input shape and output shapes."""
    words = _WORDS.get(lang, _WORDS["en"])
    lines: list[str] = []

    def heading(key: str) -> None:
        lines.extend([RULE, words[key], RULE])

    heading("model")
    try:
        lines.append(model_printout(analysis))
    except ModelError as error:
        lines.append(words["no_model"].format(error=error))
    heading("parameters")
    for parameter in analysis.parameters:
        lines.extend(
            [
                words["param_name"],
                parameter.name,
                words["param_shape"],
                torch_size(parameter.shape),
                "",
            ]
        )
    if not analysis.parameters:
        lines.append(words["no_parameters"])
    lines.append(f"{words['total']}: {analysis.total_parameters:,}")
    heading("input")
    lines.append(f"{words['input_shape']} {_shape_line(analysis.input, lang)}")
    heading("output")
    for stage in analysis.stages[1:]:
        if stage.output is None:
            reason = (
                stage.errors[0].message
                if stage.errors
                else words["not_analyzed"].format(block=stage.blocked_by)
            )
            lines.append(f"{words['stage_output'].format(name=stage.name)} {reason}")
            continue
        lines.append(
            f"{words['stage_output'].format(name=stage.name)} {_shape_line(stage.output, lang)}"
        )
        for state_name, info in stage.states:
            lines.append(f"{words[state_name].format(name=stage.name)} {_shape_line(info, lang)}")
    if analysis.output is not None:
        lines.append(f"{words['model_output']} {_shape_line(analysis.output, lang)}")
    if analysis.problems:
        heading("problems")
        for problem in analysis.problems:
            lines.append(f"{words[problem.severity]}: {problem.text(lang)}")
    return "\n".join(lines) + "\n"


def _shape_line(info: TensorInfo, lang: str) -> str:
    return f"{torch_size(info.shape)}  {info.describe(lang)}"


def summary_dict(analysis: Analysis) -> dict[str, Any]:
    """The facts of the report as one JSON-ready object (``stages[0]`` is the input)."""
    stages: list[dict[str, Any]] = []
    for stage in analysis.stages:
        if stage.output is None:
            message = (
                stage.errors[0].message
                if stage.errors
                else _WORDS["en"]["not_analyzed"].format(block=stage.blocked_by)
            )
            stages.append({"name": stage.name, "type": stage.kind, "error": message})
            continue
        entry: dict[str, Any] = {
            "name": stage.name,
            "type": stage.kind,
            "shape": list(stage.output.shape),
            "axes": list(stage.output.axes),
        }
        for state_name, info in stage.states:
            entry[state_name] = {"shape": list(info.shape), "axes": list(info.axes)}
        stages.append(entry)
    return {
        "name": analysis.project.name,
        "parameters": [
            {"name": p.name, "shape": list(p.shape), "numel": p.numel} for p in analysis.parameters
        ],
        "total_parameters": analysis.total_parameters,
        "stages": stages,
        "output_shape": list(analysis.output.shape) if analysis.output is not None else None,
        "warnings": [p.message for p in analysis.warnings],
        "errors": [p.message for p in analysis.errors],
    }
