"""Table-driven: every field of every block type has a widget, and changing it through that
widget reaches the torch module that build_model makes (Orange3's test, for rnnstudio)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox
from torch_reference import assert_panes_match_torch

from rnnstudio.core.model import build_model
from rnnstudio.core.spec import (
    BLOCK_TYPES,
    InputSpec,
    Project,
    field_specs,
    input_field_specs,
    new_block,
)
from rnnstudio.gui.forms import FieldForm, OptionalIntEditor
from rnnstudio.gui.main_window import MainWindow

WIDGET_FOR_KIND = {
    "int": QSpinBox,
    "float": QDoubleSpinBox,
    "bool": QCheckBox,
    "choice": QComboBox,
    "name": QLineEdit,
}

# (block type, field) -> (value to enter through the widget, how the built module shows it).
# The block is the only one in the stack, on an input [batch=4, time=5, features=3].
Check = Callable[[Any], Any]
CHANGES: dict[tuple[str, str], tuple[Any, Check]] = {}
for _kind in ("rnn", "lstm", "gru"):
    CHANGES.update(
        {
            (_kind, "name"): ("encoder", lambda model: model.encoder._get_name()),
            (_kind, "input_size"): ("pin", lambda model: model[0].input_size),
            (_kind, "hidden_size"): (7, lambda model: model[0].hidden_size),
            (_kind, "num_layers"): (3, lambda model: model[0].num_layers),
            (_kind, "bias"): (False, lambda model: model[0].bias),
            (_kind, "batch_first"): (False, lambda model: model[0].batch_first),
            (_kind, "dropout"): (0.25, lambda model: model[0].dropout),
            (_kind, "bidirectional"): (True, lambda model: model[0].bidirectional),
            (_kind, "output"): ("last_step", lambda model: model[0].output),
        }
    )
CHANGES[("rnn", "nonlinearity")] = ("relu", lambda model: model[0].nonlinearity)
CHANGES[("lstm", "proj_size")] = (4, lambda model: model[0].proj_size)
CHANGES.update(
    {
        ("linear", "name"): ("classifier", lambda model: model.classifier._get_name()),
        ("linear", "in_features"): ("pin", lambda model: model[0].in_features),
        ("linear", "out_features"): (9, lambda model: model[0].out_features),
        ("linear", "bias"): (False, lambda model: model[0].bias is not None),
        ("softmax", "name"): ("probabilities", lambda model: model.probabilities._get_name()),
        ("softmax", "dim"): (1, lambda model: model[0].dim),
    }
)
# What the module says after the change (a pinned size is the incoming features, 3).
EXPECTED_ON_MODULE = {
    "name": {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU", "linear": "Linear", "softmax": "Softmax"},
    "input_size": 3,
    "in_features": 3,
    "bias": False,
    "batch_first": False,
}

ALL_FIELDS = [(kind, spec.name) for kind in BLOCK_TYPES for spec in field_specs(kind)]


def test_the_table_covers_every_field_of_every_block_type() -> None:
    # A new field in the core must get a row here, or this test fails.
    assert sorted(CHANGES) == sorted(ALL_FIELDS)


def single_block_project(block_type: str) -> Project:
    empty = Project(name="fields", input=InputSpec(features=3, batch=4, seq_len=5))
    return Project(name="fields", input=empty.input, blocks=(new_block(empty, block_type),))


def enter_value(qtbot, form: FieldForm, field: str, value: Any) -> None:
    """Change a field through its widget with the keyboard, as a user would."""
    editor = form.editor(field)
    control = editor.control
    if value == "pin":
        assert isinstance(editor, OptionalIntEditor)
        editor.pin.setFocus()
        qtbot.keyClick(editor.pin, Qt.Key.Key_Space)
        return
    control.setFocus()
    if isinstance(control, QCheckBox):
        assert control.isChecked() != value
        qtbot.keyClick(control, Qt.Key.Key_Space)
    elif isinstance(control, QComboBox):
        qtbot.keyClicks(control, value)
    elif isinstance(control, QLineEdit):
        control.selectAll()
        qtbot.keyClicks(control, value)
    else:
        qtbot.keyClick(control, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        text = str(value).replace(".", QLocale().decimalPoint())
        qtbot.keyClicks(control, text)


@pytest.mark.parametrize(("block_type", "field"), ALL_FIELDS)
def test_every_field_has_a_widget_that_reaches_the_module(
    qtbot, window: MainWindow, block_type: str, field: str
) -> None:
    window.document.replace(single_block_project(block_type))
    form = window.properties_pane.current_form
    assert form is not None and form is window.properties_pane.form(block_type)
    assert form.fields == tuple(spec.name for spec in field_specs(block_type))
    spec = next(spec for spec in field_specs(block_type) if spec.name == field)
    editor = form.editor(field)
    assert isinstance(editor.control, WIDGET_FOR_KIND[spec.kind])
    assert editor.control.isVisibleTo(window)
    assert spec.help and spec.help in editor.toolTip()

    value, read_module = CHANGES[(block_type, field)]
    before = build_model(window.document.project, device="meta")
    enter_value(qtbot, form, field, value)

    block = window.document.project.blocks[0]
    expected = EXPECTED_ON_MODULE.get(field, value)
    if field == "name":
        assert block.name == value
        expected = expected[block_type]
    else:
        assert getattr(block, field) == (3 if value == "pin" else value)
    after = build_model(window.document.project, device="meta")
    assert read_module(after) == expected
    if field != "name":
        # The change is real: the module made before the edit said something else.
        assert read_module(before) != expected or field in ("input_size", "in_features")
    assert_panes_match_torch(window)


@pytest.mark.parametrize("field", [spec.name for spec in input_field_specs()])
def test_every_input_field_reaches_the_shapes(qtbot, window: MainWindow, field: str) -> None:
    window.open_example("rnn_clas")
    form = window.input_pane.form
    assert form.fields == ("features", "batch", "seq_len", "batch_first")
    new_values = {"features": 6, "batch": 8, "seq_len": 11, "batch_first": False}
    enter_value(qtbot, form, field, new_values[field])
    assert getattr(window.document.project.input, field) == new_values[field]
    assert_panes_match_torch(window)
    model = build_model(window.document.project, device="meta")
    assert model.rnn1.input_size == window.document.project.input.features
