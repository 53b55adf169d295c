"""Non-payment remedies: apology, service improvement, reconsider, provide service, other.

A trigger ("apologise", "remind staff", "fresh assessment", "arrange care") is an action of
this decision when its sentence, or the lead-in of the list it belongs to ("The Council has
agreed to:"), says the organisation agreed, was recommended or will do it, or when it sits in
the action section; an apology or procedure change the organisation already made counts in
the summary, findings and decision unless the decision found it not enough. Not actions: what
the complainant wants or says, negated triggers ("did not apologise", "should have
reassessed"), and the standard paragraphs about remedies ("We publish guidance on remedies
which sets out our expectations for how organisations should apologise").
"""

from __future__ import annotations

import re
from bisect import bisect_right

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..labels import ACTION_KINDS, ACTIONS_KEY, SECTIONS_KEY
from ..rules import Hit, RuleMatcher
from .base import PatternComponent

CONTEXT = "CONTEXT"  # "agreed", "should", "recommend", "to remedy"
PAST = "PAST"  # "apologised", "revised procedures": done already, accepted as the remedy
REPORTED = "REPORTED"  # "complains", "wants", "would like" before the trigger
NEGATED = "NEGATED"  # "did not", "should have" right before the trigger
BOILERPLATE = "BOILERPLATE"  # "we publish guidance on remedies"
SET_ASIDE = "SET_ASIDE"  # "insufficient": a past action the decision found not enough
TOPIC = "TOPIC"  # "remind staff about": what follows is the reminder's subject, not an action
MODIFIERS = (CONTEXT, PAST, REPORTED, NEGATED, BOILERPLATE, SET_ASIDE, TOPIC)
SERVICE_IMPROVEMENT = "service_improvement"

SKIPPED_SECTIONS = frozenset({"furniture", "role_and_powers", "how_considered"})
PAST_SECTIONS = frozenset({"summary", "findings", "decision", "action"})
_NEGATION_REACH = 3  # tokens from a negation to the trigger it cancels
_LEAD_REACH = 8  # content sentences walked back to find a list's lead-in
_MARKER_RE = re.compile(
    r"^\s*(?:[-•*\u2022\u2013]|\(?[0-9]{1,2}[.)]|\(?[a-z][.)]|\(?[ivx]+[.)])\s*$"
)
_NUMBER = r"(?:one|two|three|four|five|six|eight|ten|twelve|\d+)"
_DEADLINE = re.compile(
    rf"\bwithin (?:{_NUMBER} (?:working |calendar )?(?:days?|weeks?|months?)|a (?:month|week))"
    r"(?: of (?:the|my|our|this|the Ombudsman[’']s) (?:final )?decision(?: statement)?)?"
    r"|\bby \d{1,2} [A-Z][a-z]+ \d{4}",
    re.I,
)


class ActionsTagger(PatternComponent):
    """Tag the sentences that agree or recommend a non-payment action, with its deadline."""

    pattern_file = "actions.jsonl"
    pattern_labels = (*ACTION_KINDS, *MODIFIERS)

    def _compile(self) -> None:
        self._matcher = RuleMatcher(self.nlp, self.patterns)

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[ACTIONS_KEY] = self._actions(doc)
        return doc

    def _actions(self, doc: Doc) -> list[Span]:
        hits = self._matcher(doc)
        triggers = [h for h in hits if h.pattern.label in ACTION_KINDS]
        if not triggers:
            return []
        sentences = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
        starts = [s.start for s in sentences]
        hit_starts = [h.start for h in hits]
        sections = list(doc.spans[SECTIONS_KEY]) if SECTIONS_KEY in doc.spans else []
        section_starts = [s.start for s in sections]

        def section(token: int) -> str | None:
            where = bisect_right(section_starts, token) - 1
            return sections[where].label_ if where >= 0 else None

        def sentence_hits(index: int) -> list[Hit]:
            s = sentences[index]
            return hits[bisect_right(hit_starts, s.start - 1) : bisect_right(hit_starts, s.end - 1)]

        spans: list[Span] = []
        seen: set[tuple[str, int]] = set()
        for trigger in _longest(triggers):
            index = bisect_right(starts, trigger.start) - 1
            where = section(trigger.start)
            if index < 0 or where in SKIPPED_SECTIONS:
                continue
            key = (trigger.pattern.label, index)
            if key in seen:
                continue
            own = sentence_hits(index)
            lead = _lead_in(sentences, index)
            lead_hits = sentence_hits(lead) if lead is not None else []
            if not _is_action(trigger, own, lead_hits, where):
                continue
            seen.add(key)
            sentence = sentences[index]
            span = Span(doc, sentence.start, sentence.end, trigger.pattern.label)
            span.id_ = trigger.pattern.id
            deadline = _DEADLINE.search(sentence.text)
            if deadline is None and lead is not None:
                deadline = _DEADLINE.search(sentences[lead].text)
            span._.deadline = deadline.group() if deadline else None
            spans.append(span)
        return spans


def _longest(triggers: list[Hit]) -> list[Hit]:
    """Drop triggers inside a longer one ("apology" in "written apology")."""
    return [
        t
        for t in triggers
        if not any(
            o is not t
            and o.start <= t.start
            and t.end <= o.end
            and o.end - o.start > t.end - t.start
            for o in triggers
        )
    ]


def _labels(hits: list[Hit]) -> set[str]:
    return {h.pattern.label for h in hits}


def _is_action(trigger: Hit, own: list[Hit], lead: list[Hit], section: str | None) -> bool:
    """Whether the trigger is an action this decision agreed or recommended."""
    if any(h.pattern.label in (BOILERPLATE, SET_ASIDE) for h in own):
        return False
    if any(h.pattern.label == REPORTED and h.end <= trigger.start for h in own):
        return False
    if any(
        h.pattern.label == NEGATED
        and h.end <= trigger.start
        and trigger.start - h.end <= _NEGATION_REACH
        for h in own
    ):
        return False
    if trigger.pattern.label != SERVICE_IMPROVEMENT and any(
        h.pattern.label == TOPIC and h.end <= trigger.start for h in own
    ):
        return False
    lead_labels = _labels(lead)
    if REPORTED in lead_labels or BOILERPLATE in lead_labels:
        return False
    if section == "action" or CONTEXT in lead_labels:
        return True
    if any(h.pattern.label == CONTEXT for h in own):
        return True
    past = any(h.pattern.label == PAST and h.start <= trigger.start < h.end for h in own)
    return past and section in PAST_SECTIONS


def _is_marker(sentence: Span) -> bool:
    return bool(_MARKER_RE.match(sentence.text))


def _lead_in(sentences: list[Span], index: int) -> int | None:
    """The sentence a list item hangs from ("the Council has agreed to:"), or None."""
    if index <= 0 or not _is_marker(sentences[index - 1]):
        return None
    i, seen = index - 1, 0
    while i >= 0 and seen < _LEAD_REACH:
        s = sentences[i]
        if not _is_marker(s):
            text = s.text.rstrip()
            if text.endswith(":") or "the following" in text.lower():
                return i
            seen += 1
        i -= 1
    return None


@Language.factory(
    "ombudsman_actions",
    assigns=["doc.spans", "span._.deadline"],
    requires=["token.is_sent_start"],
    default_config={"use_default_patterns": True},
)
def make_actions(nlp: Language, name: str, use_default_patterns: bool) -> ActionsTagger:
    """Factory of the non-payment action tagger."""
    return ActionsTagger(nlp, name, use_default_patterns)
