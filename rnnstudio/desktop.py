"""Menu entry, icons and the .rnnstudio file type for the current user (freedesktop, no root).

Files go under $XDG_DATA_HOME (default ~/.local/share): applications/, icons/hicolor/ and
mime/packages/. The desktop's caches are refreshed when their tools are installed.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

APP_ID = "rnnstudio"
MIME_TYPE = "application/x-rnnstudio"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def data_home() -> Path:
    """$XDG_DATA_HOME, or ~/.local/share when it is unset or not absolute (as the spec says)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / ".local" / "share"


def installed_paths(base: Path | None = None) -> list[Path]:
    """Every file install_desktop writes, so uninstall removes exactly those."""
    base = base or data_home()
    icons = base / "icons" / "hicolor"
    paths = [
        base / "applications" / f"{APP_ID}.desktop",
        base / "mime" / "packages" / f"{APP_ID}.xml",
        icons / "scalable" / "apps" / f"{APP_ID}.svg",
    ]
    paths += [icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png" for size in ICON_SIZES]
    return paths


def _launcher_command() -> str:
    """The command the menu entry runs: the installed GUI script, else this Python with -m."""
    script = shutil.which("rnnstudio-gui")
    if script:
        return shlex.quote(script)
    return f"{shlex.quote(sys.executable)} -m rnnstudio"


def install_desktop(base: Path | None = None) -> list[Path]:
    """Install the menu entry, icons and MIME type; returns the files written."""
    base = base or data_home()
    package = resources.files("rnnstudio.resources")
    desktop_entry = (package / "desktop" / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    command = _launcher_command()
    lines = []
    for line in desktop_entry.splitlines():
        if line.startswith("Exec="):
            line = f"Exec={command} %f"
        elif line.startswith("TryExec="):
            continue  # the absolute Exec path is enough; TryExec would hide a -m launcher
        lines.append(line)
    contents = {
        "applications": "\n".join(lines) + "\n",
        "mime": (package / "desktop" / f"{APP_ID}-mime.xml").read_bytes(),
        "svg": (package / "icons" / f"{APP_ID}.svg").read_bytes(),
    }
    targets = installed_paths(base)
    written = []
    for target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.suffix == ".desktop":
            target.write_text(contents["applications"], encoding="utf-8")
        elif target.suffix == ".xml":
            target.write_bytes(contents["mime"])
        elif target.suffix == ".svg":
            target.write_bytes(contents["svg"])
        else:
            size = target.parent.parent.name.split("x")[0]
            target.write_bytes((package / "icons" / f"{APP_ID}-{size}.png").read_bytes())
        written.append(target)
    _refresh_caches(base)
    return written


def uninstall_desktop(base: Path | None = None) -> list[Path]:
    """Remove what install_desktop wrote; returns the files removed."""
    base = base or data_home()
    removed = []
    for target in installed_paths(base):
        if target.exists():
            target.unlink()
            removed.append(target)
    _refresh_caches(base)
    return removed


def _refresh_caches(base: Path) -> None:
    # Optional tools: without them the desktop picks the files up at its next start.
    commands = [
        ["update-mime-database", str(base / "mime")],
        ["update-desktop-database", str(base / "applications")],
        [
            "gtk-update-icon-cache",
            "--quiet",
            "--ignore-theme-index",
            str(base / "icons" / "hicolor"),
        ],
    ]
    for command in commands:
        if shutil.which(command[0]) and Path(command[-1]).exists():
            subprocess.run(command, check=False, capture_output=True, timeout=60)
