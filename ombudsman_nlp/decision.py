"""Build the pydantic ``Decision`` from a processed doc."""

from __future__ import annotations

from spacy.tokens import Doc, Span

from .labels import ACTIONS_KEY, REMEDIES_KEY, SPAN_GROUP_KEYS
from .schema import Action, Decision, Metadata, Overall, Payment, SpanRecord


def span_record(span: Span) -> SpanRecord:
    return SpanRecord(
        start=span.start_char,
        end=span.end_char,
        label=span.label_,
        text=span.text,
        id=span.id_ or None,
        section=span._.section,
    )


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
        sentence = span.sent.start if span.doc.has_annotation("SENT_START") else 0
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
    return [
        Action(
            kind=s.label_, text=s.text, start=s.start_char, end=s.end_char, deadline=s._.deadline
        )
        for s in spans
    ]


def build_decision(doc: Doc, doc_id: str | None = None) -> Decision:
    """The ``Decision`` of a doc processed by the pipeline."""
    spans = [span_record(s) for key in SPAN_GROUP_KEYS if key in doc.spans for s in doc.spans[key]]
    spans.sort(key=lambda s: (s.start, s.end, s.label))
    remedies = payments(list(doc.spans[REMEDIES_KEY])) if REMEDIES_KEY in doc.spans else []
    return Decision(
        id=doc_id or doc._.doc_id,
        text=doc.text,
        metadata=Metadata(**(doc._.metadata or {})),
        spans=spans,
        remedies=remedies,
        overall=Overall(**(doc._.overall or {})),
        actions=actions(list(doc.spans[ACTIONS_KEY])) if ACTIONS_KEY in doc.spans else [],
        total_paid=round(sum(p.amount for p in remedies), 2),
    )
