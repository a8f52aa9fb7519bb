"""Turn a Project into a real torch module whose children are the blocks, by name."""

from __future__ import annotations

import warnings
from collections import OrderedDict
from typing import Any

import torch
from torch import nn

from .errors import MemoryBudgetError, ModelError, format_bytes
from .spec import (
    GRUBlock,
    LinearBlock,
    LSTMBlock,
    Project,
    RNNBlock,
    SoftmaxBlock,
    _Block,
    _RecurrentBlock,
)

DEFAULT_MEMORY_BUDGET = 2 * 1024**3


def select_output(
    output: str, batch_first: bool, y: torch.Tensor, h_n: torch.Tensor, c_n: torch.Tensor | None
) -> torch.Tensor:
    """The tensor a recurrent block passes on, chosen as the notebook does by hand."""
    if output == "sequence":
        return y
    if output == "last_step":
        # Batched y is [batch, time, ...] or [time, batch, ...]; unbatched y is [time, ...].
        return y[:, -1] if batch_first and y.dim() == 3 else y[-1]
    if output == "final_hidden":
        return h_n
    if output == "final_cell" and c_n is not None:
        return c_n
    raise ModelError(f"unknown output {output!r}")


class _SelectsOutput:
    """Mixin: keeps torch's printout ("RNN(2, 40, ...)") and returns the chosen output.

    Mixed in before nn.RNN / nn.GRU / nn.LSTM, whose forward returns (y, h_n) or, for the
    LSTM, (y, (h_n, c_n)).
    """

    output: str
    batch_first: bool
    _torch_name: str

    def __init__(self, *args: Any, output: str = "sequence", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.output = output

    def _get_name(self) -> str:
        return self._torch_name

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y, final = super().forward(x)  # type: ignore[misc]
        h_n, c_n = final if isinstance(final, tuple) else (final, None)
        return select_output(self.output, self.batch_first, y, h_n, c_n)


class StudioRNN(_SelectsOutput, nn.RNN):
    _torch_name = "RNN"


class StudioGRU(_SelectsOutput, nn.GRU):
    _torch_name = "GRU"


class StudioLSTM(_SelectsOutput, nn.LSTM):
    _torch_name = "LSTM"


class StackModel(nn.Sequential):
    """nn.Sequential whose printout carries the project's name, like a hand-written class."""

    def __init__(self, name: str, blocks: OrderedDict[str, nn.Module]) -> None:
        super().__init__(blocks)
        self.model_name = name

    def _get_name(self) -> str:
        return self.model_name


_RECURRENT_CLASSES: dict[str, type[nn.Module]] = {
    "rnn": StudioRNN,
    "lstm": StudioLSTM,
    "gru": StudioGRU,
}

# The spec fields that are not constructor arguments of the torch module.
_NOT_TORCH_ARGUMENTS = frozenset({"type", "name", "output"})


def torch_arguments(block: _Block, incoming_features: int | None) -> dict[str, Any]:
    """The keyword arguments of the torch constructor, named exactly as torch names them."""
    values = block.model_dump(exclude=set(_NOT_TORCH_ARGUMENTS))
    if isinstance(block, _RecurrentBlock):
        if values["input_size"] is None:
            values["input_size"] = incoming_features
    elif isinstance(block, LinearBlock) and values["in_features"] is None:
        values["in_features"] = incoming_features
    return values


def make_module(
    block: _Block, incoming_features: int | None, device: torch.device | str | None = None
) -> nn.Module:
    """One block's torch module; `incoming_features` fills an input size left out of the spec."""
    kwargs = torch_arguments(block, incoming_features)
    if isinstance(block, SoftmaxBlock):
        return nn.Softmax(**kwargs)
    for key in ("input_size", "in_features"):
        if key in kwargs and kwargs[key] is None:
            raise ModelError(f"{block.name}: {key} is unknown; it could not be read from the input")
    with warnings.catch_warnings():
        # torch warns about dropout with one layer; analyze() explains it instead.
        warnings.simplefilter("ignore", UserWarning)
        if isinstance(block, LinearBlock):
            return nn.Linear(**kwargs, device=device)
        assert isinstance(block, RNNBlock | LSTMBlock | GRUBlock)
        module_class = _RECURRENT_CLASSES[block.type]
        return module_class(**kwargs, output=block.output, device=device)


def build_model(
    project: Project,
    *,
    seed: int | None = None,
    device: torch.device | str | None = None,
    max_memory: int | None = DEFAULT_MEMORY_BUDGET,
) -> StackModel:
    """Materialise the project as a torch module in eval mode.

    Raises ModelError when the stack cannot run (the message names the block and the
    numbers) and MemoryBudgetError when the weights alone exceed ``max_memory`` bytes.
    ``device="meta"`` builds the same module without allocating anything. With ``seed``
    the initial weights are reproducible and torch's global random state is untouched.
    """
    from .analysis import analyze

    analysis = analyze(project)
    if analysis.first_error is not None:
        raise ModelError(analysis.first_error.message)
    is_meta = device is not None and torch.device(device).type == "meta"
    weight_bytes = analysis.parameter_bytes
    if not is_meta and max_memory is not None and weight_bytes > max_memory:
        raise MemoryBudgetError(
            f"the weights alone need {format_bytes(weight_bytes)} "
            f"({analysis.total_parameters:,} parameters), more than the memory budget of "
            f"{format_bytes(max_memory)}; make the blocks smaller or raise the budget",
            estimate_bytes=weight_bytes,
            budget_bytes=max_memory,
        )
    with torch.random.fork_rng(devices=[]):
        if seed is not None:
            torch.manual_seed(seed)
        modules: OrderedDict[str, nn.Module] = OrderedDict()
        for block, stage in zip(project.blocks, analysis.stages[1:], strict=True):
            modules[block.name] = make_module(block, stage.incoming_features, device=device)
    model = StackModel(project.name, modules)
    model.eval()
    return model
