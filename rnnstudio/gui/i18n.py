"""The interface language: Qt's translators for the window's texts, `lang` for the core's facts.

The window's own texts go through Qt's translation system (`self.tr`, `translate`): the
Spanish catalogue is `resources/translations/rnnstudio_es.ts`, compiled to the shipped `.qm`.
Texts made from the model (problems, axis names, explanations, plot labels) come from the
core in the language `current_language()` names.

The language is chosen in this order: `--lang` on the command line, the preference
(settings.language(): "en", "es", or "" for the system's), the system locale.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QObject,
    QSettings,
    QTranslator,
    Signal,
)

from . import settings as preferences

LANGUAGES = ("en", "es")
# The language names are shown in their own language, so anyone can find theirs.
LANGUAGE_NAMES = {"en": "English", "es": "Español"}
CATALOGUE_NAME = "rnnstudio"

_current = "en"
_installed: list[QTranslator] = []

# Texts that other libraries put on screen in English: matplotlib's navigation toolbar. They
# are in the catalogue so that retranslate.py can replace them (see Classroom).
FOREIGN_TEXTS = (
    QT_TRANSLATE_NOOP("NavigationToolbar", "Home"),
    QT_TRANSLATE_NOOP("NavigationToolbar", "Back"),
    QT_TRANSLATE_NOOP("NavigationToolbar", "Forward"),
    QT_TRANSLATE_NOOP("NavigationToolbar", "Pan"),
    QT_TRANSLATE_NOOP("NavigationToolbar", "Zoom"),
    QT_TRANSLATE_NOOP("NavigationToolbar", "Subplots"),
    QT_TRANSLATE_NOOP("NavigationToolbar", "Save"),
    QT_TRANSLATE_NOOP("NavigationToolbar", "Customize"),
    QT_TRANSLATE_NOOP("NavigationToolbar", "Reset original view"),
    QT_TRANSLATE_NOOP("NavigationToolbar", "Back to previous view"),
    QT_TRANSLATE_NOOP("NavigationToolbar", "Forward to next view"),
    QT_TRANSLATE_NOOP(
        "NavigationToolbar",
        "Left button pans, Right button zooms\nx/y fixes axis, CTRL fixes aspect",
    ),
    QT_TRANSLATE_NOOP("NavigationToolbar", "Zoom to rectangle\nx/y fixes axis"),
    QT_TRANSLATE_NOOP("NavigationToolbar", "Configure subplots"),
    QT_TRANSLATE_NOOP("NavigationToolbar", "Save the figure"),
    QT_TRANSLATE_NOOP("NavigationToolbar", "Edit axis, curve and image parameters"),
)


class LanguageNotifier(QObject):
    """Announces a switch of language, after the translators are swapped."""

    sig_language_changed = Signal(str)


_notifier: LanguageNotifier | None = None


def notifier() -> LanguageNotifier:
    global _notifier
    if _notifier is None:
        _notifier = LanguageNotifier()
    return _notifier


def current_language() -> str:
    """ "en" or "es": the language the window speaks now, for the core's `lang` arguments."""
    return _current


def system_language(locale: QLocale | None = None) -> str:
    locale = locale if locale is not None else QLocale.system()
    return "es" if locale.language() == QLocale.Language.Spanish else "en"


def normalise_choice(value: Any) -> str:
    """A stored preference: "en", "es", or "" for the system's language (anything else)."""
    return value if isinstance(value, str) and value in LANGUAGES else ""


def resolve_language(choice: str | None, locale: QLocale | None = None) -> str:
    """The language to use for a choice ("en", "es", "" or None: the system's)."""
    choice = normalise_choice(choice)
    return choice or system_language(locale)


def translations_folder() -> Path:
    return Path(str(resources.files("rnnstudio.resources") / "translations"))


def catalogue_path(lang: str, suffix: str = ".qm") -> Path:
    return translations_folder() / f"{CATALOGUE_NAME}_{lang}{suffix}"


def install_language(lang: str) -> str:
    """Put the translators for `lang` in place (nothing to retranslate: use before the window).

    English is the source language: it needs no catalogue. Spanish also loads Qt's own
    catalogue, so standard buttons (Save, Cancel...) speak Spanish too. Returns the language
    installed: English when the catalogue cannot be read.
    """
    global _current
    lang = lang if lang in LANGUAGES else "en"
    app = QCoreApplication.instance()
    for translator in _installed:
        if app is not None:
            QCoreApplication.removeTranslator(translator)
    _installed.clear()
    if lang != "en" and app is not None:
        ours = QTranslator(app)
        if not ours.load(str(catalogue_path(lang))):
            # A damaged installation: English is better than no window.
            _current = "en"
            return "en"
        qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        qt_own = QTranslator(app)
        if qt_own.load(f"qtbase_{lang}", qt_folder):
            QCoreApplication.installTranslator(qt_own)
            _installed.append(qt_own)
        QCoreApplication.installTranslator(ours)
        _installed.append(ours)
    _current = lang
    return lang


def switch_language(lang: str) -> bool:
    """Change the language of a running application: every open window is retranslated.

    Returns False when `lang` is already the current language.
    """
    from .retranslate import retranslate_application

    old = _current
    new = lang if lang in LANGUAGES else "en"
    if new == old:
        return False
    install_language(new)
    retranslate_application(old, new)
    notifier().sig_language_changed.emit(new)
    return True


_requested: dict[str, str | None] = {"lang": None}


def request_language(lang: str | None) -> None:
    """`--lang es|en` on the command line: it wins over the preference at start-up."""
    _requested["lang"] = lang if lang in LANGUAGES else None


def startup_language(settings: QSettings, command_line: str | None = None) -> str:
    """Install the language a start should use: --lang, else the preference, else the system's."""
    command_line = command_line or _requested["lang"]
    choice = command_line if command_line in LANGUAGES else preferences.language(settings)
    return install_language(resolve_language(choice))
