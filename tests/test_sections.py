"""Sections and sentences on real decision text (layouts from training/ and the seeds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ombudsman_nlp.segment import iter_lines, marker_kind, split_sentences

SEEDS = Path(__file__).parent.parent / "training" / "seeds"
COOKIES = (
    "Privacy settings\n\nLGO logogram\n\nReview your privacy settings\n\nRequired cookies\n\n"
    "These cookies enable the website to function properly.\n\nAnalytical cookies\n\n"
    "Google Analytics cookies help us improve the performance of the website.\n"
    "We recommend you set these 'ON'.\n\nView analytical cookies\n\n"
)


def labels(doc) -> list[tuple[str, str]]:
    return [(s.label_, s.text.split("\n", 1)[0]) for s in doc._.sections]


def test_seed_sections_in_order(nlp):
    text = (SEEDS / "000_5a2b375e91cba30c.txt").read_text(encoding="utf-8")
    found = [label for label, _ in labels(nlp(text))]
    for expected in (
        "header",
        "summary",
        "complaint",
        "role_and_powers",
        "how_considered",
        "findings",
        "action",
        "decision",
    ):
        assert expected in found
    assert found[0] == "header"
    assert found.index("complaint") < found.index("findings") < found.index("decision")


def test_cookie_notice_before_header_is_furniture(nlp):
    text = COOKIES + (
        "London Borough of Lewisham (16 011 888)\n\nCategory : Education > School exclusions\n\n"
        "Decision : Not upheld\n\nDecision date : 19 Jul 2017\n\nThe Ombudsman's final decision:"
        "\n\nSummary: There is no fault.\n\nThe complaint\n\n  1. Ms X complains about the Council."
    )
    doc = nlp(text)
    found = labels(doc)
    cookie_end = len(COOKIES.rstrip())
    assert all(s.label_ == "furniture" for s in doc._.sections if s.end_char <= cookie_end)
    assert ("header", "London Borough of Lewisham (16 011 888)") in found
    assert [label for label, _ in found][-2:] == ["summary", "complaint"]


def test_older_layout_puts_the_complaint_paragraph_in_a_summary(nlp):
    text = (
        "Surrey County Council (15 012 105)\nCategory : Children's care services > Looked after "
        "children\nDecision : Upheld\nDecision date : 06 Jul 2017\n"
        "A family complains that the council did not provide them with support.\n"
        "The complaint\nThe family said they were without support from 2009 to 2011.\n"
        "Ombudsman satisfied with council's response: 11 October 2017\n"
    )
    assert [label for label, _ in labels(nlp(text))] == [
        "header",
        "summary",
        "complaint",
        "furniture",
    ]


@pytest.mark.parametrize(
    ("heading", "label"),
    [
        ("The Ombudsman’s role and powers7", "role_and_powers"),
        ("What I have investigated", "investigated"),
        ("Parts of the complaint that I did not investigate", "not_investigated"),
        ("How I considered this complaint", "how_considered"),
        ("Analysis", "findings"),
        ("My assessment", "findings"),
        ("Agreed action", "action"),
        ("Recommendations", "action"),
        ("Final decision", "decision"),
        ("Overview:", "summary"),
        ("Key to names used", "how_considered"),
        ("Conclusions", "findings"),
        ("Investigator's decision on behalf of the Ombudsman", "furniture"),
        ("Print this page", "furniture"),
        ("Back to top", "furniture"),
    ],
)
def test_headings(nlp, heading, label):
    doc = nlp("Example Council (24 000 001)\n\n" + heading + "\n\n  1. Some text here.")
    assert labels(doc)[1] == (label, heading)


def test_span_knows_its_section(nlp):
    text = (SEEDS / "000_5a2b375e91cba30c.txt").read_text(encoding="utf-8")
    doc = nlp(text)
    for span in doc._.sections:
        assert span._.section == span.label_
    assert all(head._.section == "complaint" for head in doc._.complaint_heads)


def test_print_this_page_ends_the_text(nlp):
    doc = nlp(
        "Example Council (24 000 001)\n\nFinal decision\n\n  1. We found fault.\n\n"
        "Print this page\n\nPrivacy notice and some more page text."
    )
    assert labels(doc)[-1] == ("furniture", "Print this page")
    assert doc._.sections[-1].end_char == len(doc.text)


def test_sentences_respect_abbreviations_and_names(nlp):
    text = "Mr X. said no. Mrs Y complained to Dr. Z about it. The Council (para. 12) agreed."
    assert [text[a:b] for a, b in split_sentences(text, 0, len(text))] == [
        "Mr X. said no.",
        "Mrs Y complained to Dr. Z about it.",
        "The Council (para. 12) agreed.",
    ]


def test_sentence_ends_after_name_initial(nlp):
    text = "The care workers were not trained to help Mrs Y. The Council delayed."
    assert [text[a:b] for a, b in split_sentences(text, 0, len(text))] == [
        "The care workers were not trained to help Mrs Y.",
        "The Council delayed.",
    ]


def test_list_markers_are_sentences_of_their_own(nlp):
    text = (
        "Example Council (24 000 001)\n\nThe complaint\n\n  1. Mr X complains that:\n"
        "    • it delayed; and\n    a) it failed.\n    (ii) it did not reply.\n"
    )
    doc = nlp(text)
    sentences = [s.text.strip() for s in doc.sents]
    for item in ("it delayed; and", "it failed.", "it did not reply."):
        assert item in sentences
    kinds = [marker_kind(text, line) for line in iter_lines(text)]
    assert kinds[-4:] == ["number", "bullet", "letter", "roman"]
