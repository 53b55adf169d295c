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
    marker_at = _MARKER.match
    for match in _LINE.finditer(text, start, len(text) if end is None else end):
        first, last = match.span()
        line = match.group()
        if line.isspace():
            continue
        marker = marker_at(line)
        content = first + (marker.end() if marker and marker.end() < len(line) else 0)
        while content < last and text[content] in " \t":
            content += 1
        yield Line(first, last, content)


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
