"""trace() against one plain forward of the same model: same weights, same input, same run.

The issue's goal: a trace costs at most 1.3× a plain forward. Both are timed in turns
(forward, trace, forward, trace, ...) so that load from other processes hits both alike;
the figure is the median of the per-turn ratios. Small models are repeated inside a turn
until a turn lasts a few milliseconds.

    python benchmarks/bench_trace.py [--repeats 15] [--only lstm]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import torch

from rnnstudio.core.examples import example_names, load_example
from rnnstudio.core.model import build_model
from rnnstudio.core.project_io import parse_project
from rnnstudio.core.spec import Project
from rnnstudio.core.trace import trace

GOAL = 1.3
MIN_TURN_SECONDS = 0.005


def recurrent_project(kind: str, **block_fields: object) -> Project:
    """2 layers of hidden 64 over [batch 16, time 1000, features 8], as the issue suggests."""
    block = {"type": kind, "name": kind, "hidden_size": 64, "num_layers": 2, **block_fields}
    return parse_project(
        {
            "format": "rnnstudio",
            "version": 1,
            "name": f"bench_{kind}",
            "input": {"features": 8, "batch": 16, "seq_len": 1000},
            "blocks": [block],
        }
    )


def cases() -> dict[str, Project]:
    projects = {
        "rnn 2×64, B16 T1000": recurrent_project("rnn"),
        "gru 2×64, B16 T1000": recurrent_project("gru"),
        "lstm 2×64, B16 T1000": recurrent_project("lstm"),
        "lstm bidirectional": recurrent_project("lstm", bidirectional=True),
        "lstm proj_size 32": recurrent_project("lstm", proj_size=32),
    }
    for name in example_names():
        projects[f"example {name}"] = load_example(name)
    return projects


def inner_repeats(run: Callable[[], object]) -> int:
    """How many calls make one turn last at least MIN_TURN_SECONDS."""
    start = time.perf_counter()
    run()
    once = max(time.perf_counter() - start, 1e-7)
    return max(1, int(MIN_TURN_SECONDS / once) + 1)


def timed(run: Callable[[], object], count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        run()
    return (time.perf_counter() - start) / count


def measure(project: Project, repeats: int) -> tuple[float, float, float]:
    """(median forward seconds, median trace seconds, median of per-turn ratios)."""
    model = build_model(project, seed=0)
    x = torch.rand(project.input.shape, generator=torch.Generator().manual_seed(0))

    def forward() -> object:
        with torch.no_grad():
            return model(x)

    def traced() -> object:
        return trace(model, x)

    for run in (forward, traced):  # warm up allocator and kernels
        run()
    count = max(inner_repeats(forward), inner_repeats(traced))
    forward_times, trace_times, ratios = [], [], []
    for turn in range(repeats):
        # Alternate which goes first, so neither always runs on a warmer cache.
        if turn % 2:
            trace_seconds = timed(traced, count)
            forward_seconds = timed(forward, count)
        else:
            forward_seconds = timed(forward, count)
            trace_seconds = timed(traced, count)
        forward_times.append(forward_seconds)
        trace_times.append(trace_seconds)
        ratios.append(trace_seconds / forward_seconds)
    return (
        statistics.median(forward_times),
        statistics.median(trace_times),
        statistics.median(ratios),
    )


def format_seconds(seconds: float) -> str:
    return f"{seconds * 1e3:9.2f} ms" if seconds >= 1e-3 else f"{seconds * 1e6:9.1f} µs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="turns per case (default 15)")
    parser.add_argument("--only", default="", help="run only cases whose name contains this")
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, goal ≤ {GOAL}×")
    print(f"{'case':<30} {'forward':>12} {'trace':>12} {'ratio':>7}  goal")
    for name, project in cases().items():
        if args.only not in name:
            continue
        forward_seconds, trace_seconds, ratio = measure(project, args.repeats)
        verdict = "ok" if ratio <= GOAL else "over"
        print(
            f"{name:<30} {format_seconds(forward_seconds):>12} "
            f"{format_seconds(trace_seconds):>12} {ratio:6.2f}×  {verdict}",
            flush=True,
        )


if __name__ == "__main__":
    main()
