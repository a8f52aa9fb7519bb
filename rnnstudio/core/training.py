"""Train a project's model on a built-in task, look at its gradients over time, keep its weights.

``train`` is a plain function: the caller decides the thread. It reports through
``progress`` after every batch, stops cleanly between batches when ``cancel()`` returns
True, and calls ``pause()`` between batches, which may block for as long as the caller
wants (``TrainingControl`` gives the three hooks for a worker thread). Results are plain
dataclasses. Classification trains the scores before the final Softmax block with
CrossEntropyLoss; regression uses MSELoss.

Trained weights are kept with safetensors (tensors and text metadata only, never a pickle).
"""

from __future__ import annotations

import copy
import math
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import torch
from torch import nn

from .errors import MemoryBudgetError, ModelError, ProjectError, format_bytes
from .model import DEFAULT_MEMORY_BUDGET, StackModel, build_model, select_output
from .project_io import updated
from .spec import Project
from .tasks import Task, TaskData, TaskFit, fit_task, get_task, make_data

OPTIMIZERS = ("adam", "sgd")
SGD_MOMENTUM = 0.9
MAX_EPOCHS = 100_000
MAX_BATCH_SIZE = 1_000_000
MAX_LEARNING_RATE = 100.0
MAX_FORGET_BIAS = 10.0
EVAL_CHUNK = 512  # validation sequences per forward pass
# Autograd keeps each batch's activations (and the gates) for the backward pass; weights get
# a gradient and Adam two moments each.
ACTIVATION_FACTOR = 3
WEIGHT_COPIES = 4

WEIGHTS_SUFFIX = ".safetensors"
WEIGHTS_FORMAT = "rnnstudio-weights"

Status = Literal["finished", "cancelled", "diverged"]


# --- settings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingSettings:
    """How to train. ``clip_grad_norm`` of None or 0 turns gradient clipping off.

    ``seed`` fixes the initial weights, the order of the batches and dropout; ``data_seed``
    fixes the task's sequences. The same settings give the same numbers. ``forget_bias``
    (None: torch's own initialisation) is where every LSTM forget gate starts: see
    ``set_forget_bias``.
    """

    optimizer: str = "adam"
    learning_rate: float = 0.003
    epochs: int = 20
    batch_size: int = 32
    clip_grad_norm: float | None = 1.0
    seed: int = 0
    data_seed: int = 0
    forget_bias: float | None = None

    def __post_init__(self) -> None:
        if self.optimizer not in OPTIMIZERS:
            raise ProjectError(
                f"optimizer must be one of {', '.join(OPTIMIZERS)}, got {self.optimizer!r}",
                field="optimizer",
            )
        _check_number("learning_rate", self.learning_rate, 0.0, MAX_LEARNING_RATE, open_low=True)
        _check_whole("epochs", self.epochs, 1, MAX_EPOCHS)
        _check_whole("batch_size", self.batch_size, 1, MAX_BATCH_SIZE)
        _check_whole("seed", self.seed, 0, 2**63 - 1)
        _check_whole("data_seed", self.data_seed, 0, 2**63 - 1)
        if self.clip_grad_norm is not None:
            _check_number("clip_grad_norm", self.clip_grad_norm, 0.0, 1e6, open_low=False)
        if self.forget_bias is not None:
            _check_number(
                "forget_bias", self.forget_bias, -MAX_FORGET_BIAS, MAX_FORGET_BIAS, open_low=False
            )

    @property
    def clipping(self) -> float | None:
        return self.clip_grad_norm or None


def _check_whole(name: str, value: Any, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ProjectError(
            f"{name} must be a whole number from {low} to {high}, got {value!r}", field=name
        )


def _check_number(name: str, value: Any, low: float, high: float, *, open_low: bool) -> None:
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if not is_number or not math.isfinite(value):
        raise ProjectError(f"{name} must be a number, got {value!r}", field=name)
    if (value <= low if open_low else value < low) or value > high:
        bound = f"greater than {low:g}" if open_low else f"at least {low:g}"
        raise ProjectError(
            f"{name} must be {bound} and at most {high:g}, got {value:g}", field=name
        )


def settings_for(task: Task | str, **overrides: Any) -> TrainingSettings:
    """The settings ``task`` is tuned for, with ``overrides`` (None values are ignored)."""
    task = get_task(task)
    values: dict[str, Any] = {
        "epochs": task.epochs,
        "learning_rate": task.learning_rate,
        "batch_size": task.batch_size,
        "clip_grad_norm": task.clip_grad_norm,
        "forget_bias": task.forget_bias,
    }
    values.update({key: value for key, value in overrides.items() if value is not None})
    return TrainingSettings(**values)


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EpochRecord:
    """One epoch's figures. Training figures are averaged over the epoch's batches while the
    weights change; validation figures are measured after the epoch, in eval mode.
    Accuracies are None for regression; ``seconds`` counts from the start, pauses excluded."""

    epoch: int
    train_loss: float
    val_loss: float
    train_accuracy: float | None
    val_accuracy: float | None
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "epoch": self.epoch,
            "train_loss": self.train_loss,
            "val_loss": self.val_loss,
            "train_accuracy": self.train_accuracy,
            "val_accuracy": self.val_accuracy,
            "seconds": self.seconds,
        }


@dataclass(frozen=True)
class TrainingProgress:
    """Reported after every batch; ``record`` is set after the last batch of an epoch."""

    epoch: int  # 1-based, the epoch in progress
    epochs: int
    batch: int  # batches done in this epoch
    batches: int
    loss: float  # the last batch's loss
    record: EpochRecord | None = None

    @property
    def fraction(self) -> float:
        """Share of all batches done, from 0 to 1, for a progress bar."""
        return ((self.epoch - 1) * self.batches + self.batch) / (self.epochs * self.batches)


@dataclass
class TrainingResult:
    """What a training run produced. ``model`` holds the weights at the end (eval mode);
    ``initial_state`` the weights before the first batch, to compare hidden states before
    and after. ``confusion_matrix[true][predicted]`` counts validation sequences (positions
    for a per-step task); None for regression."""

    task: Task
    settings: TrainingSettings
    history: tuple[EpochRecord, ...]
    confusion_matrix: tuple[tuple[int, ...], ...] | None
    seconds: float
    status: Status
    message: str
    model: StackModel = field(repr=False)
    initial_state: dict[str, torch.Tensor] = field(repr=False)
    loss_name: str = "CrossEntropyLoss"
    explanation: str = ""

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def epochs_run(self) -> int:
        return len(self.history)

    @property
    def last(self) -> EpochRecord | None:
        return self.history[-1] if self.history else None

    @property
    def val_loss(self) -> float | None:
        return self.last.val_loss if self.last else None

    @property
    def val_accuracy(self) -> float | None:
        return self.last.val_accuracy if self.last else None

    @property
    def seconds_per_epoch(self) -> float | None:
        return self.seconds / len(self.history) if self.history else None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (no tensors)."""
        settings = self.settings
        last = self.last
        return {
            "task": self.task.name,
            "kind": self.task.kind,
            "status": self.status,
            "message": self.message,
            "loss": self.loss_name,
            "settings": {
                "optimizer": settings.optimizer,
                "learning_rate": settings.learning_rate,
                "epochs": settings.epochs,
                "batch_size": settings.batch_size,
                "clip_grad_norm": settings.clipping,
                "forget_bias": settings.forget_bias,
                "seed": settings.seed,
                "data_seed": settings.data_seed,
                "seq_len": self.task.seq_len,
                "train_size": self.task.train_size,
                "val_size": self.task.val_size,
            },
            "epochs_run": self.epochs_run,
            "train_loss": last.train_loss if last else None,
            "train_accuracy": last.train_accuracy if last else None,
            "val_loss": self.val_loss,
            "val_accuracy": self.val_accuracy,
            "seconds": self.seconds,
            "history": [record.to_dict() for record in self.history],
            "class_names": list(self.task.class_names),
            "confusion_matrix": (
                [list(row) for row in self.confusion_matrix] if self.confusion_matrix else None
            ),
        }


def loss_explanation(task: Task | str, project: Project | None = None, lang: str = "en") -> str:
    """One sentence on the loss, for the training pane."""
    task = get_task(task)
    softmax = None
    if project is not None and project.blocks and project.blocks[-1].type == "softmax":
        softmax = project.blocks[-1].name
    if lang == "es":
        if not task.is_classification:
            return (
                "El entrenamiento compara cada salida con su valor esperado mediante MSELoss, "
                "el promedio de las diferencias al cuadrado en todos los pasos de tiempo."
            )
        scores = f"que entran a {softmax}" if softmax else "de la última capa"
        return (
            f"El entrenamiento compara los puntajes (logits) {scores} con la clase correcta "
            "mediante CrossEntropyLoss, que aplica la softmax por sí misma de forma "
            "numéricamente estable: entrenar sobre las probabilidades la aplicaría dos veces "
            "y achicaría los gradientes."
        )
    if not task.is_classification:
        return (
            "Training compares every output with its target through MSELoss, the mean of the "
            "squared differences over all time steps."
        )
    scores = f"that enter {softmax}" if softmax else "of the last block"
    return (
        f"Training compares the scores (logits) {scores} with the true class through "
        "CrossEntropyLoss, which applies the softmax itself in a numerically stable way: "
        "training on the probabilities would apply it twice and shrink the gradients."
    )


# --- pause / resume / cancel from another thread ----------------------------------------------


class TrainingControl:
    """Pause, resume and cancel a training that runs in another thread.

    Pass ``cancel=control.is_cancel_requested`` and ``pause=control.wait_while_paused`` to
    ``train``; call ``pause()``, ``resume()`` and ``cancel()`` from any thread.
    """

    def __init__(self) -> None:
        self._running = threading.Event()
        self._running.set()
        self._cancelled = threading.Event()

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def cancel(self) -> None:
        self._cancelled.set()
        self._running.set()  # a paused training must wake up to stop

    @property
    def is_paused(self) -> bool:
        return not self._running.is_set()

    def is_cancel_requested(self) -> bool:
        return self._cancelled.is_set()

    def wait_while_paused(self) -> None:
        """Block while paused; returns at once when running or cancelled."""
        self._running.wait()


# --- training --------------------------------------------------------------------------------


def prepare(
    project: Project, task: Task | str, *, settings: TrainingSettings | None = None
) -> TaskFit:
    """Check that ``project`` fits ``task`` and that a batch fits in memory.

    Raises ModelError with every problem's explanation, one per line, or MemoryBudgetError.
    """
    task = get_task(task)
    fit = fit_task(task, project)
    if not fit.ok:
        raise ModelError(fit.message())
    if settings is not None:
        _check_training_memory(project, task, settings)
    return fit


def _check_training_memory(project: Project, task: Task, settings: TrainingSettings) -> None:
    from .analysis import analyze
    from .trace import estimate_run_bytes

    def run_bytes(batch: int) -> int:
        sized = updated(
            project,
            input=updated(project.input, features=task.features, seq_len=task.seq_len, batch=batch),
        )
        return estimate_run_bytes(sized)

    batch = min(settings.batch_size, task.train_size)
    weight_bytes = analyze(project).parameter_bytes
    training = ACTIVATION_FACTOR * run_bytes(batch)
    validation = run_bytes(min(EVAL_CHUNK, task.val_size))
    needed = max(training, validation) + WEIGHT_COPIES * weight_bytes
    if needed > DEFAULT_MEMORY_BUDGET:
        raise MemoryBudgetError(
            f"training would need about {format_bytes(needed)} (weights, their gradients and "
            f"optimizer state, and a batch of {batch} sequences of {task.seq_len} steps kept "
            f"for the backward pass), more than the memory budget of "
            f"{format_bytes(DEFAULT_MEMORY_BUDGET)}; make the blocks smaller",
            estimate_bytes=needed,
            budget_bytes=DEFAULT_MEMORY_BUDGET,
        )


class _Head:
    """Runs the model up to the loss: drops a final Softmax and lays outputs out batch-first."""

    def __init__(self, model: StackModel, fit: TaskFit, batch_first_input: bool) -> None:
        children = list(model.children())
        self.module = nn.Sequential(*children[:-1]) if fit.drops_softmax else model
        self.batch_first_input = batch_first_input
        assert fit.head is not None
        axes = fit.head.axes
        if "time" in axes:
            self.order: tuple[int, ...] | None = (axes.index("batch"), axes.index("time"), 2)
        else:
            self.order = (axes.index("batch"), 1)
        if self.order == tuple(range(len(self.order))):
            self.order = None

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """x [batch, time, features] -> [batch, outputs] or [batch, time, outputs]."""
        if not self.batch_first_input:
            x = x.transpose(0, 1)
        out = self.module(x)
        return out.permute(self.order) if self.order is not None else out


class _Objective:
    """The loss and, for classification, the number of right answers, on flattened outputs."""

    def __init__(self, task: Task) -> None:
        self.task = task
        self.classification = task.is_classification
        self.loss = nn.CrossEntropyLoss() if self.classification else nn.MSELoss()

    def __call__(self, out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if self.classification:
            return self.loss(out.reshape(-1, out.shape[-1]), target.reshape(-1))
        return self.loss(out, target)

    def positions(self, target: torch.Tensor) -> int:
        """Answers in a batch: sequences, or sequences × steps for a per-step task."""
        return target.numel() if self.classification else target.shape[0]

    def correct(self, out: torch.Tensor, target: torch.Tensor) -> int:
        return int((out.argmax(-1) == target).sum())


def train(
    project: Project,
    task: Task | str,
    settings: TrainingSettings | None = None,
    *,
    model: StackModel | None = None,
    progress: Callable[[TrainingProgress], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    pause: Callable[[], None] | None = None,
) -> TrainingResult:
    """Train ``project``'s model on ``task``; returns the history, the confusion matrix and
    the trained model.

    ``model`` continues from given weights (built from ``project``; ``forget_bias`` is not
    applied to them); otherwise the model is built with ``settings.seed`` and its LSTM forget
    gates are set to ``settings.forget_bias``. Between batches, ``pause()`` is called (it may
    block: that time is not counted) and then ``cancel()``: when it returns True the run stops
    with status "cancelled", keeping the epochs done. A loss that becomes NaN or infinite stops
    the run with status "diverged". Raises ModelError when the stack does not fit the task.
    """
    task = get_task(task)
    settings = settings if settings is not None else settings_for(task)
    fit = prepare(project, task, settings=settings)
    if model is None:
        model = build_model(project, seed=settings.seed)
        if settings.forget_bias is not None:
            set_forget_bias(model, settings.forget_bias)
    initial_state = {name: value.detach().clone() for name, value in model.state_dict().items()}
    data = make_data(task, settings.data_seed)
    head = _Head(model, fit, project.input.batch_first)
    objective = _Objective(task)
    optimizer = _make_optimizer(model, settings)
    clipping = settings.clipping
    shuffle = torch.Generator().manual_seed(settings.seed)

    batches = math.ceil(task.train_size / settings.batch_size)
    history: list[EpochRecord] = []
    status: Status = "finished"
    message = ""
    seconds = 0.0
    started = time.perf_counter()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(settings.seed)  # dropout between layers draws from the global RNG
        for epoch in range(1, settings.epochs + 1):
            model.train()
            order = torch.randperm(task.train_size, generator=shuffle)
            loss_sum = 0.0
            correct = 0
            answers = 0
            for batch, start in enumerate(range(0, task.train_size, settings.batch_size), 1):
                if pause is not None:
                    seconds += time.perf_counter() - started
                    pause()
                    started = time.perf_counter()
                if cancel is not None and cancel():
                    status = "cancelled"
                    break
                chosen = order[start : start + settings.batch_size]
                x, target = data.x_train[chosen], data.y_train[chosen]
                optimizer.zero_grad(set_to_none=True)
                out = head(x)
                loss = objective(out, target)
                loss.backward()
                if clipping is not None:
                    nn.utils.clip_grad_norm_(model.parameters(), clipping)
                optimizer.step()
                loss_value = loss.item()
                if not math.isfinite(loss_value):
                    status = "diverged"
                    break
                count = objective.positions(target)
                loss_sum += loss_value * count
                answers += count
                if objective.classification:
                    correct += objective.correct(out.detach(), target)
                if progress is not None and batch < batches:
                    progress(TrainingProgress(epoch, settings.epochs, batch, batches, loss_value))
            if status != "finished":
                if status == "diverged":
                    message = (
                        f"the loss became {loss_value} in epoch {epoch}: the weights blew up. "
                        f"Lower the learning rate (now {settings.learning_rate:g})"
                        + ("" if clipping else " or turn on gradient clipping")
                    )
                else:
                    message = f"cancelled during epoch {epoch}; {len(history)} epochs done"
                break
            val_loss, val_correct, val_answers = _evaluate(model, head, objective, data)
            record = EpochRecord(
                epoch=epoch,
                train_loss=loss_sum / answers,
                val_loss=val_loss,
                train_accuracy=correct / answers if objective.classification else None,
                val_accuracy=val_correct / val_answers if objective.classification else None,
                seconds=seconds + time.perf_counter() - started,
            )
            history.append(record)
            if progress is not None:
                progress(
                    TrainingProgress(epoch, settings.epochs, batches, batches, loss_value, record)
                )
    model.eval()
    seconds += time.perf_counter() - started
    matrix = _confusion_matrix(head, task, data) if task.is_classification else None
    return TrainingResult(
        task=task,
        settings=settings,
        history=tuple(history),
        confusion_matrix=matrix,
        seconds=seconds,
        status=status,
        message=message,
        model=model,
        initial_state=initial_state,
        loss_name=type(objective.loss).__name__,
        explanation=loss_explanation(task, project),
    )


def set_forget_bias(model: nn.Module, value: float) -> int:
    """Start every LSTM forget gate at sigmoid(value): the sum b_ih + b_hh of its biases is set
    to ``value`` (b_ih holds it, b_hh's part is 0). Returns how many LSTM layers and directions
    were set (none without biases).

    torch draws these biases like all others, around 0, so at first each step keeps about half
    of the cell state and after T steps 0.5**T of it: the gradient to early steps is gone
    before learning starts. A bias of 1 keeps 73% per step; Keras does this by default
    (unit_forget_bias), after Jozefowicz, Zaremba and Sutskever (2015), "An empirical
    exploration of recurrent network architectures".
    """
    count = 0
    with torch.no_grad():
        for module in model.modules():
            if not isinstance(module, nn.LSTM) or not module.bias:
                continue
            hidden = module.hidden_size
            for name, parameter in module.named_parameters():
                if name.startswith(("bias_ih", "bias_hh")):
                    gate = parameter[hidden : 2 * hidden]  # torch's gate order: i, f, g, o
                    gate.fill_(value if name.startswith("bias_ih") else 0.0)
                    count += name.startswith("bias_ih")
    return count


def _make_optimizer(model: nn.Module, settings: TrainingSettings) -> torch.optim.Optimizer:
    if settings.optimizer == "sgd":
        return torch.optim.SGD(model.parameters(), lr=settings.learning_rate, momentum=SGD_MOMENTUM)
    return torch.optim.Adam(model.parameters(), lr=settings.learning_rate)


def _chunks(data: TaskData) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    for start in range(0, data.x_val.shape[0], EVAL_CHUNK):
        yield data.x_val[start : start + EVAL_CHUNK], data.y_val[start : start + EVAL_CHUNK]


def _evaluate(
    model: nn.Module, head: _Head, objective: _Objective, data: TaskData
) -> tuple[float, int, int]:
    """Validation loss (mean over answers), right answers and answers, in eval mode."""
    model.eval()
    loss_sum = 0.0
    correct = answers = 0
    with torch.no_grad():
        for x, target in _chunks(data):
            out = head(x)
            count = objective.positions(target)
            loss_sum += objective(out, target).item() * count
            answers += count
            if objective.classification:
                correct += objective.correct(out, target)
    return loss_sum / answers, correct, answers


def _confusion_matrix(head: _Head, task: Task, data: TaskData) -> tuple[tuple[int, ...], ...]:
    classes = task.outputs
    counts = torch.zeros(classes * classes, dtype=torch.long)
    with torch.no_grad():
        for x, target in _chunks(data):
            predicted = head(x).argmax(-1)
            pairs = target.reshape(-1) * classes + predicted.reshape(-1)
            counts += torch.bincount(pairs, minlength=classes * classes)
    return tuple(tuple(row) for row in counts.view(classes, classes).tolist())


# --- gradients over time ---------------------------------------------------------------------


def recurrent_layer_names(model: StackModel) -> list[str]:
    """One label per recurrent layer, in the order of gradient_over_time's rows: 'rnn1 layer 0'."""
    return [
        f"{name} layer {layer}"
        for name, module in model.named_children()
        if isinstance(module, nn.RNNBase)
        for layer in range(module.num_layers)
    ]


@dataclass(frozen=True)
class HiddenStateGradients:
    """dLoss/dh_t of one sample, in float64.

    ``gradients`` has one tensor per recurrent layer (rows of ``layer_names``), each
    [directions, time, hidden_out]. ``output`` is what the loss read: the model's output for
    the sample, before a final Softmax for classification.
    """

    layer_names: tuple[str, ...]
    gradients: tuple[torch.Tensor, ...]
    loss: float
    output: torch.Tensor

    def norms(self) -> torch.Tensor:
        """||dLoss/dh_t|| per layer and step, both directions together: [layers, time]."""
        return torch.stack(
            [gradient.square().sum(dim=(0, 2)).sqrt() for gradient in self.gradients]
        )


def gradient_over_time(
    model: StackModel,
    task: Task | str,
    sample: int | tuple[torch.Tensor, torch.Tensor] = 0,
    *,
    data_seed: int = 0,
) -> torch.Tensor:
    """||dLoss/dh_t|| for every recurrent layer and time step: [layers, time], float64.

    See ``hidden_state_gradients``; rows follow ``recurrent_layer_names``.
    """
    return hidden_state_gradients(model, task, sample, data_seed=data_seed).norms()


def hidden_state_gradients(
    model: StackModel,
    task: Task | str,
    sample: int | tuple[torch.Tensor, torch.Tensor] = 0,
    *,
    data_seed: int = 0,
) -> HiddenStateGradients:
    """dLoss/dh_t for every recurrent layer, direction and time step of one sample.

    ``sample`` is an index into the task's validation set (made with ``data_seed``) or a pair
    (x [time, features], target). The loss is the training loss on that one sample. Each
    recurrent layer runs one step at a time with the block's own weights, so every h_t is a
    tensor of its own whose gradient gathers all the paths from it to the loss: through the
    later steps, the layers above and the output. Runs as in eval mode (no dropout) on a
    float64 copy of the weights, so that a gradient that has vanished to 1e-30 still shows
    as a number; the model is left untouched.
    """
    task = get_task(task)
    if isinstance(sample, int) and not isinstance(sample, bool):
        data = make_data(task, data_seed)
        if not 0 <= sample < data.x_val.shape[0]:
            raise ModelError(
                f"sample must be from 0 to {data.x_val.shape[0] - 1} (the validation set of "
                f"{task.name}), got {sample}"
            )
        x, target = data.x_val[sample], data.y_val[sample]
    else:
        x, target = sample
    if x.dim() != 2 or x.shape[-1] != task.features:
        raise ModelError(
            f"the sample must be [time, features={task.features}], got {list(x.shape)}"
        )
    children = list(model.named_children())
    recurrent = [module for _, module in children if isinstance(module, nn.RNNBase)]
    if not recurrent:
        raise ModelError("the model has no recurrent block: there is no h_t to differentiate")
    drop_softmax = task.is_classification and isinstance(children[-1][1], nn.Softmax)
    batch_first = recurrent[0].batch_first
    names = tuple(recurrent_layer_names(model))
    model = copy.deepcopy(model).double().eval()
    children = list(model.named_children())
    if drop_softmax:
        children = children[:-1]
    x = x.double()
    target = target.double() if target.is_floating_point() else target
    current = x.unsqueeze(0) if batch_first else x.unsqueeze(1)
    # Per layer, per direction: the h_t of every step, the very tensors the next step reads.
    states: list[list[list[torch.Tensor]]] = []
    with torch.enable_grad():
        for name, module in children:
            if isinstance(module, nn.RNNBase):
                current, layer_states = _stepwise_recurrent(name, module, current)
                states.extend(layer_states)
            else:
                current = module(current)
        loss = _sample_loss(task, current, target)
        tracked = [state for layer in states for direction in layer for state in direction]
        found = iter(torch.autograd.grad(loss, tracked, allow_unused=True))
    steps = len(states[0][0])
    if any(len(direction) != steps for layer in states for direction in layer):
        raise ModelError(
            "the recurrent blocks run over different numbers of steps; gradients over time "
            "need every block to read the same time axis (pass output: sequence between them)"
        )
    gradients = []
    for layer in states:
        per_direction = []
        for direction in layer:
            vectors = []
            for state in direction:
                gradient = next(found)
                vectors.append(torch.zeros_like(state) if gradient is None else gradient)
            per_direction.append(torch.cat(vectors))  # batch of one: [time, hidden_out]
        gradients.append(torch.stack(per_direction).detach())
    return HiddenStateGradients(names, tuple(gradients), loss.item(), current.detach())


def _sample_loss(task: Task, out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """The training loss of one sample; `out` is the model's output for a batch of one."""
    positions = task.seq_len if task.per_step else 1
    expected = positions * task.outputs
    if out.numel() != expected:
        raise ModelError(
            f"the model's output has {out.numel()} values ({list(out.shape)}) but {task.name} "
            f"needs {expected} per sequence; check the stack with check_fit"
        )
    # With a batch of one, [1, time, n] and [time, 1, n] hold the values in the same order.
    out = out.reshape(positions, task.outputs)
    if task.is_classification:
        return nn.functional.cross_entropy(out, target.reshape(positions))
    return nn.functional.mse_loss(out, target.reshape(positions, task.outputs))


def _stepwise_recurrent(
    name: str, module: nn.RNNBase, incoming: torch.Tensor
) -> tuple[torch.Tensor, list[list[list[torch.Tensor]]]]:
    """Run a recurrent block one layer and one step at a time with its own weights.

    ``incoming`` is [batch, time, features] (batch_first) or [time, batch, features]. Returns
    the block's chosen output, as its forward would, and per layer and direction the h_t
    [batch, hidden_out] of every step in time order.
    """
    if incoming.dim() != 3 or incoming.shape[-1] != module.input_size:
        raise ModelError(
            f"{name}: expects [batch, time, {module.input_size}] but receives "
            f"{list(incoming.shape)}"
        )
    sequence = incoming.transpose(0, 1) if module.batch_first else incoming  # [time, batch, f]
    directions = 2 if module.bidirectional else 1
    per_layer: list[list[list[torch.Tensor]]] = []
    finals_h: list[torch.Tensor] = []
    finals_c: list[torch.Tensor] = []
    for layer in range(module.num_layers):
        outputs = []
        for direction in range(directions):
            suffix = f"_l{layer}" + ("_reverse" if direction else "")
            hidden, cell = _run_direction(module, suffix, sequence, reverse=direction == 1)
            outputs.append(hidden)
            finals_h.append(hidden[0] if direction else hidden[-1])
            if cell is not None:
                finals_c.append(cell)
        per_layer.append(outputs)
        sequence = torch.stack([torch.cat(states, dim=-1) for states in zip(*outputs, strict=True)])
    y = sequence.transpose(0, 1) if module.batch_first else sequence
    h_n = torch.stack(finals_h)
    c_n = torch.stack(finals_c) if finals_c else None
    output = getattr(module, "output", "sequence")
    return select_output(output, module.batch_first, y, h_n, c_n), per_layer


def _run_direction(
    module: nn.RNNBase, suffix: str, sequence: torch.Tensor, *, reverse: bool
) -> tuple[list[torch.Tensor], torch.Tensor | None]:
    """h_t of every step (in time order) of one layer and direction, and the final c (LSTM).

    The update rules are torch's, as its documentation of RNN, LSTM and GRU writes them.
    """
    weight_ih = getattr(module, f"weight_ih{suffix}")
    weight_hh = getattr(module, f"weight_hh{suffix}")
    bias_ih = getattr(module, f"bias_ih{suffix}") if module.bias else None
    bias_hh = getattr(module, f"bias_hh{suffix}") if module.bias else None
    weight_hr = getattr(module, f"weight_hr{suffix}", None)
    hidden_size = module.hidden_size
    out_size = getattr(module, "proj_size", 0) or hidden_size
    batch = sequence.shape[1]
    h = sequence.new_zeros(batch, out_size)
    c = sequence.new_zeros(batch, hidden_size)
    order = range(sequence.shape[0] - 1, -1, -1) if reverse else range(sequence.shape[0])
    states: dict[int, torch.Tensor] = {}
    for t in order:
        from_input = nn.functional.linear(sequence[t], weight_ih, bias_ih)
        from_hidden = nn.functional.linear(h, weight_hh, bias_hh)
        if module.mode == "RNN_TANH":
            h = torch.tanh(from_input + from_hidden)
        elif module.mode == "RNN_RELU":
            h = torch.relu(from_input + from_hidden)
        elif module.mode == "GRU":
            in_r, in_z, in_n = from_input.chunk(3, dim=-1)
            hid_r, hid_z, hid_n = from_hidden.chunk(3, dim=-1)
            reset = torch.sigmoid(in_r + hid_r)
            update = torch.sigmoid(in_z + hid_z)
            candidate = torch.tanh(in_n + reset * hid_n)
            h = (1 - update) * candidate + update * h
        else:  # LSTM: gates i, f, g, o
            gate_i, gate_f, gate_g, gate_o = (from_input + from_hidden).chunk(4, dim=-1)
            c = torch.sigmoid(gate_f) * c + torch.sigmoid(gate_i) * torch.tanh(gate_g)
            h = torch.sigmoid(gate_o) * torch.tanh(c)
            if weight_hr is not None:
                h = nn.functional.linear(h, weight_hr)
        states[t] = h
    ordered = [states[t] for t in range(sequence.shape[0])]
    return ordered, (c if module.mode == "LSTM" else None)


# --- trained weights -------------------------------------------------------------------------


def weights_path(project_path: str | os.PathLike[str]) -> Path:
    """Where a project's trained weights go, next to it: a.rnnstudio -> a.safetensors."""
    return Path(project_path).with_suffix(WEIGHTS_SUFFIX)


def save_weights(
    model: nn.Module,
    path: str | os.PathLike[str],
    *,
    metadata: Mapping[str, str] | None = None,
) -> Path:
    """Write the model's weights as safetensors, atomically; ``metadata`` is kept as text."""
    from safetensors.torch import save

    path = Path(path)
    tensors = {name: value.detach().contiguous() for name, value in model.state_dict().items()}
    header = {"format": WEIGHTS_FORMAT, **{str(k): str(v) for k, v in (metadata or {}).items()}}
    payload = save(tensors, metadata=header)
    folder = path.parent if str(path.parent) else Path(".")
    temporary: Path | None = None
    try:
        with tempfile.NamedTemporaryFile(
            "wb", dir=folder, prefix=f".{path.name}.", suffix=".tmp", delete=False
        ) as handle:
            temporary = Path(handle.name)
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        temporary = None
    except OSError as error:
        reason = error.strerror or str(error)
        raise ProjectError(f"{path}: cannot save the weights: {reason}", path=str(path)) from None
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
    return path


def read_weights(path: str | os.PathLike[str]) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """The tensors and the text metadata of a weights file; nothing in it is executed."""
    from safetensors import SafetensorError, safe_open

    path = Path(path)
    try:
        with safe_open(str(path), framework="pt") as handle:
            metadata = dict(handle.metadata() or {})
            tensors = {name: handle.get_tensor(name) for name in handle.keys()}  # noqa: SIM118
    except FileNotFoundError:
        raise ProjectError(f"{path}: no such weights file", path=str(path)) from None
    except (OSError, SafetensorError) as error:
        raise ProjectError(
            f"{path}: is not a safetensors weights file ({error}); save the weights with "
            "rnnstudio train --out",
            path=str(path),
        ) from None
    if metadata.get("format") != WEIGHTS_FORMAT:
        raise ProjectError(
            f"{path}: is a safetensors file but not rnnstudio weights (no "
            f'"format": "{WEIGHTS_FORMAT}" in its metadata)',
            path=str(path),
        )
    return tensors, metadata


def load_weights(project: Project, path: str | os.PathLike[str]) -> StackModel:
    """Build ``project``'s model and fill it with the weights saved at ``path``.

    Raises ProjectError for an unreadable file and ModelError when the weights belong to a
    different stack (names and shapes are compared with the project's parameters).
    """
    tensors, _metadata = read_weights(path)
    model = build_model(project)
    expected = model.state_dict()
    missing = [name for name in expected if name not in tensors]
    unexpected = [name for name in tensors if name not in expected]
    wrong = [
        f"{name} is {list(tensors[name].shape)} in the file but {list(value.shape)} in the project"
        for name, value in expected.items()
        if name in tensors and tensors[name].shape != value.shape
    ]
    if missing or unexpected or wrong:
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing[:4])}" + (" ..." if len(missing) > 4 else ""))
        if unexpected:
            parts.append(
                f"unknown {', '.join(unexpected[:4])}" + (" ..." if len(unexpected) > 4 else "")
            )
        parts.extend(wrong[:4])
        raise ModelError(
            f"{path}: these weights were trained for another stack ({'; '.join(parts)}); "
            "open the project they were saved with, or train this one again"
        )
    model.load_state_dict(
        {name: tensors[name].to(expected[name].dtype) for name in expected}, strict=True
    )
    return model
