"""The Qt-free core: project specs and files, the torch model, analysis, traces and export."""

from .analysis import Analysis, ParameterInfo, Problem, Stage, TensorInfo, analyze
from .errors import MemoryBudgetError, ModelError, ProjectError, RnnStudioError
from .model import DEFAULT_MEMORY_BUDGET, build_model
from .project_io import load_project, parse_project, save_project
from .spec import Project

__all__ = [
    "DEFAULT_MEMORY_BUDGET",
    "Analysis",
    "MemoryBudgetError",
    "ModelError",
    "ParameterInfo",
    "Problem",
    "Project",
    "ProjectError",
    "RnnStudioError",
    "Stage",
    "TensorInfo",
    "analyze",
    "build_model",
    "load_project",
    "parse_project",
    "save_project",
]
