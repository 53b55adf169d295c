"""Tests of ombudsman_nlp.to_dataframe: decision rows and span rows."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest
import srsly

import ombudsman_nlp
from ombudsman_nlp import labels, to_dataframe
from ombudsman_nlp.dataframe import DECISION_COLUMNS, SPAN_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "training" / "seeds").glob("*.txt"))


@pytest.fixture(scope="module")
def docs():
    nlp = ombudsman_nlp.load()
    out = []
    for path in SEEDS:
        doc = nlp(path.read_text(encoding="utf-8"))
        doc._.doc_id = path.stem
        out.append(doc)
    return out


@pytest.fixture(scope="module")
def gold():
    return list(srsly.read_jsonl(ROOT / "training" / "seeds.jsonl"))


def test_one_row_per_decision(docs):
    frame = to_dataframe(docs)
    assert list(frame.columns) == list(DECISION_COLUMNS)
    assert list(frame["id"]) == [p.stem for p in SEEDS]
    first = frame.iloc[0]
    assert first["organisation"] == "Stoke-on-Trent City Council"
    assert first["reference"] == "24 001 148" and first["decision_date"] == "2025-04-23"
    assert first["fault"] == "fault" and first["injustice"] == "injustice"
    assert first["n_payments"] == 1 and first["total_paid"] == 4724.0
    for doc, (_, row) in zip(docs, frame.iterrows(), strict=True):
        counts = Counter(s.label for s in doc._.decision.spans)
        assert {label: row[label] for label in labels.SPAN_LABELS} == {
            label: counts.get(label, 0) for label in labels.SPAN_LABELS
        }
    assert str(frame["FAULT"].dtype) == "int64"


def test_one_row_per_span_with_payment_attributes(docs):
    frame = to_dataframe(docs, kind="spans")
    assert list(frame.columns) == list(SPAN_COLUMNS)
    assert len(frame) == sum(len(d._.decision.spans) for d in docs)
    pay = frame[(frame["id"] == SEEDS[0].stem) & (frame["label"] == "REMEDY_PAYMENT")]
    assert list(pay["text"]) == ["£4,724", "£4,724"]
    assert set(pay["amount"]) == {4724.0} and set(pay["payee"]) == {"Mr X"}
    assert set(pay["purpose"]) == {"financial_loss"}
    text = SEEDS[0].read_text(encoding="utf-8")
    row = frame[frame["label"] == "FAULT"].iloc[0]
    assert text[row["start"] : row["end"]] == row["text"]
    assert row["section"] and row["pattern_id"]
    assert frame[frame["label"] != "REMEDY_PAYMENT"]["amount"].isna().all()


def test_gold_records(gold):
    frame = to_dataframe(gold)
    assert list(frame["id"]) == [r["id"] for r in gold]
    row = frame.iloc[0]
    assert row["FAULT"] == sum(1 for s in gold[0]["spans"] if s["label"] == "FAULT")
    assert row["total_paid"] == sum(p["amount"] for p in gold[0]["remedies"])
    assert row["action_kinds"] == ", ".join(sorted(set(gold[0]["actions"])))
    spans = to_dataframe(gold, kind="spans")
    pay = spans[(spans["label"] == "REMEDY_PAYMENT") & (spans["id"] == "20-007-616")]
    assert set(zip(pay["amount"], pay["purpose"], strict=True)) == {
        (300.0, "distress"),
        (200.0, "time_and_trouble"),
    }


def test_single_item_and_bad_arguments(docs):
    assert len(to_dataframe(docs[0])) == 1
    with pytest.raises(ValueError, match="kind"):
        to_dataframe(docs, kind="tokens")
    with pytest.raises(TypeError):
        to_dataframe("some text")
    with pytest.raises(ValueError, match="error record"):
        to_dataframe([{"id": "x", "error": "unreadable"}])


def test_clear_error_without_pandas(docs, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"ombudsman_nlp\[notebook\]"):
        to_dataframe(docs)
