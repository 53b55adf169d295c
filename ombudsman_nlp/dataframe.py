"""Decisions as pandas DataFrames: one row per decision, or one row per span.

pandas is an optional extra (``pip install 'ombudsman_nlp[notebook]'``), imported only when
``to_dataframe`` is called.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from spacy.tokens import Doc

from . import labels
from .decision import build_decision
from .money import parse_amount
from .schema import Decision, Payment

if TYPE_CHECKING:
    import pandas

__all__ = ["DECISION_COLUMNS", "SPAN_COLUMNS", "as_decision", "to_dataframe"]

_META = ("organisation", "reference", "category", "outcome", "decision_date")
DECISION_COLUMNS: tuple[str, ...] = (
    "id",
    *_META,
    *labels.SPAN_LABELS,
    "fault",
    "injustice",
    "n_payments",
    "total_paid",
    "n_actions",
    "action_kinds",
)
SPAN_COLUMNS: tuple[str, ...] = (
    "id",
    "label",
    "start",
    "end",
    "text",
    "section",
    "pattern_id",
    "amount",
    "payee",
    "purpose",
    "status",
)


def as_decision(obj: Any) -> Decision:
    """A ``Decision`` from a processed ``Doc``, a ``Decision`` or a record dict.

    Record dicts may be gold records (``actions`` as a list of kinds, no ``total_paid``) or
    records that ``ombudsman-nlp extract`` wrote; an error record raises ``ValueError``.
    """
    if isinstance(obj, Decision):
        return obj
    if isinstance(obj, Doc):
        return build_decision(obj)
    if isinstance(obj, Mapping):
        if "error" in obj and "text" not in obj:
            raise ValueError(f"{obj.get('id')}: error record: {obj['error']}")
        record = dict(obj)
        record["actions"] = [
            {"kind": a} if isinstance(a, str) else a for a in record.get("actions") or []
        ]
        for key in ("metadata", "overall"):
            if record.get(key) is None:
                record.pop(key, None)
        decision = Decision.model_validate(record)
        if "total_paid" not in obj:
            decision.total_paid = round(sum(p.amount for p in decision.remedies), 2)
        return decision
    raise TypeError(f"expected a Doc, a Decision or a record dict, not {type(obj).__name__}")


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "to_dataframe needs pandas: pip install 'ombudsman_nlp[notebook]' (or pandas)"
        ) from err
    return pandas


def _items(obj: Any) -> list[Any]:
    if isinstance(obj, (Doc, Decision, Mapping)):
        return [obj]
    if isinstance(obj, (str, bytes)):
        raise TypeError("to_dataframe takes Docs, Decisions or record dicts, not a string")
    return list(obj)


def to_dataframe(docs_or_decisions: Any, kind: str = "decisions") -> pandas.DataFrame:
    """A DataFrame of decisions (``kind="decisions"``) or of their spans (``kind="spans"``).

    ``docs_or_decisions``: one or an iterable of processed Docs, ``Decision`` objects or
    record dicts (gold or extracted). Decisions: one row each with the header fields, the
    number of spans of each label, ``fault``/``injustice``, ``n_payments``, ``total_paid``
    and the actions. Spans: one row each with the decision ``id``, ``label``, ``start``,
    ``end``, ``text``, ``section``, ``pattern_id`` and, for payments, ``amount``, ``payee``,
    ``purpose``, ``status``.
    """
    if kind not in ("decisions", "spans"):
        raise ValueError(f"kind must be 'decisions' or 'spans', not {kind!r}")
    pd = _pandas()
    rows: list[dict] = []
    for item in _items(docs_or_decisions):
        decision = as_decision(item)
        if kind == "decisions":
            rows.append(_decision_row(decision))
        else:
            attrs = _doc_payment_attrs(item) if isinstance(item, Doc) else {}
            rows.extend(_span_rows(decision, attrs))
    columns = DECISION_COLUMNS if kind == "decisions" else SPAN_COLUMNS
    frame = pd.DataFrame(rows, columns=list(columns))
    if kind == "decisions":
        frame[list(labels.SPAN_LABELS)] = frame[list(labels.SPAN_LABELS)].astype("int64")
    return frame


def _decision_row(decision: Decision) -> dict:
    counts = Counter(s.label for s in decision.spans)
    row: dict[str, Any] = {"id": decision.id}
    row.update({key: getattr(decision.metadata, key) for key in _META})
    row.update({label: counts.get(label, 0) for label in labels.SPAN_LABELS})
    kinds = sorted({a.kind for a in decision.actions})
    row.update(
        fault=decision.overall.fault,
        injustice=decision.overall.injustice,
        n_payments=len(decision.remedies),
        total_paid=decision.total_paid,
        n_actions=len(decision.actions),
        action_kinds=", ".join(kinds),
    )
    return row


def _doc_payment_attrs(doc: Doc) -> dict[tuple[int, int], tuple]:
    return {
        (s.start_char, s.end_char): (s._.amount, s._.payee, s._.purpose, s._.status)
        for s in doc.spans.get(labels.REMEDIES_KEY, [])
    }


def _payment_of(start: int, end: int, text: str, payments: Iterable[Payment]) -> Payment | None:
    payments = list(payments)
    for payment in payments:
        if any(tuple(m) == (start, end) for m in payment.mentions):
            return payment
    amount = parse_amount(text)
    return next((p for p in payments if amount is not None and p.amount == amount), None)


def _span_rows(decision: Decision, attrs: Mapping[tuple[int, int], tuple]) -> list[dict]:
    rows = []
    for span in decision.spans:
        row = {
            "id": decision.id,
            "label": span.label,
            "start": span.start,
            "end": span.end,
            "text": span.text,
            "section": span.section,
            "pattern_id": span.id,
            "amount": None,
            "payee": None,
            "purpose": None,
            "status": None,
        }
        if span.label == labels.REMEDY_PAYMENT:
            payment = _payment_of(span.start, span.end, span.text, decision.remedies)
            if payment is not None:
                amount, payee = payment.amount, payment.payee
                purpose, status = payment.purpose, payment.status
            elif (span.start, span.end) in attrs:
                amount, payee, purpose, status = attrs[(span.start, span.end)]
            else:
                amount, payee, purpose, status = parse_amount(span.text), None, None, None
            row.update(amount=amount, payee=payee, purpose=purpose, status=status)
        rows.append(row)
    return rows
