"""Build the pydantic ``Decision`` from a processed doc."""

from __future__ import annotations

from bisect import bisect_right

from spacy.tokens import Doc, Span

from .extensions import doc_text, section_rows
from .extensions import sentences as sentence_index
from .labels import ACTIONS_KEY, REMEDIES_KEY, SPAN_GROUP_KEYS
from .schema import Action, Decision, Metadata, Overall, Payment, SpanRecord


def span_record(span: Span, sections: SectionIndex | None = None) -> SpanRecord:
    """The record of a span; ``sections`` (one per doc) saves looking the sections up again."""
    start, end = span.start_char, span.end_char
    return SpanRecord(
        start=start,
        end=end,
        label=span.label_,
        text=doc_text(span.doc)[start:end],  # Span.text would rebuild it from the tokens
        id=span.id_ or None,
        section=sections(start) if sections is not None else span._.section,
    )


class SectionIndex:
    """The section label at a character offset of one doc (what ``span._.section`` gives)."""

    def __init__(self, doc: Doc) -> None:
        self._sections = [(r.start_char, r.end_char, r.label) for r in section_rows(doc)]
        self._starts = [start for start, _, _ in self._sections]

    def __call__(self, char: int) -> str | None:
        index = bisect_right(self._starts, char) - 1
        if index < 0 or char >= self._sections[index][1]:
            return None
        return self._sections[index][2]


def payments(spans: list[Span]) -> list[Payment]:
    """One entry per distinct payment, from the ``REMEDY_PAYMENT`` mentions.

    Totals whose parts are listed and rates that explain a total are mentions, not payments.
    One amount to several payees ("£200 each to Mrs X and Mrs Y") is one payment per payee.
    Mentions in different sentences of one amount to compatible payees with compatible
    purposes (the Summary and the Agreed action) are one payment; two mentions of an amount
    in one sentence ("an additional £500, to the £500 it has already offered") are two.
    """
    merged: list[Payment] = []
    sentences: list[set[int]] = []
    for span in spans:
        amount = span._.amount
        if amount is None or span._.remedy_role in ("total", "rate"):
            continue
        # The start of the span's sentence (``span.sent.start``, without walking the tokens).
        index = sentence_index(span.doc)
        sentence = index.starts[index.index(span.start)]
        payees = list(span._.payees or []) or [span._.payee]
        for payee in payees:
            same = next(
                (
                    (p, seen)
                    for p, seen in zip(merged, sentences, strict=True)
                    if p.amount == amount
                    and sentence not in seen
                    and _compatible(p.payee, payee)
                    and _compatible(_specific(p.purpose), _specific(span._.purpose))
                ),
                None,
            )
            mention = (span.start_char, span.end_char)
            if same is None:
                merged.append(
                    Payment(
                        amount=amount,
                        payee=payee,
                        purpose=span._.purpose or "other",
                        status=span._.status,
                        mentions=[mention],
                    )
                )
                sentences.append({sentence})
                continue
            payment, seen = same
            payment.mentions.append(mention)
            seen.add(sentence)
            payment.payee = payment.payee or payee
            if _specific(payment.purpose) is None and span._.purpose:
                payment.purpose = span._.purpose
            payment.status = payment.status or span._.status
    return merged


def _specific(purpose: str | None) -> str | None:
    return None if purpose in (None, "other", "symbolic") else purpose


def _compatible(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


def actions(spans: list[Span]) -> list[Action]:
    """The non-payment actions, each with its sentence (without trailing white space)."""
    actions = []
    for s in spans:
        text = doc_text(s.doc)  # Span.text would rebuild it from the tokens
        start, end = s.start_char, s.end_char
        while end > start and text[end - 1].isspace():
            end -= 1
        actions.append(
            Action(kind=s.label_, text=text[start:end], start=start, end=end, deadline=s._.deadline)
        )
    return actions


def without_overlaps(spans: list[SpanRecord]) -> list[SpanRecord]:
    """The spans, minus empty ones and any that overlaps an earlier (or longer) span of the
    same label: the gold format allows neither, whatever the components produce."""
    kept: list[SpanRecord] = []
    ends: dict[str, int] = {}
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.label)):
        if span.end > span.start and span.start >= ends.get(span.label, 0):
            kept.append(span)
            ends[span.label] = span.end
    kept.sort(key=lambda s: (s.start, s.end, s.label))
    return kept


def build_decision(doc: Doc, doc_id: str | None = None) -> Decision:
    """The ``Decision`` of a doc processed by the pipeline."""
    sections = SectionIndex(doc)
    groups = [doc.spans[key] for key in SPAN_GROUP_KEYS if key in doc.spans]
    spans = [span_record(s, sections) for group in groups for s in group]
    spans = without_overlaps(spans)
    remedies = payments(list(doc.spans[REMEDIES_KEY])) if REMEDIES_KEY in doc.spans else []
    return Decision(
        id=doc_id or doc._.doc_id,
        text=doc_text(doc),
        metadata=Metadata(**(doc._.metadata or {})),
        spans=spans,
        remedies=remedies,
        overall=Overall(**(doc._.overall or {})),
        actions=actions(list(doc.spans[ACTIONS_KEY])) if ACTIONS_KEY in doc.spans else [],
        total_paid=round(sum(p.amount for p in remedies), 2),
    )
