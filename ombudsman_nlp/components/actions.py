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
from bisect import bisect_left, bisect_right, insort

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..extensions import Sentences, doc_text
from ..extensions import sentences as sentence_index
from ..labels import ACTION_KINDS, ACTIONS_KEY
from ..rules import Hit, RuleMatcher
from .base import PatternComponent
from .reach import hit_reach, sections_of
from .wordsets import WordSetMatcher, compilable

CONTEXT = "CONTEXT"  # "agreed", "should", "recommend", "to remedy"
PAST = "PAST"  # "apologised", "revised procedures": done already, accepted as the remedy
REPORTED = "REPORTED"  # "complains", "wants", "would like" before the trigger
NEGATED = "NEGATED"  # "did not", "should have" right before the trigger
BOILERPLATE = "BOILERPLATE"  # "we publish guidance on remedies"
SET_ASIDE = "SET_ASIDE"  # "insufficient": a past action the decision found not enough
TOPIC = "TOPIC"  # "remind staff about": what follows is the reminder's subject, not an action
LEAD = "LEAD"  # "the following": a sentence that leads into a list even without a colon
COLON = "COLON"  # ":" (a sentence ending in one leads into a list)
MODIFIERS = (CONTEXT, PAST, REPORTED, NEGATED, BOILERPLATE, SET_ASIDE, TOPIC, LEAD, COLON)
SERVICE_IMPROVEMENT = "service_improvement"
_FRAMING = frozenset({CONTEXT, PAST})
# The labels whose phrases are found in the whole doc: they choose the sentences to read.
_WHOLE_DOC = frozenset({CONTEXT, PAST, LEAD, COLON, *ACTION_KINDS})
_ACTION_KINDS = frozenset(ACTION_KINDS)

SKIPPED_SECTIONS = frozenset({"furniture", "role_and_powers", "how_considered"})
PAST_SECTIONS = frozenset({"summary", "findings", "decision", "action"})
_NEGATION_REACH = 3  # tokens from a negation to the trigger it cancels
# Where triggers of two kinds overlap, the higher rank wins.
_KIND_RANK = {"reconsider": 4, "service_improvement": 3, "apology": 2, "provide_service": 1}
_KIND_RANK.update({kind: 0 for kind in ACTION_KINDS if kind not in _KIND_RANK})
_FOR_WORDS = frozenset({"for", "about", "over", "regarding"})
_MARKER_TOKENS = 4  # a list marker sentence ("1.", "(a)", "•") is at most this many tokens
_LEAD_REACH = 8  # content sentences walked back to find a list's lead-in
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
        # Token trigger patterns (verb and object sets) run only on sentences that can hold an
        # action: those with an agreement word, in the action section, or under a lead-in.
        # Word-set patterns run as regular expressions (``wordsets``), others in a Matcher.
        framed = [
            p
            for p in self.patterns
            if p.label in ACTION_KINDS and not p.is_phrase and compilable(p.pattern)  # type: ignore[arg-type]
        ]
        chosen = {p.id for p in framed}
        rest = [p for p in self.patterns if p.id not in chosen]
        # Modifiers are phrases (found in the whole doc before sentences are built); other token
        # triggers run through the word-set engine or, if not compilable, a Matcher over framed
        # sentences.
        # The phrases that choose the sentences to read run over the whole doc; the others
        # (REPORTED, NEGATED, TOPIC, ...) only decide a trigger's sentence, so they run only
        # around the sentences that hold one (see ``_around``).
        phrases = [p for p in rest if p.is_phrase]
        self._matcher = RuleMatcher(self.nlp, [p for p in phrases if p.label in _WHOLE_DOC])
        local = [p for p in phrases if p.label not in _WHOLE_DOC]
        self._local = RuleMatcher(self.nlp, local)
        self._local_reach = hit_reach(self.nlp, local)[0]
        self._tokens = RuleMatcher(self.nlp, [p for p in rest if not p.is_phrase])
        self._framed = WordSetMatcher(framed, self.nlp.vocab)

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[ACTIONS_KEY] = self._actions(doc)
        return doc

    def _actions(self, doc: Doc) -> list[Span]:
        hits = self._matcher(doc)
        section_starts, _, section_labels = sections_of(doc)
        # One pass over the hits: where the framing words, lead-in words and triggers are.
        framing: list[int] = []  # CONTEXT and PAST starts
        lead_words: list[int] = []  # LEAD starts
        colons: list[int] = []  # COLON starts
        triggers: list[Hit] = []
        for hit in hits:
            pattern, start, _ = hit  # unpacked: quicker than the named fields
            label = pattern.label
            if label in _FRAMING:
                framing.append(start)
            elif label in _ACTION_KINDS:
                triggers.append(hit)
            elif label == COLON:
                colons.append(start)
            elif label == LEAD:
                lead_words.append(start)
        if not framing and not triggers and "action" not in section_labels:
            return []
        sents = sentence_index(doc)
        starts, ends = sents.starts, sents.ends

        def section(token: int) -> str | None:
            where = bisect_right(section_starts, token) - 1
            return section_labels[where] if where >= 0 else None

        leads = _lead_ins(sents, lead_words, colons)
        framed = _framed_sentences(sents, framing, section_starts, section_labels, leads)
        if framed:
            more = self._framed.match(doc, [(starts[i], ends[i]) for i in framed])
            if self._tokens.patterns:
                more += self._tokens.in_bounds(
                    doc, [starts[i] for i in framed], [ends[i] for i in framed]
                )
            if more:
                # Into the sorted hits, after the hits of equal key (as a stable sort would).
                hits = list(hits)
                for hit in more:
                    insort(hits, hit, key=_hit_order)
                triggers = [h for h in hits if h.pattern.label in _ACTION_KINDS]
        if not triggers:
            return []
        longest = _longest(triggers)
        if self._local.patterns:
            read: set[int] = set()  # the sentences whose hits are read: triggers' and lead-ins
            for trigger in longest:
                index = bisect_right(starts, trigger.start) - 1
                if index >= 0 and section(trigger.start) not in SKIPPED_SECTIONS:
                    read.add(index)
                    lead = leads.get(index)
                    if lead is not None:
                        read.add(lead)
            if read:
                local = self._local.in_bounds(doc, *_around(sents, read, self._local_reach))
                if local:
                    hits = sorted([*hits, *local], key=_hit_order)
        hit_starts = [h.start for h in hits]

        def sentence_hits(index: int) -> list[Hit]:
            lo = bisect_right(hit_starts, starts[index] - 1)
            return hits[lo : bisect_right(hit_starts, ends[index] - 1)]

        text, start_chars = doc_text(doc), sents.start_chars
        spans: list[Span] = []
        seen: set[tuple[str, int]] = set()
        for trigger in longest:
            index = bisect_right(starts, trigger.start) - 1
            where = section(trigger.start)
            if index < 0 or where in SKIPPED_SECTIONS:
                continue
            key = (trigger.pattern.label, index)
            if key in seen:
                continue
            own = sentence_hits(index)
            lead = leads.get(index)
            lead_hits = sentence_hits(lead) if lead is not None else []
            if not _is_action(trigger, own, lead_hits, where, doc):
                continue
            seen.add(key)
            span = Span(doc, starts[index], ends[index], trigger.pattern.label)
            span.id_ = trigger.pattern.id
            deadline = _DEADLINE.search(text[start_chars[index] : sents.end_char(index)])
            if deadline is None and lead is not None:
                deadline = _DEADLINE.search(text[start_chars[lead] : sents.end_char(lead)])
            span._.deadline = deadline.group() if deadline else None
            spans.append(span)
        return spans


def _framed_sentences(
    sents: Sentences,
    framing: list[int],
    section_starts: list[int],
    section_labels: list[str],
    leads: dict[int, int],
) -> list[int]:
    """Indices of the sentences that can hold an action: with a CONTEXT or PAST word (at the
    token offsets ``framing``), in the action section, or list items whose lead-in has one."""
    starts = sents.starts
    chosen = {bisect_right(starts, start) - 1 for start in framing}
    chosen.discard(-1)
    # The sentences that start in an action section, as index ranges.
    for position, label in enumerate(section_labels):
        if label != "action":
            continue
        stop = section_starts[position + 1] if position + 1 < len(section_starts) else None
        first = bisect_left(starts, section_starts[position])
        last = bisect_left(starts, stop) if stop is not None else len(starts)
        chosen.update(range(first, last))
    for index, lead in leads.items():  # in sentence order: a lead-in may be a list item
        if index not in chosen and lead in chosen:
            chosen.add(index)
    return sorted(chosen)


def _longest(triggers: list[Hit]) -> list[Hit]:
    """Drop triggers inside a longer one ("apology" in "written apology") and, where triggers
    of two kinds overlap, the less specific kind ("carry out a [fresh assessment]").

    Each trigger is compared with the triggers that can overlap it only, found by start in
    a sorted copy: a long decision holds hundreds of triggers.
    """
    if len(triggers) < 2:
        return list(triggers)
    by_start = sorted(triggers, key=lambda h: h.start)
    starts = [h.start for h in by_start]
    longest = max(h.end - h.start for h in by_start)
    kept = []
    for t in triggers:
        # An overlapping trigger starts before ``t`` ends, and less than ``longest`` before it.
        near = by_start[bisect_left(starts, t.start - longest + 1) : bisect_left(starts, t.end)]
        if not any(
            o is not t
            and o.start < t.end
            and t.start < o.end
            and (
                _KIND_RANK[o.pattern.label] > _KIND_RANK[t.pattern.label]
                or (
                    o.pattern.label == t.pattern.label
                    and o.start <= t.start
                    and t.end <= o.end
                    and o.end - o.start > t.end - t.start
                )
            )
            for o in near
        ):
            kept.append(t)
    return kept


def _labels(hits: list[Hit]) -> set[str]:
    return {h.pattern.label for h in hits}


def _describes_fault(trigger: Hit, set_aside: Hit, doc: Doc) -> bool:
    """Whether a SET_ASIDE word names what the action is for ("apologise for the inadequate
    care"), not a verdict on a past remedy ("we consider this apology insufficient")."""
    if set_aside.start < trigger.end:
        return False
    return any(t.lower_ in _FOR_WORDS for t in doc[trigger.end : set_aside.start])


def _is_action(
    trigger: Hit, own: list[Hit], lead: list[Hit], section: str | None, doc: Doc
) -> bool:
    """Whether the trigger is an action this decision agreed or recommended."""
    start = trigger.start
    context = past = False
    for hit in own:  # one pass: any cancelling hit decides at once
        label = hit.pattern.label
        if label == BOILERPLATE:
            return False
        if label == SET_ASIDE:
            if not _describes_fault(trigger, hit, doc):
                return False
        elif label == REPORTED:
            if hit.end <= start:
                return False
        elif label == NEGATED:
            if hit.end <= start and start - hit.end <= _NEGATION_REACH:
                return False
        elif label == TOPIC:
            if hit.end <= start and trigger.pattern.label != SERVICE_IMPROVEMENT:
                return False
        elif label == CONTEXT:
            context = True
        elif label == PAST and hit.start <= start < hit.end:
            past = True
    lead_labels = _labels(lead)
    if REPORTED in lead_labels or BOILERPLATE in lead_labels:
        return False
    if section == "action" or CONTEXT in lead_labels or context:
        return True
    return past and section in PAST_SECTIONS


def _lead_ins(sents: Sentences, lead_words: list[int], colons: list[int]) -> dict[int, int]:
    """The lead-in each list item hangs from ("the Council has agreed to:"), by sentence.

    A sentence right after a list marker hangs from the nearest earlier sentence ending in ":"
    (a ``COLON`` hit, at the token offsets ``colons``) or holding a ``LEAD`` phrase (at
    ``lead_words``) with fewer than ``_LEAD_REACH`` content sentences between. A list marker
    is a sentence of at most ``_MARKER_TOKENS`` tokens of marker text. Sentences that hang
    from none are left out.
    """
    if not lead_words and not colons:  # no lead-in: no item hangs from one
        return {}
    starts, ends = sents.starts, sents.ends
    doc = sents.doc
    markers = sents.marker_sentences(_MARKER_TOKENS)
    if not markers:
        return {}
    lead_ins = {bisect_right(starts, start) - 1 for start in lead_words}
    for colon in colons:
        # The sentence's last token, or the last before trailing white space, is ":".
        index = bisect_right(starts, colon) - 1
        end = ends[index]
        if colon == end - 1 or (colon == end - 2 and doc[end - 1].is_space):
            lead_ins.add(index)
    lead_ins.difference_update(markers)
    if not lead_ins:
        return {}
    candidates = sorted(lead_ins)
    leads: dict[int, int] = {}
    # The markers before the first lead-in have none to hang from.
    for marker in markers[bisect_left(markers, candidates[0]) :]:
        index = marker + 1
        if index >= len(starts):
            break
        position = bisect_right(candidates, marker) - 1
        if position < 0:
            continue
        lead = candidates[position]
        # Content sentences between the lead-in and the item: neither markers nor lead-ins.
        between = marker - lead - (bisect_right(markers, marker) - bisect_right(markers, lead))
        if between < _LEAD_REACH:
            leads[index] = lead
    return leads


def _around(sents: Sentences, read: set[int], reach: int) -> tuple[list[int], list[int]]:
    """Token bounds (starts, ends) of the stretches of the doc that hold every hit starting in
    the sentences ``read`` of a pattern set whose hits span fewer than ``reach`` tokens: each
    sentence and those after it over ``reach`` tokens, joined where they meet."""
    starts, ends = sents.starts, sents.ends
    bounds: list[list[int]] = []
    for index in sorted(read):
        start, end = starts[index], ends[index]
        last = bisect_left(starts, end + reach) - 1  # the sentences starting before the reach
        end = max(end, ends[last])
        if bounds and start <= bounds[-1][1]:
            bounds[-1][1] = max(bounds[-1][1], end)
        else:
            bounds.append([start, end])
    return [start for start, _ in bounds], [end for _, end in bounds]


def _hit_order(hit: Hit) -> tuple[int, int, str]:
    """The order of the hits: by start, longest first, then by pattern id."""
    pattern, start, end = hit
    return start, -end, pattern.id


@Language.factory(
    "ombudsman_actions",
    assigns=["doc.spans", "span._.deadline"],
    requires=["token.is_sent_start"],
    default_config={"use_default_patterns": True},
)
def make_actions(nlp: Language, name: str, use_default_patterns: bool) -> ActionsTagger:
    """Factory of the non-payment action tagger."""
    return ActionsTagger(nlp, name, use_default_patterns)
