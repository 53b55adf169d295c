"""Lines, list markers and sentences of a decision text, by regular expression (no spaCy)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

_LINE = re.compile(r"[^\n]+")
# "- ", "• ", "1. ", "1.2 ", "a) ", "(iii) " at the start of a line.
_MARKER = re.compile(
    r"[ \t]*(?:[-•*–·▪◦‣]|\(?\d{1,3}(?:\.\d{1,3})*[.)]?(?=\s)|\(?[a-hj-z][.)]"
    r"|\(?[ivxl]{1,5}[.)])[ \t]+"
)
# A sentence ends at . ! ? (with closing quotes or brackets) before white space and a capital.
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(£\[]?[A-Z0-9£])")
_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "prof", "st", "e.g", "i.e", "etc", "cf", "vs", "v", "op", "approx"}
    | {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
)
# Abbreviations only before a number: "No. 3", "para. 12", "s. 17" (else "said no. Mrs X").
_NUMBER_ABBREVIATIONS = frozenset(
    {"no", "nos", "para", "paras", "s", "ss", "sch", "reg", "regs", "art", "ch", "pp", "p", "fig"}
)

# The characters a list marker can start with (and ``str.isdecimal``, which is ``\d``).
MARKER_START = frozenset(" \t-•*–·▪◦‣(abcdefghijklmnopqrstuvwxyz")
BLANKS = frozenset(c for c in map(chr, range(0x3001)) if c.isspace())  # all of ``str.isspace``

BULLET, NUMBER, ROMAN, LETTER = "bullet", "number", "roman", "letter"


class Line(NamedTuple):
    """One non-empty line: its character range, and where the text after a list marker starts."""

    start: int
    end: int
    content_start: int

    @property
    def has_marker(self) -> bool:
        return self.content_start > self.start


def line_indent(text: str, line: Line) -> int:
    """White space before a line's first character (its marker, if any)."""
    stop = line.start
    while stop < line.end and text[stop] in " \t":
        stop += 1
    return stop - line.start


def marker_kind(text: str, line: Line) -> str | None:
    """``bullet``, ``number``, ``roman`` or ``letter`` for a list line, None without a marker."""
    if not line.has_marker:
        return None
    marker = text[line.start : line.content_start].strip().strip("()")
    if not marker or not marker[0].isalnum():
        return BULLET
    if marker[0].isdigit():
        return NUMBER
    body = marker.rstrip(".)")
    if body and all(c in "ivxl" for c in body) and body != "l":
        return ROMAN
    return LETTER


def iter_lines(text: str, start: int = 0, end: int | None = None) -> Iterator[Line]:
    """Non-empty lines (of ``text[start:end]``) with their list-marker offsets."""
    stop = len(text) if end is None else end
    position = start
    for line in (text[start:stop] if start or stop < len(text) else text).split("\n"):
        length = len(line)
        first = position
        position += length + 1
        if not length or line.isspace():
            continue
        yield Line(first, first + length, first + content_offset(line))


def content_offset(line: str) -> int:
    """Where a line's content starts: after its list marker and the blanks that follow."""
    head = line[0]
    content = 0
    if head in MARKER_START or head.isdecimal():
        marker = _MARKER.match(line)
        if marker is not None and marker.end() < len(line):
            content = marker.end()
    length = len(line)
    while content < length and line[content] in " \t":
        content += 1
    return content


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence ranges within ``text[start:end]`` (one line's content)."""
    ranges: list[tuple[int, int]] = []
    begin = start
    for match in _SENTENCE_END.finditer(text, start, end):
        cut = match.start() + 1
        word = text[max(begin, cut - 12) : cut - 1].rsplit(None, 1)
        last = word[-1].lower().lstrip("(") if word else ""
        if last in _ABBREVIATIONS:
            continue
        if last in _NUMBER_ABBREVIATIONS and text[match.end() : match.end() + 1].isdigit():
            continue
        stop = match.end()
        while stop > cut and text[stop - 1].isspace():
            stop -= 1
        ranges.append((begin, stop))
        begin = match.end()
    if begin < end:
        stop = end
        while stop > begin and text[stop - 1].isspace():
            stop -= 1
        if stop > begin:
            ranges.append((begin, stop))
    return ranges


# ``_SENTENCE_END`` within lines, for the whole text at once: blanks but no line break, and one
# expression per end character (a literal first character is searched for fast).
_END_REST = r"[\"”’')\]]*[^\S\n]+(?=[\"“‘'(£\[]?[A-Z0-9£])"
_FULL_STOP_END = re.compile(r"\." + _END_REST)
_OTHER_ENDS = (re.compile(r"!" + _END_REST), re.compile(r"\?" + _END_REST))


def _after_abbreviation() -> re.Pattern[str]:
    """A full stop after an abbreviation (in any case) that follows a blank or "("."""
    by_length: dict[int, list[str]] = {}
    for word in sorted(_ABBREVIATIONS | _NUMBER_ABBREVIATIONS):
        by_length.setdefault(len(word), []).append(re.escape(word))
    behind = "|".join(
        rf"(?<=[\s(](?i:{'|'.join(words)})\.)" for _, words in sorted(by_length.items())
    )
    return re.compile(rf"\.(?:{behind})")


_ABBREVIATED = _after_abbreviation()


class SentenceEnds(NamedTuple):
    """Sentence ends found in a whole text at once (see :func:`sentence_ends`)."""

    starts: list[int]  # where each end's full stop is
    ends: list[int]  # where the sentence after it starts
    doubtful: list[int]  # sorted positions of punctuation :func:`split_sentences` must judge


def sentence_ends(text: str) -> SentenceEnds:
    """The sentence ends of :func:`split_sentences` in the whole text, lines kept apart.

    For a line's content ``text[start:end]`` (after its marker and blanks) they are the
    ends whose full stop lies within it, unless a ``doubtful`` position does: a full stop
    after what may be an abbreviation, a "!" or "?" that may end a sentence, anything near
    the start of the text. Then :func:`split_sentences` must split that content itself.
    """
    spans = [match.span() for match in _FULL_STOP_END.finditer(text)]
    doubtful = [match.start() for match in _ABBREVIATED.finditer(text)]
    doubtful.extend(start for start, _ in spans[:4] if start < 16)
    for char, expression in zip("!?", _OTHER_ENDS, strict=True):
        if char in text:
            doubtful.extend(match.start() for match in expression.finditer(text))
    doubtful.sort()
    return SentenceEnds([start for start, _ in spans], [end for _, end in spans], doubtful)
