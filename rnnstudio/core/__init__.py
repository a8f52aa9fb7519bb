"""The Qt-free core: project specs and files, the torch model, analysis, traces and export."""

from .analysis import Analysis, ParameterInfo, Problem, Stage, TensorInfo, analyze
from .errors import MemoryBudgetError, ModelError, ProjectError, RnnStudioError, TraceCancelled
from .model import DEFAULT_MEMORY_BUDGET, build_model
from .project_io import load_project, parse_project, save_project
from .spec import Project
from .trace import RecurrentTrace, Trace, estimate_run_bytes, trace

__all__ = [
    "DEFAULT_MEMORY_BUDGET",
    "Analysis",
    "MemoryBudgetError",
    "ModelError",
    "ParameterInfo",
    "Problem",
    "Project",
    "ProjectError",
    "RecurrentTrace",
    "RnnStudioError",
    "Stage",
    "TensorInfo",
    "Trace",
    "TraceCancelled",
    "analyze",
    "build_model",
    "estimate_run_bytes",
    "load_project",
    "parse_project",
    "save_project",
    "trace",
]
