"""Payments: every money amount that remedies the complaint, with payee, purpose and status.

Only the sentences that hold a money amount (and the list lead-ins above them) are read. Each
amount is a payment when a payment cue governs it ("pay Mr X £300", "a payment of £300",
"waive the £10 fee", "£300 to compensate ...", or a list item under "it will pay Miss X:") and
nothing cancels it: the complainant's voice before it ("Mr X says this has cost him £4,724"),
a charge next to it ("a £10 fee", "arrears of £500", unless waived or refunded), someone else
paying ("she paid £35"), a negation ("will not refund"), or an offer the decision set aside.

Every mention gets ``span._.remedy_role``: ``payment``, ``total`` (a total whose parts follow
or precede it: the parts are the payments) or ``rate`` (a rate that explains a total).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..extensions import Sentences, doc_text
from ..extensions import sentences as sentence_index
from ..labels import REMEDIES_KEY, REMEDY_PAYMENT
from ..money import Money, find_money
from ..rules import Hit, RuleMatcher
from .base import PatternComponent
from .reach import hit_reach, sections_of

PAYMENT_CUE = "PAYMENT_CUE"  # "pay", "a payment of", "offered": governs the amount after it
WAIVER_CUE = "WAIVER_CUE"  # "refund", "waive", "reduce the balance": a charge after it is paid
AFTER_CUE = "AFTER_CUE"  # "£300 to compensate", "£1,900 payment", "£200 each"
NOT_PAYMENT = "NOT_PAYMENT"  # "fee", "fine", "arrears", "cost him" next to the amount
REPORTED = "REPORTED"  # "complains", "says", "wants" before the amount: not the decision's
PSEUDO = "PSEUDO"  # "we asked the council": cancels the REPORTED/NEGATED/PAYER hits it overlaps
NEGATED = "NEGATED"  # "will not refund", "would pay": voids the cue it overlaps
PAYER = "PAYER"  # "she paid", "had to pay": someone other than the organisation pays
SET_ASIDE = "SET_ASIDE"  # "not enough", "increased remedy": an offer the decision replaced
CONCESSIVE = "CONCESSIVE"  # "although": with NO_FAULT, a payment that remedies nothing
NO_FAULT = "NO_FAULT"
PURPOSES = ("distress", "time_and_trouble", "financial_loss", "loss_of_service", "symbolic")
PURPOSE_LABELS = tuple(f"PURPOSE_{p.upper()}" for p in PURPOSES)
STATUS_LABELS = ("STATUS_AGREED", "STATUS_RECOMMENDED", "STATUS_OFFERED", "STATUS_ALREADY_PAID")
CUE_LABELS = frozenset({PAYMENT_CUE, WAIVER_CUE})
EXCLUDED_SECTIONS = frozenset({"furniture"})
ROLES = ("payment", "total", "rate")

_CUE_REACH = 14  # tokens from a cue to the amount it governs
_CHAIN_GAP = 10  # tokens between two amounts of one list ("£300, the second £100")
_NOT_BEFORE = 8  # tokens before the amount a charge word reaches
_NOT_AFTER = 3  # tokens after it
_AFTER_REACH = 3  # tokens from the amount to an AFTER_CUE
_PURPOSE_REACH = 30  # tokens after the amount read for its purpose
_SET_ASIDE_SENTENCES = 2  # sentences after an offer read for "not enough"

_TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Master)"
_PERSON = rf"(?:{_TITLE} and {_TITLE} [A-Z]|{_TITLE}\.? [A-Z])(?![A-Za-z])"
_GROUP = (
    r"(?:each of the [a-z]+ famil(?:y|ies)|the (?:first|second|third|fourth|fifth)(?: family)?"
    r"|the (?:[a-z]+ )?famil(?:y|ies)|the couple|the estate|the complainants?|the parents)"
)
_PAYEE_RE = re.compile(
    rf"(?P<person>{_PERSON})|(?P<group>{_GROUP})|\b(?P<pronoun>her|him|them|his|their)\b"
)
_AFTER_PAYEE_RE = re.compile(
    rf"^[^.;:£]{{0,30}}?\b(?:to|compensate|paid to) (?P<person>{_PERSON}|{_GROUP})"
)
_NAMED_RE = re.compile("(?=[MD])" + _PERSON)  # the lookahead only makes it faster
_FEMALE = ("Mrs", "Ms", "Miss")
_EACH_RE = re.compile(r"^\s*each\b|\beach of\b|\beach to\b")


@dataclass
class _Mention:
    money: Money
    span: Span
    sentence: int
    hits: list[Hit] = field(default_factory=list)
    payment: bool = False
    cue: Hit | None = None
    role: str = "payment"
    floor: int = 0  # token where this amount's clause opens: the previous amount's end
    chained: bool = False  # continues the list of the amount before it


class RemediesTagger(PatternComponent):
    """Tag ``REMEDY_PAYMENT`` amounts and set ``span._.amount/payee/purpose/status``."""

    pattern_file = "remedies.jsonl"
    pattern_labels = (
        PAYMENT_CUE,
        WAIVER_CUE,
        AFTER_CUE,
        NOT_PAYMENT,
        REPORTED,
        PSEUDO,
        NEGATED,
        PAYER,
        SET_ASIDE,
        CONCESSIVE,
        NO_FAULT,
        *PURPOSE_LABELS,
        *STATUS_LABELS,
    )

    def _compile(self) -> None:
        self._matcher = RuleMatcher(self.nlp, self.patterns)
        self._reach = hit_reach(self.nlp, self.patterns)

    def __call__(self, doc: Doc) -> Doc:
        register_span_values()
        doc.spans[REMEDIES_KEY] = self._payments(doc)
        return doc

    # -- finding the payments -------------------------------------------------------------
    def _payments(self, doc: Doc) -> list[Span]:
        _AMOUNT_STARTS.pop(doc, None)  # read afresh on every run
        text = doc_text(doc)
        amounts = [m for m in find_money(text) if m.amount is not None]
        if not amounts:
            return []
        sents = sentence_index(doc)
        starts, ends = sents.starts, sents.ends
        _, section_starts, section_labels = sections_of(doc)
        mentions: list[_Mention] = []
        for money in amounts:
            where = bisect_right(section_starts, money.start) - 1
            if where >= 0 and section_labels[where] in EXCLUDED_SECTIONS:
                continue
            span = doc.char_span(money.start, money.end, REMEDY_PAYMENT, alignment_mode="expand")
            if span is not None:
                mentions.append(_Mention(money, span, bisect_right(starts, span.start) - 1))
        if not mentions:
            return []
        by_sentence: dict[int, list[_Mention]] = {}
        for m in mentions:
            by_sentence.setdefault(m.sentence, []).append(m)
        where = _Where(doc, text, sents)
        leads = {index: _lead_in(where, index) for index in by_sentence}
        scope = _scope(sents, by_sentence, leads, *self._reach)
        found = self._matcher(doc) if scope is None else self._matcher.in_bounds(doc, *scope)
        hits = _clean(found)
        hit_starts = [h.start for h in hits]

        def sentence_hits(index: int) -> list[Hit]:
            if index < 0 or index >= len(starts):
                return []
            lo = bisect_right(hit_starts, starts[index] - 1)
            hi = bisect_right(hit_starts, ends[index] - 1)
            return hits[lo:hi]

        for index, group in by_sentence.items():
            own = sentence_hits(index)
            lead = leads[index]
            lead_hits = sentence_hits(lead) if lead is not None else []
            self._classify(group, own, lead_hits, starts[index])
        _set_aside(mentions, sentence_hits)
        _rates_and_totals(mentions, by_sentence)
        spans: list[Span] = []
        people = _People(text)
        recent: list[str] = []  # payees so far, for "pay them"
        for index, group in sorted(by_sentence.items()):
            lead = leads[index]
            lead_hits = sentence_hits(lead) if lead is not None else []
            for m in group:
                if m.payment:
                    span = _payment_span(where, m, index, lead, lead_hits, people, recent)
                    spans.append(span)
            _fill_chain_purposes([m for m in group if m.payment])
        return spans

    def _classify(
        self, group: list[_Mention], own: list[Hit], lead: list[Hit], sentence_start: int
    ) -> None:
        lead_reported = any(h.pattern.label == REPORTED for h in lead)
        lead_cue = any(h.pattern.label in CUE_LABELS for h in lead) and not lead_reported
        positive = lead_cue or any(
            h.pattern.label in CUE_LABELS or h.pattern.label in STATUS_LABELS for h in own + lead
        )
        concessive = any(h.pattern.label == CONCESSIVE for h in own) and any(
            h.pattern.label == NO_FAULT for h in own
        )
        previous: _Mention | None = None
        for m in group:
            m.hits = own
            start, end = m.span.start, m.span.end
            floor = previous.span.end if previous is not None else sentence_start
            m.floor = floor
            if lead_reported or concessive or _reported_before(own, start):
                previous = m
                continue
            cue = _cue_before(own, floor, start)
            chained = (
                previous is not None
                and previous.payment
                and start - previous.span.end <= _CHAIN_GAP
            )
            charge = _charge_near(own, floor, start, end)
            waived_before = (
                chained and previous.cue is not None and previous.cue.pattern.label == WAIVER_CUE
            )
            if charge is not None and not (waived_before or _waived(own, floor, charge.start)):
                previous = m
                continue
            if cue is not None:
                m.payment, m.cue = True, cue
            elif chained:
                m.payment, m.cue, m.chained = True, previous.cue, True
            elif (positive and _after_cue(own, end)) or (lead_cue and start - sentence_start <= 2):
                m.payment = True
            previous = m


# -- helpers ------------------------------------------------------------------------------


def _scope(
    sents: Sentences,
    by_sentence: dict[int, list[_Mention]],
    leads: dict[int, int | None],
    phrase: int,
    anchor: int,
) -> tuple[list[int], list[int]] | None:
    """The token bounds (starts, ends) of the sentences to match in: those whose hits are read
    (the amounts' sentences, the two after each, their lead-ins) and enough around them that
    every hit read, and every hit overlapping one (a ``PSEUDO`` cancels what it overlaps), is
    found as in the whole doc.

    A phrase hit spans at most ``phrase`` tokens: sentences are added over ``phrase`` tokens
    before and ``2 * phrase`` after; a token pattern runs in a sentence holding its anchor
    words (at most ``anchor`` tokens each), so the sentences after are covered over ``anchor``
    tokens more. None when that is the whole doc.
    """
    starts, ends = sents.starts, sents.ends
    count = len(starts)
    needed = set(by_sentence)
    needed.update(lead for lead in leads.values() if lead is not None)
    needed.update(i + step for i in by_sentence for step in range(1, _SET_ASIDE_SENTENCES + 1))
    chosen: set[int] = set()
    for index in needed:
        if index >= count:
            continue
        first = max(0, bisect_right(starts, max(0, starts[index] - phrase)) - 1)
        last = bisect_left(starts, ends[index] + 2 * phrase) - 1
        covered = ends[last] + anchor
        while last + 1 < count and ends[last] < covered:
            last += 1
        chosen.update(range(first, last + 1))
    if len(chosen) == count:
        return None
    order = sorted(chosen)
    return [starts[i] for i in order], [ends[i] for i in order]


class _Where:
    """A doc's text and sentences, and its tokens' character offsets."""

    __slots__ = ("doc", "text", "sents")

    def __init__(self, doc: Doc, text: str, sents: Sentences) -> None:
        self.doc, self.text, self.sents = doc, text, sents

    def sentence_text(self, sentence: int) -> str:
        """``sents.text(sentence)``."""
        return self.text[self.sents.start_chars[sentence] : self.sents.end_char(sentence)]

    def start_char(self, token: int) -> int:
        """``doc[token].idx``."""
        return self.doc[token].idx

    def between(self, start: int, end: int) -> str:
        """``doc[start:end].text``, read from the doc's text."""
        if end <= start:
            return ""
        last = self.doc[end - 1]
        return self.text[self.doc[start].idx : last.idx + len(last)]


class _People:
    """The named people of a text ("Mr X") and where they stand, found on first use."""

    __slots__ = ("_text", "_found")

    def __init__(self, text: str) -> None:
        self._text = text
        self._found: list[tuple[int, str]] | None = None

    def __iter__(self) -> Iterator[tuple[int, str]]:
        if self._found is None:
            self._found = _people(self._text)
        return iter(self._found)


def _payment_span(
    where: _Where,
    m: _Mention,
    sentence: int,
    lead: int | None,
    lead_hits: list[Hit],
    people: Iterable[tuple[int, str]],
    recent: list[str],
) -> Span:
    """The mention's span with its plain values set."""
    span = m.span
    span.id_ = m.cue.pattern.id if m.cue is not None else "remedies.context"
    payees = _payees(where, m, sentence, lead, people, recent)
    recent.extend(payees)
    ext = span._  # one accessor for all the values
    ext.amount = m.money.amount
    ext.payees = payees
    ext.payee = " and ".join(payees) if payees else None
    ext.purpose = _purpose(m, where, sentence)
    ext.status = _status(m.hits, span.start) or _status(lead_hits, None)
    ext.remedy_role = m.role
    return span


def _fill_chain_purposes(group: list[_Mention]) -> None:
    """A list of amounts with one purpose at its end ("£300, £100 and £500 for the distress")."""
    for i in range(len(group) - 2, -1, -1):
        m, nxt = group[i], group[i + 1]
        if nxt.chained and m.span._.purpose == "other":
            m.span._.purpose = nxt.span._.purpose


def _clean(hits: list[Hit]) -> list[Hit]:
    """Drop the REPORTED, NEGATED and PAYER hits that a PSEUDO hit overlaps."""
    pseudo = [h for h in hits if h.pattern.label == PSEUDO]
    if not pseudo:
        return hits
    cancel = {REPORTED, NEGATED, PAYER}
    return [
        h
        for h in hits
        if h.pattern.label != PSEUDO
        and not (
            h.pattern.label in cancel and any(p.start < h.end and h.start < p.end for p in pseudo)
        )
    ]


def _reported_before(hits: list[Hit], start: int) -> bool:
    return any(h.pattern.label == REPORTED and h.end <= start for h in hits)


def _cue_before(hits: list[Hit], floor: int, start: int) -> Hit | None:
    """The nearest live cue before the amount, within reach and after ``floor``."""
    void = [h for h in hits if h.pattern.label in (NEGATED, PAYER)]
    for hit in reversed(hits):
        if hit.pattern.label not in CUE_LABELS or hit.end > start or hit.start < floor:
            continue
        if start - hit.end > _CUE_REACH:
            return None
        if any(v.start <= hit.start < v.end or v.start < hit.end <= v.end for v in void):
            return None
        return hit
    return None


def _charge_near(hits: list[Hit], floor: int, start: int, end: int) -> Hit | None:
    for hit in hits:
        if hit.pattern.label != NOT_PAYMENT:
            continue
        before = floor <= hit.start and hit.end <= start and start - hit.end <= _NOT_BEFORE
        after = hit.start >= end and hit.start - end <= _NOT_AFTER
        if before or after:
            return hit
    return None


def _waived(hits: list[Hit], floor: int, charge_start: int) -> bool:
    """A refund or waiver cue before the charge word: "waive the £10 fee"."""
    return any(
        h.pattern.label == WAIVER_CUE and floor <= h.start and h.end <= charge_start + 2
        for h in hits
    )


def _after_cue(hits: list[Hit], end: int) -> bool:
    return any(h.pattern.label == AFTER_CUE and end <= h.start <= end + _AFTER_REACH for h in hits)


def _lead_in(where: _Where, index: int, reach: int = 8) -> int | None:
    """The sentence a list item hangs from ("the Council has agreed to:"), or None."""
    if index <= 0 or not where.sents.is_marker(index - 1):
        return None
    i, seen = index - 1, 0
    while i >= 0 and seen < reach:
        if not where.sents.is_marker(i):
            text = where.sentence_text(i).rstrip()
            if text.endswith(":") or "the following" in text.lower():
                return i
            seen += 1
        i -= 1
    return None


def _set_aside(mentions: list[_Mention], sentence_hits) -> None:
    """Drop offers that the decision found not enough, wherever the offered amount recurs."""
    offered: set[float] = set()
    for m in mentions:
        if not m.payment or _status(m.hits, m.span.start) != "offered":
            continue
        later = [h for i in range(_SET_ASIDE_SENTENCES + 1) for h in sentence_hits(m.sentence + i)]
        if any(h.pattern.label == SET_ASIDE and h.start >= m.span.end for h in later):
            offered.add(m.money.amount)
    for m in mentions:
        if m.money.amount in offered and _status(m.hits, m.span.start) == "offered":
            m.payment = False


def _rates_and_totals(mentions: list[_Mention], by_sentence: dict[int, list[_Mention]]) -> None:
    """Mark the rates that explain a total and the totals whose parts are listed."""
    order = sorted(by_sentence)
    for pos, index in enumerate(order):
        group = by_sentence[index]
        near = [m for i in order[max(0, pos - 1) : pos + 2] for m in by_sentence[i]]
        totals = [m for m in near if m.payment and m.money.per is None]
        for m in group:
            if m.money.per is None:
                continue
            explains = [
                t
                for t in totals
                if t.money.amount > m.money.amount
                and _multiple(t.money.amount, m.money.amount)
                and abs(t.sentence - m.sentence) <= 1
            ]
            if explains:
                m.payment, m.role = True, "rate"
    payments = [m for m in mentions if m.payment and m.role == "payment"]
    for i, m in enumerate(payments):
        if _sums_to(payments[i + 1 : i + 6], m) or _sums_to(
            list(reversed(payments[max(0, i - 5) : i])), m
        ):
            m.role = "total"


def _multiple(total: float, rate: float) -> bool:
    ratio = round(total / rate, 6)
    return ratio == int(ratio)


def _sums_to(run: list[_Mention], total: _Mention) -> bool:
    """Two or more consecutive payments near ``total`` that add up to it exactly."""
    acc = 0.0
    for n, m in enumerate(run, start=1):
        if abs(m.sentence - total.sentence) > 4:
            return False
        acc = round(acc + m.money.amount, 2)
        if n >= 2 and acc == total.money.amount:
            return True
        if acc > total.money.amount:
            return False
    return False


def _people(text: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group()) for m in _NAMED_RE.finditer(text)]


def _resolve(
    pronoun: str, at: int, people: Iterable[tuple[int, str]], recent: list[str]
) -> str | None:
    """The person a pronoun most likely names: the last one before it of the right kind."""
    before = [name for start, name in people if start < at]
    pronoun = {"his": "him", "their": "them"}.get(pronoun, pronoun)
    if pronoun == "them":
        plural = [p for p in recent if " and " in p or "famil" in p or "couple" in p]
        groups = [n for n in before if " and " in n]
        return (plural or groups or [None])[-1]
    want = _FEMALE if pronoun == "her" else ("Mr",)
    fitting = [n for n in before if n.split()[0].rstrip(".") in want and " and " not in n]
    return fitting[-1] if fitting else None


def _payees(
    where: _Where,
    m: _Mention,
    sentence: int,
    lead: int | None,
    people: Iterable[tuple[int, str]],
    recent: list[str],
) -> list[str]:
    """The payees as written, pronouns resolved; several when the amount is "each"."""
    text, sents = where.text, where.sents
    sentence_start, sentence_end = sents.start_chars[sentence], where.sents.end_char(sentence)
    span = m.span
    cue_end = m.cue.end if m.cue is not None and m.cue.end <= span.start else span.start
    gap_start = where.start_char(max(cue_end, m.floor)) if span.start > 0 else span.start_char
    gap = text[min(gap_start, span.start_char) : span.start_char]
    found = _found_payees(gap, gap_start, people, recent)
    tail = text[span.end_char : sentence_end]
    each = _EACH_RE.match(tail)
    if not found and each:
        clause = re.split(r"[;:]| for | to (?!Mr|Mrs|Ms|Miss|Mx|Dr)", tail[each.end() :])[0]
        found = _found_payees(clause, span.end_char + each.end(), people, recent)
    if not found:
        after = _AFTER_PAYEE_RE.match(tail)
        if after:
            found = [after.group("person")]
    waiver = m.cue is not None and m.cue.pattern.label == WAIVER_CUE
    if not found and lead is not None:
        found = _found_payees(where.sentence_text(lead), sents.start_chars[lead], people, recent)
    if not found and not waiver:
        named = _NAMED_RE.findall(text, sentence_start, span.start_char)
        later = _NAMED_RE.findall(text, span.end_char, sentence_end)
        found = named[-1:] or later[:1]
    found = [p for p in found if p]
    if len(found) > 1 and not _EACH_RE.search(tail[:12] + gap):
        found = [" and ".join(found)]
    return found


def _found_payees(
    gap: str, offset: int, people: Iterable[tuple[int, str]], recent: list[str]
) -> list[str]:
    out: list[str] = []
    for match in _PAYEE_RE.finditer(gap):
        if match.group("pronoun"):
            name = _resolve(match.group("pronoun"), offset + match.start(), people, recent + out)
            if name:
                out.append(name)
        else:
            out.append(match.group("person") or match.group("group"))
    return out


def _purpose(m: _Mention, where: _Where, sentence: int) -> str:
    """The purpose named after the amount (up to the next amount), else before it."""
    hits = [h for h in m.hits if h.pattern.label in PURPOSE_LABELS]
    sents = where.sents
    amounts = sorted(_amount_starts(where, sentence))
    nxt = next((a for a in amounts if a > m.span.start), sents.ends[sentence])
    prev = max((a for a in amounts if a < m.span.start), default=sents.starts[sentence])
    after = [
        h
        for h in hits
        if m.span.end <= h.start < min(nxt, m.span.end + _PURPOSE_REACH)
        and _same_clause(where.between(m.span.end, h.start))
    ]
    before = [h for h in hits if prev <= h.start and h.end <= m.span.start]
    for window in (after, list(reversed(before))):
        specific = [h for h in window if h.pattern.label != "PURPOSE_SYMBOLIC"]
        if specific:
            return specific[0].pattern.label.removeprefix("PURPOSE_").lower()
        if window:
            return "symbolic"
    return "other"


_CLAUSE_BREAK_RE = re.compile(r";|,(?! (?:to|for|in|as|and to|and for)\b)")


def _same_clause(between: str) -> bool:
    """No clause break between an amount and a purpose ("£1,900 payment, removal of ...")."""
    return not _CLAUSE_BREAK_RE.search(between)


# The amounts' token starts per sentence, kept during one run of the component on a doc.
_AMOUNT_STARTS: WeakKeyDictionary[Doc, dict[tuple[int, int], list[int]]] = WeakKeyDictionary()


def _amount_starts(where: _Where, sentence: int) -> list[int]:
    """Token offsets where the money amounts of a sentence start (read once per sentence)."""
    doc, sents = where.doc, where.sents
    known = _AMOUNT_STARTS.setdefault(doc, {})
    key = (sents.starts[sentence], sents.ends[sentence])
    if key not in known:
        known[key] = _find_amount_starts(where, sentence)
    return known[key]


def _find_amount_starts(where: _Where, sentence: int) -> list[int]:
    doc = where.doc
    first = where.sents.start_chars[sentence]
    starts = []
    for money in find_money(where.text[first : where.sents.end_char(sentence)]):
        span = doc.char_span(first + money.start, first + money.end, alignment_mode="expand")
        if span is not None:
            starts.append(span.start)
    return starts


def _status(hits: list[Hit], before: int | None) -> str | None:
    """The nearest status cue before the amount (else the first); agreeing to a recommendation
    is agreed."""
    chosen = [h for h in hits if h.pattern.label in STATUS_LABELS]
    if before is not None:
        earlier = [h for h in chosen if h.end <= before]
        chosen = earlier[::-1] or chosen
    if not chosen:
        return None
    status = chosen[0].pattern.label.removeprefix("STATUS_").lower()
    if status == "recommended" and any(h.pattern.label == "STATUS_AGREED" for h in chosen):
        return "agreed"
    return status


def register_span_values() -> None:
    """The span values this component sets beyond the shared ones (plain, msgpack-native)."""
    for name in ("payees", "remedy_role"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)


@Language.factory(
    "ombudsman_remedies",
    assigns=[
        "doc.spans",
        "span._.amount",
        "span._.payee",
        "span._.payees",
        "span._.purpose",
        "span._.status",
        "span._.remedy_role",
    ],
    requires=["token.is_sent_start"],
    default_config={"use_default_patterns": True},
)
def make_remedies(nlp: Language, name: str, use_default_patterns: bool) -> RemediesTagger:
    """Factory of the payment tagger."""
    register_span_values()
    return RemediesTagger(nlp, name, use_default_patterns)
