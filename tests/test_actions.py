"""Tests of the non-payment action tagger.

Sentences are from real decision statements of the Local Government and Social Care Ombudsman
(lgo.org.uk, re-used with acknowledgement); the seed decisions are read from ``training/seeds``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ombudsman_nlp.decision import build_decision
from ombudsman_nlp.pipeline import load

SEEDS = Path(__file__).resolve().parent.parent / "training" / "seeds"


@pytest.fixture(scope="module")
def nlp():
    return load()


def kinds(nlp, text: str) -> list[tuple[str, str | None]]:
    return [(a.kind, a.deadline) for a in build_decision(nlp(text)).actions]


def test_seed_with_deadlines(nlp) -> None:
    text = (SEEDS / "004_01bc15cdf5a7ca05.txt").read_text(encoding="utf-8")
    got = kinds(nlp, text)
    assert {k for k, _ in got} == {"reconsider", "service_improvement"}
    assert ("service_improvement", "Within two months of my decision") in got
    assert ("reconsider", "Within one month of my final decision") in got


def test_several_kinds_in_one_sentence(nlp) -> None:
    # 19-010-812
    text = (
        "The Council will apologise, pay £100, review its information and service, and provide "
        "suitable reminders to its staff."
    )
    assert [k for k, _ in kinds(nlp, text)] == ["apology", "service_improvement"]


def test_list_items_under_an_agreed_lead_in(nlp) -> None:
    # 17-018-631
    text = (
        "To remedy the injustice caused to Miss X, the Council has agreed to:\n"
        "- apologise to Miss X for its failure to take a homelessness application;\n"
        "- confirm it will offer Miss X suitable accommodation in the local area by 3 October "
        "2018 as it agreed to do;\n"
    )
    got = kinds(nlp, text)
    # "its failure to take a homelessness application" is what the apology is for, not an action
    assert [k for k, _ in got] == ["apology", "provide_service"]
    assert got[1] == ("provide_service", "by 3 October 2018")


def test_reconsider(nlp) -> None:
    # 24-017-718
    text = (
        "The Council has agreed to apologise to Mrs X for the frustration and uncertainty caused "
        "and rehear Mrs X’s appeal."
    )
    assert [k for k, _ in kinds(nlp, text)] == ["apology", "reconsider"]


def test_deadline_within_weeks_of_the_final_decision(nlp) -> None:
    text = (
        "Within 4 weeks of the final decision the Council should apologise to Mr X for the delay."
    )
    assert kinds(nlp, text) == [("apology", "Within 4 weeks of the final decision")]


@pytest.mark.parametrize(
    "text",
    [
        # what the complainant wants
        "Mr X would like an apology and financial compensation for the distress caused.",
        # remedies boilerplate
        "We publish guidance on remedies which sets out our expectations for how organisations "
        "should apologise effectively to remedy injustice.",
        # a past apology the decision found not enough (seed 24-013-077)
        "We acknowledge the Council has provided an apology and carried out service improvement "
        "recommendations; however, it is likely we would consider this insufficient for the "
        "injustice caused.",
        # narrative: what should have happened
        "The Council should have reassessed Mr X’s needs in 2022.",
        # a reminder letter is not a reminder to staff (23-013-975)
        "As it was due to expire in August 2023, the Council sent Ms X a reminder in July to "
        "renew her permit.",
    ],
)
def test_not_actions(nlp, text: str) -> None:
    assert kinds(nlp, text) == []


def test_what_the_complainant_wants_in_a_list(nlp) -> None:
    # 24-007-258a
    text = (
        "- As a result of our investigation, the complainants would like the following to happen.\n"
        "- Meaningful apologies to Ms D and her family.\n"
        "- Service improvements.\n"
    )
    assert kinds(nlp, text) == []
