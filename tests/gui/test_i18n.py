"""Spanish and English: the catalogue is complete and compiled, the window has no English left
in Spanish, switching at run time changes every text, and the language is chosen as promised.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import PySide6
import pytest
from conftest import FakeDialogs
from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QLocale,
    QModelIndex,
    QObject,
    QSettings,
    Qt,
    QTranslator,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QWidget,
)

from rnnstudio import cli
from rnnstudio.core.analysis import AXIS_LABELS, analyze
from rnnstudio.core.examples import load_example
from rnnstudio.core.project_io import updated
from rnnstudio.core.signals import SIGNAL_KINDS
from rnnstudio.core.spec import BLOCK_TYPES
from rnnstudio.gui import settings as preferences
from rnnstudio.gui.app import configure_application
from rnnstudio.gui.error_text import error_text
from rnnstudio.gui.field_help import HELP_ES, field_help, owners
from rnnstudio.gui.i18n import (
    catalogue_path,
    current_language,
    install_language,
    resolve_language,
    startup_language,
    switch_language,
)
from rnnstudio.gui.main_window import MainWindow
from rnnstudio.gui.retranslate import mapper, read_catalogue

REPO = Path(__file__).resolve().parents[2]
TS = catalogue_path("es", ".ts")
QM = catalogue_path("es", ".qm")
_PLACEHOLDER = re.compile(r"\{(\w+)(?:![rsa])?(?::[^{}]*)?\}")
_MNEMONIC = re.compile(r"&(?!&)")

# English words that are not Spanish words: one in a Spanish window is a text left behind.
ENGLISH_WORDS = {
    "the", "and", "with", "from", "of", "is", "are", "this", "that", "which", "when", "not",
    "add", "remove", "move", "parameters", "parameter", "shape", "shapes", "input", "output",
    "layer", "layers", "step", "steps", "time", "hidden", "state", "states", "units", "unit",
    "warning", "warnings", "file", "open", "save", "run", "copy", "cancel", "block", "blocks",
    "show", "click", "select", "selected", "each", "every", "values", "value", "after",
    "before", "until", "only", "both", "directions", "direction", "features", "classes",
    "export", "undo", "redo", "edit", "view", "new", "quit", "recent", "example", "exercise",
    "check", "right", "wrong", "score", "answer", "report", "language", "size",
    "loading", "reads", "receives", "passes", "expects", "sequence", "whole", "last",
    "axis", "axes", "batch", "stage", "count", "memory", "weights", "none", "errors",
    "training",
}  # fmt: skip
# Words allowed anyway: torch's and Python's names, and the spec's field names and choices.
ALLOWED_WORDS = {"torch", "size", "print", "model", "pytorch", "numpy", "csv", "npz", "pdf"}
# The notebook says "hidden" in Spanish too ("el hidden final h"), after torch's hidden_size.
ALLOWED_WORDS.add("hidden")
for _owner, _specs in owners().items():
    for _spec in _specs:
        ALLOWED_WORDS.add(_spec.name.lower())
        ALLOWED_WORDS.update(choice.lower() for choice in _spec.choices)


def _tool(name: str) -> str:
    """lupdate / lrelease as PySide6 ships them."""
    suffix = ".exe" if sys.platform == "win32" else ""
    path = Path(PySide6.__file__).parent / f"{name}{suffix}"
    return str(path) if path.exists() else (shutil.which(f"pyside6-{name}") or name)


# --- the catalogue ----------------------------------------------------------------------------


def test_every_message_has_a_spanish_translation_with_the_same_placeholders() -> None:
    messages = read_catalogue(TS)
    assert len(messages) > 200
    for message in messages:
        where = f"{message.context}: {message.source!r}"
        assert message.finished and message.translation.strip(), f"untranslated: {where}"
        assert sorted(_PLACEHOLDER.findall(message.translation)) == sorted(
            _PLACEHOLDER.findall(message.source)
        ), where
        if _MNEMONIC.search(message.source):
            assert len(_MNEMONIC.findall(message.translation)) == 1, where


def test_every_context_is_the_one_qt_looks_up() -> None:
    """tr() looks texts up under the class that calls it: a context lupdate took from an
    expression (``self._parent.tr(...)``, ``parent.tr(...)``) is never found at run time."""
    contexts = {message.context for message in read_catalogue(TS)}
    wrong = sorted(
        context
        for context in contexts
        if not re.fullmatch(r"[A-Z_][A-Za-z0-9_]*", context) or context in ("self", "parent")
    )
    assert wrong == [], "use QCoreApplication.translate('ClassName', ...) there: " + str(wrong)


def test_every_text_in_the_window_code_is_in_the_catalogue(tmp_path: Path) -> None:
    """lupdate over rnnstudio/gui finds nothing new: no text of the window is untranslated."""
    copy = tmp_path / "rnnstudio_es.ts"
    shutil.copy(TS, copy)
    sources = sorted(str(path) for path in (REPO / "rnnstudio" / "gui").glob("*.py"))
    result = subprocess.run(
        [_tool("lupdate"), *sources, "-no-obsolete", "-locations", "none", "-ts", str(copy)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    missing = [
        f"{message.context}: {message.source!r}"
        for message in read_catalogue(copy)
        if not message.finished or not message.translation
    ]
    assert missing == [], (
        "texts without Spanish; run python tools/translations.py update, translate, compile:\n"
        + "\n".join(missing)
    )


def test_the_shipped_qm_is_compiled_from_the_current_ts() -> None:
    translator = QTranslator()
    assert translator.load(str(QM))
    for message in read_catalogue(TS):
        assert translator.translate(message.context, message.source) == message.translation, (
            f"{message.context}: {message.source!r}: run python tools/translations.py compile"
        )


def test_every_form_field_has_spanish_help() -> None:
    keys = set()
    for owner, specs in owners().items():
        for spec in specs:
            keys.add((owner, spec.name))
            assert (owner, spec.name) in HELP_ES, f"no Spanish help for {owner}.{spec.name}"
            assert field_help(spec, "es") == HELP_ES[(owner, spec.name)]
            assert field_help(spec, "en") == spec.help
    assert set(HELP_ES) == keys, "entries for fields that no longer exist"
    assert set(owners()) == {*BLOCK_TYPES, "input", *SIGNAL_KINDS}


def test_validation_messages_read_in_spanish() -> None:
    block = load_example("rnn_clas").blocks[0]
    cases = {
        "hidden_size": 0,
        "name": "1x",
        "dropout": 1.0,
        "num_layers": 10**9,
    }
    from rnnstudio.core.errors import ProjectError

    for field, value in cases.items():
        with pytest.raises(ProjectError) as raised:
            updated(block, **{field: value})
        spanish = error_text(str(raised.value), "es")
        assert spanish != str(raised.value)
        assert not _english_words(spanish), spanish
        assert error_text(str(raised.value), "en") == str(raised.value)


def test_the_run_refusal_for_memory_reads_in_spanish() -> None:
    from rnnstudio.core.run_plan import plan_run

    project = load_example("memoria_lstm")
    long = updated(project, input=updated(project.input, seq_len=9_999_999))
    message = plan_run(long, budget_bytes=2 * 1024**3).budget_message()
    spanish = error_text(message, "es")
    assert spanish.startswith("esta ejecución necesita unos ")
    assert "presupuesto de memoria de 2.0 GiB (2,147,483,648 bytes)" in spanish
    assert not _english_words(spanish), spanish


# --- choosing the language ----------------------------------------------------------------------


@pytest.fixture
def english_afterwards(qapp):
    yield
    install_language("en")


def test_the_language_follows_command_line_then_preference_then_system(
    qapp, tmp_path: Path, english_afterwards
) -> None:
    spanish_locale = QLocale(QLocale.Language.Spanish, QLocale.Country.Argentina)
    english_locale = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    assert resolve_language("", spanish_locale) == "es"
    assert resolve_language("", english_locale) == "en"
    assert resolve_language("en", spanish_locale) == "en"
    assert resolve_language("klingon", spanish_locale) == "es"
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    preferences.set_language("es", settings)
    assert startup_language(settings) == "es" == current_language()
    assert QCoreApplication.translate("MainWindow", "&File") == "&Archivo"
    assert startup_language(settings, "en") == "en" == current_language()
    assert QCoreApplication.translate("MainWindow", "&File") == "&File"
    settings.setValue("language", 42)  # damaged: the system's language
    assert startup_language(settings) == resolve_language("")


# --- the window in Spanish --------------------------------------------------------------------


def _columns(model, parent: QModelIndex) -> int:
    return 1 if isinstance(model, QAbstractListModel) else model.columnCount(parent)


def _model_texts(view: QAbstractItemView) -> list[tuple[str, str]]:
    """Headers, and every cell's text and tooltip, of a list, table or tree."""
    model = view.model()
    texts = []
    if model is None:
        return texts
    for section in range(_columns(model, QModelIndex())):
        header = model.headerData(section, Qt.Orientation.Horizontal)
        texts.append((f"{view.objectName()} header", header))

    def walk(parent: QModelIndex) -> None:
        for row in range(model.rowCount(parent)):
            for column in range(_columns(model, parent)):
                index = model.index(row, column, parent)
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    texts.append((f"{view.objectName()} cell", index.data(role)))
            walk(model.index(row, 0, parent))

    walk(QModelIndex())
    return texts


def visible_texts(window: QWidget) -> list[tuple[str, str]]:
    """(where, text) for every text a user can read in the window, its menus and panes."""
    texts: list[tuple[str, str]] = []
    for menu in window.findChildren(QMenu):
        menu.aboutToShow.emit()  # menus filled on demand fill now
    for action in window.findChildren(QAction):
        if action.isSeparator():
            continue
        where = f"action {action.objectName() or action.text()}"
        texts += [(where, action.text()), (where, action.toolTip()), (where, action.statusTip())]
    for widget in window.findChildren(QWidget):
        where = f"{type(widget).__name__} {widget.objectName()}"
        texts.append((where, widget.toolTip()))
        texts.append((where, widget.accessibleName()))
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append((where, widget.text()))
        if isinstance(widget, QDockWidget):
            texts.append((where, widget.windowTitle()))
        if isinstance(widget, QMenu | QGroupBox):
            texts.append((where, widget.title()))
        if isinstance(widget, QLineEdit):
            texts.append((where, widget.placeholderText()))
        if isinstance(widget, QComboBox):
            texts += [(where, widget.itemText(i)) for i in range(widget.count())]
        if isinstance(widget, QAbstractItemView):
            texts += _model_texts(widget)
    return [(where, text) for where, text in texts if isinstance(text, str) and text.strip()]


def _english_words(text: str) -> list[str]:
    words = []
    # Markup and command lines ("rnnstudio run --seed") are not prose.
    text = re.sub(r"<[^>]+>|rnnstudio \w+", " ", text)
    for token in re.findall(r"[A-Za-zÀ-ÿ_.]+", text):
        if "_" in token or "." in token.strip("."):
            continue  # identifiers: weight_ih_l0, torch.Size, rnn1.weight
        word = token.strip(".").lower()
        if word in ENGLISH_WORDS and word not in ALLOWED_WORDS:
            words.append(word)
    return words


def english_left(window: QWidget) -> list[tuple[str, str]]:
    """Texts that are English sources of the catalogue, or have English words."""
    to_spanish = mapper("en", "es")
    left = []
    for where, text in visible_texts(window):
        if to_spanish.map(text) is not None or _english_words(text):
            left.append((where, text))
    return left


def _new_window(qtbot, qapp, tmp_path: Path, name: str) -> MainWindow:
    configure_application(qapp)
    settings = QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings)
    window.dialogs = FakeDialogs()
    # Closed at the end of the test even when it failed with unsaved edits.
    qtbot.addWidget(window, before_close_func=lambda each: each.document.undo_stack.setClean())
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


def _prepare(window: MainWindow) -> None:
    """A model with a warning (softmax over time) and an LSTM, every pane filled."""
    window.open_example("rnn_clas_por_paso")
    window.select_row(0)
    window.parameters_pane.view.expandAll()


def test_the_spanish_window_has_no_english_text(qtbot, qapp, tmp_path, english_afterwards) -> None:
    install_language("es")
    window = _new_window(qtbot, qapp, tmp_path, "es")
    _prepare(window)
    assert window.menuBar().actions()[0].text() == "&Archivo"
    assert english_left(window) == []
    # The model's own words: problems and axis names from the core, in Spanish.
    analysis = window.document.analysis
    [warning] = analysis.warnings
    assert warning.text("es") in window.shapes_pane.notes.text()
    assert window.input_pane.tensor_line.text().endswith(analysis.input.describe("es"))
    assert AXIS_LABELS["es"]["time"] in window.input_pane.tensor_line.text()
    # In an exercise, checked: questions, marks, explanations and the score.
    controller = window.classroom.exercises
    assert controller.open_shipped("ejercicio_2")
    controller.set_answers(["[3, 5]"] * len(controller.pane.rows))
    controller.check()
    assert english_left(window) == []
    controller.leave()
    window.document.undo_stack.setClean()


def test_the_classroom_dialogs_have_no_english_text(qtbot, english_afterwards) -> None:
    from rnnstudio.gui.compare_dialog import CompareDialog
    from rnnstudio.gui.exercise_dialogs import SaveExerciseDialog

    install_language("es")
    save = SaveExerciseDialog("modelo", {"parameters": 8, "stages": 4, "hidden": 1})
    compare = CompareDialog(load_example("rnn_alumno"), 2)
    for dialog in (save, compare):
        qtbot.addWidget(dialog)
        dialog.show()
        assert english_left(dialog) == []
    assert save.windowTitle() == "Guardar como ejercicio"


def test_a_refused_value_is_explained_in_spanish(qtbot, qapp, tmp_path, english_afterwards) -> None:
    install_language("es")
    window = _new_window(qtbot, qapp, tmp_path, "es")
    window.open_example("rnn_clas")
    window.select_row(0)
    form = window.properties_pane.current_form
    name = form.editor("name").control
    name.setText("1x")
    message = form.message_text("name")
    assert "debe ser un identificador de Python" in message
    assert not _english_words(message)
    window.document.undo_stack.setClean()


def _keyed_texts(window: MainWindow) -> dict[str, str]:
    """Texts of named actions, docks, menus and buttons, and the panes' headers."""
    texts: dict[str, str] = {}
    for action in window.findChildren(QAction):
        if action.objectName():
            texts[f"action {action.objectName()} text"] = action.text()
            texts[f"action {action.objectName()} tip"] = action.toolTip()
    for index, entry in enumerate(window.menuBar().actions()):
        texts[f"menu {index}"] = entry.text()
    for widget in window.findChildren(QWidget):
        name = widget.objectName()
        if not name or name.startswith("qt_"):
            continue
        if isinstance(widget, QDockWidget):
            texts[f"dock {name}"] = widget.windowTitle()
        elif isinstance(widget, QLabel | QAbstractButton):
            texts[f"{type(widget).__name__} {name}"] = widget.text()
    for view in (window.parameters_pane.view, window.shapes_pane.view):
        model = view.model()
        for section in range(model.columnCount(QModelIndex())):
            texts[f"{view.objectName()} {section}"] = model.headerData(
                section, Qt.Orientation.Horizontal
            )
    texts["status problems"] = window.status_problems.text()
    texts["status parameters"] = window.status_parameters.text()
    texts["input tensor"] = window.input_pane.tensor_line.text()
    texts["help line"] = window.properties_pane.help_line.text()
    return texts


def test_switching_language_changes_every_visible_string(
    qtbot, qapp, tmp_path, english_afterwards
) -> None:
    window = _new_window(qtbot, qapp, tmp_path, "switch")
    _prepare(window)
    window.add_block("linear")  # something in the undo history
    english = _keyed_texts(window)

    assert switch_language("es")
    qtbot.waitUntil(lambda: window.status_problems.text().startswith("⚠ 1 advertencia"))
    switched = _keyed_texts(window)
    assert english_left(window) == []
    assert window.action_undo.text() == "&Deshacer Agregar fc1"

    fresh = _new_window(qtbot, qapp, tmp_path, "fresh")
    _prepare(fresh)
    fresh.add_block("linear")
    expected = _keyed_texts(fresh)
    differences = {
        key: (switched[key], expected[key])
        for key in expected
        if key in switched and switched[key] != expected[key]
    }
    assert differences == {}
    # Every text the catalogue translates has changed.
    to_spanish = mapper("en", "es")
    unchanged = {
        key: text
        for key, text in english.items()
        if to_spanish.map(text) is not None and switched.get(key) == text
    }
    assert unchanged == {}
    changed = sum(english[key] != switched.get(key) for key in english)
    assert changed > 80

    assert switch_language("en")
    back = _keyed_texts(window)
    assert {key: back[key] for key in english} == english
    for each in (window, fresh):
        each.document.undo_stack.setClean()


def test_the_language_menu_switches_and_remembers(qtbot, window: MainWindow, english_afterwards):
    spanish = window.findChild(QAction, "action_language_es")
    spanish.trigger()
    assert current_language() == "es"
    assert preferences.language(window.settings) == "es"
    assert window.menuBar().actions()[0].text() == "&Archivo"
    assert spanish.isChecked()
    window.findChild(QAction, "action_language_en").trigger()
    assert current_language() == "en"
    assert window.menuBar().actions()[0].text() == "&File"
    # The Preferences dialog stores a language: the window follows.
    preferences.set_language("es", window.settings)
    assert window.menuBar().actions()[0].text() == "&Archivo"
    preferences.set_language("en", window.settings)
    assert window.menuBar().actions()[0].text() == "&File"


# --- --lang on the command line -----------------------------------------------------------------


@pytest.fixture
def opened_windows(qapp, qtbot, monkeypatch, tmp_path: Path) -> list[MainWindow]:
    """Run the real start-up; the event loop returns once the real window is up."""
    windows: list[MainWindow] = []
    monkeypatch.setattr(
        preferences,
        "open_settings",
        lambda: QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat),
    )
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    def real_window_shown() -> bool:
        return any(
            isinstance(widget, MainWindow) and widget.isVisible()
            for widget in QApplication.topLevelWidgets()
        )

    def exec_once() -> int:
        qtbot.waitUntil(real_window_shown, timeout=60_000)
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                windows.append(widget)
                windows_texts.append((widget.menuBar().actions()[0].text(), english_left(widget)))
                widget.document.undo_stack.setClean()
                widget.close()
        return 0

    windows_texts: list[tuple[str, list[tuple[str, str]]]] = []
    monkeypatch.setattr(qapp, "exec", exec_once)
    yield windows_texts
    install_language("en")


def test_lang_es_on_the_command_line_opens_a_spanish_window(opened_windows) -> None:
    assert cli.main(["--lang", "es", "rnn_clas"]) == 0
    [(file_menu, left)] = opened_windows
    assert file_menu == "&Archivo"
    assert left == []


def test_an_unknown_language_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--lang", "fr"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'fr'" in capsys.readouterr().err


def test_every_pane_title_is_translated_in_the_catalogue() -> None:
    translator = QTranslator()
    assert translator.load(str(QM))
    for title in ("Input", "Stack", "Block properties", "Parameters", "Model", "Shapes"):
        assert translator.translate("MainWindow", title) not in ("", title)
    assert QObject  # the catalogue is loaded without a window


def test_axis_names_are_spanish_in_describe() -> None:
    analysis = analyze(load_example("rnn_clas"))
    assert analysis.input.describe("es") == "[lote=3, tiempo=5, características=2]"


def test_the_run_panes_plots_and_warnings_follow_the_language(
    qtbot, window: MainWindow, english_afterwards
) -> None:
    from matplotlib.text import Text

    from rnnstudio.plots.labels import label

    pane = window.run_pane
    window.open_example("rnn_clas_por_paso")
    qtbot.waitUntil(
        lambda: (
            pane.result is not None
            and pane.result.project == window.document.project
            and not pane.controller.is_running
        ),
        timeout=60_000,
    )
    [warning] = window.document.analysis.warnings

    def plot_texts() -> set[str]:
        figures = (pane.hidden_view.figure, pane.output_view.figure)
        return {text.get_text() for figure in figures for text in figure.findobj(Text)}

    assert label("time_step", "en") in plot_texts()
    assert pane.output_warning.toolTip() == warning.text("en")
    switch_language("es")
    assert label("time_step", "es") in plot_texts()
    assert label("time_step", "en") not in plot_texts()
    assert pane.output_warning.toolTip() == warning.text("es")
