"""Reading decision texts: plain text, HTML and JSONL inputs, cleaned and never fatal.

Nothing here imports spaCy. The entry points are:

- :func:`clean_text` turns raw bytes or a string into the text the pipeline reads
  (encoding detected, mojibake repaired, line endings and odd spaces normalised, HTML
  turned into text) and says what it changed;
- :func:`html_to_text` turns an HTML page into plain text with its block structure kept;
- :func:`iter_inputs` streams :class:`InputDoc` records from files, folders and JSONL
  files. A problem with one input becomes an ``InputDoc`` with ``error`` set, never an
  exception, so one bad file does not stop a batch.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import ftfy

__all__ = [
    "EmptyInput",
    "InputDoc",
    "JSONL_SUFFIXES",
    "TEXT_SUFFIXES",
    "UnreadableInput",
    "clean_text",
    "html_to_text",
    "iter_inputs",
    "looks_like_html",
]

TEXT_SUFFIXES: frozenset[str] = frozenset({".txt", ".html", ".htm"})
HTML_SUFFIXES: frozenset[str] = frozenset({".html", ".htm"})
JSONL_SUFFIXES: frozenset[str] = frozenset({".jsonl", ".ndjson"})


class UnreadableInput(ValueError):
    """The input is not text (binary data, a PDF, ...)."""


class EmptyInput(ValueError):
    """The input holds no text, or only white space."""


@dataclass
class InputDoc:
    """One input decision, read and cleaned, or the reason it could not be read."""

    id: str
    text: str | None  # cleaned text, None if unreadable
    source: str  # path, and line number for JSONL: "file.jsonl:12"
    error: str | None = None  # reason, when the input could not be read
    warnings: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # other fields of a JSONL input record

    @property
    def ok(self) -> bool:
        return self.error is None


# --------------------------------------------------------------------------- clean_text

# Encoding repair only: no quote uncurling, no ligature or width changes, no Unicode
# normalisation, no HTML unescaping (HTML is handled by html_to_text), no line-break or
# control-character handling (done below, so that we can report it).
_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=False,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)

# Signatures of common non-text files, for a clearer reason than "binary data".
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx/.odt document)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document (.doc/.xls)"),
    (b"{\\rtf", "an RTF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a gzip-compressed file"),
)

_BOMS_UTF16: tuple[bytes, ...] = (b"\xff\xfe", b"\xfe\xff")
# Share of control characters (other than tab, newline, carriage return, form feed,
# vertical tab) above which a text is taken to be binary.
_MAX_CONTROL_SHARE = 0.05
_MIN_CONTROLS = 3  # a stray control character or two does not make a short text binary
_SAMPLE_CHARS = 100_000

_LINE_BREAKS_RE = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# Non-breaking and fixed-width spaces: shown as a space, but not one for the tokenizer.
_ODD_SPACES_RE = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
# Invisible characters: zero-width spaces and joiners, word joiner, BOM, soft hyphen,
# directional marks and embeddings.
_INVISIBLE_RE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# C0/C1 controls left after the above (tab and newline are kept).
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
# C0 control characters other than tab, newline, CR, VT and FF (C1 controls are left out:
# UTF-8 text decoded as latin-1 is full of them, and ftfy repairs it).
_BINARY_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
# A cheap test for "ftfy may have something to fix" (ftfy's own test costs more than
# tokenizing): mojibake of UTF-8 starts with what a UTF-8 lead byte (0xC2-0xF4) becomes in
# latin-1/cp1252 (Â..ô), MacRoman (¬ √ ‚), cp437 (Γ) or cp1251 (в Р С), followed by a
# non-ASCII character or a space; ftfy also fixes C1 controls and surrogates.
_FTFY_HINT_RE = re.compile(
    "[\u00c2-\u00f4\u00ac\u221a\u201a\u0393\u0432\u0420\u0421][^\x00-\x1f\x21-\x7f]"
    "|[\x80-\x9f\ud800-\udfff]"
)

_HTML_START_RE = re.compile(r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S)
_HTML_TAG_NAMES = (
    "a|abbr|article|aside|b|blockquote|body|br|caption|dd|div|dl|dt|em|footer|form|h[1-6]|"
    "head|header|hr|html|i|img|li|link|main|meta|nav|ol|p|pre|script|section|small|span|"
    "strong|style|sub|sup|table|tbody|td|th|thead|title|tr|u|ul"
)
_HTML_TAG_RE = re.compile(rf"</?(?:{_HTML_TAG_NAMES})(?:\s[^<>]*)?/?>", re.I)
_HTML_CLOSE_TAG_RE = re.compile(rf"</(?:{_HTML_TAG_NAMES})\s*>", re.I)


def looks_like_html(text: str) -> bool:
    """True if the text starts like an HTML page or carries HTML markup.

    A page (``<!DOCTYPE html``, ``<html``) or at least two known tags of which one is a
    closing tag, or at least four known tags; a stray ``<`` or ``a < b`` is not HTML.
    """
    if _HTML_START_RE.match(text):
        return True
    sample = text[:_SAMPLE_CHARS]
    tags = 0
    for _ in _HTML_TAG_RE.finditer(sample):
        tags += 1
        if tags >= 4:
            return True
    return tags >= 2 and _HTML_CLOSE_TAG_RE.search(sample) is not None


def _binary_reason(data: bytes) -> str | None:
    """Why these bytes are not text, or None if they may be."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return f"binary data: looks like {what}, not text"
    if b"\x00" in data[:_SAMPLE_CHARS] or b"\x00" in data[-_SAMPLE_CHARS:]:
        return "binary data: contains NUL bytes (not a text file)"
    return None


def _control_reason(text: str) -> str | None:
    sample = text[:_SAMPLE_CHARS]
    if "\x00" in sample:
        return "binary data: contains NUL characters (not text)"
    if not sample:
        return None
    controls = len(_BINARY_CONTROL_RE.findall(sample))
    if controls >= _MIN_CONTROLS and controls / len(sample) > _MAX_CONTROL_SHARE:
        return (
            f"binary data: {controls} of the first {len(sample)} characters are control "
            "characters (not text)"
        )
    return None


def _decode(data: bytes, warnings: list[str]) -> str:
    """Bytes to text: UTF-8 (BOM stripped), UTF-16 with a BOM, else cp1252, else latin-1."""
    if data.startswith(_BOMS_UTF16):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnreadableInput(f"starts with a UTF-16 byte-order mark but {exc}") from exc
        warnings.append("decoded as UTF-16")
        return text
    reason = _binary_reason(data)
    if reason:
        raise UnreadableInput(reason)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        position = exc.start
    try:
        text = data.decode("cp1252")
        warnings.append(f"decoded as cp1252 (not valid UTF-8 at byte {position})")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        warnings.append(f"decoded as latin-1 (not valid UTF-8 at byte {position})")
    return text


def clean_text(raw: str | bytes, *, html: bool | None = None) -> tuple[str, list[str]]:
    """Return ``(text, warnings)``: the text the pipeline should read and what was changed.

    - bytes are decoded as UTF-8 (a BOM is dropped); failing that as UTF-16 (with a BOM),
      cp1252 or latin-1, with a warning;
    - binary data (NUL bytes, known file signatures, many control characters) raises
      :class:`UnreadableInput`;
    - HTML (``html=True``, or when ``html`` is None and the text looks like HTML) is turned
      into text with :func:`html_to_text`;
    - mojibake is repaired (``Â£500`` -> ``£500``, ``Xâ€™s`` -> ``X’s``) with ftfy limited
      to encoding fixes: quotes, dashes, ligatures and Unicode normalisation are left alone;
    - ``\\r\\n``, ``\\r`` (and form feed, vertical tab, U+0085, U+2028, U+2029) become
      ``\\n``; non-breaking and fixed-width spaces become a plain space; zero-width and
      other invisible characters and stray control characters are removed;
    - empty or white-space-only text raises :class:`EmptyInput`.

    Apart from that the text is kept as it was (white space inside lines included), so
    offsets computed on it stay meaningful to a reader of the original.
    """
    warnings: list[str] = []
    if isinstance(raw, (bytes, bytearray, memoryview)):
        data = bytes(raw)
        if not data.strip():
            raise EmptyInput("empty input" if not data else "input holds only white space")
        text = _decode(data, warnings)
    elif isinstance(raw, str):
        text = raw
    else:
        raise TypeError(f"clean_text expects str or bytes, got {type(raw).__name__}")

    reason = _control_reason(text)
    if reason:
        raise UnreadableInput(reason)

    if _LINE_BREAKS_RE.search(text):
        if "\r" in text:
            warnings.append("normalised line endings to \\n")
        text = _LINE_BREAKS_RE.sub("\n", text)

    if html or (html is None and looks_like_html(text)):
        text = html_to_text(text)
        warnings.append("converted HTML to text")

    if not text.isascii() and _FTFY_HINT_RE.search(text):
        fixed = ftfy.fix_text(text, _FTFY_CONFIG)
        if fixed != text:
            warnings.append("repaired mojibake")
            text = fixed

    text = _ODD_SPACES_RE.sub(" ", text)
    removed = 0
    for pattern in (_INVISIBLE_RE, _CONTROL_RE):
        text, n = pattern.subn("", text)
        removed += n
    if removed:
        warnings.append(f"removed {removed} invisible or control character(s)")
    text, n = _SURROGATE_RE.subn("\ufffd", text)
    if n:
        warnings.append(f"replaced {n} unpaired surrogate(s) with U+FFFD")

    if not text.strip():
        raise EmptyInput("input holds no text" if not text else "input holds only white space")
    return text, warnings


# ------------------------------------------------------------------------- html_to_text


def _tags(names: str) -> frozenset[str]:
    return frozenset(names.split())


_VOID_TAGS = _tags("area base br col embed hr img input keygen link meta param source track wbr")
# Elements whose content is never text of the decision.
_SKIP_TAGS = _tags(
    "script style head title nav noscript template svg math iframe object canvas select "
    "textarea button dialog"
)
# Block elements: a line break before and after.
_BLOCK_TAGS = _tags(
    "address article aside blockquote body caption center dd details dialog dir div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend "
    "li main menu ol p pre section summary table tbody td tfoot th thead tr ul"
)
# Block elements separated from their neighbours by a blank line (outside lists).
_PARAGRAPH_TAGS = _tags(
    "address article aside blockquote details dl fieldset figure footer form h1 h2 h3 h4 h5 "
    "h6 header hr main ol p pre section table ul"
)
_LIST_TAGS = frozenset({"ul", "ol", "menu", "dir"})
_CELL_TAGS = frozenset({"td", "th"})
# Implicit end tags (a subset of HTML's rules): a start tag of the key closes the nearest
# open element named in the first set, looking no further out than the second set.
_LIST_SCOPE = frozenset({"ul", "ol", "menu", "dir"})
_IMPLICIT_CLOSE: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "li": (frozenset({"li"}), _LIST_SCOPE),
    "dt": (frozenset({"dt", "dd"}), frozenset({"dl"})),
    "dd": (frozenset({"dt", "dd"}), frozenset({"dl"})),
    "tr": (frozenset({"tr"}), frozenset({"table", "tbody", "thead", "tfoot"})),
    "td": (frozenset({"td", "th"}), frozenset({"tr", "table"})),
    "th": (frozenset({"td", "th"}), frozenset({"tr", "table"})),
}
# A new block element closes an open <p>, looking no further out than these.
_P_SCOPE = frozenset(
    {"ul", "ol", "menu", "dir", "li", "table", "td", "th", "dl", "dd", "dt", "blockquote", "div"}
)
_SKIP_ATTR_RE = re.compile(r"cookie|consent|gdpr|skip-?link|visually-?hidden|sr-only", re.I)
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_ASCII_WS_RE = re.compile(r"[ \t\n\r\f]+")
_BLANK_RUNS_RE = re.compile(r"\n{3,}")
# Stands for a tab between table cells until white space inside the line is collapsed.
_CELL_SEP = "\x00"
_CELL_SEP_RE = re.compile(" ?\x00 ?")


def _roman(n: int) -> str:
    numerals = (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    )
    out = []
    for value, numeral in numerals:
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(ord("a") + rem) + out
    return out


@dataclass
class _Element:
    tag: str
    skip: bool = False
    # lists
    ordered: bool = False
    counter: int = 1
    style: str = "1"
    # list items
    marker: str = ""
    indent: str = ""


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[_Element] = []
        self.skipping = 0
        self.lines: list[str] = []
        self.fragments: list[str] = []
        self.want_blank = False
        self.pending_marker: str | None = None
        self.continuation = ""
        self.pre = 0

    # -- output ----------------------------------------------------------------------

    def _in_list(self) -> bool:
        return any(el.tag in _LIST_TAGS for el in self.stack)

    def _emit(self, line: str) -> None:
        if self.want_blank and self.lines and self.lines[-1] != "":
            self.lines.append("")
        self.want_blank = False
        if self.pending_marker is not None:
            line = self.pending_marker + line
            self.pending_marker = None
        elif self.continuation:
            line = self.continuation + line
        self.lines.append(line)

    def _flush(self) -> None:
        """End the current line if it holds any text."""
        raw = "".join(self.fragments)
        self.fragments = []
        if self.pre:
            for part in raw.split("\n"):
                self._pre_line(part)
            return
        line = _ASCII_WS_RE.sub(" ", raw).strip()
        line = _CELL_SEP_RE.sub("\t", line).rstrip("\t ")
        if line:
            self._emit(line)

    def _pre_line(self, line: str) -> None:
        if line.strip():
            self._emit(line.rstrip())
        elif self.lines and self.lines[-1] != "":
            self.lines.append("")

    def _break(self, blank: bool = False) -> None:
        self._flush()
        if blank and not self._in_list():
            self.want_blank = True

    # -- parser callbacks ------------------------------------------------------------

    def _is_hidden(self, tag: str, attrs: dict[str, str | None]) -> bool:
        if tag in _SKIP_TAGS or "hidden" in attrs:
            return True
        role = (attrs.get("role") or "").lower()
        if (tag == "footer" or role == "contentinfo") and not any(
            el.tag in {"article", "main"} for el in self.stack
        ):
            return True  # the site's footer, not an article's
        if (attrs.get("aria-hidden") or "").lower() == "true":
            return True
        if role in {"navigation", "search", "dialog", "alertdialog"}:
            return True
        if _HIDDEN_STYLE_RE.search(attrs.get("style") or ""):
            return True
        names = " ".join(attrs.get(key) or "" for key in ("id", "class"))
        return bool(_SKIP_ATTR_RE.search(names))

    def _close_nearest(self, closes: frozenset[str], scope: frozenset[str]) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            tag = self.stack[i].tag
            if tag in closes:
                self._pop_to(i)
                return
            if tag in scope:
                return

    def _close_implicitly(self, tag: str) -> None:
        rule = _IMPLICIT_CLOSE.get(tag)
        if rule:
            self._close_nearest(*rule)
        if tag in _BLOCK_TAGS:
            self._close_nearest(frozenset({"p"}), _P_SCOPE)

    def _pop_to(self, index: int) -> None:
        while len(self.stack) > index:
            self._end(self.stack.pop())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag == "body":
            # An unclosed <head> ends where the body starts.
            for i, el in enumerate(self.stack):
                if el.tag == "head":
                    self._pop_to(i)
                    break
        if self.skipping:
            if tag not in _VOID_TAGS:
                self.stack.append(_Element(tag, skip=False))
            return
        self._close_implicitly(tag)
        attr_map = {k.lower(): v for k, v in attrs}
        if self._is_hidden(tag, attr_map):
            if tag not in _VOID_TAGS:
                self.stack.append(_Element(tag, skip=True))
                self.skipping += 1
            return
        if tag == "br":
            raw = "".join(self.fragments)
            if _ASCII_WS_RE.sub("", raw):
                self._flush()
            elif self.lines and self.lines[-1] != "":
                self.lines.append("")
            return
        if tag in _VOID_TAGS:
            if tag == "hr":
                self._break(blank=True)
            return
        el = _Element(tag)
        if tag in _LIST_TAGS:
            el.ordered = tag == "ol"
            el.style = attr_map.get("type") or "1"
            el.counter = _int_attr(attr_map.get("start"), 1)
        elif tag == "li":
            self._start_item(el, attr_map)
        elif tag in _CELL_TAGS:
            if any(f.strip() for f in self.fragments):
                self.fragments.append(_CELL_SEP)
        elif tag == "pre":
            self._break(blank=True)
            self.pre += 1
        if tag in _BLOCK_TAGS and tag not in _CELL_TAGS and tag != "li":
            self._break(blank=tag in _PARAGRAPH_TAGS)
        self.stack.append(el)

    def _start_item(self, el: _Element, attrs: dict[str, str | None]) -> None:
        self._flush()
        lists = [e for e in self.stack if e.tag in _LIST_TAGS]
        parent = lists[-1] if lists else None
        depth = max(len(lists), 1)
        el.indent = "  " * (depth - 1)
        if parent is not None and parent.ordered:
            value = _int_attr(attrs.get("value"), parent.counter)
            parent.counter = value + 1
            style = attrs.get("type") or parent.style
            if style in ("a", "A"):
                number = _letters(value)
                number = number.upper() if style == "A" else number
            elif style in ("i", "I"):
                number = _roman(value)
                number = number.upper() if style == "I" else number
            else:
                number = str(value)
            el.marker = f"{number}. "
        else:
            el.marker = "- "
        self.pending_marker = el.indent + el.marker
        self.continuation = el.indent + " " * len(el.marker)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag.lower() not in _VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if tag == "br" and not self.skipping:
            # "</br>" is treated as "<br>" by browsers.
            self.handle_starttag("br", [])
            return
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].tag == tag:
                self._pop_to(i)
                return
        # A stray end tag: ignored, like browsers do.

    def _end(self, el: _Element) -> None:
        if el.skip:
            self.skipping -= 1
            return
        if self.skipping:
            return
        tag = el.tag
        if tag == "li":
            self._flush()
            # An empty item (or one holding only a nested list) leaves no marker line.
            self.pending_marker = None
            outer = [e for e in self.stack if e.tag == "li"]
            if outer:
                self.continuation = outer[-1].indent + " " * len(outer[-1].marker)
            else:
                self.continuation = ""
        elif tag == "pre":
            self._flush()
            self.pre = max(self.pre - 1, 0)
            self.want_blank = True
        elif tag == "tr":
            self._flush()
        elif tag in _BLOCK_TAGS and tag not in _CELL_TAGS:
            self._break(blank=tag in _PARAGRAPH_TAGS)

    def handle_data(self, data: str) -> None:
        if self.skipping or not data:
            return
        data = data.replace(_CELL_SEP, "")
        if self.pre and "\n" in data:
            # Preformatted text keeps its lines: complete ones are written as they come.
            *done, rest = ("".join(self.fragments) + data).split("\n")
            for line in done:
                self._pre_line(line)
            self.fragments = [rest]
        else:
            self.fragments.append(data)

    def text(self) -> str:
        self._pop_to(0)
        self._flush()
        out = "\n".join(self.lines)
        out = _BLANK_RUNS_RE.sub("\n\n", out)
        return out.strip("\n")


def _int_attr(value: str | None, default: int) -> int:
    try:
        return int((value or "").strip())
    except ValueError:
        return default


def html_to_text(html: str) -> str:
    """Turn an HTML page (or fragment) into plain text.

    - ``script``, ``style``, ``head``, ``nav``, ``noscript``, ``template``, forms'
      controls and ``dialog`` are dropped, and so is any element that is hidden
      (``hidden``, ``aria-hidden="true"``, ``display: none``), has a navigation/search/
      dialog role, or whose id or class names a cookie or consent banner;
    - block elements (``p``, ``div``, ``h1``-``h6``, ``tr``, ...) and ``<br>`` end a line;
      paragraphs, headings, tables and lists are separated by a blank line;
    - list items become lines starting with ``- `` (``1. `` in ordered lists, following
      ``start``, ``value`` and ``type``), nested lists indented by two spaces per level;
      a later paragraph of the same item is indented under the item's text;
    - table cells are separated by a tab;
    - entities are decoded, white space inside a line is collapsed (``<pre>`` is kept as
      it is), and runs of blank lines are collapsed to one.
    """
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return parser.text()


# -------------------------------------------------------------------------- iter_inputs


def iter_inputs(paths: Iterable[str | Path] | str | Path) -> Iterator[InputDoc]:
    """Yield one :class:`InputDoc` per input decision, lazily, in the order given.

    Each path may be

    - a text or HTML file (``.txt``, ``.html``, ``.htm``; any other suffix is read as
      text too): one document, id = the file stem;
    - a folder: its ``.txt``/``.html``/``.htm`` files, recursively, in sorted order of
      their relative paths, id = the file stem, or the relative path without suffix when
      two files share a stem; hidden files and folders (starting with ``.``) are skipped,
      symlinked folders are not followed;
    - a ``.jsonl`` (or ``.ndjson``) file with one JSON object per line holding ``text``
      and ideally ``id`` (else ``<file stem>:<line>``); other fields go to ``extra``;
      blank lines are skipped; the file is streamed, not loaded.

    A missing path, an unreadable, binary or empty file, a JSONL line with bad JSON or no
    string ``text`` yields an ``InputDoc`` with ``text=None`` and ``error`` naming the file
    (and line); reading continues with the next input. A repeated id gets a warning.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    seen = FirstSources()
    for path in paths:
        for doc in _iter_path(Path(path)):
            first = seen.setdefault(doc.id, doc.source)
            if first != doc.source:
                doc.warnings.append(f"duplicate id {doc.id!r} (first used by {first})")
            yield doc


class FirstSources:
    """The source where each id was first seen, in about 32 bytes per id.

    A long stream of records must not hold every id string: ids are kept as 64-bit
    fingerprints in an open-addressing table of two arrays, and sources as a file index and
    a line number (``path.jsonl:17``), so only the distinct files are kept as strings.
    """

    def __init__(self) -> None:
        self._keys = array("Q", bytes(8 * 1024))  # 0 marks an empty slot
        self._values = array("Q", bytes(8 * 1024))
        self._count = 0
        self._files: list[str] = []
        self._file_numbers: dict[str, int] = {}

    def __len__(self) -> int:
        return self._count

    def setdefault(self, key: str, source: str) -> str:
        """The first source recorded for ``key``; ``source`` if ``key`` is new."""
        fingerprint = _fingerprint(key)
        slot = self._slot(fingerprint)
        if self._keys[slot] == fingerprint:
            return self._source(self._values[slot])
        self._keys[slot] = fingerprint
        self._values[slot] = self._pack(source)
        self._count += 1
        if 2 * self._count > len(self._keys):
            self._grow()
        return source

    def _slot(self, fingerprint: int) -> int:
        keys, mask = self._keys, len(self._keys) - 1
        slot = fingerprint & mask
        while keys[slot] not in (0, fingerprint):
            slot = (slot + 1) & mask
        return slot

    def _grow(self) -> None:
        old = zip(self._keys, self._values, strict=True)
        self._keys = array("Q", bytes(16 * len(self._keys)))
        self._values = array("Q", bytes(8 * len(self._keys)))
        for fingerprint, value in old:
            if fingerprint:
                slot = self._slot(fingerprint)
                self._keys[slot] = fingerprint
                self._values[slot] = value

    def _pack(self, source: str) -> int:
        file, _, line = source.rpartition(":")
        if file and line.isdigit() and len(line) < 10:
            line_part = int(line) + 1  # 0: the source names no line
        else:
            file, line_part = source, 0
        number = self._file_numbers.get(file)
        if number is None:
            number = self._file_numbers[file] = len(self._files)
            self._files.append(file)
        return number << 32 | line_part

    def _source(self, value: int) -> str:
        file, line_part = self._files[value >> 32], value & 0xFFFFFFFF
        return f"{file}:{line_part - 1}" if line_part else file


def _fingerprint(key: str) -> int:
    """A non-zero 64-bit fingerprint of ``key``."""
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little") | 1


def _iter_path(path: Path) -> Iterator[InputDoc]:
    if path.is_dir():
        yield from _iter_folder(path)
    elif not path.exists():
        reason = "broken symbolic link" if path.is_symlink() else "no such file or directory"
        yield InputDoc(
            id=path.stem or str(path), text=None, source=str(path), error=f"{path}: {reason}"
        )
    elif path.suffix.lower() in JSONL_SUFFIXES:
        yield from _iter_jsonl(path)
    else:
        yield _read_file(path, path.stem)


def _iter_folder(folder: Path) -> Iterator[InputDoc]:
    found: list[Path] = []
    problems: list[InputDoc] = []

    def on_error(exc: OSError) -> None:
        where = exc.filename or folder
        problems.append(
            InputDoc(
                id=Path(where).name,
                text=None,
                source=str(where),
                error=f"{where}: cannot list folder: {exc.strerror or exc}",
            )
        )

    for dirpath, dirnames, filenames in os.walk(folder, onerror=on_error):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.startswith(".") or Path(name).suffix.lower() not in TEXT_SUFFIXES:
                continue
            found.append(Path(dirpath, name).relative_to(folder))
    found.sort(key=lambda rel: rel.parts)
    stems: dict[str, int] = {}
    for rel in found:
        stems[rel.stem] = stems.get(rel.stem, 0) + 1
    yield from problems
    for rel in found:
        doc_id = rel.stem if stems[rel.stem] == 1 else rel.with_suffix("").as_posix()
        yield _read_file(folder / rel, doc_id)


def _read_file(path: Path, doc_id: str) -> InputDoc:
    source = str(path)
    try:
        if not path.is_file():
            raise IsADirectoryError(0, "not a regular file")
        data = path.read_bytes()
    except OSError as exc:
        return InputDoc(doc_id, None, source, error=f"{path}: cannot read: {exc.strerror or exc}")
    try:
        text, warnings = clean_text(
            data, html=True if path.suffix.lower() in HTML_SUFFIXES else None
        )
    except (UnreadableInput, EmptyInput) as exc:
        return InputDoc(doc_id, None, source, error=f"{path}: {exc}")
    return InputDoc(doc_id, text, source, warnings=warnings)


def _iter_jsonl(path: Path) -> Iterator[InputDoc]:
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield InputDoc(
            path.stem, None, str(path), error=f"{path}: cannot read: {exc.strerror or exc}"
        )
        return
    with handle:
        lineno = 0
        while True:
            try:
                line = handle.readline()
            except OSError as exc:
                where = f"{path}:{lineno + 1}"
                yield InputDoc(
                    f"{path.stem}:{lineno + 1}", None, where, error=f"{where}: read error: {exc}"
                )
                return
            if not line:
                return
            lineno += 1
            if line.strip():
                yield _jsonl_record(path, lineno, line)


def _jsonl_record(path: Path, lineno: int, line: bytes) -> InputDoc:
    source = f"{path}:{lineno}"
    fallback_id = f"{path.stem}:{lineno}"
    warnings: list[str] = []
    try:
        raw = line.decode("utf-8-sig" if lineno == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        raw = line.decode("cp1252", errors="replace")
        warnings.append(f"line decoded as cp1252 (not valid UTF-8 at byte {exc.start})")
    try:
        record = json.loads(raw.rstrip("\r\n"))
    except json.JSONDecodeError as exc:
        return InputDoc(
            fallback_id,
            None,
            source,
            error=f"{source}: invalid JSON: {json_error(exc)}",
            warnings=warnings,
        )
    if not isinstance(record, dict):
        kind = _json_type(record)
        return InputDoc(
            fallback_id, None, source, error=f"{source}: expected a JSON object, got {kind}"
        )
    doc_id = record.get("id")
    doc_id = fallback_id if doc_id is None or doc_id == "" else str(doc_id)
    extra = {k: v for k, v in record.items() if k not in ("id", "text")}
    if "text" not in record:
        error = f"{source}: missing 'text' field"
        return InputDoc(doc_id, None, source, error=error, warnings=warnings, extra=extra)
    text = record["text"]
    if not isinstance(text, str):
        error = f"{source}: 'text' must be a string, got {_json_type(text)}"
        return InputDoc(doc_id, None, source, error=error, warnings=warnings, extra=extra)
    try:
        cleaned, more = clean_text(text)
    except (UnreadableInput, EmptyInput) as exc:
        return InputDoc(
            doc_id, None, source, error=f"{source}: {exc}", warnings=warnings, extra=extra
        )
    return InputDoc(doc_id, cleaned, source, warnings=warnings + more, extra=extra)


def json_error(exc: json.JSONDecodeError) -> str:
    """A JSON error as "Expecting value at column 12" (the line is the caller's to give)."""
    msg = exc.msg if exc.msg.endswith(" at") else f"{exc.msg} at"
    return f"{msg} column {exc.colno}"


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
