"""Exercises: a project plus questions about its facts, checked against analyze().

A file (`.rnnstudio-exercise`, JSON) holds one or more parts; each part is a project and
its questions. Answers are read tolerantly ("[24, 6]", "24x6", "torch.Size([24, 6])",
"5.245"), and a wrong answer is explained from the model's own facts.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .analysis import AXIS_LABELS, Analysis, TensorInfo, analyze
from .errors import ProjectError
from .explain import parameter_by_name, shape_rule
from .files import read_bytes_limited
from .project_io import (
    MAX_FILE_BYTES,
    _decode_json,
    describe_validation_error,
    format_location,
    write_text_atomically,
)
from .signals import SIGNAL_KINDS
from .spec import BLOCK_TYPES, FORMAT_VERSION, Project, SoftmaxBlock, _RecurrentBlock

EXERCISE_FORMAT = "rnnstudio-exercise"
EXERCISE_SUFFIX = ".rnnstudio-exercise"
LANGUAGES = ("en", "es")

_STRICT = ConfigDict(strict=True, frozen=True, extra="forbid", allow_inf_nan=False)


class LocalText(BaseModel):
    """A text in English and Spanish."""

    model_config = _STRICT
    en: str = Field(max_length=500)
    es: str = Field(max_length=500)

    def get(self, lang: str) -> str:
        return self.es if lang == "es" else self.en


Text = str | LocalText


def local(text: Text, lang: str) -> str:
    return text if isinstance(text, str) else text.get(lang)


class ParameterShapeQuestion(BaseModel):
    model_config = _STRICT
    kind: Literal["parameter_shape"] = "parameter_shape"
    parameter: str = Field(description="As named_parameters() names it, e.g. rnn.weight_ih_l1.")


class StageShapeQuestion(BaseModel):
    model_config = _STRICT
    kind: Literal["stage_shape"] = "stage_shape"
    stage: str = Field(description="'input' or a block name: the shape of what leaves it.")


class HiddenShapeQuestion(BaseModel):
    model_config = _STRICT
    kind: Literal["hidden_shape"] = "hidden_shape"
    block: str
    state: Literal["h_n", "c_n"] = "h_n"


class TotalParametersQuestion(BaseModel):
    model_config = _STRICT
    kind: Literal["total_parameters"] = "total_parameters"


class SoftmaxAxisQuestion(BaseModel):
    model_config = _STRICT
    kind: Literal["softmax_axis"] = "softmax_axis"
    block: str


Question = Annotated[
    ParameterShapeQuestion
    | StageShapeQuestion
    | HiddenShapeQuestion
    | TotalParametersQuestion
    | SoftmaxAxisQuestion,
    Field(discriminator="kind"),
]
QUESTION_KINDS = (
    "parameter_shape",
    "stage_shape",
    "hidden_shape",
    "total_parameters",
    "softmax_axis",
)


class ExercisePart(BaseModel):
    model_config = _STRICT
    title: Text
    project: Project
    questions: tuple[Question, ...] = Field(min_length=1)

    @field_validator("questions", mode="before")
    @classmethod
    def _as_tuple(cls, value: Any) -> Any:
        return tuple(value) if isinstance(value, list) else value


class Exercise(BaseModel):
    model_config = _STRICT
    format: Literal["rnnstudio-exercise"] = EXERCISE_FORMAT
    version: int = Field(FORMAT_VERSION, ge=1, le=FORMAT_VERSION)
    title: Text
    instructions: Text = ""
    parts: tuple[ExercisePart, ...] = Field(min_length=1)

    @field_validator("parts", mode="before")
    @classmethod
    def _as_tuple(cls, value: Any) -> Any:
        return tuple(value) if isinstance(value, list) else value

    def to_json_dict(self) -> dict[str, Any]:
        data = self.model_dump(mode="json", exclude_defaults=False)
        for part, original in zip(data["parts"], self.parts, strict=True):
            part["project"] = original.project.to_json_dict()
        if not self.instructions:
            data.pop("instructions")
        return data


# --- files --------------------------------------------------------------------------------


def load_exercise(path: str | os.PathLike[str]) -> Exercise:
    """Read and validate an exercise file; every problem raises ProjectError naming the field."""
    raw = read_bytes_limited(
        path, MAX_FILE_BYTES, advice="an exercise file is a few kilobytes: is this the right file?"
    )
    return parse_exercise(raw, source=str(path))


def parse_exercise(
    data: bytes | str | Mapping[str, Any], *, source: str = "<exercise>"
) -> Exercise:
    try:
        if isinstance(data, bytes | str):
            data = _decode_json(data, source)
        if not isinstance(data, Mapping) or data.get("format") != EXERCISE_FORMAT:
            raise ProjectError(
                f'{source}: format: not an rnnstudio exercise; expected "format": '
                f'"{EXERCISE_FORMAT}"',
                path=source,
                field="format",
            )
        exercise = Exercise.model_validate(dict(data))
    except ProjectError:
        raise
    except ValidationError as error:
        raise _exercise_error(error, source) from None
    except Exception as error:  # a last guard: no other exception type may reach a caller
        raise ProjectError(
            f"{source}: could not be read as an exercise ({type(error).__name__}: {error})",
            path=source,
        ) from None
    _check_question_targets(exercise, source)
    return exercise


def save_exercise(exercise: Exercise, path: str | os.PathLike[str]) -> None:
    """Write atomically, as save_project does."""
    text = json.dumps(exercise.to_json_dict(), indent=2, ensure_ascii=False) + "\n"
    write_text_atomically(Path(path), text)


def _exercise_error(error: ValidationError, source: str) -> ProjectError:
    lines = []
    first_field = None
    for field, message in describe_validation_error(error):
        field = _UNION_TAG_IN_PATH.sub("", field)
        lines.append(f"{field}: {message}" if field else message)
        first_field = first_field or field
    return ProjectError(f"{source}: " + "; ".join(lines[:6]), path=source, field=first_field)


# pydantic puts the union tag (block type, question kind, signal kind) into nested paths.
_UNION_TAG_IN_PATH = re.compile(
    r"(?<=\])\.(?:" + "|".join((*BLOCK_TYPES, *QUESTION_KINDS)) + r")(?=\.|$)"
    r"|(?<=\.signal)\.(?:" + "|".join(SIGNAL_KINDS) + r")(?=\.|$)"
)


def _check_question_targets(exercise: Exercise, source: str) -> None:
    for part_index, part in enumerate(exercise.parts):
        analysis = analyze(part.project)
        names = {p.name for p in analysis.parameters}
        blocks = {block.name: block for block in part.project.blocks}
        for index, question in enumerate(part.questions):
            where = format_location(("parts", part_index, "questions", index))
            problem = None
            if isinstance(question, ParameterShapeQuestion) and question.parameter not in names:
                problem = (
                    f"parameter: the model has no parameter {question.parameter!r}; "
                    f"it has {', '.join(sorted(names)) or 'none'}"
                )
            elif isinstance(question, StageShapeQuestion) and question.stage not in (
                {"input"} | set(blocks)
            ):
                problem = f"stage: no stage {question.stage!r}; use 'input' or a block name"
            elif isinstance(question, HiddenShapeQuestion):
                block = blocks.get(question.block)
                if not isinstance(block, _RecurrentBlock):
                    problem = f"block: {question.block!r} is not a recurrent block"
                elif question.state == "c_n" and block.type != "lstm":
                    problem = f"state: {question.block!r} is not an LSTM, so it has no c_n"
            elif isinstance(question, SoftmaxAxisQuestion) and not isinstance(
                blocks.get(question.block), SoftmaxBlock
            ):
                problem = f"block: {question.block!r} is not a softmax block"
            if problem is None and not analysis.ok:
                problem = f"the model has an error: {analysis.first_error.message}"
            if problem:
                raise ProjectError(f"{source}: {where}.{problem}", path=source, field=where)


# --- answers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """The result of checking one answer."""

    correct: bool
    readable: bool  # False when the answer could not be read at all
    expected: str
    explanation: str


_SHAPE_PREFIX = re.compile(r"torch\s*\.\s*size", re.IGNORECASE)


def parse_shape(text: str) -> tuple[int, ...] | None:
    """'[24, 6]', '24x6', '24 × 6', '(24,6)' or 'torch.Size([24, 6])' -> (24, 6); else None."""
    cleaned = _SHAPE_PREFIX.sub("", text)
    if re.search(r"[a-wyzA-WYZ]", cleaned) or "-" in cleaned:
        return None
    numbers = re.findall(r"\d+", cleaned)
    return tuple(int(number) for number in numbers) if numbers else None


def parse_count(text: str) -> int | None:
    """'5245', '5,245', '5.245', '5 245' -> 5245; None if unreadable."""
    cleaned = re.sub(r"[\s,._'’]", "", text)
    return int(cleaned) if cleaned.isdigit() else None


def parse_axis(text: str, info: TensorInfo) -> int | None:
    """An axis index (negative allowed) or an axis name in English or Spanish -> 0..ndim-1."""
    cleaned = text.strip().lower().replace("dim", "").strip(" =:")
    if re.fullmatch(r"-?\d+", cleaned):
        index = int(cleaned)
        return index % info.ndim if -info.ndim <= index < info.ndim else None
    for labels in AXIS_LABELS.values():
        for axis_id, label in labels.items():
            if cleaned in (label.lower(), axis_id) and axis_id in info.axes:
                return info.axes.index(axis_id)
    return None


_TEXT = {
    "en": {
        "unreadable_shape": "Could not read a shape in {given!r}; write it like [24, 6] or 24x6.",
        "unreadable_count": "Could not read a number in {given!r}; write it like 5245.",
        "unreadable_axis": "Could not read an axis in {given!r}; write its index (e.g. 1) or name.",
        "parameter": "{name} is {shape}: {rule} = {numbers}. {reason}.",
        "swapped": " Your answer has rows and columns swapped: torch stores weights as [out, in].",
        "stage": "{stage} gives {shape} {axes}. {reason}",
        "batch_time_swapped": " Your answer swaps batch and time: check batch_first.",
        "input_reason_bf": "With batch_first=True the input is [batch, time, features].",
        "input_reason_tf": "With batch_first=False the input is [time, batch, features].",
        "sequence_bf": (
            "With batch_first=True, y keeps [batch, time, ...]; its last axis is hidden "
            "size × directions ({width})."
        ),
        "sequence_tf": (
            "With batch_first=False, y is [time, batch, ...]; its last axis is hidden "
            "size × directions ({width})."
        ),
        "last_step": "output last_step takes y at the last step: [batch, hidden × directions].",
        "final_hidden": "output final_hidden passes h_n: one final state per layer and direction.",
        "final_cell": "output final_cell passes c_n: one final cell state per layer and direction.",
        "linear": "Linear changes only the last axis: {inp} → {out}.",
        "softmax_shape": "Softmax keeps the shape; it only rescales values to probabilities.",
        "hidden": (
            "{state} of {block} is {shape} {axes}: [layers × directions, batch, hidden] "
            "= [{layers} × {directions}, {batch}, {size}], whatever batch_first is."
        ),
        "total": "The model has {total:,} parameters: {terms}.",
        "axis": "{block} (dim={dim}) normalises over axis {index}: {axis}.",
        "correct": "Correct.",
    },
    "es": {
        "unreadable_shape": (
            "No se pudo leer una forma en {given!r}; escríbala como [24, 6] o 24x6."
        ),
        "unreadable_count": "No se pudo leer un número en {given!r}; escríbalo como 5245.",
        "unreadable_axis": (
            "No se pudo leer un eje en {given!r}; escriba su índice (p. ej. 1) o su nombre."
        ),
        "parameter": "{name} es {shape}: {rule} = {numbers}. {reason}.",
        "swapped": (
            " Su respuesta invierte filas y columnas: torch guarda los pesos como "
            "[salida, entrada]."
        ),
        "stage": "{stage} da {shape} {axes}. {reason}",
        "batch_time_swapped": " Su respuesta invierte lote y tiempo: revise batch_first.",
        "input_reason_bf": "Con batch_first=True la entrada es [lote, tiempo, características].",
        "input_reason_tf": "Con batch_first=False la entrada es [tiempo, lote, características].",
        "sequence_bf": (
            "Con batch_first=True, y conserva [lote, tiempo, ...]; su último eje es hidden "
            "× direcciones ({width})."
        ),
        "sequence_tf": (
            "Con batch_first=False, y es [tiempo, lote, ...]; su último eje es hidden "
            "× direcciones ({width})."
        ),
        "last_step": (
            "output last_step toma y en el último paso de tiempo: [lote, hidden × direcciones]."
        ),
        "final_hidden": "output final_hidden pasa h_n: un estado final por capa y dirección.",
        "final_cell": "output final_cell pasa c_n: una celda final por capa y dirección.",
        "linear": "Linear cambia solo el último eje: {inp} → {out}.",
        "softmax_shape": "Softmax conserva la forma; solo convierte los valores en probabilidades.",
        "hidden": (
            "{state} de {block} es {shape} {axes}: [capas × direcciones, lote, hidden] "
            "= [{layers} × {directions}, {batch}, {size}], sea cual sea batch_first."
        ),
        "total": "El modelo tiene {total:,} parámetros: {terms}.",
        "axis": "{block} (dim={dim}) normaliza sobre el eje {index}: {axis}.",
        "correct": "Correcto.",
    },
}


def _words(lang: str) -> dict[str, str]:
    return _TEXT.get(lang, _TEXT["en"])


def _shape_text(shape: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(size) for size in shape) + "]"


def expected_answer(question: Question, analysis: Analysis, lang: str = "en") -> str:
    """The right answer as a student would write it."""
    if isinstance(question, ParameterShapeQuestion):
        return _shape_text(parameter_by_name(analysis, question.parameter).shape)
    if isinstance(question, StageShapeQuestion):
        output = analysis.stage(question.stage).output
        return _shape_text(output.shape) if output else "—"
    if isinstance(question, HiddenShapeQuestion):
        return _shape_text(analysis.stage(question.block).state[question.state].shape)
    if isinstance(question, TotalParametersQuestion):
        return f"{analysis.total_parameters:,}"
    stage = analysis.stage(question.block)
    assert stage.incoming is not None
    block = analysis.project.block(question.block)
    assert isinstance(block, SoftmaxBlock)
    index = block.dim % stage.incoming.ndim
    return f"{index} ({stage.incoming.axis_text(index, lang)})"


def check_answer(question: Question, given: str, analysis: Analysis, lang: str = "en") -> Verdict:
    """Check one answer; a wrong one gets an explanation built from the model's facts."""
    words = _words(lang)
    expected = expected_answer(question, analysis, lang)
    if isinstance(question, ParameterShapeQuestion | StageShapeQuestion | HiddenShapeQuestion):
        shape = parse_shape(given)
        if shape is None:
            return Verdict(False, False, expected, words["unreadable_shape"].format(given=given))
        right = _expected_shape(question, analysis)
        if shape == right:
            return Verdict(True, True, expected, words["correct"])
        return Verdict(False, True, expected, _explain_shape(question, shape, analysis, lang))
    if isinstance(question, TotalParametersQuestion):
        count = parse_count(given)
        if count is None:
            return Verdict(False, False, expected, words["unreadable_count"].format(given=given))
        if count == analysis.total_parameters:
            return Verdict(True, True, expected, words["correct"])
        return Verdict(False, True, expected, _explain_total(analysis, lang))
    stage = analysis.stage(question.block)
    assert stage.incoming is not None
    axis = parse_axis(given, stage.incoming)
    if axis is None:
        return Verdict(False, False, expected, words["unreadable_axis"].format(given=given))
    block = analysis.project.block(question.block)
    assert isinstance(block, SoftmaxBlock)
    right = block.dim % stage.incoming.ndim
    if axis == right:
        return Verdict(True, True, expected, words["correct"])
    return Verdict(False, True, expected, _explain_axis(block, stage.incoming, analysis, lang))


def _expected_shape(question: Question, analysis: Analysis) -> tuple[int, ...]:
    if isinstance(question, ParameterShapeQuestion):
        return parameter_by_name(analysis, question.parameter).shape
    if isinstance(question, StageShapeQuestion):
        output = analysis.stage(question.stage).output
        assert output is not None
        return output.shape
    assert isinstance(question, HiddenShapeQuestion)
    return analysis.stage(question.block).state[question.state].shape


def _explain_shape(
    question: Question, given: tuple[int, ...], analysis: Analysis, lang: str
) -> str:
    words = _words(lang)
    if isinstance(question, ParameterShapeQuestion):
        parameter = parameter_by_name(analysis, question.parameter)
        rule = shape_rule(analysis, parameter, lang)
        text = words["parameter"].format(
            name=parameter.name,
            shape=_shape_text(parameter.shape),
            rule=rule.rule,
            numbers=rule.numbers,
            reason=rule.reason,
        )
        if len(given) == 2 and given == parameter.shape[::-1]:
            text += words["swapped"]
        return text
    if isinstance(question, HiddenShapeQuestion):
        stage = analysis.stage(question.block)
        info = stage.state[question.state]
        block = analysis.project.block(question.block)
        assert isinstance(block, _RecurrentBlock)
        return words["hidden"].format(
            state=question.state,
            block=block.name,
            shape=_shape_text(info.shape),
            axes=info.describe(lang),
            layers=block.num_layers,
            directions=block.directions,
            batch=info.shape[1] if info.ndim == 3 else 1,
            size=info.shape[-1],
        )
    assert isinstance(question, StageShapeQuestion)
    stage = analysis.stage(question.stage)
    assert stage.output is not None
    reason = _stage_reason(analysis, question.stage, lang)
    text = words["stage"].format(
        stage=question.stage,
        shape=_shape_text(stage.output.shape),
        axes=stage.output.describe(lang),
        reason=reason,
    )
    text += "".join(f" {warning.text(lang)}" for warning in stage.warnings)
    axes = stage.output.axes
    if "batch" in axes and "time" in axes:
        swapped = list(stage.output.shape)
        b, t = axes.index("batch"), axes.index("time")
        swapped[b], swapped[t] = swapped[t], swapped[b]
        if tuple(swapped) == given and swapped != list(stage.output.shape):
            text += words["batch_time_swapped"]
    return text


def _stage_reason(analysis: Analysis, name: str, lang: str) -> str:
    words = _words(lang)
    if name == "input":
        bf = analysis.project.input.batch_first
        return words["input_reason_bf" if bf else "input_reason_tf"]
    block = analysis.project.block(name)
    stage = analysis.stage(name)
    if isinstance(block, _RecurrentBlock):
        if block.output == "sequence":
            key = "sequence_bf" if block.batch_first else "sequence_tf"
            return words[key].format(width=block.directions * block.hidden_out)
        return words[block.output]
    if isinstance(block, SoftmaxBlock):
        return words["softmax_shape"]
    assert stage.incoming is not None and stage.output is not None
    return words["linear"].format(inp=stage.incoming.shape[-1], out=stage.output.shape[-1])


def _explain_total(analysis: Analysis, lang: str) -> str:
    terms = []
    for block in analysis.project.blocks:
        parameters = analysis.block_parameters(block.name)
        if not parameters:
            continue
        parts = " + ".join("×".join(str(size) for size in p.shape) for p in parameters)
        subtotal = sum(p.numel for p in parameters)
        terms.append(f"{block.name} = {parts} = {subtotal:,}")
    return _words(lang)["total"].format(total=analysis.total_parameters, terms="; ".join(terms))


def _explain_axis(block: SoftmaxBlock, incoming: TensorInfo, analysis: Analysis, lang: str) -> str:
    index = block.dim % incoming.ndim
    text = _words(lang)["axis"].format(
        block=block.name, dim=block.dim, index=index, axis=incoming.axis_text(index, lang)
    )
    warning = next(
        (p for p in analysis.stage(block.name).warnings if p.code == "softmax_axis"), None
    )
    if warning is not None:
        text += " " + warning.text(lang)
    return text


# --- shipped exercises --------------------------------------------------------------------


def exercise_names() -> tuple[str, ...]:
    from importlib import resources

    folder = resources.files("rnnstudio.resources") / "exercises"
    return tuple(
        sorted(
            entry.name.removesuffix(EXERCISE_SUFFIX)
            for entry in folder.iterdir()
            if entry.name.endswith(EXERCISE_SUFFIX)
        )
    )


def load_shipped_exercise(name: str) -> Exercise:
    from importlib import resources

    if name not in exercise_names():
        raise ProjectError(f"{name}: no such exercise; exercises: {', '.join(exercise_names())}")
    entry = resources.files("rnnstudio.resources") / "exercises" / f"{name}{EXERCISE_SUFFIX}"
    return parse_exercise(entry.read_bytes(), source=f"exercise {name}")


def questions_from_project(
    project: Project,
    *,
    parameters: bool = True,
    stages: bool = True,
    hidden: bool = True,
    total: bool = True,
    softmax_axes: bool = True,
) -> tuple[Question, ...]:
    """The facts a teacher can ask about an open project, chosen by kind."""
    analysis = analyze(project)
    questions: list[Question] = []
    if stages:
        questions.append(StageShapeQuestion(stage="input"))
    for block in project.blocks:
        if parameters:
            questions.extend(
                ParameterShapeQuestion(parameter=p.name)
                for p in analysis.block_parameters(block.name)
            )
        if stages:
            questions.append(StageShapeQuestion(stage=block.name))
        if hidden and isinstance(block, _RecurrentBlock):
            questions.append(HiddenShapeQuestion(block=block.name))
        if softmax_axes and isinstance(block, SoftmaxBlock):
            questions.append(SoftmaxAxisQuestion(block=block.name))
    if total:
        questions.append(TotalParametersQuestion())
    return tuple(questions)
