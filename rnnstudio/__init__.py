"""rnnstudio: build recurrent networks from blocks and see exactly what torch does with them.

The public functions load lazily, so ``rnnstudio --version`` and the window's first paint
do not wait for torch.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "load_project": "rnnstudio.core.project_io",
    "save_project": "rnnstudio.core.project_io",
    "parse_project": "rnnstudio.core.project_io",
    "ProjectError": "rnnstudio.core.errors",
    "ModelError": "rnnstudio.core.errors",
    "MemoryBudgetError": "rnnstudio.core.errors",
    "Project": "rnnstudio.core.spec",
    "build_model": "rnnstudio.core.model",
    "analyze": "rnnstudio.core.analysis",
    "load_example": "rnnstudio.core.examples",
    "example_names": "rnnstudio.core.examples",
    "export_python": "rnnstudio.core.export",
    "trace": "rnnstudio.core.trace",
    "estimate_run_bytes": "rnnstudio.core.trace",
    "make_input": "rnnstudio.core.signals",
    "plot_hidden": "rnnstudio.plots",
    "plot_output": "rnnstudio.plots",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'rnnstudio' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
