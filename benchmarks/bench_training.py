"""Training speed and accuracy: rnnstudio's train() against a plain hand-written PyTorch loop.

1. Epoch time of ``train`` vs a plain loop on the same model (same initial weights), the same
   data, the same optimizer, clipping and batch order, both on one thread and measured in the
   same run, interleaved. Goal: ratio <= 1.1.
2. The full ``trajectories`` task with Exercise 2's ``rnn_clas`` at the task's own settings:
   final validation accuracy and seconds, on the machine's threads (goal: >= 90% in <= 60 s
   on 2 CPU cores).
3. ``--memory``: the memory task for a tanh RNN, an LSTM and a GRU of 32 units at several
   lengths: final validation accuracy and how much of the gradient reaches step 0.

Run: python benchmarks/bench_training.py [--epochs 3] [--repeats 5] [--seeds 0 1 2] [--memory]
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

import torch
from torch import nn

from rnnstudio.core.examples import load_example
from rnnstudio.core.model import build_model
from rnnstudio.core.project_io import parse_project
from rnnstudio.core.tasks import get_task, make_data
from rnnstudio.core.training import gradient_over_time, settings_for, train


def _per_epoch(marks: list[tuple[float, float]]) -> tuple[float, float]:
    """Wall and CPU seconds per epoch from end-of-epoch marks, leaving out the first epoch
    (warm-up; train() also builds the model and the data before it)."""
    (wall_first, cpu_first), (wall_last, cpu_last) = marks[0], marks[-1]
    epochs = len(marks) - 1
    return (wall_last - wall_first) / epochs, (cpu_last - cpu_first) / epochs


def _mark() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def plain_loop(model: nn.Sequential, data, settings, epochs: int) -> tuple[float, float]:
    """The loop a student would write: shuffle, forward the logits, CrossEntropyLoss, backward,
    clip, step; loss and accuracy summed per epoch; validation after each epoch."""
    logits_model = nn.Sequential(*list(model.children())[:-1])
    optimizer = torch.optim.Adam(model.parameters(), lr=settings.learning_rate)
    loss_function = nn.CrossEntropyLoss()
    shuffle = torch.Generator().manual_seed(settings.seed)
    count = data.x_train.shape[0]
    marks = []
    for _epoch in range(epochs):
        model.train()
        order = torch.randperm(count, generator=shuffle)
        total_loss, correct = 0.0, 0
        for first in range(0, count, settings.batch_size):
            chosen = order[first : first + settings.batch_size]
            x, y = data.x_train[chosen], data.y_train[chosen]
            optimizer.zero_grad()
            logits = logits_model(x)
            loss = loss_function(logits, y)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), settings.clip_grad_norm)
            optimizer.step()
            total_loss += loss.item() * len(y)
            correct += int((logits.argmax(1) == y).sum())
        model.eval()
        with torch.no_grad():
            val_logits = logits_model(data.x_val)
            loss_function(val_logits, data.y_val).item()
            int((val_logits.argmax(1) == data.y_val).sum())
        marks.append(_mark())
    return _per_epoch(marks)


def studio_loop(project, task, settings) -> tuple[float, float]:
    marks = []

    def mark_epoch_end(progress) -> None:
        if progress.record is not None:
            marks.append(_mark())

    train(project, task, settings, progress=mark_epoch_end)
    return _per_epoch(marks)


def compare_epoch_time(epochs: int, repeats: int) -> None:
    torch.set_num_threads(1)
    project = load_example("rnn_clas")
    task = get_task("trajectories")
    settings = settings_for(task, epochs=epochs, seed=0)
    data = make_data(task, settings.data_seed)
    plain, studio = [], []
    for _ in range(repeats):  # interleaved, so that load on the machine hits both alike
        plain.append(plain_loop(build_model(project, seed=0), data, settings, epochs))
        studio.append(studio_loop(project, task, settings))
    print("epoch time, rnn_clas on trajectories (3000 sequences x 30 steps, batch 32, 1 thread)")
    print(f"{'loop':<22}{'wall s/epoch':>14}{'min':>8}{'CPU s/epoch':>14}{'min':>8}")
    for name, runs in (("plain PyTorch loop", plain), ("rnnstudio train()", studio)):
        walls, cpus = [run[0] for run in runs], [run[1] for run in runs]
        print(
            f"{name:<22}{statistics.median(walls):>14.3f}{min(walls):>8.3f}"
            f"{statistics.median(cpus):>14.3f}{min(cpus):>8.3f}"
        )
    wall_ratio = statistics.median(s[0] for s in studio) / statistics.median(p[0] for p in plain)
    cpu_ratio = statistics.median(s[1] for s in studio) / statistics.median(p[1] for p in plain)
    print(
        f"ratio train()/plain (medians): wall {wall_ratio:.3f}, CPU {cpu_ratio:.3f}  "
        "(goal <= 1.1; CPU time is immune to other processes on a shared machine)"
    )
    print()


def full_accuracy(seeds: list[int]) -> None:
    project = load_example("rnn_clas")
    task = get_task("trajectories")
    print(
        f"trajectories with rnn_clas, the task's settings ({task.epochs} epochs, lr "
        f"{task.learning_rate}, batch {task.batch_size}), {torch.get_num_threads()} threads"
    )
    print(f"{'seed':>6}{'val accuracy':>16}{'best epoch acc':>16}{'seconds':>10}{'CPU s':>10}")
    for seed in seeds:
        cpu_start = time.process_time()
        result = train(project, task, settings_for(task, seed=seed))
        cpu = time.process_time() - cpu_start  # all threads; unaffected by other processes
        best = max(record.val_accuracy for record in result.history)
        print(
            f"{seed:>6}{result.val_accuracy:>16.1%}{best:>16.1%}{result.seconds:>10.1f}{cpu:>10.1f}"
        )
    print()


def memory_table(lengths: list[int]) -> None:
    torch.set_num_threads(1)
    print("memory task (2000 sequences, the task's settings), 32 units, last_step -> fc 2")
    print(f"{'seq_len':>8}{'block':>7}{'val accuracy':>14}{'|g_0|/|g_T| init':>20}")
    for length in lengths:
        task = get_task("memory").with_options(seq_len=length)
        for kind in ("rnn", "lstm", "gru"):
            project = parse_project(
                {
                    "format": "rnnstudio",
                    "version": 1,
                    "name": f"memory_{kind}",
                    "input": {"features": 1, "batch": 4, "seq_len": length},
                    "blocks": [
                        {"type": kind, "name": "rec", "hidden_size": 32, "output": "last_step"},
                        {"type": "linear", "name": "fc", "out_features": 2},
                        {"type": "softmax", "name": "softmax", "dim": -1},
                    ],
                }
            )
            norms = torch.stack(
                [gradient_over_time(build_model(project, seed=0), task, i)[0] for i in range(5)]
            )
            ratio = (norms[:, 0] / norms[:, -1]).median().item()
            result = train(project, task, settings_for(task))
            exponent = f"1e{math.floor(math.log10(ratio))}" if ratio > 0 else "0"
            print(f"{length:>8}{kind:>7}{result.val_accuracy:>14.1%}{exponent:>20}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=4, help="epochs per timed run (>= 2)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each loop")
    parser.add_argument("--seeds", type=int, nargs="*", default=[0], help="full-accuracy seeds")
    parser.add_argument("--memory", action="store_true", help="also the memory-task table")
    args = parser.parse_args()
    threads = torch.get_num_threads()
    compare_epoch_time(args.epochs, args.repeats)
    torch.set_num_threads(threads)
    full_accuracy(args.seeds)
    if args.memory:
        memory_table([10, 30, 100])


if __name__ == "__main__":
    main()
