"""Sections and sentences: headings, page furniture, and sentence boundaries from lines."""

from __future__ import annotations

import re
from bisect import bisect_right

import numpy
from spacy.attrs import IDX
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..extensions import SectionRow, doc_text, remember_sections, set_sentence_starts
from ..labels import SECTIONS_KEY
from ..patterns import Pattern
from ..segment import BLANKS, MARKER_START, content_offset, sentence_ends, split_sentences
from .base import PatternComponent

HEADER = "header"
FURNITURE = "furniture"
PAGE_END = "page_end"  # furniture after which the rest of the page is furniture too
_MAX_HEADING = 90
# Headings and page furniture recur from decision to decision: the classification of lines up
# to this long is remembered (up to this many lines, then forgotten all at once).
_MAX_KNOWN_LINE = 200
_MAX_KNOWN = 20000
_UNKNOWN = object()
# Text without sentence punctuation (scraped junk) is cut into sentences of this many tokens:
# the rules' work on a sentence grows faster than its length. The longest sentence of the
# labelled decisions has 86 tokens (143 for a block of page furniture).
MAX_SENTENCE_TOKENS = 400


_FOOTNOTE = re.compile(r"(?<=[a-z])\d{1,2}$")  # "The Ombudsman's role and powers7"
# Metadata lines of the header: "Category : ...", "Decision date : ...", "Council (24 001 148)".
_METADATA = re.compile(
    r"^\s*(?:(?:category|decision date|decision|outcome|date)\s*:"
    r"|.*\(\d{2}\s?\d{3}\s?\d{3}[a-z]?\b)",
    re.I,
)
IMPLICIT_SUMMARY = "section.summary_after_header"
# First characters of a line that may be blank or start a list marker (or ``isdecimal``).
_PLAIN_START = MARKER_START | BLANKS


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
        self._index_first_words()

    def _index_first_words(self) -> None:
        """What lets :meth:`__call__` skip lines that cannot be headings before reading them.

        First words of the ``line``/``prefix`` phrases (several words: the key's first word
        must be it; one word: the key must start with it), and the longest
        apostrophe-free fragment of each ``contains`` phrase (ASCII only: found in the
        ASCII-lowered encoded text).
        """
        single: set[str] = set()
        multi: dict[str, set[str]] = {}
        self._any_line = False
        for phrase in [*self._line, *(p for p, _ in self._prefix)]:
            words = phrase.split(" ")
            if not words[0]:
                self._any_line = True
            elif len(words) > 1:
                multi.setdefault(words[0], set()).add(words[1])
            else:
                single.add(words[0])
        self._single_first = tuple(sorted(single))
        self._multi_first = {word: tuple(sorted(s)) for word, s in multi.items()}
        # The first three characters (lower case, ASCII) of a line that may open such a key:
        # those of each first word, or a shorter first word and any characters after it.
        openings: set[str] = set()
        for word in [*single, *multi]:
            if not word.isascii():
                self._any_line = True
            else:
                rests = [""]
                for _ in range(3 - len(word)):
                    rests = [rest + chr(c) for rest in rests for c in range(0x80)]
                openings.update(word[:3] + rest for rest in rests)
        self._openings = frozenset(openings)
        fragments: list[bytes] | None = []
        for phrase, _ in self._contains:
            fragment = max(re.split(r"[\s']+", phrase), key=len)
            if not fragment or not fragment.isascii():
                fragments = None
                break
            fragments.append(fragment.encode())
        self._contains_fragments = fragments
        self._known: dict[str, tuple[Pattern, int] | None] = {}  # lines classified before

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
        pattern = self._line.get(key)
        if pattern is None and key[-1].isdecimal():  # ``_FOOTNOTE`` ends with a ``\d``
            pattern = self._line.get(_FOOTNOTE.sub("", key))
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
        body_starts: list[int] = []  # line contents split at sentence punctuation
        body_ends: list[int] = []
        slow: list[int] = []  # of those, the ones that start with white space
        sections: list[tuple[int, str, str]] = [(0, HEADER, "section.header")]
        current = (HEADER, "section.header")
        in_header = True
        seen_metadata = False
        contained = self._contained_lines(text)
        single, multi, any_line = self._single_first, self._multi_first, self._any_line
        known, classify, openings = self._known, self.classify_line, self._openings
        position = 0
        for number, line in enumerate(text.split("\n")):
            length = len(line)
            start = position
            end = position = start + length
            position += 1
            if not length:
                continue
            head = line[0]
            if head in _PLAIN_START or head.isdecimal():
                if head.isspace() and line.isspace():
                    continue
                content_start = start + content_offset(line)
                if content_start > start:  # ``Line.has_marker``: a marker or an indent
                    if in_header:
                        seen_metadata, current, in_header = self._header_line(
                            line, start, seen_metadata, current, sections
                        )
                    sentence_chars.append(start)
                    if text[content_start].isspace():
                        slow.append(len(body_starts))
                    body_starts.append(content_start)
                    body_ends.append(end)
                    continue
                if head.isspace():
                    slow.append(len(body_starts))
            if (
                any_line
                or number in contained
                or (
                    (length < 3 or line[:3].lower() in openings or not line[:3].isascii())
                    and _first_words_may_head(line, single, multi)
                )
            ):
                found = known.get(line, _UNKNOWN)
                if found is _UNKNOWN:
                    found = classify(line)
                    if length <= _MAX_KNOWN_LINE:
                        if len(known) >= _MAX_KNOWN:
                            known.clear()
                        known[line] = found
                if found is not None:
                    if slow and slow[-1] == len(body_starts):
                        slow.pop()
                    pattern, content = found
                    sentence_chars.append(start)
                    if pattern.label == PAGE_END and current[0] != HEADER:
                        sections.append((start, FURNITURE, pattern.id))
                        break
                    if pattern.label in (FURNITURE, PAGE_END):
                        sections.append((start, FURNITURE, pattern.id))
                        sections.append((end, *current))
                        continue
                    current = (pattern.label, pattern.id)
                    in_header = False
                    sections.append((start, *current))
                    after = start + content
                    while after < end and text[after].isspace():
                        after += 1
                    if after < end:
                        sentence_chars.extend(s for s, _ in split_sentences(text, after, end))
                    continue
            if in_header:
                seen_metadata, current, in_header = self._header_line(
                    line, start, seen_metadata, current, sections
                )
            body_starts.append(start)
            body_ends.append(end)
        sentence_chars.extend(_body_sentences(text, body_starts, body_ends, slow))
        # Token offsets: sentence starts ("left"), then the first ("right", less one) and last
        # ("right") characters of each section, as ``doc.char_span(..., "expand")`` has them.
        bounds = _section_bounds(text, sections)
        count = len(sentence_chars)
        for start, end, _, _ in bounds:
            sentence_chars.append(start + 1)
            sentence_chars.append(end)
        idx = doc.to_array(IDX)
        tokens = numpy.searchsorted(idx, sentence_chars)  # ``bisect_left`` of each
        set_sentence_starts(doc, tokens[:count], idx, longest=MAX_SENTENCE_TOKENS)
        spans, rows = self._section_spans(doc, bounds, tokens[count:].tolist())
        doc.spans[SECTIONS_KEY] = spans
        remember_sections(doc, rows)
        return doc

    @staticmethod
    def _header_line(
        line: str,
        start: int,
        seen_metadata: bool,
        current: tuple[str, str],
        sections: list[tuple[int, str, str]],
    ) -> tuple[bool, tuple[str, str], bool]:
        """A line of the header: metadata, or (older layouts) the summary after it."""
        if current[0] != HEADER:
            return seen_metadata, current, False
        if _METADATA.match(line):
            return True, current, True
        if seen_metadata:
            # Older layouts: the complaint paragraph straight after the header lines.
            current = ("summary", IMPLICIT_SUMMARY)
            sections.append((start, *current))
            return seen_metadata, current, False
        return seen_metadata, current, True

    def _contained_lines(self, text: str) -> frozenset[int] | range:
        """Numbers of the lines that may hold a ``contains`` phrase (a range: all may)."""
        if not self._contains:
            return frozenset()
        if self._contains_fragments is None or "\u212a" in text or "\u0130" in text:
            return range(text.count("\n") + 1)  # case folding beyond ASCII: ask every line
        lowered = text.encode("utf-8", "surrogatepass").lower()
        found: list[int] = []
        for fragment in self._contains_fragments:
            at = lowered.find(fragment)
            while at >= 0:
                found.append(at)
                at = lowered.find(fragment, at + 1)
        numbers: set[int] = set()
        line, counted = 0, 0
        for at in sorted(found):
            line += lowered.count(b"\n", counted, at)
            counted = at
            numbers.add(line)
        return frozenset(numbers)

    def _section_spans(
        self,
        doc: Doc,
        bounds: list[tuple[int, int, str, str]],
        tokens: list[int],
    ) -> tuple[list[Span], list[SectionRow]]:
        """The section spans, and their rows."""
        spans: list[Span] = []
        rows: list[SectionRow] = []
        previous_end = 0
        for number, (_, _, label, pattern_id) in enumerate(bounds):
            first = tokens[2 * number] - 1
            last = tokens[2 * number + 1]
            if last <= first or (spans and first < previous_end):
                continue
            span = Span(doc, first, last, label=label, span_id=pattern_id)
            spans.append(span)
            rows.append(SectionRow(label, first, last, span.start_char, span.end_char))
            previous_end = last
        return spans, rows


def _section_bounds(
    text: str, sections: list[tuple[int, str, str]]
) -> list[tuple[int, int, str, str]]:
    """Each section's characters without the white space at either end (empty ones left out)."""
    kept: list[tuple[int, int, str, str]] = []
    bounds = [*sections[1:], (len(text), "", "")]
    for (start, label, pattern_id), (end, _, _) in zip(sections, bounds, strict=True):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            kept.append((start, end, label, pattern_id))
    return kept


def _body_sentences(text: str, starts: list[int], ends: list[int], slow: list[int]) -> list[int]:
    """Sentence starts of the line contents ``text[starts[i]:ends[i]]`` (sorted, disjoint).

    The same as :func:`split_sentences` on each: its ends are found in the whole text at
    once, and only contents holding a doubtful end (or ``slow``: starting with white space)
    are split on their own.
    """
    if not starts:
        return []
    found = sentence_ends(text)
    own = set(slow)
    for at in found.doubtful:
        line = bisect_right(starts, at) - 1
        if line >= 0 and at < ends[line]:
            own.add(line)
    if own:
        chars = [start for line, start in enumerate(starts) if line not in own]
        for line in sorted(own):
            chars.extend(s for s, _ in split_sentences(text, starts[line], ends[line]))
    else:
        chars = list(starts)
    for at, cut in zip(found.starts, found.ends, strict=True):
        line = bisect_right(starts, at) - 1
        if line >= 0 and at < ends[line] and line not in own:
            chars.append(cut)
    return chars


def _first_words_may_head(
    line: str, single: tuple[str, ...], multi: dict[str, tuple[str, ...]]
) -> bool:
    """Whether a line's first words let it match a ``line`` or ``prefix`` phrase.

    The key (see :func:`heading_key`) is the line's words in lower case with straight
    quotes, less end punctuation: a phrase of one word must start its first word, a phrase
    of several must be its first word and start its second.
    """
    words = line.split(None, 2)
    first = words[0].replace("\u2019", "'").replace("\u2018", "'").lower()
    if first.startswith(single):
        return True
    seconds = multi.get(first)
    if seconds is None or len(words) < 2:
        return False
    return words[1].replace("\u2019", "'").replace("\u2018", "'").lower().startswith(seconds)


@Language.factory(
    "ombudsman_sections",
    assigns=["doc.spans", "token.is_sent_start"],
    default_config={"use_default_patterns": True},
)
def make_sections(nlp: Language, name: str, use_default_patterns: bool) -> Sectionizer:
    """Factory of the section and sentence splitter."""
    return Sectionizer(nlp, name, use_default_patterns=use_default_patterns)
