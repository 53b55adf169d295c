"""Sections and sentences: headings, page furniture, and sentence boundaries from lines."""

from __future__ import annotations

import re

import numpy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..extensions import doc_text, forget_sentences
from ..labels import SECTIONS_KEY
from ..patterns import Pattern
from ..segment import iter_lines, split_sentences
from .base import PatternComponent

HEADER = "header"
FURNITURE = "furniture"
PAGE_END = "page_end"  # furniture after which the rest of the page is furniture too
_MAX_HEADING = 90


_FOOTNOTE = re.compile(r"(?<=[a-z])\d{1,2}$")  # "The Ombudsman's role and powers7"
# Metadata lines of the header: "Category : ...", "Decision date : ...", "Council (24 001 148)".
_METADATA = re.compile(
    r"^\s*(?:(?:category|decision date|decision|outcome|date)\s*:"
    r"|.*\(\d{2}\s?\d{3}\s?\d{3}[a-z]?\b)",
    re.I,
)
IMPLICIT_SUMMARY = "section.summary_after_header"


def heading_key(line: str) -> str:
    """A line normalised for heading lookup: lower case, straight quotes, no end punctuation."""
    # ``split`` and ``\s`` know the same white space: this is ``\s+`` -> " " and ``strip``.
    key = " ".join(line.replace("\u2019", "'").replace("\u2018", "'").split()).lower()
    return key.rstrip(":?.- ").strip()


class Sectionizer(PatternComponent):
    """Split a decision into sections and sentences.

    Writes ``doc.spans["sections"]`` (one span per section, labelled ``summary``,
    ``complaint``, ``findings``, ``action``, ``decision``, ``furniture``... and ``header``
    for the text before the first heading) and sets sentence starts: every line starts a
    sentence, a list marker is a sentence of its own, and lines split at sentence punctuation.
    """

    pattern_file = "sections.jsonl"

    def _compile(self) -> None:
        self._line: dict[str, Pattern] = {}
        self._prefix: list[tuple[str, Pattern]] = []
        self._contains: list[tuple[str, Pattern]] = []
        for pattern in self.patterns:
            if not isinstance(pattern.pattern, str):
                raise ValueError(f"{self.name}: pattern {pattern.id!r} must be a phrase")
            phrase = heading_key(pattern.pattern)
            mode = pattern.match or "line"
            if mode == "line":
                self._line.setdefault(phrase, pattern)
            elif mode == "prefix":
                self._prefix.append((phrase, pattern))
            else:
                self._contains.append((phrase, pattern))
        self._prefix.sort(key=lambda item: -len(item[0]))

    def classify_line(self, line: str) -> tuple[Pattern, int] | None:
        """The heading or furniture pattern a line matches, and where its content starts."""
        key = heading_key(line)
        if not key:
            return None
        for phrase, pattern in self._contains:
            if phrase in key and len(key) < 400:
                return pattern, len(line)
        if len(key) > _MAX_HEADING and ":" not in line[:_MAX_HEADING]:
            return None
        pattern = self._line.get(key) or self._line.get(_FOOTNOTE.sub("", key))
        if pattern is not None:
            return pattern, len(line)
        for phrase, pattern in self._prefix:
            if key.startswith(phrase):
                rest = key[len(phrase) :]
                if not rest or pattern.label in (FURNITURE, PAGE_END):
                    return pattern, len(line)
                if rest.lstrip().startswith(":"):
                    colon = line.find(":")
                    return pattern, colon + 1 if colon >= 0 else len(line)
        return None

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        if not len(doc):
            doc.spans[SECTIONS_KEY] = []
            return doc
        sentence_chars: list[int] = []
        sections: list[tuple[int, str, str]] = [(0, HEADER, "section.header")]
        current = (HEADER, "section.header")
        seen_metadata = False
        for line in iter_lines(text):
            found = self.classify_line(text[line.start : line.end])
            if found is not None and not line.has_marker:
                pattern, content = found
                sentence_chars.append(line.start)
                if pattern.label == PAGE_END and current[0] != HEADER:
                    sections.append((line.start, FURNITURE, pattern.id))
                    break
                if pattern.label in (FURNITURE, PAGE_END):
                    sections.append((line.start, FURNITURE, pattern.id))
                    sections.append((line.end, *current))
                    continue
                current = (pattern.label, pattern.id)
                sections.append((line.start, *current))
                content_start = line.start + content
                while content_start < line.end and text[content_start].isspace():
                    content_start += 1
                if content_start < line.end:
                    sentence_chars.extend(
                        s for s, _ in split_sentences(text, content_start, line.end)
                    )
                continue
            if current[0] == HEADER:
                if _METADATA.match(text[line.start : line.end]):
                    seen_metadata = True
                elif seen_metadata:
                    # Older layouts: the complaint paragraph straight after the header lines.
                    current = ("summary", IMPLICIT_SUMMARY)
                    sections.append((line.start, *current))
            if line.has_marker:
                sentence_chars.append(line.start)
            sentence_chars.extend(s for s, _ in split_sentences(text, line.content_start, line.end))
        self._set_sentences(doc, sentence_chars)
        doc.spans[SECTIONS_KEY] = self._section_spans(doc, text, sections)
        return doc

    @staticmethod
    def _set_sentences(doc: Doc, chars: list[int]) -> None:
        idx = doc.to_array([IDX]).reshape(-1)
        starts = numpy.full(len(doc), -1, dtype="int32")
        starts[0] = 1
        if chars:
            positions = numpy.searchsorted(idx, numpy.asarray(chars, dtype=idx.dtype), side="left")
            positions = positions[positions < len(doc)]
            starts[positions] = 1
        doc.from_array([SENT_START], starts.reshape(-1, 1).astype("uint64"))
        forget_sentences(doc)

    @staticmethod
    def _section_spans(doc: Doc, text: str, sections: list[tuple[int, str, str]]) -> list[Span]:
        spans: list[Span] = []
        bounds = [*sections[1:], (len(text), "", "")]
        for (start, label, pattern_id), (end, _, _) in zip(sections, bounds, strict=True):
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end <= start:
                continue
            span = doc.char_span(start, end, label=label, alignment_mode="expand")
            if span is None or not len(span):
                continue
            if spans and span.start < spans[-1].end:
                continue
            span.id_ = pattern_id
            spans.append(span)
        return spans


@Language.factory(
    "ombudsman_sections",
    assigns=["doc.spans", "token.is_sent_start"],
    default_config={"use_default_patterns": True},
)
def make_sections(nlp: Language, name: str, use_default_patterns: bool) -> Sectionizer:
    """Factory of the section and sentence splitter."""
    return Sectionizer(nlp, name, use_default_patterns=use_default_patterns)
