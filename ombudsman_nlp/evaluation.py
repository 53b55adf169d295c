"""Run the pipeline on labelled records and score it as ANNOTATION.md defines."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import srsly
from spacy.language import Language

from .decision import build_decision
from .labelled import LoadIssue, read_labelled
from .pipeline import load
from .scoring import format_pattern_report, format_report, pattern_report, score


def predict(nlp: Language, records: Sequence[dict], batch_size: int = 16) -> list[dict]:
    """Predicted records (gold shape) for labelled records, paired by id."""
    texts = ((r["text"], r["id"]) for r in records)
    predictions = []
    for doc, doc_id in nlp.pipe(texts, as_tuples=True, batch_size=batch_size):
        predictions.append(build_decision(doc, doc_id).to_record())
    return predictions


@dataclass
class Evaluation:
    """Scores of one run, with the per-pattern report when asked for."""

    scores: dict
    patterns: dict | None = None
    issues: list[LoadIssue] = field(default_factory=list)

    def report(self) -> str:
        text = format_report(self.scores)
        if self.patterns is not None:
            text += "\n\n" + format_pattern_report(self.patterns)
        return text

    def as_json(self) -> dict:
        data = {"scores": self.scores}
        if self.patterns is not None:
            data["patterns"] = self.patterns
        return data


def read_gold(paths: Iterable[str | Path]) -> tuple[list[dict], list[LoadIssue]]:
    """Labelled records from files of any supported format, with the problems found."""
    records: list[dict] = []
    issues: list[LoadIssue] = []
    for path in paths:
        found, problems = read_labelled(path, check_tokens=False)
        records.extend(found)
        issues.extend(problems)
    return records, issues


def evaluate_records(
    gold: Sequence[dict], nlp: Language | None = None, with_patterns: bool = False
) -> Evaluation:
    nlp = nlp or load()
    predictions = predict(nlp, gold)
    report = pattern_report(list(gold), predictions) if with_patterns else None
    return Evaluation(score(list(gold), predictions), report)


def evaluate_files(
    paths: Iterable[str | Path],
    patterns: str | Path | None = None,
    with_patterns: bool = False,
    predictions: str | Path | None = None,
) -> Evaluation:
    """Score labelled files: run the pipeline on their texts, or score ``predictions``.

    ``predictions`` is a JSONL file of records written earlier (``ombudsman-nlp extract``),
    paired with the gold by ``id``; the pipeline does not run then.
    """
    gold, issues = read_gold(paths)
    if predictions is None:
        result = evaluate_records(gold, load(patterns), with_patterns)
    else:
        predicted = [r for r in srsly.read_jsonl(predictions) if "error" not in r]
        report = pattern_report(gold, predicted) if with_patterns else None
        result = Evaluation(score(gold, predicted), report)
    result.issues = issues
    return result
