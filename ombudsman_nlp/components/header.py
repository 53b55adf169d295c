"""The header: organisation, reference, category, outcome and decision date."""

from __future__ import annotations

import re
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc

from .. import extensions
from ..extensions import doc_text
from ..labels import SECTIONS_KEY
from .base import BatchedPipe

_HEADER_LABELS = ("header", "furniture")

# "Stoke-on-Trent City Council (24 001 148)", also "(17 002 402b)" and "(24 000 123, 24 000 456)".
_REFERENCE = r"\d{2}\s?\d{3}\s?\d{3}[a-z]?"
_ORG_LINE = re.compile(
    rf"^[ \t]*(?P<org>[^\n]{{2,200}}?)[ \t]*\((?P<ref>{_REFERENCE})(?:[^)\n]*)\)[ \t]*$",
    re.MULTILINE,
)
_BARE_REFERENCE = re.compile(
    rf"(?:^|\(|reference:?\s*)(?P<ref>{_REFERENCE})\b", re.MULTILINE | re.I
)
_FIELD = re.compile(
    r"^[ \t]*(?P<key>Category|Decision date|Decision|Outcome|Date)[ \t]*:"
    r"[ \t]*(?P<value>[^\n]*?)[ \t]*$",
    re.MULTILINE | re.I,
)
_DATE = re.compile(
    r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[A-Za-z]{3,9})\.?,?\s+(?P<year>\d{4})"
)
_ISO = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})")
_NUMERIC = re.compile(r"\b(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})\b")
_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
HEADER_WINDOW = 8000  # characters searched: the header sits at the top, after any cookie notice


def parse_date(text: str) -> str | None:
    """An ISO date from "23 Apr 2025", "1st June 2021" or "2025-04-23"; None when invalid."""
    match = _DATE.search(text)
    try:
        if match:
            month = _MONTHS.get(match["month"].lower())
            if month is None:
                return None
            return date(int(match["year"]), month, int(match["day"])).isoformat()
        match = _ISO.search(text) or _NUMERIC.search(text)
        if match:
            return date(int(match["year"]), int(match["month"]), int(match["day"])).isoformat()
    except ValueError:
        return None
    return None


def parse_header(text: str) -> dict[str, str | None]:
    """The metadata fields printed at the top of a decision (None where not printed)."""
    head = text[:HEADER_WINDOW]
    meta: dict[str, str | None] = dict.fromkeys(
        ("organisation", "reference", "category", "outcome", "decision_date")
    )
    org_line = _ORG_LINE.search(head)
    if org_line:
        meta["organisation"] = org_line["org"].strip() or None
        meta["reference"] = org_line["ref"]
    else:
        bare = _BARE_REFERENCE.search(head)
        if bare:
            meta["reference"] = bare["ref"]
    for field in _FIELD.finditer(head):
        key, value = field["key"].lower(), field["value"].strip()
        if not value:
            continue
        if key == "category" and meta["category"] is None:
            meta["category"] = value
        elif key in ("decision", "outcome") and meta["outcome"] is None:
            meta["outcome"] = value
        elif key in ("decision date", "date") and meta["decision_date"] is None:
            meta["decision_date"] = parse_date(value)
    return meta


class HeaderParser(BatchedPipe):
    """Set ``doc._.metadata`` from the header lines."""

    def __init__(self, nlp: Language, name: str) -> None:
        extensions.register()
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        meta = parse_header(text[: header_end(doc, len(text))])
        if not any(meta.values()):
            meta = parse_header(text)
        doc._.metadata = meta
        return doc


def header_end(doc: Doc, text_length: int) -> int:
    """Where the header ends: the start of the first section that is not header or furniture."""
    for section in doc.spans.get(SECTIONS_KEY, ()):
        if section.label_ not in _HEADER_LABELS:
            return section.start_char
    return text_length


@Language.factory("ombudsman_header", assigns=["doc._.metadata"], default_config={})
def make_header(nlp: Language, name: str) -> HeaderParser:
    """Factory of the header parser."""
    return HeaderParser(nlp, name)
