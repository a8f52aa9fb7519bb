"""The core behind the Run pane: run plans, run_project, and one step's terms, against torch."""

from __future__ import annotations

import math

import pytest
import torch

from rnnstudio.core.errors import MemoryBudgetError, ModelError, TraceCancelled
from rnnstudio.core.examples import load_example
from rnnstudio.core.model import build_model
from rnnstudio.core.run_plan import QUICK_RUN_SECONDS, estimate_run_seconds, plan_run, run_project
from rnnstudio.core.signals import SineSignal, make_input
from rnnstudio.core.spec import (
    GRUBlock,
    InputSpec,
    LinearBlock,
    LSTMBlock,
    Project,
    RNNBlock,
)
from rnnstudio.core.step_terms import last_step_check, layer_input_at, rnn_update_terms
from rnnstudio.core.trace import estimate_run_bytes, trace


@pytest.fixture(autouse=True)
def one_torch_thread():
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def project_of(*blocks, features=3, batch=2, seq_len=6, batch_first=True, signal=None):
    spec = InputSpec(
        features=features, batch=batch, seq_len=seq_len, batch_first=batch_first, signal=signal
    )
    return Project(name="m", input=spec, blocks=tuple(blocks))


def test_run_project_equals_build_model_make_input_and_trace() -> None:
    project = load_example("rnn_clas")
    result = run_project(project, seed=7)
    model = build_model(project, seed=7)
    expected = trace(model, make_input(project))
    torch.testing.assert_close(result.trace.input, expected.input, rtol=0, atol=0)
    for name, states in expected.recurrent.items():
        torch.testing.assert_close(result.trace.recurrent[name].hidden, states.hidden)
    torch.testing.assert_close(result.trace.output, model(make_input(project)))
    assert result.seed == 7 and result.project == project
    other = run_project(project, seed=8)
    assert not torch.equal(other.trace.output, result.trace.output)


def test_run_project_refuses_over_the_budget_before_allocating() -> None:
    project = project_of(RNNBlock(name="rnn", hidden_size=64), batch=64, seq_len=100_000)
    estimate = estimate_run_bytes(project)
    budget = 256 * 1024**2
    assert estimate > budget
    with pytest.raises(MemoryBudgetError) as caught:
        run_project(project, budget_bytes=budget)
    assert caught.value.estimate_bytes == estimate
    assert caught.value.budget_bytes == budget
    message = str(caught.value)
    assert f"{estimate:,} bytes" in message and f"{budget:,} bytes" in message
    plan = plan_run(project, budget)
    assert not plan.fits_budget and plan.budget_message() in message


def test_run_project_stops_when_cancelled() -> None:
    project = project_of(RNNBlock(name="rnn", hidden_size=8, num_layers=3))
    seen = []

    def cancel_after_first_layer() -> bool:
        return bool(seen)

    with pytest.raises(TraceCancelled):
        run_project(project, progress=seen.append, cancel=cancel_after_first_layer)
    assert seen == [pytest.approx(1 / 3)]


def test_estimate_grows_with_every_size_and_calls_the_examples_quick() -> None:
    base = project_of(RNNBlock(name="rnn", hidden_size=16))
    base_seconds = estimate_run_seconds(base)
    assert base_seconds > 0
    bigger = [
        project_of(RNNBlock(name="rnn", hidden_size=64)),
        project_of(RNNBlock(name="rnn", hidden_size=16, num_layers=3)),
        project_of(RNNBlock(name="rnn", hidden_size=16), seq_len=600),
        project_of(RNNBlock(name="rnn", hidden_size=16), batch=200),
        project_of(RNNBlock(name="rnn", hidden_size=16, bidirectional=True)),
        project_of(GRUBlock(name="gru", hidden_size=16)),
    ]
    for project in bigger:
        assert estimate_run_seconds(project) > base_seconds
    for name in ("ejemplo_a", "ejemplo_b", "ejemplo_c", "rnn_clas", "rnn_alumno"):
        assert plan_run(load_example(name)).quick
    slow = project_of(LSTMBlock(name="lstm", hidden_size=256, num_layers=2), seq_len=20_000)
    assert estimate_run_seconds(slow) > 10 * QUICK_RUN_SECONDS
    assert not plan_run(slow).quick


def test_estimate_refuses_a_project_that_cannot_run() -> None:
    broken = project_of(RNNBlock(name="rnn", hidden_size=4, input_size=7))
    with pytest.raises(ModelError, match="input_size"):
        estimate_run_seconds(broken)


RNN_CASES = {
    "tanh, 2 layers": (RNNBlock(name="rnn", hidden_size=5, num_layers=2), {}),
    "relu, no bias": (RNNBlock(name="rnn", hidden_size=4, nonlinearity="relu", bias=False), {}),
    "bidirectional, 2 layers": (
        RNNBlock(name="rnn", hidden_size=3, num_layers=2, bidirectional=True),
        {},
    ),
    "time-major input": (RNNBlock(name="rnn", hidden_size=4, batch_first=False), {"bf": False}),
}


@pytest.mark.parametrize("case", RNN_CASES)
def test_rnn_update_terms_add_up_to_the_traced_state(case: str) -> None:
    block, options = RNN_CASES[case]
    project = project_of(block, batch_first=options.get("bf", True), signal=SineSignal())
    result = run_project(project, seed=3)
    states = result.trace.recurrent["rnn"]
    layers, directions, batch, steps, hidden = states.hidden.shape
    module = result.model.rnn
    for layer in range(layers):
        for direction in range(directions):
            for step in range(steps):
                terms = rnn_update_terms(
                    result.model,
                    result.trace,
                    "rnn",
                    step=step,
                    layer=layer,
                    direction=direction,
                    batch_index=batch - 1,
                    units=range(hidden),
                )
                traced = states.hidden[layer, direction, batch - 1, step].double()
                torch.testing.assert_close(torch.from_numpy(terms.h), traced, rtol=1e-5, atol=1e-6)
                # The terms are the weights times what the layer read, one by one.
                suffix = f"l{layer}" + ("_reverse" if direction else "")
                weight_ih = getattr(module, f"weight_ih_{suffix}").double()
                x = torch.from_numpy(terms.x)
                torch.testing.assert_close(torch.from_numpy(terms.input_term), weight_ih @ x)
                first = step == (0 if direction == 0 else steps - 1)
                assert (terms.previous_step is None) == first
                if first:
                    assert not terms.h_previous.any()
                    assert not terms.recurrent_term.any()
    # x of layer 0 is the model's input for that item and step.
    x = result.trace.input
    item = x[1, 2] if project.input.batch_first else x[2, 1]
    read = layer_input_at(result.model, result.trace, "rnn", 0, 1, 2)
    torch.testing.assert_close(torch.from_numpy(read), item.double())


def test_rnn_update_terms_explain_what_they_cannot_do() -> None:
    project = project_of(
        GRUBlock(name="gru", hidden_size=4), LinearBlock(name="fc", out_features=2)
    )
    result = run_project(project)
    with pytest.raises(ModelError, match="gates"):
        rnn_update_terms(result.model, result.trace, "gru", step=0)
    with pytest.raises(ModelError, match="recurrent blocks: gru"):
        rnn_update_terms(result.model, result.trace, "fc", step=0)
    rnn = run_project(project_of(RNNBlock(name="rnn", hidden_size=4)))
    with pytest.raises(ModelError, match=r"step must be in 0\.\.5, got 6"):
        rnn_update_terms(rnn.model, rnn.trace, "rnn", step=6)
    with pytest.raises(ModelError, match=r"unit must be in 0\.\.3, got 4"):
        rnn_update_terms(rnn.model, rnn.trace, "rnn", step=0, units=[4])


@pytest.mark.parametrize("bidirectional", [False, True])
def test_last_step_check_puts_the_output_beside_the_last_layer_state(bidirectional) -> None:
    block = RNNBlock(
        name="rnn", hidden_size=4, num_layers=2, output="last_step", bidirectional=bidirectional
    )
    project = project_of(block, LinearBlock(name="fc", out_features=2), signal=SineSignal())
    result = run_project(project, seed=1)
    check = last_step_check(result.model, result.trace, "rnn", batch_index=1)
    hidden = result.trace.recurrent["rnn"].hidden
    expected_state = hidden[1, :, 1, -1].reshape(-1).double()
    torch.testing.assert_close(torch.from_numpy(check.state), expected_state)
    torch.testing.assert_close(
        torch.from_numpy(check.output), result.trace.outputs["rnn"][1].double()
    )
    assert check.largest_difference == 0.0
    h_n = result.trace.recurrent["rnn"].h_n
    torch.testing.assert_close(
        torch.from_numpy(check.final_state), h_n[2 if bidirectional else 1, 1].double()
    )
    assert check.layer == 1 and check.step == 5 and check.directions == (2 if bidirectional else 1)
    assert math.isclose(float(check.final_state[0]), float(check.state[0]))
    with pytest.raises(ModelError, match="not last_step"):
        sequence = run_project(project_of(RNNBlock(name="rnn", hidden_size=4)))
        last_step_check(sequence.model, sequence.trace, "rnn")
