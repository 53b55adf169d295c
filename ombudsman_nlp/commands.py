"""What each command-line sub-command does; ``cli`` only parses the arguments."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from .batch import process_lines
from .textio import InputDoc, iter_inputs


def extract(args: argparse.Namespace) -> int:
    """Write one record per input document; exit 1 when any document failed.

    Records go to ``OUTPUT.part`` as they are made and the file is renamed to ``OUTPUT``
    when the run ends, so ``OUTPUT`` is never half-written. ``--resume`` keeps the good
    records of an interrupted (or finished) run, drops its error records and a line cut
    off mid-write, and processes only the inputs whose ids it has no record for.
    """
    items: Iterator[InputDoc] = iter_inputs(args.paths)
    to_stdout = args.output == "-"
    partial = Path(args.output + ".part") if not to_stdout else None
    if partial is not None and args.resume:
        done = _finished_ids(Path(args.output), partial)
        items = (item for item in items if item.id not in done)
    elif partial is not None and partial.exists():
        partial.unlink()
    show = not args.no_progress and sys.stderr.isatty()
    failed = written = 0
    out = sys.stdout if partial is None else open(partial, "a", encoding="utf-8")  # noqa: SIM115
    try:
        lines = process_lines(items, args.patterns, args.n_process)
        if show:
            from tqdm import tqdm

            lines = tqdm(lines, unit="doc", desc="extract", file=sys.stderr)
        for line in lines:
            out.write(line + "\n")
            out.flush()
            written += 1
            error = _error_of(line)
            if error is not None:
                failed += 1
                print(error, file=sys.stderr)
        if partial is not None:
            os.fsync(out.fileno())
    finally:
        if partial is not None:
            out.close()
    if partial is not None:
        os.replace(partial, args.output)
    print(f"{written} records written to {args.output} ({failed} failed)", file=sys.stderr)
    return 1 if failed else 0


def _error_of(line: str) -> str | None:
    """The reason of an error record, or None for a decision record."""
    if '"error":' not in line:
        return None
    record = json.loads(line)
    return record.get("error")


def _finished_ids(output: Path, partial: Path) -> set[str]:
    """Ids with a good record from an earlier run; leaves just those records in ``partial``.

    A finished output is moved back to ``partial`` (the run appends to it); a line cut off
    mid-write and error records are dropped (so failed inputs are retried). The rewrite
    goes through a temporary file, so a kill at any moment loses no good record.
    """
    if output.exists() and not partial.exists():
        os.replace(output, partial)
    if not partial.exists():
        return set()
    ids: set[str] = set()
    kept: list[bytes] = []
    dropped = 0
    with partial.open("rb") as lines:
        for line in lines:
            record = _good_record(line)
            if record is None:
                dropped += 1
                continue
            ids.add(str(record["id"]))
            kept.append(line)
    if dropped:
        scratch = partial.with_name(partial.name + ".tmp")
        with scratch.open("wb") as out:
            out.writelines(kept)
            out.flush()
            os.fsync(out.fileno())
        os.replace(scratch, partial)
    return ids


def _good_record(line: bytes) -> dict | None:
    """The record of a complete, good output line, else None."""
    if not line.endswith(b"\n"):
        return None  # cut off mid-write
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if not isinstance(record, dict) or "error" in record or "id" not in record:
        return None
    return record


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
    settings.modifiers = settings.modifiers and not args.no_modifiers
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
