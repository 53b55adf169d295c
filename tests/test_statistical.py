"""The optional sentence classifier: its training data, training with spaCy, and how it is
combined with the rules (never over a rule's span, never where its label may not stand)."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

import ombudsman_nlp
from ombudsman_nlp.components.findings import DEFAULT_EXCLUDED_SECTIONS
from ombudsman_nlp.decision import build_decision
from ombudsman_nlp.evaluation import read_gold
from ombudsman_nlp.extensions import section_at
from ombudsman_nlp.statistical import (
    LABELS,
    classified_spans,
    compare,
    format_comparison,
    sentence_docs,
    train,
)

TRAINING = Path(__file__).resolve().parent.parent / "training"


@pytest.fixture(scope="module")
def nlp():
    return ombudsman_nlp.load()


@pytest.fixture(scope="module")
def records():
    seeds, _ = read_gold([TRAINING / "seeds.jsonl"])
    dev, _ = read_gold([TRAINING / "dev.jsonl"])
    return seeds, dev


@pytest.fixture(scope="module")
def classifier(records, nlp, tmp_path_factory):
    seeds, dev = records
    folder = tmp_path_factory.mktemp("textcat")
    quick = {"training.max_steps": 60, "training.eval_frequency": 30}
    model = train([*seeds, *dev[:40]], dev[40:60], folder, nlp=nlp, overrides=quick)
    assert (folder / "train.spacy").exists() and model.exists()
    return spacy.load(model)


def test_each_sentence_is_an_example_with_the_labels_of_its_gold_spans(records, nlp):
    seeds, _ = records
    seed = seeds[0]
    docs = sentence_docs([seed], nlp)
    assert docs and all(set(d.cats) == set(LABELS) for d in docs)
    by_text = {d.text.strip(): d for d in docs}
    # a gold span that is a whole sentence makes that sentence a positive example of its label
    whole = [s for s in seed["spans"] if s["label"] in LABELS and s["text"].strip() in by_text]
    assert whole
    for span in whole:
        assert by_text[span["text"].strip()].cats[span["label"]] == 1.0
    positives = sum(d.cats[label] for d in docs for label in LABELS)
    assert 0 < positives < len(docs)


def test_classifier_spans_go_only_where_the_rules_found_none(records, nlp, classifier):
    _, dev = records
    for record in dev[60:75]:
        doc = nlp(record["text"])
        rules = build_decision(doc, record["id"]).to_record()
        added = classified_spans(doc, rules, classifier, threshold=0.0)  # every label, anywhere
        taken = [(s["start"], s["end"]) for s in rules["spans"] if s["label"] in LABELS]
        for span in added:
            assert span["label"] in LABELS
            assert record["text"][span["start"] : span["end"]] == span["text"]
            assert not any(s < span["end"] and span["start"] < e for s, e in taken)
            section = section_at(doc, span["start"])
            assert section not in DEFAULT_EXCLUDED_SECTIONS[span["label"]]
    assert classified_spans(doc, rules, classifier, threshold=1.01) == []


def test_comparison_scores_the_rules_alone_and_combined(records, nlp, classifier):
    _, dev = records
    result = compare(dev[60:75], classifier, thresholds=(0.5, 1.01), nlp=nlp)
    assert list(result) == ["rules", "rules+classifier@0.5", "rules+classifier@1.01"]
    assert result["rules+classifier@1.01"]["added"] == 0
    assert result["rules+classifier@1.01"]["micro"] == result["rules"]["micro"]
    table = format_comparison(result)
    assert "| micro |" in table and "| spans added | 0 |" in table
