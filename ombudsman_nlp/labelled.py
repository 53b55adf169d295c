"""Reading labelled data (gold JSONL, Prodigy, doccano, spaCy DocBin) into gold records.

Every reader returns records in the gold shape of ``ANNOTATION.md``::

    {"id": ..., "text": ..., "spans": [{"start", "end", "label", "text"}, ...],
     # and, where the input has them: "source", "complete", "metadata", "remedies",
     # "overall", "actions"}

together with a list of :class:`LoadIssue`. A problem (bad JSON, missing text, a span out
of range, off token boundaries, with an unknown label, overlapping another of its label,
or whose ``text`` disagrees with the slice) is reported with its file and line and never
stops the rest: a bad span is dropped, its record kept; a bad record is dropped.

spaCy is imported only when needed: for DocBin files and to check token boundaries.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ombudsman_nlp.labels import SPAN_LABELS
from ombudsman_nlp.textio import json_error

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = [
    "FORMATS",
    "LoadIssue",
    "detect_format",
    "detect_record_format",
    "read_labelled",
]

FORMATS: tuple[str, ...] = ("gold", "prodigy", "doccano", "docbin")
# Decision-level keys of the gold format, copied as they are when present.
GOLD_FIELDS: tuple[str, ...] = ("source", "complete", "metadata", "remedies", "overall", "actions")
_PRODIGY_KEYS = frozenset(
    {"answer", "_input_hash", "_task_hash", "_view_id", "_session_id", "_annotator_id", "tokens"}
)
_DOCCANO_KEYS: tuple[str, ...] = ("label", "labels", "entities")
_SKIP_ANSWERS = frozenset({"reject", "ignore"})
# Where a DocBin document keeps its id: user_data["id"], doc._.id, or doc._.doc_id (the
# extension this library's pipeline sets).
_DOCBIN_ID_KEYS: tuple[str, ...] = ("id", "doc_id")
_DOCBIN_SUFFIXES = frozenset({".spacy", ".docbin"})
# zlib stream headers: DocBin.to_bytes() is zlib-compressed msgpack.
_ZLIB_HEADERS: tuple[bytes, ...] = (b"x\x01", b"x\x5e", b"x\x9c", b"x\xda")


@dataclass(frozen=True)
class LoadIssue:
    """A problem found while reading labelled data."""

    source: str  # "file:line", or "file:doc N" for DocBin (N counted from 1)
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


# ---------------------------------------------------------------------- format detection


def detect_record_format(record: Mapping[str, Any]) -> str:
    """The format of one JSONL record: ``"gold"``, ``"prodigy"`` or ``"doccano"``.

    Prodigy: ``spans`` plus one of Prodigy's own keys (``answer``, ``_input_hash``,
    ``_task_hash``, ``tokens``, ``meta``, ...). Doccano: ``label``/``labels``/``entities``
    and no ``spans``. Anything else (``spans`` with ``metadata`` and the other gold fields,
    or bare ``text``) is gold.
    """
    prodigy = any(key in record for key in _PRODIGY_KEYS) or "meta" in record
    if "spans" in record:
        return "prodigy" if prodigy else "gold"
    if any(key in record for key in _DOCCANO_KEYS):
        return "doccano"
    if prodigy and not any(key in record for key in GOLD_FIELDS):
        return "prodigy"
    return "gold"


def detect_format(path: str | Path) -> str:
    """The format of a labelled file: ``"gold"``, ``"prodigy"``, ``"doccano"`` or ``"docbin"``.

    A ``.spacy`` file (or one starting with a zlib header) is a DocBin; otherwise the format
    of the first JSON object in the file. JSONL files may mix formats:
    :func:`read_labelled` detects the format of each line. Raises ``ValueError`` when the
    file holds no JSON object.
    """
    path = Path(path)
    if path.suffix.lower() in _DOCBIN_SUFFIXES:
        return "docbin"
    with path.open("rb") as handle:
        if handle.read(2) in _ZLIB_HEADERS:
            return "docbin"
        handle.seek(0)
        for line in handle:
            try:
                record = json.loads(line.decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                continue
            if isinstance(record, dict):
                return detect_record_format(record)
    raise ValueError(f"{path}: cannot detect the format: no JSON object found")


# ----------------------------------------------------------------------------- reading


def read_labelled(
    path: str | Path,
    labels: Collection[str] | None = None,
    *,
    nlp: Language | None = None,
    check_tokens: bool = True,
) -> tuple[list[dict], list[LoadIssue]]:
    """Read a labelled file into gold-shaped records and the problems found.

    ``labels``: the span labels allowed (default: the seven labels of ANNOTATION.md).
    ``nlp``: whose tokenizer decides token boundaries (default: ``spacy.blank("en")``).
    ``check_tokens``: drop spans off token boundaries (scoring works on characters and can
    keep them: pass False).

    Prodigy records answered ``reject`` or ``ignore`` are skipped. The record id is the
    ``id`` field, else ``meta.id``, else ``_input_hash``, else ``<file stem>:<line>``
    (``<file stem>:<N>`` for the N-th document of a DocBin, which may carry its id in
    ``doc.user_data["id"]``, ``doc._.id`` or ``doc._.doc_id``, and its decision-level fields
    as ``doc.user_data[key]`` or ``doc._.key``, e.g. ``doc._.metadata``). Spans come out
    sorted by offsets, with their leading and trailing white space trimmed and ``text``
    equal to the slice.

    Raises ``FileNotFoundError``/``IsADirectoryError`` if ``path`` is not a file; every
    problem inside the file is a :class:`LoadIssue`.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.is_dir():
        raise IsADirectoryError(f"{path}: is a folder, not a labelled file")
    if isinstance(labels, str):  # one label, not its letters
        labels = (labels,)
    reader = _Reader(path, frozenset(SPAN_LABELS if labels is None else labels), nlp)
    reader.check_tokens = check_tokens
    if _detect_format_safe(path) == "docbin":
        reader.read_docbin()
    else:
        reader.read_jsonl()
    return reader.records, reader.issues


def _detect_format_safe(path: Path) -> str | None:
    try:
        return detect_format(path)
    except (OSError, ValueError):
        return None


@lru_cache(maxsize=1)
def _blank_en() -> Language:
    import spacy

    return spacy.blank("en")


@dataclass
class _RawSpan:
    index: int  # position in the input record, from 1
    start: Any
    end: Any
    label: Any
    text: Any = None  # the span's own "text" field, if any
    problem: str | None = None  # why the entry is not a span at all


class _Reader:
    def __init__(self, path: Path, labels: frozenset[str], nlp: Language | None) -> None:
        self.path = path
        self.labels = labels
        self.nlp = nlp
        self.records: list[dict] = []
        self.issues: list[LoadIssue] = []
        self.ids: dict[str, str] = {}
        self.check_tokens = True

    def issue(self, where: str, message: str) -> None:
        self.issues.append(LoadIssue(where, message))

    def tokenize(self, text: str) -> Doc:
        nlp = self.nlp if self.nlp is not None else _blank_en()
        return nlp.make_doc(text)

    # -- JSONL -------------------------------------------------------------------------

    def read_jsonl(self) -> None:
        try:
            handle = self.path.open("rb")
        except OSError as exc:
            self.issue(str(self.path), f"cannot read: {exc.strerror or exc}")
            return
        with handle:
            for lineno, line in enumerate(handle, start=1):
                if line.strip():
                    self.read_line(lineno, line)

    def read_line(self, lineno: int, line: bytes) -> None:
        where = f"{self.path}:{lineno}"
        try:
            record = json.loads(line.decode("utf-8-sig" if lineno == 1 else "utf-8").rstrip("\r\n"))
        except UnicodeDecodeError as exc:
            self.issue(where, f"not valid UTF-8 (byte {exc.start}); line skipped")
            return
        except json.JSONDecodeError as exc:
            self.issue(where, f"invalid JSON: {json_error(exc)}; line skipped")
            return
        if not isinstance(record, dict):
            self.issue(where, "expected a JSON object; line skipped")
            return
        fmt = detect_record_format(record)
        if fmt == "prodigy" and str(record.get("answer", "")).lower() in _SKIP_ANSWERS:
            return
        text = record.get("text")
        if not isinstance(text, str) or not text:
            problem = (
                "missing 'text'"
                if text is None
                else "empty 'text'"
                if text == ""
                else f"'text' must be a string, not {type(text).__name__}"
            )
            self.issue(where, f"{problem}; record skipped")
            return
        doc_id = _record_id(record) or f"{self.path.stem}:{lineno}"
        if fmt == "doccano":
            raw_spans = self.doccano_spans(record, where)
        else:
            raw_spans = self.span_list(record, where)
        out: dict[str, Any] = {"id": doc_id, "text": text}
        out["spans"] = self.check_spans(text, raw_spans, where)
        for key in GOLD_FIELDS:
            if key in record:
                out[key] = record[key]
        self.add(out, where)

    def span_list(self, record: Mapping[str, Any], where: str) -> list[_RawSpan]:
        """Spans of gold and Prodigy records: ``[{"start", "end", "label", "text"?}]``."""
        if "spans" not in record:
            self.issue(where, "no 'spans' field; record read with no spans")
            return []
        spans = record["spans"]
        if spans is None:
            return []
        if not isinstance(spans, list):
            self.issue(where, "'spans' must be a list; record read with no spans")
            return []
        raw: list[_RawSpan] = []
        for i, span in enumerate(spans, start=1):
            if not isinstance(span, dict):
                raw.append(_bad(i, "expected an object with start, end and label"))
                continue
            missing = [key for key in ("start", "end", "label") if key not in span]
            if missing:
                raw.append(_bad(i, f"missing {', '.join(map(repr, missing))}"))
                continue
            raw.append(_RawSpan(i, span["start"], span["end"], span["label"], span.get("text")))
        return raw

    def doccano_spans(self, record: Mapping[str, Any], where: str) -> list[_RawSpan]:
        """Doccano: ``label``/``labels`` as ``[[start, end, label], ...]`` or ``entities``
        as ``[{"start_offset", "end_offset", "label"}, ...]``."""
        raw: list[_RawSpan] = []
        for key in _DOCCANO_KEYS:
            entries = record.get(key)
            if entries is None:
                continue
            if not isinstance(entries, list):
                self.issue(where, f"'{key}' must be a list of [start, end, label]")
                continue
            for i, entry in enumerate(entries, start=len(raw) + 1):
                if isinstance(entry, (list, tuple)) and len(entry) == 3:
                    raw.append(_RawSpan(i, entry[0], entry[1], entry[2]))
                elif isinstance(entry, dict) and {"start_offset", "end_offset", "label"} <= set(
                    entry
                ):
                    raw.append(
                        _RawSpan(i, entry["start_offset"], entry["end_offset"], entry["label"])
                    )
                else:
                    got = json.dumps(entry, ensure_ascii=False)[:60]
                    raw.append(_bad(i, f"'{key}' entry: expected [start, end, label], got {got}"))
        return raw

    # -- DocBin ------------------------------------------------------------------------

    def read_docbin(self) -> None:
        from spacy.tokens import DocBin

        vocab = (self.nlp if self.nlp is not None else _blank_en()).vocab
        try:
            docs = list(DocBin().from_disk(self.path).get_docs(vocab))
        except Exception as exc:  # a corrupt file: msgpack, zlib or spaCy errors
            self.issue(str(self.path), f"not a readable spaCy DocBin: {exc}")
            return
        for n, doc in enumerate(docs, start=1):
            where = f"{self.path}:doc {n}"
            if not doc.text:
                self.issue(where, "empty text; document skipped")
                continue
            raw: list[_RawSpan] = []
            seen: set[tuple[int, int, str]] = set()
            groups = [(f"spans[{key!r}]", list(group)) for key, group in doc.spans.items()]
            groups.append(("ents", list(doc.ents)))
            for _, spans in groups:
                for span in spans:
                    key = (span.start_char, span.end_char, span.label_)
                    if key in seen:  # the same annotation stored twice
                        continue
                    seen.add(key)
                    raw.append(_RawSpan(len(raw) + 1, *key))
            user = _user_fields(doc)
            doc_id = next((user[k] for k in _DOCBIN_ID_KEYS if user.get(k) not in (None, "")), None)
            doc_id = f"{self.path.stem}:{n}" if doc_id is None else str(doc_id)
            out: dict[str, Any] = {"id": doc_id, "text": doc.text}
            out["spans"] = self.check_spans(doc.text, raw, where)
            for key in GOLD_FIELDS:
                if user.get(key) is not None:
                    out[key] = user[key]
            self.add(out, where)

    # -- common ------------------------------------------------------------------------

    def add(self, record: dict, where: str) -> None:
        first = self.ids.setdefault(record["id"], where)
        if first != where:
            self.issue(where, f"duplicate id {record['id']!r} (first at {first}); both kept")
        self.records.append(record)

    def check_spans(self, text: str, raw_spans: list[_RawSpan], where: str) -> list[dict]:
        kept: list[dict] = []
        by_label: dict[str, list[dict]] = {}
        tokens: Doc | None = None
        for raw in raw_spans:
            name = f"span {raw.index}"
            if raw.problem:
                self.issue(where, f"{name}: {raw.problem}; dropped")
                continue
            start, end, label = raw.start, raw.end, raw.label
            if not _is_int(start) or not _is_int(end):
                self.issue(
                    where, f"{name}: offsets must be integers, got {start!r}, {end!r}; dropped"
                )
                continue
            name = f"span {raw.index} [{start}:{end}]"
            if not isinstance(label, str) or not label:
                self.issue(where, f"{name}: label must be a non-empty string; dropped")
                continue
            name = f"span {raw.index} {label} [{start}:{end}]"
            if not 0 <= start < end <= len(text):
                self.issue(
                    where,
                    f"{name}: offsets out of range for a text of {len(text)} characters; dropped",
                )
                continue
            if label not in self.labels:
                self.issue(where, f"{name}: unknown label {label!r}; dropped")
                continue
            piece = text[start:end]
            if raw.text is not None and (
                not isinstance(raw.text, str) or raw.text.strip() != piece.strip()
            ):
                self.issue(where, f"{name}: {_mismatch(raw.text, piece, text)}; dropped")
                continue
            # Trim white space off the ends before checking token boundaries.
            s, e = start, end
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if s == e:
                self.issue(where, f"{name}: span holds only white space; dropped")
                continue
            if tokens is None and self.check_tokens:
                tokens = self.tokenize(text)
            if tokens is not None and tokens.char_span(s, e) is None:
                near = tokens.char_span(s, e, alignment_mode="expand")
                hint = f"; nearest tokens: {_quote(near.text)}" if near is not None else ""
                self.issue(
                    where,
                    f"{name}: not on token boundaries: {_quote(text[s:e])}{hint}; dropped",
                )
                continue
            clash = next(
                (o for o in by_label.get(label, []) if o["start"] < e and s < o["end"]), None
            )
            if clash is not None:
                same = clash["start"] == s and clash["end"] == e
                what = "duplicates" if same else "overlaps"
                self.issue(
                    where,
                    f"{name}: {what} span [{clash['start']}:{clash['end']}] of the same label, "
                    "kept the first; dropped",
                )
                continue
            span = {"start": s, "end": e, "label": label, "text": text[s:e]}
            by_label.setdefault(label, []).append(span)
            kept.append(span)
        kept.sort(key=lambda sp: (sp["start"], sp["end"], sp["label"]))
        return kept


def _bad(index: int, problem: str) -> _RawSpan:
    return _RawSpan(index, None, None, None, problem=problem)


def _record_id(record: Mapping[str, Any]) -> str | None:
    meta = record.get("meta")
    candidates = (
        record.get("id"),
        meta.get("id") if isinstance(meta, dict) else None,
        record.get("_input_hash"),
    )
    for value in candidates:
        if value is not None and value != "" and not isinstance(value, (dict, list)):
            return str(value)
    return None


def _user_fields(doc: Doc) -> dict[str, Any]:
    """Decision-level fields stored with a DocBin document: ``doc.user_data[key]`` or an
    extension attribute ``doc._.key`` (stored in ``user_data`` when ``store_user_data``)."""
    out: dict[str, Any] = {}
    for key, value in doc.user_data.items():
        if isinstance(key, str):
            out.setdefault(key, value)
        elif isinstance(key, tuple) and len(key) == 4 and key[0] == "._." and key[2] is None:
            out.setdefault(key[1], value)
    return out


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _quote(text: str, limit: int = 60) -> str:
    """The text as a JSON string, its middle elided when long (both ends matter here)."""
    if len(text) > limit:
        half = (limit - 1) // 2
        text = text[:half] + "…" + text[-half:]
    return json.dumps(text, ensure_ascii=False)


def _mismatch(given: Any, piece: str, text: str) -> str:
    if not isinstance(given, str):
        return f"'text' must be a string, got {type(given).__name__}"
    message = f"'text' {_quote(given)} does not match the slice {_quote(piece)}"
    needle = given.strip()
    if needle:
        found = text.find(needle)
        if found >= 0:
            message += f" (that text is at [{found}:{found + len(needle)}])"
    return message
