"""The pydantic models agree with the label lists and read the gold records as they are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import pytest
from pydantic import ValidationError

from ombudsman_nlp import labels
from ombudsman_nlp.schema import ActionKind, Decision, Purpose, SpanLabel

GOLD = Path(__file__).resolve().parent.parent / "training" / "seeds.jsonl"


def test_literals_match_the_label_lists():
    assert get_args(SpanLabel) == labels.SPAN_LABELS
    assert get_args(Purpose) == labels.PURPOSES
    assert get_args(ActionKind) == labels.ACTION_KINDS


def test_every_gold_record_validates_and_round_trips():
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        decision = Decision.model_validate(record)
        dumped = decision.to_record()
        assert dumped["id"] == record["id"]
        assert dumped["metadata"] == record["metadata"]
        assert dumped["overall"] == record["overall"]
        assert [(r["amount"], r["payee"], r["purpose"]) for r in dumped["remedies"]] == [
            (r["amount"], r["payee"], r["purpose"]) for r in record["remedies"]
        ]
        assert [a["kind"] for a in dumped["actions"]] == record["actions"]
        assert [(s["start"], s["end"], s["label"]) for s in dumped["spans"]] == [
            (s["start"], s["end"], s["label"]) for s in record["spans"]
        ]


def test_unknown_label_and_purpose_are_refused():
    with pytest.raises(ValidationError, match="label"):
        Decision.model_validate(
            {"text": "x", "spans": [{"start": 0, "end": 1, "label": "FAUTL", "text": "x"}]}
        )
    with pytest.raises(ValidationError, match="purpose"):
        Decision.model_validate({"text": "x", "remedies": [{"amount": 1.0, "purpose": "joy"}]})
