"""Runs in worker threads, so the window never waits for torch.

Every request gets the next generation number. Starting a request cancels all earlier ones
(``trace`` stops at its next block or layer); whatever an earlier request still reports is
dropped, so results never arrive out of order and a stale result is never shown. Two pool
threads let a new run start while a cancelled one finishes its current layer; requests
queued behind them see their cancel flag and end at once.

The work is a plain core function (``run_project``); results cross to the main thread as
queued Qt signals, and only there reach widgets.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal

from rnnstudio.core.errors import ProjectError, RnnStudioError, TraceCancelled
from rnnstudio.core.model import DEFAULT_MEMORY_BUDGET
from rnnstudio.core.run_plan import RunResult, RunWeights, run_project
from rnnstudio.core.spec import Project

_log = logging.getLogger(__name__)

# The states a request goes through, as sig_run_state_changed reports them.
RUNNING, FINISHED, FAILED, CANCELLED = "running", "finished", "failed", "cancelled"
# One thread for the current run, one for a cancelled run finishing its layer.
POOL_THREADS = 2

RunFunction = Callable[..., RunResult]


@dataclass(frozen=True)
class RunRequest:
    """What to run: the project, the weights' seed, where a CSV path starts, the budget, and
    given weights (e.g. trained ones) that replace the seed's."""

    project: Project
    seed: int = 0
    folder: Path | None = None
    budget_bytes: int = DEFAULT_MEMORY_BUDGET
    weights: RunWeights | None = None


def _tr(text: str) -> str:
    return QCoreApplication.translate("RunController", text)


class _JobSignals(QObject):
    """Lives in the main thread; the workers emit through it (queued to the controller)."""

    sig_job_progress_changed = Signal(int, float)  # generation, fraction
    sig_job_state_changed = Signal(int, str, object)  # generation, state, result or error


class _Job:
    """One request in a pool thread. Its cancel flag is also what ``trace`` polls."""

    def __init__(
        self, generation: int, request: RunRequest, function: RunFunction, signals: _JobSignals
    ) -> None:
        self.generation = generation
        self.request = request
        self._function = function
        self._signals = signals
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    def is_cancelled(self) -> bool:
        return self._cancelled.is_set()

    def _report_progress(self, fraction: float) -> None:
        self._signals.sig_job_progress_changed.emit(self.generation, fraction)

    def run(self) -> None:
        generation, request = self.generation, self.request
        try:
            if self.is_cancelled():
                raise TraceCancelled("cancelled before it started")
            given = {"weights": request.weights} if request.weights is not None else {}
            result = self._function(
                request.project,
                seed=request.seed,
                folder=request.folder,
                budget_bytes=request.budget_bytes,
                progress=self._report_progress,
                cancel=self.is_cancelled,
                **given,
            )
        except TraceCancelled:
            self._signals.sig_job_state_changed.emit(generation, CANCELLED, None)
        except (RnnStudioError, MemoryError) as error:
            self._signals.sig_job_state_changed.emit(generation, FAILED, error)
        except Exception as error:  # a bug: reported in the pane, logged for whoever debugs
            _log.exception("the run failed unexpectedly")
            self._signals.sig_job_state_changed.emit(generation, FAILED, error)
        else:
            self._signals.sig_job_state_changed.emit(generation, FINISHED, result)


class RunController(QObject):
    """Starts runs in a thread pool and reports only the newest one's progress and outcome.

    ``sig_run_state_changed(state, message, field)``: RUNNING when a run starts, then one of
    FINISHED, FAILED (message: what went wrong and what to do; field: the spec field a
    ProjectError concerns, e.g. "input.signal.at_step", else "") or CANCELLED.
    ``sig_result_changed(RunResult)`` comes just before FINISHED.
    """

    sig_run_state_changed = Signal(str, str, str)
    sig_progress_changed = Signal(float)
    sig_result_changed = Signal(object)
    sig_job_count_changed = Signal(int)  # requests still in a pool thread, stale ones too

    def __init__(self, run_function: RunFunction = run_project, parent: QObject | None = None):
        super().__init__(parent)
        self.run_function = run_function
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(POOL_THREADS)
        self._signals = _JobSignals(self)
        self._signals.sig_job_progress_changed.connect(self._on_job_progress_changed)
        self._signals.sig_job_state_changed.connect(self._on_job_state_changed)
        self._generation = 0
        self._jobs: dict[int, _Job] = {}
        self.stale_results_dropped = 0

    @property
    def generation(self) -> int:
        """The newest request's number (0 before the first)."""
        return self._generation

    @property
    def is_running(self) -> bool:
        """Whether the newest request is still running."""
        return self._generation in self._jobs

    @property
    def job_count(self) -> int:
        return len(self._jobs)

    @property
    def current_request(self) -> RunRequest | None:
        """The newest request while it runs."""
        job = self._jobs.get(self._generation)
        return job.request if job is not None else None

    def start(self, request: RunRequest) -> int:
        """Run ``request``; every earlier request is cancelled. Returns its generation."""
        for job in self._jobs.values():
            job.cancel()
        self._generation += 1
        job = _Job(self._generation, request, self.run_function, self._signals)
        self._jobs[job.generation] = job
        self._pool.start(job.run)
        self.sig_job_count_changed.emit(len(self._jobs))
        self.sig_run_state_changed.emit(RUNNING, "", "")
        return job.generation

    def cancel(self) -> None:
        """Cancel every request; the newest reports CANCELLED when its worker stops."""
        for job in self._jobs.values():
            job.cancel()

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel everything and wait for the workers (the window is closing)."""
        self.cancel()
        self._generation += 1  # nothing that still arrives is shown
        return self._pool.waitForDone(timeout_ms)

    def _on_job_progress_changed(self, generation: int, fraction: float) -> None:
        if generation == self._generation:
            self.sig_progress_changed.emit(fraction)

    def _on_job_state_changed(self, generation: int, state: str, payload: object) -> None:
        self._jobs.pop(generation, None)
        self.sig_job_count_changed.emit(len(self._jobs))
        if generation != self._generation:
            if state == FINISHED:
                self.stale_results_dropped += 1
            return
        if state == FINISHED:
            self.sig_result_changed.emit(payload)
            self.sig_run_state_changed.emit(FINISHED, "", "")
        elif state == CANCELLED:
            self.sig_run_state_changed.emit(CANCELLED, "", "")
        else:
            message, field = failure_text(payload)
            self.sig_run_state_changed.emit(FAILED, message, field)


def failure_text(error: object) -> tuple[str, str]:
    """What the pane says about a failed run, and the field it concerns ("" for none)."""
    if isinstance(error, ProjectError):
        return str(error), error.field or ""
    if isinstance(error, RnnStudioError):
        return str(error), ""
    if isinstance(error, MemoryError):
        return (
            _tr(
                "the computer ran out of memory during the run; lower batch or seq_len, or "
                "make the blocks smaller"
            ),
            "",
        )
    detail = f"{type(error).__name__}: {error}"
    return (
        _tr(
            "the run stopped on an unexpected error ({detail}); nothing was lost: change the "
            "model or press Run to try again"
        ).format(detail=detail),
        "",
    )
