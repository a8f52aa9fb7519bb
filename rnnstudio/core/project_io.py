"""Reading and writing `.rnnstudio` project files (JSON only; nothing is unpickled or evaluated)."""

from __future__ import annotations

import difflib
import json
import math
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import ProjectError
from .files import read_bytes_limited
from .signals import SIGNAL_CLASSES, SIGNAL_KINDS
from .spec import (
    BLOCK_CLASSES,
    BLOCK_TYPES,
    FORMAT_NAME,
    FORMAT_VERSION,
    InputSpec,
    ModelT,
    Project,
)

PROJECT_SUFFIX = ".rnnstudio"
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_REPORTED_ERRORS = 6
MAX_INTEGER_DIGITS = 1000


def load_project(path: str | os.PathLike[str]) -> Project:
    """Read and validate a project file; every problem raises ProjectError naming file and field."""
    raw = read_bytes_limited(
        path,
        MAX_FILE_BYTES,
        advice="a project file is a few hundred bytes: is this the right file?",
    )
    return parse_project(raw, source=str(path))


def parse_project(data: bytes | str | Mapping[str, Any], *, source: str = "<project>") -> Project:
    """Validate bytes, text or an already-decoded JSON object as a project."""
    try:
        if isinstance(data, bytes | str):
            data = _decode_json(data, source)
        return _validate(data, source)
    except ProjectError:
        raise
    except Exception as error:  # a last guard: no other exception type may reach a caller
        raise ProjectError(
            f"{source}: could not be read as a project ({type(error).__name__}: {error})",
            path=source,
        ) from None


def save_project(project: Project, path: str | os.PathLike[str]) -> None:
    """Write atomically: a temporary file in the same folder, flushed, then renamed over it."""
    write_text_atomically(Path(path), project_to_json(project))


def write_text_atomically(path: Path, text: str) -> None:
    """A crash or kill at any moment leaves the old file or the new one, never a mix."""
    folder = path.parent if str(path.parent) else Path(".")
    temporary = None
    try:
        with tempfile.NamedTemporaryFile(
            "w",
            encoding="utf-8",
            dir=folder,
            prefix=f".{path.name}.",
            suffix=".tmp",
            delete=False,
        ) as handle:
            temporary = Path(handle.name)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        else:
            os.chmod(temporary, 0o666 & ~_current_umask())
        os.replace(temporary, path)
        temporary = None
    except OSError as error:
        reason = error.strerror or str(error)
        raise ProjectError(f"{path}: cannot save the file: {reason}", path=str(path)) from None
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)


def updated(model: ModelT, **changes: Any) -> ModelT:
    """A validated copy of a project, input or block with some fields changed.

    Raises ProjectError naming the field, e.g. ``hidden_size: must be at least 1, got 0``;
    (pydantic's model_copy would skip validation).
    """
    data = model.model_dump()
    data.update(changes)
    try:
        return type(model).model_validate(data)
    except ValidationError as error:
        problems = describe_validation_error(error)
        text = "; ".join(f"{field}: {message}" if field else message for field, message in problems)
        raise ProjectError(text, field=problems[0][0] if problems else None) from None


def project_to_json(project: Project) -> str:
    """The exact text save_project writes."""
    return json.dumps(project.to_json_dict(), indent=2, ensure_ascii=False) + "\n"


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _decode_json(raw: bytes | str, source: str) -> Any:
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ProjectError(
                f"{source}: is not UTF-8 text (byte 0x{raw[error.start]:02x} at position "
                f"{error.start}); a project file is JSON text: is this the right file?",
                path=source,
            ) from None
    else:
        text = raw
    if not text.strip():
        raise ProjectError(
            f"{source}: the file is empty; it should hold a JSON project", path=source
        )

    def reject_constant(name: str) -> Any:
        raise ValueError(f"{name} is not a valid JSON number")

    def parse_integer(literal: str) -> int:
        # Python's own refusal (over 4300 digits) tells the user to change an interpreter limit.
        digits = len(literal.lstrip("-"))
        if digits > MAX_INTEGER_DIGITS:
            raise ValueError(
                f"a number with {digits} digits is far too large for any field; "
                "is this the right file?"
            )
        return int(literal)

    try:
        return json.loads(text, parse_constant=reject_constant, parse_int=parse_integer)
    except json.JSONDecodeError as error:
        hint = " (the file may be cut short)" if error.pos >= len(text.rstrip()) else ""
        raise ProjectError(
            f"{source}: is not valid JSON: line {error.lineno} column {error.colno}: "
            f"{error.msg}{hint}",
            path=source,
        ) from None
    except ValueError as error:  # NaN / Infinity, huge integer literals
        raise ProjectError(f"{source}: is not valid JSON: {error}", path=source) from None
    except RecursionError:
        raise ProjectError(
            f"{source}: is nested too deeply to be a project file", path=source
        ) from None


def _validate(data: Any, source: str) -> Project:
    if not isinstance(data, Mapping):
        raise ProjectError(
            f'{source}: must be a JSON object such as {{"format": "{FORMAT_NAME}", ...}}, '
            f"got {_json_type(data)}",
            path=source,
        )
    file_format = data.get("format")
    if file_format != FORMAT_NAME:
        got = "no format field" if "format" not in data else f"format {_show(file_format)}"
        raise ProjectError(
            f'{source}: format: not an rnnstudio project ({got}); expected "format": '
            f'"{FORMAT_NAME}"',
            path=source,
            field="format",
        )
    version = data.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise ProjectError(
            f"{source}: version: this file has format version {version}, written by a newer "
            f"rnnstudio; this one reads version {FORMAT_VERSION}: update rnnstudio to open it",
            path=source,
            field="version",
        )
    try:
        return Project.model_validate(dict(data))
    except ValidationError as error:
        problems = describe_validation_error(error)
        lines = [f"{field}: {message}" if field else message for field, message in problems]
        shown = lines[:MAX_REPORTED_ERRORS]
        if len(lines) > len(shown):
            shown.append(f"... and {len(lines) - len(shown)} more problems")
        text = "\n  ".join(shown)
        separator = "\n  " if len(shown) > 1 else " "
        raise ProjectError(
            f"{source}:{separator}{text}", path=source, field=problems[0][0] if problems else None
        ) from None


def describe_validation_error(error: ValidationError) -> list[tuple[str, str]]:
    """Turn pydantic's errors into (field path, message) pairs that read like torch's messages."""
    errors = error.errors(include_url=False)
    suggested: set[tuple[Any, ...]] = set()
    problems: list[tuple[str, str]] = []
    # Unknown keys first, so that their suggestion can explain the matching "missing" error.
    for item in errors:
        if item["type"] == "extra_forbidden":
            loc = tuple(item["loc"])
            known = _known_fields(loc[:-1])
            key = str(loc[-1])
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            message = f"unknown field {key!r}"
            if close:
                message += f" (did you mean {close[0]!r}?)"
                suggested.add((*loc[:-1], close[0]))
            elif known:
                message += f"; known fields: {', '.join(sorted(known))}"
            problems.append((format_location(loc), message))
    for item in errors:
        kind = item["type"]
        loc = tuple(item["loc"])
        if kind == "extra_forbidden" or (kind == "missing" and loc in suggested):
            continue
        if kind == "duplicate_name":
            ctx = item["ctx"]
            problems.append((f"blocks[{ctx['index']}].name", _message(item)))
            continue
        problems.append((format_location(loc), _message(item)))
    return problems


def format_location(loc: tuple[Any, ...]) -> str:
    """('blocks', 0, 'rnn', 'hidden_size') -> 'blocks[0].hidden_size' (the union tag is dropped).

    Likewise ('input', 'signal', 'sine', 'frequency') -> 'input.signal.frequency'.
    """
    parts: list[str] = []
    previous: Any = None
    for element in loc:
        if isinstance(element, int):
            parts.append(f"[{element}]")
        elif _is_union_tag(element, previous, parts):
            pass
        else:
            parts.append(f".{element}" if parts else str(element))
        previous = element
    return "".join(parts)


def _is_union_tag(element: Any, previous: Any, parts: list[str]) -> bool:
    """The block type after blocks[i], or the signal kind after input.signal."""
    if isinstance(previous, int) and parts[:1] == ["blocks"]:
        return element in BLOCK_TYPES
    return parts == ["input", ".signal"] and element in SIGNAL_KINDS


def _known_fields(loc: tuple[Any, ...]) -> list[str]:
    model: type[BaseModel] | None = None
    if not loc:
        model = Project
    elif loc == ("input",):
        model = InputSpec
    elif loc[:2] == ("input", "signal") and len(loc) == 3 and loc[2] in SIGNAL_CLASSES:
        model = SIGNAL_CLASSES[loc[2]]
    elif loc[0] == "blocks" and len(loc) >= 3 and loc[2] in BLOCK_CLASSES:
        model = BLOCK_CLASSES[loc[2]]
    return list(model.model_fields) if model else []


_BOUND_MESSAGES = {
    "greater_than_equal": ("ge", "must be at least {}"),
    "greater_than": ("gt", "must be greater than {}"),
    "less_than_equal": ("le", "must be at most {}"),
    "less_than": ("lt", "must be less than {}"),
}

_TYPE_MESSAGES = {
    "int_type": "must be an integer",
    "int_from_float": "must be an integer",
    "int_parsing": "must be an integer",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "string_type": "must be a string",
    "tuple_type": "must be a list [...]",
    "list_type": "must be a list [...]",
    "dict_type": "must be an object {...}",
    "model_type": "must be an object {...}",
    "model_attributes_type": "must be an object {...}",
    "finite_number": "must be a finite number",
}


def _message(item: Mapping[str, Any]) -> str:
    kind = item["type"]
    ctx = item.get("ctx") or {}
    value = item.get("input")
    if kind in _BOUND_MESSAGES:
        key, template = _BOUND_MESSAGES[kind]
        return f"{template.format(_show(ctx.get(key)))}, got {_show(value)}"
    if kind in _TYPE_MESSAGES:
        return f"{_TYPE_MESSAGES[kind]}, got {_show(value)}"
    if kind == "missing":
        return "is required but missing"
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        choices = [part.strip(" '") for part in expected.replace(" or ", ",").split(",")]
        message = f"must be one of {expected}, got {_show(value)}"
        if isinstance(value, str):
            close = difflib.get_close_matches(value, choices, n=1, cutoff=0.5)
            if close:
                message += f" (did you mean {close[0]!r}?)"
        return message
    is_signal = ctx.get("discriminator") == "'kind'"
    if kind == "union_tag_invalid" and is_signal:
        tag = ctx.get("tag")
        message = f"unknown signal kind {tag!r}; use one of {', '.join(SIGNAL_KINDS)}"
        close = difflib.get_close_matches(str(tag), SIGNAL_KINDS, n=1, cutoff=0.5)
        if close:
            message += f" (did you mean {close[0]!r}?)"
        return message
    if kind == "union_tag_not_found" and is_signal:
        return f'has no "kind"; add "kind" with one of {", ".join(SIGNAL_KINDS)}'
    if kind == "union_tag_invalid":
        tag = ctx.get("tag")
        message = f"unknown block type {tag!r}; use one of {', '.join(BLOCK_TYPES)}"
        close = difflib.get_close_matches(str(tag), BLOCK_TYPES, n=1, cutoff=0.5)
        if close:
            message += f" (did you mean {close[0]!r}?)"
        return message
    if kind == "union_tag_not_found":
        return f'has no "type"; add "type" with one of {", ".join(BLOCK_TYPES)}'
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters long"
    if kind in ("value_error", "assertion_error"):
        error = ctx.get("error")
        return str(error) if error is not None else item["msg"]
    return item["msg"][:1].lower() + item["msg"][1:]


def _show(value: Any) -> str:
    """A value as the user wrote it in JSON, shortened."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, int) and value.bit_length() > 3 * MAX_INTEGER_DIGITS:
        # Too long for str(): Python refuses integers of more than 4300 digits.
        return f"a number of about {int(value.bit_length() * math.log10(2))} digits"
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _json_type(value: Any) -> str:
    names = {
        list: "a list",
        str: "a string",
        bool: "true/false",
        int: "a number",
        float: "a number",
    }
    return names.get(type(value), "null" if value is None else type(value).__name__)
