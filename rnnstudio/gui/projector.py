"""Projector mode: Ctrl+Plus / Ctrl+Minus / Ctrl+0 scale every text, in Qt and in the plots.

The Qt side goes through appearance.apply_font_scale (the application font, and the
widgets that chose their own font); the plots side through rnnstudio.plots.style (figures
made afterwards, and the texts of the figures on screen). The scale is remembered
(settings key "font_scale"). The presenter preset adds large text, a high-contrast palette
and a thick time cursor; the Run pane's figures read the cursor width from plots.style, and
`cursor_width(settings)` gives the stored value (settings key "cursor_width").
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSizePolicy,
    QWidget,
)

from rnnstudio.plots import style as plot_style

from . import settings as preferences
from .appearance import apply_font_scale

translate = QCoreApplication.translate

ZOOM_STEPS = (0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5)
PRESENTER_KEY = "presenter"
CURSOR_WIDTH_KEY = "cursor_width"
PRESENTER_SCALE = 2.0
PRESENTER_CURSOR_WIDTH = 4.0
_PALETTE_PROPERTY = "rnnstudio_palette_before_presenter"
# Where appearance.apply_font_scale keeps the size that scale 1 means.
_BASE_SIZE_PROPERTY = "rnnstudio_base_point_size"
# Narrower than this many pixels per unit of text scale, the window's panes go into tabs.
SIDE_BY_SIDE_WIDTH = 1600
# A pane may need at most this part of the screen's width before it scrolls instead.
PANE_SHARE_OF_SCREEN = 0.4


def clamp_scale(scale: float) -> float:
    return min(max(float(scale), preferences.FONT_SCALE_MIN), preferences.FONT_SCALE_MAX)


def next_step(scale: float, direction: int) -> float:
    """The next zoom step up (+1) or down (-1) from `scale`."""
    if direction > 0:
        return next((step for step in ZOOM_STEPS if step > scale + 1e-6), ZOOM_STEPS[-1])
    return next((step for step in reversed(ZOOM_STEPS) if step < scale - 1e-6), ZOOM_STEPS[0])


def open_figures() -> list[Any]:
    """The matplotlib figures of every canvas on screen (none before matplotlib is loaded)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return []
    figures = []
    for widget in app.allWidgets():
        figure = getattr(widget, "figure", None)
        if figure is not None and hasattr(widget, "draw_idle") and hasattr(figure, "axes"):
            figures.append(figure)
    return figures


def text_scale() -> float:
    """How large the application's text is now, against the classroom base size."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return 1.0
    base = app.property(_BASE_SIZE_PROPERTY)
    size = app.font().pointSizeF()
    if not isinstance(base, float) or base <= 0 or size <= 0:
        return 1.0
    return size / base


def scale_everything(scale: float) -> float:
    """Qt's fonts and the plots' texts at `scale`; returns the scale applied."""
    scale = clamp_scale(scale)
    app = QApplication.instance()
    if isinstance(app, QApplication):
        apply_font_scale(app, scale)
    # Figures on screen first: one not seen before is at the scale in force until now.
    for figure in open_figures():
        plot_style.scale_figure_fonts(figure, scale)
    plot_style.set_font_scale(scale)
    return scale


def fit_docks_to_screen(window: QMainWindow) -> list[QDockWidget]:
    """Put a pane whose contents would need too much of the screen in a scroll area.

    Large text makes a row of buttons or a toolbar wider (or a column of controls taller)
    than a pane can be; without this, the window would grow past the screen's edge.
    Returns the docks that now scroll.
    """
    screen = window.screen()
    if screen is None:
        return []
    available = screen.availableGeometry()
    width_limit = available.width() * PANE_SHARE_OF_SCREEN
    height_limit = available.height() * PANE_SHARE_OF_SCREEN
    wrapped = []
    for dock in window.findChildren(QDockWidget):
        content = dock.widget()
        if content is None or isinstance(content, QScrollArea):
            continue
        # As a layout sees it: a minimum set on the widget wins over its hint.
        hint = content.minimumSizeHint()
        width = content.minimumWidth() or hint.width()
        height = content.minimumHeight() or hint.height()
        if width <= width_limit and height <= height_limit:
            continue
        area = QScrollArea()
        area.setObjectName(f"{dock.objectName()}_scroll")
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        dock.setWidget(area)
        area.setWidget(content)
        content.show()
        wrapped.append(dock)
    bar = window.statusBar()
    if bar.minimumSizeHint().width() > available.width():
        # The status line's texts may be cut short, rather than the window pass the screen.
        for label in bar.findChildren(QLabel):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, label.sizePolicy().verticalPolicy())
    return wrapped


def cursor_width(settings: QSettings | None = None) -> float:
    """The time cursor's width the user chose (the presenter preset makes it thick)."""
    value = (settings if settings is not None else QSettings()).value(CURSOR_WIDTH_KEY)
    try:
        width = float(value)
    except (TypeError, ValueError):
        return plot_style.DEFAULT_CURSOR_WIDTH
    return width if 0.5 <= width <= 12.0 else plot_style.DEFAULT_CURSOR_WIDTH


def presenter_on(settings: QSettings | None = None) -> bool:
    value = (settings if settings is not None else QSettings()).value(PRESENTER_KEY, False)
    return value is True or value in ("true", "1", 1)


def high_contrast_palette() -> QPalette:
    """Black on white, a strong blue selection: readable on a washed-out projector."""
    palette = QPalette()
    roles = QPalette.ColorRole
    black, white = QColor("#000000"), QColor("#ffffff")
    colors = {
        roles.Window: white,
        roles.WindowText: black,
        roles.Base: white,
        roles.AlternateBase: QColor("#eef2ff"),
        roles.ToolTipBase: QColor("#ffffe0"),
        roles.ToolTipText: black,
        roles.PlaceholderText: QColor("#303030"),
        roles.Text: black,
        roles.Button: QColor("#e6e6e6"),
        roles.ButtonText: black,
        roles.BrightText: QColor("#b00000"),
        roles.Light: white,
        roles.Midlight: QColor("#d0d0d0"),
        roles.Mid: QColor("#707070"),
        roles.Dark: QColor("#404040"),
        roles.Shadow: black,
        roles.Highlight: QColor("#0033cc"),
        roles.HighlightedText: white,
        roles.Link: QColor("#0000cc"),
        roles.LinkVisited: QColor("#551a8b"),
    }
    for role, color in colors.items():
        palette.setColor(role, color)
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(disabled, role, QColor("#505050"))
    return palette


def apply_presenter_look(on: bool, settings: QSettings | None = None) -> None:
    """The palette and cursor of the presenter preset (on) or the usual ones (off)."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        saved = app.property(_PALETTE_PROPERTY)
        if on:
            if not isinstance(saved, QPalette):
                app.setProperty(_PALETTE_PROPERTY, QPalette(app.palette()))
            app.setPalette(high_contrast_palette())
        elif isinstance(saved, QPalette):
            app.setPalette(saved)
            app.setProperty(_PALETTE_PROPERTY, None)
    width = PRESENTER_CURSOR_WIDTH if on else cursor_width(settings)
    plot_style.set_cursor_width(width, tuple(open_figures()))


def apply_saved_look(settings: QSettings) -> float:
    """At start-up: the remembered scale (and presenter preset), before the window is built."""
    scale = scale_everything(preferences.font_scale(settings))
    if presenter_on(settings):
        apply_presenter_look(True, settings)
    return scale


class Projector(QObject):
    """The zoom and presenter actions of a window, and the remembered scale."""

    sig_scale_changed = Signal(float)
    sig_presenter_changed = Signal(bool)

    def __init__(self, window: QWidget, settings: QSettings) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        self._scale = preferences.font_scale(settings)
        self._scale_before_presenter: float | None = None
        standard = QKeySequence.StandardKey
        self.action_zoom_in = self._action(
            "action_zoom_in",
            [*QKeySequence.keyBindings(standard.ZoomIn), QKeySequence("Ctrl+=")],
            lambda: self.zoom(+1),
        )
        self.action_zoom_out = self._action(
            "action_zoom_out", QKeySequence.keyBindings(standard.ZoomOut), lambda: self.zoom(-1)
        )
        self.action_zoom_reset = self._action(
            "action_zoom_reset", [QKeySequence("Ctrl+0")], lambda: self.set_scale(1.0)
        )
        self.action_presenter = self._action(
            "action_presenter", [QKeySequence("Ctrl+Shift+P")], self._on_presenter_triggered
        )
        self.action_presenter.setCheckable(True)
        self.action_presenter.setChecked(presenter_on(settings))
        preferences.notifier().sig_font_scale_changed.connect(self._on_preferences_scale_changed)
        # The start-up scaled Qt's fonts; figures made from now on follow too.
        plot_style.set_font_scale(self._scale)
        if self.action_presenter.isChecked():
            apply_presenter_look(True, settings)
        if self._scale > 1.0 and isinstance(window, QMainWindow):
            # The start-up applied a large scale before the panes were made: keep them on
            # screen before the window takes its size.
            fit_docks_to_screen(window)
        self.retranslate()

    def _action(self, name: str, keys: list[QKeySequence], slot: Any) -> QAction:
        action = QAction(self.window)
        action.setObjectName(name)
        unique: list[QKeySequence] = []
        for key in keys:
            if all(key.toString() != other.toString() for other in unique):
                unique.append(key)
        action.setShortcuts(unique)
        action.triggered.connect(lambda _checked=False: slot())
        # Reachable while any pane has the focus.
        self.window.addAction(action)
        return action

    def retranslate(self) -> None:
        self.action_zoom_in.setText(translate("Projector", "Zoom &In"))
        self.action_zoom_in.setToolTip(
            translate("Projector", "Larger text everywhere, plots included (Ctrl++)")
        )
        self.action_zoom_out.setText(translate("Projector", "Zoom &Out"))
        self.action_zoom_out.setToolTip(translate("Projector", "Smaller text everywhere (Ctrl+-)"))
        self.action_zoom_reset.setText(translate("Projector", "&Normal Size"))
        self.action_zoom_reset.setToolTip(translate("Projector", "Text at 100% again (Ctrl+0)"))
        self.action_presenter.setText(translate("Projector", "&Presenter Mode"))
        self.action_presenter.setToolTip(
            translate(
                "Projector",
                "For a projector: large text, high-contrast colours and a thick time cursor",
            )
        )

    @property
    def scale(self) -> float:
        return self._scale

    def zoom(self, direction: int) -> float:
        return self.set_scale(next_step(self._scale, direction))

    def set_scale(self, scale: float) -> float:
        """Every text at `scale` × the classroom base size (80% to 250%), remembered."""
        compact_before = self._compact()
        scale = scale_everything(scale)
        self._scale = scale
        if self._compact() != compact_before:
            # Side by side no longer fits (or fits again): the window's arrangement for it.
            arrange = getattr(self.window, "_apply_default_sizes", None)
            if callable(arrange):
                arrange()
        self._fit_later()
        preferences.set_font_scale(scale, self.settings)
        self.action_zoom_in.setEnabled(scale < ZOOM_STEPS[-1] - 1e-6)
        self.action_zoom_out.setEnabled(scale > ZOOM_STEPS[0] + 1e-6)
        message = translate("Projector", "Text size {percent}%").format(percent=round(scale * 100))
        status = getattr(self.window, "statusBar", None)
        if callable(status):
            status().showMessage(message, 3000)
        self.sig_scale_changed.emit(scale)
        return scale

    def set_presenter(self, on: bool) -> None:
        """The presenter preset on or off; off brings back the previous text size."""
        self.settings.setValue(PRESENTER_KEY, on)
        self.action_presenter.setChecked(on)
        apply_presenter_look(on, self.settings)
        if on:
            self._scale_before_presenter = self._scale
            self.set_scale(max(self._scale, PRESENTER_SCALE))
        else:
            self.set_scale(self._scale_before_presenter or 1.0)
            self._scale_before_presenter = None
        self.sig_presenter_changed.emit(on)

    def _on_presenter_triggered(self) -> None:
        self.set_presenter(self.action_presenter.isChecked())

    def _on_preferences_scale_changed(self, scale: float) -> None:
        # The Preferences dialog scaled Qt's fonts; the plots follow, and the zoom too.
        if abs(scale - self._scale) > 1e-6:
            self._scale = scale_everything(scale)
            self._fit_later()
            self.sig_scale_changed.emit(self._scale)

    def _compact(self) -> bool:
        return self.window.width() < SIDE_BY_SIDE_WIDTH * text_scale()

    def _fit_later(self) -> None:
        """After Qt has given every widget its new font: keep the panes on screen."""
        # The projector as the timer's context: a window closed meanwhile is left alone.
        QTimer.singleShot(0, self, self._fit_now)

    def _fit_now(self) -> None:
        if isinstance(self.window, QMainWindow):
            fit_docks_to_screen(self.window)
