"""Non-payment remedies: apology, service improvement, reconsider, provide service, other."""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..labels import ACTION_KINDS, ACTIONS_KEY, SECTIONS_KEY
from ..rules import RuleMatcher
from .base import PatternComponent

ACTION_SECTIONS = frozenset({"summary", "action", "decision", "findings"})
_DEADLINE = re.compile(
    r"\bwithin (?:(?:one|two|three|four|six|eight|twelve|\d+) (?:working )?(?:days?|weeks?|months?)"
    r"|a month|a week)(?: of (?:the|my|our|this) (?:final )?decision(?: statement)?)?",
    re.I,
)


class ActionsTagger(PatternComponent):
    """Tag the sentences that agree or recommend a non-payment action, with its deadline."""

    pattern_file = "actions.jsonl"
    pattern_labels = ACTION_KINDS

    def _compile(self) -> None:
        self._matcher = RuleMatcher(self.nlp, self.patterns)

    def __call__(self, doc: Doc) -> Doc:
        sections = [s for s in doc.spans[SECTIONS_KEY] if s.label_ in ACTION_SECTIONS] if SECTIONS_KEY in doc.spans else []
        sentences = [s for section in sections for s in section.sents]
        spans: list[Span] = []
        seen: set[tuple[str, int]] = set()
        for hit in self._matcher(doc, sentences) if sentences else []:
            sentence = next((s for s in sentences if s.start <= hit.start < s.end), None)
            if sentence is None or (hit.pattern.label, sentence.start) in seen:
                continue
            seen.add((hit.pattern.label, sentence.start))
            span = Span(doc, sentence.start, sentence.end, label=hit.pattern.label, span_id=hit.pattern.id)
            deadline = _DEADLINE.search(span.text)
            span._.deadline = deadline.group() if deadline else None
            spans.append(span)
        doc.spans[ACTIONS_KEY] = spans
        return doc


@Language.factory(
    "ombudsman_actions",
    assigns=["doc.spans"],
    requires=["token.is_sent_start"],
    default_config={"use_default_patterns": True},
)
def make_actions(nlp: Language, name: str, use_default_patterns: bool) -> ActionsTagger:
    """Factory of the non-payment action tagger."""
    return ActionsTagger(nlp, name, use_default_patterns)
