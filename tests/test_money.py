"""Tests of ombudsman_nlp.money: finding, parsing and rendering money expressions.

The sentences below are copied from real decision statements of the Local Government and Social
Care Ombudsman (LGSCO decisions, lgo.org.uk, re-used with acknowledgement); the gold spans they
hold (REMEDY_PAYMENT marks the amount expression only) are the expected extents.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from ombudsman_nlp.money import PER_UNITS, STYLES, Money, find_money, format_amount, parse_amount


def found(text: str, **kwargs) -> list[tuple[str, float | None, str | None]]:
    """(text, amount, per) of each Money, after checking that its offsets agree with its text."""
    out = []
    for m in find_money(text, **kwargs):
        assert text[m.start : m.end] == m.text
        out.append((m.text, m.amount, m.per))
    return out


# --------------------------------------------------------------------------------------------
# Real sentences (LGSCO decisions, lgo.org.uk, re-used with acknowledgement)

REAL = [
    # 24-001-148
    ("The Council should pay Mr X £4,724.", [("£4,724", 4724.0, None)]),
    # 16-019-168
    (
        "The Council should apologise to Ms X and pay her £2100 to recognise the distress caused "
        "and reimburse her legal fees.",
        [("£2100", 2100.0, None)],
    ),
    # 23-017-649: a total and the rate that explains it
    (
        "- pays her £3,600 (18 months at £200 a month in line with our guidance on remedies); and",
        [("£3,600", 3600.0, None), ("£200", 200.0, "month")],
    ),
    # 23-015-268
    ("  • Make a symbolic payment of £150 per month to Ms X ", [("£150", 150.0, "month")]),
    # 17-018-631
    (
        "This is £350 a month and is consistent with our guidance on remedies;",
        [("£350", 350.0, "month")],
    ),
    # 15-020-236: four payments in one list item
    (
        "  • pay the first family £300, the second £100, the third £600 and fourth £500 for the "
        "uncertainty, distress and disruption caused.",
        [
            ("£300", 300.0, None),
            ("£100", 100.0, None),
            ("£600", 600.0, None),
            ("£500", 500.0, None),
        ],
    ),
    # 24-007-407
    (
        "The Council should pay Ms X £300 for avoidable distress, repay her £2760 payments, reduce "
        "her rent account balance to zero and provide guidance to staff.",
        [("£300", 300.0, None), ("£2760", 2760.0, None)],
    ),
    # 18-007-848: sentence-final full stop is not part of the amount
    (
        "It has agreed to pay Mrs X £250 for the avoidable distress caused and to waive "
        "outstanding fees of £181.",
        [("£250", 250.0, None), ("£181", 181.0, None)],
    ),
    # 21-013-267: pence
    (
        "It has apologised, and has agreed to make a payment of £41.80 to recognise the amount "
        "Mr B paid for school transport during the period of delay.",
        [("£41.80", 41.8, None)],
    ),
    # 15-012-105: amounts in brackets, before ")" and ");"
    (
        "- refund their legal costs (£2,200), including the Legal Aid Statutory Charge (£5,400);",
        [("£2,200", 2200.0, None), ("£5,400", 5400.0, None)],
    ),
    # 19-019-593
    (
        "The Council has agreed to pay Mr and Mrs B £5,400 for C’s benefit for the loss of two "
        "years of his education, £1,000 in recognition of the distress and social isolation that "
        "this has caused C, and £500 for the distress caused to Mr and Mrs B.",
        [("£5,400", 5400.0, None), ("£1,000", 1000.0, None), ("£500", 500.0, None)],
    ),
    # 19-016-564: a weekly rate with pence (not a payment, still a money mention)
    (
        "The Council’s support plan said the Council would pay £563.63 per week towards the cost "
        "of Mr Y staying in a care home for two weeks as respite for Ms X.",
        [("£563.63", 563.63, "week")],
    ),
    # 21-011-139
    (
        "The CTS decision letter said the Council had awarded CTS of £18.01 a week from 1 April.",
        [("£18.01", 18.01, "week")],
    ),
    # 24-008-531
    (
        "The outcome of this assessment was that he needed to contribute over £5500 per year.",
        [("£5500", 5500.0, "year")],
    ),
    # 19-013-375
    (
        "The rues say that if someone cancels their membership without giving 28 days notice "
        "they will be charged the arrears plus £10 a month.",
        [("£10", 10.0, "month")],
    ),
    # 24-021-290
    (
        "Mr X says the Council treated his application illegally leading to financial losses of "
        "over £17k.",
        [("£17k", 17000.0, None)],
    ),
    # 24-008-947: "increased to" is not a range
    (
        "It has confirmed Mr X should make a new application and pay the current fee which has "
        "increased to £351.60.",
        [("£351.60", 351.6, None)],
    ),
]


@pytest.mark.parametrize(("sentence", "expected"), REAL, ids=[e[0][:40] for e in REAL])
def test_real_sentences(sentence: str, expected: list) -> None:
    assert found(sentence) == expected


def test_gold_offsets_exact() -> None:
    # 23-017-649: gold spans are exactly "£3,600" and "£200"
    text = (
        "- pays her £3,600 (18 months at £200 a month in line with our guidance on remedies); and"
    )
    spans = [(m.start, m.end) for m in find_money(text)]
    assert spans == [(11, 17), (32, 36)]
    assert [text[s:e] for s, e in spans] == ["£3,600", "£200"]


def test_itemised_total_gives_each_part() -> None:
    text = "The Council will pay a total of £2,600 comprising £2,100, £400 and £100."
    assert found(text) == [
        ("£2,600", 2600.0, None),
        ("£2,100", 2100.0, None),
        ("£400", 400.0, None),
        ("£100", 100.0, None),
    ]


@pytest.mark.parametrize(
    "text", ["two and five pounds", "five thousand two thousand pounds", "several hundred pounds"]
)
def test_number_words_that_are_not_a_number(text: str) -> None:
    assert find_money(f"It cost {text} in all.") == []


def test_mixed_forms_in_order() -> None:
    text = "It cost 50p, then £5, then GBP 6, then 7 pounds, then eight pounds and £9."
    assert found(text) == [
        ("50p", 0.5, None),
        ("£5", 5.0, None),
        ("GBP 6", 6.0, None),
        ("7 pounds", 7.0, None),
        ("eight pounds", 8.0, None),
        ("£9", 9.0, None),
    ]
    assert found("A copy costs 20p; the permit £35.") == [("20p", 0.2, None), ("£35", 35.0, None)]
    assert found("The permit £35; a copy 20p.") == [("£35", 35.0, None), ("20p", 0.2, None)]


def test_no_money() -> None:
    assert find_money("") == []
    assert find_money("The Council delayed for 12 months, from 1 April 2023 to 10pm.") == []
    assert find_money("He complained on 3 occasions about paragraph 12.") == []


# --------------------------------------------------------------------------------------------
# Formats


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("£4,724", 4724.0),
        ("£2100", 2100.0),
        ("£3,588.67", 3588.67),
        ("£7.50", 7.5),
        ("£1,000", 1000.0),
        ("£1,000,000", 1_000_000.0),
        ("£1.5k", 1500.0),
        ("£17k", 17000.0),
        ("£2 million", 2_000_000.0),
        ("£2m", 2_000_000.0),
        ("£2.5 million", 2_500_000.0),
        ("£1.25m", 1_250_000.0),
        ("GBP 500", 500.0),
        ("GBP500", 500.0),
        ("500 GBP", 500.0),
        ("500 pounds", 500.0),
        ("1,500 pounds", 1500.0),
        ("2 million pounds", 2_000_000.0),
        ("£500.00", 500.0),
        ("50p", 0.5),
        ("50 pence", 0.5),
        ("£0.50", 0.5),
        ("five hundred pounds", 500.0),
        ("Five Hundred Pounds", 500.0),
        ("two thousand five hundred pounds", 2500.0),
        ("one hundred and fifty pounds", 150.0),
        ("two thousand and fifty pounds", 2050.0),
        ("a thousand pounds", 1000.0),
        ("ninety-nine thousand pounds", 99000.0),
        ("one pound", 1.0),
        ("fifty pence", 0.5),
        ("£ 500", 500.0),
        ("£\u00a0500", 500.0),  # no-break space
        ("£\u2009500", 500.0),  # thin space
        ("£10\u202f000", 10000.0),  # narrow no-break space as a thousands separator
        ("Â£500", 500.0),  # mojibake
        ("£500.", 500.0),
        ("(£2,200)", 2200.0),
        ("£200 a month", 200.0),
        ("£150 per week", 150.0),
        ("£50 for each month", 50.0),
    ],
)
def test_parse_amount(text: str, amount: float) -> None:
    assert parse_amount(text) == amount


@pytest.mark.parametrize(
    "text",
    [
        "£1,00,0",
        "£12,34",
        "£1,0000",
        "£3.588",
        "£10 000",  # a plain space: £10 000 or £10 and another number
        "£300-£500",  # a range has no single amount
        "between £250 and £500",
        "£500 and £600",
        "hundred pounds",
        "several hundred pounds",
        "half a million pounds",
        "five five pounds",
        "two and five pounds",
        "fifty and five pounds",
        "five thousand two thousand pounds",
        "one hundred five hundred pounds",
        "the Council",
        "",
        "£",
        "10pm",
    ],
)
def test_parse_amount_none(text: str) -> None:
    assert parse_amount(text) is None


@pytest.mark.parametrize(
    ("text", "span", "amount"),
    [
        ("He was charged £1,00,0 in error.", "£1,00,0", None),
        ("The fee was £12,34 for this.", "£12,34", None),
        ("It refunded £7.50.", "£7.50", 7.5),
        ("It refunded £500.", "£500", 500.0),
        ("It refunded £500, and apologised.", "£500", 500.0),
        ("It paid Â£500 to Mrs X.", "£500", 500.0),
        ("It paid Â£\u00a0500 to Mrs X.", "£\u00a0500", 500.0),
        ("It agreed to pay five hundred pounds.", "five hundred pounds", 500.0),
        ("It agreed to pay a five hundred pounds sum.", "five hundred pounds", 500.0),
        ("She paid 500 pounds.", "500 pounds", 500.0),
        ("She paid GBP 500.", "GBP 500", 500.0),
        ("The copy cost 50p.", "50p", 0.5),
        ("The cost was £2.5 million.", "£2.5 million", 2_500_000.0),
        ("The cost was £2m.", "£2m", 2_000_000.0),
    ],
)
def test_find_money_extent(text: str, span: str, amount: float | None) -> None:
    (m,) = find_money(text)
    assert m.text == span
    assert text[m.start : m.end] == span
    assert m.start == text.index(span)
    assert m.amount == amount


# --------------------------------------------------------------------------------------------
# Rates


@pytest.mark.parametrize(
    ("text", "per"),
    [
        ("pay £200 a month", "month"),
        ("pay £150 per week", "week"),
        ("pay £50 for each month of delay", "month"),
        ("pay £50 for every week", "week"),
        ("pay £50 per calendar month", "month"),
        ("pay £20 weekly", "week"),
        ("pay £20 monthly", "month"),
        ("pay £10 a day", "day"),
        ("pay £60 a night", "night"),
        ("pay £5,500 per annum", "year"),
        ("pay £5,500 pa", "year"),
        ("pay £900 pcm", "month"),
        ("pay £200 each month", "month"),
        ("pay £200 each to Mrs X and Mrs Y", None),
        ("pay £200 for a month's delay", None),
        ("pay £200 and a month later", None),
    ],
)
def test_rate(text: str, per: str | None) -> None:
    (m,) = find_money(text)
    assert m.text.startswith("£")
    assert " " not in m.text  # the rate words are not in the span
    assert m.per == per
    assert per is None or per in PER_UNITS


# --------------------------------------------------------------------------------------------
# Ranges


@pytest.mark.parametrize(
    ("text", "span", "low", "high"),
    [
        ("a payment of £300-£500 is usual", "£300-£500", 300.0, 500.0),
        ("a payment of £300 – £500 is usual", "£300 – £500", 300.0, 500.0),
        ("a payment of £300-500 is usual", "£300-500", 300.0, 500.0),
        ("a payment of £300 to £500 is usual", "£300 to £500", 300.0, 500.0),
        ("a payment of between £250 and £500 is usual", "£250 and £500", 250.0, 500.0),
        ("costs of £1-2 million", "£1-2 million", 1_000_000.0, 2_000_000.0),
    ],
)
def test_range(text: str, span: str, low: float, high: float) -> None:
    (m,) = find_money(text)
    assert (m.text, m.amount, m.low, m.high) == (span, None, low, high)
    assert m.is_range
    assert text[m.start : m.end] == span


def test_range_with_rate_and_split() -> None:
    text = "We recommend £100 to £300 a month for each month of delay."
    (m,) = find_money(text)
    assert (m.text, m.low, m.high, m.per) == ("£100 to £300", 100.0, 300.0, "month")
    assert found(text, split_ranges=True) == [("£100", 100.0, "month"), ("£300", 300.0, "month")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a change, not a range
        (
            "The fee increased from £282 to £351.60.",
            [("£282", 282.0, None), ("£351.60", 351.6, None)],
        ),
        # a reduction, not a range
        ("It reduced £500 to £300.", [("£500", 500.0, None), ("£300", 300.0, None)]),
        # "and" without "between" lists two amounts
        ("pay £250 and £500", [("£250", 250.0, None), ("£500", 500.0, None)]),
        # a bare number after "to" is not money
        ("pay £300 to 500 residents", [("£300", 300.0, None)]),
    ],
)
def test_not_a_range(text: str, expected: list) -> None:
    assert found(text) == expected
    assert not any(m.is_range for m in find_money(text))


# --------------------------------------------------------------------------------------------
# format_amount


@pytest.mark.parametrize(
    ("value", "style", "text"),
    [
        (4724, "plain", "£4724"),
        (3588.67, "plain", "£3588.67"),
        (4724, "comma", "£4,724"),
        (0.5, "comma", "£0.50"),
        (3588.67, "pence", "£3,588.67"),
        (500, "pence", "£500.00"),
        (500, "gbp", "GBP 500"),
        (500, "pounds_word", "500 pounds"),
        (1, "pounds_word", "1 pound"),
        (500, "words", "five hundred pounds"),
        (150, "words", "one hundred and fifty pounds"),
        (2500, "words", "two thousand five hundred pounds"),
        (2050, "words", "two thousand and fifty pounds"),
        (1, "words", "one pound"),
        (
            999_999,
            "words",
            "nine hundred and ninety-nine thousand nine hundred and ninety-nine pounds",
        ),
        (1500, "k", "£1.5k"),
        (2_000_000, "m", "£2m"),
        (2_500_000, "million", "£2.5 million"),
        (0.5, "p", "50p"),
    ],
)
def test_format_amount(value: float, style: str, text: str) -> None:
    assert format_amount(value, style) == text
    assert parse_amount(text) == value


@pytest.mark.parametrize(
    ("value", "style"),
    [(1.5, "words"), (10**9, "words"), (-1, "comma"), (0.001, "comma"), (1, "nope")],
)
def test_format_amount_rejects(value: float, style: str) -> None:
    with pytest.raises(ValueError):
        format_amount(value, style)


def test_styles_listed() -> None:
    assert {"plain", "comma", "pence", "gbp", "pounds_word", "words", "k", "million"} <= set(STYLES)


# --------------------------------------------------------------------------------------------
# Properties

pounds_values = st.integers(min_value=0, max_value=10_000_000).map(float)
pence_values = st.integers(min_value=0, max_value=1_000_000_000).map(lambda p: p / 100)
values = st.one_of(pounds_values, pence_values)
word_values = st.integers(min_value=0, max_value=999_999).map(float)


def _formatted(draw: st.DrawFn, value: float) -> tuple[str, str]:
    style = draw(st.sampled_from([s for s in STYLES if s != "words" or value.is_integer()]))
    if style == "words" and value > 999_999:
        style = "comma"
    return style, format_amount(value, style)


@given(value=values, style=st.sampled_from(STYLES))
@example(value=3588.67, style="pence")
@example(value=1500.0, style="k")
def test_roundtrip(value: float, style: str) -> None:
    assume(style != "words" or (value.is_integer() and value <= 999_999))
    assert parse_amount(format_amount(value, style)) == value


@given(value=word_values)
def test_roundtrip_words(value: float) -> None:
    text = format_amount(value, "words")
    assert parse_amount(text) == value
    assert parse_amount(text.upper()) == value


# Filler with no digits, no "£" and no "p", so that it cannot hold money of its own.
filler = st.text(
    alphabet=st.characters(
        categories=("Lu", "Ll", "Zs", "Po"), exclude_characters="pP£", max_codepoint=0x2FFF
    ),
    max_size=40,
)


@st.composite
def embedded(draw: st.DrawFn) -> tuple[str, str, int, float, str]:
    value = draw(values)
    style, amount = _formatted(draw, value)
    prefix = draw(filler) + " The Council paid "
    text = prefix + amount + " to Mr X. " + draw(filler)
    return text, amount, len(prefix), value, style


@given(embedded())
def test_find_embedded(case: tuple[str, str, int, float, str]) -> None:
    text, amount, start, value, _style = case
    (m,) = find_money(text)
    assert (m.start, m.end, m.text) == (start, start + len(amount), amount)
    assert text[m.start : m.end] == m.text
    assert m.amount == value
    assert m.per is None and not m.is_range


@given(low=values, high=values, style=st.sampled_from(["comma", "plain", "pence", "gbp", "k"]))
def test_find_range_and_list(low: float, high: float, style: str) -> None:
    a, b = format_amount(low, style), format_amount(high, style)
    text = f"a payment of between {a} and {b} a week"
    if low < high:
        (m,) = find_money(text)
        assert (m.low, m.high, m.amount, m.per) == (low, high, None, "week")
        assert m.text == f"{a} and {b}"
        assert [x.amount for x in find_money(text, split_ranges=True)] == [low, high]
    else:
        assert [x.amount for x in find_money(text)] == [low, high]
    listed = f"pay Mrs X {a}, and {b} for her time and trouble."
    assert [(x.text, x.amount) for x in find_money(listed)] == [(a, low), (b, high)]


@given(
    st.text(
        alphabet=st.sampled_from(list("£Â0123456789,.-– kmpKMGBPoundsaeth\u00a0\u2009\n")),
        max_size=80,
    )
)
def test_find_money_invariants(text: str) -> None:
    result = find_money(text)
    ends = -1
    for m in result:
        assert isinstance(m, Money)
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text
        assert m.start >= ends  # in order, non-overlapping
        ends = m.end
        assert m.text == m.text.strip(" .,;:")  # no surrounding space or sentence punctuation
        if m.is_range:
            assert m.amount is None and m.low < m.high
        assert m.per is None or m.per in PER_UNITS
    parse_amount(text)  # never raises


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("£1.5k", [("£1.5k", 1500.0, None)]),
        ("£2 million", [("£2 million", 2_000_000.0, None)]),
        ("GBP 500", [("GBP 500", 500.0, None)]),
        ("500 pounds", [("500 pounds", 500.0, None)]),
        ("five hundred pounds", [("five hundred pounds", 500.0, None)]),
        ("£150 per week", [("£150", 150.0, "week")]),
        ("£50 for each month", [("£50", 50.0, "month")]),
        (
            "a total of £2,600 comprising £2,100, £400 and £100",
            [
                ("£2,600", 2600.0, None),
                ("£2,100", 2100.0, None),
                ("£400", 400.0, None),
                ("£100", 100.0, None),
            ],
        ),
        ("several hundred pounds", []),
        ("£1,00,0", [("£1,00,0", None, None)]),
    ],
)
def test_forms_a_payment_may_take(text: str, expected: list) -> None:
    assert found(text) == expected


def test_ranges_give_bounds_not_an_amount() -> None:
    for text in ("£300-£500", "between £300 and £500"):
        (m,) = find_money(text)
        assert (m.amount, m.low, m.high) == (None, 300.0, 500.0)
