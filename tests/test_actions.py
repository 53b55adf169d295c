"""Tests of the non-payment action tagger.

Sentences are from real decision statements of the Local Government and Social Care Ombudsman
(lgo.org.uk, re-used with acknowledgement); the seed decisions are read from ``training/seeds``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ombudsman_nlp.components.actions import _KIND_RANK, _longest
from ombudsman_nlp.decision import build_decision
from ombudsman_nlp.patterns import Pattern
from ombudsman_nlp.rules import Hit

SEEDS = Path(__file__).resolve().parent.parent / "training" / "seeds"


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


AGREED = (
    "Agreed action\n\n"
    "  1. Within one month of my final decision, the Council has agreed to:\n"
    "    • apologise to Mrs X for the delay in completing the assessment;\n"
    "    • pay Mrs X £300 to recognise her distress;\n"
    "    • carry out a fresh assessment of Mrs X’s care needs; and\n"
    "    • remind relevant staff of the need to respond to complaints within the timescales "
    "in its procedure.\n"
    "  2. Within three months of my final decision, the Council will review its procedures for "
    "handling direct payment reviews and share the learning with its adult social care teams.\n"
)


def test_agreed_action_section_kinds_and_deadlines(nlp) -> None:
    got = kinds(nlp, AGREED)
    assert [k for k, _ in got] == ["apology", "reconsider", "service_improvement"] + [
        "service_improvement"
    ]
    assert got[0] == ("apology", "Within one month of my final decision")
    assert got[3] == ("service_improvement", "Within three months of my final decision")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "To remedy the injustice caused, I recommend that within four weeks of my final "
            "decision the Council:\n"
            "  1. apologises to Mr Y in writing;\n"
            "  2. reconsiders its decision to refuse his application for a Blue Badge;\n"
            "  3. arranges suitable alternative education for Z until a school place is found;\n",
            ["apology", "reconsider", "provide_service"],
        ),
        (
            "Within four weeks of the final decision the Council will:\n"
            "- take a homelessness application from Ms Q and decide what duty it owes her;\n"
            "- complete the outstanding repairs to her property;\n"
            "- write to other tenants who may have been affected by the same error.\n",
            ["provide_service", "provide_service", "service_improvement"],
        ),
        (
            "Within three months the Council will produce an action plan setting out how it will "
            "avoid a repeat of this fault.",
            ["service_improvement"],
        ),
        (
            "Within three months the Council should provide training to officers in its SEN team "
            "on its duties under section 19.",
            ["service_improvement"],
        ),
        (
            "The Council has agreed to review Mr R’s banding. It will also correct its records.",
            ["reconsider", "other"],
        ),
        (
            "Summary: The Council failed to carry out a needs assessment. It has agreed to "
            "apologise, complete the assessment and pay £200.",
            ["apology", "provide_service"],
        ),
        # what a reminder or training is about is not an action of its own (24-017-210)
        (
            "The Council agreed to provide guidance and training to staff about timeliness in "
            "arranging Alternative Provision of education.",
            ["service_improvement"],
        ),
    ],
)
def test_actions_in_every_agreement_frame(nlp, text: str, expected: list[str]) -> None:
    assert [k for k, _ in kinds(nlp, text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        # the law, not a remedy
        "The Council must carry out an assessment of any adult who appears to need care and "
        "support.",
        # a fault the apology is for is not an action
        "Within one month the Council has agreed to:\n"
        "- pay Mr X £200 for the distress caused by the following:\n"
        "- Delays allocating a social worker.\n",
        # a complaint considered at stage two in the past (seed 20-007-616)
        "The Council said the independent investigating officer had considered Miss X’s desired "
        "outcomes at Stage 2 and had made a number of recommendations.",
        "Mr T wants the Council to reconsider its decision and review its procedures.",
    ],
)
def test_not_actions_in_full_decisions(nlp, text: str) -> None:
    assert kinds(nlp, text) == []


def test_word_set_patterns_compile_to_token_offsets(nlp) -> None:
    from ombudsman_nlp.components.wordsets import WordSetMatcher, compilable

    pattern = [
        {"LOWER": {"IN": ["review", "amend"]}},
        {"LOWER": {"IN": ["its", "the"]}, "OP": "{0,3}"},
        {"IS_ALPHA": True, "OP": "?"},
        {"LOWER": {"IN": ["procedure", "procedures"]}},
    ]
    assert compilable(pattern)
    assert not compilable([{"IS_TITLE": True}])
    matcher = WordSetMatcher([Pattern(id="t", label="service_improvement", pattern=pattern)])
    doc = nlp.make_doc("It will review its complaints procedures and amend the procedure.")
    hits = matcher([doc[:]])
    assert [doc[h.start : h.end].text for h in hits] == [
        "review its complaints procedures",
        "amend the procedure",
    ]
    # "reviewed" is not "review": words match whole
    assert matcher([nlp.make_doc("It reviewed its procedures.")[:]]) == []


def test_a_fault_named_in_the_action_does_not_set_it_aside(nlp) -> None:
    text = (
        "The Council has agreed to apologise to Mrs X for the inadequate care her mother received."
    )
    assert [k for k, _ in kinds(nlp, text)] == ["apology"]


def test_what_the_complainant_asked_for_is_not_an_action(nlp) -> None:
    # 24-009-439 (narrative): the complainant's request
    text = "Mr X asked the Council to consider his complaint at stage 3 in January 2024."
    assert kinds(nlp, text) == []


def test_action_records_hold_their_sentence_without_trailing_space(nlp) -> None:
    text = (SEEDS / "000_5a2b375e91cba30c.txt").read_text(encoding="utf-8")
    actions = build_decision(nlp(text)).actions
    apology = next(a for a in actions if a.text.startswith("Apologise to Mr X"))
    assert apology.text == "Apologise to Mr X for the delays."
    assert apology.deadline == "within 4 weeks of this decision"
    for action in actions:
        assert text[action.start : action.end] == action.text == action.text.strip()


_KINDS = sorted(_KIND_RANK)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 6), st.sampled_from(_KINDS))))
def test_longest_triggers_equal_the_pairwise_rule(raw) -> None:
    """``_longest`` compares each trigger with its neighbours only; it keeps exactly the
    triggers that no other overlapping trigger outranks or strictly contains."""
    triggers = [
        Hit(Pattern(id=f"t{n}", label=kind, pattern="x"), start, start + length)
        for n, (start, length, kind) in enumerate(raw)
    ]

    def outranked(t: Hit, o: Hit) -> bool:
        if o is t or not (o.start < t.end and t.start < o.end):
            return False
        if _KIND_RANK[o.pattern.label] > _KIND_RANK[t.pattern.label]:
            return True
        return (
            o.pattern.label == t.pattern.label
            and o.start <= t.start
            and t.end <= o.end
            and o.end - o.start > t.end - t.start
        )

    expected = [t for t in triggers if not any(outranked(t, o) for o in triggers)]
    assert _longest(triggers) == expected
