"""Figures of a training run: loss and accuracy per epoch, the confusion matrix, and the norm of
dLoss/dh_t over time on a log scale. Standalone matplotlib Figures, no pyplot, no Qt.

``TrainingCurves`` creates its lines once; ``set_history`` moves their data and asks for a
redraw, so the window can update it after every epoch.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from rnnstudio.core.training import EpochRecord

TRAIN_COLOR = "#1f77b4"
VAL_COLOR = "#d62728"
LAYER_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf")

_TEXT = {
    "en": {
        "epoch": "epoch",
        "loss": "loss",
        "accuracy": "accuracy",
        "train": "training",
        "val": "validation",
        "loss_title": "Loss ({loss})",
        "accuracy_title": "Accuracy",
        "predicted": "predicted class",
        "true": "true class",
        "confusion_title": "Validation: {correct} of {total} right ({share:.1%})",
        "time_step": "time step t",
        "gradient": "‖dLoss/dh_t‖ (log scale)",
        "gradient_title": "{label}",
        "vanished": "steps at 0 (below float32): not drawn",
    },
    "es": {
        "epoch": "época",
        "loss": "pérdida",
        "accuracy": "exactitud",
        "train": "entrenamiento",
        "val": "validación",
        "loss_title": "Pérdida ({loss})",
        "accuracy_title": "Exactitud",
        "predicted": "clase predicha",
        "true": "clase verdadera",
        "confusion_title": "Validación: {correct} de {total} correctas ({share:.1%})",
        "time_step": "paso de tiempo t",
        "gradient": "‖dPérdida/dh_t‖ (escala log)",
        "gradient_title": "{label}",
        "vanished": "pasos en 0 (por debajo de float32): sin dibujar",
    },
}


def _text(key: str, lang: str, **values: object) -> str:
    text = _TEXT.get(lang, _TEXT["en"])[key]
    return text.format(**values) if values else text


class TrainingCurves:
    """Loss (left) and, for classification, accuracy (right) per epoch, training and validation.

    ``epochs`` fixes the x axis to the planned run, so it does not jump during live updates.
    """

    def __init__(
        self,
        *,
        classification: bool = True,
        epochs: int = 1,
        loss_name: str = "CrossEntropyLoss",
        lang: str = "en",
        figure: Figure | None = None,
    ) -> None:
        self.figure = figure if figure is not None else Figure(figsize=(8.0, 3.2))
        self.figure.set_layout_engine("constrained")
        self.lang = lang
        self.epochs = max(1, epochs)
        columns = 2 if classification else 1
        self.loss_axes = self.figure.add_subplot(1, columns, 1)
        self.accuracy_axes = self.figure.add_subplot(1, columns, 2) if classification else None
        self.loss_axes.set_title(_text("loss_title", lang, loss=loss_name))
        self.loss_axes.set_xlabel(_text("epoch", lang))
        self.loss_axes.set_ylabel(_text("loss", lang))
        style = {"marker": "o", "markersize": 3, "linewidth": 1.8}
        (self.train_loss_line,) = self.loss_axes.plot(
            [], [], color=TRAIN_COLOR, label=_text("train", lang), **style
        )
        (self.val_loss_line,) = self.loss_axes.plot(
            [], [], color=VAL_COLOR, label=_text("val", lang), **style
        )
        self.loss_axes.legend(loc="upper right")
        self.train_accuracy_line = self.val_accuracy_line = None
        if self.accuracy_axes is not None:
            axes = self.accuracy_axes
            axes.set_title(_text("accuracy_title", lang))
            axes.set_xlabel(_text("epoch", lang))
            axes.set_ylabel(_text("accuracy", lang))
            axes.set_ylim(0.0, 1.02)
            axes.yaxis.set_major_formatter(lambda value, _position: f"{value:.0%}")
            (self.train_accuracy_line,) = axes.plot(
                [], [], color=TRAIN_COLOR, label=_text("train", lang), **style
            )
            (self.val_accuracy_line,) = axes.plot(
                [], [], color=VAL_COLOR, label=_text("val", lang), **style
            )
            axes.legend(loc="lower right")
        for axes in self._axes:
            axes.grid(True, alpha=0.3)
            axes.xaxis.get_major_locator().set_params(integer=True)
        self._set_epoch_limits(0)

    @property
    def _axes(self) -> list:
        return [axes for axes in (self.loss_axes, self.accuracy_axes) if axes is not None]

    def _set_epoch_limits(self, done: int) -> None:
        for axes in self._axes:
            axes.set_xlim(0.5, max(self.epochs, done) + 0.5)

    def set_history(self, history: Sequence[EpochRecord], *, epochs: int | None = None) -> None:
        """Show ``history`` (one record per epoch done) and ask the canvas for a redraw."""
        if epochs is not None:
            self.epochs = max(1, epochs)
        numbers = [record.epoch for record in history]
        self.train_loss_line.set_data(numbers, [record.train_loss for record in history])
        self.val_loss_line.set_data(numbers, [record.val_loss for record in history])
        if self.train_accuracy_line is not None and self.val_accuracy_line is not None:
            self.train_accuracy_line.set_data(
                numbers, [_or_nan(record.train_accuracy) for record in history]
            )
            self.val_accuracy_line.set_data(
                numbers, [_or_nan(record.val_accuracy) for record in history]
            )
        losses = [value for r in history for value in (r.train_loss, r.val_loss)]
        finite = [value for value in losses if math.isfinite(value)]
        top = max(finite) if finite else 1.0
        self.loss_axes.set_ylim(0.0, top * 1.08 if top > 0 else 1.0)
        self._set_epoch_limits(len(numbers))
        self.figure.canvas.draw_idle()


def _or_nan(value: float | None) -> float:
    return math.nan if value is None else value


def confusion_matrix_figure(
    matrix: Sequence[Sequence[int]],
    class_names: Sequence[str],
    *,
    lang: str = "en",
    figure: Figure | None = None,
) -> Figure:
    """Rows: true class; columns: predicted class. Colour is the share of the row, so a class
    with few examples is as readable as a large one; each cell shows its count."""
    counts = np.asarray(matrix, dtype=np.int64)
    figure = figure if figure is not None else Figure(figsize=(5.2, 4.6))
    figure.clear()
    figure.set_layout_engine("constrained")
    axes = figure.add_subplot(1, 1, 1)
    totals = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, totals, out=np.zeros(counts.shape), where=totals > 0)
    # aspect "auto": a forced square box slips out of the space constrained layout gave it.
    image = axes.imshow(shares, cmap="Blues", vmin=0.0, vmax=1.0, aspect="auto")
    classes = counts.shape[0]
    names = list(class_names) if len(class_names) == classes else [str(i) for i in range(classes)]
    axes.set_xticks(range(classes), names, rotation=30, ha="right")
    axes.set_yticks(range(classes), names)
    axes.set_xlabel(_text("predicted", lang))
    axes.set_ylabel(_text("true", lang))
    if classes <= 20:
        for row in range(classes):
            for column in range(classes):
                color = "white" if shares[row, column] > 0.55 else "black"
                axes.text(
                    column,
                    row,
                    str(counts[row, column]),
                    ha="center",
                    va="center",
                    color=color,
                    fontsize=10,
                )
    total = int(counts.sum())
    correct = int(np.trace(counts))
    axes.set_title(
        _text(
            "confusion_title",
            lang,
            correct=correct,
            total=total,
            share=correct / total if total else 0.0,
        )
    )
    figure.colorbar(image, ax=axes, fraction=0.046, pad=0.04)
    return figure


def bucket_maxima(values: np.ndarray, max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """At most ``max_points`` points per row of ``values`` [rows, time]: each bucket's largest
    value at the bucket's middle step, so that a spike of the gradient stays visible."""
    values = np.asarray(values, dtype=np.float64)
    steps = values.shape[-1]
    if steps <= max_points:
        return np.arange(steps, dtype=np.float64), values
    size = math.ceil(steps / max_points)
    padded = np.full((values.shape[0], math.ceil(steps / size) * size), np.nan)
    padded[:, :steps] = values
    buckets = padded.reshape(values.shape[0], -1, size)
    maxima = np.nanmax(buckets, axis=-1)
    middles = np.minimum(np.arange(buckets.shape[1]) * size + (size - 1) / 2, steps - 1)
    return middles, maxima


def gradient_norms_figure(
    panels: Mapping[str, object],
    *,
    layer_names: Mapping[str, Sequence[str]] | None = None,
    lang: str = "en",
    figure: Figure | None = None,
) -> Figure:
    """‖dLoss/dh_t‖ over time on a log scale, one panel per model, side by side.

    ``panels`` maps a label (e.g. "RNN" and "LSTM") to norms [layers, time] as
    gradient_over_time returns them; ``layer_names`` gives each panel's line labels. The
    panels share the y axis, so a vanishing gradient is seen against one that survives.
    Exact zeros (underflow) cannot sit on a log axis: they are left out and said so.
    """
    figure = figure if figure is not None else Figure(figsize=(4.6 * max(1, len(panels)), 3.6))
    figure.clear()
    figure.set_layout_engine("constrained")
    width_pixels = figure.get_figwidth() * figure.dpi / max(1, len(panels))
    axes_list = figure.subplots(1, max(1, len(panels)), sharey=True, squeeze=False)[0]
    for axes, (label, norms) in zip(axes_list, panels.items(), strict=False):
        values = np.asarray(norms, dtype=np.float64)
        if values.ndim == 1:
            values = values[None, :]
        steps, reduced = bucket_maxima(values, max(2, int(width_pixels)))
        names = list((layer_names or {}).get(label, ()))
        any_zero = False
        for row in range(reduced.shape[0]):
            line = reduced[row].copy()
            zero = line <= 0
            any_zero = any_zero or bool(zero.any())
            line[zero] = np.nan
            name = names[row] if row < len(names) else f"layer {row}"
            axes.plot(
                steps, line, color=LAYER_COLORS[row % len(LAYER_COLORS)], linewidth=1.6, label=name
            )
        axes.set_yscale("log")
        axes.set_title(_text("gradient_title", lang, label=label))
        axes.set_xlabel(_text("time_step", lang))
        axes.grid(True, which="major", alpha=0.3)
        axes.set_xlim(0, max(1, values.shape[-1] - 1))
        axes.legend(loc="lower right", fontsize=8)
        if any_zero:
            axes.text(
                0.02,
                0.02,
                _text("vanished", lang),
                transform=axes.transAxes,
                fontsize=8,
                color="#555555",
            )
    axes_list[0].set_ylabel(_text("gradient", lang))
    return figure
