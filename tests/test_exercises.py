"""Exercises: expected answers are torch's facts; answers are read tolerantly and explained."""

import json

import pytest
import torch

from rnnstudio.core.analysis import analyze
from rnnstudio.core.errors import ProjectError
from rnnstudio.core.examples import load_example
from rnnstudio.core.exercises import (
    Exercise,
    ExercisePart,
    HiddenShapeQuestion,
    ParameterShapeQuestion,
    SoftmaxAxisQuestion,
    StageShapeQuestion,
    TotalParametersQuestion,
    check_answer,
    exercise_names,
    load_exercise,
    load_shipped_exercise,
    parse_axis,
    parse_count,
    parse_exercise,
    parse_shape,
    questions_from_project,
    save_exercise,
)
from rnnstudio.core.explain import parameter_by_name, shape_rule
from rnnstudio.core.model import build_model
from rnnstudio.core.project_io import parse_project


def _torch_facts(project):
    """Every fact a question can ask, measured on the real module with a real forward."""
    model = build_model(project, seed=0)
    facts = {("parameter", n): tuple(p.shape) for n, p in model.named_parameters()}
    x = torch.rand(project.input.shape)
    facts[("stage", "input")] = tuple(x.shape)
    for name, child in model.named_children():
        if isinstance(child, torch.nn.RNNBase):
            base = type(child).__mro__[2]  # StudioX -> _SelectsOutput -> nn.X
            _y, state = base.forward(child, x)
            h_n, c_n = state if isinstance(state, tuple) else (state, None)
            facts[("h_n", name)] = tuple(h_n.shape)
            if c_n is not None:
                facts[("c_n", name)] = tuple(c_n.shape)
        x = child(x)
        facts[("stage", name)] = tuple(x.shape)
        if isinstance(child, torch.nn.Softmax):
            facts[("softmax", name)] = child.dim % x.dim()
    facts["total"] = sum(p.numel() for p in model.parameters())
    return facts


def _right_answer(question, facts) -> str:
    if isinstance(question, ParameterShapeQuestion):
        return str(list(facts[("parameter", question.parameter)]))
    if isinstance(question, StageShapeQuestion):
        return "x".join(str(s) for s in facts[("stage", question.stage)])
    if isinstance(question, HiddenShapeQuestion):
        return f"torch.Size({list(facts[(question.state, question.block)])})"
    if isinstance(question, TotalParametersQuestion):
        return f"{facts['total']:,}"
    return str(facts[("softmax", question.block)])


@pytest.mark.parametrize("name", exercise_names())
def test_shipped_exercise_answers_are_torch_facts(name):
    exercise = load_shipped_exercise(name)
    for part in exercise.parts:
        analysis = analyze(part.project)
        facts = _torch_facts(part.project)
        for question in part.questions:
            verdict = check_answer(question, _right_answer(question, facts), analysis, "es")
            assert verdict.correct, (question, verdict)
            wrong = check_answer(question, "[999, 1]", analysis, "en")
            assert not wrong.correct


def test_exercise_1_and_2_are_shipped_with_both_languages():
    assert {"ejercicio_1", "ejercicio_2"} <= set(exercise_names())
    one = load_shipped_exercise("ejercicio_1")
    assert [part.project.input.features for part in one.parts] == [2, 6, 10]
    two = load_shipped_exercise("ejercicio_2")
    assert [part.project.name for part in two.parts] == ["RNN_clas", "RNN_clas", "RNN_alumno"]
    for exercise in (one, two):
        assert exercise.title.en and exercise.title.es


@pytest.mark.parametrize(
    "text, shape",
    [
        ("[24, 6]", (24, 6)),
        ("24x6", (24, 6)),
        ("24 × 6", (24, 6)),
        ("(24,6)", (24, 6)),
        ("torch.Size([24, 6])", (24, 6)),
        ("24 6", (24, 6)),
        ("[16, 5, 24]", (16, 5, 24)),
        ("[24]", (24,)),
        ("twenty", None),
        ("", None),
        ("[-1, 3]", None),
    ],
)
def test_shape_answers_are_read_tolerantly(text, shape):
    assert parse_shape(text) == shape


@pytest.mark.parametrize(
    "text, count",
    [("5245", 5245), ("5,245", 5245), ("5.245", 5245), (" 5 245 ", 5245), ("x", None)],
)
def test_count_answers_are_read_tolerantly(text, count):
    assert parse_count(text) == count


def test_axis_answers_accept_index_negative_index_and_names_in_both_languages():
    info = analyze(load_example("rnn_clas_por_paso")).stage("softmax").incoming
    assert parse_axis("1", info) == 1
    assert parse_axis("dim=1", info) == 1
    assert parse_axis("-2", info) == 1
    assert parse_axis("time", info) == 1
    assert parse_axis("tiempo", info) == 1
    assert parse_axis("clases", info) == 2
    assert parse_axis("7", info) is None


def test_wrong_weight_ih_l1_is_explained_from_the_model():
    project = parse_project(
        {
            "format": "rnnstudio",
            "version": 1,
            "input": {"features": 6, "batch": 16, "seq_len": 5},
            "blocks": [{"type": "rnn", "name": "rnn", "hidden_size": 24, "num_layers": 2}],
        }
    )
    analysis = analyze(project)
    question = ParameterShapeQuestion(parameter="rnn.weight_ih_l1")
    verdict = check_answer(question, "[24, 6]", analysis, "en")
    assert not verdict.correct and verdict.readable
    assert "[24, 24]" in verdict.explanation
    assert "previous layer's output (24)" in verdict.explanation
    assert "features (6)" in verdict.explanation
    spanish = check_answer(question, "[24, 6]", analysis, "es")
    assert "capa anterior (24)" in spanish.explanation


def test_swapped_rows_and_columns_are_pointed_out():
    analysis = analyze(load_example("ejemplo_b"))
    verdict = check_answer(ParameterShapeQuestion(parameter="rnn.weight_ih_l0"), "6x24", analysis)
    assert "swapped" in verdict.explanation


def test_lstm_rule_shows_four_gates_with_numbers():
    project = parse_project(
        {
            "format": "rnnstudio",
            "version": 1,
            "input": {"features": 5, "batch": 2, "seq_len": 3},
            "blocks": [{"type": "lstm", "name": "lstm1", "hidden_size": 16, "num_layers": 2}],
        }
    )
    analysis = analyze(project)
    model = build_model(project)
    rule = shape_rule(analysis, parameter_by_name(analysis, "lstm1.weight_ih_l0"))
    assert rule.rule == "[gates × hidden, input]"
    assert rule.numbers == "[4 × 16, 5]"
    assert rule.shape == tuple(model.lstm1.weight_ih_l0.shape)
    assert rule.count == f"64 × 5 = {model.lstm1.weight_ih_l0.numel()}"


def test_unreadable_answer_says_how_to_write_it():
    analysis = analyze(load_example("rnn_clas"))
    verdict = check_answer(TotalParametersQuestion(), "lots", analysis)
    assert not verdict.readable and "5245" in verdict.explanation


def test_softmax_over_time_explanation_names_the_axis():
    analysis = analyze(load_example("rnn_clas_por_paso"))
    verdict = check_answer(SoftmaxAxisQuestion(block="softmax"), "2", analysis, "en")
    assert not verdict.correct
    assert "time=7" in verdict.explanation


def test_teacher_exercise_from_project_round_trips(tmp_path):
    project = load_example("rnn_alumno")
    questions = questions_from_project(project)
    parameters = {q.parameter for q in questions if isinstance(q, ParameterShapeQuestion)}
    assert parameters == {n for n, _ in build_model(project).named_parameters()}
    exercise = Exercise(
        title="Tarea",
        parts=(ExercisePart(title="RNN_alumno", project=project, questions=questions),),
    )
    path = tmp_path / "tarea.rnnstudio-exercise"
    save_exercise(exercise, path)
    assert load_exercise(path) == exercise


def _exercise_json(**part_changes):
    part = {"title": "x", "project": load_example("rnn_clas").to_json_dict(), "questions": []}
    part.update(part_changes)
    return {"format": "rnnstudio-exercise", "version": 1, "title": "t", "parts": [part]}


@pytest.mark.parametrize(
    "data, field",
    [
        (
            _exercise_json(questions=[{"kind": "parameter_shape", "parameter": "rnn1.w"}]),
            "parts[0].questions[0]",
        ),
        (_exercise_json(questions=[{"kind": "shape?"}]), "parts[0].questions[0]"),
        (_exercise_json(questions=[]), "parts[0].questions"),
        (
            _exercise_json(questions=[{"kind": "softmax_axis", "block": "fc"}]),
            "parts[0].questions[0]",
        ),
        (
            _exercise_json(questions=[{"kind": "hidden_shape", "block": "rnn1", "state": "c_n"}]),
            "parts[0].questions[0]",
        ),
        (
            _exercise_json(
                questions=[{"kind": "total_parameters"}],
                project={
                    **load_example("rnn_clas").to_json_dict(),
                    "blocks": [{"type": "rnn", "name": "r", "hidden_size": -4}],
                },
            ),
            "parts[0].project.blocks[0].hidden_size",
        ),
    ],
)
def test_bad_exercise_files_name_the_field(data, field):
    with pytest.raises(ProjectError) as caught:
        parse_exercise(json.dumps(data).encode(), source="bad.rnnstudio-exercise")
    assert "bad.rnnstudio-exercise" in str(caught.value)
    assert field in str(caught.value)


@pytest.mark.parametrize(
    "raw", [b"", b"\xff\xfe", b"[1]", b'{"format": "rnnstudio"}', b"{" * 50000]
)
def test_garbage_is_a_project_error(raw):
    with pytest.raises(ProjectError):
        parse_exercise(raw)
