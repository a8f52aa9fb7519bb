"""The few exception types rnnstudio raises, each with a message meant for a person."""

from __future__ import annotations


class RnnStudioError(Exception):
    """Base of every error rnnstudio reports to a user."""


class ProjectError(RnnStudioError):
    """A project file or project value is invalid; the message names the file and field path."""

    def __init__(self, message: str, *, path: str | None = None, field: str | None = None):
        super().__init__(message)
        self.path = path
        self.field = field


class ModelError(RnnStudioError):
    """The project is valid but its model cannot run (e.g. sizes that do not fit)."""


class TraceCancelled(RnnStudioError):
    """A trace stopped early because its caller asked it to (e.g. the user edited the model)."""


class MemoryBudgetError(ModelError):
    """Running the model would need more memory than the budget allows."""

    def __init__(self, message: str, *, estimate_bytes: int, budget_bytes: int):
        super().__init__(message)
        self.estimate_bytes = estimate_bytes
        self.budget_bytes = budget_bytes


def format_bytes(count: float) -> str:
    """1536 -> '1.5 KiB'; used wherever a memory figure is shown."""
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(count) < 1024 or unit == "PiB":
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
    raise AssertionError("unreachable")
