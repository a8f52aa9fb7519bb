"""Look and accessibility: light and dark palettes, sharp high-DPI marks, keyboard, names."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from launching import child_environment
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QColor, QGuiApplication, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QToolButton, QWidget

from rnnstudio.gui.appearance import (
    application_icon,
    apply_color_scheme,
    dark_palette,
    follow_color_scheme,
)
from rnnstudio.gui.keyboard import PANE_ORDER, KeyboardOrder, takes_tab_focus
from rnnstudio.gui.shapes_pane import STAGE_COLUMN
from rnnstudio.gui.theme import is_dark, mark_icon


def _luminance(color: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.redF())
        + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF())
    )


def contrast(one: QColor, two: QColor) -> float:
    """WCAG's contrast ratio: 4.5 is the minimum for body text."""
    lighter, darker = sorted((_luminance(one), _luminance(two)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.fixture
def palette_restored(qapp):
    original = QPalette(qapp.palette())
    yield
    qapp.setPalette(original)
    qapp.setProperty("rnnstudio_dark_palette", False)


@pytest.fixture
def warned_window(window):
    """The student's network, whose reading of the input axes the core warns about."""
    window.open_example("rnn_alumno")
    assert window.document.analysis.warnings
    return window


def _marked_row_colors(window) -> list[tuple[QColor, QColor]]:
    model = window.shapes_pane.view.model()
    colors = []
    for row in range(model.rowCount()):
        index = model.index(row, STAGE_COLUMN)
        background = model.data(index, Qt.ItemDataRole.BackgroundRole)
        foreground = model.data(index, Qt.ItemDataRole.ForegroundRole)
        if background is not None:
            colors.append((background.color(), foreground.color()))
    return colors


@pytest.mark.parametrize("dark", [False, True])
def test_marked_rows_stay_readable_on_light_and_dark(qapp, warned_window, palette_restored, dark):
    if dark:
        qapp.setPalette(dark_palette())
    assert is_dark() == dark
    text = qapp.palette().color(QPalette.ColorRole.Text)
    rows = _marked_row_colors(warned_window)
    assert rows, "the warning row has a background"
    for background, mark in rows:
        assert contrast(background, text) >= 4.5
        assert contrast(background, mark) >= 3.0


def test_the_system_dark_scheme_is_followed_both_ways(qapp, palette_restored):
    assert not is_dark()
    follow_color_scheme(qapp)
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert is_dark()
    base = qapp.palette().color(QPalette.ColorRole.Base)
    assert contrast(base, qapp.palette().color(QPalette.ColorRole.Text)) >= 7
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not is_dark()
    # A palette the system already made dark is left alone.
    qapp.setPalette(dark_palette())
    apply_color_scheme(qapp, Qt.ColorScheme.Dark)
    assert not qapp.property("rnnstudio_dark_palette")


def test_marks_and_the_icon_have_pixels_for_high_dpi_screens(qapp):
    for kind in ("error", "warning"):
        sharp = mark_icon(kind).pixmap(QSize(16, 16), 2.0)
        assert sharp.devicePixelRatio() == 2.0 and sharp.width() == 32
    icon = application_icon()
    assert {size.width() for size in icon.availableSizes()} >= {16, 32, 48, 256}


_HIGH_DPI = """
import json, sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from rnnstudio.gui.app import create_application
app = create_application(sys.argv[:1])
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from rnnstudio.gui.main_window import MainWindow
window = MainWindow(settings=QSettings(sys.argv[1], QSettings.Format.IniFormat))
from matplotlib.figure import Figure
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget
# A plot as the panes embed them, plus any the window has (the Run pane's).
dock = QDockWidget("plot", window)
dock.setWidget(FigureCanvasQTAgg(Figure()))
window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
window.resize(1400, 900)
window.show()
run_dock = getattr(window, "run_dock", None)
if run_dock is not None:
    run_dock.raise_()
for _ in range(20):
    app.processEvents()
canvases = [c for c in window.findChildren(FigureCanvasQTAgg) if c.isVisible()]
grab = window.grab()
print("DPI", json.dumps({
    "window": window.devicePixelRatioF(),
    "grab": grab.devicePixelRatio(),
    "canvases": [c.device_pixel_ratio for c in canvases],
    "physical": [list(c.get_width_height(physical=True)) for c in canvases],
    "logical": [[c.width(), c.height()] for c in canvases],
}), flush=True)
window.document.undo_stack.setClean()
"""


def test_a_scaled_screen_renders_qt_and_matplotlib_at_its_pixel_ratio(tmp_path):
    env = child_environment(tmp_path, QT_SCALE_FACTOR="2")
    result = subprocess.run(
        [sys.executable, "-c", _HIGH_DPI, str(tmp_path / "s.ini")],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("DPI "))
    figures = json.loads(line[4:])
    assert figures["window"] == 2.0 and figures["grab"] == 2.0
    assert figures["canvases"], "a matplotlib canvas is shown"
    for ratio, physical, logical in zip(
        figures["canvases"], figures["physical"], figures["logical"], strict=True
    ):
        assert ratio == 2.0
        assert physical[0] >= 2 * logical[0] - 2 and physical[1] >= 2 * logical[1] - 2


# --- keyboard and names --------------------------------------------------------------------


def _all_menu_actions(window) -> set[QAction]:
    found: set[QAction] = set()
    pending = list(window.menuBar().actions())
    while pending:
        action = pending.pop()
        found.add(action)
        if action.menu() is not None:
            pending += action.menu().actions()
    return found


def test_every_button_action_is_in_a_menu_with_mnemonics(window):
    menus = _all_menu_actions(window)
    titles = [action.text() for action in window.menuBar().actions()]
    assert all("&" in title for title in titles), titles
    keys = [title[title.index("&") + 1].lower() for title in titles]
    assert len(keys) == len(set(keys)), f"two menus share a key: {titles}"
    KeyboardOrder(window)
    buttons = [b for b in window.findChildren(QToolButton) if b.defaultAction() is not None]
    assert buttons
    for button in buttons:
        # In a menu, or a Tab stop itself (a plot's toolbar).
        assert button.defaultAction() in menus or takes_tab_focus(button), button.text()


def _dock_of(window, widget: QWidget) -> str:
    for dock in window.docks:
        if dock.isAncestorOf(widget):
            return dock.objectName()
    return ""


def test_tab_walks_the_panes_in_reading_order(qtbot, window):
    KeyboardOrder(window)
    window.activateWindow()
    first = window.input_pane.findChildren(QWidget)
    start = next(widget for widget in first if takes_tab_focus(widget) and widget.isVisible())
    start.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    visited: list[str] = []
    for _ in range(120):
        focused = QApplication.focusWidget()
        pane = _dock_of(window, focused)
        if pane and (not visited or visited[-1] != pane):
            visited.append(pane)
        QTest.keyClick(focused, Qt.Key.Key_Tab)
    shown = [name for name in PANE_ORDER if name in visited]
    assert visited[: len(shown)] == shown, visited
    assert visited[0] == "dock_input"


def _tab_stops(window, dock) -> list[QWidget]:
    # A combo box's popup list is a window of its own, outside the window's Tab chain.
    return [w for w in dock.findChildren(QWidget) if takes_tab_focus(w) and w.window() is window]


def test_a_block_form_made_later_keeps_its_place_in_the_order(qtbot, window):
    order = KeyboardOrder(window)
    window.open_example("rnn_clas")
    linear_row = [block.type for block in window.document.project.blocks].index("linear")
    window.select_row(linear_row)
    order.refresh()
    properties = _tab_stops(window, window.properties_dock)
    parameters = _tab_stops(window, window.parameters_dock)
    assert properties and parameters
    chain, widget = [], window.properties_dock
    for _ in range(5000):
        widget = widget.nextInFocusChain()
        chain.append(widget)
        if widget is window.properties_dock:
            break
    positions = {w: index for index, w in enumerate(chain)}
    assert max(positions[w] for w in properties) < min(positions[w] for w in parameters)


def test_every_tab_stop_has_a_name(window):
    KeyboardOrder(window)
    window.open_example("rnn_alumno")
    missing = []
    for widget in window.findChildren(QWidget):
        if not (takes_tab_focus(widget) and widget.isVisibleTo(window)):
            continue
        if widget.accessibleName():
            continue
        if isinstance(widget, QAbstractButton) and widget.text().replace("&", "").strip():
            continue
        missing.append(f"{type(widget).__name__} {widget.objectName()}")
    assert missing == []
