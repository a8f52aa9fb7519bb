"""The package's public names, as the README's notebook example uses them."""

import subprocess
import sys

import torch

import rnnstudio


def test_public_names_resolve_and_have_docstrings():
    for name in rnnstudio.__all__:
        value = getattr(rnnstudio, name)
        if callable(value) and name != "Project":
            assert value.__doc__, f"rnnstudio.{name} has no docstring"


def test_readme_notebook_flow(tmp_path):
    project = rnnstudio.load_example("rnn_clas")
    path = tmp_path / "clas.rnnstudio"
    rnnstudio.save_project(project, path)
    assert rnnstudio.load_project(path) == project
    analysis = rnnstudio.analyze(project)
    model = rnnstudio.build_model(project, seed=0)
    x = rnnstudio.make_input(project, seed=0)
    result = rnnstudio.trace(model, x)
    torch.testing.assert_close(result.output, model(x))
    assert tuple(result.output.shape) == analysis.output.shape
    figure = rnnstudio.plot_hidden(result, "rnn1", project=project)
    assert figure.axes
    assert "class RNN_clas" in rnnstudio.export_python(project)


def test_importing_the_package_does_not_import_torch():
    code = "import rnnstudio, sys; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
