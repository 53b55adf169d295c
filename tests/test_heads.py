"""Complaint heads on real complaint sections (lines from training/dev_tune.jsonl and seeds)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ombudsman_nlp.components.heads import strip_item_end

HEADER = (
    "Example Council (24 000 001)\n\nCategory : Housing > Homelessness\n\nDecision : Upheld\n\n"
    "Decision date : 04 Jan 2024\n\nThe Ombudsman's final decision:\n\n"
    "Summary: We found fault by the Council.\n\n"
)


def heads(
    nlp,
    complaint: str,
    after: str = "\n\nBack to top\n\nThe Ombudsman's role and powers\n\n"
    "  1. We investigate complaints about 'maladministration'.",
) -> list[tuple[str, str]]:
    doc = nlp(HEADER + "The complaint\n\n" + complaint + after)
    return [(span.text, span._.section) for span in doc._.complaint_heads]


def texts(nlp, complaint: str) -> list[str]:
    return [text for text, _ in heads(nlp, complaint)]


def test_bullets_under_numbered_lead_in(nlp):
    complaint = (
        "  1. The complainant, Mr B, complained the Council:\n"
        "    • referred his case to bailiff when the Council was investigating and it should have "
        "been on hold;\n"
        "    • failed to properly investigate his complaint about the actions of the bailiff; and\n"
        "    • delayed putting enforcement action on hold when he put in a complaint.\n"
        "  2. Mr B says the Council’s actions have caused him distress and anxiety."
    )
    found = heads(nlp, complaint)
    assert [t for t, _ in found] == [
        "referred his case to bailiff when the Council was investigating and it should have been "
        "on hold",
        "failed to properly investigate his complaint about the actions of the bailiff",
        "delayed putting enforcement action on hold when he put in a complaint.",
    ]
    assert {section for _, section in found} == {"complaint"}


def test_nested_numbering_and_general_lead_in(nlp):
    complaint = (
        "  1. The complainant, whom I shall call Ms X, complains about the Council’s handling of "
        "her son, Y’s, schooling since July 2016. In particular she complains:\n"
        "      1. the independent panel failed to properly consider the impact of his special "
        "educational needs; and\n"
        "      2. the Council has failed to properly consider Y’s long term schooling needs.\n"
    )
    assert texts(nlp, complaint) == [
        "the independent panel failed to properly consider the impact of his special educational "
        "needs",
        "the Council has failed to properly consider Y’s long term schooling needs.",
    ]


def test_dash_paragraphs_with_capitalised_items(nlp):
    complaint = (
        "- Mrs X complained the Council:\n"
        "- Excluded her from a Child in Need meeting regarding her child, Z.\n"
        "- Delayed considering contact between her and Z.\n"
        "- Mrs X said the actions of the Council had caused her significant distress and impacted "
        "her mental well-being.\n"
    )
    assert texts(nlp, complaint) == [
        "Excluded her from a Child in Need meeting regarding her child, Z.",
        "Delayed considering contact between her and Z.",
    ]


def test_impact_and_outcome_lists_are_not_heads(nlp):
    complaint = (
        "  1. The complainant, whom I shall call Ms X, complains that:\n"
        "    • the Council has delayed responding to Ms X’s attempts to resolve the matter.\n"
        "  2. Ms X says this has caused the following problems:\n"
        "    • Ms X has had to spend unnecessary time and trouble trying to resolve the problem.\n"
        "  3. Ms X’s desired outcomes are:\n"
        "    • a refund for Mrs X; and\n"
        "    • an apology for Ms X.\n"
    )
    assert texts(nlp, complaint) == [
        "the Council has delayed responding to Ms X’s attempts to resolve the matter."
    ]


def test_clauses_keep_the_council_and_skip_impact(nlp):
    complaint = (
        "  1. Mr X complained the Council took until March 2021 to register an enforcement case. "
        "Mr X says the Council only registered the enforcement case following the involvement of "
        "his councillor.\n"
        "  2. Ms X says the Council’s failings have caused her distress and inconvenience.\n"
        "  3. He wants the Council to apologise."
    )
    assert texts(nlp, complaint) == [
        "the Council took until March 2021 to register an enforcement case.",
        "the Council only registered the enforcement case following the involvement of his "
        "councillor.",
    ]


def test_two_complaints_in_one_sentence(nlp):
    complaint = (
        "- Miss X complains the Council failed to offer her any financial compensation after "
        "accepting she was due a refund of £1500 and complains about the Council’s complaint "
        "handling."
    )
    assert texts(nlp, complaint) == [
        "the Council failed to offer her any financial compensation after accepting she was due a "
        "refund of £1500",
        "the Council’s complaint handling.",
    ]


def test_on_behalf_of_defers_to_that(nlp):
    complaint = (
        "  1. Mr X complains on behalf of his son, Mr Y, that the Council did not respond to his "
        "complaint.\n  2. Mr N complains on his own behalf, as well as that of six other members "
        "of his family."
    )
    assert texts(nlp, complaint) == ["the Council did not respond to his complaint."]


def test_summary_when_no_complaint_section(nlp):
    text = (
        "North Tyneside Council (17 002 928)\nCategory : Children's care services > Friends and "
        "family carers\nDecision : Upheld\nDecision date : 27 Feb 2018\n"
        "Mrs X complains the Council has paid her an incorrect allowance as Special Guardian. "
        "Her representative Mrs Y says the Council has been paying the same incorrect allowance "
        "to 171 other Special Guardians.\n"
        "The Ombudsman upheld the complaint and found fault causing injustice,\n"
        "To remedy injustice caused the Council has agreed to:\n"
        "- implement the new policy for Special Guardianship allowances;\n"
        "- identify all other Special Guardians affected by this fault since November 2013.\n"
        "Ombudsman satisfied with Council's reponse: 21 September 2018.\n"
    )
    doc = nlp(text)
    found = [(s.text, s._.section) for s in doc._.complaint_heads]
    assert found == [
        ("the Council has paid her an incorrect allowance as Special Guardian.", "summary"),
        (
            "the Council has been paying the same incorrect allowance to 171 other Special "
            "Guardians.",
            "summary",
        ),
    ]


def test_furniture_is_never_a_head(nlp):
    doc = nlp(
        HEADER + "The complaint\n\n  1. Mr X complains that:\n\nBack to top\n\n"
        "    • the Council delayed.\n"
    )
    for span in doc._.complaint_heads:
        assert span._.section != "furniture"
        assert "Back to top" not in span.text


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("failed to assess her needs; and", "failed to assess her needs"),
        ("failed to assess her needs;", "failed to assess her needs"),
        ("failed to assess her needs, and", "failed to assess her needs"),
        ("failed to assess her needs and", "failed to assess her needs"),
        ("failed to assess her needs.", "failed to assess her needs."),
    ],
)
def test_strip_item_end(item, expected):
    assert strip_item_end(item) == expected


def test_seed_heads_exact(nlp):
    path = Path(__file__).parent.parent / "training" / "seeds.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        doc = nlp(record["text"])
        gold = {(s["start"], s["end"]) for s in record["spans"] if s["label"] == "COMPLAINT_HEAD"}
        predicted = {(s.start_char, s.end_char) for s in doc._.complaint_heads}
        assert predicted == gold, record["id"]


@pytest.mark.parametrize(
    ("complaint", "expected"),
    [
        # reporting verbs with the organisation as their subject keep it, like "says"
        (
            "  1. Ms Z alleges the Council lost her documents. She is unhappy that the Council "
            "took too long to decide her application.",
            [
                "the Council lost her documents.",
                "the Council took too long to decide her application.",
            ],
        ),
        (
            "  1. Mr D believes the Council acted with bias. He disagrees with the Council’s "
            "decision to refuse his application.",
            ["the Council acted with bias.", "the Council’s decision to refuse his application."],
        ),
        (
            "  1. Mrs G raised concerns that the Council did not carry out a suitability review.",
            ["the Council did not carry out a suitability review."],
        ),
    ],
)
def test_reporting_and_concern_clauses(nlp, complaint, expected):
    assert texts(nlp, complaint) == expected


def test_what_the_council_should_now_do_is_not_a_head(nlp):
    # 21-008-578: "She considers that the Council should reimburse ..." is a desired outcome
    complaint = (
        "  1. She considers that the Council should reimburse the money owing to her and apologise."
    )
    assert texts(nlp, complaint) == []


@pytest.mark.parametrize(
    "lead_in",
    [
        "  1. Mrs X has complained to us about the Council. Her complaints are:\n",
        "  1. Miss Z complained to the Council about its handling of her case. In particular:\n",
        "  1. Mr Y raises the following issues:\n",
        "  1. Mr R is unhappy with how the Council dealt with his case. Specifically, he says:\n",
    ],
)
def test_list_lead_ins_in_any_wording(nlp, lead_in):
    complaint = (
        lead_in + "    (a) the Council did not assess her needs;\n"
        "    (b) the Council failed to review the care plan.\n"
    )
    assert texts(nlp, complaint) == [
        "the Council did not assess her needs",
        "the Council failed to review the care plan.",
    ]
