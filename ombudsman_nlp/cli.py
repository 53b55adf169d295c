"""The ``ombudsman-nlp`` command line: extract, evaluate (and more), thin over the library."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__, commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ombudsman-nlp",
        description="Structured data from Local Government and Social Care Ombudsman decisions.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    extract = sub.add_parser("extract", help="tag decisions and write one JSON record per decision")
    extract.add_argument(
        "paths", nargs="+", help=".txt/.html files, folders of them, or JSONL with id and text"
    )
    extract.add_argument("-o", "--output", required=True, help="output JSONL file ('-' for stdout)")
    extract.add_argument("--n-process", type=int, default=1, help="worker processes (default 1)")
    extract.add_argument("--patterns", help="folder of pattern files replacing the bundled ones")
    extract.add_argument("--resume", action="store_true", help="continue an interrupted run")
    extract.add_argument("--no-progress", action="store_true", help="no progress bar")
    extract.set_defaults(handler=commands.extract)

    evaluate = sub.add_parser("evaluate", help="score the pipeline on labelled decisions")
    evaluate.add_argument(
        "gold", nargs="+", help="labelled files (gold JSONL, Prodigy, doccano, DocBin)"
    )
    evaluate.add_argument("--patterns", help="folder of pattern files replacing the bundled ones")
    evaluate.add_argument("--json", action="store_true", help="machine-readable output")
    evaluate.add_argument(
        "--predictions",
        help="score this JSONL of extracted records instead of running the pipeline",
    )
    evaluate.add_argument(
        "--patterns-report", action="store_true", help="per-pattern statistics and missed spans"
    )
    evaluate.set_defaults(handler=commands.evaluate)

    render = sub.add_parser("render", help="write decisions as a standalone HTML page")
    render.add_argument("paths", nargs="+", help=".txt/.html files, folders, or JSONL records")
    render.add_argument("-o", "--output", required=True, help="output HTML file ('-' for stdout)")
    render.add_argument("--patterns", help="folder of pattern files replacing the bundled ones")
    render.add_argument(
        "--labelled",
        action="store_true",
        help="show the spans of labelled files (gold JSONL, Prodigy, ...) instead of predicting",
    )
    render.set_defaults(handler=commands.render)

    tune = sub.add_parser("tune", help="tune the pattern files on labelled decisions")
    tune.add_argument(
        "labelled", nargs="+", help="labelled files (gold JSONL, Prodigy, doccano, DocBin)"
    )
    tune.add_argument("--patterns", help="folder of pattern files to start from (default: bundled)")
    tune.add_argument("--out", required=True, help="folder for the tuned pattern files and report")
    tune.add_argument("--config", help="tuning settings (default: training/tune.cfg when present)")
    tune.add_argument("--folds", type=int, help="cross-validation folds (default 5)")
    tune.add_argument(
        "--min-precision", type=float, help="disable rules below this precision (0.5)"
    )
    tune.add_argument("--min-support", type=int, help="firings / missed spans a change needs (2)")
    tune.add_argument("--max-changes", type=int, help="stop after this many kept changes (60)")
    tune.add_argument("--labels", nargs="+", help="span labels to tune (default: all)")
    tune.add_argument(
        "--guard",
        nargs="+",
        help="gold files no change may score worse on (default: training seeds and dev)",
    )
    tune.add_argument("--no-guard", action="store_true", help="no guard files")
    tune.add_argument("--no-add", action="store_true", help="only disable rules")
    tune.add_argument("--no-remove", action="store_true", help="only add rules")
    tune.add_argument("--no-modifiers", action="store_true", help="propose no scope modifiers")
    tune.set_defaults(handler=commands.tune)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except (OSError, ValueError) as err:
        print(f"ombudsman-nlp: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
