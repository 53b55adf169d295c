"""Sections and sentence ends read one at a time equal those read for the whole doc."""

from __future__ import annotations

from spacy.attrs import IDX

from ombudsman_nlp.components.reach import sections_of
from ombudsman_nlp.extensions import Sentences, sentences, set_sentence_starts

STEMS = ("000_5a2b375e91cba30c", "003_10efd45c4424b1c0")


def test_one_sentence_end_and_marker_equal_the_doc_lists(nlp, seed_text):
    for stem in STEMS:
        doc = nlp(seed_text(stem))
        sents = Sentences(doc)  # every end and marker read at once
        set_sentence_starts(doc, sents.starts, doc.to_array(IDX))
        one_by_one = sentences(doc)  # ends and markers read when asked for
        assert len(sents) > 20
        markers = sents.markers()
        assert any(markers) and not all(markers)
        for index in range(len(sents)):
            assert one_by_one.end_char(index) == sents.end_chars[index]
            assert one_by_one.is_marker(index) == markers[index]
        short = [
            i for i in range(len(sents)) if markers[i] and sents.ends[i] - sents.starts[i] <= 4
        ]
        assert short and one_by_one.marker_sentences(4) == short


def test_sections_of_reads_the_section_group(nlp, seed_text):
    doc = nlp(seed_text(STEMS[0]))
    spans = list(doc.spans["sections"])
    starts, start_chars, labels = sections_of(doc)
    assert starts == [s.start for s in spans]
    assert start_chars == [s.start_char for s in spans]
    assert labels == [s.label_ for s in spans] and "summary" in labels
    doc.spans["sections"] = spans[:1]  # a new group is read afresh
    assert sections_of(doc) == ([spans[0].start], [spans[0].start_char], [spans[0].label_])
