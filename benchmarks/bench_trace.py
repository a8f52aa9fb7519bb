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


def timed(run: Callable[[], object], count: int) -> tuple[float, float]:
    """(wall seconds, process CPU seconds) per call."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        run()
    return (time.perf_counter() - wall) / count, (time.process_time() - cpu) / count


def lstm_gate_products(model: torch.nn.Module, project: Project) -> Callable[[], object]:
    """Only the matrix products that give the LSTM gates trace needs at every step.

    torch never returns the cell state; trace rebuilds it as c = atanh(h / o), and o needs
    two products per layer and direction (a quarter of the forward's arithmetic, in large
    efficient products; with a projection, i, f and g for the scan). Rebuilding c from
    torch's outputs needs at least one gate, so forward + these is the floor of a trace.
    """
    products = []
    for module in model.children():
        if not isinstance(module, torch.nn.LSTM):
            continue
        steps, batch = project.input.seq_len, project.input.batch
        directions = 2 if module.bidirectional else 1
        out_size = module.proj_size or module.hidden_size
        size = module.hidden_size
        # torch's gate order is i, f, g, o. With a projection h no longer holds tanh(c), so
        # trace takes i, f and g and scans c_t = f_t * c_(t-1) + i_t * g_t instead.
        rows = slice(0, 3 * size) if module.proj_size else slice(3 * size, 4 * size)
        for layer in range(module.num_layers):
            features = module.input_size if layer == 0 else directions * out_size
            layer_input = torch.rand(steps * batch, features)
            states = torch.rand(steps * batch, out_size)
            gates = torch.empty(steps * batch, rows.stop - rows.start)
            for suffix in ("", "_reverse")[:directions]:
                weight_ih = getattr(module, f"weight_ih_l{layer}{suffix}")[rows]
                weight_hh = getattr(module, f"weight_hh_l{layer}{suffix}")[rows]
                bias = getattr(module, f"bias_ih_l{layer}{suffix}")[rows]
                products.append((layer_input, states, gates, weight_ih, weight_hh, bias))

    def run() -> None:
        with torch.no_grad():
            for layer_input, states, gates, weight_ih, weight_hh, bias in products:
                torch.addmm(bias, layer_input, weight_ih.t(), out=gates)
                gates.addmm_(states, weight_hh.t())

    return run


def measure(project: Project, repeats: int) -> dict[str, float]:
    """Medians over turns: forward and trace seconds, wall and CPU ratios, LSTM floor."""
    model = build_model(project, seed=0)
    x = torch.rand(project.input.shape, generator=torch.Generator().manual_seed(0))

    def forward() -> object:
        with torch.no_grad():
            return model(x)

    def traced() -> object:
        return trace(model, x)

    runs = {"forward": forward, "trace": traced}
    if any(block.type == "lstm" for block in project.blocks):
        runs["gates"] = lstm_gate_products(model, project)
    for run in runs.values():  # warm up allocator and kernels
        run()
    count = max(inner_repeats(run) for run in runs.values())
    walls: dict[str, list[float]] = {name: [] for name in runs}
    cpus: dict[str, list[float]] = {name: [] for name in runs}
    wall_ratios, cpu_ratios, floor_ratios = [], [], []
    for turn in range(repeats):
        # Alternate the order, so that no run always finds a warmer cache.
        order = list(runs) if turn % 2 == 0 else list(reversed(runs))
        for name in order:
            wall, cpu = timed(runs[name], count)
            walls[name].append(wall)
            cpus[name].append(cpu)
        wall_ratios.append(walls["trace"][-1] / walls["forward"][-1])
        cpu_ratios.append(cpus["trace"][-1] / cpus["forward"][-1])
        if "gates" in runs:
            floor_ratios.append(1 + cpus["gates"][-1] / cpus["forward"][-1])
    result = {
        "forward": statistics.median(walls["forward"]),
        "trace": statistics.median(walls["trace"]),
        "wall_ratio": statistics.median(wall_ratios),
        "cpu_ratio": statistics.median(cpu_ratios),
    }
    if floor_ratios:
        result["floor"] = statistics.median(floor_ratios)
    return result


def format_seconds(seconds: float) -> str:
    return f"{seconds * 1e3:9.2f} ms" if seconds >= 1e-3 else f"{seconds * 1e6:9.1f} µs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="turns per case (default 15)")
    parser.add_argument("--only", default="", help="run only cases whose name contains this")
    parser.add_argument(
        "--threads", type=int, default=0, help="torch threads (default: torch's own choice)"
    )
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, goal ≤ {GOAL}×")
    print("ratio: trace / forward, median of interleaved turns, by wall clock and by CPU time")
    print("(CPU time is steadier on a shared machine). LSTM floor: 1 + the output-gate products.")
    print(f"{'case':<24} {'forward':>12} {'trace':>12} {'wall':>6} {'cpu':>6} {'floor':>6}  goal")
    for name, project in cases().items():
        if args.only not in name:
            continue
        result = measure(project, args.repeats)
        verdict = "ok" if result["cpu_ratio"] <= GOAL else "over"
        floor = f"{result['floor']:5.2f}×" if "floor" in result else "     -"
        print(
            f"{name:<24} {format_seconds(result['forward']):>12} "
            f"{format_seconds(result['trace']):>12} {result['wall_ratio']:5.2f}× "
            f"{result['cpu_ratio']:5.2f}× {floor}  {verdict}",
            flush=True,
        )


if __name__ == "__main__":
    main()
