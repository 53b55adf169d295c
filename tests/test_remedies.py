"""Tests of the payment tagger and of ``Decision.remedies``.

Sentences are from real decision statements of the Local Government and Social Care Ombudsman
(lgo.org.uk, re-used with acknowledgement); the seed decisions are read from ``training/seeds``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import srsly

from ombudsman_nlp.decision import build_decision
from ombudsman_nlp.labels import REMEDIES_KEY

SEEDS = Path(__file__).resolve().parent.parent / "training" / "seeds"


def tagged(nlp, text: str) -> list[tuple[str, float, str | None, str, str | None, str]]:
    doc = nlp(text)
    return [
        (s.text, s._.amount, s._.payee, s._.purpose, s._.status, s._.remedy_role)
        for s in doc.spans[REMEDIES_KEY]
    ]


def paid(nlp, text: str) -> list[tuple[float, str | None, str]]:
    return [(p.amount, p.payee, p.purpose) for p in build_decision(nlp(text)).remedies]


def test_seed_000_one_payment_not_the_claim(nlp) -> None:
    text = (SEEDS / "000_5a2b375e91cba30c.txt").read_text(encoding="utf-8")
    doc = nlp(text)
    mentions = [(s.start_char, s.text) for s in doc.spans[REMEDIES_KEY]]
    claim = text.index("Mr X says this has cost him £4,724") + len("Mr X says this has cost him ")
    assert [t for _, t in mentions] == ["£4,724", "£4,724"]
    assert claim not in {start for start, _ in mentions}
    assert text.count("£4,724") == 3
    decision = build_decision(doc)
    assert [(p.amount, p.payee, p.purpose) for p in decision.remedies] == [
        (4724.0, "Mr X", "financial_loss")
    ]
    assert len(decision.remedies[0].mentions) == 2
    assert decision.total_paid == 4724.0


def test_seed_003_distress_and_time_and_trouble(nlp) -> None:
    text = (SEEDS / "003_10efd45c4424b1c0.txt").read_text(encoding="utf-8")
    decision = build_decision(nlp(text))
    got = sorted((p.amount, p.payee, p.purpose) for p in decision.remedies)
    assert got == [(200.0, "Miss X", "time_and_trouble"), (300.0, "Miss X", "distress")]
    # the summary sentence and the agreed-action list items are one payment each
    assert all(len(p.mentions) == 2 for p in decision.remedies)
    assert decision.total_paid == 500.0


def test_no_false_payments_on_the_seeds(nlp) -> None:
    for record in srsly.read_jsonl(SEEDS.parent / "seeds.jsonl"):
        doc = nlp(record["text"])
        gold = {(s["start"], s["end"]) for s in record["spans"] if s["label"] == "REMEDY_PAYMENT"}
        predicted = {(s.start_char, s.end_char) for s in doc.spans[REMEDIES_KEY]}
        assert predicted <= gold, record["id"]


def test_several_payees_one_sentence(nlp) -> None:
    # 15-020-236
    text = (
        "  • pay the first family £300, the second £100, the third £600 and fourth £500 for the "
        "uncertainty, distress and disruption caused."
    )
    got = tagged(nlp, "The Council has agreed to:\n" + text)
    assert [(t, a, purpose) for t, a, _, purpose, _, _ in got] == [
        ("£300", 300.0, "distress"),
        ("£100", 100.0, "distress"),
        ("£600", 600.0, "distress"),
        ("£500", 500.0, "distress"),
    ]
    assert got[0][2] == "the first family"
    assert got[1][2] == "the second"


def test_one_amount_each_to_two_payees(nlp) -> None:
    # 17-002-928: "her" is Mrs X, the person last named with a female title
    text = (
        "To remedy injustice caused the Council has agreed to:\n"
        "- writes to Mrs X to apologise for its delay implementing the new policy and pays her and "
        "Mrs Y £200 each to remedy the further time and trouble they have experienced resolving "
        "this complaint during the past 12 months;\n"
    )
    assert [s[0] for s in tagged(nlp, text)] == ["£200"]
    assert paid(nlp, text) == [
        (200.0, "Mrs X", "time_and_trouble"),
        (200.0, "Mrs Y", "time_and_trouble"),
    ]


def test_pronoun_payee_resolved(nlp) -> None:
    # 16-019-168
    text = (
        "The Council should apologise to Ms X and pay her £2100 to recognise the distress caused "
        "and reimburse her legal fees."
    )
    assert tagged(nlp, text) == [("£2100", 2100.0, "Ms X", "distress", "recommended", "payment")]


def test_two_purposes_in_one_sentence(nlp) -> None:
    # 18-007-848: the waived fees are a payment of the sum waived, with no payee
    text = (
        "It has agreed to pay Mrs X £250 for the avoidable distress caused and to waive "
        "outstanding fees of £181."
    )
    assert paid(nlp, text) == [(250.0, "Mrs X", "distress"), (181.0, None, "financial_loss")]


def test_waiver_of_a_fee_is_a_payment_the_fee_is_not(nlp) -> None:
    # 19-013-375
    charged = (
        "The complainant, whom I refer to as Mr X, complains that the Council sent a threatening "
        "letter and charged a £10 fee in relation to his leisure centre membership."
    )
    waived = (
        "This is because there is insufficient evidence of fault by the Council and because it has "
        "decided to waive the £10 fee."
    )
    assert tagged(nlp, charged) == []
    assert paid(nlp, waived) == [(10.0, None, "financial_loss")]


@pytest.mark.parametrize(
    "text",
    [
        # 21-018-470
        "She also complains the Council charges £7.50 to issue a duplicate permit.",
        # 20-012-161
        "Mrs X paid £39 for a bulky waste collection.",
        # 24-008-947
        "It has confirmed Mr X should make a new application and pay the current fee which has "
        "increased to £351.60.",
        # 25-004-272
        "As a result, the Council obtained a Liability Order against her with costs of £122.",
        # 22-013-411
        "The maximum amount available under a DFG is £30,000.",
        # 19-016-564
        "The Council’s support plan said the Council would pay £563.63 per week towards the cost "
        "of Mr Y staying in a care home for two weeks as respite for Ms X.",
        # 24-007-338
        "However, Mr X says the Council later amended the invoice in response to his requests for "
        "payment and reduced the amount of the refund to around £700.",
        "The Council fined Mr X £100 and charged a penalty charge of £70.",
    ],
)
def test_fees_fines_claims_and_costs_are_not_payments(nlp, text: str) -> None:
    assert tagged(nlp, text) == []


def test_itemised_total_parts_are_the_payments(nlp) -> None:
    text = (
        "The Council should pay Ms X a total of £2,600 comprising £2,100 for her son's missed "
        "education, £400 for her distress and £100 for her time and trouble."
    )
    roles = [(s[0], s[5]) for s in tagged(nlp, text)]
    assert roles == [
        ("£2,600", "total"),
        ("£2,100", "payment"),
        ("£400", "payment"),
        ("£100", "payment"),
    ]
    assert paid(nlp, text) == [
        (2100.0, "Ms X", "loss_of_service"),
        (400.0, "Ms X", "distress"),
        (100.0, "Ms X", "time_and_trouble"),
    ]


def test_total_with_its_rate(nlp) -> None:
    # 23-017-649
    text = (
        "The Council has agreed to:\n"
        "- pays her £3,600 (18 months at £200 a month in line with our guidance on remedies); and"
    )
    roles = [(s[0], s[5]) for s in tagged(nlp, "Ms X complained.\n" + text)]
    assert roles == [("£3,600", "payment"), ("£200", "rate")]
    assert [p[0] for p in paid(nlp, "Ms X complained.\n" + text)] == [3600.0]


def test_rate_in_the_next_sentence_explains_the_total(nlp) -> None:
    # 17-018-631
    text = (
        "To remedy the injustice caused to Miss X, the Council has agreed to:\n"
        "- pay Miss X £3,500 for the injustice it caused in the 10 months she sofa surfed. This is "
        "£350 a month and is consistent with our guidance on remedies;\n"
    )
    assert [(s[0], s[5]) for s in tagged(nlp, text)] == [("£3,500", "payment"), ("£350", "rate")]
    assert paid(nlp, text) == [(3500.0, "Miss X", "symbolic")]


def test_rate_alone_is_a_payment(nlp) -> None:
    # 23-015-268
    text = "The Council will:\n  • Make a symbolic payment of £150 per month to Ms X "
    assert paid(nlp, text) == [(150.0, "Ms X", "symbolic")]


def test_additional_amount_is_a_second_payment(nlp) -> None:
    text = "The Council should pay Mr X an additional £500, to the £500 it has already offered."
    assert [p[0] for p in paid(nlp, text)] == [500.0, 500.0]


def test_offer_set_aside_is_not_a_payment(nlp) -> None:
    # 19-020-956
    text = (
        "However, it recognised some fault and offered a payment of £250. We found the Council at "
        "fault and recommended an increased remedy."
    )
    assert tagged(nlp, text) == []


def test_accepted_offer_is_a_payment(nlp) -> None:
    # 25-004-957
    text = (
        "In response to Miss X’s complaint, the Council apologised for the delays caused and "
        "offered her a symbolic payment of £300 to acknowledge the frustration and uncertainty "
        "caused."
    )
    assert tagged(nlp, "Miss X complained.\n" + text) == [
        ("£300", 300.0, "Miss X", "distress", "offered", "payment")
    ]


def test_what_the_complainant_wants_is_not_a_payment(nlp) -> None:
    # 24-007-258a: list items under "would like the following"
    text = (
        "- As a result of our investigation, the complainants would like the following to happen.\n"
        "- Meaningful apologies to Ms D and her family.\n"
        "- Reimbursement of £3,600.\n"
    )
    assert tagged(nlp, text) == []


def test_span_values_are_plain(nlp) -> None:
    doc = nlp("The Council should pay Mr X £4,724 in respect of his financial loss incurred.")
    span = doc.spans[REMEDIES_KEY][0]
    values = (span._.amount, span._.payee, span._.purpose, span._.status, span._.remedy_role)
    assert values == (4724.0, "Mr X", "financial_loss", "recommended", "payment")
    assert type(span._.amount) is float
    restored = type(doc)(doc.vocab).from_bytes(doc.to_bytes())
    assert [s.text for s in restored.spans[REMEDIES_KEY]] == ["£4,724"]
