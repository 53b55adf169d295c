"""Payments: every money amount that remedies the complaint, with payee, purpose and status."""

from __future__ import annotations

import re
from bisect import bisect_right

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..extensions import doc_text
from ..labels import REMEDIES_KEY, REMEDY_PAYMENT, SECTIONS_KEY
from ..money import Money, find_money
from ..rules import Hit, RuleMatcher
from .base import PatternComponent

PAYMENT_CUE = "PAYMENT_CUE"  # "pay", "refund", "waive", "a payment of"
NOT_PAYMENT = "NOT_PAYMENT"  # "fee", "fine", "says this has cost him", "wants"
PURPOSE_LABELS = tuple(
    f"PURPOSE_{p.upper()}"
    for p in ("distress", "time_and_trouble", "financial_loss", "loss_of_service", "symbolic")
)
STATUS_LABELS = ("STATUS_AGREED", "STATUS_RECOMMENDED", "STATUS_OFFERED", "STATUS_ALREADY_PAID")
EXCLUDED_SECTIONS = frozenset({"header", "furniture", "role_and_powers", "how_considered"})
_PAYEE = re.compile(
    r"\b(?:pay|paying|pays|paid|refund|refunding|reimburse|reimbursing|to|offered)\s+"
    r"(?P<payee>(?:Mr|Mrs|Ms|Miss|Dr|Mx)\.? [A-Z](?: and (?:Mr|Mrs|Ms|Miss|Dr|Mx)\.? [A-Z])?"
    r"|the (?:couple|family|families|estate)|each of the [a-z]+ families|the [a-z]+ family)\b"
)
_PRONOUN = re.compile(r"\b(?:pay|paying|pays|paid|refund|reimburse|offered)\s+(?P<pronoun>her|him|them)\b")
_NAMED = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Mx)\.? [A-Z]\b")
_WINDOW = 160


class RemediesTagger(PatternComponent):
    """Tag ``REMEDY_PAYMENT`` amounts and set ``span._.amount/payee/purpose/status``."""

    pattern_file = "remedies.jsonl"
    pattern_labels = (PAYMENT_CUE, NOT_PAYMENT, *PURPOSE_LABELS, *STATUS_LABELS)

    def _compile(self) -> None:
        self._matcher = RuleMatcher(self.nlp, self.patterns)

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[REMEDIES_KEY] = self._payments(doc)
        return doc

    def _payments(self, doc: Doc) -> list[Span]:
        amounts = find_money(doc_text(doc))
        if not amounts:
            return []
        sentences = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
        sections = list(doc.spans[SECTIONS_KEY]) if SECTIONS_KEY in doc.spans else []
        section_starts = [s.start_char for s in sections]
        sentence_starts = [s.start_char for s in sentences]
        chosen: dict[int, Span] = {}
        for money in amounts:
            position = bisect_right(section_starts, money.start) - 1
            if position >= 0 and sections[position].label_ in EXCLUDED_SECTIONS:
                continue
            index = bisect_right(sentence_starts, money.start) - 1
            chosen.setdefault(index, sentences[max(index, 0)])
        hits = self._matcher(doc, [chosen[i] for i in sorted(chosen)]) if chosen else []
        spans: list[Span] = []
        for money in amounts:
            index = bisect_right(sentence_starts, money.start) - 1
            if index not in chosen:
                continue
            sentence = chosen[index]
            local = [h for h in hits if sentence.start <= h.start < sentence.end]
            span = self._payment(doc, sentence, money, local)
            if span is not None:
                spans.append(span)
        return spans

    def _payment(self, doc: Doc, sentence: Span, money: Money, hits: list[Hit]) -> Span | None:
        if money.amount is None:
            return None
        span = doc.char_span(money.start, money.end, label=REMEDY_PAYMENT, alignment_mode="expand")
        if span is None:
            return None
        before = [h for h in hits if h.end <= span.start]
        after = [h for h in hits if h.start >= span.end]
        near = [h for h in hits if abs(h.start - span.start) <= 12 or abs(h.end - span.end) <= 12]
        if any(h.pattern.label == NOT_PAYMENT for h in near):
            return None
        cues = [h for h in before if h.pattern.label == PAYMENT_CUE]
        if not cues:
            return None
        span.id_ = cues[-1].pattern.id
        span._.amount = money.amount
        span._.payee = self._payee(doc_text(doc), sentence.start_char, money.start)
        span._.purpose = self._purpose(after + before)
        span._.status = self._status(hits)
        return span

    @staticmethod
    def _payee(text: str, sentence_start: int, amount_start: int) -> str | None:
        window = text[max(sentence_start, amount_start - _WINDOW) : amount_start]
        named = list(_PAYEE.finditer(window))
        if named:
            return named[-1]["payee"]
        if _PRONOUN.search(window):
            people = _NAMED.findall(text[max(0, amount_start - 2000) : amount_start])
            return people[-1] if people else None
        return None

    @staticmethod
    def _purpose(hits: list[Hit]) -> str:
        for hit in hits:
            if hit.pattern.label in PURPOSE_LABELS:
                return hit.pattern.label.removeprefix("PURPOSE_").lower()
        return "other"

    @staticmethod
    def _status(hits: list[Hit]) -> str | None:
        for hit in hits:
            if hit.pattern.label in STATUS_LABELS:
                return hit.pattern.label.removeprefix("STATUS_").lower()
        return None


@Language.factory(
    "ombudsman_remedies",
    assigns=["doc.spans", "span._.amount", "span._.payee", "span._.purpose"],
    requires=["token.is_sent_start"],
    default_config={"use_default_patterns": True},
)
def make_remedies(nlp: Language, name: str, use_default_patterns: bool) -> RemediesTagger:
    """Factory of the payment tagger."""
    return RemediesTagger(nlp, name, use_default_patterns)
