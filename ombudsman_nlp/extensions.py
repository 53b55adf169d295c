"""Doc and Span extensions. Values are plain (msgpack-native); rich views are getters."""

from __future__ import annotations

from bisect import bisect_right
from weakref import WeakKeyDictionary

from spacy.tokens import Doc, Span

from . import labels

# Texts of live docs, by doc: a weak mapping, so nothing outlives its doc or is serialised.
_TEXTS: WeakKeyDictionary[Doc, str] = WeakKeyDictionary()


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed at most once per doc.

    ``Doc.text`` joins the text of every token on each access (about a third of the
    tokenizer's time on a decision); the components read it several times per document.
    """
    text = _TEXTS.get(doc)
    if text is None:
        text = _TEXTS[doc] = doc.text
    return text


def remember_text(doc: Doc, text: str) -> None:
    """Record the text a doc was made from (spaCy's tokenizer keeps it exactly)."""
    _TEXTS[doc] = text


def _group(doc: Doc, key: str) -> list[Span]:
    return list(doc.spans[key]) if key in doc.spans else []


def get_complaint_heads(doc: Doc) -> list[Span]:
    return _group(doc, labels.HEADS_KEY)


def get_findings(doc: Doc) -> list[Span]:
    return _group(doc, labels.FINDINGS_KEY)


def get_injustices(doc: Doc) -> list[Span]:
    return _group(doc, labels.INJUSTICE_KEY)


def get_remedies(doc: Doc) -> list[Span]:
    return _group(doc, labels.REMEDIES_KEY)


def get_actions(doc: Doc) -> list[Span]:
    return _group(doc, labels.ACTIONS_KEY)


def get_sections(doc: Doc) -> list[Span]:
    return _group(doc, labels.SECTIONS_KEY)


def get_decision(doc: Doc):
    """The pydantic ``Decision`` of a processed doc, built on demand."""
    from .decision import build_decision

    return build_decision(doc)


def get_span_section(span: Span) -> str | None:
    """Label of the section that holds the span's first token."""
    return section_at(span.doc, span.start_char)


def section_at(doc: Doc, char: int) -> str | None:
    """Label of the section holding character offset ``char``, or None."""
    sections = doc.spans.get(labels.SECTIONS_KEY, ())
    if not sections:
        return None
    starts = [s.start_char for s in sections]
    index = bisect_right(starts, char) - 1
    if index < 0 or char >= sections[index].end_char:
        return None
    return sections[index].label_


_DOC_GETTERS = {
    "complaint_heads": get_complaint_heads,
    "findings": get_findings,
    "injustices": get_injustices,
    "remedies": get_remedies,
    "actions": get_actions,
    "sections": get_sections,
    "decision": get_decision,
}
_DOC_VALUES = ("metadata", "overall", "doc_id")
_SPAN_VALUES = ("amount", "payee", "purpose", "status", "deadline")


def register() -> None:
    """Register the extensions (idempotent)."""
    for name, getter in _DOC_GETTERS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, getter=getter)
    for name in _DOC_VALUES:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    for name in _SPAN_VALUES:
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    if not Span.has_extension("section"):
        Span.set_extension("section", getter=get_span_section)
