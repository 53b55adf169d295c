"""Header metadata: realistic variants of the LGSCO page top, including the hard cases."""

from __future__ import annotations

import pytest

from ombudsman_nlp.components.header import parse_date, parse_header

FULL = (
    "Stoke-on-Trent City Council (24 001 148)\n\n"
    "Category : Children's care services > Child protection\n\n"
    "Decision : Upheld\n\nDecision date : 23 Apr 2025\n\n"
    "The Ombudsman's final decision:\n\nSummary: The Council did not deal with it properly.\n"
)
COOKIES = (
    "Privacy settings\n\nLGO logogram\n\nReview your privacy settings\n\nRequired cookies\n\n"
    "These cookies enable the website to function properly (you can disable them).\n\n"
    "We recommend you set these 'ON'.\n\n"
)


def test_full_header(nlp):
    assert nlp(FULL)._.metadata == {
        "organisation": "Stoke-on-Trent City Council",
        "reference": "24 001 148",
        "category": "Children's care services > Child protection",
        "outcome": "Upheld",
        "decision_date": "2025-04-23",
    }


def test_cookie_notice_before_the_header(nlp):
    assert nlp(COOKIES + FULL)._.metadata == nlp(FULL)._.metadata


def test_missing_lines_stay_null(nlp):
    text = (
        "London Borough of Hounslow (17 018 631)\n"
        "Miss X complains the Council has failed to provide housing support.\n"
        "The Ombudsman upheld the complaint and found fault causing injustice.\n"
    )
    assert nlp(text)._.metadata == {
        "organisation": "London Borough of Hounslow",
        "reference": "17 018 631",
        "category": None,
        "outcome": None,
        "decision_date": None,
    }


def test_only_the_reference_is_printed(nlp):
    meta = nlp("Reference: 19 004 521\n\nSummary: Mr X complains about his council tax.")._.metadata
    assert meta["reference"] == "19 004 521"
    assert meta["organisation"] is None and meta["outcome"] is None


def test_joint_reference_with_suffix(nlp):
    text = (
        "Lewisham Clinical Commissioning Group (18 010 781b)\n\nCategory : Health > Other\n\n"
        "Decision : Upheld\n\nDecision date : 24 Oct 2019\n"
    )
    meta = nlp(text)._.metadata
    assert meta["organisation"] == "Lewisham Clinical Commissioning Group"
    assert meta["reference"] == "18 010 781b"
    assert meta["decision_date"] == "2019-10-24"


def test_body_lines_do_not_fill_missing_fields(nlp):
    text = (
        "Example Borough Council (24 000 001)\n\nThe Ombudsman's final decision:\n\n"
        "Summary: We found fault.\n\nWhat I found\n\nDecision : the panel refused the appeal.\n"
        "Date: 12 May 2020\n"
    )
    meta = nlp(text)._.metadata
    assert meta["outcome"] is None
    assert meta["decision_date"] is None


def test_closed_after_initial_enquiries(nlp):
    text = FULL.replace("Decision : Upheld", "Decision : Closed after initial enquiries")
    assert nlp(text)._.metadata["outcome"] == "Closed after initial enquiries"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("23 Apr 2025", "2025-04-23"),
        ("1st June 2021", "2021-06-01"),
        ("2025-04-23", "2025-04-23"),
        ("04/01/2022", "2022-01-04"),
        ("31 Feb 2020", None),
        ("no date here", None),
    ],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


def test_parse_header_without_pipeline():
    assert parse_header(FULL)["reference"] == "24 001 148"
