"""The installed package carries its resources, and the desktop integration installs per user."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from rnnstudio import desktop

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory) -> set[str]:
    out = tmp_path_factory.mktemp("wheel")
    build = tmp_path_factory.mktemp("build")
    # --no-build-isolation: build with the installed setuptools, offline and in seconds.
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        cwd=build,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    wheels = list(out.glob("rnnstudio-*.whl"))
    assert len(wheels) == 1
    with zipfile.ZipFile(wheels[0]) as archive:
        return set(archive.namelist())


def test_wheel_contains_examples_icons_and_desktop_files(wheel_names):
    examples = {p.name for p in (REPO / "resources" / "examples").glob("*.rnnstudio")}
    assert examples, "the repository ships examples"
    for name in examples:
        assert f"rnnstudio/resources/examples/{name}" in wheel_names
    for size in desktop.ICON_SIZES:
        assert f"rnnstudio/resources/icons/rnnstudio-{size}.png" in wheel_names
    assert "rnnstudio/resources/icons/rnnstudio.svg" in wheel_names
    assert "rnnstudio/resources/desktop/rnnstudio.desktop" in wheel_names
    assert "rnnstudio/resources/desktop/rnnstudio-mime.xml" in wheel_names
    # The Spanish catalogue: compiled for Qt, and its source for retranslating open windows.
    assert "rnnstudio/resources/translations/rnnstudio_es.qm" in wheel_names
    assert "rnnstudio/resources/translations/rnnstudio_es.ts" in wheel_names


def test_wheel_declares_console_entry_point(wheel_names):
    assert any(name.endswith(".dist-info/entry_points.txt") for name in wheel_names)


def test_install_and_uninstall_desktop_in_temporary_xdg_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    written = desktop.install_desktop()
    assert set(written) == set(desktop.installed_paths(tmp_path))
    entry = (tmp_path / "applications" / "rnnstudio.desktop").read_text(encoding="utf-8")
    assert "MimeType=application/x-rnnstudio;" in entry
    exec_line = next(line for line in entry.splitlines() if line.startswith("Exec="))
    assert exec_line.endswith(" %f") and "rnnstudio" in exec_line
    mime = (tmp_path / "mime" / "packages" / "rnnstudio.xml").read_text(encoding="utf-8")
    assert 'glob pattern="*.rnnstudio"' in mime
    png = tmp_path / "icons" / "hicolor" / "48x48" / "apps" / "rnnstudio.png"
    assert png.read_bytes().startswith(b"\x89PNG")

    removed = desktop.uninstall_desktop()
    assert set(removed) == set(written)
    assert not any(path.exists() for path in written)


def test_relative_xdg_data_home_is_ignored(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", "relative/path")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert desktop.data_home() == tmp_path / ".local" / "share"
