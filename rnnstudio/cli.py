"""The command line: `rnnstudio SUBCOMMAND ...` over the core; `rnnstudio [FILE]` opens the window.

Heavy imports (torch, Qt) happen inside the commands, so --help and --version are instant.
Exit codes: 0 ok; 1 the file is valid but the model cannot run; 2 a bad file or bad
arguments; 70 an internal error (a bug to report). Messages go to stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from rnnstudio import __version__

EXIT_OK, EXIT_MODEL, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70

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
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rnnstudio",
        description=(
            "Build recurrent networks from blocks and see exactly what PyTorch does with them. "
            "Without a subcommand, opens FILE (a .rnnstudio file or an example name) "
            "in the window."
        ),
    )
    parser.add_argument("--version", action="version", version=f"rnnstudio {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_text, setup, _run) in COMMANDS.items():
        setup(subparsers.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
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
