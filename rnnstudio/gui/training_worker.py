"""Training and gradients-over-time in worker threads, so the window never waits for torch.

``train`` and ``gradient_over_time`` are plain core functions; here they run in a small
thread pool and their reports cross to the main thread as queued Qt signals, the only way
they reach widgets. A training is paused, resumed and cancelled through the core's
``TrainingControl``; gradient requests carry a generation number so that only the newest
one's result is shown.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal

from rnnstudio.core.errors import RnnStudioError
from rnnstudio.core.model import StackModel, build_model
from rnnstudio.core.spec import Project
from rnnstudio.core.tasks import Task
from rnnstudio.core.training import (
    TrainingControl,
    TrainingProgress,
    TrainingResult,
    TrainingSettings,
    gradient_over_time,
    recurrent_layer_names,
    set_forget_bias,
    train,
)

_log = logging.getLogger(__name__)

# The states of a training, as sig_training_state_changed reports them.
RUNNING, PAUSED, FINISHED, CANCELLED, DIVERGED, FAILED = (
    "running",
    "paused",
    "finished",
    "cancelled",
    "diverged",
    "failed",
)
# One thread trains while the other computes gradients over time.
POOL_THREADS = 2
# Batch progress reaches the window at most this often; every epoch's end always does.
PROGRESS_INTERVAL_SECONDS = 0.05
# torch's intra-op threads while training. A recurrent step is a small matrix product that
# threads do not split profitably, and they fight the window and other programs for the
# cores: rnn_clas on trajectories took 1.9 s an epoch on one thread, 9 s on two, on a
# two-core machine under load (benchmarks/bench_training.py measures the idle case).
TRAINING_THREADS = 1

TrainFunction = Callable[..., TrainingResult]


class _TrainingThreads:
    """torch at TRAINING_THREADS while any training runs; the previous count back after the
    last one (trainings may overlap for a moment: a new one starts as a cancelled one ends)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._previous = 0

    def enter(self) -> None:
        with self._lock:
            if self._running == 0:
                self._previous = torch.get_num_threads()
                torch.set_num_threads(TRAINING_THREADS)
            self._running += 1

    def leave(self) -> None:
        with self._lock:
            self._running -= 1
            if self._running == 0:
                torch.set_num_threads(self._previous)


_training_threads = _TrainingThreads()


def _tr(text: str) -> str:
    return QCoreApplication.translate("TrainingController", text)


@dataclass(frozen=True)
class GradientRequest:
    """One panel of the gradients figure: the weights to differentiate, a state dict, or when
    None the weights ``build_model`` makes with ``seed`` (LSTM forget gates at ``forget_bias``
    unless None), as ``train`` starts from them."""

    label: str
    state: dict[str, Any] | None = None
    seed: int = 0
    forget_bias: float | None = None


@dataclass(frozen=True)
class GradientPanel:
    """‖dLoss/dh_t‖ [layers, time] for one set of weights, with its line labels."""

    label: str
    norms: np.ndarray
    layer_names: tuple[str, ...]

    def reach(self) -> float:
        """How much of the gradient reaches the first step: ‖dL/dh_0‖ / ‖dL/dh_T−1‖ of the
        first recurrent layer (0 when nothing arrives at the end either)."""
        first, last = float(self.norms[0, 0]), float(self.norms[0, -1])
        return first / last if last > 0 else 0.0


class _Signals(QObject):
    """Lives in the main thread; workers emit through it, so the slots run there."""

    sig_job_progress_changed = Signal(int, object)  # generation, TrainingProgress
    sig_job_state_changed = Signal(int, str, object)  # generation, state, result or error
    sig_job_gradients_changed = Signal(int, object)  # generation, list of panels or error


class TrainingController(QObject):
    """Starts trainings and gradient computations in a thread pool.

    ``sig_training_state_changed(state, message)``: RUNNING, PAUSED, then FINISHED,
    CANCELLED, DIVERGED (message: the core's advice) or FAILED (message: what went wrong).
    ``sig_result_changed(TrainingResult)`` comes just before FINISHED, CANCELLED or DIVERGED.
    ``sig_gradients_changed(list[GradientPanel] | str)``: the newest gradient request's
    panels, or why it failed.
    """

    sig_training_state_changed = Signal(str, str)
    sig_progress_changed = Signal(object)
    sig_result_changed = Signal(object)
    sig_gradients_changed = Signal(object)

    def __init__(self, train_function: TrainFunction = train, parent: QObject | None = None):
        super().__init__(parent)
        self.train_function = train_function
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(POOL_THREADS)
        self._signals = _Signals(self)
        self._signals.sig_job_progress_changed.connect(self._on_job_progress_changed)
        self._signals.sig_job_state_changed.connect(self._on_job_state_changed)
        self._signals.sig_job_gradients_changed.connect(self._on_job_gradients_changed)
        self._generation = 0
        self._control: TrainingControl | None = None
        self._gradient_generation = 0
        self.gradients_running = False

    @property
    def is_running(self) -> bool:
        """Whether a training is under way (paused included)."""
        return self._control is not None

    @property
    def is_paused(self) -> bool:
        return self._control is not None and self._control.is_paused

    def start(
        self,
        project: Project,
        task: Task,
        settings: TrainingSettings,
        model: StackModel | None = None,
    ) -> None:
        """Train in a pool thread; a training already running is cancelled first."""
        if self._control is not None:
            self._control.cancel()
        self._generation += 1
        generation = self._generation
        control = TrainingControl()
        self._control = control
        signals = self._signals
        function = self.train_function
        last_report = [0.0]

        def report(progress: TrainingProgress) -> None:
            now = time.monotonic()
            if progress.record is not None or now - last_report[0] >= PROGRESS_INTERVAL_SECONDS:
                last_report[0] = now
                signals.sig_job_progress_changed.emit(generation, progress)

        def work() -> None:
            _training_threads.enter()
            try:
                result = function(
                    project,
                    task,
                    settings,
                    model=model,
                    progress=report,
                    cancel=control.is_cancel_requested,
                    pause=control.wait_while_paused,
                )
            except (RnnStudioError, MemoryError) as error:
                signals.sig_job_state_changed.emit(generation, FAILED, error)
            except Exception as error:  # a bug: said in the pane, logged for whoever debugs
                _log.exception("the training failed unexpectedly")
                signals.sig_job_state_changed.emit(generation, FAILED, error)
            else:
                signals.sig_job_state_changed.emit(generation, result.status, result)
            finally:
                _training_threads.leave()

        self._pool.start(work)
        self.sig_training_state_changed.emit(RUNNING, "")

    def pause(self) -> None:
        if self._control is not None and not self._control.is_paused:
            self._control.pause()
            self.sig_training_state_changed.emit(PAUSED, "")

    def resume(self) -> None:
        if self._control is not None and self._control.is_paused:
            self._control.resume()
            self.sig_training_state_changed.emit(RUNNING, "")

    def cancel(self) -> None:
        """Stop after the current batch; the epochs done are kept (CANCELLED follows)."""
        if self._control is not None:
            self._control.cancel()

    def compute_gradients(
        self,
        project: Project,
        task: Task,
        sample: int,
        requests: Sequence[GradientRequest],
        data_seed: int = 0,
    ) -> None:
        """‖dLoss/dh_t‖ of validation sample ``sample`` for each set of weights, in a pool
        thread; the newest request's panels come as sig_gradients_changed."""
        self._gradient_generation += 1
        generation = self._gradient_generation
        signals = self._signals
        self.gradients_running = True
        requests = tuple(requests)

        def work() -> None:
            try:
                panels = []
                for request in requests:
                    model = build_model(project, seed=request.seed)
                    if request.state is not None:
                        model.load_state_dict(request.state)
                    elif request.forget_bias is not None:
                        set_forget_bias(model, request.forget_bias)
                    norms = gradient_over_time(model, task, sample, data_seed=data_seed)
                    names = tuple(recurrent_layer_names(model))
                    panels.append(GradientPanel(request.label, norms.numpy(), names))
            except (RnnStudioError, MemoryError) as error:
                signals.sig_job_gradients_changed.emit(generation, _failure_text(error))
            except Exception as error:
                _log.exception("gradients over time failed unexpectedly")
                signals.sig_job_gradients_changed.emit(generation, _failure_text(error))
            else:
                signals.sig_job_gradients_changed.emit(generation, panels)

        self._pool.start(work)

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel everything and wait for the workers (the window is closing)."""
        self.cancel()
        self._generation += 1  # nothing that still arrives is shown
        self._gradient_generation += 1
        self._control = None
        return self._pool.waitForDone(timeout_ms)

    def _on_job_progress_changed(self, generation: int, progress: TrainingProgress) -> None:
        if generation == self._generation:
            self.sig_progress_changed.emit(progress)

    def _on_job_state_changed(self, generation: int, state: str, payload: object) -> None:
        if generation != self._generation:
            return
        self._control = None
        if state == FAILED:
            self.sig_training_state_changed.emit(FAILED, _failure_text(payload))
            return
        assert isinstance(payload, TrainingResult)
        self.sig_result_changed.emit(payload)
        self.sig_training_state_changed.emit(state, payload.message)

    def _on_job_gradients_changed(self, generation: int, payload: object) -> None:
        if generation != self._gradient_generation:
            return
        self.gradients_running = False
        self.sig_gradients_changed.emit(payload)


def _failure_text(error: object) -> str:
    if isinstance(error, RnnStudioError):
        return str(error)
    if isinstance(error, MemoryError):
        return _tr(
            "the computer ran out of memory; make the blocks smaller, the batch size smaller "
            "or the sequences shorter"
        )
    return _tr(
        "an unexpected error stopped it ({detail}); nothing was lost: change the settings or "
        "press the button again"
    ).format(detail=f"{type(error).__name__}: {error}")
