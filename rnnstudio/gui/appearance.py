"""How the application looks as a whole: its icon, the system's light or dark palette, the font.

Everything here is light (Qt only, no torch), so the start-up window already has the
application's icon, colours and font size.
"""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget

from .theme import BASE_POINT_SIZE, is_dark

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
_BASE_SIZE_PROPERTY = "rnnstudio_base_point_size"
_DARK_PALETTE_PROPERTY = "rnnstudio_dark_palette"


def application_icon() -> QIcon:
    """The icon from the package's PNGs (every size, so each screen gets a sharp one)."""
    icon = QIcon()
    folder = resources.files("rnnstudio.resources") / "icons"
    for size in ICON_SIZES:
        pixmap = QPixmap()
        if pixmap.loadFromData((folder / f"rnnstudio-{size}.png").read_bytes(), "PNG"):
            icon.addPixmap(pixmap)
    return icon


def apply_font_scale(app: QApplication, scale: float) -> None:
    """Text at `scale` times the classroom base size, in every open widget, at once.

    Widgets that chose their own font (the monospace printout) keep their proportion.
    """
    base = app.property(_BASE_SIZE_PROPERTY)
    if not isinstance(base, float):
        base = max(app.font().pointSizeF(), BASE_POINT_SIZE)
        app.setProperty(_BASE_SIZE_PROPERTY, float(base))
    old = app.font().pointSizeF()
    new = round(base * scale, 1)
    if old <= 0 or abs(new - old) < 0.05:
        return
    font = app.font()
    font.setPointSizeF(new)
    app.setFont(font)
    ratio = new / old
    for widget in app.allWidgets():
        if widget.testAttribute(Qt.WidgetAttribute.WA_SetFont):
            own = widget.font()
            if own.pointSizeF() > 0:
                own.setPointSizeF(round(own.pointSizeF() * ratio, 1))
                widget.setFont(own)


def dark_palette() -> QPalette:
    """A dark palette with the contrast of the light one, for styles that have no dark mode."""
    palette = QPalette()
    roles = QPalette.ColorRole
    base, window, text = QColor("#1e1e1e"), QColor("#2b2b2b"), QColor("#e8e8e8")
    colors = {
        roles.Window: window,
        roles.WindowText: text,
        roles.Base: base,
        roles.AlternateBase: QColor("#262626"),
        roles.ToolTipBase: QColor("#3a3a3a"),
        roles.ToolTipText: text,
        roles.PlaceholderText: QColor("#9a9a9a"),
        roles.Text: text,
        roles.Button: QColor("#353535"),
        roles.ButtonText: text,
        roles.BrightText: QColor("#ff6b6b"),
        roles.Light: QColor("#4a4a4a"),
        roles.Midlight: QColor("#3e3e3e"),
        roles.Mid: QColor("#333333"),
        roles.Dark: QColor("#151515"),
        roles.Shadow: QColor("#000000"),
        roles.Highlight: QColor("#3d7bd9"),
        roles.HighlightedText: QColor("#ffffff"),
        roles.Link: QColor("#7fb2ff"),
        roles.LinkVisited: QColor("#c49bff"),
    }
    for role, color in colors.items():
        palette.setColor(role, color)
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(disabled, role, QColor("#7a7a7a"))
    palette.setColor(disabled, roles.Highlight, QColor("#505050"))
    return palette


def apply_color_scheme(app: QApplication, scheme: Qt.ColorScheme) -> None:
    """Dark when the system says dark, even with a style whose own palette is always light."""
    ours = bool(app.property(_DARK_PALETTE_PROPERTY))
    if scheme == Qt.ColorScheme.Dark and not is_dark(app.palette()):
        if app.style().name().lower() not in ("fusion", "windows11"):
            app.setStyle("Fusion")  # the classic Windows styles cannot draw a dark palette
        app.setPalette(dark_palette())
        app.setProperty(_DARK_PALETTE_PROPERTY, True)
    elif scheme != Qt.ColorScheme.Dark and ours:
        app.setPalette(app.style().standardPalette())
        app.setProperty(_DARK_PALETTE_PROPERTY, False)


def follow_color_scheme(app: QApplication) -> None:
    """Apply the system's light or dark scheme now and whenever it changes."""
    hints = QGuiApplication.styleHints()
    hints.colorSchemeChanged.connect(lambda scheme: apply_color_scheme(app, scheme))
    apply_color_scheme(app, hints.colorScheme())


def pane_dock(parent: QWidget, name: str, widget: QWidget, *, closable: bool = True) -> QDockWidget:
    """A pane of the window: movable, floatable and (unless not ``closable``) closable.

    Bold titles tell the panes apart from across a classroom (the contents keep theirs).
    The title is set by whoever translates the window's texts.
    """
    dock = QDockWidget(parent)
    dock.setObjectName(name)
    dock.setWidget(widget)
    dock.setStyleSheet("QDockWidget { font-weight: bold; }")
    features = (
        QDockWidget.DockWidgetFeature.DockWidgetMovable
        | QDockWidget.DockWidgetFeature.DockWidgetFloatable
    )
    if closable:
        features |= QDockWidget.DockWidgetFeature.DockWidgetClosable
    dock.setFeatures(features)
    return dock
