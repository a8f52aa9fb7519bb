"""Every analysis message exists in English and Spanish with the same placeholders."""

import string

import pytest

from rnnstudio.core.analysis import analyze
from rnnstudio.core.examples import example_names, load_example
from rnnstudio.core.messages import MESSAGES
from rnnstudio.core.project_io import parse_project
from rnnstudio.core.report import summary_text


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_catalogues_have_the_same_keys_and_placeholders():
    assert MESSAGES["en"].keys() == MESSAGES["es"].keys()
    for key, english in MESSAGES["en"].items():
        assert _placeholders(english) == _placeholders(MESSAGES["es"][key]), key


def _trap_projects():
    yield load_example("rnn_alumno")
    yield load_example("rnn_clas_por_paso")
    base = {"format": "rnnstudio", "version": 1, "input": {"features": 2, "batch": 3, "seq_len": 3}}
    yield parse_project(
        {
            **base,
            "blocks": [
                {
                    "type": "rnn",
                    "name": "r",
                    "hidden_size": 4,
                    "dropout": 0.5,
                    "bidirectional": True,
                    "output": "last_step",
                },
                {"type": "rnn", "name": "r2", "hidden_size": 4},
            ],
        }
    )
    yield parse_project(
        {**base, "blocks": [{"type": "rnn", "name": "r", "hidden_size": 4, "input_size": 6}]}
    )
    yield parse_project({**base, "blocks": [{"type": "softmax", "name": "s", "dim": 5}]})
    yield parse_project(
        {**base, "blocks": [{"type": "gru", "name": "g", "hidden_size": 4, "batch_first": False}]}
    )


@pytest.mark.parametrize("project", list(_trap_projects()), ids=lambda p: p.name)
def test_every_problem_renders_in_spanish(project):
    problems = analyze(project).problems
    assert problems
    for problem in problems:
        spanish = problem.text("es")
        assert spanish and spanish != problem.message
        assert "{" not in spanish


def test_spanish_axis_names_reach_the_warning_text():
    warning = analyze(load_example("rnn_clas_por_paso")).warnings[0]
    assert "tiempo=7" in warning.text("es")
    assert "time=7" in warning.message


@pytest.mark.parametrize("name", example_names())
def test_spanish_summary_has_the_notebook_headings(name):
    text = summary_text(analyze(load_example(name)), "es")
    for heading in ("MODELO", "PARAMETROS DEL MODELO", "ENTRADA", "SALIDA"):
        assert f"\n{heading}\n" in text
