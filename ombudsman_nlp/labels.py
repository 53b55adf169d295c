"""Label names, span-group keys and display colours shared by every component."""

from __future__ import annotations

COMPLAINT_HEAD = "COMPLAINT_HEAD"
FAULT = "FAULT"
NO_FAULT = "NO_FAULT"
INJUSTICE = "INJUSTICE"
NO_INJUSTICE = "NO_INJUSTICE"
CLAIMED_INJUSTICE = "CLAIMED_INJUSTICE"
REMEDY_PAYMENT = "REMEDY_PAYMENT"

SPAN_LABELS: tuple[str, ...] = (
    COMPLAINT_HEAD,
    FAULT,
    NO_FAULT,
    INJUSTICE,
    NO_INJUSTICE,
    CLAIMED_INJUSTICE,
    REMEDY_PAYMENT,
)
FINDING_LABELS: tuple[str, ...] = (FAULT, NO_FAULT)
INJUSTICE_LABELS: tuple[str, ...] = (INJUSTICE, NO_INJUSTICE, CLAIMED_INJUSTICE)

PURPOSES: tuple[str, ...] = (
    "distress",
    "time_and_trouble",
    "financial_loss",
    "loss_of_service",
    "symbolic",
    "other",
)
ACTION_KINDS: tuple[str, ...] = (
    "apology",
    "service_improvement",
    "reconsider",
    "provide_service",
    "other",
)
PAYMENT_STATUSES: tuple[str, ...] = ("agreed", "recommended", "offered", "already_paid")

# Span-group keys written by the components.
HEADS_KEY = "complaint_heads"
FINDINGS_KEY = "findings"
INJUSTICE_KEY = "injustice"
REMEDIES_KEY = "remedies"
ACTIONS_KEY = "actions"
SECTIONS_KEY = "sections"
SPAN_GROUP_KEYS: tuple[str, ...] = (HEADS_KEY, FINDINGS_KEY, INJUSTICE_KEY, REMEDIES_KEY)

DISPLACY_COLORS: dict[str, str] = {
    COMPLAINT_HEAD: "#9ecae1",
    FAULT: "#fb6a4a",
    NO_FAULT: "#74c476",
    INJUSTICE: "#fd8d3c",
    NO_INJUSTICE: "#c7e9c0",
    CLAIMED_INJUSTICE: "#fdd0a2",
    REMEDY_PAYMENT: "#ffd92f",
    "ACTION": "#bcbddc",
}
