"""overall.fault and overall.injustice from printed outcomes and from the findings."""

from __future__ import annotations

import pytest

from ombudsman_nlp.components.decision import outcome_fault


def overall(nlp, summary: str, outcome: str | None = None) -> dict:
    lines = ["Example Council (24 000 000)"]
    if outcome is not None:
        lines += [
            "",
            "Category : Housing > Allocations",
            "",
            f"Decision : {outcome}",
            "",
            "Decision date : 12 Apr 2022",
            "",
        ]
    lines += ["The Ombudsman's final decision:", "", f"Summary: {summary}"]
    return nlp("\n".join(lines))._.overall


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("Upheld", "fault"),
        ("Not upheld", "no_fault"),
        ("Closed after initial enquiries", "not_investigated"),
        ("Upheld: maladministration and injustice", "fault"),
        ("no maladministration", "no_fault"),
        ("local settlement", "fault"),
        (None, None),
    ],
)
def test_outcome_fault(printed, expected):
    assert outcome_fault(printed) == expected


def test_printed_upheld_wins_over_the_text(nlp):
    summary = "We will not investigate this complaint because the Council has agreed to pay £200."
    assert overall(nlp, summary, "Upheld")["fault"] == "fault"


def test_printed_not_upheld(nlp):
    result = overall(nlp, "There is no fault by the Council.", "Not upheld")
    assert result == {"fault": "no_fault", "injustice": None}


def test_printed_closed_with_no_injustice(nlp):
    summary = (
        "We will not investigate this complaint about a duplicate parking permit. This is because "
        "there is insufficient evidence of fault by the Council and insufficient evidence of "
        "injustice."
    )
    assert overall(nlp, summary, "Closed after initial enquiries") == {
        "fault": "not_investigated",
        "injustice": "no_injustice",
    }


def test_no_header_fault_from_summary(nlp):
    summary = "We found fault which caused Mrs D distress."
    assert overall(nlp, summary) == {"fault": "fault", "injustice": "injustice"}


def test_no_header_upheld_early_resolution_is_fault(nlp):
    summary = (
        "We upheld Mr X’s complaint about delays in the children’s statutory complaints process."
    )
    assert overall(nlp, summary)["fault"] == "fault"


def test_no_header_decision_not_to_investigate(nlp):
    summary = (
        "We will not investigate this complaint about delays following an Education, Health and "
        "Care Plan annual review meeting. This is because the Council has already upheld the "
        "complaint and offered Miss X £300."
    )
    assert overall(nlp, summary)["fault"] == "not_investigated"


def test_no_header_no_fault(nlp):
    summary = "We have found no evidence of fault."
    assert overall(nlp, summary) == {"fault": "no_fault", "injustice": None}


def test_fault_but_no_injustice(nlp):
    summary = (
        "There was fault in complaint handling but this did not cause Mr D significant injustice "
        "requiring a remedy."
    )
    assert overall(nlp, summary) == {"fault": "fault", "injustice": "no_injustice"}


def test_remedy_purpose_makes_injustice(nlp):
    summary = (
        "We find fault with how the Council handled Mr X’s complaint. The Council has agreed to "
        "apologise and make a payment for the uncertainty and distress caused."
    )
    assert overall(nlp, summary, "Upheld")["injustice"] == "injustice"
