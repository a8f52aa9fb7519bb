"""Reading a user's file with a size limit, so a wrong file gives a message, not a stall."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import ProjectError


def read_bytes_limited(
    path: str | os.PathLike[str], limit: int, *, what: str = "file", advice: str
) -> bytes:
    """The file's bytes; ProjectError naming the file when it cannot be read or exceeds ``limit``.

    ``what`` names the kind of file ("file", "CSV file") and ``advice`` says what to do when
    the file is too large.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as error:
        reason = error.strerror or str(error)
        raise ProjectError(f"{path}: cannot read the {what}: {reason}", path=str(path)) from None
    if len(raw) > limit:
        raise ProjectError(
            f"{path}: the {what} is larger than {limit // (1024 * 1024)} MiB; {advice}",
            path=str(path),
        )
    return raw
