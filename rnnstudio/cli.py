"""The command line: `rnnstudio SUBCOMMAND ...` over the core; `rnnstudio [FILE]` opens the window.

Heavy imports (torch, Qt) happen inside the commands, so --help and --version are instant.
Exit codes: 0 ok; 1 the file is valid but the model cannot run; 2 a bad file or bad
arguments; 69 the window cannot start here (no display, missing system libraries: the
message says what to install); 70 an internal error (a bug to report). Messages go to
stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import sys
from collections.abc import Callable, Sequence

from rnnstudio import __version__

EXIT_OK, EXIT_MODEL, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70
EXIT_NO_WINDOW = 69

Command = Callable[[argparse.Namespace], int]


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _add_file(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file", metavar="FILE", help="a .rnnstudio project file, or a shipped example's name"
    )


def _add_input_overrides(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--batch", type=_positive, metavar="N", help="override input.batch")
    parser.add_argument("--seq-len", type=_positive, metavar="N", help="override input.seq_len")


def _load(args: argparse.Namespace):
    """The project named on the command line, with --batch / --seq-len applied."""
    from rnnstudio.core.examples import resolve_project
    from rnnstudio.core.project_io import updated

    project = resolve_project(args.file)
    changes = {}
    if getattr(args, "batch", None) is not None:
        changes["batch"] = args.batch
    if getattr(args, "seq_len", None) is not None:
        changes["seq_len"] = args.seq_len
    if changes:
        project = updated(project, input=updated(project.input, **changes))
    return project


# --- summary ------------------------------------------------------------------------------


def _setup_summary(parser: argparse.ArgumentParser) -> None:
    _add_file(parser)
    _add_input_overrides(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")
    parser.add_argument(
        "--lang", choices=("en", "es"), default="en", help="language of the report's headings"
    )


def _run_summary(args: argparse.Namespace) -> int:
    from rnnstudio.core.analysis import analyze
    from rnnstudio.core.report import summary_dict, summary_text

    analysis = analyze(_load(args))
    if args.json:
        print(json.dumps(summary_dict(analysis), indent=2, ensure_ascii=False))
    else:
        print(summary_text(analysis, args.lang), end="")
    if analysis.first_error is not None:
        print(f"rnnstudio: {analysis.first_error.message}", file=sys.stderr)
        return EXIT_MODEL
    return EXIT_OK


# --- examples -----------------------------------------------------------------------------


def _setup_examples(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON list instead")


def _run_examples(args: argparse.Namespace) -> int:
    from rnnstudio.core.examples import example_names, load_example

    entries = []
    for name in example_names():
        project = load_example(name)
        entries.append({"name": name, "model": project.name, "description": project.description})
    if args.json:
        print(json.dumps(entries, indent=2, ensure_ascii=False))
    else:
        width = max(len(entry["name"]) for entry in entries)
        for entry in entries:
            print(f"{entry['name']:<{width}}  {entry['description']}")
    return EXIT_OK


# --- export -------------------------------------------------------------------------------


def _setup_export(parser: argparse.ArgumentParser) -> None:
    _add_file(parser)
    _add_input_overrides(parser)
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT.py",
        help="the Python file to write (replaced if it exists); - prints it instead",
    )


def _run_export(args: argparse.Namespace) -> int:
    from rnnstudio.core.export import export_python, save_python

    project = _load(args)
    if args.output == "-":
        print(export_python(project), end="")
    else:
        save_python(project, args.output)
    return EXIT_OK


# --- run ----------------------------------------------------------------------------------

_MEMORY_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
MAX_CSV_BATCH = 1000

_RUN_EPILOG = """\
arrays (in OUT.npz, and as CSV files):
  input           exactly the tensor fed to the model (input.shape of the project)
  output          the model's output
  NAME.hidden     every recurrent block's hidden state h: [layers, directions, batch,
                  time, hidden], whatever batch_first is (an LSTM's projected h)
  NAME.cell       every LSTM's cell state c: [layers, directions, batch, time, hidden_size]

CSV files (--csv DIR): one per array and per batch item, ARRAY_bITEM.csv, e.g.
  input_b0.csv, rnn1.hidden_b0.csv, output_b3.csv. The header row names the columns:
  one row per time step led by "step", then one column per value of that step:
  feature2 (input), layer0_dir1_unit3 (states), class4 or unit3 (output). An output
  without a time axis (e.g. the last step) is one row. Values have 9 significant digits.

signals (--signal): uniform (the default, as torch.rand), normal, sine, square, step,
  impulse, ramp, csv. A kind alone uses its default settings (or the file's, if the file
  has that kind); a JSON object sets fields, e.g.
  --signal '{"kind": "sine", "frequency": 0.1}'
  --signal '{"kind": "csv", "path": "data.csv"}'   (rows: time steps, columns: features)
  A CSV feeds its first seq_len rows to every batch item; a relative path in the project
  file starts at the file's folder, one given to --signal at the working folder.

seeds: the weights come from --seed (0 without it), so a run is reproducible; random
  signals and noise use --seed too when given, else the signal's own seed.
"""


def _memory_size(text: str) -> int:
    """'512M' -> 536870912: a byte count with an optional K, M, G or T (powers of 1024)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d*)?)\s*([kmgt]?)(?:i?b)?\s*", text, re.IGNORECASE)
    if match is None:
        raise argparse.ArgumentTypeError(
            f"must be a size such as 512M, 2G or 1.5GiB (or a number of bytes), got {text!r}"
        )
    value = int(float(match.group(1)) * _MEMORY_UNITS[match.group(2).lower()])
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be more than 0 bytes, got {text!r}")
    return value


def _seed(text: str) -> int:
    from rnnstudio.core.signals import MAX_SEED

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be from 0 to {MAX_SEED}, got {value}")
    return value


def _setup_run(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = _RUN_EPILOG
    _add_file(parser)
    parser.add_argument(
        "--seed",
        type=_seed,
        metavar="N",
        help="seed of the weights and of random signals (default: weights 0, the file's signal)",
    )
    parser.add_argument(
        "--signal",
        metavar="KIND|JSON",
        help="the input signal instead of the file's: a kind or a JSON object (see below)",
    )
    _add_input_overrides(parser)
    parser.add_argument(
        "--max-memory",
        type=_memory_size,
        metavar="SIZE",
        help="refuse runs estimated to need more memory than this (default 2G), e.g. 512M",
    )
    parser.add_argument(
        "--npz", metavar="OUT.npz", help="write all arrays to one numpy file (numpy.load)"
    )
    parser.add_argument(
        "--csv", metavar="DIR", help="write every array as CSV files into DIR (see below)"
    )
    parser.add_argument(
        "--png", metavar="DIR", help="save the hidden-state and output figures into DIR"
    )


def _with_signal(project, text: str):
    """The project with the --signal choice as its input signal."""
    from pathlib import Path

    from rnnstudio.core.errors import ProjectError
    from rnnstudio.core.project_io import updated
    from rnnstudio.core.signals import SIGNAL_CLASSES, SIGNAL_KINDS

    text = text.strip()
    if text.startswith("{"):
        try:
            choice = json.loads(text)
        except json.JSONDecodeError as error:
            raise ProjectError(f"--signal: is not a valid JSON object: {error}") from None
    elif text in SIGNAL_CLASSES:
        current = project.input.signal
        if current is not None and current.kind == text:
            return project
        if text == "csv":
            raise ProjectError(
                "--signal: a csv signal needs its file: "
                '--signal \'{"kind": "csv", "path": "data.csv"}\''
            )
        choice = {"kind": text}
    else:
        raise ProjectError(
            f"--signal: unknown signal kind {text!r}; use one of {', '.join(SIGNAL_KINDS)}, "
            'or a JSON object such as \'{"kind": "sine", "frequency": 0.1}\''
        )
    if (
        isinstance(choice, dict)
        and choice.get("kind") == "csv"
        and isinstance(choice.get("path"), str)
    ):
        # A path typed on the command line starts at the working folder, not the project's.
        choice["path"] = str(Path(choice["path"]).expanduser().absolute())
    try:
        return updated(project, input={**project.input.model_dump(), "signal": choice})
    except ProjectError as error:
        raise ProjectError(f"--signal: {error}", field=error.field) from None


def _check_memory(project, budget: int) -> None:
    from rnnstudio.core.errors import MemoryBudgetError, format_bytes
    from rnnstudio.core.trace import estimate_run_bytes

    estimate = estimate_run_bytes(project)
    if estimate <= budget:
        return
    gib = 1024**3
    suggestion = f"{-(-estimate // gib)}G" if estimate >= gib else f"{-(-estimate // 1024**2)}M"
    raise MemoryBudgetError(
        f"this run needs about {format_bytes(estimate)} ({estimate:,} bytes: weights, "
        f"activations and the hidden-state trace), more than the memory budget of "
        f"{format_bytes(budget)} ({budget:,} bytes); lower --batch or --seq-len, make the "
        f"blocks smaller, or raise the budget with --max-memory {suggestion}",
        estimate_bytes=estimate,
        budget_bytes=budget,
    )


def _run_run(args: argparse.Namespace) -> int:
    if not (args.npz or args.csv or args.png):
        print(
            "rnnstudio run: nothing to write; add --npz OUT.npz, --csv DIR or --png DIR",
            file=sys.stderr,
        )
        return EXIT_USAGE
    from pathlib import Path

    from rnnstudio.core.model import DEFAULT_MEMORY_BUDGET, build_model
    from rnnstudio.core.run_output import run_arrays, save_csv_tables, save_npz
    from rnnstudio.core.signals import make_input
    from rnnstudio.core.trace import trace

    project = _load(args)
    if args.signal is not None:
        project = _with_signal(project, args.signal)
    if args.csv and project.input.batch > MAX_CSV_BATCH:
        print(
            f"rnnstudio run: --csv writes one file per batch item and array; "
            f"{project.input.batch} batch items are too many (at most {MAX_CSV_BATCH}): "
            "lower --batch or use --npz",
            file=sys.stderr,
        )
        return EXIT_USAGE
    budget = args.max_memory if args.max_memory is not None else DEFAULT_MEMORY_BUDGET
    _check_memory(project, budget)

    model = build_model(project, seed=0 if args.seed is None else args.seed, max_memory=budget)
    file_path = Path(args.file)
    folder = file_path.parent if file_path.is_file() else None
    result = trace(model, make_input(project, seed=args.seed, folder=folder))
    arrays = run_arrays(result)
    try:
        if args.npz:
            path = save_npz(arrays, args.npz)
            shapes = ", ".join(f"{name} {list(values.shape)}" for name, values in arrays.items())
            print(f"wrote {path}: {shapes}")
        if args.csv:
            written = save_csv_tables(project, arrays, args.csv)
            print(f"wrote {len(written)} CSV files to {args.csv}")
        if args.png:
            from rnnstudio.plots import save_run_figures

            figures = save_run_figures(result, project, Path(args.png))
            print(f"wrote {len(figures)} figures to {args.png}")
    except OSError as error:
        where = error.filename or ""
        print(f"rnnstudio run: cannot write {where}: {error.strerror or error}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


# --- train ------------------------------------------------------------------------------


def _positive_number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number greater than 0, got {text!r}")
    return value


def _forget_bias(text: str) -> float | str:
    """A number from -10 to 10, or "off" (torch's own initialisation)."""
    if text == "off":
        return text
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number or off, got {text!r}") from None
    if not -10.0 <= value <= 10.0:
        raise argparse.ArgumentTypeError(f"must be from -10 to 10, got {text!r}")
    return value


def _setup_train(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        metavar="FILE",
        nargs="?",
        help="a .rnnstudio project file, or a shipped example's name",
    )
    parser.add_argument("--task", metavar="NAME", help="the built-in task (see --list-tasks)")
    parser.add_argument("--list-tasks", action="store_true", help="list the tasks and exit")
    parser.add_argument("--epochs", type=_positive, metavar="N", help="passes over the data")
    parser.add_argument("--lr", type=_positive_number, metavar="X", help="learning rate")
    parser.add_argument("--batch-size", type=_positive, metavar="N", help="sequences per step")
    parser.add_argument("--optimizer", choices=("adam", "sgd"), help="adam (default) or sgd")
    parser.add_argument(
        "--clip", type=float, metavar="X", help="clip the gradient norm to X (0: off; default 1)"
    )
    parser.add_argument("--seed", type=_seed, metavar="N", help="weights and batch order (0)")
    parser.add_argument(
        "--forget-bias",
        type=_forget_bias,
        metavar="X",
        help="LSTM forget gates start at X before training (off: torch's own; default: the "
        "task's, 5 for memory, else 1)",
    )
    parser.add_argument(
        "--seq-len", type=_positive, metavar="N", help="length of the task's sequences"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")
    parser.add_argument(
        "--out",
        metavar="TRAINED",
        nargs="?",
        const="",
        help="save the trained weights (safetensors); without a path, next to FILE",
    )


def _run_train(args: argparse.Namespace) -> int:
    if args.list_tasks:
        return _list_tasks(args.json)
    if args.file is None or args.task is None:
        missing = "FILE and --task NAME" if args.file is None else "--task NAME"
        print(
            f"rnnstudio train: needs {missing}, e.g. rnnstudio train rnn_clas --task "
            "trajectories; rnnstudio train --list-tasks lists the tasks",
            file=sys.stderr,
        )
        return EXIT_USAGE
    from pathlib import Path

    from rnnstudio.core.examples import resolve_project
    from rnnstudio.core.project_io import project_to_json
    from rnnstudio.core.tasks import get_task
    from rnnstudio.core.training import prepare, save_weights, settings_for, train, weights_path

    project = resolve_project(args.file)
    task = get_task(args.task)
    if args.seq_len is not None:
        task = task.with_options(seq_len=args.seq_len)
    settings = settings_for(
        task,
        epochs=args.epochs,
        learning_rate=args.lr,
        batch_size=args.batch_size,
        optimizer=args.optimizer,
        clip_grad_norm=args.clip,
        seed=args.seed,
        forget_bias=args.forget_bias if args.forget_bias != "off" else None,
    )
    if args.forget_bias == "off":
        settings = dataclasses.replace(settings, forget_bias=None)
    prepare(project, task, settings=settings)  # a stack that does not fit stops here
    if not args.json:
        print(
            f"training {project.name} on {task.name}: {task.train_size} sequences of "
            f"{task.seq_len} steps, {settings.optimizer} lr {settings.learning_rate:g}, "
            f"{settings.epochs} epochs, batch {settings.batch_size}",
            flush=True,
        )

    def show_epoch(progress) -> None:
        record = progress.record
        if record is None:
            return
        accuracy = ""
        if record.val_accuracy is not None:
            accuracy = f"  acc {record.train_accuracy:6.1%}  val_acc {record.val_accuracy:6.1%}"
        print(
            f"epoch {record.epoch:>3}/{settings.epochs}  loss {record.train_loss:.4f}  "
            f"val_loss {record.val_loss:.4f}{accuracy}  {record.seconds:.1f} s",
            flush=True,
        )

    result = train(project, task, settings, progress=None if args.json else show_epoch)
    summary = result.to_dict()
    summary["project"] = project.name
    summary["weights"] = None
    if args.out is not None and result.status == "finished":
        target = Path(args.out) if args.out else weights_path(args.file)
        metadata = {"project": project_to_json(project), "task": task.name}
        summary["weights"] = str(save_weights(result.model, target, metadata=metadata))
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        _print_training_summary(result, summary)
    if result.status != "finished":
        print(f"rnnstudio train: {result.message}", file=sys.stderr)
        return EXIT_MODEL
    return EXIT_OK


def _print_training_summary(result, summary: dict) -> None:
    if summary["val_accuracy"] is not None:
        print(
            f"validation accuracy {summary['val_accuracy']:.1%} (loss {summary['val_loss']:.4f}) "
            f"after {summary['epochs_run']} epochs in {summary['seconds']:.1f} s"
        )
    elif summary["val_loss"] is not None:
        print(
            f"validation loss {summary['val_loss']:.4f} ({result.loss_name}) after "
            f"{summary['epochs_run']} epochs in {summary['seconds']:.1f} s"
        )
    if result.confusion_matrix is not None:
        names = result.task.class_names
        width = max(6, *(len(name) for name in names))
        print("confusion matrix (rows: true class, columns: predicted class)")
        print(" " * width + "".join(f" {name:>{width}}" for name in names))
        for name, row in zip(names, result.confusion_matrix, strict=True):
            print(f"{name:>{width}}" + "".join(f" {count:>{width}}" for count in row))
    if summary["weights"]:
        print(f"weights saved to {summary['weights']}")


def _list_tasks(as_json: bool) -> int:
    from rnnstudio.core.tasks import TASKS

    if as_json:
        entries = [
            {
                "name": task.name,
                "kind": task.kind,
                "features": task.features,
                "outputs": task.outputs,
                "per_step": task.per_step,
                "seq_len": task.seq_len,
                "class_names": list(task.class_names),
                "description": task.describe(),
            }
            for task in TASKS.values()
        ]
        print(json.dumps(entries, indent=2, ensure_ascii=False))
        return EXIT_OK
    width = max(len(name) for name in TASKS)
    for task in TASKS.values():
        print(f"{task.name:<{width}}  {task.kind}: {task.describe()}")
        print(f"{'':<{width}}  {task.requirement()}")
    return EXIT_OK


# name -> (help, setup, run)
COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Command]] = {
    "summary": (
        "print the model, its parameters and its shapes (the notebook's teoria())",
        _setup_summary,
        _run_summary,
    ),
    "examples": ("list the shipped examples", _setup_examples, _run_examples),
    "export": (
        "write the model as a standalone PyTorch file in the notebook's style",
        _setup_export,
        _run_export,
    ),
    "run": (
        "run the model on an input signal and save input, output and every hidden state",
        _setup_run,
        _run_run,
    ),
    "train": ("train the model on a built-in task", _setup_train, _run_train),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rnnstudio",
        usage=(
            "%(prog)s [FILE]\n       %(prog)s [-h] [--version] COMMAND ...\n"
            "       %(prog)s --install-desktop | --uninstall-desktop"
        ),
        description=(
            "Build recurrent networks from blocks and see exactly what PyTorch does with them. "
            "Without a subcommand, opens FILE (a .rnnstudio file or an example name) "
            "in the window."
        ),
    )
    parser.add_argument("--version", action="version", version=f"rnnstudio {__version__}")
    parser.add_argument(
        "--lang",
        choices=WINDOW_LANGUAGES,
        help="the window's language (default: the preference, else the system's)",
    )
    desktop = parser.add_mutually_exclusive_group()
    desktop.add_argument(
        "--install-desktop",
        action="store_true",
        help="add RNN Studio to this user's application menu and open .rnnstudio files with it",
    )
    desktop.add_argument(
        "--uninstall-desktop",
        action="store_true",
        help="remove what --install-desktop added",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_text, setup, _run) in COMMANDS.items():
        setup(subparsers.add_parser(name, help=help_text, description=help_text))
    return parser


WINDOW_LANGUAGES = ("en", "es")


def _is_language_option(word: str) -> bool:
    return word == "--lang" or word.startswith("--lang=")


def _take_language(argv: list[str]) -> tuple[str | None, list[str]]:
    """`--lang es` (or --lang=es) anywhere among the window's arguments; the rest as they are."""
    lang, rest = None, []
    words = iter(argv)
    for word in words:
        if not _is_language_option(word):
            rest.append(word)
            continue
        value = word.partition("=")[2] if "=" in word else next(words, "")
        if value not in WINDOW_LANGUAGES:
            build_parser().error(
                f"argument --lang: invalid choice: {value!r} (choose from 'en', 'es')"
            )
        lang = value
    return lang, rest


def _open_window(argv: list[str]) -> int:
    """`rnnstudio [--lang en|es] [FILE]`: the window, with a new project or with FILE."""
    lang, argv = _take_language(argv)
    if len(argv) > 1:
        build_parser().error(
            f"one FILE at most, got {len(argv)}: {' '.join(argv)}; "
            "commands are: " + ", ".join(COMMANDS)
        )
    from rnnstudio.gui.platform_check import qt_start_problem

    problem = qt_start_problem()
    if problem is not None:
        print(f"rnnstudio: {problem}", file=sys.stderr)
        return EXIT_NO_WINDOW
    try:
        from rnnstudio.gui.app import run
    except ImportError as error:
        print(
            f"rnnstudio: the window cannot start ({error}); "
            "install PySide6 with: python -m pip install PySide6-Essentials",
            file=sys.stderr,
        )
        return EXIT_NO_WINDOW
    return run(argv[0] if argv else None, lang)


def gui_main() -> int:
    """`rnnstudio-gui [FILE]`: the window alone, started without a console on Windows."""
    if sys.stderr is None or sys.stdout is None:
        # No console (pythonw): messages go to a log file in the state folder instead.
        from rnnstudio.gui.settings import state_dir

        try:
            folder = state_dir()
            folder.mkdir(parents=True, exist_ok=True)
            log = open(folder / "console.log", "a", encoding="utf-8")  # noqa: SIM115
        except OSError:
            log = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        sys.stdout = sys.stdout or log
        sys.stderr = sys.stderr or log
    argv = sys.argv[1:]
    if argv and argv[0] in ("-h", "--help", "--version"):
        return main(argv)
    return _open_window(argv)


def _desktop(args: argparse.Namespace) -> int:
    """--install-desktop / --uninstall-desktop: the menu entry, icons and file type."""
    from rnnstudio import desktop

    try:
        if args.install_desktop:
            paths = desktop.install_desktop()
            verb = "installed"
        else:
            paths = desktop.uninstall_desktop()
            verb = "removed"
    except OSError as error:
        print(f"rnnstudio: the desktop files cannot be written: {error}", file=sys.stderr)
        return EXIT_USAGE
    for path in paths:
        print(path)
    if not paths:
        print("rnnstudio: nothing to remove: the desktop files were not installed")
    else:
        print(f"rnnstudio: {len(paths)} desktop files {verb}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (
        argv[0] not in COMMANDS and (not argv[0].startswith("-") or _is_language_option(argv[0]))
    ):
        return _open_window(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.install_desktop or args.uninstall_desktop:
        if args.command is not None:
            parser.error("--install-desktop and --uninstall-desktop take no command")
        return _desktop(args)
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    from rnnstudio.core.errors import ModelError, ProjectError

    _help, _setup, run = COMMANDS[args.command]
    try:
        return run(args)
    except ProjectError as error:
        print(f"rnnstudio: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ModelError as error:
        print(f"rnnstudio: {error}", file=sys.stderr)
        return EXIT_MODEL
    except KeyboardInterrupt:
        print("rnnstudio: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # never a traceback in front of a user
        print(
            f"rnnstudio: internal error ({type(error).__name__}: {error}); please report it",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
