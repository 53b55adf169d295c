"""An optional statistical layer beside the rules: a sentence classifier for the findings.

A spaCy ``textcat_multilabel`` (bag of words and bigrams: :func:`default_config`, spaCy's own
``init config`` with bigrams and a shorter run, trained with ``spacy train``) learns from
labelled decisions which sentences hold a ``FAULT``, ``NO_FAULT``, ``INJUSTICE``,
``NO_INJUSTICE`` or ``CLAIMED_INJUSTICE`` span. It is combined with the rules by addition: a
sentence that no findings span of the rules touches gets, for each label the classifier scores
at least ``threshold``, a span of that label, unless its section is one where the label may
not stand.

``python -m ombudsman_nlp.statistical TRAIN... --test TEST... --out DIR`` trains on the
first files, scores the rules alone and the rules plus the classifier on the test files, and
prints whether it helps (docs/tuning.md has the measured answer on the bundled data).
"""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from .components.findings import DEFAULT_EXCLUDED_SECTIONS
from .decision import build_decision
from .evaluation import read_gold
from .extensions import section_at
from .labels import CLAIMED_INJUSTICE, FAULT, INJUSTICE, NO_FAULT, NO_INJUSTICE
from .pipeline import load
from .scoring import half_overlap, score

LABELS: tuple[str, ...] = (FAULT, NO_FAULT, INJUSTICE, NO_INJUSTICE, CLAIMED_INJUSTICE)
THRESHOLDS: tuple[float, ...] = (0.5, 0.7, 0.9)


def sentence_docs(records: Iterable[dict], nlp: Language) -> list[Doc]:
    """One doc per sentence of the labelled records (the pipeline's sentences), with
    ``cats``: 1.0 for each findings label of a gold span the sentence holds, else 0.0."""
    out = []
    texts = ((r["text"], r) for r in records)
    for doc, record in nlp.pipe(texts, as_tuples=True):
        gold = [(s["start"], s["end"], s["label"]) for s in record.get("spans", [])]
        for sentence in doc.sents:
            bounds = (sentence.start_char, sentence.end_char)
            if not sentence.text.strip():
                continue
            example = nlp.make_doc(sentence.text)
            example.cats = {
                label: float(any(lb == label and half_overlap(bounds, (s, e)) for s, e, lb in gold))
                for label in LABELS
            }
            out.append(example)
    return out


def default_config() -> Any:
    """spaCy's ``init config`` for ``textcat_multilabel`` (efficiency: bag of words), with
    bigrams and a run of at most 3,000 steps."""
    from spacy.cli.init_config import init_config

    config = init_config(lang="en", pipeline=["textcat_multilabel"], optimize="efficiency")
    config["components"]["textcat_multilabel"]["model"]["ngram_size"] = 2
    config["training"]["max_steps"] = 3000
    config["training"]["patience"] = 1000
    return config


def train(
    train_records: Sequence[dict],
    dev_records: Sequence[dict],
    out: str | Path,
    config: str | Path | None = None,
    nlp: Language | None = None,
    overrides: dict[str, Any] | None = None,
) -> Path:
    """Train the sentence classifier with ``spacy train``; returns the best model's folder.

    ``config``: a spaCy training config file (default: :func:`default_config`, written to
    ``out/config.cfg``); ``overrides``: values to change in it (``training.max_steps``).
    """
    from spacy.cli.train import train as spacy_train

    nlp = nlp or load()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name, records in (("train", train_records), ("dev", dev_records)):
        DocBin(docs=sentence_docs(records, nlp), store_user_data=False).to_disk(
            out / f"{name}.spacy"
        )
    if config is None:
        config = out / "config.cfg"
        default_config().to_disk(config)
    paths = {"paths.train": str(out / "train.spacy"), "paths.dev": str(out / "dev.spacy")}
    spacy_train(Path(config), out / "model", overrides={**paths, **(overrides or {})})
    return out / "model" / "model-best"


def classified_spans(doc: Doc, record: dict, classifier: Language, threshold: float) -> list[dict]:
    """Spans the classifier adds to a processed doc's record: for each sentence no findings
    span touches, one per label scored ``threshold`` or more where the label may stand."""
    taken = [(s["start"], s["end"]) for s in record["spans"] if s["label"] in LABELS]
    added = []
    sentences = [s for s in doc.sents if s.text.strip()]
    free = [s for s in sentences if not any(a < s.end_char and s.start_char < b for a, b in taken)]
    for sentence, scored in zip(free, classifier.pipe(s.text for s in free), strict=True):
        section = section_at(doc, sentence.start_char)
        for label in LABELS:
            if scored.cats.get(label, 0.0) < threshold:
                continue
            if section in DEFAULT_EXCLUDED_SECTIONS.get(label, ()):
                continue
            start, end = sentence.start_char, sentence.end_char
            added.append({"start": start, "end": end, "label": label, "text": doc.text[start:end]})
    return added


def compare(
    test_records: Sequence[dict],
    classifier: Language,
    thresholds: Iterable[float] = THRESHOLDS,
    nlp: Language | None = None,
) -> dict[str, Any]:
    """Span scores on ``test_records`` of the rules alone and of the rules plus the
    classifier at each threshold."""
    nlp = nlp or load()
    docs = list(nlp.pipe(r["text"] for r in test_records))
    pairs = zip(docs, test_records, strict=True)
    rules = [build_decision(doc, record["id"]).to_record() for doc, record in pairs]
    result: dict[str, Any] = {"rules": {**score(list(test_records), rules)["spans"], "added": 0}}
    for threshold in thresholds:
        combined, added = [], 0
        for doc, record in zip(docs, rules, strict=True):
            extra = classified_spans(doc, record, classifier, threshold)
            added += len(extra)
            combined.append({**record, "spans": [*record["spans"], *extra]})
        scores = score(list(test_records), combined)["spans"]
        result[f"rules+classifier@{threshold}"] = {**scores, "added": added}
    return result


def format_comparison(result: dict[str, Any]) -> str:
    """The comparison as a table of F1 per label."""
    runs = list(result)
    labels = [*LABELS, "micro"]
    lines = ["| F1 | " + " | ".join(runs) + " |", "|---|" + "---|" * len(runs)]
    for label in labels:
        cells = [f"{result[run].get(label, {}).get('f1', 0.0):.3f}" for run in runs]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("| spans added | " + " | ".join(str(result[run]["added"]) for run in runs) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("train", nargs="+", help="labelled files to train on")
    parser.add_argument("--test", nargs="+", required=True, help="labelled files to score on")
    parser.add_argument("--out", required=True, help="folder for the data and the model")
    parser.add_argument("--config", help="spaCy training config (default: default_config())")
    args = parser.parse_args(argv)
    train_records, issues = read_gold(args.train)
    test_records, test_issues = read_gold(args.test)
    for issue in [*issues, *test_issues]:
        print(f"{issue.source}: {issue.message}", file=sys.stderr)
    nlp = load()
    # spaCy picks its best model on the dev records: a fifth of the training ones, by id.
    dev = [r for r in train_records if zlib.crc32(str(r["id"]).encode("utf-8")) % 5 == 0]
    rest = [r for r in train_records if zlib.crc32(str(r["id"]).encode("utf-8")) % 5 != 0]
    model = train(rest, dev, args.out, args.config, nlp)
    result = compare(test_records, spacy.load(model), nlp=nlp)
    (Path(args.out) / "comparison.json").write_text(json.dumps(result, indent=2) + "\n")
    print(format_comparison(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
