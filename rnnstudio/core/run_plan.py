"""Before and during a run: how long and how large it will be, and the run itself.

The window asks ``plan_run`` after every edit: a run estimated under QUICK_RUN_SECONDS starts
by itself, a longer one waits for the Run button, and one over the memory budget is refused
before anything is allocated. ``run_project`` is the run: build the model, make the input,
trace it, with the progress and cancel callbacks of ``trace`` (the window calls it in a
worker thread).

The time estimate is a cost model fitted to measured runs (CPU time, one thread, torch 2.13
on an x86-64 laptop core; see benchmarks/bench_run_cost.py, which prints estimate against
measurement). torch's recurrent kernels step through time one step after another, so a run
costs a fixed overhead per step and direction (different per kernel: the LSTM kernel's is
the smallest) plus its multiply-adds: the recurrent products h_(t-1) W_hh^T, one matrix-vector
product per step, are several times slower per multiply-add than the input projection
x W_ih^T, one large matrix product per layer. Weight initialisation costs per parameter.
The estimate is meant to be within a factor of two: enough to tell a 20 ms run from a
2-second one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import torch

from .analysis import analyze
from .errors import MemoryBudgetError, ModelError, TraceCancelled, format_bytes
from .model import DEFAULT_MEMORY_BUDGET, StackModel, build_model
from .signals import make_input
from .spec import LinearBlock, LSTMBlock, Project, SoftmaxBlock, _RecurrentBlock
from .trace import Trace, estimate_run_bytes, trace

# A run estimated below this starts after every edit; a longer one waits for "Run".
QUICK_RUN_SECONDS = 0.1

# The cost model (seconds), fitted by benchmarks/bench_run_cost.py.
_FIXED_SECONDS = 0.8e-3
_SECONDS_PER_PARAMETER = 18e-9  # initialising the weights
_SECONDS_PER_STEP = {"rnn": 5.6e-6, "gru": 15e-6, "lstm": 0.8e-6}  # per step and direction
_SECONDS_PER_RECURRENT_MAC = 0.076e-9  # h_(t-1) W_hh^T, one step at a time
_SECONDS_PER_PROJECTION_MAC = 0.02e-9  # x W_ih^T and Linear blocks: one matrix product
_SECONDS_PER_CELL_VALUE = 5e-9  # rebuilding an LSTM's cell states (trace's scan)
_GATES = {"rnn": 1, "gru": 3, "lstm": 4}


@dataclass(frozen=True)
class RunPlan:
    """What a run of a project would take, and whether it may start.

    ``estimate_bytes`` is ``estimate_run_bytes`` (weights, activations and the whole state
    trace in float32); ``estimate_seconds`` the cost model's time on one CPU core.
    """

    estimate_bytes: int
    estimate_seconds: float
    budget_bytes: int

    @property
    def fits_budget(self) -> bool:
        return self.estimate_bytes <= self.budget_bytes

    @property
    def quick(self) -> bool:
        """Small enough to run after every edit without the user asking."""
        return self.estimate_seconds < QUICK_RUN_SECONDS

    def budget_message(self) -> str:
        """Why the run is refused: the estimate, the budget and what to change."""
        return (
            f"this run needs about {format_bytes(self.estimate_bytes)} "
            f"({self.estimate_bytes:,} bytes: weights, activations and the hidden state of "
            f"every layer at every step), more than the memory budget of "
            f"{format_bytes(self.budget_bytes)} ({self.budget_bytes:,} bytes); lower batch or "
            "seq_len, make the blocks smaller, or raise the memory budget"
        )


def estimate_run_seconds(project: Project) -> float:
    """Seconds a run of ``project`` takes on one CPU core, from its sizes (see module doc).

    Raises ModelError when the project cannot run.
    """
    analysis = analyze(project)
    if analysis.first_error is not None:
        raise ModelError(analysis.first_error.message)
    seconds = _FIXED_SECONDS + _SECONDS_PER_PARAMETER * analysis.total_parameters
    for block, stage in zip(project.blocks, analysis.stages[1:], strict=True):
        incoming, output = stage.incoming, stage.output
        assert incoming is not None and output is not None
        if isinstance(block, LinearBlock):
            seconds += _SECONDS_PER_PROJECTION_MAC * output.numel * incoming.shape[-1]
            continue
        if isinstance(block, SoftmaxBlock):
            seconds += _SECONDS_PER_PROJECTION_MAC * 10 * output.numel
            continue
        assert isinstance(block, _RecurrentBlock)
        if incoming.ndim == 3:
            batch = incoming.shape[0] if block.batch_first else incoming.shape[1]
            steps = incoming.shape[1] if block.batch_first else incoming.shape[0]
        else:
            batch, steps = 1, incoming.shape[0]
        directions, hidden, out = block.directions, block.hidden_size, block.hidden_out
        rows = _GATES[block.type] * hidden
        for layer in range(block.num_layers):
            features = incoming.shape[-1] if layer == 0 else directions * out
            sequences = directions * steps
            seconds += _SECONDS_PER_STEP[block.type] * sequences
            seconds += _SECONDS_PER_RECURRENT_MAC * sequences * batch * rows * out
            seconds += _SECONDS_PER_PROJECTION_MAC * sequences * batch * rows * features
            if isinstance(block, LSTMBlock):
                # trace recomputes three gates for every step, then scans the cell states.
                seconds += (
                    _SECONDS_PER_PROJECTION_MAC * sequences * batch * 3 * hidden * (features + out)
                )
                seconds += _SECONDS_PER_CELL_VALUE * sequences * batch * hidden
    return seconds


def plan_run(project: Project, budget_bytes: int = DEFAULT_MEMORY_BUDGET) -> RunPlan:
    """The memory and time a run of ``project`` needs; raises ModelError when it cannot run."""
    return RunPlan(estimate_run_bytes(project), estimate_run_seconds(project), budget_bytes)


@dataclass(frozen=True, eq=False)
class RunWeights:
    """Weights to run with instead of a seed's, e.g. before or after training (``label`` says
    which). Equal only to itself, so a run with these weights is recognised without
    comparing tensors."""

    state: Mapping[str, torch.Tensor]
    label: str = ""


@dataclass(frozen=True)
class RunResult:
    """One finished run: what ran (project, weights seed or given weights) and everything it
    produced."""

    project: Project
    seed: int
    model: StackModel
    trace: Trace
    weights: RunWeights | None = None


def run_project(
    project: Project,
    *,
    seed: int = 0,
    folder: str | os.PathLike[str] | None = None,
    budget_bytes: int = DEFAULT_MEMORY_BUDGET,
    progress: Callable[[float], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    weights: RunWeights | None = None,
) -> RunResult:
    """Build ``project`` with weights from ``seed``, feed it its input signal, trace it.

    The same as ``rnnstudio run FILE --seed SEED`` without --seed overriding the signal's
    own seed: ``build_model(project, seed=seed)`` and ``make_input(project, folder=folder)``
    (``folder``: where a CSV signal's relative path starts, the project file's folder).
    Refuses with MemoryBudgetError, before allocating, a run estimated above
    ``budget_bytes``; raises ProjectError (a signal that does not fit, an unreadable CSV),
    ModelError, or TraceCancelled when ``cancel()`` turns True. ``progress(fraction)`` is
    called as blocks and layers finish. ``weights`` replace the seed's (ModelError when they
    belong to another stack).
    """
    plan = plan_run(project, budget_bytes)
    if not plan.fits_budget:
        raise MemoryBudgetError(
            plan.budget_message(),
            estimate_bytes=plan.estimate_bytes,
            budget_bytes=plan.budget_bytes,
        )
    if cancel is not None and cancel():
        raise TraceCancelled("the run was cancelled before it started")
    x = make_input(project, folder=folder)
    model = build_model(project, seed=seed, max_memory=budget_bytes)
    if weights is not None:
        _load_run_weights(model, weights)
    result = trace(model, x, progress=progress, cancel=cancel)
    return RunResult(project, seed, model, result, weights)


def _load_run_weights(model: StackModel, weights: RunWeights) -> None:
    expected = model.state_dict()
    given = weights.state
    if set(given) != set(expected) or any(
        tuple(given[name].shape) != tuple(value.shape) for name, value in expected.items()
    ):
        raise ModelError(
            f"the {weights.label or 'given'} weights belong to another stack; train this one "
            "or run it with the weights seed"
        )
    model.load_state_dict(
        {name: given[name].to(value.dtype) for name, value in expected.items()}, strict=True
    )
