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

    result = evaluate_files(args.gold, patterns=args.patterns, with_patterns=args.patterns_report)
    for issue in result.issues:
        print(f"{issue.source}: {issue.message}", file=sys.stderr)
    if args.json:
        print(json.dumps(result.as_json(), indent=2))
    else:
        print(result.report())
    return 0
