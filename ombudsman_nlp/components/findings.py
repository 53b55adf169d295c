"""Fault and injustice findings: sentence-level targets resolved by ConText scope rules."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..context import (
    ACCOUNT,
    BOILERPLATE,
    CLAUSE,
    COMPLAINED,
    COMPOUND,
    FRAME,
    HYPOTHETICAL,
    MODIFIER_LABELS,
    NEGATED,
    ORGANISATION,
    PSEUDO,
    REMEDY,
    REPORTED,
    TERMINATE,
    Modified,
    apply_context,
)
from ..labels import (
    CLAIMED_INJUSTICE,
    FAULT,
    FINDING_LABELS,
    FINDINGS_KEY,
    HEADS_KEY,
    INJUSTICE,
    INJUSTICE_KEY,
    INJUSTICE_LABELS,
    NO_FAULT,
    NO_INJUSTICE,
    SECTIONS_KEY,
)
from ..rules import Hit, RuleMatcher
from .base import PatternComponent

TARGET_LABELS = FINDING_LABELS + INJUSTICE_LABELS
NOT_INVESTIGATED = "NOT_INVESTIGATED"  # a decision-level cue: "We will not investigate"
CUE_LABELS: tuple[str, ...] = (NOT_INVESTIGATED,)
OUTCOME_CUES_KEY = "outcome_cues"
REMEDY_PURPOSES_KEY = "remedy_purposes"
_DROP = frozenset({HYPOTHETICAL, BOILERPLATE, ORGANISATION})
_FAMILIES: dict[str, str] = {
    FAULT: "fault",
    NO_FAULT: "fault",
    INJUSTICE: "injustice",
    NO_INJUSTICE: "injustice",
    CLAIMED_INJUSTICE: "injustice",
}
_NEVER = ["furniture", "role_and_powers", "how_considered"]
DEFAULT_EXCLUDED_SECTIONS: dict[str, list[str]] = {
    FAULT: [*_NEVER, "complaint", "investigated"],
    NO_FAULT: [*_NEVER, "complaint", "investigated"],
    INJUSTICE: [*_NEVER, "complaint", "investigated", "action"],
    NO_INJUSTICE: [*_NEVER, "complaint", "investigated", "action"],
    CLAIMED_INJUSTICE: [*_NEVER, "header", "action", "decision"],
}
# Sections written in the complainant's voice: what they hold is reported, not found.
DEFAULT_REPORTED_SECTIONS: tuple[str, ...] = ("complaint",)


def resolve_label(label: str, categories: frozenset[str], reported: bool = False) -> str | None:
    """The label a target takes under its modifiers, or None when they cancel it.

    ``reported`` says the sentence is in a section written in the complainant's voice.
    """
    if categories & _DROP:
        return None
    injustice = _FAMILIES[label] == "injustice"
    if injustice and categories & {REMEDY, COMPOUND}:
        return None
    if reported or REPORTED in categories:
        return CLAIMED_INJUSTICE if label in (INJUSTICE, CLAIMED_INJUSTICE) else None
    if label == CLAIMED_INJUSTICE:
        return None
    if NEGATED in categories:
        return {FAULT: NO_FAULT, INJUSTICE: NO_INJUSTICE}.get(label, label)
    return label


def licensed(label: str, item: Modified) -> bool:
    """Whether a harm word states an injustice: a frame reaches it, or it carries its own.

    A consequence (``FRAME``: "this caused", "as a result", "has had to") licenses every harm
    word, an account (``ACCOUNT``: "says", "feels") those not marked ``frame: consequence``
    (money and material words: "says the fees were wrong" is no harm). A bare harm word ("her
    anxiety is diagnosed", "complains about the fees") is no injustice. Other labels need none.
    """
    needs = item.hit.pattern.frame
    if label not in (INJUSTICE, CLAIMED_INJUSTICE) or needs == "own":
        return True
    if FRAME in item.categories:
        return True
    return needs is None and ACCOUNT in item.categories


def select_targets(hits: list[Hit]) -> list[Hit]:
    """Overlapping targets of one family keep the longest (then the earliest) hit.

    "not at fault" beats "at fault"; "did not properly" beats "properly considered".
    """
    ordered = sorted(hits, key=lambda h: (-(h.end - h.start), h.start, h.pattern.id))
    kept: list[Hit] = []
    for hit in ordered:
        family = _FAMILIES[hit.pattern.label]
        if any(
            _FAMILIES[k.pattern.label] == family and k.start < hit.end and hit.start < k.end
            for k in kept
        ):
            continue
        kept.append(hit)
    return sorted(kept, key=lambda h: (h.start, h.end))


def sentence_starts(doc: Doc) -> list[int]:
    """Token offsets where sentences start, read from the array (no Span per sentence)."""
    if not doc.has_annotation("SENT_START"):
        return [0]
    flags = doc.to_array([SENT_START])
    starts = numpy.flatnonzero(flags == 1).tolist()
    return starts if starts and starts[0] == 0 else [0, *starts]


def _cancels(pseudo: Hit, modifier: Hit) -> bool:
    """Whether a ``PSEUDO`` hit cancels a modifier: it overlaps and is not inside it."""
    inside = modifier.start <= pseudo.start and pseudo.end <= modifier.end
    return pseudo.start < modifier.end and modifier.start < pseudo.end and not inside


def trim(span: Span) -> Span:
    """The span without leading/trailing white space and list-marker punctuation."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].is_space or doc[start].text in {"-", "•", "*", "–"}):
        start += 1
    while end > start and (doc[end - 1].is_space or doc[end - 1].text in {",", ";", ":"}):
        end -= 1
    return doc[start:end]


class FindingsTagger(PatternComponent):
    """Tag ``FAULT``/``NO_FAULT`` (group ``findings``) and the injustice labels (``injustice``).

    Targets are patterns labelled with a finding or injustice label; scope modifiers are
    patterns labelled with a ConText category (``NEGATED``, ``REPORTED``, ...). Both live in
    ``findings.jsonl``. A span covers its sentence, or the clause when a ``TERMINATE`` word
    ("but", "however") separates two different findings, or when a ``CLAUSE`` word ("causing",
    "which caused") starts the consequence part of a reported sentence. Remedy purposes go to
    ``doc.spans["remedy_purposes"]`` and ``NOT_INVESTIGATED`` cues to
    ``doc.spans["outcome_cues"]``; neither is a scored mention.
    """

    pattern_file = "findings.jsonl"
    pattern_labels = TARGET_LABELS + CUE_LABELS + MODIFIER_LABELS

    def __init__(
        self,
        nlp: Language,
        name: str,
        use_default_patterns: bool = True,
        excluded_sections: dict[str, list[str]] | None = None,
        reported_sections: list[str] | None = None,
    ) -> None:
        self.excluded_sections = {
            label: set(sections)
            for label, sections in (excluded_sections or DEFAULT_EXCLUDED_SECTIONS).items()
        }
        self.reported_sections = set(
            DEFAULT_REPORTED_SECTIONS if reported_sections is None else reported_sections
        )
        super().__init__(nlp, name, use_default_patterns)

    def _compile(self) -> None:
        self._targets = RuleMatcher(
            self.nlp, [p for p in self.patterns if p.label in TARGET_LABELS + CUE_LABELS]
        )
        self._modifiers = RuleMatcher(
            self.nlp, [p for p in self.patterns if p.label in MODIFIER_LABELS]
        )
        # Sections no target may fire in (the standard paragraphs): not even matched.
        skipped = set.intersection(
            *(set(self.excluded_sections.get(lb, ())) for lb in TARGET_LABELS)
        )
        for pattern in self.patterns:
            skipped -= set(pattern.sections or ())
        self._skipped_sections = frozenset(skipped)

    def _scope(self, doc: Doc) -> list[Span] | None:
        """The sections targets may fire in, or None for the whole doc."""
        sections = doc.spans.get(SECTIONS_KEY, ())
        if not self._skipped_sections or not sections:
            return None
        return [s for s in sections if s.label_ not in self._skipped_sections]

    def __call__(self, doc: Doc) -> Doc:
        findings: list[Span] = []
        injustice: list[Span] = []
        purposes: list[Span] = []
        cues: list[Span] = []
        targets = self._targets(doc, self._scope(doc))
        if targets:
            starts = sentence_starts(doc)
            ends = [*starts[1:], len(doc)]
            held = sorted({bisect_right(starts, hit.start) - 1 for hit in targets})
            # Modifiers matter only in the sentences that hold a target.
            modifiers = self._modifiers(doc, [doc[starts[i] : ends[i]] for i in held])
            grouped = self._by_sentence(doc, starts, targets, modifiers)
            for sentence, section, hits, mods in grouped:
                cue_hits = [h for h in hits if h.pattern.label in CUE_LABELS]
                for hit in cue_hits:
                    if self._allowed(hit, hit.pattern.label, section):
                        cues.append(
                            Span(
                                doc,
                                hit.start,
                                hit.end,
                                label=hit.pattern.label,
                                span_id=hit.pattern.id,
                            )
                        )
                hits = [h for h in hits if h.pattern.label not in CUE_LABELS]
                if not hits:
                    continue
                tagged, purpose = self._tag_sentence(sentence, section, hits, mods)
                for span in tagged:
                    (findings if span.label_ in FINDING_LABELS else injustice).append(span)
                purposes.extend(purpose)
        doc.spans[FINDINGS_KEY] = findings
        doc.spans[INJUSTICE_KEY] = injustice
        doc.spans[REMEDY_PURPOSES_KEY] = purposes
        doc.spans[OUTCOME_CUES_KEY] = cues
        return doc

    @staticmethod
    def _by_sentence(doc, starts, targets, modifiers):
        ends = [*starts[1:], len(doc)]
        grouped: dict[int, list[Hit]] = defaultdict(list)
        for hit in targets:
            grouped[bisect_right(starts, hit.start) - 1].append(hit)
        grouped_mods: dict[int, list[Hit]] = defaultdict(list)
        for hit in modifiers:
            index = bisect_right(starts, hit.start) - 1
            if index in grouped:
                grouped_mods[index].append(hit)
        sections = list(doc.spans[SECTIONS_KEY]) if SECTIONS_KEY in doc.spans else []
        section_starts = [s.start for s in sections]
        for index in sorted(grouped):
            sentence = doc[starts[index] : ends[index]]
            position = bisect_right(section_starts, sentence.start) - 1
            section = None
            if position >= 0 and sentence.start < sections[position].end:
                section = sections[position].label_
            yield sentence, section, grouped[index], grouped_mods[index]

    def _allowed(self, hit: Hit, label: str, section: str | None) -> bool:
        pattern = hit.pattern
        if pattern.sections is not None:
            return section in pattern.sections
        if pattern.exclude_sections is not None and section in pattern.exclude_sections:
            return False
        return section not in self.excluded_sections.get(label, ())

    def _tag_sentence(
        self, sentence: Span, section: str | None, hits: list[Hit], mods: list[Hit]
    ) -> tuple[list[Span], list[Span]]:
        doc = sentence.doc
        reported = section in self.reported_sections
        resolved: list[tuple[str, Modified]] = []
        purposes: list[Span] = []
        for item in apply_context(select_targets(hits), mods, sentence.end):
            label = resolve_label(item.hit.pattern.label, item.categories, reported)
            purpose = REMEDY in item.categories and not item.categories & _DROP
            if purpose and item.hit.pattern.label == INJUSTICE and not reported:
                purposes.append(Span(doc, item.hit.start, item.hit.end, label=INJUSTICE))
            if label is None or not licensed(label, item):
                continue
            if self._allowed(item.hit, label, section):
                resolved.append((label, item))
        resolved = self._drop_complained_of(sentence, resolved, mods)
        if not resolved:
            return [], purposes
        labels = {lb for lb, _ in resolved}
        clauses = self._clauses(sentence, mods) if len(labels) > 1 else []
        claim_start = self._claim_start(sentence, resolved, mods, self._holds_head(sentence))
        spans: list[Span] = []
        seen: set[tuple[str, int, int]] = set()
        for label, item in resolved:
            extent = sentence
            for clause in clauses:
                if clause.start <= item.hit.start < clause.end:
                    extent = clause
                    break
            if label == CLAIMED_INJUSTICE and claim_start is not None:
                extent = doc[max(extent.start, claim_start) : extent.end]
            extent = trim(extent)
            key = (label, extent.start, extent.end)
            if key in seen or not len(extent):
                continue
            seen.add(key)
            spans.append(
                Span(doc, extent.start, extent.end, label=label, span_id=item.hit.pattern.id)
            )
        return spans, purposes

    @staticmethod
    def _drop_complained_of(
        sentence: Span, resolved: list[tuple[str, Modified]], mods: list[Hit]
    ) -> list[tuple[str, Modified]]:
        """Claims without the harm words that belong to a complained-of act.

        In "complains the Council failed to consider the impact on her health" the harm word
        lies inside the complaint head: it names what the organisation did, not what it
        caused. A consequence clause inside the head ("..., causing her distress") is a claim.
        """
        doc = sentence.doc
        if not any(lb == CLAIMED_INJUSTICE for lb, _ in resolved):
            return resolved
        tagged = doc.spans.get(HEADS_KEY, [])
        heads = [h for h in tagged if h.start < sentence.end and sentence.start < h.end]
        implied = not heads
        if implied:
            # No head tagged (a summary, a narrative): what follows "complained" is the act,
            # except a phrase that carries its own consequence ("complains she has had to pay").
            heads = [doc[m.end : sentence.end] for m in mods if m.pattern.label == COMPLAINED]
        if not heads:
            return resolved
        pseudo = [m for m in mods if m.pattern.label == PSEUDO]
        # A consequence that reaches the harm word as its effect: a clause marker or a frame
        # before it ("..., causing her distress"), or a cause after it ("... because of mould").
        # A two-way frame after the harm word has it as its subject ("the distress caused").
        frames = [
            m
            for m in mods
            if m.pattern.label in (CLAUSE, FRAME) and not any(_cancels(p, m) for p in pseudo)
        ]

        def effect(hit: Hit, head: Span) -> bool:
            for m in frames:
                backward = m.pattern.label == FRAME and m.pattern.direction == "backward"
                if backward and hit.end <= m.start < head.end:
                    return True
                if not backward and head.start <= m.start <= hit.start:
                    return True
            return False

        kept = []
        for label, item in resolved:
            inside = [h for h in heads if h.start <= item.hit.start < h.end]
            claim = label == CLAIMED_INJUSTICE
            if implied and item.hit.pattern.frame == "own":
                claim = False
            if claim and inside and not any(effect(item.hit, h) for h in inside):
                continue
            kept.append((label, item))
        return kept

    @staticmethod
    def _holds_head(sentence: Span) -> bool:
        """Whether a complaint head (tagged before this component) overlaps the sentence."""
        doc = sentence.doc
        if HEADS_KEY not in doc.spans:
            return False
        return any(h.start < sentence.end and sentence.start < h.end for h in doc.spans[HEADS_KEY])

    @staticmethod
    def _claim_start(
        sentence: Span, resolved: list[tuple[str, Modified]], mods: list[Hit], head: bool
    ) -> int | None:
        """Where a reported consequence clause starts, when every claim lies inside it.

        After a complained-of act ("complains the Council delayed, causing her distress", a
        sentence holding a complaint head) the claim is the clause; an account with no head
        ("says she cancelled the care, which has left her isolated") is the whole sentence.
        """
        claims = [item.hit.start for label, item in resolved if label == CLAIMED_INJUSTICE]
        if not claims:
            return None
        first = min(claims)
        pseudo = [m for m in mods if m.pattern.label == PSEUDO]
        cuts = [
            m.start
            for m in mods
            if m.pattern.label == CLAUSE
            and sentence.start < m.start <= first
            and not any(_cancels(p, m) for p in pseudo)
        ]
        if not cuts:
            return None
        cut = max(cuts)
        if not head and any(m.pattern.label == ACCOUNT and m.start < cut for m in mods):
            return None
        return cut

    @staticmethod
    def _clauses(sentence: Span, mods: list[Hit]) -> list[Span]:
        cuts = sorted(
            {
                (m.start, m.end)
                for m in mods
                if m.pattern.label == TERMINATE and sentence.start < m.start < sentence.end
            }
        )
        if not cuts:
            return []
        doc = sentence.doc
        starts = [sentence.start, *(end for _, end in cuts)]
        ends = [*(start for start, _ in cuts), sentence.end]
        clauses = []
        for start, end in zip(starts, ends, strict=True):
            while start < end and (doc[start].text in ",;" or doc[start].is_space):
                start += 1
            while end > start and (doc[end - 1].text in ",;" or doc[end - 1].is_space):
                end -= 1
            if end > start:
                clauses.append(doc[start:end])
        return clauses


@Language.factory(
    "ombudsman_findings",
    assigns=["doc.spans"],
    requires=["token.is_sent_start"],
    default_config={
        "use_default_patterns": True,
        "excluded_sections": None,
        "reported_sections": None,
    },
)
def make_findings(
    nlp: Language,
    name: str,
    use_default_patterns: bool,
    excluded_sections: dict[str, list[str]] | None,
    reported_sections: list[str] | None,
) -> FindingsTagger:
    """Factory of the fault and injustice tagger."""
    return FindingsTagger(nlp, name, use_default_patterns, excluded_sections, reported_sections)
