"""trace() against torch itself: same weights, real forwards, every layer and every step.

References are plain nn.RNN / nn.LSTM / nn.GRU modules loaded with the block's state_dict:
- layer l's hidden state at every step is the y of a torch module made of layers 0..l;
- the LSTM cell state at every step comes from torch's one-layer LSTM stepped one time
  step at a time (in the test only), carrying (h, c);
- h_n, c_n, y and every block output are torch's own.
"""

from __future__ import annotations

import re
from collections import OrderedDict

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn
from torch.testing import assert_close

from rnnstudio.core.errors import ModelError, TraceCancelled
from rnnstudio.core.examples import example_names, load_example
from rnnstudio.core.model import StackModel, build_model, make_module
from rnnstudio.core.project_io import parse_project
from rnnstudio.core.spec import GRUBlock, LSTMBlock, RNNBlock
from rnnstudio.core.trace import _linear_scan, estimate_run_bytes, trace

BLOCK_CLASSES = {"rnn": RNNBlock, "lstm": LSTMBlock, "gru": GRUBlock}

# torch says so for every projected LSTM forward on CPU, its own included.
pytestmark = pytest.mark.filterwarnings("ignore:LSTM with projections is not supported")


# --- torch references --------------------------------------------------------------------------


def plain_torch_module(module: nn.RNNBase, num_layers: int) -> nn.RNNBase:
    """A plain torch module with the block's first ``num_layers`` layers and their weights."""
    kwargs = {
        "input_size": module.input_size,
        "hidden_size": module.hidden_size,
        "num_layers": num_layers,
        "bias": module.bias,
        "batch_first": module.batch_first,
        "bidirectional": module.bidirectional,
    }
    if isinstance(module, nn.LSTM):
        plain: nn.RNNBase = nn.LSTM(**kwargs, proj_size=module.proj_size)
    elif isinstance(module, nn.GRU):
        plain = nn.GRU(**kwargs)
    else:
        plain = nn.RNN(**kwargs, nonlinearity=module.nonlinearity)
    state = {
        key: value
        for key, value in module.state_dict().items()
        if int(re.search(r"_l(\d+)", key).group(1)) < num_layers
    }
    plain.load_state_dict(state, strict=True)
    return plain.eval()


def torch_forward(module: nn.RNNBase, x: torch.Tensor, num_layers: int | None = None):
    """(y, h_n, c_n) from torch's own forward of the first ``num_layers`` layers."""
    plain = plain_torch_module(module, num_layers or module.num_layers)
    with torch.no_grad():
        y, state = plain(x)
    if isinstance(state, tuple):
        return y, state[0], state[1]
    return y, state, None


def as_time_major_batched(module: nn.RNNBase, sequence: torch.Tensor) -> torch.Tensor:
    if sequence.dim() == 2:
        return sequence.unsqueeze(1)
    return sequence.transpose(0, 1) if module.batch_first else sequence


def stepped_cell_states(
    module: nn.LSTM, layer: int, direction: int, layer_input: torch.Tensor
) -> torch.Tensor:
    """c at every step of one layer and direction, torch stepping one time step per call.

    ``layer_input`` is [time, batch, features]; returns [batch, time, hidden_size].
    """
    suffix = "_reverse" if direction else ""
    one_step = nn.LSTM(
        layer_input.shape[-1], module.hidden_size, bias=module.bias, proj_size=module.proj_size
    )
    state = {
        re.sub(r"_l\d+(_reverse)?$", "_l0", key): value
        for key, value in module.state_dict().items()
        if key.endswith(f"_l{layer}{suffix}")
    }
    one_step.load_state_dict(state, strict=True)
    steps, batch = layer_input.shape[:2]
    h = torch.zeros(1, batch, module.proj_size or module.hidden_size)
    c = torch.zeros(1, batch, module.hidden_size)
    cells = [torch.empty(0)] * steps
    order = range(steps - 1, -1, -1) if direction else range(steps)
    with torch.no_grad():
        for step in order:
            _, (h, c) = one_step(layer_input[step : step + 1], (h, c))
            cells[step] = c[0]
    return torch.stack(cells, dim=1)


def check_recurrent_trace(module: nn.RNNBase, incoming: torch.Tensor, states) -> None:
    """Every claim of the issue about one recurrent block's trace, against torch."""
    layers, directions = module.num_layers, 2 if module.bidirectional else 1
    out_size = getattr(module, "proj_size", 0) or module.hidden_size
    steps = incoming.shape[0] if incoming.dim() == 2 else incoming.shape[int(module.batch_first)]
    batch = 1 if incoming.dim() == 2 else incoming.shape[1 - int(module.batch_first)]
    assert states.hidden.shape == (layers, directions, batch, steps, out_size)
    y, h_n, c_n = torch_forward(module, incoming)
    assert_close(states.h_n, h_n)
    # The last layer's states, directions concatenated, are y.
    last_layer = torch.cat(list(states.hidden[-1]), dim=-1)  # [batch, time, dirs × hidden]
    assert_close(last_layer, as_time_major_batched(module, y).transpose(0, 1))
    # Each layer's state at the last step (forward) / first step (backward) is h_n.
    h_n_batched = h_n.view(layers * directions, batch, out_size)
    for layer in range(layers):
        for direction in range(directions):
            edge = 0 if direction else -1
            assert_close(
                states.hidden[layer, direction, :, edge],
                h_n_batched[2 * layer + direction] if directions == 2 else h_n_batched[layer],
            )
    # Every layer at every step: the y of torch's module made of layers 0..l.
    layer_inputs = [as_time_major_batched(module, incoming)]
    for layer in range(layers):
        y_layer, _, _ = torch_forward(module, incoming, num_layers=layer + 1)
        y_layer = as_time_major_batched(module, y_layer)
        layer_inputs.append(y_layer)
        expected = y_layer.view(steps, batch, directions, out_size).permute(2, 1, 0, 3)
        assert_close(states.hidden[layer], expected)
    if not isinstance(module, nn.LSTM):
        assert states.cell is None and states.c_n is None
        return
    assert_close(states.c_n, c_n)
    assert states.cell.shape == (layers, directions, batch, steps, module.hidden_size)
    c_n_batched = c_n.view(layers * directions, batch, module.hidden_size)
    for layer in range(layers):
        for direction in range(directions):
            edge = 0 if direction else -1
            assert_close(
                states.cell[layer, direction, :, edge], c_n_batched[directions * layer + direction]
            )
            expected = stepped_cell_states(module, layer, direction, layer_inputs[layer])
            assert_close(states.cell[layer, direction], expected, rtol=1e-5, atol=1e-5)


def single_block_model(block) -> StackModel:
    features = block.input_size or 3
    model = StackModel("model", OrderedDict([(block.name, make_module(block, features))]))
    return model.eval()  # as build_model returns it


# --- one recurrent block -----------------------------------------------------------------------

CONFIGS = [
    pytest.param(RNNBlock, {"nonlinearity": "tanh"}, id="rnn-tanh"),
    pytest.param(RNNBlock, {"nonlinearity": "relu"}, id="rnn-relu"),
    pytest.param(LSTMBlock, {}, id="lstm"),
    pytest.param(LSTMBlock, {"proj_size": 3}, id="lstm-proj"),
    pytest.param(GRUBlock, {}, id="gru"),
]


@pytest.mark.parametrize(("block_class", "extra"), CONFIGS)
@pytest.mark.parametrize("bidirectional", [False, True], ids=["uni", "bi"])
@pytest.mark.parametrize("batch_first", [True, False], ids=["batch_first", "time_first"])
def test_recurrent_block_states_equal_torch(block_class, extra, bidirectional, batch_first):
    block = block_class(
        name="rec",
        input_size=3,
        hidden_size=5,
        num_layers=3,
        dropout=0.4,  # between layers in training only: eval mode ignores it
        bidirectional=bidirectional,
        batch_first=batch_first,
        **extra,
    )
    torch.manual_seed(1)
    model = single_block_model(block)
    # 21 steps: the LSTM scan pads them to whole blocks of 8.
    x = torch.randn(2, 21, 3) * 2 if batch_first else torch.randn(21, 2, 3) * 2
    result = trace(model, x)
    check_recurrent_trace(model.rec, x, result.recurrent["rec"])
    assert result.recurrent["rec"].kind == block.type
    with torch.no_grad():
        assert_close(result.output, model(x))


def test_long_lstm_memory_cells_match_torch_at_both_ends():
    """3003 steps with forget gates near 1: c carries far, and the scan has a partial block."""
    block = LSTMBlock(name="rec", input_size=2, hidden_size=6, num_layers=2, bidirectional=True)
    torch.manual_seed(3)
    model = single_block_model(block)
    with torch.no_grad():
        for name, value in model.rec.named_parameters():
            if name.startswith("bias_ih"):
                value[6:12] += 4.0  # the forget gate's rows
    x = torch.randn(2, 3003, 2)
    states = trace(model, x).recurrent["rec"]
    _, h_n, c_n = torch_forward(model.rec, x)
    assert c_n.abs().max() > 20  # the cells did accumulate over many steps
    # Forward direction at the last step, backward at the first, in h_n's order.
    edges = [(layer, direction, direction - 1) for layer in range(2) for direction in (0, 1)]
    cells_at_edges = torch.stack([states.cell[layer, d, :, step] for layer, d, step in edges])
    hidden_at_edges = torch.stack([states.hidden[layer, d, :, step] for layer, d, step in edges])
    assert_close(hidden_at_edges, h_n)
    assert_close(cells_at_edges, c_n, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("output", ["sequence", "last_step", "final_hidden", "final_cell"])
def test_each_output_choice_is_what_the_block_returns(output):
    block = LSTMBlock(
        name="rec", input_size=2, hidden_size=4, num_layers=2, output=output, bidirectional=True
    )
    model = single_block_model(block)
    x = torch.rand(3, 5, 2)
    with torch.no_grad():
        expected = model(x)
    assert_close(trace(model, x).outputs["rec"], expected)


def test_the_last_step_output_does_not_keep_the_whole_sequence_alive():
    block = RNNBlock(name="rec", input_size=2, hidden_size=4, output="last_step")
    result = trace(single_block_model(block), torch.rand(3, 50, 2))
    last_step = result.outputs["rec"]
    assert last_step.shape == (3, 4)
    assert last_step.untyped_storage().nbytes() == last_step.numel() * last_step.element_size()


@pytest.mark.parametrize(("block_class", "extra"), CONFIGS)
def test_unbatched_input_gets_batch_size_one(block_class, extra):
    block = block_class(
        name="rec", input_size=2, hidden_size=4, num_layers=2, bidirectional=True, **extra
    )
    model = single_block_model(block)
    x = torch.rand(7, 2)  # [time, features]
    result = trace(model, x)
    states = result.recurrent["rec"]
    assert states.hidden.shape[2] == 1
    assert states.h_n.dim() == 2  # exactly as torch returns it for an unbatched input
    check_recurrent_trace(model.rec, x, states)
    with torch.no_grad():
        assert_close(result.output, model(x))


def test_a_model_in_training_mode_is_traced_without_dropout_and_stays_in_training_mode():
    block = GRUBlock(name="rec", input_size=2, hidden_size=8, num_layers=3, dropout=0.9)
    model = single_block_model(block)
    model.train()
    x = torch.rand(2, 5, 2)
    result = trace(model, x)
    assert model.training
    model.eval()
    with torch.no_grad():
        assert_close(result.output, model(x))


@st.composite
def recurrent_blocks(draw):
    kind = draw(st.sampled_from(["rnn", "lstm", "gru"]))
    hidden_size = draw(st.integers(1, 6))
    fields = {
        "name": "rec",
        "input_size": draw(st.integers(1, 4)),
        "hidden_size": hidden_size,
        "num_layers": draw(st.integers(1, 3)),
        "bias": draw(st.booleans()),
        "batch_first": draw(st.booleans()),
        "bidirectional": draw(st.booleans()),
        "dropout": draw(st.sampled_from([0.0, 0.5])),
    }
    if kind == "rnn":
        fields["nonlinearity"] = draw(st.sampled_from(["tanh", "relu"]))
    if kind == "lstm" and hidden_size > 1:
        fields["proj_size"] = draw(st.integers(0, hidden_size - 1))
    return BLOCK_CLASSES[kind](**fields)


@given(
    block=recurrent_blocks(),
    batch=st.integers(1, 3),
    steps=st.integers(1, 9),
    unbatched=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_random_recurrent_blocks_equal_torch(block, batch, steps, unbatched, seed):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = single_block_model(block)
        if unbatched:
            x = torch.randn(steps, block.input_size)
        elif block.batch_first:
            x = torch.randn(batch, steps, block.input_size)
        else:
            x = torch.randn(steps, batch, block.input_size)
    result = trace(model, x)
    check_recurrent_trace(model.rec, x, result.recurrent["rec"])
    with torch.no_grad():
        assert_close(result.output, model(x))


# --- whole stacks: the shipped examples ---------------------------------------------------------


@pytest.mark.parametrize("name", example_names())
def test_examples_outputs_equal_running_each_block_in_turn(name):
    project = load_example(name)
    model = build_model(project, seed=0)
    x = torch.rand(project.input.shape, generator=torch.Generator().manual_seed(0))
    result = trace(model, x)
    assert result.input is x
    assert list(result.outputs) == [block.name for block in project.blocks]
    assert list(result.recurrent) == [b.name for b in project.blocks if b.is_recurrent]
    current = x
    with torch.no_grad():
        for block_name, child in model.named_children():
            incoming, current = current, child(current)
            assert_close(result.outputs[block_name], current)
            if block_name in result.recurrent:
                check_recurrent_trace(child, incoming, result.recurrent[block_name])
        assert_close(result.output, model(x))


def test_a_model_without_blocks_outputs_its_input():
    x = torch.rand(2, 3, 4)
    reported = []
    result = trace(StackModel("empty", OrderedDict()), x, progress=reported.append)
    assert result.output is x
    assert result.outputs == {} and result.recurrent == {}
    assert reported == [1.0]


# --- progress and cancel ---------------------------------------------------------------------


def three_block_model() -> tuple[StackModel, torch.Tensor]:
    project = load_example("rnn_clas")  # rnn1 (2 layers), fc, softmax
    return build_model(project, seed=0), torch.rand(project.input.shape)


def test_progress_rises_after_every_layer_and_block_and_reaches_one():
    model, x = three_block_model()
    reported: list[float] = []
    trace(model, x, progress=reported.append)
    assert reported == pytest.approx([0.25, 0.5, 0.75, 1.0])


def test_cancel_raises_trace_cancelled_between_layers():
    model, x = three_block_model()
    reported: list[float] = []
    with pytest.raises(TraceCancelled, match="rnn1"):
        trace(model, x, progress=reported.append, cancel=lambda: len(reported) >= 1)
    assert reported == [0.25]  # the second layer of rnn1 never ran


def test_cancel_before_anything_runs():
    model, x = three_block_model()
    with pytest.raises(TraceCancelled):
        trace(model, x, cancel=lambda: True)


def test_cancel_that_never_fires_changes_nothing():
    model, x = three_block_model()
    with torch.no_grad():
        assert_close(trace(model, x, cancel=lambda: False).output, model(x))


# --- bad input ---------------------------------------------------------------------------------


def test_wrong_feature_count_names_the_block_and_both_sizes():
    model, _ = three_block_model()
    with pytest.raises(
        ModelError,
        match=r"rnn1: input.size\(-1\) must be equal to input_size. "
        r"Expected 2, got 4",
    ):
        trace(model, torch.rand(3, 5, 4))


def test_wrong_rank_and_dtype_and_non_tensor_are_model_errors():
    model, x = three_block_model()
    with pytest.raises(ModelError, match="rnn1: RNN: Expected input to be 2D or 3D, got 4D"):
        trace(model, x[None])
    with pytest.raises(ModelError, match="float32"):
        trace(model, x.double())
    with pytest.raises(ModelError, match=r"torch\.Tensor"):
        trace(model, x.tolist())


def test_a_later_block_that_does_not_fit_is_a_model_error_naming_it():
    project = load_example("rnn_clas")
    model = build_model(project, seed=0)
    model.fc = nn.Linear(7, 5)  # rnn1 gives 40 features
    with pytest.raises(ModelError, match=r"^fc: .*shape \[3, 40\]"):
        trace(model, torch.rand(project.input.shape))


# --- the parallel scan -------------------------------------------------------------------------


def sequential_recurrence(decay, update, reverse):
    state = torch.zeros_like(update[0])
    result = torch.empty_like(update)
    for step in range(decay.shape[0] - 1, -1, -1) if reverse else range(decay.shape[0]):
        state = decay[step] * state + update[step]
        result[step] = state
    return result


def check_scan(steps: int, reverse: bool, seed: int) -> None:
    generator = torch.Generator().manual_seed(seed)
    decay = torch.rand(steps, 2, 3, generator=generator, dtype=torch.float64)
    update = torch.randn(steps, 2, 3, generator=generator, dtype=torch.float64)
    expected = sequential_recurrence(decay, update, reverse)
    assert_close(_linear_scan(decay.clone(), update.clone(), reverse=reverse), expected)


@given(steps=st.integers(1, 70), reverse=st.booleans(), seed=st.integers(0, 2**16))
def test_scan_equals_the_sequential_recurrence(steps, reverse, seed):
    check_scan(steps, reverse, seed)


# Lengths cut into blocks of blocks (the scan recurses over the blocks' totals).
@pytest.mark.parametrize("steps", [128, 192, 1024])
@pytest.mark.parametrize("reverse", [False, True])
def test_scan_over_blocks_of_blocks_equals_the_sequential_recurrence(steps, reverse):
    check_scan(steps, reverse, seed=steps)


@pytest.mark.parametrize("reverse", [False, True])
def test_scan_is_stable_over_long_sequences_with_saturated_forget_gates(reverse):
    generator = torch.Generator().manual_seed(0)
    steps = 5000
    # Forget gates at 1 and near 0 (products underflow): dividing by them would blow up.
    decay = torch.where(torch.rand(steps, 8, generator=generator) < 0.5, 1.0, 1e-30)
    decay[: steps // 2] = 1 - 1e-4 * torch.rand(steps // 2, 8, generator=generator)
    update = torch.randn(steps, 8, generator=generator)
    expected = sequential_recurrence(decay.double(), update.double(), reverse)
    out = _linear_scan(decay.clone(), update.clone(), reverse=reverse)
    assert torch.isfinite(out).all()
    assert_close(out.double(), expected, rtol=1e-4, atol=1e-3)


# --- memory estimate ---------------------------------------------------------------------------


def bytes_held(model: nn.Module, result) -> int:
    """Bytes of the weights and of every distinct storage the trace keeps alive."""
    tensors = [result.input, *result.outputs.values()]
    for states in result.recurrent.values():
        tensors += [states.hidden, states.h_n]
        tensors += [t for t in (states.cell, states.c_n) if t is not None]
    storages = {t.untyped_storage().data_ptr(): t.untyped_storage().nbytes() for t in tensors}
    weights = sum(p.numel() * p.element_size() for p in model.parameters())
    return weights + sum(storages.values())


def lstm_project(**block_fields) -> dict:
    return {
        "format": "rnnstudio",
        "version": 1,
        "input": {"features": 3, "batch": 4, "seq_len": 33, "batch_first": False},
        "blocks": [
            {
                "type": "lstm",
                "name": "lstm1",
                "hidden_size": 12,
                "batch_first": False,
                **block_fields,
            },
            {"type": "linear", "name": "fc", "out_features": 2},
        ],
    }


ESTIMATED_PROJECTS = [
    *[pytest.param(lambda name=name: load_example(name), id=name) for name in example_names()],
    pytest.param(lambda: parse_project(lstm_project(num_layers=2)), id="lstm"),
    pytest.param(
        lambda: parse_project(lstm_project(num_layers=3, bidirectional=True, proj_size=5)),
        id="lstm-bi-proj",
    ),
]


@pytest.mark.parametrize("make_project", ESTIMATED_PROJECTS)
def test_estimate_covers_what_a_run_holds_within_a_small_factor(make_project):
    project = make_project()
    model = build_model(project, seed=0)
    result = trace(model, torch.rand(project.input.shape))
    held = bytes_held(model, result)
    estimate = estimate_run_bytes(project)
    assert held <= estimate < 4 * held


def test_estimate_grows_at_least_by_the_states_of_the_added_steps():
    short = parse_project(lstm_project())
    long_data = lstm_project()
    long_data["input"]["seq_len"] = 330
    growth = estimate_run_bytes(parse_project(long_data)) - estimate_run_bytes(short)
    # hidden [1, 1, 4, T, 12] and cell [1, 1, 4, T, 12] in float32, for 297 more steps
    assert growth >= 297 * 4 * (12 + 12) * 4


def test_estimate_of_a_project_that_cannot_run_is_a_model_error():
    data = lstm_project()
    data["blocks"][1]["in_features"] = 99
    with pytest.raises(ModelError, match="in_features"):
        estimate_run_bytes(parse_project(data))


@pytest.mark.parametrize(("weight_scale", "fast_path"), [(1.0, True), (6.0, False)])
def test_lstm_cells_from_the_output_gate_and_from_the_scan_both_equal_torch(
    weight_scale, fast_path, monkeypatch
):
    """Small states take c = atanh(h / o); saturated ones (|h / o| near 1) use the scan."""
    from rnnstudio.core.trace import _LSTMCellStates

    outcomes: list[bool] = []
    original = _LSTMCellStates._from_output_gate

    def spy(self, *args, **kwargs):
        outcomes.append(original(self, *args, **kwargs))
        return outcomes[-1]

    monkeypatch.setattr(_LSTMCellStates, "_from_output_gate", spy)
    block = LSTMBlock(name="rec", input_size=3, hidden_size=5, num_layers=2, bidirectional=True)
    torch.manual_seed(5)
    model = single_block_model(block)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.mul_(weight_scale)
    x = torch.rand(2, 17, 3)
    check_recurrent_trace(model.rec, x, trace(model, x).recurrent["rec"])
    assert outcomes and all(outcome is fast_path for outcome in outcomes)
