"""Built-in training tasks, generated locally from a seed, and whether a stack fits them.

Every task makes sequences laid out [batch, time, features] and states the output it needs:
how many values per time step come in, how many classes (or regression values) must come
out, and whether one answer is due per sequence (the last step) or one per time step.
``fit_task`` compares that with a project's analysis and explains, in words tied to the
blocks, what to change when the stack does not fit.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import torch

from .analysis import BATCH, LAYERS, TIME, Analysis, Problem, TensorInfo, analyze
from .errors import ProjectError
from .messages import render
from .project_io import updated
from .spec import LinearBlock, Project, SoftmaxBlock, _RecurrentBlock

TaskKind = Literal["classification", "regression"]

# A generator returns (x [count, seq_len, features], targets) for `count` sequences.
Generate = Callable[[int, int, torch.Generator], tuple[torch.Tensor, torch.Tensor]]

MIN_SEQ_LEN = 2
MAX_SEQ_LEN = 10_000
MAX_SAMPLES = 1_000_000


@dataclass(frozen=True)
class Task:
    """A built-in task: what goes in, what must come out, and how its data is made.

    Classification targets are class indices, [count] for one answer per sequence or
    [count, seq_len] per step; regression targets are [count, seq_len, outputs].
    ``epochs``, ``learning_rate``, ``batch_size``, ``clip_grad_norm`` and ``forget_bias`` are
    the settings the task is tuned for (see ``TrainingSettings``).
    """

    name: str
    kind: TaskKind
    features: int
    outputs: int  # classes for classification, values per position for regression
    per_step: bool
    seq_len: int
    train_size: int
    val_size: int
    class_names: tuple[str, ...]
    feature_names: tuple[str, ...]
    title: dict[str, str]
    description: dict[str, str]
    epochs: int
    learning_rate: float
    batch_size: int
    clip_grad_norm: float | None
    forget_bias: float | None
    generate: Generate = dataclasses.field(repr=False, compare=False)

    @property
    def is_classification(self) -> bool:
        return self.kind == "classification"

    @property
    def classes(self) -> int | None:
        return self.outputs if self.is_classification else None

    def describe(self, lang: str = "en") -> str:
        return self.description.get(lang, self.description["en"])

    def requirement(self, lang: str = "en") -> str:
        """The output the stack must give, in a sentence, e.g. for the task list."""
        features = ", ".join(self.feature_names)
        if lang == "es":
            per = "una por paso de tiempo" if self.per_step else "una por secuencia"
            shape = "[batch, time, {n}]" if self.per_step else "[batch, {n}]"
            what = (
                f"{self.outputs} clases ({per})"
                if self.is_classification
                else f"{self.outputs} {'valor' if self.outputs == 1 else 'valores'} ({per})"
            )
            return (
                f"entrada: {_count(self.features, 'valor').replace('valors', 'valores')} por "
                f"paso ({features}), "
                f"{self.seq_len} pasos; salida: {what}, forma {shape.format(n=self.outputs)}"
            )
        per = "one per time step" if self.per_step else "one per sequence"
        shape = "[batch, time, {n}]" if self.per_step else "[batch, {n}]"
        what = (
            f"{self.outputs} classes ({per})"
            if self.is_classification
            else f"{_count(self.outputs, 'value')} ({per})"
        )
        return (
            f"input: {_count(self.features, 'value')} per step ({features}), {self.seq_len} steps; "
            f"output: {what}, shaped {shape.format(n=self.outputs)}"
        )

    def with_options(
        self,
        *,
        seq_len: int | None = None,
        train_size: int | None = None,
        val_size: int | None = None,
    ) -> Task:
        """A copy with other sizes, e.g. a longer memory task; bad sizes raise ProjectError."""
        changes: dict[str, int] = {}
        for field, value, low, high in (
            ("seq_len", seq_len, MIN_SEQ_LEN, MAX_SEQ_LEN),
            ("train_size", train_size, 1, MAX_SAMPLES),
            ("val_size", val_size, 1, MAX_SAMPLES),
        ):
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ProjectError(
                    f"{field} of task {self.name} must be a whole number from {low} to {high}, "
                    f"got {value!r}",
                    field=field,
                )
            changes[field] = value
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class TaskData:
    """A task's sequences: x [count, seq_len, features] and targets, for training and validation."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor


def make_data(task: Task, seed: int = 0) -> TaskData:
    """Generate the task's training and validation sets; the same seed gives the same tensors."""
    generator = torch.Generator().manual_seed(seed)
    x_train, y_train = task.generate(task.train_size, task.seq_len, generator)
    x_val, y_val = task.generate(task.val_size, task.seq_len, generator)
    return TaskData(x_train, y_train, x_val, y_val)


# --- the generators ---------------------------------------------------------------------------


def _uniform(count: int, low: float, high: float, generator: torch.Generator) -> torch.Tensor:
    return low + (high - low) * torch.rand(count, generator=generator)


def _trajectories(
    count: int, seq_len: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """Five kinds of curves drawn as x/y points, each randomly rotated, scaled and shifted."""
    labels = torch.randint(0, 5, (count,), generator=generator)
    # s runs over [0, 1] along each curve at a randomly warped speed.
    warp = _uniform(count, 0.75, 1.35, generator)[:, None]
    s = torch.linspace(0.0, 1.0, seq_len)[None, :] ** warp
    start = _uniform(count, 0.0, math.tau, generator)[:, None]
    turn = torch.where(torch.rand(count, 1, generator=generator) < 0.5, -1.0, 1.0)
    angle = start + turn * math.tau * s
    circle = torch.stack([torch.cos(angle), torch.sin(angle)], dim=-1)
    line = torch.stack([2 * s - 1, torch.zeros_like(s)], dim=-1)
    wave = torch.stack([2 * s - 1, 0.5 * torch.sin(1.5 * math.tau * s)], dim=-1)
    spiral_angle = start + turn * 1.5 * math.tau * s
    radius = 0.15 + 0.85 * s
    spiral = torch.stack(
        [radius * torch.cos(spiral_angle), radius * torch.sin(spiral_angle)], dim=-1
    )
    eight = torch.stack([torch.sin(angle), torch.sin(angle) * torch.cos(angle)], dim=-1)
    curves = torch.stack([circle, line, wave, spiral, eight], dim=1)  # [count, 5, time, 2]
    points = curves[torch.arange(count), labels]
    rotation = _uniform(count, -0.4, 0.4, generator)
    cos, sin = torch.cos(rotation), torch.sin(rotation)
    matrix = torch.stack([torch.stack([cos, -sin], -1), torch.stack([sin, cos], -1)], -2)
    scale = _uniform(count, 0.7, 1.3, generator)[:, None, None]
    shift = 0.2 * (2 * torch.rand(count, 1, 2, generator=generator) - 1)
    points = scale * points @ matrix.transpose(1, 2) + shift
    points = points + 0.03 * torch.randn(points.shape, generator=generator)
    return points, labels


FREQUENCY_BANDS = ((0.02, 0.05), (0.08, 0.12), (0.16, 0.24))  # cycles per time step


def _frequency(
    count: int, seq_len: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """A noisy sine whose frequency lies in one of three bands; the band is the class."""
    labels = torch.randint(0, len(FREQUENCY_BANDS), (count,), generator=generator)
    low = torch.tensor([band[0] for band in FREQUENCY_BANDS])[labels]
    high = torch.tensor([band[1] for band in FREQUENCY_BANDS])[labels]
    frequency = (low + (high - low) * torch.rand(count, generator=generator))[:, None]
    phase = _uniform(count, 0.0, math.tau, generator)[:, None]
    amplitude = _uniform(count, 0.5, 1.5, generator)[:, None]
    steps = torch.arange(seq_len, dtype=torch.float32)[None, :]
    signal = amplitude * torch.sin(math.tau * frequency * steps + phase)
    signal = signal + 0.3 * torch.randn(signal.shape, generator=generator)
    return signal.unsqueeze(-1), labels


MEMORY_NOISE = 0.5


def _memory(
    count: int, seq_len: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """Step 0 holds -1 (class 0) or +1 (class 1); every later step is noise."""
    labels = torch.randint(0, 2, (count,), generator=generator)
    x = MEMORY_NOISE * torch.randn(count, seq_len, 1, generator=generator)
    x[:, 0, 0] = 2.0 * labels - 1.0
    return x, labels


def _running_sum(
    count: int, seq_len: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs uniform in [-1, 1]; the target at step t is the sum of inputs 0..t."""
    x = 2 * torch.rand(count, seq_len, 1, generator=generator) - 1
    return x, torch.cumsum(x, dim=1)


TASKS: dict[str, Task] = {
    task.name: task
    for task in (
        Task(
            name="trajectories",
            kind="classification",
            features=2,
            outputs=5,
            per_step=False,
            seq_len=30,
            train_size=3000,
            val_size=1000,
            class_names=("circle", "line", "wave", "spiral", "figure_eight"),
            feature_names=("x", "y"),
            title={"en": "Curve trajectories", "es": "Trayectorias de curvas"},
            description={
                "en": "Points (x, y) along a curve, randomly rotated, scaled and shifted: "
                "is it a circle, a line, a wave, a spiral or a figure eight?",
                "es": "Puntos (x, y) a lo largo de una curva, rotada, escalada y desplazada "
                "al azar: ¿es un círculo, una recta, una onda, una espiral o un ocho?",
            },
            epochs=25,
            learning_rate=0.003,
            batch_size=32,
            clip_grad_norm=1.0,
            forget_bias=1.0,
            generate=_trajectories,
        ),
        Task(
            name="frequency",
            kind="classification",
            features=1,
            outputs=len(FREQUENCY_BANDS),
            per_step=False,
            seq_len=50,
            train_size=2000,
            val_size=500,
            class_names=("low", "medium", "high"),
            feature_names=("signal",),
            title={"en": "Frequency band", "es": "Banda de frecuencia"},
            description={
                "en": "A noisy sine of random phase and amplitude: is its frequency low "
                "(0.02-0.05), medium (0.08-0.12) or high (0.16-0.24 cycles per step)?",
                "es": "Una senoidal con ruido, de fase y amplitud al azar: ¿su frecuencia es "
                "baja (0.02-0.05), media (0.08-0.12) o alta (0.16-0.24 ciclos por paso)?",
            },
            epochs=15,
            learning_rate=0.005,
            batch_size=32,
            clip_grad_norm=1.0,
            forget_bias=1.0,
            generate=_frequency,
        ),
        Task(
            name="memory",
            kind="classification",
            features=1,
            outputs=2,
            per_step=False,
            seq_len=100,
            train_size=2000,
            val_size=500,
            class_names=("first -1", "first +1"),
            feature_names=("value",),
            title={"en": "Remember the first step", "es": "Recordar el primer paso"},
            description={
                "en": "The first step is -1 or +1 and decides the class; the seq_len - 1 steps "
                f"after it are noise (standard deviation {MEMORY_NOISE:g}). The loss is measured "
                "at the end, so the gradient must travel back through every step to reach the "
                "first one. In a tanh RNN it shrinks at every step and has all but vanished "
                "after 100 (see the gradients over time): the RNN stays near chance. An LSTM "
                "whose forget gates start near 1 (forget bias 5) keeps its cell state, and the "
                "gradient with it: it learns in a few epochs. Shorten seq_len to 30 and the RNN "
                "learns too.",
                "es": "El primer paso vale -1 o +1 y decide la clase; los seq_len - 1 pasos "
                f"siguientes son ruido (desviación estándar {MEMORY_NOISE:g}). La pérdida se mide "
                "al final, así que el gradiente debe recorrer todos los pasos hasta llegar al "
                "primero. En una RNN tanh se achica en cada paso y tras 100 casi desaparece "
                "(vea los gradientes en el tiempo): la RNN queda cerca del azar. Una LSTM cuyas "
                "compuertas de olvido empiezan cerca de 1 (forget bias 5) conserva su estado de "
                "celda, y con él el gradiente: aprende en pocas épocas. Acorte seq_len a 30 y "
                "la RNN también aprende.",
            },
            # Enough for an LSTM (1 to 3 epochs); a tanh RNN stays near chance over them.
            epochs=10,
            learning_rate=0.005,
            batch_size=32,
            clip_grad_norm=1.0,
            # Memory for about e**5 = 150 steps: the chrono initialisation's log(T) for T=100
            # (Tallec and Ollivier, 2018); Keras's 1 keeps 73% a step, 1e-14 after 100 steps.
            forget_bias=5.0,
            generate=_memory,
        ),
        Task(
            name="sum",
            kind="regression",
            features=1,
            outputs=1,
            per_step=True,
            seq_len=20,
            train_size=2000,
            val_size=500,
            class_names=(),
            feature_names=("value",),
            title={"en": "Running sum", "es": "Suma acumulada"},
            description={
                "en": "Inputs between -1 and 1; at every step the output must be the sum of "
                "all inputs so far: one output per time step (sequence to sequence).",
                "es": "Entradas entre -1 y 1; en cada paso la salida debe ser la suma de todas "
                "las entradas hasta ese paso: una salida por paso (secuencia a secuencia).",
            },
            epochs=20,
            learning_rate=0.005,
            batch_size=32,
            clip_grad_norm=1.0,
            forget_bias=1.0,
            generate=_running_sum,
        ),
    )
}


def task_names() -> tuple[str, ...]:
    return tuple(TASKS)


def get_task(name: Task | str) -> Task:
    """The built-in task called ``name``; an unknown name raises ProjectError listing them."""
    if isinstance(name, Task):
        return name
    try:
        return TASKS[name]
    except KeyError:
        close = difflib.get_close_matches(str(name), TASKS, n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ProjectError(
            f"unknown task {name!r}{hint}; the tasks are {', '.join(TASKS)}", field="task"
        ) from None


# --- does a stack fit a task? -----------------------------------------------------------------


@dataclass(frozen=True)
class TaskFit:
    """How a project meets a task.

    ``head`` is the tensor the loss reads: the output of the block before a final Softmax
    (the logits), or the last block's output, e.g. [batch, classes] or [batch, time, 1].
    It is None when the stack cannot run on the task's input.
    """

    problems: tuple[Problem, ...]
    head: TensorInfo | None
    drops_softmax: bool

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(problem for problem in self.problems if problem.severity == "error")

    @property
    def ok(self) -> bool:
        return not self.errors

    def message(self) -> str:
        """All errors in one text, one per line."""
        return "\n".join(problem.message for problem in self.errors)


def check_fit(task: Task | str, project: Project) -> list[Problem]:
    """What keeps ``project`` from training on ``task``, each saying what to change."""
    return list(fit_task(task, project).problems)


def fit_task(task: Task | str, project: Project) -> TaskFit:
    """Compare the stack's output with what ``task`` needs; see ``TaskFit``."""
    task = get_task(task)
    problems: list[Problem] = []
    spec = project.input
    if spec.features != task.features:
        names = ", ".join(task.feature_names)
        problems.append(
            _error(
                "task_features",
                f"the input has features {spec.features} but the {task.name} task gives "
                f"{_count(task.features, 'value')} per time step ({names}): set "
                f"input.features to {task.features}",
                None,
                "features",
            )
        )
    blocks = project.blocks
    if not any(isinstance(block, _RecurrentBlock) for block in blocks):
        where = f" before {blocks[0].name}" if blocks else ""
        problems.append(
            _error(
                "no_recurrent_block",
                "the stack has no recurrent block, so nothing carries information from one "
                f"time step to the next: add an rnn, lstm or gru block{where}",
                None,
                None,
            )
        )
        return TaskFit(tuple(problems), None, False)

    # Analyse with the task's input so that later errors show up now, not after one fix.
    batch = 4 if task.seq_len != 4 else 5
    task_input = updated(spec, features=task.features, seq_len=task.seq_len, batch=batch)
    analysis = analyze(updated(project, input=task_input))
    misread = False
    for problem in analysis.problems:
        if problem.severity == "error":
            problems.append(problem)
        elif problem.code == "axes_misread":
            misread = True
            keys = (*problem.keys, "axes_misread.training")
            problems.append(
                dataclasses.replace(
                    problem,
                    severity="error",
                    message=render(keys, dict(problem.args)),
                    keys=keys,
                )
            )
    if analysis.first_error is not None or misread:
        # Shapes after a misread axis mean nothing: the fix above comes first.
        return TaskFit(tuple(problems), None, False)

    drops_softmax = isinstance(blocks[-1], SoftmaxBlock)
    head = analysis.stages[-2 if drops_softmax else -1].output
    assert head is not None
    problems.extend(_output_problems(task, blocks, analysis, head, drops_softmax))
    return TaskFit(tuple(problems), head, drops_softmax)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _error(code: str, message: str, block: str | None, field: str | None) -> Problem:
    return Problem("error", code, message, block, field)


def _output_problems(
    task: Task, blocks: tuple, analysis: Analysis, head: TensorInfo, drops_softmax: bool
) -> list[Problem]:
    problems: list[Problem] = []
    recurrent = [block for block in blocks if isinstance(block, _RecurrentBlock)]
    last_recurrent = recurrent[-1]
    if drops_softmax and not task.is_classification:
        softmax = blocks[-1]
        problems.append(
            _error(
                "softmax_in_regression",
                f"{softmax.name} turns the outputs into probabilities that sum to 1, but "
                f"{task.name} is a regression task whose outputs are plain numbers: remove "
                f"{softmax.name}",
                softmax.name,
                None,
            )
        )

    layout = _layout_problem(task, head, last_recurrent)
    if layout is not None:
        return [*problems, layout]

    head_block = blocks[-2] if drops_softmax else blocks[-1]
    got = head.shape[-1]
    wanted = task.outputs
    if task.is_classification:
        wanted_text = f"the task has {wanted} classes"
    else:
        wanted_text = f"{task.name} needs {_count(wanted, 'value')} per time step"
    if got != wanted:
        if isinstance(head_block, LinearBlock):
            message = (
                f"{head_block.name} has out_features {got} but {wanted_text}: set "
                f"{head_block.name}.out_features to {wanted}"
            )
            problems.append(_error("task_outputs", message, head_block.name, "out_features"))
        else:
            message = (
                f"the stack ends with {head_block.name}, which gives {got} values per "
                f"position ({head.describe()}), but {wanted_text}: add a Linear block with "
                f"out_features {wanted} after {head_block.name}"
            )
            problems.append(_error("task_outputs", message, head_block.name, None))

    if drops_softmax and task.is_classification:
        softmax = blocks[-1]
        axis = softmax.dim % head.ndim
        if axis != head.ndim - 1:
            problems.append(
                Problem(
                    "warning",
                    "softmax_not_over_classes",
                    f"{softmax.name} normalises over {head.axis_text(axis)} (dim={softmax.dim}), "
                    f"not over the classes: set {softmax.name}.dim to -1 so that its outputs "
                    "are class probabilities. Training is not affected: it uses the scores "
                    "before the softmax.",
                    softmax.name,
                    "dim",
                )
            )
    return problems


def _layout_problem(
    task: Task, head: TensorInfo, last_recurrent: _RecurrentBlock
) -> Problem | None:
    """Per-step vs last-step: does the head have the batch (and time) axes the task needs?"""
    name = last_recurrent.name
    if LAYERS in head.axes:
        wanted = "sequence" if task.per_step else "last_step"
        return _error(
            "task_final_state",
            f"{name} passes on its final state (output: {last_recurrent.output}), laid out "
            f"[layers×directions, batch, ...]; the task needs "
            f"{'one output per time step' if task.per_step else 'one answer per sequence'}: "
            f"set {name}.output to {wanted}",
            name,
            "output",
        )
    if task.per_step and TIME not in head.axes:
        return _error(
            "task_needs_sequence",
            f"the stack gives one output per sequence ({head.describe()}) but {task.name} needs "
            f"one output per time step: set {name}.output to sequence",
            name,
            "output",
        )
    if not task.per_step and TIME in head.axes:
        return _error(
            "task_needs_last_step",
            f"the stack gives one output per time step ({head.describe()}) but {task.name} "
            f"needs one answer per sequence: set {name}.output to last_step",
            name,
            "output",
        )
    if BATCH not in head.axes:
        return _error(
            "task_no_batch",
            f"the stack's output {head.describe()} has no batch axis: pass 3-D tensors "
            f"[batch, time, features] between blocks (set {name}.output to "
            f"{'sequence' if task.per_step else 'last_step'})",
            name,
            "output",
        )
    return None
