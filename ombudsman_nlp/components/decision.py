"""The decision-level outcome: ``doc._.overall`` from the printed outcome and the findings."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from .. import extensions
from ..labels import (
    FAULT,
    FINDINGS_KEY,
    INJUSTICE,
    INJUSTICE_KEY,
    NO_FAULT,
    NO_INJUSTICE,
    REMEDIES_KEY,
)
from .base import BatchedPipe
from .findings import OUTCOME_CUES_KEY, REMEDY_PURPOSES_KEY

# Printed outcomes, lower case, and what they mean for overall.fault.
OUTCOME_FAULT: dict[str, str] = {
    "upheld": "fault",
    "not upheld": "no_fault",
    "closed after initial enquiries": "not_investigated",
    "maladministration causing injustice": "fault",
    "maladministration and injustice": "fault",
    "maladministration, injustice": "fault",
    "local settlement": "fault",
    "no maladministration": "no_fault",
    "not investigated": "not_investigated",
}
CONCLUSION_SECTIONS = ("summary", "decision", "header")


def outcome_fault(outcome: str | None) -> str | None:
    """overall.fault implied by a printed outcome, or None when it implies nothing."""
    if not outcome:
        return None
    key = outcome.strip().lower()
    if key in OUTCOME_FAULT:
        return OUTCOME_FAULT[key]
    if key.startswith("upheld"):
        return "fault"
    if key.startswith("not upheld") or key.startswith("no maladministration"):
        return "no_fault"
    if key.startswith("closed") or "not investigated" in key:
        return "not_investigated"
    return None


def _group(doc: Doc, key: str) -> list[Span]:
    return list(doc.spans[key]) if key in doc.spans else []


def _any(doc: Doc, key: str) -> bool:
    """Whether the span group ``key`` holds a span (without making its ``Span`` objects)."""
    return key in doc.spans and len(doc.spans[key]) > 0


def overall_fault(doc: Doc) -> str | None:
    """overall.fault: the printed outcome, else the concluding findings and outcome cues.

    Without a printed outcome, a fault finding in the summary or final decision ("We upheld
    Mr X's complaint") wins, then a decision not to investigate, then a no-fault finding.
    """
    metadata = doc._.metadata or {}
    fault = outcome_fault(metadata.get("outcome"))
    if fault is not None:
        return fault
    findings = _group(doc, FINDINGS_KEY)
    concluding = [s for s in findings if s._.section in CONCLUSION_SECTIONS] or findings
    found = {s.label_ for s in concluding}
    if FAULT in found:
        return "fault"
    if _any(doc, OUTCOME_CUES_KEY):
        return "not_investigated"
    if NO_FAULT in found:
        return "no_fault"
    return None


def overall_injustice(doc: Doc, fault: str | None) -> str | None:
    """overall.injustice from the injustice findings, remedy purposes and payments.

    Where fault was found, injustice is the default unless only "no injustice" is found;
    where it was not, "no injustice" findings come first.
    """
    labels = {s.label_ for s in _group(doc, INJUSTICE_KEY)}
    positive = INJUSTICE in labels or _any(doc, REMEDY_PURPOSES_KEY) or _any(doc, REMEDIES_KEY)
    negative = NO_INJUSTICE in labels
    if fault == "fault":
        return "no_injustice" if negative and not positive else "injustice"
    if negative:
        return "no_injustice"
    return "injustice" if positive else None


def overall_of(doc: Doc) -> dict[str, str | None]:
    """overall.fault and overall.injustice of a processed doc."""
    fault = overall_fault(doc)
    return {"fault": fault, "injustice": overall_injustice(doc, fault)}


class DecisionAssembler(BatchedPipe):
    """Set ``doc._.overall``; ``doc._.decision`` then builds the pydantic ``Decision``."""

    def __init__(self, nlp: Language, name: str) -> None:
        extensions.register()
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc._.overall = overall_of(doc)
        return doc


@Language.factory("ombudsman_decision", assigns=["doc._.overall"], default_config={})
def make_decision(nlp: Language, name: str) -> DecisionAssembler:
    """Factory of the decision-level assembler."""
    return DecisionAssembler(nlp, name)
