"""Money expressions in decision text: find them, parse them, render them.

Pure Python (``re`` and ``decimal`` only, no spaCy), so that it is cheap to run on every
document and easy to test on its own.

What counts as one money expression (``Money.start:end`` covers only this):

- a currency sign or code and a number: ``£4,724``, ``£2100``, ``£3,588.67``, ``£ 500`` (a
  space, no-break space or thin space after the sign), ``GBP 500``, ``£1.5k``, ``£2m``,
  ``£2.5 million``; in mojibake ``Â£500`` the ``Â`` is left out of the span;
- a number and a currency word: ``500 pounds``, ``2 million pounds``, ``500 GBP``;
- pence: ``50p``, ``50 pence``;
- a number in words and a currency word: ``five hundred pounds``, ``one hundred and fifty
  pounds``, ``a thousand pounds``, ``fifty pence``.

Decisions:

- A rate right after an amount (``£200 a month``, ``£150 per week``, ``£50 for each month``,
  ``£50 per calendar month``, ``£20 weekly``, ``£5,500 pa``) sets ``Money.per`` to one of
  ``PER_UNITS``; the rate words are not in the span (the gold marks ``£200``).
- A range (``£300-£500``, ``£300 – 500``, ``£300 to £500``, ``between £250 and £500``) is one
  ``Money`` from the first bound to the second (``between`` is not in the span), with
  ``amount=None`` and ``low``/``high`` set. It is a range only when ``low < high``; ``from £282
  to £351.60`` is a change, not a range, and gives two amounts. ``find_money(text,
  split_ranges=True)`` gives each bound as its own ``Money`` instead (``per`` kept). In
  ``£1-2 million`` the multiplier applies to both bounds.
- A malformed number after a currency sign (``£1,00,0``, ``£12,34``, ``£3.588``, ``£10 000``
  with a plain space, which could be ``£10`` and another number) is still a mention, with
  ``amount=None``: never a guessed number. Number words that do not form a number (``several
  hundred pounds``, ``half a million pounds``) give no mention at all.
- Trailing sentence punctuation is never in the span: ``£500.`` is ``£500``, ``£7.50`` stays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

__all__ = [
    "PER_UNITS",
    "STYLES",
    "Money",
    "find_money",
    "format_amount",
    "parse_amount",
]


@dataclass(frozen=True)
class Money:
    """One money expression found in a text.

    ``start``/``end`` are character offsets of the amount expression in the input (end
    exclusive) and ``text == input[start:end]``. ``amount`` is the value in pounds, or ``None``
    when the number is malformed or ambiguous, and for ranges, which set ``low`` and ``high``.
    ``per`` is the rate unit found right after the amount (``"month"`` for ``£200 a month``).
    """

    start: int
    end: int
    text: str
    amount: float | None
    low: float | None = None
    high: float | None = None
    per: str | None = None

    @property
    def is_range(self) -> bool:
        """True when this is a range (``low`` and ``high`` set, ``amount`` None)."""
        return self.low is not None and self.high is not None


#: The values ``Money.per`` takes.
PER_UNITS: tuple[str, ...] = ("hour", "day", "night", "week", "fortnight", "month", "year")

#: The styles ``format_amount`` renders, each read back by ``parse_amount``.
STYLES: tuple[str, ...] = (
    "plain",  # £4724, £3588.67
    "comma",  # £4,724, £3,588.67
    "pence",  # £4,724.00, £3,588.67 (always two decimals)
    "gbp",  # GBP 4,724
    "pounds_word",  # 4,724 pounds
    "words",  # four thousand seven hundred and twenty-four pounds (whole pounds < 1e9)
    "k",  # £4.724k, £1.5k
    "m",  # £2m, £2.5m
    "million",  # £2.5 million
    "p",  # 50p, 472400p
)

# --------------------------------------------------------------------------------------------
# Patterns

_SP = "[ \u00a0\u2009\u202f\u2007\u200a]"  # space, no-break, thin, narrow no-break, figure, hair
# A number as written: digit groups separated by spaces (1-3 digits, then groups of exactly
# three), or digits with commas (validated later, so that "£1,00,0" is caught, not cut short).
_NUM = rf"(?:[0-9]{{1,3}}(?:{_SP}[0-9]{{3}}(?![0-9]))+|[0-9]+(?:,[0-9]+)*)(?:\.[0-9]+)?"
_MULT = (
    rf"(?:{_SP}?(?i:million|billion|thousand)(?![A-Za-z])"
    r"|(?:[kKmM]|bn|mn)(?![A-Za-z0-9]))"
)
# Python's ``re`` scans fast only for a pattern that opens with a literal, so the common case
# (a "£" amount) has a pattern of its own, and the rarer forms run only when a cheap substring
# check says they may be present.
_POUND_RE = re.compile(rf"£{_SP}?(?P<num>{_NUM})(?P<mult>{_MULT})?")
_GBP_RE = re.compile(rf"GBP(?<![A-Za-z0-9_]GBP){_SP}?(?P<num>{_NUM})(?P<mult>{_MULT})?")
_SUFFIX_RE = re.compile(
    rf"""
    (?<![0-9.,£\w])(?P<snum>{_NUM})(?P<smult>{_MULT})?{_SP}*(?:(?i:pounds?)|GBP)(?![A-Za-z])
    | (?<![0-9.,£\w])(?P<pnum>[0-9]+(?:\.[0-9]+)?)(?:p|{_SP}?(?i:pence))(?![A-Za-z0-9])
    """,
    re.VERBOSE,
)
_DIGIT_P_RE = re.compile(r"p(?<=[0-9]p)(?![A-Za-z0-9])")  # "50p", found by its literal "p"
# A bare number after a range dash ("£300-500"); it is money only as the range's second bound.
_BARE_RE = re.compile(rf"(?P<num>{_NUM})(?P<mult>{_MULT})?(?![0-9A-Za-z%£])")
_CONNECTOR_RE = re.compile(r"[ \u00a0]*(?:(?P<dash>[-\u2013\u2014])|(?P<word>to|and))[ \u00a0]*")
_BETWEEN_RE = re.compile(r"(?i)\bbetween[ \u00a0]+\Z")
_FROM_RE = re.compile(r"(?i)\bfrom[ \u00a0]+\Z")
_RATE_RE = re.compile(
    r"""
    [ \u00a0]*(?:
        (?:(?:a|an|per|each|every|for[ ]each|for[ ]every)[ \u00a0]+(?:calendar[ ]+)?|/[ ]?)
        (?P<unit>hour|hr|day|night|week|wk|fortnight|month|mth|year|yr|annum)
      | (?P<adv>hourly|daily|nightly|weekly|fortnightly|monthly|yearly|annually)
      | (?P<abbr>pcm|pw|pa|p\.a\.|p/w|p/m)
    )(?![A-Za-z])
    """,
    re.VERBOSE | re.IGNORECASE,
)
_PER = {
    "hr": "hour",
    "hourly": "hour",
    "daily": "day",
    "nightly": "night",
    "wk": "week",
    "weekly": "week",
    "p/w": "week",
    "pw": "week",
    "fortnightly": "fortnight",
    "mth": "month",
    "monthly": "month",
    "pcm": "month",
    "p/m": "month",
    "yr": "year",
    "annum": "year",
    "yearly": "year",
    "annually": "year",
    "pa": "year",
    "p.a.": "year",
}

_UNITS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
_NUMBER_WORDS = sorted(
    [*_UNITS, *_TEENS, *_TENS, "hundred", *_SCALES, "zero"], key=len, reverse=True
)
_W = "(?:" + "|".join(_NUMBER_WORDS) + ")"
# At most 16 number words (any amount below a billion needs at most 14); the bound keeps a long
# run of number words from costing quadratic time.
_WORDS_RE = re.compile(
    rf"(?<!half )(?<!half-)\b(?:a{_SP}+)?{_W}(?:(?:{_SP}{{1,3}}|-)(?:and{_SP}{{1,3}})?{_W}){{0,15}}"
    rf"{_SP}+(?P<unit>pounds?|pence)\b",
    re.IGNORECASE,
)
_WORD_TOKEN_RE = re.compile(r"[A-Za-z]+")


_HUNDRED = Decimal(100)
_MULTIPLIERS = {
    "k": Decimal(1000),
    "thousand": Decimal(1000),
    "m": Decimal(1_000_000),
    "mn": Decimal(1_000_000),
    "million": Decimal(1_000_000),
    "bn": Decimal(1_000_000_000),
    "billion": Decimal(1_000_000_000),
}


# --------------------------------------------------------------------------------------------
# Parsing helpers


def _multiplier(mult: str | None) -> Decimal | None:
    if not mult:
        return None
    return _MULTIPLIERS[mult.strip(" \u00a0\u2009\u202f\u2007\u200a").lower()]


@lru_cache(maxsize=4096)  # amounts recur; the value of a string never changes
def _number(num: str, mult: str | None = None) -> Decimal | None:
    """The value of a written number (and multiplier), or None when malformed or ambiguous."""
    whole, _, decimals = num.partition(".")
    separators = {c for c in whole if not c.isdigit()}
    if separators:
        if len(separators) > 1 or " " in separators:  # mixed, or a plain space: ambiguous
            return None
        groups = whole.split(separators.pop())
        if not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:]):
            return None
        whole = "".join(groups)
    scale = _multiplier(mult)
    if scale is None and len(decimals) > 2:
        return None  # "£3.588": a thousands point or a typo, not pence
    value = Decimal(whole + ("." + decimals if decimals else ""))
    return value * scale if scale is not None else value


def _words_number(words: list[str]) -> int | None:
    """The value of number words ("two thousand five hundred"), or None when not a number."""
    if words == ["zero"]:
        return 0
    total = group = 0
    last_scale: int | None = None
    state = "empty"  # within a group below a hundred: empty, unit, teen, tens, tens_unit
    has_hundred = pending_and = after_and = False
    i = 0
    if words[0] == "a":
        if len(words) < 2 or words[1] not in ("hundred", *_SCALES):
            return None
        group, state, i = 1, "unit", 1
    for word in words[i:]:
        if word == "and":
            if pending_and or not ((has_hundred and state == "empty") or (group == 0 and total)):
                return None
            pending_and = True
            continue
        if word in _UNITS:
            if state not in ("empty", "tens"):
                return None
            state = "tens_unit" if state == "tens" else "unit"
            group += _UNITS[word]
        elif word in _TEENS or word in _TENS:
            if state != "empty":
                return None
            state = "teen" if word in _TEENS else "tens"
            group += _TEENS.get(word) or _TENS[word]
        elif word == "hundred":
            if pending_and or after_and or has_hundred or state != "unit":
                return None
            group *= 100
            has_hundred, state = True, "empty"
            continue
        elif word in _SCALES:
            scale = _SCALES[word]
            if pending_and or group == 0 or (last_scale is not None and scale >= last_scale):
                return None
            total += group * scale
            group, last_scale, state = 0, scale, "empty"
            has_hundred = after_and = False
            continue
        else:
            return None
        if pending_and:
            pending_and, after_and = False, True
    if pending_and or (group == 0 and total == 0):
        return None
    return total + group


def _as_float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


class _Tok(NamedTuple):  # a tuple: quicker to build than a frozen dataclass
    start: int
    end: int
    value: Decimal | None
    currency: bool  # written with £ or GBP before the number
    has_mult: bool


def _tokens(text: str) -> list[_Tok]:
    """Single amounts (no ranges, no rates), in order, non-overlapping."""
    toks: list[_Tok] = []
    if "£" in text:
        for m in _POUND_RE.finditer(text):
            mult = m.group("mult")
            toks.append(_Tok(m.start(), m.end(), _number(m.group("num"), mult), True, bool(mult)))
    has_gbp = "GBP" in text
    if has_gbp:
        for m in _GBP_RE.finditer(text):
            mult = m.group("mult")
            toks.append(_Tok(m.start(), m.end(), _number(m.group("num"), mult), True, bool(mult)))
    has_words = (  # one test per word: no generator per call
        "pound" in text
        or "pence" in text
        or "Pound" in text
        or "Pence" in text
        or "POUND" in text
        or "PENCE" in text
    )
    has_suffix = has_words or has_gbp or _DIGIT_P_RE.search(text) is not None
    if has_suffix:
        for m in _SUFFIX_RE.finditer(text):
            if m.group("snum"):
                num, mult = m.group("snum"), m.group("smult")
                toks.append(_Tok(m.start(), m.end(), _number(num, mult), False, bool(mult)))
            else:
                value = _number(m.group("pnum"))
                value = None if value is None else value / _HUNDRED
                toks.append(_Tok(m.start(), m.end(), value, False, False))
    if has_words:
        toks.extend(t for m in _WORDS_RE.finditer(text) if (t := _words_token(m)) is not None)
    if len(toks) > 1 and has_suffix:  # several patterns ran: put their hits in order
        merged = sorted(toks, key=lambda t: (t.start, -t.end))
        toks = []
        for tok in merged:
            if not toks or tok.start >= toks[-1].end:
                toks.append(tok)
    return toks


def _words_token(m: re.Match[str]) -> _Tok | None:
    """A token for a number-words match, dropping a leading article that is not part of it."""
    found = list(_WORD_TOKEN_RE.finditer(m.group(0), 0, m.start("unit") - m.start()))
    words = [w.group(0).lower() for w in found]
    value = _words_number(words)
    first = 0
    if value is None and words[0] == "a" and len(words) > 1:
        value, first = _words_number(words[1:]), 1
    if value is None:
        return None
    amount = Decimal(value)
    if m.group("unit").lower() == "pence":
        amount /= _HUNDRED
    return _Tok(m.start() + found[first].start(), m.end(), amount, False, False)


def _rate(text: str, pos: int) -> str | None:
    m = _RATE_RE.match(text, pos)
    if m is None:
        return None
    word = (m.group("unit") or m.group("adv") or m.group("abbr")).lower()
    return _PER.get(word, word)


def _money(text: str, start: int, end: int, value: Decimal | None, per: str | None) -> Money:
    return Money(start, end, text[start:end], _as_float(value), per=per)


# --------------------------------------------------------------------------------------------
# Public API


def find_money(text: str, *, split_ranges: bool = False) -> list[Money]:
    """All money expressions in ``text``, in order and non-overlapping.

    Each ``Money`` covers the amount expression only; a rate after it sets ``per``. A range is
    one ``Money`` with ``low``/``high`` (``amount`` None) spanning both bounds, or, with
    ``split_ranges=True``, two ``Money`` items, one per bound, each with its ``amount``.
    """
    toks = _tokens(text)
    if not toks:
        return []
    out: list[Money] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        i += 1
        rng = _range_after(text, tok, toks[i] if i < len(toks) else None)
        if rng is None:
            out.append(_money(text, tok.start, tok.end, tok.value, _rate(text, tok.end)))
            continue
        hi_start, hi_end, low, high, used_next = rng
        i += used_next
        per = _rate(text, hi_end)
        if split_ranges:
            out.append(_money(text, tok.start, tok.end, low, per))
            out.append(_money(text, hi_start, hi_end, high, per))
        else:
            span = text[tok.start : hi_end]
            out.append(Money(tok.start, hi_end, span, None, float(low), float(high), per))
    return out


def _range_after(
    text: str, tok: _Tok, nxt: _Tok | None
) -> tuple[int, int, Decimal, Decimal, int] | None:
    """The second bound if ``tok`` opens a range: (start, end, low, high, tokens used)."""
    if tok.value is None:
        return None
    conn = _CONNECTOR_RE.match(text, tok.end)
    if conn is None:
        return None
    word = (conn.group("word") or "").lower()
    if word == "and" and not _BETWEEN_RE.search(text, max(0, tok.start - 16), tok.start):
        return None
    if word == "to" and _FROM_RE.search(text, max(0, tok.start - 16), tok.start):
        return None
    low = tok.value
    if nxt is not None and nxt.start == conn.end():
        if nxt.value is None or not low < nxt.value:
            return None
        return nxt.start, nxt.end, low, nxt.value, 1
    if word == "to" or not tok.currency:
        return None  # "£300 to 500 people": a bare number after "to" is not money
    bare = _BARE_RE.match(text, conn.end())
    if bare is None:
        return None
    high = _number(bare.group("num"), bare.group("mult"))
    if high is None:
        return None
    if bare.group("mult") and not tok.has_mult:  # "£1-2 million"
        scaled = low * _multiplier(bare.group("mult"))
        if scaled < high:
            low = scaled
    if not low < high:
        return None
    return bare.start(), bare.end(), low, high, 0


_TRIM = " \t\r\n.,;:!?()[]"


def parse_amount(text: str) -> float | None:
    """The value in pounds of one money expression (``"£4,724"``, ``"five hundred pounds"``).

    Surrounding white space and sentence punctuation, a leading mojibake ``Â`` and a rate after
    the amount (``"£200 a month"`` gives 200.0) are allowed. Returns None for anything else: no
    amount, several, a range, or a malformed or ambiguous number (``"£1,00,0"``, ``"£12,34"``).
    """
    s = text.strip(_TRIM)
    if s.endswith("p.a"):  # "p.a." lost its final point to the trim
        s += "."
    found = find_money(s)
    if len(found) != 1:
        return None
    m = found[0]
    if s[: m.start] not in ("", "Â"):
        return None
    rest = s[m.end :]
    if rest and not _RATE_RE.fullmatch(rest):
        return None
    return m.amount


def _pence(value: float) -> int:
    """``value`` in whole pence; ValueError when negative, not finite or not whole pence."""
    d = Decimal(repr(float(value)))
    if not d.is_finite() or d < 0:
        raise ValueError(f"not a money amount: {value!r}")
    pence = d * _HUNDRED
    if pence != pence.to_integral_value():
        raise ValueError(f"not a whole number of pence: {value!r}")
    return int(pence)


def _grouped(pence: int, comma: bool, decimals: bool | None) -> str:
    """Pounds from pence; decimals None shows them only when there are pence."""
    pounds, rest = divmod(pence, 100)
    whole = f"{pounds:,}" if comma else str(pounds)
    if decimals or (decimals is None and rest):
        return f"{whole}.{rest:02d}"
    return whole


def _scaled(pence: int, scale: int) -> str:
    return format((Decimal(pence) / _HUNDRED / scale).normalize(), "f")


def _below_hundred(n: int) -> str:
    if n < 10:
        return next(w for w, v in _UNITS.items() if v == n)
    if n < 20:
        return next(w for w, v in _TEENS.items() if v == n)
    tens, unit = divmod(n, 10)
    word = next(w for w, v in _TENS.items() if v == tens * 10)
    return f"{word}-{_below_hundred(unit)}" if unit else word


def _below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    parts = [f"{_below_hundred(hundreds)} hundred"] if hundreds else []
    if rest:
        parts += ["and", _below_hundred(rest)] if hundreds else [_below_hundred(rest)]
    return " ".join(parts)


def _int_to_words(n: int) -> str:
    """British English number words: 2500 -> "two thousand five hundred"."""
    if n == 0:
        return "zero"
    parts = []
    for name, scale in (("million", 1_000_000), ("thousand", 1000)):
        q, n = divmod(n, scale)
        if q:
            parts.append(f"{_below_thousand(q)} {name}")
    if n:
        parts.append(f"and {_below_hundred(n)}" if parts and n < 100 else _below_thousand(n))
    return " ".join(parts)


def format_amount(value: float, style: str) -> str:
    """Render ``value`` (pounds, whole pence) in one of ``STYLES``; ``parse_amount`` reads it.

    Raises ValueError for an unknown style, a negative value or one that is not whole pence,
    and for ``"words"`` when the value is not whole pounds below a billion.
    """
    pence = _pence(value)
    if style == "plain":
        return "£" + _grouped(pence, comma=False, decimals=None)
    if style == "comma":
        return "£" + _grouped(pence, comma=True, decimals=None)
    if style == "pence":
        return "£" + _grouped(pence, comma=True, decimals=True)
    if style == "gbp":
        return "GBP " + _grouped(pence, comma=True, decimals=None)
    if style == "pounds_word":
        unit = "pound" if pence == 100 else "pounds"
        return f"{_grouped(pence, comma=True, decimals=None)} {unit}"
    if style == "words":
        pounds, rest = divmod(pence, 100)
        if rest or pounds >= 1_000_000_000:
            raise ValueError(f"'words' needs whole pounds below a billion: {value!r}")
        return f"{_int_to_words(pounds)} {'pound' if pounds == 1 else 'pounds'}"
    if style == "k":
        return f"£{_scaled(pence, 1000)}k"
    if style == "m":
        return f"£{_scaled(pence, 1_000_000)}m"
    if style == "million":
        return f"£{_scaled(pence, 1_000_000)} million"
    if style == "p":
        return f"{pence}p"
    raise ValueError(f"unknown style {style!r}; expected one of {', '.join(STYLES)}")
