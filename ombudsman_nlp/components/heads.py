"""Complaint heads: the points the complainant says the organisation got wrong."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from spacy.attrs import IDX
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..extensions import SectionRow, cached_sentences, doc_text, section_rows
from ..labels import COMPLAINT_HEAD, HEADS_KEY
from ..rules import Hit, RuleMatcher
from ..segment import Line, iter_lines, line_indent, marker_kind
from .base import PatternComponent

TRIGGER = "HEAD_TRIGGER"  # "complains (that|about)", "says the Council": the head follows
NOT_HEAD = "NOT_HEAD"  # impact statements and desired outcomes: "says this caused", "wants"
LIST_LEAD = "LIST_LEAD"  # words that make a line ending in ":" the lead-in of a list of heads
LEAD_ADDS = "LEAD_ADDS"  # "also": a lead-in that adds to, not introduces, the heads before it
CONTINUATION = "HEAD_CONTINUATION"  # sentence-initial "And", "Also, that": one more head
DEFER = "HEAD_DEFER"  # "on behalf of", "to us": the head starts after a later "that"/"about"
LABELS = (TRIGGER, NOT_HEAD, LIST_LEAD, LEAD_ADDS, CONTINUATION, DEFER)

HEAD_SECTIONS = ("complaint",)
FALLBACK_SECTIONS = ("summary", "header")
NOT_HEAD_SCOPE = 12  # tokens after a head's start within which a NOT_HEAD hit cancels it
_TRAILING = ("; and", ", and", "; or", ", or", ";", ",", " and", " or", ":")
_LEAD_ENDS = (":", ";")
_CLOSED = (".", "!", "?", ".”", ".’", '."', ".)")
_DEFERRED_START = frozenset({"that", "about"})
_JOINERS = frozenset({"and", "also", ",", ";", "-", "–"})
_BARE_MARKERS = frozenset("-•*–·▪◦‣")
_OPEN_ENDS = (";", "; and", ", and", "; or", ",", " and", " or")
# A second trigger in a sentence starts a new head only after one of these (or a name).
_SPLIT_AFTER = frozenset({"and", "but", "also", "he", "she", "they", ",", ";"})
_MAX_ITEM_SENTENCES = 2  # a longer item is a paragraph (same marker) or keeps its first sentence


def strip_item_end(text: str) -> str:
    """A list item without a trailing "; and", ";", ", and" or "and"."""
    stripped = text.rstrip()
    for ending in _TRAILING:
        if stripped.endswith(ending):
            return stripped[: -len(ending)].rstrip()
    return stripped


@dataclass
class _ListState:
    """The list being read: how its lead-in was marked and whether its items are heads."""

    heads: bool
    kind: str | None
    indent: int
    open_item: bool = True  # the previous item (or the lead-in) did not end a sentence
    closed_style: bool = False  # items end with a full stop
    items: int = 0
    nested: bool = False  # items are marked differently from the lead-in


@dataclass
class _Context:
    """Hits and sentences of the scopes being read."""

    doc: Doc
    text: str  # the doc's text, read once (``Doc.text`` rebuilds it on every access)
    starts: list[int]  # of each sentence: its first character
    end_chars: list[int]  # its ``end_char``
    token_starts: list[int]  # its ``start``
    token_ends: list[int]  # its ``end``
    hits: dict[int, list[Hit]] = field(default_factory=dict)
    _token_chars: list[int] | None = None

    def token_at(self, char: int) -> int:
        """The token holding the character ``char`` (not white space): a bisect of offsets."""
        chars = self._token_chars
        if chars is None:
            chars = self._token_chars = self.doc.to_array(IDX).tolist()
        return bisect_right(chars, char) - 1

    def char_span_tokens(self, start: int, end: int) -> tuple[int, int] | None:
        """``doc.char_span(start, end, alignment_mode="expand")`` as token bounds."""
        text = self.text
        if end <= start or text[start].isspace() or text[end - 1].isspace():
            span = self.doc.char_span(start, end, alignment_mode="expand")
            return None if span is None else (span.start, span.end)
        return self.token_at(start), self.token_at(end - 1) + 1

    def sentence_range(self, start: int, end: int) -> range:
        """Indices of the sentences that start within ``[start, end)`` characters."""
        return range(bisect_left(self.starts, start), bisect_left(self.starts, end))


class HeadsTagger(PatternComponent):
    """Tag ``COMPLAINT_HEAD`` spans in the complaint section (or the summary without one).

    Items of a list that follows a complaint lead-in ending in ":" are heads, the lead-in (and
    a general complaint just before it) is not; outside lists, the clause after a
    ``HEAD_TRIGGER`` is a head, up to the next trigger or the end of its sentence. A
    ``NOT_HEAD`` hit before or near the start of a head cancels it.
    """

    pattern_file = "heads.jsonl"
    pattern_labels = LABELS

    def _compile(self) -> None:
        self._matcher = RuleMatcher(self.nlp, self.patterns)

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[HEADS_KEY] = self._heads(doc)
        return doc

    def _heads(self, doc: Doc) -> list[Span]:
        sections = section_rows(doc)
        complaint = [s for s in sections if s.label in HEAD_SECTIONS]
        fallback = [s for s in sections if s.label in FALLBACK_SECTIONS]
        if not complaint and not fallback:
            return []
        text = doc_text(doc)
        heads = self._scopes_heads(doc, text, complaint) if complaint else []
        if not heads:
            heads = self._scopes_heads(doc, text, fallback)
        return heads

    def _scopes_heads(self, doc: Doc, text: str, scopes: list[SectionRow]) -> list[Span]:
        if not scopes:
            return []
        bounds = _scope_sentences(doc, scopes)
        if bounds is None:
            sentences = [s for scope in scopes for s in doc[scope.start : scope.end].sents]
            bounds = (
                [s.start for s in sentences],
                [s.end for s in sentences],
                [s.start_char for s in sentences],
                [s.end_char for s in sentences],
            )
        token_starts, token_ends, start_chars, end_chars = bounds
        context = _Context(doc, text, start_chars, end_chars, token_starts, token_ends)
        for hit in self._matcher.in_bounds(doc, token_starts, token_ends):
            index = bisect_left(token_starts, hit.start + 1) - 1
            if index >= 0 and hit.end <= token_ends[index]:
                context.hits.setdefault(index, []).append(hit)
        heads: list[Span] = []
        for scope in scopes:
            heads.extend(self._scope_heads(context, scope))
        return heads

    # -- lines and lists ---------------------------------------------------------------------
    def _scope_heads(self, context: _Context, scope: SectionRow) -> list[Span]:
        text = context.text
        lines = [
            line
            for line in iter_lines(text, scope.start_char, scope.end_char)
            if text[line.start : line.end].strip() not in _BARE_MARKERS
        ]
        heads: list[tuple[int, Span]] = []  # (line number, head)
        state: _ListState | None = None
        for number, line in enumerate(lines):
            if state is not None and self._is_item(context, state, line):
                if state.heads:
                    span = self._item_head(context, line)
                    if span is not None:
                        heads.append((number, span))
                continue
            state = None
            line_heads = self._clause_heads(context, line)
            next_line = lines[number + 1] if number + 1 < len(lines) else None
            content = text[line.content_start : line.end].rstrip()
            if content.endswith(_LEAD_ENDS) and next_line is not None and next_line.has_marker:
                lead = self._lead_sentence(context, line)
                is_heads = lead is not None and self._is_head_lead(context, lead)
                state = _ListState(is_heads, marker_kind(text, line), line_indent(text, line))
                if lead is not None:
                    line_heads = [h for h in line_heads if h.start_char < lead[1]]
                if is_heads and lead is not None and not self._has(context, lead, LEAD_ADDS):
                    line_heads = []
                    heads = [(n, h) for n, h in heads if n != number - 1]
            heads.extend((number, h) for h in line_heads)
        return [h for _, h in heads]

    def _is_item(self, context: _Context, state: _ListState, line: Line) -> bool:
        """Whether a line continues the list; updates the list state."""
        if not line.has_marker:
            return False
        text = context.text
        content = text[line.content_start : line.end].rstrip()
        kind, indent = marker_kind(text, line), line_indent(text, line)
        nested = state.kind is None or kind != state.kind or indent > state.indent
        sentences = self._line_sentences(context, line)
        if not nested:
            if state.nested:
                return False
            if not state.open_item and not content.endswith(_OPEN_ENDS):
                if not state.closed_style or len(sentences) > _MAX_ITEM_SENTENCES:
                    return False
                if sentences and self._has(context, sentences[0], TRIGGER):
                    return False
                if self._blocked(context, line):
                    return False
        if state.heads and self._blocked(context, line):
            return False
        closed = content.endswith(_CLOSED)
        if state.items == 0:
            state.closed_style = closed
            state.nested = nested
        state.items += 1
        state.open_item = not closed
        return True

    def _blocked(self, context: _Context, line: Line) -> bool:
        """Whether a NOT_HEAD hit falls near the start of a list item's first sentence."""
        first = self._line_sentences(context, line)[:1]
        if not first:
            return False
        blockers = [h for h in context.hits.get(first[0][0], ()) if h.pattern.label == NOT_HEAD]
        if not blockers:
            return False
        start = context.char_span_tokens(line.content_start, line.end)[0]
        return any(h.start < start + _scope(h) for h in blockers)

    def _item_head(self, context: _Context, line: Line) -> Span | None:
        text = context.text
        stop = line.end
        sentences = self._line_sentences(context, line)
        if len(sentences) > _MAX_ITEM_SENTENCES:
            stop = sentences[0][2]
        end = line.content_start + len(strip_item_end(text[line.content_start : stop]))
        return self._char_span(context, line.content_start, end, "heads.list_item")

    def _lead_sentence(self, context: _Context, line: Line) -> tuple[int, int, int] | None:
        """The last sentence of a lead-in line: (sentence index, start char, end char)."""
        found = self._line_sentences(context, line)
        return found[-1] if found else None

    def _is_head_lead(self, context: _Context, lead: tuple[int, int, int]) -> bool:
        if self._has(context, lead, NOT_HEAD):
            return False
        return self._has(context, lead, TRIGGER) or self._has(context, lead, LIST_LEAD)

    # -- sentences and clauses ---------------------------------------------------------------
    def _line_sentences(self, context: _Context, line: Line) -> list[tuple[int, int, int]]:
        found = []
        for index in context.sentence_range(line.content_start, line.end):
            found.append((index, context.starts[index], min(context.end_chars[index], line.end)))
        if not found or found[0][1] > line.content_start:
            index = bisect_left(context.starts, line.content_start + 1) - 1
            if index >= 0 and context.end_chars[index] > line.content_start:
                found.insert(0, (index, line.content_start, context.end_chars[index]))
        return found

    @staticmethod
    def _has(context: _Context, sentence: tuple[int, int, int], label: str) -> bool:
        return any(h.pattern.label == label for h in context.hits.get(sentence[0], ()))

    def _clause_heads(self, context: _Context, line: Line) -> list[Span]:
        doc = context.doc
        heads: list[Span] = []
        previous_had_head = False
        for index, _, _ in self._line_sentences(context, line):
            hits = context.hits.get(index, [])
            bounds = (context.token_starts[index], context.token_ends[index])
            found = self._sentence_heads(doc, bounds, hits, previous_had_head)
            heads.extend(found)
            previous_had_head = bool(found)
        return heads

    def _sentence_heads(
        self, doc: Doc, sentence: tuple[int, int], hits: list[Hit], after_head: bool
    ) -> list[Span]:
        """The heads of one sentence, given by its token bounds."""
        if not hits:
            return []
        triggers = _leftmost_longest([h for h in hits if h.pattern.label == TRIGGER])
        blockers = [h for h in hits if h.pattern.label == NOT_HEAD]
        starts: list[tuple[int, int, str]] = []  # (head start token, trigger start, id)
        for hit in triggers:
            if starts and not _splits(doc, hit.start):
                continue
            offset = hit.pattern.head_start
            start = (
                hit.end
                if offset is None
                else (hit.start + offset if offset >= 0 else hit.end + offset)
            )
            starts.append((start, hit.start, hit.pattern.id))
        if not starts and after_head:
            lead = [h for h in hits if h.pattern.label == CONTINUATION and h.start == sentence[0]]
            if lead:
                hit = max(lead, key=lambda h: h.end)
                starts.append((hit.end, hit.start, hit.pattern.id))
        defers = {h.start: h for h in hits if h.pattern.label == DEFER}
        heads: list[Span] = []
        for number, (start, _, pattern_id) in enumerate(starts):
            end = starts[number + 1][1] if number + 1 < len(starts) else sentence[1]
            if start in defers:
                start = _after_deferred(doc, defers[start].end, end)
                if start is None:
                    continue
            if any(b.start < min(start + _scope(b), end) for b in blockers):
                continue
            while end > start:
                last = doc[end - 1]
                if not (last.is_space or last.lower_ in _JOINERS):
                    break
                end -= 1
            if not _two_alpha(doc, start, end):
                continue
            span = Span(doc, start, end, label=COMPLAINT_HEAD)
            span.id_ = pattern_id
            heads.append(span)
        return heads

    @staticmethod
    def _char_span(context: _Context, start: int, end: int, pattern_id: str) -> Span | None:
        if end <= start:
            return None
        tokens = context.char_span_tokens(start, end)
        if tokens is None or tokens[1] <= tokens[0]:
            return None
        span = Span(context.doc, tokens[0], tokens[1], label=COMPLAINT_HEAD)
        span.id_ = pattern_id
        return span


def _scope_sentences(
    doc: Doc, scopes: list[SectionRow]
) -> tuple[list[int], list[int], list[int], list[int]] | None:
    """The token and character bounds of ``[s for scope in scopes for s in scope.sents]``.

    Read from the doc's sentence index when the sectionizer left one (else None).
    """
    index = cached_sentences(doc)
    if index is None:
        return None
    starts, ends = index.starts, index.ends
    chosen: list[int] = []
    for scope in scopes:
        first, stop = bisect_right(starts, scope.start) - 1, bisect_left(starts, scope.end)
        chosen.extend(range(max(first, 0), max(stop, first + 1)))
    start_chars, end_char = index.start_chars, index.end_char
    token_starts = [starts[i] for i in chosen]
    token_ends = [ends[i] for i in chosen]
    return (
        token_starts,
        token_ends,
        [start_chars[i] for i in chosen],
        [end_char(i) for i in chosen],
    )


def _two_alpha(doc: Doc, start: int, end: int) -> bool:
    """Whether ``doc[start:end]`` holds at least two alphabetic tokens."""
    found = 0
    for i in range(start, end):
        if doc[i].is_alpha:
            if found:
                return True
            found = 1
    return False


def _splits(doc: Doc, start: int) -> bool:
    """Whether a trigger after another one in a sentence starts a head of its own."""
    if start == 0:
        return True
    before = doc[start - 1]
    return before.lower_ in _SPLIT_AFTER or not before.is_lower


def _scope(hit: Hit) -> int:
    return hit.pattern.max_scope if hit.pattern.max_scope is not None else NOT_HEAD_SCOPE


def _leftmost_longest(hits: list[Hit]) -> list[Hit]:
    """Non-overlapping hits, preferring the earliest and then the longest."""
    chosen: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if chosen and hit.start < chosen[-1].end:
            continue
        chosen.append(hit)
    return chosen


def _after_deferred(doc: Doc, start: int, end: int) -> int | None:
    """The token after the first "that"/"about" in ``doc[start:end]``, or None."""
    for token in doc[start:end]:
        if (
            token.lower_ in _DEFERRED_START
            and token.i + 1 < end
            and doc[token.i + 1].lower_ != "of"
        ):
            return token.i + 1
    return None


@Language.factory(
    "ombudsman_heads",
    assigns=["doc.spans"],
    requires=["doc.spans"],
    default_config={"use_default_patterns": True},
)
def make_heads(nlp: Language, name: str, use_default_patterns: bool) -> HeadsTagger:
    """Factory of the complaint-head tagger."""
    return HeadsTagger(nlp, name, use_default_patterns)
