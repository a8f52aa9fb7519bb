"""The vanishing-gradient demo: the shipped memoria_rnn and memoria_lstm on the memory task.

For each seed, both examples train with the memory task's own settings (100 steps, noise 0.5,
Adam, clipping 1, LSTM forget bias 5) on one thread; the table gives the final and best
validation accuracy, the first epoch at 90% and the seconds. Then how much of the gradient
reaches the first step, ‖dLoss/dh_0‖ / ‖dLoss/dh_99‖, median over validation samples, with
the initial and with the trained weights. ``--figure PATH`` writes the side-by-side figure
of ‖dLoss/dh_t‖ (seed 0, trained weights) as the Training pane draws it.

Run: python benchmarks/bench_memory_demo.py [--seeds 0 1 2] [--epochs N] [--figure out.png]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from rnnstudio.core.examples import load_example
from rnnstudio.core.model import build_model
from rnnstudio.core.tasks import get_task
from rnnstudio.core.training import (
    gradient_over_time,
    recurrent_layer_names,
    settings_for,
    train,
)
from rnnstudio.plots.training import gradient_norms_figure

EXAMPLES = ("memoria_rnn", "memoria_lstm")
GRADIENT_SAMPLES = 10


def reach(model, task) -> float:
    """Median over validation samples of ‖dL/dh_0‖ / ‖dL/dh_T-1‖ (first recurrent layer)."""
    ratios = []
    for sample in range(GRADIENT_SAMPLES):
        norms = gradient_over_time(model, task, sample)[0]
        ratios.append((norms[0] / norms[-1]).item())
    return statistics.median(ratios)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, help="instead of the task's epochs")
    parser.add_argument("--seq-len", type=int, help="instead of the task's 100 steps")
    parser.add_argument("--figure", help="write the RNN-vs-LSTM gradient figure (PNG) here")
    args = parser.parse_args()
    torch.set_num_threads(1)
    task = get_task("memory")
    if args.seq_len:
        task = task.with_options(seq_len=args.seq_len)
    print(
        f"memory task: {task.train_size} sequences of {task.seq_len} steps, 1 thread, "
        f"settings {settings_for(task, epochs=args.epochs)}"
    )
    header = f"{'example':<14}{'seed':>5}{'val acc':>9}{'best':>7}{'1st>=90%':>10}{'seconds':>9}"
    print(header + f"{'reach init':>12}{'reach trained':>15}")
    panels, names = {}, {}
    for seed in args.seeds:
        for example in EXAMPLES:
            project = load_example(example)
            settings = settings_for(task, seed=seed, epochs=args.epochs)
            started = time.perf_counter()
            result = train(project, task, settings)
            seconds = time.perf_counter() - started
            accuracies = [record.val_accuracy for record in result.history]
            first = next((i + 1 for i, value in enumerate(accuracies) if value >= 0.9), None)
            initial = build_model(project)
            initial.load_state_dict(result.initial_state)
            print(
                f"{example:<14}{seed:>5}{accuracies[-1]:>9.1%}{max(accuracies):>7.1%}"
                f"{first if first else '-':>10}{seconds:>9.1f}"
                f"{reach(initial, task):>12.1e}{reach(result.model, task):>15.1e}",
                flush=True,
            )
            if seed == args.seeds[0]:
                label = f"{example}: after training"
                panels[label] = gradient_over_time(result.model, task, 0).numpy()
                names[label] = recurrent_layer_names(result.model)
    if args.figure:
        figure = gradient_norms_figure(panels, layer_names=names)
        figure.savefig(args.figure, dpi=100)
        print(f"wrote {args.figure}")


if __name__ == "__main__":
    main()
