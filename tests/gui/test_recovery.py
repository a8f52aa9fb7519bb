"""Never lose work: autosave while unsaved, restore after SIGKILL, atomic saves, clean exits."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from launching import AnsweringDialogs, Child, child_environment
from PySide6.QtCore import QSettings

from rnnstudio.core.examples import load_example
from rnnstudio.core.project_io import parse_project, save_project
from rnnstudio.gui.dialogs import RestoreChoice
from rnnstudio.gui.document import Document
from rnnstudio.gui.recovery import (
    RECOVERY_SUFFIX,
    Autosaver,
    SessionLock,
    find_recoverable,
    read_recovery,
    recovery_text,
)
from rnnstudio.gui.startup import Launcher

DRIVER = Path(__file__).with_name("start_driver.py")
posix_only = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")


# --- the autosaver -------------------------------------------------------------------------


@pytest.fixture
def document(qapp) -> Document:
    return Document(load_example("rnn_clas"))


def _edit(document: Document, hidden_size: int) -> None:
    from rnnstudio.core.project_io import updated

    project = document.project
    block = updated(project.blocks[0], hidden_size=hidden_size)
    document.edit(updated(project, blocks=(block, *project.blocks[1:])), "edit")


def test_autosave_writes_only_while_unsaved_and_saving_removes_it(qtbot, document, tmp_path):
    autosaver = Autosaver(document, tmp_path, interval_ms=50)
    assert not autosaver.timer.isActive()
    assert autosaver.autosave_now() is False  # nothing unsaved, nothing written
    assert not autosaver.path.exists()

    _edit(document, 33)
    assert autosaver.timer.isActive()
    with qtbot.waitSignal(autosaver.sig_autosaved, timeout=5000):
        pass
    project, original, saved_at = read_recovery(autosaver.path)
    assert project == document.project
    assert original is None and saved_at

    document.save(tmp_path / "saved.rnnstudio")
    assert not autosaver.path.exists(), "a saved project leaves nothing to recover"
    assert not autosaver.timer.isActive()


def test_autosave_skips_an_unchanged_project_and_follows_the_file(qtbot, document, tmp_path):
    document.save(tmp_path / "mine.rnnstudio")
    autosaver = Autosaver(document, tmp_path / "recovery", interval_ms=3_600_000)
    _edit(document, 77)
    assert autosaver.autosave_now() is True
    assert autosaver.autosave_now() is False
    _edit(document, 78)
    assert autosaver.autosave_now() is True
    project, original, _ = read_recovery(autosaver.path)
    assert project.blocks[0].hidden_size == 78
    assert original == tmp_path / "mine.rnnstudio"


def test_a_live_sessions_file_is_not_offered_and_a_dead_ones_is(qtbot, document, tmp_path):
    autosaver = Autosaver(document, tmp_path, interval_ms=3_600_000)
    _edit(document, 50)
    assert autosaver.autosave_now()
    assert find_recoverable(tmp_path) == [], "its window still holds the lock"

    # A process that wrote a recovery file and died: its lock file is there, unlocked.
    dead = tmp_path / f"session-1-dead{RECOVERY_SUFFIX}"
    dead.write_text(recovery_text(load_example("rnn_alumno"), None), encoding="utf-8")
    dead.with_suffix(".lock").write_text("", encoding="utf-8")
    [found] = find_recoverable(tmp_path)
    assert found.path == dead and found.project == load_example("rnn_alumno")
    # While this start decides, another start does not see it.
    assert find_recoverable(tmp_path) == []
    found.keep()
    assert len(find_recoverable(tmp_path)) == 1


def test_an_unreadable_recovery_file_is_kept_aside_not_offered(tmp_path):
    bad = tmp_path / f"session-2-bad{RECOVERY_SUFFIX}"
    bad.write_text('{"format": "rnnstudio-recovery", "project": {"blocks": "x"}}', "utf-8")
    assert find_recoverable(tmp_path) == []
    assert not bad.exists()
    assert (tmp_path / (bad.name + ".unreadable")).exists()


def test_session_lock_is_exclusive_until_released(tmp_path):
    first, second = SessionLock(tmp_path / "a.lock"), SessionLock(tmp_path / "a.lock")
    assert first.acquire()
    assert not second.acquire()
    first.release()
    assert second.acquire()
    second.release(remove=True)
    assert not (tmp_path / "a.lock").exists()


# --- the restore offer, in process -----------------------------------------------------------


def _leave_recovery(folder: Path, project, original: Path | None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"session-9-left{RECOVERY_SUFFIX}"
    path.write_text(recovery_text(project, original), encoding="utf-8")
    return path


def _launch(qtbot, tmp_path: Path, dialogs: AnsweringDialogs, path: str | None = None):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    launcher = Launcher(path, settings, recovery_folder=tmp_path / "recovery")
    launcher.make_dialogs = lambda _window: dialogs
    with qtbot.waitSignal(launcher.sig_window_ready, timeout=60_000) as ready:
        launcher.start()
    window = ready.args[0]
    qtbot.addWidget(window)
    return launcher, window


def _close(launcher, window) -> None:
    launcher.reporter.uninstall()
    window.document.undo_stack.setClean()
    window.close()
    launcher.wait_for_threads()


@pytest.mark.parametrize("answer", list(RestoreChoice))
def test_start_offers_the_recovery_and_does_what_was_answered(qtbot, tmp_path, answer):
    saved = tmp_path / "clas.rnnstudio"
    save_project(load_example("rnn_clas"), saved)
    edited = load_example("rnn_alumno")
    left = _leave_recovery(tmp_path / "recovery", edited, saved)
    dialogs = AnsweringDialogs(restore_answer=answer)
    launcher, window = _launch(qtbot, tmp_path, dialogs)
    try:
        [(name, saved_at, original)] = dialogs.restore_offers
        assert (name, original) == (edited.name, str(saved)) and saved_at
        if answer == RestoreChoice.RESTORE:
            assert window.document.project == edited
            assert window.document.path == saved, "Save writes back to the original file"
            assert window.document.is_dirty and "*" in window.windowTitle()
            assert not left.exists()
            assert read_recovery(launcher.autosaver.path)[0] == edited, "safe at once"
        else:
            assert window.document.project != edited
            assert left.exists() == (answer == RestoreChoice.LATER)
    finally:
        _close(launcher, window)


def test_a_restored_project_wins_over_the_file_argument_and_says_so(qtbot, tmp_path):
    _leave_recovery(tmp_path / "recovery", load_example("rnn_alumno"), None)
    dialogs = AnsweringDialogs()
    launcher, window = _launch(qtbot, tmp_path, dialogs, path="rnn_clas")
    try:
        assert window.document.project == load_example("rnn_alumno")
        assert "rnn_clas" in window.statusBar().currentMessage()
    finally:
        _close(launcher, window)


# --- a real process, killed ------------------------------------------------------------------


@posix_only
def test_sigkill_then_restart_offers_the_project_as_last_autosaved(tmp_path):
    env = child_environment(tmp_path)
    settings, recovery = str(tmp_path / "settings.ini"), str(tmp_path / "recovery")
    editing = Child([str(DRIVER), "edit", settings, recovery], env, cwd=DRIVER.parent)
    autosaved = json.loads(editing.wait_for_line("AUTOSAVED"))
    after = json.loads(editing.wait_for_line("EDITED_AFTER"))
    assert autosaved != after
    editing.process.send_signal(signal.SIGKILL)
    editing.process.wait(timeout=30)
    assert editing.process.returncode == -signal.SIGKILL
    assert list(Path(recovery).glob(f"*{RECOVERY_SUFFIX}")), "the kill left the recovery file"

    restoring = Child([str(DRIVER), "restore", settings, recovery], env, cwd=DRIVER.parent)
    offers = json.loads(restoring.wait_for_line("OFFERS"))
    project = json.loads(restoring.wait_for_line("PROJECT"))
    assert len(offers) == 1 and offers[0][0] == "model"
    assert parse_project(project) == parse_project(autosaved), "as at the last autosave"
    assert parse_project(project) != parse_project(after)
    assert [block["type"] for block in project["blocks"]] == ["rnn", "lstm"]
    assert json.loads(restoring.wait_for_line("DIRTY")) is True
    assert json.loads(restoring.wait_for_line("EXIT")) == 0
    code, _out, err = restoring.finish()
    assert code == 0, err
    assert "Traceback" not in err
    assert not list(Path(recovery).glob(f"*{RECOVERY_SUFFIX}")), "a clean exit removes it"
    assert not list(Path(recovery).glob("*.lock"))


# --- saving stays atomic under kills ---------------------------------------------------------

_SAVE_LOOP = """
import os, sys
from rnnstudio.core.project_io import load_project, save_project
target = sys.argv[1]
versions = [load_project(sys.argv[2]), load_project(sys.argv[3])]
print("READY", flush=True)
for line in sys.stdin:
    if line.startswith("reap"):
        os.waitpid(int(line.split()[1]), 0)
        print("REAPED", flush=True)
        continue
    pid = os.fork()
    if pid == 0:
        n = 0
        while True:
            save_project(versions[n % 2], target)
            n += 1
    print("SAVING", pid, flush=True)
"""


def _large_project(blocks: int, hidden: int):
    from rnnstudio.core.project_io import updated
    from rnnstudio.core.spec import InputSpec, Project, new_block

    empty = Project(name="large", input=InputSpec(), blocks=())
    template = new_block(empty, "lstm")
    stack = tuple(
        updated(template, name=f"lstm{index}", hidden_size=hidden) for index in range(blocks)
    )
    return updated(empty, blocks=stack, description="A large project. " * 100)


@posix_only
def test_a_kill_during_save_leaves_the_old_or_the_new_file(tmp_path):
    import random
    import time

    old, new = _large_project(1000, 17), _large_project(1000, 23)
    old_path, new_path = tmp_path / "old.rnnstudio", tmp_path / "new.rnnstudio"
    save_project(old, old_path)
    save_project(new, new_path)
    old_text, new_text = old_path.read_text("utf-8"), new_path.read_text("utf-8")
    assert len(new_text) > 80_000
    target = tmp_path / "target.rnnstudio"
    save_project(old, target)

    loop = Child(["-c", _SAVE_LOOP, str(target), str(old_path), str(new_path)], {**os.environ})
    loop.wait_for_line("READY")
    outcomes = []
    rng = random.Random(6)
    try:
        for _ in range(25):
            loop.send("go")
            pid = int(loop.wait_for_line("SAVING"))
            # A subprocess test: the child keeps saving while this one waits, then is killed
            # at an arbitrary moment of a save.
            time.sleep(rng.uniform(0.005, 0.08))
            os.kill(pid, signal.SIGKILL)
            loop.send(f"reap {pid}")
            loop.wait_for_line("REAPED")
            text = target.read_text("utf-8")
            assert text in (old_text, new_text), "a mix of two saves"
            outcomes.append(text == new_text)
    finally:
        loop.process.kill()
        loop.process.communicate(timeout=30)
    assert set(outcomes) == {True, False}, "kills landed after old and after new saves"
