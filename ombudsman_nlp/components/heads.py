"""Complaint heads: the points the complainant says the organisation got wrong."""

from __future__ import annotations

from bisect import bisect_right

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..extensions import doc_text
from ..labels import COMPLAINT_HEAD, HEADS_KEY, SECTIONS_KEY
from ..rules import Hit, RuleMatcher
from ..segment import iter_lines
from .base import PatternComponent

TRIGGER = "HEAD_TRIGGER"  # "complains (that|about)", "says the Council": the head follows
NOT_HEAD = "NOT_HEAD"  # impact statements and desired outcomes: "says this caused", "wants"
HEAD_SECTIONS = ("complaint",)
FALLBACK_SECTIONS = ("summary", "header")
_TRAILING = ("; and", ", and", ";", " and", ",")


def strip_item_end(text: str) -> str:
    """A list item without a trailing "; and", ";", ", and" or "and"."""
    stripped = text.rstrip()
    for ending in _TRAILING:
        if stripped.endswith(ending):
            return stripped[: -len(ending)].rstrip()
    return stripped


class HeadsTagger(PatternComponent):
    """Tag ``COMPLAINT_HEAD`` spans in the complaint section (or the summary without one).

    Items of a list that follows a lead-in ending in ":" are heads, the lead-in is not;
    outside lists, the clause after a ``HEAD_TRIGGER`` is a head, up to the end of its
    sentence. Sentences with a ``NOT_HEAD`` hit are left alone.
    """

    pattern_file = "heads.jsonl"
    pattern_labels = (TRIGGER, NOT_HEAD)

    def _compile(self) -> None:
        self._matcher = RuleMatcher(self.nlp, self.patterns)

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[HEADS_KEY] = self._heads(doc)
        return doc

    def _scopes(self, doc: Doc) -> list[Span]:
        sections = list(doc.spans[SECTIONS_KEY]) if SECTIONS_KEY in doc.spans else []
        chosen = [s for s in sections if s.label_ in HEAD_SECTIONS]
        return chosen or [s for s in sections if s.label_ in FALLBACK_SECTIONS][:2]

    def _heads(self, doc: Doc) -> list[Span]:
        scopes = self._scopes(doc)
        if not scopes:
            return []
        sentences = [s for scope in scopes for s in scope.sents]
        hits = self._matcher(doc, sentences)
        starts = [s.start_char for s in sentences]
        by_sentence: dict[int, list[Hit]] = {}
        for hit in hits:
            index = bisect_right(starts, doc[hit.start].idx) - 1
            by_sentence.setdefault(index, []).append(hit)
        heads: list[Span] = []
        for scope in scopes:
            heads.extend(self._scope_heads(doc, scope, sentences, starts, by_sentence))
        return heads

    def _scope_heads(self, doc, scope, sentences, starts, by_sentence) -> list[Span]:
        text = doc_text(doc)
        heads: list[Span] = []
        in_list = False
        lead_indent = -1
        for line in iter_lines(text[: scope.end_char]):
            if line.end <= scope.start_char:
                continue
            content = text[line.content_start : line.end].strip()
            indent = line.content_start - line.start
            if not line.has_marker:
                in_list = False
            if in_list and line.has_marker and indent >= lead_indent:
                sentence_index = bisect_right(starts, line.content_start) - 1
                line_hits = by_sentence.get(sentence_index, [])
                if not any(h.pattern.label == NOT_HEAD for h in line_hits):
                    span = self._char_span(doc, line.content_start, line.content_start + len(strip_item_end(text[line.content_start : line.end].rstrip())), "list")
                    if span is not None:
                        heads.append(span)
                    continue
            if content.endswith(":"):
                in_list = True
                lead_indent = indent
                continue
            in_list = False
            heads.extend(self._clause_heads(doc, line, sentences, starts, by_sentence))
        return heads

    def _clause_heads(self, doc, line, sentences, starts, by_sentence) -> list[Span]:
        heads = []
        text = doc_text(doc)
        first = bisect_right(starts, line.content_start) - 1
        for index in range(max(first, 0), len(sentences)):
            sentence = sentences[index]
            if sentence.start_char >= line.end:
                break
            line_hits = by_sentence.get(index, [])
            if any(h.pattern.label == NOT_HEAD for h in line_hits):
                continue
            triggers = [h for h in line_hits if h.pattern.label == TRIGGER]
            if not triggers:
                continue
            start = doc[triggers[0].end].idx if triggers[0].end < len(doc) else None
            if start is None:
                continue
            end = sentence.end_char
            while end > start and text[end - 1].isspace():
                end -= 1
            span = self._char_span(doc, start, end, triggers[0].pattern.id)
            if span is not None:
                heads.append(span)
        return heads

    @staticmethod
    def _char_span(doc: Doc, start: int, end: int, pattern_id: str) -> Span | None:
        if end <= start:
            return None
        span = doc.char_span(start, end, label=COMPLAINT_HEAD, alignment_mode="expand")
        if span is None or not len(span):
            return None
        span.id_ = pattern_id if pattern_id != "list" else "heads.list_item"
        return span


@Language.factory(
    "ombudsman_heads",
    assigns=["doc.spans"],
    requires=["doc.spans"],
    default_config={"use_default_patterns": True},
)
def make_heads(nlp: Language, name: str, use_default_patterns: bool) -> HeadsTagger:
    """Factory of the complaint-head tagger."""
    return HeadsTagger(nlp, name, use_default_patterns)
