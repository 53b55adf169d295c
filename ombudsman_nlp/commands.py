"""What each command-line sub-command does; ``cli`` only parses the arguments."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import srsly

from .batch import process_lines
from .textio import InputDoc, iter_inputs


def extract(args: argparse.Namespace) -> int:
    """Write one record per input document; exit 1 when any document failed."""
    items: Iterator[InputDoc] = iter_inputs(args.paths)
    to_stdout = args.output == "-"
    done: set[str] = set()
    partial = Path(args.output + ".part") if not to_stdout else None
    if args.resume and not to_stdout:
        done = _finished_ids(Path(args.output), partial)
        items = (item for item in items if item.id not in done)
    elif partial is not None and partial.exists():
        partial.unlink()
    show = not args.no_progress and sys.stderr.isatty()
    failed = written = 0
    out = sys.stdout if to_stdout else open(partial, "a", encoding="utf-8")  # noqa: SIM115
    try:
        lines = process_lines(items, args.patterns, args.n_process)
        if show:
            from tqdm import tqdm

            lines = tqdm(lines, unit="doc", desc="extract", file=sys.stderr)
        for line in lines:
            out.write(line + "\n")
            out.flush()
            written += 1
            if '"error":' in line and "error" in json.loads(line):
                failed += 1
                record = json.loads(line)
                print(f"{record['source']}: {record['error']}", file=sys.stderr)
    finally:
        if not to_stdout:
            out.close()
    if partial is not None:
        os.replace(partial, args.output)
    print(f"{written} records written to {args.output} ({failed} failed)", file=sys.stderr)
    return 1 if failed else 0


def _finished_ids(output: Path, partial: Path) -> set[str]:
    """Ids already written by an interrupted run; moves the output back to ``partial``."""
    if output.exists() and not partial.exists():
        os.replace(output, partial)
    if not partial.exists():
        return set()
    data = partial.read_bytes()
    complete = data[: data.rfind(b"\n") + 1]
    if len(complete) != len(data):
        partial.write_bytes(complete)  # drop a line cut off mid-write
    ids = set()
    for line in complete.decode("utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            if "error" not in record:
                ids.add(record["id"])
    if ids or complete:
        _rewrite_without_errors(partial)
    return ids


def _rewrite_without_errors(partial: Path) -> None:
    """Drop error records so a resumed run retries those documents."""
    records = [r for r in srsly.read_jsonl(partial) if "error" not in r]
    srsly.write_jsonl(partial, records)


def evaluate(args: argparse.Namespace) -> int:
    """Score the pipeline on labelled files and print (or dump) the scores."""
    from .evaluation import evaluate_files

    result = evaluate_files(
        args.gold,
        patterns=args.patterns,
        with_patterns=args.patterns_report,
        predictions=args.predictions,
    )
    for issue in result.issues:
        print(f"{issue.source}: {issue.message}", file=sys.stderr)
    if args.json:
        print(json.dumps(result.as_json(), indent=2))
    else:
        print(result.report())
    return 0


def render(args: argparse.Namespace) -> int:
    """Write the decisions as one standalone HTML page; exit 1 when any input failed."""
    from .notebook import render_html
    from .pipeline import load

    nlp = load(args.patterns)
    items: list = []
    failed = 0
    if args.labelled:
        from .labelled import read_labelled

        for path in args.paths:
            records, issues = read_labelled(path)
            for issue in issues:
                print(str(issue), file=sys.stderr)
            items.extend(records)
    else:
        for item in iter_inputs(args.paths):
            if item.error is not None or item.text is None:
                print(item.error or f"{item.source}: no text", file=sys.stderr)
                failed += 1
                continue
            doc = nlp(item.text)
            doc._.doc_id = item.id
            items.append(doc)
    if not items:
        print("ombudsman-nlp: error: no decision to render", file=sys.stderr)
        return 1
    page = render_html(items, page=True, nlp=nlp)
    if args.output == "-":
        sys.stdout.write(page)
    else:
        Path(args.output).write_text(page, encoding="utf-8")
        print(f"{len(items)} decisions rendered to {args.output}", file=sys.stderr)
    return 1 if failed else 0

def tune(args: argparse.Namespace) -> int:
    """Tune the patterns on labelled files; write the pattern folder and the reports."""
    from .tune import load_settings, tune_files

    settings = load_settings(args.config)
    for key in ("folds", "min_precision", "min_support", "max_changes"):
        value = getattr(args, key)
        if value is not None:
            setattr(settings, key, value)
    if args.labels:
        settings.labels = tuple(args.labels)
    settings.add = settings.add and not args.no_add
    settings.remove = settings.remove and not args.no_remove
    guard = [] if args.no_guard else args.guard
    result = tune_files(args.labelled, args.out, args.patterns, guard, settings)
    for issue in result.issues:
        print(f"{issue.source}: {issue.message}", file=sys.stderr)
    before, after = result.before["labelled"], result.after["labelled"]
    print(f"{len(result.accepted)} changes kept of {result.considered} considered")
    for change in result.accepted:
        print(f"  {change.kind:<6} {change.component:<9} {change.pattern.id}")
    print(f"{'label':<20} {'F1 before':>9} {'F1 after':>9}")
    for label in before:
        print(f"{label:<20} {before[label]['f1']:>9.3f} {after[label]['f1']:>9.3f}")
    print(f"pattern files and tuning_report.md written to {args.out}")
    return 0
