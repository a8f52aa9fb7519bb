"""Switch the language of windows that are already open, from the translation catalogue.

A widget does not remember which source text its label came from, but the catalogue
(`rnnstudio_es.ts`) knows every pair: each text of the language being left is looked up and
replaced by its counterpart. Texts with placeholders ("Parameters: {count}") match as
patterns and keep their values. Texts made from the model are not looked up: the window
renders them again from the analysis when the language changes (see LanguageNotifier).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PySide6.QtCore import (
    QAbstractListModel,
    QLibraryInfo,
    QModelIndex,
    QObject,
    Qt,
    QTranslator,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QSpinBox,
    QTabWidget,
    QTextEdit,
    QToolButton,
    QWidget,
)

from .field_help import help_pairs
from .i18n import catalogue_path

_PLACEHOLDER = re.compile(r"\{(\w+)(?:![rsa])?(?::[^{}]*)?\}")
# A pattern needs this many letters of its own, so "{name}: {shape}" cannot eat any text.
_MIN_PATTERN_LETTERS = 3
# Texts Qt's own widgets show (qtbase's catalogue translates them when they are made).
QT_OWN_TEXTS = (
    ("QTabBar", "Scroll Left"),
    ("QTabBar", "Scroll Right"),
    ("QDockWidget", "Float"),
    ("QDockWidget", "Close"),
)


@dataclass(frozen=True)
class Message:
    context: str
    source: str
    translation: str
    finished: bool


def read_catalogue(path: Path) -> tuple[Message, ...]:
    """Every current message of a Qt .ts file (vanished and obsolete ones left out)."""
    root = ET.parse(path).getroot()
    messages = []
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            element = message.find("translation")
            kind = element.get("type", "") if element is not None else "unfinished"
            if kind in ("vanished", "obsolete"):
                continue
            translation = (element.text or "") if element is not None else ""
            messages.append(Message(name, source, translation, kind != "unfinished"))
    return tuple(messages)


# (context, English, translation)
Pair = tuple[str, str, str]


@cache
def _catalogue_pairs(lang: str) -> tuple[Pair, ...]:
    """Every message of the catalogue, and every field help (context "FieldHelp")."""
    pairs = [
        (message.context, message.source, message.translation)
        for message in read_catalogue(catalogue_path(lang, ".ts"))
        if message.translation
    ]
    pairs.extend(("FieldHelp", english, text) for english, text in help_pairs(lang))
    qt_own = QTranslator()
    if qt_own.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        for context, source in QT_OWN_TEXTS:
            translated = qt_own.translate(context, source)
            if translated:
                pairs.append((context, source, translated))
    return tuple(pairs)


class TextMapper:
    """Maps a text of one language to the other, exactly or by pattern, line by line.

    A text with different counterparts in different contexts ("Run": a pane's title, a
    button) takes the one of the nearest context among those given to `map`: the classes
    of the widget and of its parents, since `tr` uses the class that makes the text.
    """

    def __init__(self, pairs: Iterable[Pair]) -> None:
        self._exact: dict[str, dict[str, str]] = {}
        patterns: list[tuple[int, re.Pattern[str], str]] = []
        for context, old, new in pairs:
            if not old or old == new:
                continue
            if _PLACEHOLDER.search(old):
                compiled = _pattern(old)
                if compiled is not None:
                    patterns.append((_letters(_PLACEHOLDER.sub("", old)), compiled, new))
            else:
                self._exact.setdefault(old, {}).setdefault(context, new)
        # The most specific pattern first.
        patterns.sort(key=lambda item: -item[0])
        self._patterns = [(pattern, new) for _size, pattern, new in patterns]

    def map(self, text: str, contexts: Sequence[str] = ()) -> str | None:
        """The counterpart of `text`, or None when the catalogue does not know it."""
        if not text:
            return None
        whole = self._map_one(text, contexts)
        if whole is not None or "\n" not in text:
            return whole
        lines = text.split("\n")
        mapped = [self._map_one(line, contexts) for line in lines]
        if all(item is None for item in mapped):
            return None
        return "\n".join(
            new if new is not None else old for old, new in zip(lines, mapped, strict=True)
        )

    def _map_one(self, text: str, contexts: Sequence[str]) -> str | None:
        choices = self._exact.get(text)
        if choices:
            for context in contexts:
                if context in choices:
                    return choices[context]
            return next(iter(choices.values()))
        for pattern, new in self._patterns:
            match = pattern.fullmatch(text)
            if match is not None:
                return _fill(new, match.groupdict())
        return None


def _fill(template: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), template)


def _letters(text: str) -> int:
    return sum(character.isalpha() for character in text)


def _pattern(template: str) -> re.Pattern[str] | None:
    if _letters(_PLACEHOLDER.sub("", template)) < _MIN_PATTERN_LETTERS:
        return None
    parts: list[str] = []
    seen: set[str] = set()
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[position : match.start()]))
        name = match.group(1)
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.add(name)
        position = match.end()
    parts.append(re.escape(template[position:]))
    # A value spans lines only where the template does: one line's pattern fits one line.
    return re.compile("".join(parts), re.DOTALL if "\n" in template else 0)


def mapper(old: str, new: str) -> TextMapper:
    """The mapper from language `old` to language `new` ("en" or "es")."""
    if old == new:
        return TextMapper(())
    if old == "en":
        return TextMapper(_catalogue_pairs(new))
    if new == "en":
        return TextMapper(
            (context, translated, source) for context, source, translated in _catalogue_pairs(old)
        )
    # Between two translations: through English.
    forward = {(context, source): text for context, source, text in _catalogue_pairs(new)}
    return TextMapper(
        (context, translated, forward[(context, source)])
        for context, source, translated in _catalogue_pairs(old)
        if (context, source) in forward
    )


# --- the walk over open windows -----------------------------------------------------------

_Property = tuple[Callable[[], str], Callable[[str], None]]


def _strip_mnemonic(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _action_properties(action: QAction) -> list[_Property]:
    properties: list[_Property] = [(action.text, action.setText)]
    plain = _strip_mnemonic(action.text())
    # Icon text and tooltip follow the text unless they were set on their own.
    if action.iconText() != plain:
        properties.append((action.iconText, action.setIconText))
    if action.toolTip() != plain:
        properties.append((action.toolTip, action.setToolTip))
    properties.append((action.statusTip, action.setStatusTip))
    properties.append((action.whatsThis, action.setWhatsThis))
    return properties


def _widget_properties(widget: QWidget) -> list[_Property]:
    properties: list[_Property] = [
        (widget.toolTip, widget.setToolTip),
        (widget.statusTip, widget.setStatusTip),
        (widget.whatsThis, widget.setWhatsThis),
        (widget.accessibleName, widget.setAccessibleName),
        (widget.accessibleDescription, widget.setAccessibleDescription),
        (widget.windowTitle, widget.setWindowTitle),
    ]
    if isinstance(widget, QLabel):
        properties.append((widget.text, widget.setText))
    elif isinstance(widget, QAbstractButton):
        if not (isinstance(widget, QToolButton) and widget.defaultAction() is not None):
            properties.append((widget.text, widget.setText))
    elif isinstance(widget, QGroupBox | QMenu):
        properties.append((widget.title, widget.setTitle))
    elif isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit):
        properties.append((widget.placeholderText, widget.setPlaceholderText))
    elif isinstance(widget, QComboBox) and not widget.isEditable():
        for index in range(widget.count()):
            properties.append(
                (
                    lambda index=index: widget.itemText(index),
                    lambda text, index=index: widget.setItemText(index, text),
                )
            )
    elif isinstance(widget, QTabWidget):
        for index in range(widget.count()):
            properties.append(
                (
                    lambda index=index: widget.tabText(index),
                    lambda text, index=index: widget.setTabText(index, text),
                )
            )
            properties.append(
                (
                    lambda index=index: widget.tabToolTip(index),
                    lambda text, index=index: widget.setTabToolTip(index, text),
                )
            )
    if isinstance(widget, QAbstractSpinBox):
        properties.append((widget.specialValueText, widget.setSpecialValueText))
        if isinstance(widget, QSpinBox | QDoubleSpinBox):
            properties.append((widget.suffix, widget.setSuffix))
            properties.append((widget.prefix, widget.setPrefix))
    return properties


def _contexts(item: QObject) -> list[str]:
    """The class names of the object and its parents, nearest first."""
    names = []
    current: QObject | None = item
    while current is not None:
        names.append(type(current).__name__)
        current = current.parent()
    return names


def objects_of(root: QWidget) -> list[QObject]:
    """The widget, its child widgets and every action they own."""
    objects: list[QObject] = [root]
    objects.extend(root.findChildren(QWidget))
    objects.extend(root.findChildren(QAction))
    return objects


def retranslate_tree(root: QWidget, text_mapper: TextMapper) -> int:
    """Replace every known text under `root`; returns how many texts changed.

    All old texts are read before any is written, so a text never goes through the
    mapper twice (a menu's title and its menu action are the same text).
    """
    changes: list[tuple[Callable[[str], None], str]] = []
    for item in objects_of(root):
        if isinstance(item, QAction):
            properties = _action_properties(item)
        elif isinstance(item, QWidget):
            properties = _widget_properties(item)
        else:
            continue
        contexts = _contexts(item)
        for getter, setter in properties:
            old = getter()
            new = text_mapper.map(old, contexts) if old else None
            if new is not None and new != old:
                changes.append((setter, new))
    for setter, new in changes:
        setter(new)
    for view in root.findChildren(QAbstractItemView):
        _refresh_view(view)
    return len(changes)


def _refresh_view(view: QAbstractItemView) -> None:
    """Item views ask their model again: headers and cells say what the model says now."""
    model = view.model()
    if model is None:
        return
    root = QModelIndex()
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(root)
    rows = model.rowCount(root)
    if columns:
        model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, columns - 1)
    if rows:
        model.headerDataChanged.emit(Qt.Orientation.Vertical, 0, rows - 1)
    view.viewport().update()


def retranslate_application(old: str, new: str) -> int:
    text_mapper = mapper(old, new)
    return sum(
        retranslate_tree(widget, text_mapper)
        for widget in QApplication.topLevelWidgets()
        if widget.parent() is None
    )
