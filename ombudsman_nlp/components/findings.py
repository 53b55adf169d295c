"""Fault and injustice findings: sentence-level targets resolved by ConText scope rules."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..context import (
    BOILERPLATE,
    HYPOTHETICAL,
    MODIFIER_LABELS,
    NEGATED,
    ORGANISATION,
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
_DROP = frozenset({HYPOTHETICAL, BOILERPLATE, ORGANISATION})
_NEVER = ["header", "furniture", "role_and_powers", "how_considered"]
DEFAULT_EXCLUDED_SECTIONS: dict[str, list[str]] = {
    FAULT: [*_NEVER, "complaint", "investigated"],
    NO_FAULT: [*_NEVER, "complaint", "investigated"],
    INJUSTICE: [*_NEVER, "complaint", "investigated"],
    NO_INJUSTICE: [*_NEVER, "complaint", "investigated"],
    CLAIMED_INJUSTICE: [*_NEVER, "action", "decision"],
}


def resolve_label(label: str, categories: frozenset[str]) -> str | None:
    """The label a target takes under its modifiers, or None when they cancel it."""
    if categories & _DROP:
        return None
    if label == CLAIMED_INJUSTICE:
        return label
    if REPORTED in categories:
        return CLAIMED_INJUSTICE if label in (INJUSTICE, NO_INJUSTICE) else None
    if NEGATED in categories:
        return {FAULT: NO_FAULT, INJUSTICE: NO_INJUSTICE}.get(label, label)
    return label


def trim(span: Span) -> Span:
    """The span without leading/trailing white space and list-marker punctuation."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].is_space or doc[start].text in {"-", "•", "*", "–"}):
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    return doc[start:end]


class FindingsTagger(PatternComponent):
    """Tag ``FAULT``/``NO_FAULT`` (group ``findings``) and the injustice labels (``injustice``).

    Targets are patterns labelled with a finding or injustice label; scope modifiers are
    patterns labelled with a ConText category (``NEGATED``, ``REPORTED``, ...). Both live in
    ``findings.jsonl``. A span covers its sentence, or the clause when a ``TERMINATE`` word
    ("but", "however") separates two different findings.
    """

    pattern_file = "findings.jsonl"
    pattern_labels = TARGET_LABELS + MODIFIER_LABELS

    def __init__(
        self,
        nlp: Language,
        name: str,
        use_default_patterns: bool = True,
        excluded_sections: dict[str, list[str]] | None = None,
    ) -> None:
        self.excluded_sections = {
            label: set(sections)
            for label, sections in (excluded_sections or DEFAULT_EXCLUDED_SECTIONS).items()
        }
        super().__init__(nlp, name, use_default_patterns)

    def _compile(self) -> None:
        self._targets = RuleMatcher(
            self.nlp, [p for p in self.patterns if p.label in TARGET_LABELS]
        )
        self._modifiers = RuleMatcher(
            self.nlp, [p for p in self.patterns if p.label in MODIFIER_LABELS]
        )

    def __call__(self, doc: Doc) -> Doc:
        findings: list[Span] = []
        injustice: list[Span] = []
        sentences = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
        targets = self._targets(doc, sentences)
        if targets:
            modifiers = self._modifiers(doc, sentences)
            for sentence, section, hits, mods in self._by_sentence(doc, sentences, targets, modifiers):
                for span in self._tag_sentence(sentence, section, hits, mods):
                    (findings if span.label_ in FINDING_LABELS else injustice).append(span)
        doc.spans[FINDINGS_KEY] = findings
        doc.spans[INJUSTICE_KEY] = injustice
        return doc

    @staticmethod
    def _by_sentence(doc, sentences, targets, modifiers):
        starts = [s.start for s in sentences]
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
            sentence = sentences[index]
            position = bisect_right(section_starts, sentence.start) - 1
            section = sections[position].label_ if position >= 0 else None
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
    ) -> list[Span]:
        resolved: list[tuple[str, Modified]] = []
        for item in apply_context(hits, mods, sentence.end):
            label = resolve_label(item.hit.pattern.label, item.categories)
            if label is not None and self._allowed(item.hit, label, section):
                resolved.append((label, item))
        if not resolved:
            return []
        clauses = self._clauses(sentence, mods) if len({lb for lb, _ in resolved}) > 1 else []
        spans: list[Span] = []
        seen: set[tuple[str, int, int]] = set()
        for label, item in resolved:
            extent = sentence
            for clause in clauses:
                if clause.start <= item.hit.start < clause.end:
                    extent = clause
                    break
            extent = trim(extent)
            key = (label, extent.start, extent.end)
            if key in seen or not len(extent):
                continue
            seen.add(key)
            spans.append(Span(sentence.doc, extent.start, extent.end, label=label, span_id=item.hit.pattern.id))
        return spans

    @staticmethod
    def _clauses(sentence: Span, mods: list[Hit]) -> list[Span]:
        cuts = sorted({m.start for m in mods if m.pattern.label == TERMINATE and m.start > sentence.start})
        if not cuts:
            return []
        doc = sentence.doc
        bounds = [sentence.start, *cuts, sentence.end]
        clauses = []
        for start, end in zip(bounds, bounds[1:]):
            while end > start and (doc[end - 1].is_punct and doc[end - 1].text in ",;" or doc[end - 1].is_space):
                end -= 1
            if end > start:
                clauses.append(doc[start:end])
        return clauses


@Language.factory(
    "ombudsman_findings",
    assigns=["doc.spans"],
    requires=["token.is_sent_start"],
    default_config={"use_default_patterns": True, "excluded_sections": None},
)
def make_findings(
    nlp: Language,
    name: str,
    use_default_patterns: bool,
    excluded_sections: dict[str, list[str]] | None,
) -> FindingsTagger:
    """Factory of the fault and injustice tagger."""
    return FindingsTagger(nlp, name, use_default_patterns, excluded_sections)
