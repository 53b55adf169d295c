"""The decision-level outcome: ``doc._.overall`` from the printed outcome and the findings."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .. import extensions
from ..labels import FAULT, FINDINGS_KEY, INJUSTICE, INJUSTICE_KEY, NO_FAULT, NO_INJUSTICE, REMEDIES_KEY

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


def overall_of(doc: Doc) -> dict[str, str | None]:
    """overall.fault and overall.injustice of a processed doc."""
    metadata = doc._.metadata or {}
    findings = list(doc.spans[FINDINGS_KEY]) if FINDINGS_KEY in doc.spans else []
    injustice = list(doc.spans[INJUSTICE_KEY]) if INJUSTICE_KEY in doc.spans else []
    fault = outcome_fault(metadata.get("outcome"))
    if fault is None:
        concluding = [s for s in findings if s._.section in CONCLUSION_SECTIONS] or findings
        found = {s.label_ for s in concluding}
        fault = "fault" if FAULT in found else "no_fault" if NO_FAULT in found else None
    labels = {s.label_ for s in injustice}
    paid = REMEDIES_KEY in doc.spans and len(doc.spans[REMEDIES_KEY]) > 0
    if INJUSTICE in labels or paid:
        harm = "injustice"
    elif NO_INJUSTICE in labels:
        harm = "no_injustice"
    else:
        harm = None
    return {"fault": fault, "injustice": harm}


class DecisionAssembler:
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
