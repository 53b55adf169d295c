"""Rule proposal: inflection sets from the lookup lemmas, shapes, optional names."""

from __future__ import annotations

import spacy

from ombudsman_nlp.induce import MissedSpan, inflections, propose, token_pattern


def test_inflections_come_from_the_lemma() -> None:
    assert {"find", "finds", "found", "finding"} <= set(inflections("found"))
    assert {"delay", "delayed", "delays"} <= set(inflections("delays"))
    assert "faults" in inflections("fault")
    assert inflections("fault") == sorted(inflections("fault"))


def test_token_pattern_generalises_words_numbers_and_names() -> None:
    pattern = token_pattern(["failed", "to", "tell", "<NAME>"], generalise=True)
    assert pattern[0] == {"LOWER": {"IN": ["fail", "failed", "failing", "fails"]}}
    assert pattern[1] == {"LOWER": "to"}  # stop words stay literal
    assert pattern[-2]["OP"] == "?" and pattern[-1]["OP"] == "?"
    assert token_pattern(["within", "28", "days"], generalise=False)[1] == {"SHAPE": "dd"}
    # Nothing to generalise: a phrase, which the PhraseMatcher runs at no extra cost.
    assert token_pattern(["was", "at", "fault"], generalise=False) == "was at fault"


def test_propose_finds_the_shared_trigger_of_missed_sentences() -> None:
    nlp = spacy.blank("en")
    texts = [
        "The Council failed to consider her needs. It wrote to her.",
        "The Council failed to consider the report. It met him.",
        "The Council failed to reply. She was unhappy.",
    ]
    docs = [nlp(t) for t in texts]
    for doc in docs:
        for token in doc:
            token.is_sent_start = token.i == 0 or doc[token.i - 1].text == "."
    missed = []
    gold = []
    for n, doc in enumerate(docs):
        end = doc.text.index(".") + 1
        missed.append(MissedSpan(f"d{n}", doc, "FAULT", 0, end, "summary"))
        gold.append((doc, {"FAULT": [(0, end)]}))
    proposals = propose(missed, gold, min_support=3, min_precision=0.5)
    texts = {p.gram.text for p in proposals}
    assert "failed" in texts and "council failed" in texts
    assert "failed to consider" not in texts  # only in two missed spans
    generalised = [p for p in proposals if p.gram.text == "failed" and not p.pattern.is_phrase]
    assert generalised and generalised[0].pattern.pattern[0]["LOWER"]["IN"][0] == "fail"
    assert all(p.pattern.label == "FAULT" for p in proposals)
    limited = [p for p in proposals if p.pattern.sections]
    assert limited and all(p.pattern.sections == ["summary"] for p in limited)
