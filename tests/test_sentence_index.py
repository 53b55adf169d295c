"""The sentence index the sectionizer leaves agrees with spaCy's own sentence spans."""

from __future__ import annotations

import pytest

from ombudsman_nlp.components.heads import _scope_sentences
from ombudsman_nlp.extensions import _MARKER_RE, section_rows, sentences

TEXTS = [
    "Mr X complains  that the Council delayed.  It did not reply.\n\n1. The Council failed.\n",
    " Leading blank line.\n\t(a) an item;\n•\n- \u2013 dash item\n  (iv) roman item.\n2.\nEnd",
    "The complaint\nMrs Y says the Council was wrong.   \n\n\u2003Em space start. Then more!\n",
    "Final decision\nSummary: late.\n\nThe complaint\n1.\tMr Z complains.\n 12) He says no.",
]


@pytest.mark.parametrize("text", TEXTS)
def test_index_matches_doc_sents(nlp, text):
    doc = nlp(text)
    index = sentences(doc)
    spans = list(doc.sents)
    assert index.starts == [s.start for s in spans]
    assert index.ends == [s.end for s in spans]
    assert index.start_chars == [s.start_char for s in spans]
    assert index.end_chars == [s.end_char for s in spans]
    expected = [_MARKER_RE.match(text, s.start_char, s.end_char) is not None for s in spans]
    assert index.markers() == expected


@pytest.mark.parametrize("text", TEXTS)
def test_scope_sentences_are_the_sections_sents(nlp, text):
    doc = nlp(text)
    sections = list(doc.spans["sections"])
    rows = section_rows(doc)
    assert sections
    assert [tuple(r) for r in rows] == [
        (s.label_, s.start, s.end, s.start_char, s.end_char) for s in sections
    ]
    for number in range(len(sections)):
        group = sections[number : number + 2]
        old = [s for scope in group for s in scope.sents]
        found = _scope_sentences(doc, rows[number : number + 2])
        assert found is not None
        starts, ends, start_chars, end_chars = found
        assert (starts, ends) == ([s.start for s in old], [s.end for s in old])
        assert start_chars == [s.start_char for s in old]
        assert end_chars == [s.end_char for s in old]
