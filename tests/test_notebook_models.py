"""Every network of the classroom notebook, hand-written exactly as there, against build_model.

Same weights (state_dict, strict) and same input must give the same output; parameter names
and shapes must be those of the hand-written class; print(model) must read as torch prints.
"""

from __future__ import annotations

import pytest
import torch

from rnnstudio.core.examples import load_example
from rnnstudio.core.model import build_model

# --- the notebook's classes, copied with their original names and forward code ------------


class SimpleRNN(torch.nn.Module):
    def __init__(self, input_size=1, hidden_size=1, num_layers=1):
        super().__init__()
        self.rnn = torch.nn.RNN(input_size, hidden_size, num_layers, batch_first=True)

    def forward(self, x):
        y, h = self.rnn(x)
        return y, h


class RNN_clas(torch.nn.Module):
    def __init__(self, input_size=2, hidden_size=40, num_layers=2, out_fc=5):
        super().__init__()
        self.rnn1 = torch.nn.RNN(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = torch.nn.Linear(hidden_size, out_fc)

    def forward(self, x):
        x, _h = self.rnn1(x)
        o_fc = self.fc(x[:, -1])
        o_fc_prob = torch.softmax(o_fc, 1)
        return o_fc_prob, o_fc_prob


def _notebook_cell_17() -> type[torch.nn.Module]:
    """The notebook redefines RNN_clas with the FC over the whole sequence; keep its name."""

    class RNN_clas(torch.nn.Module):
        def __init__(self, input_size=2, hidden_size=40, num_layers=2, out_fc=5):
            super().__init__()
            self.rnn1 = torch.nn.RNN(input_size, hidden_size, num_layers, batch_first=True)
            self.fc = torch.nn.Linear(hidden_size, out_fc)

        def forward(self, x):
            x, _h = self.rnn1(x)
            o_fc = self.fc(x)
            o_fc_prob = torch.softmax(o_fc, 1)
            return o_fc_prob, o_fc_prob

    return RNN_clas


RNN_clas_por_paso = _notebook_cell_17()


class RNN_alumno(torch.nn.Module):
    def __init__(self, input_size=1, hidden_size=1, num_layers=1, out_fc=2, hidden_size2=3):
        super().__init__()
        self.rnn1 = torch.nn.RNN(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = torch.nn.Linear(hidden_size, out_fc)
        self.rnn2 = torch.nn.RNN(out_fc, hidden_size2, num_layers, batch_first=True)

    def forward(self, x):
        _x, h = self.rnn1(x)
        o_fc = self.fc(h)
        x2, h2 = self.rnn2(o_fc)
        return x2, h2


class Memoria_rnn(torch.nn.Module):
    """The training lab's memory examples, written as the notebook writes RNN_clas."""

    def __init__(self, hidden_size=32):
        super().__init__()
        self.rnn1 = torch.nn.RNN(1, hidden_size, batch_first=True)
        self.fc = torch.nn.Linear(hidden_size, 2)

    def forward(self, x):
        x, _h = self.rnn1(x)
        o_fc = self.fc(x[:, -1])
        o_fc_prob = torch.softmax(o_fc, 1)
        return o_fc_prob, o_fc_prob


class Memoria_lstm(torch.nn.Module):
    def __init__(self, hidden_size=32):
        super().__init__()
        self.lstm1 = torch.nn.LSTM(1, hidden_size, batch_first=True)
        self.fc = torch.nn.Linear(hidden_size, 2)

    def forward(self, x):
        x, _h = self.lstm1(x)
        o_fc = self.fc(x[:, -1])
        o_fc_prob = torch.softmax(o_fc, 1)
        return o_fc_prob, o_fc_prob


# example name -> the hand-written module with the notebook's sizes
HAND_WRITTEN = {
    "ejemplo_a": lambda: SimpleRNN(2, 24, 3),
    "ejemplo_b": lambda: SimpleRNN(6, 24, 1),
    "ejemplo_c": lambda: SimpleRNN(10, 64, 4),
    "rnn_clas": lambda: RNN_clas(2, 40, 2, 5),
    "rnn_clas_por_paso": lambda: RNN_clas_por_paso(2, 3, 2, 5),
    "rnn_alumno": lambda: RNN_alumno(3, 5, 1, 2, 3),
    "memoria_rnn": Memoria_rnn,
    "memoria_lstm": Memoria_lstm,
}


def built_and_hand_written(example: str) -> tuple[torch.nn.Module, torch.nn.Module]:
    """The built model and the notebook's module carrying exactly the same weights."""
    model = build_model(load_example(example), seed=7)
    torch.manual_seed(12345)  # different initial weights, so that loading has to matter
    hand = HAND_WRITTEN[example]()
    hand.load_state_dict(model.state_dict(), strict=True)
    hand.eval()
    return model, hand


def example_input(example: str, generator_seed: int = 0) -> torch.Tensor:
    shape = load_example(example).input.shape
    return torch.rand(shape, generator=torch.Generator().manual_seed(generator_seed))


def test_every_shipped_example_has_a_hand_written_module():
    from rnnstudio.core.examples import example_names

    assert set(example_names()) == set(HAND_WRITTEN)


@pytest.mark.parametrize("example", sorted(HAND_WRITTEN))
def test_parameter_names_and_shapes_equal_the_hand_written_module(example):
    model = build_model(load_example(example), seed=0)
    hand = HAND_WRITTEN[example]()
    built = [(name, tuple(p.shape)) for name, p in model.named_parameters()]
    expected = [(name, tuple(p.shape)) for name, p in hand.named_parameters()]
    assert built == expected


@pytest.mark.parametrize("example", sorted(HAND_WRITTEN))
def test_loading_the_weights_makes_the_hand_written_module_compute_the_same(example):
    model, hand = built_and_hand_written(example)
    # The weights really came across (the hand-written module was seeded differently).
    for (name, built_param), (_, hand_param) in zip(
        model.named_parameters(), hand.named_parameters(), strict=True
    ):
        torch.testing.assert_close(hand_param, built_param, rtol=0, atol=0, msg=name)
    x = example_input(example)
    with torch.no_grad():
        built_output = model(x)
        hand_output = hand(x)[0]
    assert built_output.shape == hand_output.shape
    torch.testing.assert_close(built_output, hand_output)


@pytest.mark.parametrize("example", ["ejemplo_a", "ejemplo_b", "ejemplo_c"])
def test_simple_rnn_hidden_state_equals_the_notebook_h(example):
    model, hand = built_and_hand_written(example)
    x = example_input(example, generator_seed=3)
    with torch.no_grad():
        y, h = hand(x)
        torch_y, torch_h = torch.nn.RNN.forward(model.rnn, x)
        built_y = model(x)
    torch.testing.assert_close(built_y, y)
    torch.testing.assert_close(torch_y, y)
    torch.testing.assert_close(torch_h, h)
    assert h.shape == (model.rnn.num_layers, x.shape[0], model.rnn.hidden_size)


@pytest.mark.parametrize("example", ["rnn_clas", "rnn_alumno", "rnn_clas_por_paso"])
def test_longer_sequences_run_the_same_as_in_the_notebook(example):
    """The notebook reruns its models with largo_entrada=7: the built model must follow."""
    model, hand = built_and_hand_written(example)
    features = load_example(example).input.features
    x = torch.rand(3, 11, features, generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        torch.testing.assert_close(model(x), hand(x)[0])


def test_rnn_clas_probabilities_sum_to_one_over_classes():
    model, _ = built_and_hand_written("rnn_clas")
    with torch.no_grad():
        probabilities = model(example_input("rnn_clas"))
    assert probabilities.shape == (3, 5)
    torch.testing.assert_close(probabilities.sum(dim=1), torch.ones(3))


def test_rnn_alumno_second_rnn_reads_h_as_the_notebook_did():
    """rnn2 receives fc(h) of shape [1, batch, 2]; batch_first reads it as 1 sequence."""
    model, hand = built_and_hand_written("rnn_alumno")
    x = example_input("rnn_alumno")
    with torch.no_grad():
        x2, h2 = hand(x)
        _, h_n = torch.nn.RNN.forward(model.rnn1, x)
        fc_out = model.fc(h_n)
        y2, hidden2 = torch.nn.RNN.forward(model.rnn2, fc_out)
    assert fc_out.shape == (1, 3, 2)
    assert x2.shape == (1, 3, 3)
    torch.testing.assert_close(y2, x2)
    torch.testing.assert_close(hidden2, h2)


# print(model) as the notebook shows it (copied from its output cells).
NOTEBOOK_PRINTOUTS = {
    "ejemplo_b": "SimpleRNN(\n  (rnn): RNN(6, 24, batch_first=True)\n)",
    "ejemplo_c": "SimpleRNN(\n  (rnn): RNN(10, 64, num_layers=4, batch_first=True)\n)",
    "rnn_alumno": (
        "RNN_alumno(\n"
        "  (rnn1): RNN(3, 5, batch_first=True)\n"
        "  (fc): Linear(in_features=5, out_features=2, bias=True)\n"
        "  (rnn2): RNN(2, 3, batch_first=True)\n"
        ")"
    ),
}


@pytest.mark.parametrize("example", sorted(NOTEBOOK_PRINTOUTS))
def test_printout_equals_the_notebook(example):
    model = build_model(load_example(example), seed=0)
    assert str(model) == NOTEBOOK_PRINTOUTS[example]


@pytest.mark.parametrize("example", ["ejemplo_a", "ejemplo_b", "ejemplo_c", "rnn_alumno"])
def test_printout_equals_the_hand_written_module(example):
    model, hand = built_and_hand_written(example)
    assert str(model) == str(hand)


@pytest.mark.parametrize(
    ("example", "hidden"), [("rnn_clas", 40), ("rnn_clas_por_paso", 3)], ids=["last", "seq"]
)
def test_classifier_printout_reads_as_the_notebook_plus_its_softmax(example, hidden):
    """The notebook calls torch.softmax in forward; the app shows it as a block of its own."""
    model, hand = built_and_hand_written(example)
    notebook = (
        "RNN_clas(\n"
        f"  (rnn1): RNN(2, {hidden}, num_layers=2, batch_first=True)\n"
        f"  (fc): Linear(in_features={hidden}, out_features=5, bias=True)\n"
        ")"
    )
    assert str(hand) == notebook
    lines = notebook.splitlines()
    assert str(model).splitlines() == [*lines[:-1], "  (softmax): Softmax(dim=1)", lines[-1]]
    assert model._get_name() == "RNN_clas"
