"""Projector mode: Ctrl+Plus / Ctrl+Minus / Ctrl+0 scale every font, in Qt and in the plots;
the scale is remembered; the presenter preset brings large text, high contrast, a thick cursor.
"""

from __future__ import annotations

import pytest
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.text import Text
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import QApplication

from rnnstudio.core.examples import load_example
from rnnstudio.core.model import build_model
from rnnstudio.core.signals import make_input
from rnnstudio.core.trace import trace
from rnnstudio.gui import settings as preferences
from rnnstudio.gui.main_window import MainWindow
from rnnstudio.gui.projector import (
    PRESENTER_CURSOR_WIDTH,
    Projector,
    cursor_width,
    scale_everything,
)
from rnnstudio.plots import style as plot_style
from rnnstudio.plots.hidden import HiddenStateFigure
from rnnstudio.plots.style import CURSOR_GID


@pytest.fixture
def normal_size_afterwards(qapp):
    palette = QPalette(qapp.palette())
    yield
    scale_everything(1.0)
    plot_style.set_cursor_width(plot_style.DEFAULT_CURSOR_WIDTH)
    qapp.setPalette(palette)
    qapp.setProperty("rnnstudio_palette_before_presenter", None)


def _base(qapp) -> float:
    return float(qapp.property("rnnstudio_base_point_size") or qapp.font().pointSizeF())


def _hidden_state_canvas(window: MainWindow) -> tuple[HiddenStateFigure, FigureCanvasQTAgg]:
    project = load_example("ejemplo_b")
    traced = trace(build_model(project, seed=0), make_input(project))
    view = HiddenStateFigure()
    canvas = FigureCanvasQTAgg(view.figure)
    canvas.setParent(window)
    canvas.resize(600, 400)
    canvas.show()
    view.update(traced, "rnn", project=project)
    view.set_cursor(2)
    return view, canvas


def _title_size(view: HiddenStateFigure) -> float:
    return (
        view.figure._suptitle.get_fontsize()
        if view.figure._suptitle
        else max(text.get_fontsize() for text in view.figure.findobj(Text) if text.get_text())
    )


def test_zoom_scales_every_font_in_qt_and_in_the_plots(
    qtbot, qapp, window: MainWindow, normal_size_afterwards
) -> None:
    base = _base(qapp)
    printout = window.model_pane.printout.text  # a widget with its own (monospace) font
    printout_size = printout.font().pointSizeF()
    label = window.status_parameters
    view, canvas = _hidden_state_canvas(window)
    texts = [text for text in view.figure.findobj(Text) if text.get_text()]
    sizes = [text.get_fontsize() for text in texts]
    tick = view.panels[0].axes.yaxis.get_ticklabels()[0].get_fontsize()
    projector = window.classroom.projector

    window.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert projector.scale == pytest.approx(1.1)
    assert qapp.font().pointSizeF() == pytest.approx(base * 1.1, abs=0.06)
    # Qt posts the font change to every widget.
    qtbot.waitUntil(lambda: abs(label.font().pointSizeF() - base * 1.1) < 0.06)
    assert printout.font().pointSizeF() == pytest.approx(printout_size * 1.1, abs=0.1)
    for text, size in zip(texts, sizes, strict=True):
        assert text.get_fontsize() == pytest.approx(size * 1.1)
    assert view.panels[0].axes.yaxis.get_ticklabels()[0].get_fontsize() == pytest.approx(tick * 1.1)

    for _step in range(10):
        window.findChild(QAction, "action_zoom_in").trigger()
    assert projector.scale == pytest.approx(2.5)  # the most
    assert qapp.font().pointSizeF() == pytest.approx(base * 2.5, abs=0.06)
    assert texts[0].get_fontsize() == pytest.approx(sizes[0] * 2.5)
    assert not window.findChild(QAction, "action_zoom_in").isEnabled()
    assert preferences.font_scale(window.settings) == pytest.approx(2.5)

    # A figure made now is made at the scale.
    fresh = HiddenStateFigure()
    assert fresh.figure is not None
    assert plot_style.font_scale() == pytest.approx(2.5)

    for _step in range(20):
        window.findChild(QAction, "action_zoom_out").trigger()
    assert projector.scale == pytest.approx(0.8)  # the least
    assert qapp.font().pointSizeF() == pytest.approx(base * 0.8, abs=0.06)

    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert projector.scale == 1.0
    assert qapp.font().pointSizeF() == pytest.approx(base, abs=0.06)
    assert printout.font().pointSizeF() == pytest.approx(printout_size, abs=0.15)
    for text, size in zip(texts, sizes, strict=True):
        assert text.get_fontsize() == pytest.approx(size)
    canvas.close()


def test_the_scale_is_remembered(qapp, tmp_path, window: MainWindow, normal_size_afterwards):
    window.classroom.projector.set_scale(1.5)
    assert preferences.font_scale(window.settings) == 1.5
    again = Projector(window, window.settings)
    assert again.scale == 1.5
    # The start-up applies it before the window is built (startup.py), here by hand:
    other = QSettings(str(tmp_path / "other.ini"), QSettings.Format.IniFormat)
    preferences.set_font_scale(2.0, other)
    from rnnstudio.gui.projector import apply_saved_look

    assert apply_saved_look(other) == 2.0
    assert qapp.font().pointSizeF() == pytest.approx(_base(qapp) * 2.0, abs=0.06)


def test_the_presenter_preset(qtbot, qapp, window: MainWindow, normal_size_afterwards) -> None:
    view, canvas = _hidden_state_canvas(window)
    [cursor, *_] = [
        line
        for line in view.figure.findobj()
        if getattr(line, "get_gid", None) and line.get_gid() == CURSOR_GID
    ]
    assert cursor.get_linewidth() == pytest.approx(plot_style.DEFAULT_CURSOR_WIDTH)
    base = _base(qapp)
    action = window.findChild(QAction, "action_presenter")
    action.trigger()
    assert action.isChecked()
    assert window.classroom.projector.scale == 2.0
    assert qapp.font().pointSizeF() == pytest.approx(base * 2.0, abs=0.06)
    palette = QApplication.palette()
    assert palette.color(QPalette.ColorRole.Window).name() == "#ffffff"
    assert palette.color(QPalette.ColorRole.WindowText).name() == "#000000"
    assert palette.color(QPalette.ColorRole.Highlight).name() == "#0033cc"
    assert cursor.get_linewidth() == PRESENTER_CURSOR_WIDTH
    assert plot_style.cursor_width() == PRESENTER_CURSOR_WIDTH  # the Run pane's next cursors
    assert window.settings.value("presenter") in (True, "true")
    action.trigger()  # off: the previous size, palette and cursor come back
    assert window.classroom.projector.scale == 1.0
    assert cursor.get_linewidth() == pytest.approx(cursor_width(window.settings))
    assert QApplication.palette().color(QPalette.ColorRole.Highlight).name() != "#0033cc"
    canvas.close()


def test_the_preferences_dialog_scale_reaches_the_plots(window, normal_size_afterwards) -> None:
    view, canvas = _hidden_state_canvas(window)
    texts = [text for text in view.figure.findobj(Text) if text.get_text()]
    size = texts[0].get_fontsize()
    preferences.set_font_scale(2.0, window.settings)  # what the Preferences dialog stores
    assert texts[0].get_fontsize() == pytest.approx(size * 2.0)
    assert window.classroom.projector.scale == 2.0
    canvas.close()


def test_panes_too_wide_for_the_screen_scroll_instead(qtbot, window: MainWindow) -> None:
    """Large text can make a pane (or the status line) wider than the screen: it scrolls (or
    is cut short) so that the window stays on the screen."""
    from PySide6.QtWidgets import QDockWidget, QLabel, QScrollArea

    from rnnstudio.gui.projector import fit_docks_to_screen

    screen = window.screen().availableGeometry()
    wide = QLabel("x" * 20 + " " + "W" * 400)
    wide.setObjectName("too_wide")
    dock = QDockWidget("wide", window)
    dock.setObjectName("dock_too_wide")
    dock.setWidget(wide)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    status = QLabel("status " * 200)
    window.statusBar().addPermanentWidget(status)
    dock.show()
    qtbot.waitUntil(lambda: window.minimumSizeHint().width() > screen.width())
    wrapped = fit_docks_to_screen(window)
    assert dock in wrapped
    assert isinstance(dock.widget(), QScrollArea) and dock.widget().widget() is wide
    assert window.minimumSizeHint().width() <= screen.width()
    assert fit_docks_to_screen(window) == []  # once is enough
