"""The time scrubber: a slider over the time steps and a Play/Pause button that walks them.

Playing advances about PLAY_FPS frames per second, one step per frame for short sequences
and a few steps per frame for long ones, so any sequence plays in about MAX_PLAY_SECONDS.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QToolButton, QWidget

PLAY_FPS = 30
MAX_PLAY_SECONDS = 20.0


class TimeScrubber(QWidget):
    """Chooses the time step t shown by every plot; ``sig_step_changed(t)`` on each change."""

    sig_step_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.play_button = QToolButton()
        self.play_button.setObjectName("scrubber_play")
        self.play_button.setCheckable(True)
        self.play_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.play_button.toggled.connect(self._on_play_button_toggled)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("scrubber_slider")
        self.slider.setRange(0, 0)
        self.slider.setPageStep(1)
        self.slider.valueChanged.connect(self._on_slider_value_changed)
        self.step_label = QLabel()
        self.step_label.setObjectName("scrubber_step")
        self.step_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("t = 00000 / 00000"))
        self.timer = QTimer(self)
        self.timer.setInterval(round(1000 / PLAY_FPS))
        self.timer.timeout.connect(self._on_timer_timeout)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.play_button)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.step_label)
        self._update_texts()

    @property
    def step(self) -> int:
        return self.slider.value()

    @property
    def steps(self) -> int:
        return self.slider.maximum() + 1

    @property
    def is_playing(self) -> bool:
        return self.timer.isActive()

    def set_steps(self, steps: int) -> None:
        """The sequence has ``steps`` time steps (0 … steps-1); t stays where it was if it can."""
        steps = max(1, steps)
        if steps - 1 != self.slider.maximum():
            self.slider.setMaximum(steps - 1)  # clamps the value, which reports the change
        self.setEnabled(steps > 1)
        self._update_texts()

    def set_step(self, step: int) -> None:
        self.slider.setValue(step)

    def play(self) -> None:
        self.play_button.setChecked(True)

    def pause(self) -> None:
        self.play_button.setChecked(False)

    def advance(self) -> None:
        """One frame of playing: a step forward (a few for long sequences); stops at the end."""
        stride = max(1, math.ceil(self.steps / (PLAY_FPS * MAX_PLAY_SECONDS)))
        if self.step >= self.slider.maximum():
            self.pause()
            return
        self.slider.setValue(min(self.step + stride, self.slider.maximum()))
        if self.step >= self.slider.maximum():
            self.pause()

    def _on_play_button_toggled(self, checked: bool) -> None:
        if checked:
            if self.step >= self.slider.maximum():
                self.slider.setValue(0)  # play again from the start
            self.timer.start()
        else:
            self.timer.stop()
        self._update_texts()

    def _on_timer_timeout(self) -> None:
        self.advance()

    def _on_slider_value_changed(self, value: int) -> None:
        self._update_texts()
        self.sig_step_changed.emit(value)

    def _update_texts(self) -> None:
        playing = self.play_button.isChecked()
        self.play_button.setText(self.tr("❚❚ Pause") if playing else self.tr("▶ Play"))
        self.play_button.setToolTip(
            self.tr("Stop at this time step") if playing else self.tr("Walk through the time steps")
        )
        self.step_label.setText(
            self.tr("t = {step} of 0…{last}").format(step=self.step, last=self.slider.maximum())
        )
