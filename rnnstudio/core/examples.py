"""The shipped example projects, reproducing the classroom notebook's networks."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .errors import ProjectError
from .project_io import PROJECT_SUFFIX, load_project, parse_project
from .spec import Project


def _folder() -> resources.abc.Traversable:
    return resources.files("rnnstudio.resources") / "examples"


def example_names() -> tuple[str, ...]:
    """Names of the shipped examples, sorted: ejemplo_a, ejemplo_b, ..."""
    return tuple(
        sorted(
            entry.name.removesuffix(PROJECT_SUFFIX)
            for entry in _folder().iterdir()
            if entry.name.endswith(PROJECT_SUFFIX)
        )
    )


def load_example(name: str) -> Project:
    """Load a shipped example by name; an unknown name raises ProjectError listing the names."""
    entry = _folder() / f"{name}{PROJECT_SUFFIX}"
    if name not in example_names():
        raise ProjectError(
            f"{name}: no such file or shipped example; examples: {', '.join(example_names())}"
        )
    return parse_project(entry.read_bytes(), source=f"example {name}")


def resolve_project(file_or_example: str) -> Project:
    """A path to a project file, or the name of a shipped example (as the command line takes)."""
    path = Path(file_or_example)
    if path.exists() or path.suffix == PROJECT_SUFFIX or "/" in file_or_example:
        return load_project(path)
    return load_example(file_or_example)
