"""How good is the Run pane's time estimate? The cost model against measured runs (issue 5).

``rnnstudio.core.run_plan.estimate_run_seconds`` tells from sizes alone whether a run is quick
enough to start after every edit (under QUICK_RUN_SECONDS = 0.1 s) or waits for the Run
button. Its constants were fitted to runs like these. For each case: build_model +
make_input + trace, as ``run_project`` does, timed as this process's CPU time on one torch
thread (the shared machine's other load stretches wall-clock time, not CPU time), the best of
--repeat; then estimate / measured. Also whether the quick/not-quick decision agrees.

Run: python benchmarks/bench_run_cost.py [--repeat N]
"""

from __future__ import annotations

import argparse
import math
import time

import torch

from rnnstudio.core.examples import example_names, load_example
from rnnstudio.core.run_plan import QUICK_RUN_SECONDS, estimate_run_seconds, run_project
from rnnstudio.core.spec import GRUBlock, InputSpec, LinearBlock, LSTMBlock, Project, RNNBlock

KINDS = {"rnn": RNNBlock, "gru": GRUBlock, "lstm": LSTMBlock}


def case(kind: str, features: int, batch: int, steps: int, hidden: int, layers: int, **extra):
    blocks = [KINDS[kind](name="r", hidden_size=hidden, num_layers=layers, **extra)]
    blocks.append(LinearBlock(name="fc", out_features=5))
    name = f"{kind} {batch}x{steps}x{features} h{hidden} L{layers}"
    if extra.get("bidirectional"):
        name += " bi"
    project = Project(
        name="m",
        input=InputSpec(features=features, batch=batch, seq_len=steps),
        blocks=tuple(blocks),
    )
    return name, project


def cases() -> list[tuple[str, Project]]:
    found = [(name, load_example(name)) for name in example_names()]
    for kind in KINDS:
        found += [
            case(kind, 2, 1, 1000, 64, 1),
            case(kind, 2, 16, 1000, 64, 1),
            case(kind, 2, 1, 5000, 64, 1),
            case(kind, 8, 8, 500, 256, 2),
            case(kind, 2, 4, 1000, 64, 2, bidirectional=True),
            case(kind, 2, 1, 20000, 16, 1),
        ]
    return found


def cpu_seconds(project: Project, repeat: int) -> float:
    best = math.inf
    for _ in range(repeat):
        began = time.process_time()
        run_project(project)
        best = min(best, time.process_time() - began)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (best counts)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"{'case':<30}{'measured ms':>13}{'estimate ms':>13}{'ratio':>8}  quick?")
    ratios, disagreements = [], 0
    for name, project in cases():
        measured = cpu_seconds(project, args.repeat)
        estimate = estimate_run_seconds(project)
        ratio = estimate / measured
        ratios.append(ratio)
        agree = (measured < QUICK_RUN_SECONDS) == (estimate < QUICK_RUN_SECONDS)
        disagreements += not agree
        verdict = ("yes" if estimate < QUICK_RUN_SECONDS else "no") + (
            "" if agree else " (measured says otherwise)"
        )
        print(f"{name:<30}{measured * 1000:>13.1f}{estimate * 1000:>13.1f}{ratio:>8.2f}  {verdict}")
    geometric = math.exp(sum(math.log(ratio) for ratio in ratios) / len(ratios))
    print(
        f"estimate / measured: from {min(ratios):.2f} to {max(ratios):.2f} "
        f"(geometric mean {geometric:.2f}); the quick-run decision differs in "
        f"{disagreements} of {len(ratios)} cases"
    )


if __name__ == "__main__":
    main()
