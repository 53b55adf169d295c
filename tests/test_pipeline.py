"""The pipeline end to end on the seed decisions: span groups, extensions, Decision."""

from __future__ import annotations

import json
from pathlib import Path

import spacy
from spacy.tokens import DocBin

import ombudsman_nlp
from ombudsman_nlp import Decision
from ombudsman_nlp.labels import SPAN_GROUP_KEYS

SEEDS = Path(__file__).parent.parent / "training" / "seeds"
SEED_000 = "000_5a2b375e91cba30c"
SEED_003 = "003_10efd45c4424b1c0"


def test_load_gives_a_language_with_the_components(nlp):
    assert isinstance(nlp, spacy.Language)
    assert nlp.pipe_names == [
        "sections",
        "header",
        "heads",
        "findings",
        "remedies",
        "actions",
        "decision",
    ]


def test_span_groups_and_extensions_are_filled(nlp, seed_text):
    doc = nlp(seed_text(SEED_000))
    for key in (*SPAN_GROUP_KEYS, "actions", "sections"):
        assert key in doc.spans
    faults = [s.text for s in doc._.findings if s.label_ == "FAULT"]
    assert "This is fault by the Council." in faults
    assert "I find fault causing injustice." in faults
    assert doc._.metadata == {
        "organisation": "Stoke-on-Trent City Council",
        "reference": "24 001 148",
        "category": "Children's care services > Child protection",
        "outcome": "Upheld",
        "decision_date": "2025-04-23",
    }
    assert doc._.overall == {"fault": "fault", "injustice": "injustice"}
    assert isinstance(doc._.decision, Decision)
    assert {s.label_ for s in doc._.complaint_heads} == {"COMPLAINT_HEAD"}


def test_seed_000_one_payment_two_mentions_not_the_claim(nlp, seed_text):
    text = seed_text(SEED_000)
    doc = nlp(text)
    mentions = [s for s in doc._.remedies if s.text == "£4,724"]
    assert len(mentions) == 2
    claim = text.index("Mr X says this has cost him £4,724") + len("Mr X says this has cost him ")
    assert claim not in {s.start_char for s in doc._.remedies}
    for span in mentions:
        assert (span._.amount, span._.payee) == (4724.0, "Mr X")
    remedies = doc._.decision.remedies
    assert [(p.amount, p.payee, p.purpose) for p in remedies] == [
        (4724.0, "Mr X", "financial_loss")
    ]
    assert sorted(remedies[0].mentions) == sorted((s.start_char, s.end_char) for s in mentions)


def test_seed_003_distress_and_time_and_trouble(nlp, seed_text):
    decision = nlp(seed_text(SEED_003))._.decision
    assert sorted((p.amount, p.purpose) for p in decision.remedies) == [
        (200.0, "time_and_trouble"),
        (300.0, "distress"),
    ]
    assert decision.total_paid == 500.0


def test_decision_record_has_the_gold_shape(nlp, seed_text):
    text = seed_text(SEED_000)
    record = nlp(text)._.decision.to_record()
    assert {"id", "metadata", "spans", "remedies", "overall", "actions", "text"} <= set(record)
    for span in record["spans"]:
        assert {"start", "end", "label", "text"} <= set(span)
        assert text[span["start"] : span["end"]] == span["text"]
    assert json.loads(json.dumps(record)) == record


def test_extension_values_survive_docbin(nlp, seed_text):
    doc = nlp(seed_text(SEED_000))
    data = DocBin(store_user_data=True, docs=[doc]).to_bytes()
    restored = next(DocBin().from_bytes(data).get_docs(nlp.vocab))
    assert restored._.metadata == doc._.metadata
    assert [(s.text, s._.amount) for s in restored.spans["remedies"]] == [
        (s.text, s._.amount) for s in doc.spans["remedies"]
    ]


def test_empty_and_whitespace_text_give_empty_decisions(nlp):
    for text in ("", "   \n\n  "):
        decision = nlp(text)._.decision
        assert decision.spans == [] and decision.remedies == []
        assert decision.metadata.reference is None


def _spans(doc):
    return {key: [(s.start, s.end, s.label_, s.id_) for s in doc.spans[key]] for key in doc.spans}


def test_pipe_in_batches_gives_what_one_call_gives(nlp):
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    texts += [text[: len(text) // 3] for text in texts]
    piped = list(nlp.pipe(texts, batch_size=4))
    assert [d.text for d in piped] == texts
    for text, doc in zip(texts, piped, strict=True):
        one = nlp(text)
        assert _spans(doc) == _spans(one)
        assert doc._.metadata == one._.metadata and doc._.overall == one._.overall


def test_pipe_hands_a_failing_document_to_the_error_handler(seed_text, monkeypatch):
    nlp = ombudsman_nlp.load()
    remedies = type(nlp.get_pipe("remedies"))
    original = remedies.__call__

    def fail_on_marker(self, doc):
        if "BROKEN-MARKER" in doc.text:
            raise RuntimeError("marked")
        return original(self, doc)

    monkeypatch.setattr(remedies, "__call__", fail_on_marker)
    failed = []
    nlp.set_error_handler(lambda name, proc, docs, error: failed.append((name, str(error))))
    text = seed_text(SEED_000)
    docs = list(nlp.pipe([text, "BROKEN-MARKER " + text, text[:500]]))
    assert failed == [("remedies", "marked")]
    assert [d.text for d in docs] == [text, text[:500]]
