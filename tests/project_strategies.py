"""Hypothesis strategies for valid projects, shared by the file and analysis tests.

Sizes stay small so that every generated project can also be built and run on CPU.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from rnnstudio.core.spec import BLOCK_TYPES, Project, check_block_name

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**12), max_value=10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)

json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=16,
)


def _is_valid_name(text: str) -> bool:
    try:
        check_block_name(text)
    except ValueError:
        return False
    return True


block_names = st.from_regex(r"[a-zA-Z][a-zA-Z0-9_]{0,10}", fullmatch=True).filter(_is_valid_name)

small_sizes = st.integers(min_value=1, max_value=5)

SIGNALS = (
    None,
    {"kind": "sine", "frequency": 0.1, "amplitude": 2.0, "seed": 3},
    {"kind": "uniform", "low": -1.0, "high": 1.0},
    {"kind": "step", "at_step": 2},
)


@st.composite
def input_specs(draw: st.DrawFn, *, with_signal: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "features": draw(small_sizes),
        "batch": draw(small_sizes),
        "seq_len": draw(small_sizes),
        "batch_first": draw(st.booleans()),
    }
    if with_signal:
        signal = draw(st.sampled_from(SIGNALS))
        if signal is not None:
            data["signal"] = signal
    return data


@st.composite
def recurrent_block(draw: st.DrawFn, block_type: str, name: str) -> dict[str, Any]:
    hidden_size = draw(small_sizes)
    data: dict[str, Any] = {
        "type": block_type,
        "name": name,
        "hidden_size": hidden_size,
        "num_layers": draw(st.integers(min_value=1, max_value=3)),
        "bias": draw(st.booleans()),
        "batch_first": draw(st.booleans()),
        "dropout": draw(st.sampled_from([0.0, 0.0, 0.5])),
        "bidirectional": draw(st.booleans()),
    }
    outputs = ["sequence", "last_step", "final_hidden"]
    if block_type == "rnn":
        data["nonlinearity"] = draw(st.sampled_from(["tanh", "relu"]))
    if block_type == "lstm":
        outputs.append("final_cell")
        data["proj_size"] = draw(st.integers(min_value=0, max_value=hidden_size - 1))
    data["output"] = draw(st.sampled_from(outputs))
    return data


@st.composite
def block_dicts(draw: st.DrawFn, block_type: str, name: str) -> dict[str, Any]:
    """One block as its JSON object; input sizes are left to be inferred."""
    if block_type in ("rnn", "lstm", "gru"):
        return draw(recurrent_block(block_type, name))
    if block_type == "linear":
        return {
            "type": "linear",
            "name": name,
            "out_features": draw(small_sizes),
            "bias": draw(st.booleans()),
        }
    return {"type": "softmax", "name": name, "dim": -1}


@st.composite
def stack_dicts(
    draw: st.DrawFn, *, min_blocks: int = 1, max_blocks: int = 4, with_signal: bool = False
) -> dict[str, Any]:
    """A project's JSON object with a random stack of blocks of every type."""
    types = draw(st.lists(st.sampled_from(BLOCK_TYPES), min_size=min_blocks, max_size=max_blocks))
    names = draw(st.lists(block_names, min_size=len(types), max_size=len(types), unique=True))
    return {
        "format": "rnnstudio",
        "version": 1,
        "name": draw(st.text(min_size=1, max_size=20)),
        "description": draw(st.text(max_size=30)),
        "input": draw(input_specs(with_signal=with_signal)),
        "blocks": [
            draw(block_dicts(block_type, name))
            for block_type, name in zip(types, names, strict=True)
        ],
    }


@st.composite
def valid_projects(draw: st.DrawFn) -> Project:
    """Any valid project file content, including explicit (possibly mismatched) sizes."""
    data = draw(stack_dicts(min_blocks=0, with_signal=True))
    for block in data["blocks"]:
        if block["type"] == "softmax":
            block["dim"] = draw(st.integers(min_value=-8, max_value=7))
        size_field = {"linear": "in_features", "softmax": None}.get(block["type"], "input_size")
        if size_field and draw(st.booleans()):
            block[size_field] = draw(small_sizes)
    return Project.model_validate(data)
