"""Training figures: lines carry the history, the matrix its counts, gradients a log axis."""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.figure import Figure

from rnnstudio.core.training import EpochRecord
from rnnstudio.plots.training import (
    TrainingCurves,
    bucket_maxima,
    confusion_matrix_figure,
    gradient_norms_figure,
)


def _history(count: int, accuracy: bool = True) -> list[EpochRecord]:
    return [
        EpochRecord(
            epoch=i,
            train_loss=2.0 / i,
            val_loss=2.2 / i,
            train_accuracy=1 - 0.5 / i if accuracy else None,
            val_accuracy=1 - 0.6 / i if accuracy else None,
            seconds=0.5 * i,
        )
        for i in range(1, count + 1)
    ]


def test_curves_update_in_place_with_the_history():
    curves = TrainingCurves(epochs=10)
    lines = (curves.train_loss_line, curves.val_accuracy_line)
    curves.set_history(_history(3))
    history = _history(5)
    curves.set_history(history)
    assert (curves.train_loss_line, curves.val_accuracy_line) == lines  # same artists
    x, y = curves.val_loss_line.get_data()
    assert list(x) == [1, 2, 3, 4, 5]
    assert list(y) == [record.val_loss for record in history]
    assert list(curves.val_accuracy_line.get_ydata()) == [r.val_accuracy for r in history]
    assert curves.loss_axes.get_xlim() == (0.5, 10.5)  # the planned run, not the epochs done
    assert curves.loss_axes.get_ylim()[1] >= max(r.val_loss for r in history)
    curves.figure.savefig(io.BytesIO(), format="png")  # it renders


def test_regression_curves_have_no_accuracy_panel():
    curves = TrainingCurves(classification=False, epochs=3, loss_name="MSELoss")
    curves.set_history(_history(2, accuracy=False))
    assert curves.accuracy_axes is None and len(curves.figure.axes) == 1
    assert "MSELoss" in curves.loss_axes.get_title()


def test_confusion_matrix_shows_every_count_and_the_accuracy():
    matrix = [[5, 1, 0], [2, 7, 1], [0, 0, 4]]
    figure = confusion_matrix_figure(matrix, ["low", "medium", "high"])
    assert isinstance(figure, Figure)
    axes = figure.axes[0]
    texts = sorted(int(text.get_text()) for text in axes.texts)
    assert texts == sorted(value for row in matrix for value in row)
    assert "16 of 20" in axes.get_title()
    image = axes.images[0].get_array()
    assert np.allclose(image.sum(axis=1), 1.0)  # colour is the share of each true class
    assert [tick.get_text() for tick in axes.get_yticklabels()] == ["low", "medium", "high"]


def test_gradient_panels_side_by_side_on_a_shared_log_axis():
    rnn = np.geomspace(1e-20, 1.0, 50)[None, :]
    lstm = np.vstack([np.geomspace(1e-6, 1.0, 50), np.zeros(50)])
    figure = gradient_norms_figure(
        {"RNN": rnn, "LSTM": lstm}, layer_names={"LSTM": ["lstm1 layer 0", "lstm1 layer 1"]}
    )
    left, right = figure.axes
    assert left.get_yscale() == "log" and right.get_yscale() == "log"
    assert left.get_shared_y_axes().joined(left, right)
    assert [line.get_label() for line in right.get_lines()] == ["lstm1 layer 0", "lstm1 layer 1"]
    assert np.allclose(left.get_lines()[0].get_ydata(), rnn[0])
    # Zeros cannot sit on a log axis: they are left out and the panel says so.
    assert np.isnan(right.get_lines()[1].get_ydata()).all()
    assert any("not drawn" in text.get_text() for text in right.texts)


@pytest.mark.parametrize(("steps", "points"), [(10, 20), (1000, 100), (1001, 7)])
def test_bucket_maxima_never_exceeds_the_points_and_keeps_peaks(steps, points):
    values = np.random.default_rng(0).random((2, steps))
    values[1, steps // 3] = 50.0
    x, reduced = bucket_maxima(values, points)
    assert reduced.shape[1] <= max(points, 1) and len(x) == reduced.shape[1]
    assert reduced[1].max() == 50.0
    assert reduced[0].max() == values[0].max()
    assert x.min() >= 0 and x.max() <= steps - 1
