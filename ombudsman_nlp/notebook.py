"""Show a decision as HTML: displaCy's span style, a legend, section bands and tables.

``display(doc)`` shows the decision in Jupyter (and returns the HTML elsewhere);
``render_html(doc, page=True)`` is a standalone page (``ombudsman-nlp render``). The input may
be a processed ``Doc``, a :class:`~ombudsman_nlp.schema.Decision`, a record dict (a gold
record or one that ``ombudsman-nlp extract`` wrote) or a plain text, which is run through
the pipeline.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from html import escape
from typing import TYPE_CHECKING, Any

from spacy import displacy
from spacy.tokens import Doc, Span, SpanGroup
from spacy.util import is_in_jupyter, registry

from . import labels
from .dataframe import as_decision
from .decision import build_decision
from .schema import Decision

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "ACTION_LABEL",
    "DISPLAY_KEY",
    "DISPLAY_LABELS",
    "display",
    "display_span_group",
    "label_colors",
    "render_html",
]

DISPLAY_KEY = "ombudsman_display"
ACTION_LABEL = "ACTION"
DISPLAY_LABELS: tuple[str, ...] = (*labels.SPAN_LABELS, ACTION_LABEL)
# Span groups drawn, in order; actions are drawn under one label whatever their kind.
_GROUPS: tuple[str, ...] = (*labels.SPAN_GROUP_KEYS, labels.ACTIONS_KEY)
_SECTION_COLOR = "#636363"
_LINE_RE = re.compile(r"[^\n]+")

_CSS = """
.on-decision { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
.on-decision table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
.on-decision th, .on-decision td { border: 1px solid #ccc; padding: 3px 8px;
  text-align: left; vertical-align: top; }
.on-decision th { background: #f0f0f0; }
.on-legend { margin: 0.5em 0 1em; line-height: 2; }
.on-legend-item { display: inline-block; padding: 1px 8px; margin: 0 6px 4px 0;
  border-radius: 3px; font-size: 0.8em; font-weight: bold; color: #000; }
.on-section { margin: 1.2em 0 0.2em; padding: 2px 8px; border-left: 6px solid #636363;
  background: #f3f3f3; font-size: 0.8em; font-weight: bold; letter-spacing: 0.05em;
  text-transform: uppercase; color: #333; }
.on-decision .spans { line-height: 2.5 !important; margin: 0; }
"""


def label_colors() -> dict[str, str]:
    """Colour of each display label as displaCy resolves it (registered colours first)."""
    resolved = dict(labels.DISPLACY_COLORS)
    for value in registry.displacy_colors.get_all().values():
        colors = value() if callable(value) else value
        if isinstance(colors, dict):
            resolved.update({k.upper(): v for k, v in colors.items()})
    return {label: resolved.get(label, labels.DISPLACY_COLORS[label]) for label in DISPLAY_LABELS}


def _registered_labels() -> set[str]:
    found: set[str] = set()
    for value in registry.displacy_colors.get_all().values():
        colors = value() if callable(value) else value
        if isinstance(colors, dict):
            found.update(k.upper() for k in colors)
    return found


@lru_cache(maxsize=1)
def _default_nlp() -> Language:
    from .pipeline import load

    return load()


def display_span_group(doc: Doc, key: str = DISPLAY_KEY) -> SpanGroup:
    """One span group holding heads, findings, injustice, payments and actions, for displaCy.

    displaCy's span style draws one ``spans_key``; this group (stored as ``doc.spans[key]``)
    combines the components' groups, actions labelled ``ACTION``.
    """
    spans: list[Span] = []
    for group in _GROUPS:
        for span in doc.spans.get(group, []):
            label = ACTION_LABEL if group == labels.ACTIONS_KEY else span.label_
            spans.append(Span(doc, span.start, span.end, label=label, span_id=span.id_))
    spans.sort(key=lambda s: (s.start, -s.end, s.label_))
    doc.spans[key] = spans
    return doc.spans[key]


def _doc_from_decision(decision: Decision, nlp: Language) -> Doc:
    """A doc of the decision's text with its sections and its spans in the display group."""
    doc = nlp.make_doc(decision.text)
    if "sections" in nlp.pipe_names:
        doc = nlp.get_pipe("sections")(doc)
    spans: list[Span] = []
    items = [(s.start, s.end, s.label) for s in decision.spans]
    items += [(a.start, a.end, ACTION_LABEL) for a in decision.actions if a.start is not None]
    for start, end, label in items:
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is not None and len(span):
            spans.append(span)
    spans.sort(key=lambda s: (s.start, -s.end, s.label_))
    doc.spans[DISPLAY_KEY] = spans
    return doc


def _prepare(obj: Any, nlp: Language | None) -> tuple[Doc, Decision]:
    if isinstance(obj, Doc):
        display_span_group(obj)
        return obj, build_decision(obj)
    nlp = nlp or _default_nlp()
    if isinstance(obj, str):
        doc = nlp(obj)
        display_span_group(doc)
        return doc, build_decision(doc)
    decision = as_decision(obj)
    return _doc_from_decision(decision, nlp), decision


# ------------------------------------------------------------------------------ rendering


def _sections(doc: Doc) -> list[Span]:
    return sorted(doc.spans.get(labels.SECTIONS_KEY, []), key=lambda s: s.start_char)


def _text_markup(doc: Doc) -> str:
    """The text, line by line through displaCy's span renderer, with a band per section."""
    spans = list(doc.spans.get(DISPLAY_KEY, []))
    sections = _sections(doc)
    missing = {k: v for k, v in label_colors().items() if k not in _registered_labels()}
    options = {"colors": missing} if missing else {}
    out: list[str] = []
    pending: list[dict] = []
    current: Span | None = None
    current_label: str | None = None
    section_i = 0

    def flush() -> None:
        if pending:
            out.append(
                displacy.render(pending, style="span", manual=True, jupyter=False, options=options)
            )
            pending.clear()

    for match in _LINE_RE.finditer(doc.text):
        if not match.group().strip():
            continue
        line = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if line is None or not len(line):
            continue
        while section_i < len(sections) and sections[section_i].end_char <= match.start():
            section_i += 1
        section = None
        if section_i < len(sections) and sections[section_i].start_char <= match.start():
            section = sections[section_i]
        label = section.label_ if section is not None else None
        if section is not None and section is not current and label != current_label:
            flush()
            out.append(
                f'<div class="on-section" data-section="{escape(section.label_)}">'
                f"{escape(section.label_.replace('_', ' '))}</div>"
            )
        current, current_label = section, label
        pending.append(_line_data(line, spans))
    flush()
    return "".join(out)


def _line_data(line: Span, spans: Sequence[Span]) -> dict:
    """displaCy's manual span data for one line: tokens and the spans clipped to it."""
    found = []
    for span in spans:
        if span.end <= line.start or span.start >= line.end:
            continue
        found.append(
            {
                "start_token": max(span.start, line.start) - line.start,
                "end_token": min(span.end, line.end) - line.start,
                "label": span.label_,
            }
        )
    return {"text": line.text, "tokens": [t.text for t in line], "spans": found}


def _legend(doc: Doc) -> str:
    counts = Counter(s.label_ for s in doc.spans.get(DISPLAY_KEY, []))
    items = []
    for label, color in label_colors().items():
        items.append(
            f'<span class="on-legend-item" data-label="{escape(label)}" '
            f'style="background: {escape(color)}">{escape(label)} ({counts.get(label, 0)})</span>'
        )
    return '<div class="on-legend">' + "".join(items) + "</div>"


def _table(caption: str, name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    rows = list(rows)
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    if not rows:
        body = f'<tr><td colspan="{len(header)}"><em>none</em></td></tr>'
    else:
        body = "".join(
            "<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in rows
        )
    return (
        f'<h4>{escape(caption)}</h4><table class="on-{escape(name)}"><thead><tr>{head}</tr>'
        f"</thead><tbody>{body}</tbody></table>"
    )


def _cell(value: Any) -> str:
    if value is None:
        return "&mdash;"
    return escape(str(value))


def _pounds(amount: float) -> str:
    return f"£{amount:,.0f}" if amount == int(amount) else f"£{amount:,.2f}"


def _summary(decision: Decision) -> str:
    meta = decision.metadata
    rows = [
        ("id", decision.id),
        ("organisation", meta.organisation),
        ("reference", meta.reference),
        ("category", meta.category),
        ("outcome", meta.outcome),
        ("decision date", meta.decision_date),
        ("overall fault", decision.overall.fault),
        ("overall injustice", decision.overall.injustice),
        ("total paid", _pounds(decision.total_paid) if decision.remedies else None),
    ]
    body = "".join(f"<tr><th>{escape(k)}</th><td>{_cell(v)}</td></tr>" for k, v in rows)
    return f'<table class="on-summary"><tbody>{body}</tbody></table>'


def _tables(decision: Decision) -> str:
    payments = _table(
        "Payments",
        "payments",
        ("amount", "payee", "purpose", "status"),
        ((_pounds(p.amount), p.payee, p.purpose, p.status) for p in decision.remedies),
    )
    findings = _table(
        "Findings",
        "findings",
        ("label", "section", "text"),
        (
            (s.label, s.section, s.text)
            for s in decision.spans
            if s.label in labels.FINDING_LABELS or s.label in labels.INJUSTICE_LABELS
        ),
    )
    actions = _table(
        "Actions",
        "actions",
        ("kind", "text", "deadline"),
        ((a.kind, a.text, a.deadline) for a in decision.actions),
    )
    return payments + findings + actions


def render_html(obj: Any, *, page: bool = False, nlp: Language | None = None) -> str:
    """The HTML of one decision (or of several, given a list), as a fragment or a full page."""
    items = list(obj) if isinstance(obj, (list, tuple)) else [obj]
    parts = []
    titles = []
    for item in items:
        doc, decision = _prepare(item, nlp)
        title = decision.id or decision.metadata.reference or "Decision"
        titles.append(str(title))
        parts.append(
            f'<div class="on-decision"><h3>{escape(str(title))}</h3>{_summary(decision)}'
            f"{_legend(doc)}{_text_markup(doc)}{_tables(decision)}</div>"
        )
    body = f"<style>{_CSS}</style>" + "".join(parts)
    if not page:
        return body
    title = escape(titles[0] if len(titles) == 1 else f"{len(titles)} decisions")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body>{body}</body></html>\n"
    )


def display(obj: Any, *, jupyter: bool | None = None, nlp: Language | None = None) -> str | None:
    """Show the decision in Jupyter and return None; elsewhere return its HTML fragment.

    ``obj``: a processed ``Doc``, a ``Decision``, a record dict or a text (or a list of them).
    """
    markup = render_html(obj, nlp=nlp)
    if jupyter is None:
        jupyter = is_in_jupyter()
    if jupyter:
        from IPython.display import HTML
        from IPython.display import display as show

        show(HTML(markup))
        return None
    return markup
