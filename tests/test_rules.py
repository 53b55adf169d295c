"""The matching engine: scoped matching gives the hits of matching each stretch on its own."""

from __future__ import annotations

import gc
import random
import weakref

import pytest
from spacy.tokens import Span

from ombudsman_nlp import rules
from ombudsman_nlp.extensions import sentences as sentence_index
from ombudsman_nlp.patterns import Pattern, bundled
from ombudsman_nlp.rules import Hit, RuleMatcher, token_count

STEMS = ("000_5a2b375e91cba30c", "003_10efd45c4424b1c0")


def _reference(matcher: RuleMatcher, doc, sentences) -> list[Hit]:
    """Each joined stretch of the sentences matched on its own, as a ``Span``."""
    bounds: list[list[int]] = []
    for sentence in sorted(sentences, key=lambda s: s.start):
        if bounds and sentence.start <= bounds[-1][1]:
            bounds[-1][1] = max(bounds[-1][1], sentence.end)
        else:
            bounds.append([sentence.start, sentence.end])
    hits = [
        Hit(matcher._by_key[key], start, end)
        for a, b in bounds
        for key, start, end in matcher._phrases(doc[a:b])
    ]
    starts = [s.start for s in sentences]
    found: dict[int, set[int]] = {}
    for a, b in bounds:
        for key, start, _ in matcher._anchors(doc[a:b]):
            position = rules.bisect_right(starts, start) - 1
            if position >= 0 and start < sentences[position].end:
                found.setdefault(position, set()).add(key)
    for position in sorted(found):
        if any(needs <= found[position] for needs in matcher._needs):
            span = sentences[position]
            for key, start, end in matcher._tokens(span):
                hits.append(Hit(matcher._by_key[key], span.start + start, span.start + end))
    hits.sort(key=lambda h: (h.start, -h.end, h.pattern.id))
    return hits


def _matchers(nlp) -> list[RuleMatcher]:
    found = []
    for _, pipe in nlp.pipeline:
        for value in vars(pipe).values():
            if isinstance(value, RuleMatcher):
                found.append(value)
    return found


@pytest.mark.parametrize("run_cost", [0, 10**9])
def test_scoped_hits_equal_matching_each_stretch(nlp, seed_text, monkeypatch, run_cost):
    # run_cost 0: stretches matched one by one; 10**9: the whole doc, filtered.
    monkeypatch.setattr(rules, "RUN_COST", run_cost)
    chooser = random.Random(7)
    matchers = _matchers(nlp)
    assert len(matchers) >= 4
    for stem in STEMS:
        doc = nlp(seed_text(stem))
        index = sentence_index(doc)
        spans = index.spans()
        scopes = [[], spans[:1], spans[-3:], [*doc.spans["sections"]]]
        scopes += [chooser.sample(spans, k) for k in (5, 20, len(spans) // 2)]
        for matcher in matchers:
            matcher._last = None
            for scope in scopes:
                expected = _reference(matcher, doc, scope)
                assert matcher(doc, scope) == expected
                starts, ends = [s.start for s in scope], [s.end for s in scope]
                assert matcher.in_bounds(doc, starts, ends) == expected
            assert matcher(doc) == _reference(matcher, doc, [doc[:]])


def test_hits_span_the_words_of_their_phrase(nlp):
    pattern = Pattern(id="t.fault", label="FAULT", pattern="was at fault")
    matcher = RuleMatcher(nlp, [pattern])
    doc = nlp.make_doc("The Council was at fault. It was at fault again, I find.")
    first, second = Span(doc, 0, 6), Span(doc, 6, len(doc))
    assert [(h.start, h.end) for h in matcher(doc)] == [(2, 5), (7, 10)]
    assert [doc[h.start : h.end].text for h in matcher(doc, [second])] == ["was at fault"]
    assert [(h.start, h.end) for h in matcher(doc, [first])] == [(2, 5)]
    # A hit across two stretches that are not adjacent is not a hit of either.
    assert matcher(doc, [Span(doc, 0, 3), Span(doc, 4, 6)]) == []
    # Token bounds scope the matching as the sentences do, in any order.
    assert [(h.start, h.end) for h in matcher.in_bounds(doc, [6, 0], [len(doc), 6])] == [
        (2, 5),
        (7, 10),
    ]
    assert [(h.start, h.end) for h in matcher.in_bounds(doc, [6], [len(doc)])] == [(7, 10)]
    assert matcher.in_bounds(doc, [0, 4], [3, 6]) == []
    assert matcher.in_bounds(doc, [], []) == []


def test_matcher_keeps_no_doc_alive(nlp):
    pattern = Pattern(id="t.fault", label="FAULT", pattern="fault")
    matcher = RuleMatcher(nlp, [pattern])
    doc = nlp.make_doc("There was fault. " * 50)
    assert len(matcher(doc)) == 50
    ref = weakref.ref(doc)
    del doc
    gc.collect()
    assert ref() is None


def test_token_count_agrees_with_the_tokenizer_on_every_bundled_phrase(nlp):
    phrases = [
        variant
        for name in ("findings", "actions", "heads", "remedies", "sections")
        for pattern in bundled(f"{name}.jsonl")
        if pattern.is_phrase
        for variant in (pattern.pattern, pattern.pattern.lower(), pattern.pattern.upper())
    ]
    phrases += ["cannot", "don't", "Mr X's", "a  b", "e.g. this", "£500 each", "gonna go"]
    assert [token_count(nlp, p) for p in phrases] == [len(nlp.make_doc(p)) for p in phrases]


def test_phrase_hits_sharing_a_start_come_longest_first_then_by_id(nlp):
    patterns = [
        Pattern(id="t.c", label="X", pattern="the council"),
        Pattern(id="t.b", label="X", pattern="the council agreed"),
        Pattern(id="t.a", label="X", pattern="the council"),
        Pattern(id="t.d", label="X", pattern="council"),
    ]
    doc = nlp.make_doc("The council agreed. Then the council paid.")
    hits = [(h.pattern.id, h.start, h.end) for h in RuleMatcher(nlp, patterns)(doc)]
    assert hits == [
        ("t.b", 0, 3),
        ("t.a", 0, 2),
        ("t.c", 0, 2),
        ("t.d", 1, 2),
        ("t.a", 5, 7),
        ("t.c", 5, 7),
        ("t.d", 6, 7),
    ]
