"""Preferences: stored and checked in QSettings, edited in a dialog; a damaged file is defaults."""

from __future__ import annotations

import json
import os

import pytest
from launching import AnsweringDialogs, Child, child_environment
from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from rnnstudio.core.model import DEFAULT_MEMORY_BUDGET as CORE_BUDGET
from rnnstudio.gui import settings as stored
from rnnstudio.gui.app import configure_application
from rnnstudio.gui.appearance import apply_font_scale
from rnnstudio.gui.main_window import MainWindow
from rnnstudio.gui.preferences import (
    Preferences,
    PreferencesDialog,
    install_preferences,
    read_preferences,
    show_preferences,
)


@pytest.fixture
def ini(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def test_defaults_and_the_core_budget_agree(ini):
    assert read_preferences(ini) == Preferences("", 1.0, CORE_BUDGET)
    assert stored.recent_files(ini) == [] and stored.window_state(ini) is None


@pytest.mark.parametrize(
    ("key", "value"),
    [
        (stored.FONT_SCALE_KEY, "banana"),
        (stored.FONT_SCALE_KEY, 9.0),
        (stored.FONT_SCALE_KEY, float("nan")),
        (stored.FONT_SCALE_KEY, True),
        (stored.MEMORY_BUDGET_KEY, -5),
        (stored.MEMORY_BUDGET_KEY, ["2G"]),
        (stored.LANGUAGE_KEY, "klingon"),
        (stored.LANGUAGE_KEY, 42),
        (stored.RECENT_FILES_KEY, 17),
        (stored.STATE_KEY, "not bytes"),
    ],
)
def test_a_wrong_value_reads_as_the_default(ini, key, value):
    ini.setValue(key, value)
    assert read_preferences(ini) == Preferences()
    assert stored.recent_files(ini) == []
    assert stored.window_state(ini) is None


def test_setters_check_ranges_store_and_announce(qtbot, ini):
    with qtbot.waitSignal(stored.notifier().sig_font_scale_changed) as scale:
        stored.set_font_scale(1.5, ini)
    assert scale.args == [1.5] and stored.font_scale(ini) == 1.5
    with qtbot.waitSignal(stored.notifier().sig_language_changed) as language:
        stored.set_language("es", ini)
    assert language.args == ["es"] and stored.language(ini) == "es"
    with qtbot.waitSignal(stored.notifier().sig_memory_budget_changed):
        stored.set_memory_budget(4 * 1024**3, ini)
    assert stored.memory_budget(ini) == 4 * 1024**3
    for setter, bad in (
        (stored.set_font_scale, 3.0),
        (stored.set_language, "fr"),
        (stored.set_memory_budget, 10),
    ):
        with pytest.raises(ValueError):
            setter(bad, ini)


def test_the_dialog_edits_all_three_and_restores_defaults(qtbot):
    dialog = PreferencesDialog(Preferences("es", 1.3, 3 * 1024**3))
    qtbot.addWidget(dialog)
    assert dialog.value() == Preferences("es", 1.3, 3 * 1024**3)
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.font_scale.setValue(2.0)
    dialog.memory_budget.setValue(8)
    assert dialog.value() == Preferences("en", 2.0, 8 * 1024**3)
    dialog.font_scale.setValue(99)
    assert dialog.value().font_scale == stored.FONT_SCALE_MAX, "the spin box keeps the range"
    dialog.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).click()
    assert dialog.value() == Preferences()
    for editor in (dialog.language, dialog.font_scale, dialog.memory_budget):
        assert editor.accessibleName()


@pytest.fixture
def window(qtbot, qapp, ini):
    configure_application(qapp)
    window = MainWindow(settings=ini)
    window.dialogs = AnsweringDialogs()
    install_preferences(window)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    base = qapp.font().pointSizeF()
    yield window
    apply_font_scale(qapp, 1.0)
    assert qapp.font().pointSizeF() == pytest.approx(base, abs=0.2)
    window.document.undo_stack.setClean()


def test_edit_menu_has_preferences_with_ctrl_comma(window):
    action = window.action_preferences
    edit_menu = next(
        entry.menu()
        for entry in window.menuBar().actions()
        if entry.menu() is not None and window.action_undo in entry.menu().actions()
    )
    assert action in edit_menu.actions()
    assert QKeySequence("Ctrl+,") in action.shortcuts()


def test_preferences_are_stored_and_the_text_size_applies_at_once(qtbot, window, ini):
    app = QApplication.instance()
    before = app.font().pointSizeF()
    printout_before = window.model_pane.printout.text.font().pointSizeF()
    # English: the live switch of language belongs to the translations' own tests.
    window.dialogs.preferences_answer = Preferences("en", 1.5, 4 * 1024**3)
    with qtbot.waitSignal(stored.notifier().sig_font_scale_changed):
        window.action_preferences.trigger()
    assert window.dialogs.preferences_shown == [Preferences()]
    assert read_preferences(ini) == Preferences("en", 1.5, 4 * 1024**3)
    assert app.font().pointSizeF() == pytest.approx(before * 1.5, abs=0.2)
    # The monospace printout chose its own font: it grows in proportion.
    assert window.model_pane.printout.text.font().pointSizeF() == pytest.approx(
        printout_before * 1.5, abs=0.2
    )
    # Cancelling changes nothing.
    window.dialogs.preferences_answer = None
    assert show_preferences(window) is False
    assert read_preferences(ini).font_scale == 1.5


def test_a_damaged_settings_file_is_set_aside(tmp_path):
    path = tmp_path / "rnnstudio.ini"
    path.write_bytes(b"\x00\xff\xfe[window]\nstate=@ByteArray(\x01\x02)\n" + os.urandom(2000))
    backup = stored.check_settings_file(path)
    assert backup is not None and backup.exists() and not path.exists()
    path.write_text("[General]\nfont_scale=1.2\n", encoding="utf-8")
    assert stored.check_settings_file(path) is None, "a readable file is kept"


_GARBAGE = (
    b"\x89\x00garbage\xff\n[window]\nstate=@ByteArray(\x00\x01zz)\ngeometry=@Variant(\x00\x7f)\n"
    b"font_scale=@Variant(\\0\\0\\0\\x7f\\0\\0\\0\\x5foo)\nrecent_files=17\n[General\n=\n"
)


@pytest.mark.parametrize("damage", ["binary", "text"])
def test_start_with_a_garbage_settings_file_uses_defaults(tmp_path, damage):
    """The real start-up, settings from $XDG_CONFIG_HOME/rnnstudio/rnnstudio.ini."""
    folder = tmp_path / "config" / "rnnstudio"
    folder.mkdir(parents=True)
    data = _GARBAGE + os.urandom(4000) if damage == "binary" else _GARBAGE.replace(b"\x00", b"")
    if damage == "text":
        data = b"".join(bytes([c]) for c in data if c < 0x80) + b"memory_budget=lots\n"
    (folder / "rnnstudio.ini").write_bytes(data)
    code = (
        "import json, sys\n"
        "from rnnstudio.gui.app import create_application\n"
        "from rnnstudio.gui.startup import Launcher\n"
        "from rnnstudio.gui.preferences import read_preferences\n"
        "from rnnstudio.gui import settings\n"
        "app = create_application(sys.argv[:1])\n"
        "launcher = Launcher(None)\n"
        "def ready(window):\n"
        "    p = read_preferences(window.settings)\n"
        "    print('PREFS', json.dumps([p.language, p.font_scale, p.memory_budget,\n"
        "          settings.recent_files(window.settings), window.settings.fileName(),\n"
        "          window.layout_restored, window.document.project.name]), flush=True)\n"
        "    window.close()\n"
        "launcher.sig_window_ready.connect(ready)\n"
        "launcher.start()\n"
        "code = app.exec()\n"
        "launcher.wait_for_threads()\n"
        "sys.exit(code)\n"
    )
    child = Child(["-c", code], child_environment(tmp_path))
    language, scale, budget, recent, file_name, restored, name = json.loads(
        child.wait_for_line("PREFS")
    )
    assert (language, scale, budget, recent) == ("", 1.0, CORE_BUDGET, [])
    assert file_name == str(folder / "rnnstudio.ini")
    assert restored is False and name == "model"
    returncode, _out, err = child.finish()
    assert returncode == 0, err
    assert "Traceback" not in err
    kept = list(folder.glob("rnnstudio.ini.damaged-*"))
    assert len(kept) == (1 if damage == "binary" else 0)


def test_window_layout_keys_are_the_windows_own(window, ini):
    window.save_layout()
    assert isinstance(stored.window_state(ini), QByteArray)
    assert isinstance(stored.window_geometry(ini), QByteArray)
    window.open_example("rnn_clas")
    assert stored.recent_files(ini) == window.recent_files()
