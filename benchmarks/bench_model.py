"""Speed of the built model against hand-written torch modules, and of analyze(), in one run.

Forward: build_model's module against a hand-written nn.Module carrying the same weights
(load_state_dict), timed in interleaved rounds (A, B, B, A, ...) on the same input; the
figure is the median over rounds of the per-round ratio. Goal (issue 2): ratio <= 1.05.
Forwards are timed in process CPU time with one torch thread (--threads), so that other
programs on a shared machine disturb the figures less than wall-clock time would.

analyze(): milliseconds per call on every shipped example and on a stack of more than 10^11
parameters, first call (nothing cached) and the median of later calls; for the big stack
also the peak memory growth (tracemalloc peak and the growth of the process's peak RSS).

Run: python benchmarks/bench_model.py [--rounds N] [--threads N]
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import time
import tracemalloc
import warnings
from collections.abc import Callable

import torch
from torch import nn

from rnnstudio.core.analysis import analyze
from rnnstudio.core.examples import example_names, load_example
from rnnstudio.core.model import build_model
from rnnstudio.core.spec import Project


class RNNClas(nn.Module):
    """The notebook's RNN_clas (Exercise 2), returning the probabilities once."""

    def __init__(self) -> None:
        super().__init__()
        self.rnn1 = nn.RNN(2, 40, 2, batch_first=True)
        self.fc = nn.Linear(40, 5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x, _ = self.rnn1(x)
        return torch.softmax(self.fc(x[:, -1]), 1)


class LSTMStack(nn.Module):
    """Two LSTMs, the second reading the first's sequence, then a classifier on the last step."""

    def __init__(self) -> None:
        super().__init__()
        self.lstm1 = nn.LSTM(8, 64, 2, batch_first=True, bidirectional=True)
        self.lstm2 = nn.LSTM(128, 32, batch_first=True, proj_size=16)
        self.fc = nn.Linear(16, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y, _ = self.lstm1(x)
        y, _ = self.lstm2(y)
        return torch.softmax(self.fc(y[:, -1]), -1)


LSTM_STACK = Project.model_validate(
    {
        "name": "LSTMStack",
        "input": {"features": 8, "batch": 16, "seq_len": 20},
        "blocks": [
            {
                "type": "lstm",
                "name": "lstm1",
                "hidden_size": 64,
                "num_layers": 2,
                "bidirectional": True,
            },
            {
                "type": "lstm",
                "name": "lstm2",
                "hidden_size": 32,
                "proj_size": 16,
                "output": "last_step",
            },
            {"type": "linear", "name": "fc", "out_features": 10},
            {"type": "softmax", "name": "softmax"},
        ],
    }
)

HUGE_STACK = Project.model_validate(
    {
        "name": "huge",
        "input": {"features": 1000, "batch": 3, "seq_len": 5},
        "blocks": [
            {"type": "lstm", "name": "lstm1", "hidden_size": 50_000, "num_layers": 5},
            {"type": "linear", "name": "fc", "out_features": 1_000_000},
        ],
    }
)


def time_calls(action: Callable[[], object], calls: int) -> float:
    """CPU seconds per call."""
    start = time.process_time()
    for _ in range(calls):
        action()
    return (time.process_time() - start) / calls


def forward_ratio(project: Project, hand: nn.Module, rounds: int) -> tuple[float, float, float]:
    """(built µs, hand-written µs, median per-round ratio) for one forward."""
    model = build_model(project, seed=0)
    hand.load_state_dict(model.state_dict(), strict=True)
    hand.eval()
    x = torch.rand(project.input.shape, generator=torch.Generator().manual_seed(0))
    with torch.inference_mode():
        torch.testing.assert_close(model(x), hand(x))
        calls = max(3, int(0.05 / max(time_calls(lambda: hand(x), 5), 1e-7)))
        for _ in range(3):  # warm up both
            time_calls(lambda: model(x), calls)
            time_calls(lambda: hand(x), calls)
        built_times, hand_times, ratios = [], [], []
        for round_index in range(rounds):
            if round_index % 2 == 0:
                built = time_calls(lambda: model(x), calls)
                written = time_calls(lambda: hand(x), calls)
            else:
                written = time_calls(lambda: hand(x), calls)
                built = time_calls(lambda: model(x), calls)
            built_times.append(built)
            hand_times.append(written)
            ratios.append(built / written)
    return (
        statistics.median(built_times) * 1e6,
        statistics.median(hand_times) * 1e6,
        statistics.median(ratios),
    )


def analyze_ms(project: Project, repeats: int) -> tuple[float, float]:
    """(first call ms, median of later calls ms), in CPU time.

    The first call builds the blocks' meta modules; later calls find them in analyze's cache.
    """
    start = time.process_time()
    analyze(project)
    first = (time.process_time() - start) * 1e3
    later = []
    for _ in range(repeats):
        start = time.process_time()
        analyze(project)
        later.append((time.process_time() - start) * 1e3)
    return first, statistics.median(later)


def huge_memory_growth() -> tuple[int, float, int]:
    """(parameters, tracemalloc peak MiB, peak-RSS growth MiB) of a first analyze() call."""
    blocks = [block.model_copy(update={"name": f"{block.name}_m"}) for block in HUGE_STACK.blocks]
    project = HUGE_STACK.model_copy(update={"blocks": tuple(blocks)})  # not in analyze's cache
    gc.collect()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    analysis = analyze(project)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_growth_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    return analysis.total_parameters, peak / 2**20, rss_growth_kib // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=31, help="interleaved timing rounds")
    parser.add_argument("--threads", type=int, default=1, help="torch threads for forwards")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    # torch's note that projected LSTMs use its default CPU kernel, not oneDNN.
    warnings.filterwarnings("ignore", message="LSTM with projections is not supported")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), CPU time")
    print()
    print("analyze(): first call / median of later calls")
    for name in example_names():
        first, later = analyze_ms(load_example(name), repeats=21)
        print(f"  {name:<24} {first:8.2f} ms / {later:6.3f} ms")
    parameters, python_peak_mib, rss_growth_mib = huge_memory_growth()
    first, later = analyze_ms(HUGE_STACK, repeats=11)
    print(f"  {'huge stack':<24} {first:8.2f} ms / {later:6.3f} ms  ({parameters:,} parameters)")
    print(
        f"  huge stack memory: tracemalloc peak {python_peak_mib:.2f} MiB, "
        f"peak RSS growth {rss_growth_mib} MiB (the weights would need "
        f"{parameters * 4 / 2**30:,.0f} GiB)"
    )

    print()
    print("forward: build_model vs hand-written module, same weights (goal: ratio <= 1.05)")
    cases = [
        ("rnn_clas [3, 5, 2]", load_example("rnn_clas"), RNNClas()),
        ("LSTM stack [16, 20, 8]", LSTM_STACK, LSTMStack()),
    ]
    for label, project, hand in cases:
        built_us, hand_us, ratio = forward_ratio(project, hand, args.rounds)
        verdict = "ok" if ratio <= 1.05 else "ABOVE GOAL"
        print(
            f"  {label:<24} built {built_us:9.1f} µs  hand-written {hand_us:9.1f} µs  "
            f"ratio {ratio:.3f}  {verdict}"
        )


if __name__ == "__main__":
    main()
