"""Pydantic models of a decision record: the gold format of the labelled data, plus extras."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SpanLabel = Literal[
    "COMPLAINT_HEAD",
    "FAULT",
    "NO_FAULT",
    "INJUSTICE",
    "NO_INJUSTICE",
    "CLAIMED_INJUSTICE",
    "REMEDY_PAYMENT",
]
Purpose = Literal[
    "distress", "time_and_trouble", "financial_loss", "loss_of_service", "symbolic", "other"
]
ActionKind = Literal["apology", "service_improvement", "reconsider", "provide_service", "other"]
FaultOutcome = Literal["fault", "no_fault", "not_investigated"]
InjusticeOutcome = Literal["injustice", "no_injustice"]
PaymentStatus = Literal["agreed", "recommended", "offered", "already_paid"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="allow")


class Metadata(_Record):
    """The header of a decision; `None` where the text does not state a field."""

    organisation: str | None = None
    reference: str | None = None
    category: str | None = None
    outcome: str | None = None
    decision_date: str | None = None  # ISO YYYY-MM-DD


class SpanRecord(_Record):
    """One tagged mention: character offsets into the decision text, end exclusive."""

    start: int
    end: int
    label: SpanLabel
    text: str
    id: str | None = None  # the pattern that fired
    section: str | None = None


class Payment(_Record):
    """One distinct payment the organisation agreed, was recommended, offered or already paid."""

    amount: float
    payee: str | None = None
    purpose: Purpose = "other"
    status: PaymentStatus | None = None
    mentions: list[tuple[int, int]] = Field(default_factory=list)


class Overall(_Record):
    fault: FaultOutcome | None = None
    injustice: InjusticeOutcome | None = None


class Action(_Record):
    """A non-payment remedy (apology, service improvement, ...) with its text and deadline."""

    kind: ActionKind
    text: str = ""
    start: int | None = None
    end: int | None = None
    deadline: str | None = None


class Decision(_Record):
    """A decision statement as structured data. `model_dump(mode="json")` is a gold record."""

    id: str | None = None
    text: str
    metadata: Metadata = Field(default_factory=Metadata)
    spans: list[SpanRecord] = Field(default_factory=list)
    remedies: list[Payment] = Field(default_factory=list)
    overall: Overall = Field(default_factory=Overall)
    actions: list[Action] = Field(default_factory=list)
    total_paid: float = 0.0

    @field_validator("actions", mode="before")
    @classmethod
    def _kinds_as_actions(cls, value: object) -> object:
        """Gold records list action kinds as plain strings: read them as actions."""
        if isinstance(value, list):
            return [{"kind": v} if isinstance(v, str) else v for v in value]
        return value

    def to_record(self) -> dict:
        """The JSON-ready record (gold shape, with the library's extra keys)."""
        return self.model_dump(mode="json")
