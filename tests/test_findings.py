"""Fault and injustice findings on real sentences from the labelled decisions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ombudsman_nlp.components.findings import (
    OUTCOME_CUES_KEY,
    REMEDY_PURPOSES_KEY,
    resolve_label,
)
from ombudsman_nlp.context import NEGATED, REMEDY, REPORTED
from ombudsman_nlp.pipeline import load

SEEDS = Path(__file__).resolve().parent.parent / "training" / "seeds.jsonl"


def decision(summary: str = "", complaint: str = "", findings: str = "", final: str = "") -> str:
    """A decision laid out as published: header, summary and the sections given."""
    parts = [
        "Example Council (24 000 000)",
        "The Ombudsman's final decision",
        f"Summary: {summary}",
    ]
    if complaint:
        parts += ["The complaint", f"- {complaint}"]
    if findings:
        parts += ["What I found", f"- {findings}"]
    if final:
        parts += ["Final decision", f"- {final}"]
    return "\n".join(parts)


def tagged(nlp, **sections) -> list[tuple[str, str, str]]:
    doc = nlp(decision(**sections))
    return [(s.label_, s.text, s.id_) for key in ("findings", "injustice") for s in doc.spans[key]]


def test_fault_by_the_council_in_body(nlp):
    assert tagged(nlp, findings="This is fault by the Council.") == [
        ("FAULT", "This is fault by the Council.", "fault.this_is_fault")
    ]


def test_negation_turns_fault_phrase_into_no_fault(nlp):
    assert tagged(nlp, summary="There is no fault by the Council.") == [
        ("NO_FAULT", "There is no fault by the Council.", "no_fault.no_fault")
    ]
    spans = tagged(nlp, summary="We do not find the Council was at fault.")
    assert [label for label, _, _ in spans] == ["NO_FAULT"]


def test_unlikely_to_find_fault_is_no_fault(nlp):
    text = "This is because we would be unlikely to find fault with the Council’s actions."
    assert tagged(nlp, summary=text) == [("NO_FAULT", text, "fault.find_fault")]


def test_fault_but_no_injustice_gives_clause_spans(nlp):
    text = (
        "There was fault in complaint handling but this did not cause Mr D significant "
        "injustice requiring a remedy."
    )
    assert tagged(nlp, summary=text) == [
        ("FAULT", "There was fault in complaint handling", "fault.there_was_fault"),
        (
            "NO_INJUSTICE",
            "this did not cause Mr D significant injustice requiring a remedy.",
            "injustice.injustice",
        ),
    ]


def test_two_findings_without_but_share_the_sentence(nlp):
    text = "We have found fault by the Council causing injustice."
    labels = {(label, span) for label, span, _ in tagged(nlp, summary=text)}
    assert labels == {("FAULT", text), ("INJUSTICE", text)}


def test_fault_without_the_word_only_in_summary_and_final_decision(nlp):
    text = (
        "The Council did not properly assess Mr X’s circumstances and delayed making a "
        "reassessment."
    )
    assert tagged(nlp, summary=text) == [("FAULT", text, "fault.stated.did_not_properly")]
    assert tagged(nlp, findings=text) == []


def test_we_upheld_is_fault(nlp):
    text = "We upheld Mr X’s complaint about delays in the children’s statutory complaints process."
    assert tagged(nlp, summary=text) == [("FAULT", text, "fault.upheld.we_upheld")]


def test_allegations_produce_no_fault_finding(nlp):
    text = (
        "Mr X complains the Council was at fault in the way it dealt with his housing register "
        "application and awarded him priority banding causing distress and uncertainty."
    )
    spans = tagged(nlp, summary=text)
    assert [label for label, _, _ in spans] == ["CLAIMED_INJUSTICE"]
    assert spans[0][1] == "causing distress and uncertainty."


def test_organisation_upholding_its_own_complaint_is_not_a_finding(nlp):
    assert tagged(nlp, findings="The Council upheld his complaint and apologised.") == []


def test_boilerplate_paragraph_produces_nothing(nlp):
    text = (
        "We investigate complaints about ‘maladministration’ and ‘service failure’. In this "
        "statement, I have used the word fault to refer to these. We must also consider whether "
        "any fault has had an adverse impact on the person making the complaint. I refer to this "
        "as ‘injustice’. If there has been fault which has caused an injustice, we may suggest a "
        "remedy."
    )
    assert tagged(nlp, findings=text) == []


def test_definition_of_service_failure_in_the_analysis_is_not_a_finding(nlp):
    definition = (
        "Service failure can happen when an organisation fails to provide a service as it should."
    )
    finding = "There was service failure by the Council."
    assert tagged(nlp, findings=f"{definition} {finding}") == [
        ("FAULT", finding, "fault.service_failure")
    ]


def test_remedy_purpose_is_not_an_injustice_span(nlp):
    text = (
        "The Council has agreed to apologise and make a payment for Z’s missed provision to "
        "recognise the distress, frustration and uncertainty caused."
    )
    doc = nlp(decision(summary=text))
    assert list(doc.spans["injustice"]) == []
    assert len(doc.spans[REMEDY_PURPOSES_KEY]) > 0


def test_claimed_injustice_in_complaint_section_is_the_sentence(nlp):
    text = "Mr X said this caused him anxiety and distress."
    assert tagged(nlp, complaint=text) == [("CLAIMED_INJUSTICE", text, "injustice.anxiety")]


def test_claimed_waste_of_time_in_the_present_tense(nlp):
    text = "Mrs X considers she wastes valuable time chasing the Council for answers."
    assert tagged(nlp, complaint=text) == [("CLAIMED_INJUSTICE", text, "claimed.wastes")]


def test_claimed_injustice_after_a_complained_of_act_is_the_clause(nlp):
    text = (
        "The complainant who I will call Mr X, complains that the Council delayed issuing him "
        "with a private hire taxi licence causing him wasted fees and a loss of earnings."
    )
    assert tagged(nlp, complaint=text) == [
        ("CLAIMED_INJUSTICE", "causing him wasted fees and a loss of earnings.", "claimed.wasted")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Mrs X also complained the Council took two years to chase her for care home fees.",
        "Mr X complains that the Council disposed of his belongings when he was homeless.",
        "Ms X says the Council did not consider her mental health when it set her banding.",
        "Mr X says the Council charged him care home fees he disputes.",
        "Mrs X complains the Council did not support her son, who suffers from anxiety.",
        "Mr X says this has resulted in the Council considering Mrs Z deprived herself of assets.",
    ],
)
def test_harm_topic_without_a_frame_is_not_claimed(nlp, text):
    """A harm word that is the topic of the complaint, not its consequence, is no claim."""
    assert tagged(nlp, complaint=text) == []


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        (
            "Mr X says this has cost him £4,724, broken down into rent.",
            "claimed.money.cost_him_pound",
        ),
        ("She says this has impacted her mental and physical health.", "claimed.physical_health"),
        ("He says he has had to borrow £81 to pay for bus tickets.", "claimed.has_had_to"),
        (
            "They also found it stressful and traumatic to challenge the Council.",
            "claimed.stressful",
        ),
    ],
)
def test_framed_harm_is_claimed(nlp, text, rule):
    assert tagged(nlp, complaint=text) == [("CLAIMED_INJUSTICE", text, rule)]


@pytest.mark.parametrize(
    "text",
    [
        "Mr X suffered avoidable delay and distress.",
        "These faults caused Ms B distress.",
        "This fault distressed and frustrated Mrs X.",
        "Mr X therefore lost the opportunity to appeal.",
        "This means Mr B was denied an independent investigation.",
    ],
)
def test_injustice_finding_in_body(nlp, text):
    assert [label for label, _, _ in tagged(nlp, findings=text)] == ["INJUSTICE"]


@pytest.mark.parametrize(
    "text",
    [
        "Mrs X was distressed when she telephoned the Council in May.",
        "G has missed a considerable amount of school due to anxiety.",
        "The Council may act when it considers a child is at risk of significant harm.",
    ],
)
def test_harm_word_without_a_frame_is_no_finding_in_body(nlp, text):
    assert tagged(nlp, findings=text) == []


def test_desired_outcome_is_not_claimed(nlp):
    text = (
        "She wants the Council to apologise, compensate for the loss of her belongings and the "
        "distress."
    )
    assert tagged(nlp, complaint=text) == []


def test_no_significant_injustice(nlp):
    text = "This is because the alleged fault has not caused any significant injustice to Miss X."
    assert [label for label, _, _ in tagged(nlp, summary=text)] == ["NO_INJUSTICE"]


def test_not_investigated_cue(nlp):
    doc = nlp(
        decision(summary="We will not investigate this complaint about a duplicate parking permit.")
    )
    assert {s.label_ for s in doc.spans[OUTCOME_CUES_KEY]} == {"NOT_INVESTIGATED"}


def test_resolve_label():
    assert resolve_label("FAULT", frozenset({NEGATED})) == "NO_FAULT"
    assert resolve_label("FAULT", frozenset({REPORTED})) is None
    assert resolve_label("INJUSTICE", frozenset({REPORTED})) == "CLAIMED_INJUSTICE"
    assert resolve_label("INJUSTICE", frozenset(), reported=True) == "CLAIMED_INJUSTICE"
    assert resolve_label("INJUSTICE", frozenset({REMEDY})) is None
    assert resolve_label("FAULT", frozenset({REMEDY})) == "FAULT"
    assert resolve_label("CLAIMED_INJUSTICE", frozenset()) is None


def test_seed_decision_findings(nlp):
    record = next(
        json.loads(line)
        for line in SEEDS.read_text(encoding="utf-8").splitlines()
        if json.loads(line)["id"] == "24-001-148"
    )
    doc = nlp(record["text"])
    found = {(s.label_, s.text) for key in ("findings", "injustice") for s in doc.spans[key]}
    assert ("FAULT", "This is fault by the Council.") in found
    assert ("FAULT", "I find fault causing injustice.") in found
    assert ("INJUSTICE", "Mr X suffered avoidable distress.") in found
    assert (
        "CLAIMED_INJUSTICE",
        "Mr X says he suffered avoidable distress and financial loss.",
    ) in found
    assert not any(label == "FAULT" and "Mr X complains" in text for label, text in found)


def test_findings_round_trip(nlp, tmp_path):
    component = nlp.get_pipe("findings")
    component.to_disk(tmp_path)
    fresh = load().get_pipe("findings")
    fresh.set_patterns([])
    fresh.from_disk(tmp_path)
    assert [p.id for p in fresh.patterns] == [p.id for p in component.patterns]


@pytest.mark.parametrize(
    "text",
    [
        "I do not consider the delay caused Mrs X significant injustice.",
        "The fault did not cause Mr X any distress.",
        "I therefore do not find there was significant injustice to Mr X requiring a remedy.",
        "Mrs X was not disadvantaged by the delay.",
    ],
)
def test_no_injustice_in_body(nlp, text):
    assert [label for label, _, _ in tagged(nlp, findings=text)] == ["NO_INJUSTICE"]


@pytest.mark.parametrize(
    "text",
    [
        "The Council was at fault in that it did not advise Mr X of his appeal rights.",
        "This amounted to maladministration.",
        "There was fault on the part of the Council in how it handled the review.",
    ],
)
def test_fault_in_body(nlp, text):
    assert [label for label, _, _ in tagged(nlp, findings=text)] == ["FAULT"]


def test_stated_failure_is_fault_only_in_summary(nlp):
    text = "The Council did not update Mr X about his application for six months."
    assert [label for label, _, _ in tagged(nlp, summary=text)] == ["FAULT"]
    assert tagged(nlp, findings=text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Mr X complains the Council failed to act on his reports of distress and upset.",
        "She complains the Council did not consider the distress caused to her son by the move.",
        "Mr X complains the Council's contractor damaged his car.",
    ],
)
def test_harm_inside_a_complaint_head_is_the_complained_of_act(nlp, text):
    """A harm word in the head with no consequence leading into it names the act complained of."""
    assert tagged(nlp, complaint=text) == []


def test_cause_after_a_harm_word_inside_a_head_keeps_the_claim(nlp):
    text = (
        "Miss B also says the accommodation was damp and her children’s clothes had to be thrown "
        "away because of mould."
    )
    assert [label for label, _, _ in tagged(nlp, complaint=text)] == ["CLAIMED_INJUSTICE"]


def test_consequence_clause_with_progressive_verb_is_the_claim(nlp):
    text = (
        "Mr X complains the Council failed to take action about his neighbour's tree, which is "
        "causing damage to his garage."
    )
    assert tagged(nlp, complaint=text) == [
        ("CLAIMED_INJUSTICE", "which is causing damage to his garage.", "claimed.damage")
    ]


def test_harm_word_before_a_service_noun_is_no_harm(nlp):
    text = (
        "Miss B says the Council left her family in B&B accommodation and delayed issuing a "
        "decision on her homelessness application."
    )
    assert tagged(nlp, summary=text) == []


def test_complained_of_act_without_a_tagged_head(nlp):
    """In the summary no head is tagged: what follows "complained" is still the act."""
    assert (
        tagged(nlp, summary="Mrs X complained the Council ignored the distress of her children.")
        == []
    )
    text = "She complained she had to pay for a private assessment."
    assert tagged(nlp, summary=text) == [("CLAIMED_INJUSTICE", text, "injustice.had_to_pay")]


@pytest.mark.parametrize(
    "text",
    [
        "The social worker said Mrs Y was distressed and confused.",
        "The GP reported that Mr X's mental health had deteriorated.",
        "The guidance says councils should avoid causing distress to families.",
    ],
)
def test_third_party_speaker_is_neither_claim_nor_finding(nlp, text):
    assert tagged(nlp, findings=text) == []


def test_complainant_account_in_narrative_is_claimed(nlp):
    text = "Mr X told the Council the delay was causing him stress."
    assert tagged(nlp, findings=text) == [("CLAIMED_INJUSTICE", text, "injustice.stress")]


def test_a_consequence_of_the_fault_is_a_claim_in_the_complainants_voice(nlp):
    sentence = "Mr D says he had waste building up in his garden because of the Council’s failures."
    assert tagged(nlp, complaint=sentence) == [
        ("CLAIMED_INJUSTICE", sentence, "injustice.because_of_the_fault")
    ]
    said = "Miss X says the Council’s faults mean she and Y do not have the support they need."
    assert [(label, i) for label, _, i in tagged(nlp, complaint=said)] == [
        ("CLAIMED_INJUSTICE", "injustice.fault_meant")
    ]


def test_a_consequence_of_the_fault_is_injustice_in_the_investigators_voice(nlp):
    sentence = "The Council’s delay meant Mrs X lost the chance to appeal."
    assert ("INJUSTICE", sentence) in [(lb, t) for lb, t, _ in tagged(nlp, findings=sentence)]


def test_what_an_investigation_led_to_is_no_claim(nlp):
    sentence = "As a result of our investigation, the complainants would like the following."
    assert tagged(nlp, complaint=sentence) == []


def test_pseudo_trigger_cancels_the_negation_it_overlaps(nlp):
    text = "There is no doubt the Council was at fault."
    assert tagged(nlp, findings=text) == [("FAULT", text, "fault.at_fault")]


def test_not_only_is_no_negation_and_but_splits_the_findings(nlp):
    text = "The Council was not only at fault but also delayed matters, causing Mrs Y distress."
    assert tagged(nlp, findings=text) == [
        ("FAULT", "The Council was not only at fault", "fault.at_fault"),
        ("INJUSTICE", "also delayed matters, causing Mrs Y distress.", "injustice.distress"),
    ]


def test_span_loses_trailing_colon(nlp):
    assert tagged(nlp, findings="The Council was at fault:") == [
        ("FAULT", "The Council was at fault", "fault.at_fault")
    ]


def test_finding_and_remedy_purpose_in_one_paragraph(nlp):
    text = (
        "There was fault by the Council, which caused injustice to Mrs B. The Council has "
        "agreed to apologise and pay £200 to recognise the distress caused."
    )
    doc = nlp(decision(final=text))
    first = "There was fault by the Council, which caused injustice to Mrs B."
    assert [(s.label_, s.text) for key in ("findings", "injustice") for s in doc.spans[key]] == [
        ("FAULT", first),
        ("INJUSTICE", first),
    ]
    assert [(s.label_, s.text) for s in doc.spans[REMEDY_PURPOSES_KEY]] == [
        ("INJUSTICE", "distress")
    ]
