"""analyze() against torch itself: shapes from real CPU forwards, parameters from real modules.

The property tests draw random stacks of every block type and option; the targeted tests
check that the notebook's traps are reported and that errors name the block and numbers.
"""

from __future__ import annotations

import gc
import resource
import tracemalloc
import warnings

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from project_strategies import stack_dicts
from torch import nn

from rnnstudio.core.analysis import CLASSES, HIDDEN, LAYERS, analyze
from rnnstudio.core.errors import MemoryBudgetError, ModelError
from rnnstudio.core.examples import load_example
from rnnstudio.core.model import build_model, make_module
from rnnstudio.core.spec import Project

TORCH_CLASSES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}

# torch's CPU note about its own kernel choice for projected LSTMs; not about rnnstudio.
pytestmark = pytest.mark.filterwarnings("ignore:LSTM with projections is not supported")


def project_of(features=2, batch=3, seq_len=5, batch_first=True, blocks=(), name="test"):
    return Project.model_validate(
        {
            "name": name,
            "input": {
                "features": features,
                "batch": batch,
                "seq_len": seq_len,
                "batch_first": batch_first,
            },
            "blocks": list(blocks),
        }
    )


def first_error_index(analysis) -> int | None:
    """Index into project.blocks of the first block with an error."""
    for index, stage in enumerate(analysis.stages[1:]):
        if stage.errors:
            return index
    return None


def prefix(project: Project, count: int) -> Project:
    return project.model_copy(update={"blocks": project.blocks[:count]})


def real_incoming_shapes(project: Project) -> list[tuple[int, ...]]:
    """The shape arriving at each block, from a real CPU forward, up to the first error."""
    analysis = analyze(project)
    stop = first_error_index(analysis)
    runnable = prefix(project, len(project.blocks) if stop is None else stop)
    model = build_model(runnable, seed=0)
    x = torch.randn(project.input.shape)
    shapes = []
    with torch.no_grad():
        for child in model.children():
            shapes.append(tuple(x.shape))
            x = child(x)
    if stop is not None:
        shapes.append(tuple(x.shape))
    return shapes


@st.composite
def runnable_projects(draw):
    """Random stacks, then explicit sizes and softmax dims chosen from a real forward."""
    data = draw(stack_dicts(max_blocks=5))
    project = Project.model_validate(data)
    shapes = real_incoming_shapes(project)
    for block, shape in zip(data["blocks"], shapes, strict=False):
        if block["type"] == "softmax":
            ndim = len(shape)
            block["dim"] = draw(st.integers(min_value=-ndim, max_value=ndim - 1))
        elif draw(st.booleans()):
            key = "in_features" if block["type"] == "linear" else "input_size"
            block[key] = shape[-1]
    return Project.model_validate(data)


@given(runnable_projects())
def test_stage_shapes_equal_real_forwards(project):
    analysis = analyze(project)
    stop = first_error_index(analysis)
    runnable = prefix(project, len(project.blocks) if stop is None else stop)
    model = build_model(runnable, seed=1)
    x = torch.randn(project.input.shape)
    assert analysis.stages[0].output.shape == tuple(x.shape)
    assert analysis.stages[0].name == "input"
    with torch.no_grad():
        for block, child, stage in zip(
            runnable.blocks, model.children(), analysis.stages[1:], strict=False
        ):
            assert stage.name == block.name
            assert stage.incoming.shape == tuple(x.shape)
            assert not stage.errors
            if block.type in TORCH_CLASSES:
                y, state = TORCH_CLASSES[block.type].forward(child, x)
                h_n, c_n = state if block.type == "lstm" else (state, None)
                assert stage.state["h_n"].shape == tuple(h_n.shape)
                assert stage.state["h_n"].axes[0] == LAYERS
                if c_n is not None:
                    assert stage.state["c_n"].shape == tuple(c_n.shape)
                else:
                    assert "c_n" not in stage.state
                assert y.shape[-1] == (2 if block.bidirectional else 1) * block.hidden_out
            x = child(x)
            assert stage.output.shape == tuple(x.shape), block
            assert len(stage.output.axes) == x.dim()
            if block.type == "linear":
                assert stage.output.axes[-1] in (CLASSES, "features")
            elif block.type != "softmax":
                assert stage.output.axes[-1] == HIDDEN
    if stop is None:
        assert analysis.ok
        assert analysis.output.shape == tuple(x.shape)
        with torch.no_grad():
            assert tuple(model(torch.randn(project.input.shape)).shape) == analysis.output.shape
        return
    # torch refuses the block that analyze() marks, on the tensor that reaches it.
    failing = project.blocks[stop]
    error = analysis.stages[stop + 1].errors[0]
    assert error.block == failing.name
    assert error.code.endswith("bad_rank")
    with pytest.raises((ValueError, RuntimeError)):
        make_module(failing, x.shape[-1])(x)
    for later in analysis.stages[stop + 2 :]:
        assert later.output is None
        assert later.blocked_by == failing.name
    assert analysis.output is None
    with pytest.raises(ModelError):
        build_model(project)


@given(runnable_projects())
def test_parameter_table_equals_named_parameters(project):
    analysis = analyze(project)
    stop = first_error_index(analysis)
    runnable = prefix(project, len(project.blocks) if stop is None else stop)
    model = build_model(runnable, seed=0)
    expected = [(name, tuple(p.shape), p.numel()) for name, p in model.named_parameters()]
    table = [(p.name, p.shape, p.numel) for p in analysis.parameters]
    assert table[: len(expected)] == expected
    if stop is None:
        assert table == expected
        assert analysis.total_parameters == sum(p.numel() for p in model.parameters())
        assert analysis.parameter_bytes == sum(
            p.numel() * p.element_size() for p in model.parameters()
        )
        for parameter in analysis.parameters:
            assert parameter.name == f"{parameter.block}.{parameter.local_name}"


@given(runnable_projects())
def test_the_meta_model_has_the_cpu_models_parameters(project):
    analysis = analyze(project)
    if not analysis.ok:
        return
    meta = build_model(project, device="meta")
    cpu = build_model(project, seed=0)
    assert [(n, p.shape) for n, p in meta.named_parameters()] == [
        (n, p.shape) for n, p in cpu.named_parameters()
    ]
    assert all(p.device.type == "meta" for p in meta.parameters())
    assert str(meta) == str(cpu)


# --- the notebook's traps -------------------------------------------------------------------


def codes(analysis, block=None):
    return [p.code for p in analysis.warnings if block is None or p.block == block]


def test_rnn_alumno_h_n_into_a_batch_first_rnn_is_warned():
    project = load_example("rnn_alumno")
    analysis = analyze(project)
    [warning] = analysis.stage("rnn2").warnings
    assert warning.code == "axes_misread"
    assert warning.field == "batch_first"
    assert "h_n" in warning.message
    assert "layers×directions=1" in warning.message
    assert not analysis.stage("rnn1").warnings
    # torch really reads the batch of 3 as time: rnn2's h_n has a batch of 1.
    model = build_model(project, seed=0)
    x = torch.rand(project.input.shape)
    with torch.no_grad():
        fc_out = model.fc(model.rnn1(x))
        _, h2 = nn.RNN.forward(model.rnn2, fc_out)
    assert tuple(h2.shape) == (1, 1, 3)
    assert analysis.stage("rnn2").state["h_n"].shape == (1, 1, 3)


def test_softmax_over_time_is_warned():
    project = load_example("rnn_clas_por_paso")
    analysis = analyze(project)
    [warning] = analysis.stage("softmax").warnings
    assert warning.code == "softmax_axis"
    assert warning.field == "dim"
    assert "time=7" in warning.message
    assert "dim=-1" in warning.message
    # As the warning says, torch's probabilities sum to 1 over the time steps.
    model = build_model(project, seed=0)
    with torch.no_grad():
        probabilities = model(torch.rand(project.input.shape))
    torch.testing.assert_close(probabilities.sum(dim=1), torch.ones(3, 5))
    assert not torch.allclose(probabilities.sum(dim=2), torch.ones(3, 7))


def test_softmax_over_classes_is_not_warned():
    assert codes(analyze(load_example("rnn_clas"))) == []


def test_dropout_with_one_layer_is_warned_as_torch_warns():
    blocks = [{"type": "lstm", "name": "lstm1", "hidden_size": 4, "dropout": 0.5}]
    with pytest.warns(UserWarning, match="dropout"):
        nn.LSTM(2, 4, num_layers=1, dropout=0.5)
    analysis = analyze(project_of(blocks=blocks))
    [warning] = analysis.warnings
    assert warning.code == "dropout_one_layer"
    assert warning.field == "dropout"
    assert warning.block == "lstm1"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        build_model(project_of(blocks=blocks), seed=0)  # explained by analyze, not printed again
        nn.LSTM(2, 4, num_layers=2, dropout=0.5)
    two_layers = [{**blocks[0], "num_layers": 2}]
    assert codes(analyze(project_of(blocks=two_layers))) == []


@pytest.mark.parametrize("batch_first", [True, False])
def test_seq_len_equal_to_batch_is_warned(batch_first):
    blocks = [{"type": "gru", "name": "gru1", "hidden_size": 3}]
    project = project_of(batch=4, seq_len=4, batch_first=batch_first, blocks=blocks)
    analysis = analyze(project)
    [warning] = analysis.stages[0].warnings
    assert warning.code == "batch_equals_seq_len"
    assert warning.field == "seq_len"
    assert warning.block is None
    # The trap: torch runs the swapped reading without a word.
    module = nn.GRU(2, 3, batch_first=not batch_first)
    module(torch.rand(project.input.shape))
    assert codes(analyze(project_of(batch=4, seq_len=5, blocks=blocks))) == []
    assert codes(analyze(project_of(batch=1, seq_len=1, blocks=blocks))) == []


def test_bidirectional_last_step_is_warned():
    blocks = [
        {"type": "rnn", "name": "rnn1", "hidden_size": 3, "bidirectional": True},
    ]
    last_step = [{**blocks[0], "output": "last_step"}]
    analysis = analyze(project_of(blocks=last_step))
    [warning] = analysis.warnings
    assert warning.code == "bidirectional_last_step"
    assert warning.field == "output"
    assert codes(analyze(project_of(blocks=blocks))) == []
    # What the warning explains: the backward half of y's last step saw one step only.
    torch.manual_seed(0)
    module = nn.RNN(2, 3, bidirectional=True, batch_first=True)
    x = torch.rand(3, 5, 2)
    with torch.no_grad():
        y, h_n = module(x)
        one_step, _ = module(x[:, -1:])
    torch.testing.assert_close(y[:, 0, 3:], h_n[1])
    torch.testing.assert_close(y[:, -1, 3:], one_step[:, 0, 3:])
    assert not torch.allclose(y[:, -1, 3:], h_n[1])


def test_h_n_into_a_time_first_rnn_reads_layers_as_time_without_warning_about_batch():
    blocks = [
        {"type": "rnn", "name": "rnn1", "hidden_size": 4, "num_layers": 2},
        {"type": "rnn", "name": "rnn2", "hidden_size": 3, "batch_first": False},
    ]
    single = {**blocks[0], "output": "final_hidden"}
    analysis = analyze(project_of(blocks=[single, blocks[1]]))
    assert codes(analysis, "rnn2") == ["axes_misread"]


def test_axes_laid_out_time_first_suggest_flipping_batch_first():
    blocks = [{"type": "rnn", "name": "rnn1", "hidden_size": 4, "batch_first": True}]
    analysis = analyze(project_of(batch_first=False, blocks=blocks))
    [warning] = analysis.warnings
    assert warning.code == "axes_misread"
    assert "Set batch_first to False" in warning.message


# --- errors -----------------------------------------------------------------------------


def mismatched_project():
    return project_of(
        features=2,
        blocks=[
            {"type": "lstm", "name": "lstm1", "hidden_size": 2},
            {"type": "rnn", "name": "rnn1", "input_size": 6, "hidden_size": 40},
            {"type": "linear", "name": "fc", "out_features": 5},
            {"type": "softmax", "name": "softmax"},
        ],
    )


def test_input_size_mismatch_names_block_field_and_both_numbers():
    analysis = analyze(mismatched_project())
    error = analysis.first_error
    assert error.block == "rnn1"
    assert error.field == "input_size"
    assert error.code == "size_mismatch"
    assert error.message.startswith("rnn1 expects input_size 6 but receives 2 features")
    # torch agrees on both numbers.
    with pytest.raises(RuntimeError, match="Expected 6, got 2"):
        nn.RNN(6, 40, batch_first=True)(torch.rand(3, 5, 2))


def test_stages_before_an_error_stay_available_and_later_ones_are_blocked():
    analysis = analyze(mismatched_project())
    assert analysis.stages[0].output.shape == (3, 5, 2)
    lstm = analysis.stage("lstm1")
    assert lstm.output.shape == (3, 5, 2)
    assert lstm.state["c_n"].shape == (1, 3, 2)
    rnn = analysis.stage("rnn1")
    assert rnn.incoming.shape == (3, 5, 2)
    assert rnn.output is None
    for name in ("fc", "softmax"):
        assert analysis.stage(name).output is None
        assert analysis.stage(name).blocked_by == "rnn1"
    assert analysis.output is None
    assert not analysis.ok
    assert not analysis.complete  # fc's in_features is unknown
    # The parameters that are known still come from torch.
    expected = [
        *(f"lstm1.{n}" for n, _ in nn.LSTM(2, 2).named_parameters()),
        *(f"rnn1.{n}" for n, _ in nn.RNN(6, 40).named_parameters()),
    ]
    assert [p.name for p in analysis.parameters] == expected
    assert analysis.block_parameters("rnn1")[0].shape == (40, 6)
    with pytest.raises(ModelError, match="rnn1 expects input_size 6 but receives 2"):
        build_model(mismatched_project())


def test_in_features_mismatch():
    project = project_of(
        blocks=[
            {"type": "rnn", "name": "rnn1", "hidden_size": 40, "output": "last_step"},
            {"type": "linear", "name": "fc", "in_features": 7, "out_features": 5},
        ]
    )
    error = analyze(project).first_error
    assert error.block == "fc"
    assert error.field == "in_features"
    assert error.message.startswith("fc expects in_features 7 but receives 40 features")
    with pytest.raises(RuntimeError, match="40"):
        nn.Linear(7, 5)(torch.rand(3, 40))


@pytest.mark.parametrize(
    ("output", "dim"), [("sequence", 3), ("sequence", -4), ("last_step", 2), ("last_step", -3)]
)
def test_softmax_dim_out_of_range_is_an_error_worded_as_torch(output, dim):
    blocks = [
        {"type": "rnn", "name": "rnn1", "hidden_size": 4, "output": output},
        {"type": "softmax", "name": "softmax", "dim": dim},
    ]
    project = project_of(blocks=blocks)
    analysis = analyze(project)
    error = analysis.first_error
    assert error.block == "softmax"
    assert error.field == "dim"
    assert error.code == "dim_out_of_range"
    incoming = torch.rand(analysis.stage("softmax").incoming.shape)
    with pytest.raises(IndexError) as caught:
        torch.softmax(incoming, dim)
    assert str(caught.value) in error.message
    with pytest.raises(ModelError):
        build_model(project)


# --- size and memory ------------------------------------------------------------------------

HUGE_BLOCKS = [
    {"type": "lstm", "name": "lstm1", "hidden_size": 50_021, "num_layers": 5},
    {"type": "linear", "name": "fc", "out_features": 1_000_003},
]


def huge_project():
    return project_of(features=1_000, blocks=HUGE_BLOCKS, name="huge")


def hand_written_huge_on_meta():
    return nn.ModuleDict(
        {
            "lstm1": nn.LSTM(1_000, 50_021, num_layers=5, device="meta"),
            "fc": nn.Linear(50_021, 1_000_003, device="meta"),
        }
    )


def peak_growth(function):
    """(result, tracemalloc peak in bytes, growth of the process's peak RSS in bytes)."""
    gc.collect()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    try:
        result = function()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before
    return result, peak, rss_growth


def test_a_hundred_billion_parameters_are_analyzed_without_allocating():
    analysis, python_peak, rss_growth = peak_growth(lambda: analyze(huge_project()))
    hand = hand_written_huge_on_meta()
    expected_total = sum(p.numel() for p in hand.parameters())
    assert expected_total > 10**11
    assert analysis.total_parameters == expected_total
    assert [(p.name, p.shape) for p in analysis.parameters] == [
        (name, tuple(p.shape)) for name, p in hand.named_parameters()
    ]
    assert analysis.output.shape == (3, 5, 1_000_003)
    # The weights would take 400 GB; analysis stays within a few MB.
    assert python_peak < 20 * 1024**2
    assert rss_growth < 100 * 1024**2


def test_build_model_refuses_a_too_large_model_before_allocating():
    def build():
        with pytest.raises(MemoryBudgetError) as caught:
            build_model(huge_project())
        return caught.value

    error, python_peak, rss_growth = peak_growth(build)
    total = sum(p.numel() for p in hand_written_huge_on_meta().parameters())
    assert error.estimate_bytes == total * torch.tensor(0.0).element_size()
    assert error.budget_bytes < error.estimate_bytes
    assert "memory budget" in str(error)
    assert python_peak < 20 * 1024**2
    assert rss_growth < 100 * 1024**2


def test_the_memory_budget_counts_exactly_the_weights():
    project = load_example("rnn_clas")
    model = build_model(project, seed=0)
    weight_bytes = sum(p.numel() * p.element_size() for p in model.parameters())
    build_model(project, max_memory=weight_bytes)
    with pytest.raises(MemoryBudgetError) as caught:
        build_model(project, max_memory=weight_bytes - 1)
    assert caught.value.estimate_bytes == weight_bytes
    build_model(project, max_memory=None)


def test_the_huge_model_builds_on_meta():
    model = build_model(huge_project(), device="meta")
    hand = hand_written_huge_on_meta()
    assert [(n, p.shape) for n, p in model.named_parameters()] == [
        (n, p.shape) for n, p in hand.named_parameters()
    ]
    assert str(model).startswith("huge(\n  (lstm1): LSTM(1000, 50021, num_layers=5, batch_first")


# --- seeds ----------------------------------------------------------------------------------


def test_seeded_builds_are_reproducible_and_leave_torchs_random_state_alone():
    project = load_example("rnn_clas")
    torch.manual_seed(2024)
    state_before = torch.get_rng_state()
    expected_next = torch.rand(4)
    torch.set_rng_state(state_before)

    first = build_model(project, seed=11)
    second = build_model(project, seed=11)
    other = build_model(project, seed=12)
    unseeded = build_model(project)

    assert torch.equal(torch.get_rng_state(), state_before)
    torch.testing.assert_close(torch.rand(4), expected_next, rtol=0, atol=0)
    for name, value in first.state_dict().items():
        torch.testing.assert_close(second.state_dict()[name], value, rtol=0, atol=0)
    assert not torch.equal(first.state_dict()["fc.weight"], other.state_dict()["fc.weight"])
    assert not torch.equal(first.state_dict()["fc.weight"], unseeded.state_dict()["fc.weight"])


def test_the_seed_gives_torchs_own_initialisation():
    """seed=s gives the weights torch.manual_seed(s) and the hand-written module would get."""
    project = project_of(blocks=[{"type": "gru", "name": "gru1", "hidden_size": 4}])
    model = build_model(project, seed=3)
    torch.manual_seed(3)
    hand = nn.GRU(2, 4, batch_first=True)
    for (name, built), (_, expected) in zip(
        model.gru1.named_parameters(), hand.named_parameters(), strict=True
    ):
        torch.testing.assert_close(built, expected, rtol=0, atol=0, msg=name)
