"""Correct the pipeline's predictions and save gold records (docs/annotation.md).

:class:`AnnotationSession` is plain Python: it walks through decisions (or their paragraphs),
holds the predicted spans and payments of the current one, lets you accept, reject, relabel
or add spans and fix payments, and appends each saved record to a JSONL file at once (flush
and fsync), so a kernel restart loses nothing saved; a new session on the same file skips the
ids already there. :func:`annotate` wraps a session in an ipywidgets form (optional extra)::

    session = AnnotationSession("training/seeds", "labelled.jsonl", unit="paragraph")
    session.current.spans          # the candidates, predicted first
    session.reject(0); session.add_snippet("£300", "REMEDY_PAYMENT"); session.save()
    session.next()

The file reads back with ``ombudsman-nlp evaluate labelled.jsonl``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import labels
from .money import parse_amount
from .schema import Decision

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["AnnotationItem", "AnnotationSession", "AnnotationWidget", "Candidate", "annotate"]

UNITS = ("decision", "paragraph")
STATUSES = ("pending", "accepted", "rejected")
_LINE_RE = re.compile(r"[^\n]+")
_UNSET: Any = object()


@dataclass
class Candidate:
    """A span of the current item: predicted (``origin="predicted"``) or added by hand."""

    start: int
    end: int
    label: str
    text: str
    status: str = "pending"  # pending, accepted or rejected
    origin: str = "predicted"
    pattern_id: str | None = None


@dataclass
class AnnotationItem:
    """One decision or paragraph to label, with its candidates and payments."""

    id: str
    text: str
    source: str | None = None
    parent: str | None = None  # the decision's id, for a paragraph
    offset: int = 0  # where the paragraph starts in the decision text
    complete: bool = True
    spans: list[Candidate] = field(default_factory=list)
    payments: list[dict] = field(default_factory=list)
    metadata: dict | None = None
    overall: dict | None = None
    actions: list[str] = field(default_factory=list)
    predicted: bool = False


@dataclass
class _Unit:
    id: str
    text: str
    source: str | None
    record: Mapping[str, Any]  # the input record (its spans when not predicting)
    parent: str | None = None
    offset: int = 0


class AnnotationSession:
    """Walk through decisions or paragraphs, correct them and save gold JSONL records.

    ``source``: a path (``.txt``/``.html`` file, folder, or JSONL with ``id`` and ``text``),
    a list of paths, or an iterable of record dicts / ``Decision`` objects. ``path``: the
    JSONL file that receives the saved records (appended; ids already there are skipped).
    ``unit``: ``"decision"`` or ``"paragraph"`` (non-empty lines of at least ``min_chars``
    characters). ``predict``: run the pipeline for candidates; with ``False`` the spans and
    remedies of the input records are the candidates. ``pending``: what ``save`` does with
    candidates neither accepted nor rejected (``"accept"`` or ``"reject"``).
    """

    def __init__(
        self,
        source: Any,
        path: str | Path,
        *,
        unit: str = "decision",
        nlp: Language | None = None,
        patterns: str | Path | None = None,
        predict: bool = True,
        pending: str = "accept",
        min_chars: int = 40,
    ) -> None:
        if unit not in UNITS:
            raise ValueError(f"unit must be one of {UNITS}, not {unit!r}")
        if pending not in ("accept", "reject"):
            raise ValueError(f"pending must be 'accept' or 'reject', not {pending!r}")
        self.path = Path(path)
        self.unit = unit
        self.predict = predict
        self.pending = pending
        self._nlp = nlp
        self._patterns = patterns
        self.saved_ids: set[str] = _saved_ids(self.path)
        self._units = list(_units(_records(source), unit, min_chars))
        self._index = -1
        self._current: AnnotationItem | None = None
        self._cache: tuple[str, Decision] | None = None
        self.next()

    # -- navigation -----------------------------------------------------------------

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            from .pipeline import load

            self._nlp = load(self._patterns)
        return self._nlp

    @property
    def current(self) -> AnnotationItem | None:
        """The item being labelled, or None when every item is done."""
        return self._current

    def __len__(self) -> int:
        return len(self._units)

    @property
    def remaining(self) -> int:
        """Items not saved yet (the current one included)."""
        return sum(1 for u in self._units if u.id not in self.saved_ids)

    def next(self) -> AnnotationItem | None:
        """Move to the next item not saved yet (unsaved changes of the current one are lost)."""
        self._index += 1
        while self._index < len(self._units) and self._units[self._index].id in self.saved_ids:
            self._index += 1
        if self._index >= len(self._units):
            self._current = None
        else:
            self._current = self._item(self._units[self._index])
        return self._current

    def _item(self, unit: _Unit) -> AnnotationItem:
        item = AnnotationItem(
            id=unit.id,
            text=unit.text,
            source=unit.source,
            parent=unit.parent,
            offset=unit.offset,
            complete=unit.parent is None and unit.record.get("complete", True) is not False,
        )
        if self.predict:
            decision = self._decision(unit.parent or unit.id, unit)
            item.predicted = True
        else:
            decision = _as_decision(unit.record, unit.id)
        _fill(item, decision, unit.offset, len(unit.text), whole=unit.parent is None)
        return item

    def _decision(self, doc_id: str, unit: _Unit) -> Decision:
        if self._cache is None or self._cache[0] != doc_id:
            from .decision import build_decision

            text = unit.record["text"]
            self._cache = (doc_id, build_decision(self.nlp(text), doc_id))
        return self._cache[1]

    # -- editing ----------------------------------------------------------------------

    def _item_or_raise(self) -> AnnotationItem:
        if self._current is None:
            raise IndexError("no current item: every item is done")
        return self._current

    def _span(self, i: int) -> Candidate:
        spans = self._item_or_raise().spans
        if not -len(spans) <= i < len(spans):
            raise IndexError(f"no span {i}: the item has {len(spans)}")
        return spans[i]

    def accept(self, i: int) -> Candidate:
        """Keep span ``i``."""
        span = self._span(i)
        span.status = "accepted"
        return span

    def reject(self, i: int) -> Candidate:
        """Drop span ``i``."""
        span = self._span(i)
        span.status = "rejected"
        return span

    def relabel(self, i: int, label: str) -> Candidate:
        """Give span ``i`` another label (and accept it)."""
        _check_label(label)
        span = self._span(i)
        span.label = label
        span.status = "accepted"
        return span

    def add_span(self, start: int, end: int, label: str) -> int:
        """Add an accepted span by character offsets into the item's text; returns its index.

        The span is trimmed of white space and widened to token boundaries. A
        ``REMEDY_PAYMENT`` whose amount is not among the payments adds a payment.
        """
        item = self._item_or_raise()
        _check_label(label)
        if not 0 <= start < end <= len(item.text):
            raise ValueError(f"offsets {start}-{end} outside the text (0-{len(item.text)})")
        while start < end and item.text[start].isspace():
            start += 1
        while end > start and item.text[end - 1].isspace():
            end -= 1
        if start == end:
            raise ValueError("the span holds only white space")
        span = self._tokens(item).char_span(start, end, alignment_mode="expand")
        start, end = span.start_char, span.end_char
        for other in item.spans:
            same = other.label == label and other.status != "rejected"
            if same and other.start < end and start < other.end:
                raise ValueError(
                    f"overlaps span {item.spans.index(other)} of the same label "
                    f"({other.start}-{other.end}); reject or relabel it first"
                )
        text = item.text[start:end]
        item.spans.append(Candidate(start, end, label, text, status="accepted", origin="added"))
        item.spans.sort(key=lambda c: (c.start, c.end, c.label))
        if label == labels.REMEDY_PAYMENT:
            amount = parse_amount(text)
            if amount is not None and all(p["amount"] != amount for p in item.payments):
                self.add_payment(amount)
        return next(
            i for i, c in enumerate(item.spans) if (c.start, c.end, c.label) == (start, end, label)
        )

    def add_snippet(self, snippet: str, label: str, occurrence: int = 1) -> int:
        """Add a span over the ``occurrence``-th appearance of ``snippet`` in the text."""
        item = self._item_or_raise()
        snippet = snippet.strip()
        if not snippet:
            raise ValueError("empty snippet")
        start = -1
        for _ in range(occurrence):
            start = item.text.find(snippet, start + 1)
            if start < 0:
                raise ValueError(f"{snippet!r} (occurrence {occurrence}) not found in the text")
        return self.add_span(start, start + len(snippet), label)

    def _tokens(self, item: AnnotationItem) -> Doc:
        return self.nlp.make_doc(item.text)

    def add_payment(
        self,
        amount: float,
        payee: str | None = None,
        purpose: str = "other",
        status: str | None = None,
    ) -> int:
        """Add a payment; returns its index."""
        item = self._item_or_raise()
        item.payments.append({"amount": None, "payee": None, "purpose": "other", "status": None})
        i = len(item.payments) - 1
        self.set_payment(i, amount=amount, payee=payee, purpose=purpose, status=status)
        return i

    def set_payment(
        self,
        i: int,
        *,
        amount: float = _UNSET,
        payee: str | None = _UNSET,
        purpose: str = _UNSET,
        status: str | None = _UNSET,
    ) -> dict:
        """Change the given attributes of payment ``i``."""
        payments = self._item_or_raise().payments
        if not -len(payments) <= i < len(payments):
            raise IndexError(f"no payment {i}: the item has {len(payments)}")
        payment = payments[i]
        if amount is not _UNSET:
            value = float(amount)
            if value <= 0:
                raise ValueError(f"amount must be positive, not {amount!r}")
            payment["amount"] = round(value, 2)
        if payee is not _UNSET:
            payment["payee"] = (payee or "").strip() or None
        if purpose is not _UNSET:
            if purpose not in labels.PURPOSES:
                raise ValueError(f"purpose must be one of {labels.PURPOSES}, not {purpose!r}")
            payment["purpose"] = purpose
        if status is not _UNSET:
            if status is not None and status not in labels.PAYMENT_STATUSES:
                raise ValueError(f"status must be one of {labels.PAYMENT_STATUSES} or None")
            payment["status"] = status
        return payment

    def remove_payment(self, i: int) -> dict:
        """Drop payment ``i``."""
        return self._item_or_raise().payments.pop(i)

    def set_overall(self, fault: str | None = _UNSET, injustice: str | None = _UNSET) -> dict:
        """Change ``overall.fault`` / ``overall.injustice`` of the item."""
        item = self._item_or_raise()
        overall = dict(item.overall or {"fault": None, "injustice": None})
        if fault is not _UNSET:
            if fault not in (None, "fault", "no_fault", "not_investigated"):
                raise ValueError(f"bad overall.fault {fault!r}")
            overall["fault"] = fault
        if injustice is not _UNSET:
            if injustice not in (None, "injustice", "no_injustice"):
                raise ValueError(f"bad overall.injustice {injustice!r}")
            overall["injustice"] = injustice
        item.overall = overall
        return overall

    def set_actions(self, kinds: Iterable[str]) -> list[str]:
        """Replace the item's action kinds."""
        kinds = sorted(set(kinds))
        for kind in kinds:
            if kind not in labels.ACTION_KINDS:
                raise ValueError(f"action kind must be one of {labels.ACTION_KINDS}, not {kind!r}")
        self._item_or_raise().actions = kinds
        return kinds

    # -- saving -----------------------------------------------------------------------

    def kept(self) -> list[Candidate]:
        """The spans that ``save`` writes: accepted ones, and pending ones when accepting."""
        keep = {"accepted"} | ({"pending"} if self.pending == "accept" else set())
        return [c for c in self._item_or_raise().spans if c.status in keep]

    def record(self) -> dict:
        """The gold record of the current item, as ``save`` writes it."""
        item = self._item_or_raise()
        spans = self.kept()
        for a in spans:
            for b in spans:
                if a is not b and a.label == b.label and a.start < b.end and b.start < a.end:
                    raise ValueError(
                        f"spans {a.start}-{a.end} and {b.start}-{b.end} overlap with one label "
                        f"{a.label}: reject or relabel one"
                    )
        record: dict[str, Any] = {
            "id": item.id,
            "source": item.source,
            "complete": item.complete,
            "text": item.text,
            "spans": [
                {"start": c.start, "end": c.end, "label": c.label, "text": c.text} for c in spans
            ],
            "remedies": [
                {k: v for k, v in p.items() if k != "status" or v is not None}
                for p in item.payments
            ],
            "actions": list(item.actions),
        }
        if item.metadata is not None:
            record["metadata"] = dict(item.metadata)
        if item.overall is not None:
            record["overall"] = dict(item.overall)
        if item.parent is not None:
            record.update(parent=item.parent, offset=item.offset)
        return record

    def save(self) -> dict:
        """Append the current item's record to the file (flushed and synced); returns it."""
        item = self._item_or_raise()
        if item.id in self.saved_ids:
            raise ValueError(f"{item.id!r} is already saved in {self.path}")
        record = self.record()
        line = json.dumps(record, ensure_ascii=False) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(line)
            out.flush()
            os.fsync(out.fileno())
        self.saved_ids.add(item.id)
        return record

    def save_and_next(self) -> AnnotationItem | None:
        self.save()
        return self.next()


# ------------------------------------------------------------------------------ helpers


def _check_label(label: str) -> None:
    if label not in labels.SPAN_LABELS:
        raise ValueError(f"label must be one of {labels.SPAN_LABELS}, not {label!r}")


def _saved_ids(path: Path) -> set[str]:
    """Ids already in the output file; a line cut off mid-write is removed."""
    if not path.exists():
        return set()
    data = path.read_bytes()
    complete = data[: data.rfind(b"\n") + 1]
    if len(complete) != len(data):
        with path.open("r+b") as handle:
            handle.truncate(len(complete))
    ids = set()
    for line in complete.decode("utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict) and record.get("id") is not None:
            ids.add(str(record["id"]))
    return ids


def _records(source: Any) -> Iterator[dict]:
    """Input records (``id``, ``text``, ``source`` and any labels) from paths or objects."""
    if isinstance(source, (str, os.PathLike)):
        source = [source]
    for n, obj in enumerate(source, start=1):
        if isinstance(obj, (str, os.PathLike)):
            from .textio import iter_inputs

            for doc in iter_inputs([obj]):
                if doc.text is None:
                    raise ValueError(doc.error or f"{doc.source}: no text")
                yield {**doc.extra, "id": doc.id, "text": doc.text, "source": doc.source}
        elif isinstance(obj, Decision):
            yield {**obj.to_record(), "id": obj.id or f"decision:{n}"}
        elif isinstance(obj, Mapping):
            if not isinstance(obj.get("text"), str) or not obj["text"]:
                raise ValueError(f"record {n} has no text")
            yield {**obj, "id": str(obj.get("id") or f"record:{n}")}
        else:
            raise TypeError(f"cannot annotate a {type(obj).__name__}")


def _units(records: Iterable[dict], unit: str, min_chars: int) -> Iterator[_Unit]:
    for record in records:
        doc_id, text = record["id"], record["text"]
        source = record.get("source")
        if unit == "decision":
            yield _Unit(doc_id, text, source, record)
            continue
        for match in _LINE_RE.finditer(text):
            start, end = match.start(), match.end()
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end - start >= min_chars:
                yield _Unit(f"{doc_id}@{start}", text[start:end], source, record, doc_id, start)


def _as_decision(record: Mapping[str, Any], doc_id: str) -> Decision:
    from .dataframe import as_decision

    decision = as_decision(record)
    decision.id = doc_id
    return decision


def _fill(item: AnnotationItem, decision: Decision, offset: int, length: int, whole: bool) -> None:
    """Copy the decision's labels that fall inside ``[offset, offset + length)`` into item."""
    end = offset + length
    for s in decision.spans:
        if offset <= s.start and s.end <= end:
            start = s.start - offset
            text = item.text[start : s.end - offset]
            item.spans.append(Candidate(start, s.end - offset, s.label, text, pattern_id=s.id))
    for p in decision.remedies:
        inside = [m for m in p.mentions if offset <= m[0] and m[1] <= end]
        if whole or inside:
            payment = {"amount": p.amount, "payee": p.payee, "purpose": p.purpose}
            payment["status"] = p.status
            item.payments.append(payment)
    kinds = {
        a.kind
        for a in decision.actions
        if whole or (a.start is not None and offset <= a.start < end)
    }
    item.actions = sorted(kinds)
    if whole:
        item.metadata = decision.metadata.model_dump(
            include={"organisation", "reference", "category", "outcome", "decision_date"}
        )
        item.overall = {"fault": decision.overall.fault, "injustice": decision.overall.injustice}


# ------------------------------------------------------------------------------- widget


class AnnotationWidget:
    """An ipywidgets form driving an :class:`AnnotationSession` (shown when displayed)."""

    def __init__(self, session: AnnotationSession) -> None:
        try:
            import ipywidgets
        except ImportError as err:  # pragma: no cover - depends on the environment
            raise ImportError(
                "the annotation widget needs ipywidgets: pip install 'ombudsman_nlp[notebook]'"
            ) from err
        self.session = session
        self._w = ipywidgets
        w = ipywidgets
        self.title = w.HTML()
        self.preview = w.HTML()
        self.spans_box = w.VBox()
        self.payments_box = w.VBox()
        self.message = w.HTML()
        self.selector = _selector()
        if self.selector is not None:
            self.selector.observe(lambda _: self._take_selection(), names=["start", "end"])
        self.snippet = w.Text(description="snippet", placeholder="paste the selected text")
        self.start = w.IntText(description="start", layout=w.Layout(width="160px"))
        self.end = w.IntText(description="end", layout=w.Layout(width="160px"))
        self.new_label = w.Dropdown(options=list(labels.SPAN_LABELS), description="label")
        self.add_button = w.Button(description="Add span", icon="plus")
        self.add_payment_button = w.Button(description="Add payment", icon="plus")
        self.save_button = w.Button(description="Save & next", button_style="success")
        self.skip_button = w.Button(description="Skip")
        self.add_button.on_click(lambda _: self._guard(self._add_span))
        self.add_payment_button.on_click(lambda _: self._guard(self._add_payment))
        self.save_button.on_click(lambda _: self._guard(self._save))
        self.skip_button.on_click(lambda _: self._guard(self._skip))
        self.box = w.VBox(
            [
                self.title,
                self.preview,
                w.HTML("<b>Spans</b>"),
                self.spans_box,
                *self._selection_rows(),
                w.HBox([self.snippet, self.start, self.end, self.new_label, self.add_button]),
                w.HTML("<b>Payments</b>"),
                self.payments_box,
                self.add_payment_button,
                w.HBox([self.save_button, self.skip_button]),
                self.message,
            ]
        )
        self.refresh()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.box._repr_mimebundle_(**kwargs)

    def _selection_rows(self) -> list[Any]:
        if self.selector is None:
            return []
        hint = "Select text below with the mouse, pick a label and press <i>Add span</i>:"
        return [self._w.HTML(hint), self.selector]

    # -- actions ----------------------------------------------------------------------

    def _take_selection(self) -> None:
        """The mouse selection becomes the offsets of the next span added."""
        start, end = self.selector.start, self.selector.end
        if 0 <= start < end:
            self.snippet.value = ""
            self.start.value, self.end.value = start, end

    def _guard(self, action: Any) -> None:
        from html import escape

        try:
            action()
        except (ValueError, IndexError) as err:
            self.message.value = f'<span style="color: #b00">{escape(str(err))}</span>'

    def _add_span(self) -> None:
        if self.snippet.value.strip():
            self.session.add_snippet(self.snippet.value, self.new_label.value)
            self.snippet.value = ""
        else:
            self.session.add_span(self.start.value, self.end.value, self.new_label.value)
        self.refresh()

    def _add_payment(self) -> None:
        self.session.add_payment(1.0)
        self.refresh()

    def _save(self) -> None:
        saved = self.session.save()["id"]
        self.session.next()
        self.refresh(f"saved {saved} to {self.session.path}")

    def _skip(self) -> None:
        self.session.next()
        self.refresh()

    def _set_status(self, i: int, status: str) -> None:
        (self.session.accept if status == "accepted" else self.session.reject)(i)
        self._update_preview()

    def _relabel(self, i: int, label: str) -> None:
        self.session.relabel(i, label)
        self.refresh()

    # -- drawing ----------------------------------------------------------------------

    def refresh(self, message: str = "") -> None:
        from html import escape

        w = self._w
        session = self.session
        item = session.current
        self.message.value = escape(message)
        if item is None:
            self.title.value = (
                f"<b>All done</b>: every item is saved in {escape(str(session.path))}"
            )
            self.preview.value = ""
            if self.selector is not None:
                self.selector.text = ""
            self.spans_box.children = ()
            self.payments_box.children = ()
            for button in (self.save_button, self.skip_button, self.add_button):
                button.disabled = True
            return
        if self.selector is not None:
            self.selector.text = item.text
            self.selector.start = self.selector.end = -1
        done = len(session) - session.remaining
        self.title.value = (
            f"<b>{escape(item.id)}</b> &mdash; {done} of {len(session)} saved, "
            f"unit: {escape(session.unit)}"
        )
        rows = []
        for i, span in enumerate(item.spans):
            status = w.ToggleButtons(
                options=[("accept", "accepted"), ("reject", "rejected")],
                value=span.status if span.status != "pending" else None,
                style={"button_width": "70px"},
            )
            status.observe(
                lambda change, i=i: (
                    self._guard(lambda: self._set_status(i, change["new"]))
                    if change["new"]
                    else None
                ),
                names="value",
            )
            label = w.Dropdown(options=list(labels.SPAN_LABELS), value=span.label)
            label.layout.width = "200px"
            label.observe(
                lambda change, i=i: self._guard(lambda: self._relabel(i, change["new"])),
                names="value",
            )
            text = w.HTML(f"{span.start}-{span.end} <i>{escape(span.text[:160])}</i>")
            rows.append(w.HBox([w.Label(str(i)), status, label, text]))
        self.spans_box.children = rows
        payments = []
        for i, payment in enumerate(item.payments):
            payments.append(self._payment_row(i, payment))
        self.payments_box.children = payments
        self._update_preview()

    def _payment_row(self, i: int, payment: dict) -> Any:
        w = self._w
        amount = w.FloatText(value=payment["amount"], description="£")
        payee = w.Text(value=payment["payee"] or "", placeholder="payee")
        purpose = w.Dropdown(options=list(labels.PURPOSES), value=payment["purpose"])
        status = w.Dropdown(
            options=[("(status)", None)] + [(s, s) for s in labels.PAYMENT_STATUSES],
            value=payment.get("status"),
        )
        remove = w.Button(description="remove", button_style="danger")

        def update(key: str, value: Any) -> None:
            self._guard(lambda: self.session.set_payment(i, **{key: value}))

        amount.observe(lambda c: update("amount", c["new"]), names="value")
        payee.observe(lambda c: update("payee", c["new"]), names="value")
        purpose.observe(lambda c: update("purpose", c["new"]), names="value")
        status.observe(lambda c: update("status", c["new"]), names="value")
        remove.on_click(
            lambda _: self._guard(lambda: (self.session.remove_payment(i), self.refresh()))
        )
        return w.HBox([amount, payee, purpose, status, remove])

    def _update_preview(self) -> None:
        from .notebook import render_html

        item = self.session.current
        if item is None:
            return
        record = {
            "id": item.id,
            "text": item.text,
            "spans": [
                {"start": c.start, "end": c.end, "label": c.label, "text": c.text}
                for c in self.session.kept()
            ],
            "remedies": [p for p in item.payments if p.get("amount")],
        }
        self.preview.value = render_html(record, nlp=self.session.nlp)


def _selector() -> Any:
    """The mouse-selection widget, or None without anywidget (offsets and snippets remain)."""
    from .selection import text_selection

    try:
        return text_selection()
    except ImportError:
        return None


def annotate(source: Any, path: str | Path, **kwargs: Any) -> AnnotationWidget:
    """An annotation form over ``source``, saving to ``path`` (see :class:`AnnotationSession`)."""
    return AnnotationWidget(AnnotationSession(source, path, **kwargs))
