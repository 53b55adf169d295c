"""Fault and injustice findings: sentence-level targets resolved by ConText scope rules."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

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
from ..extensions import Sentences, doc_text, section_rows
from ..extensions import sentences as sentence_index
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
)
from ..patterns import Pattern
from ..rules import Hit, RuleMatcher, expand_to_phrases, token_count
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


_HARMLESS_AS_INJUSTICE = frozenset({REMEDY, COMPOUND})
_HARMS = frozenset({INJUSTICE, CLAIMED_INJUSTICE})  # the labels a harm word takes
_NEGATIONS: dict[str, str] = {FAULT: NO_FAULT, INJUSTICE: NO_INJUSTICE}
# The labels a target may resolve to (see :func:`resolve_label`), out of and in the
# complainant's voice.
_OUTCOMES: dict[str, tuple[str, ...]] = {
    FAULT: (FAULT, NO_FAULT),
    NO_FAULT: (NO_FAULT,),
    INJUSTICE: (INJUSTICE, NO_INJUSTICE, CLAIMED_INJUSTICE),
    NO_INJUSTICE: (NO_INJUSTICE,),
    CLAIMED_INJUSTICE: (CLAIMED_INJUSTICE,),
}
_REPORTED_OUTCOMES: dict[str, tuple[str, ...]] = {
    INJUSTICE: (CLAIMED_INJUSTICE,),
    CLAIMED_INJUSTICE: (CLAIMED_INJUSTICE,),
}
_LEADING = frozenset({"-", "•", "*", "–"})  # list markers trimmed off a span's start
_TRAILING = frozenset({",", ";", ":"})  # punctuation trimmed off a span's end
_IDLE, _USEFUL, _CUE = 0, 1, 2  # what a target rule can yield in a section
_APOSTROPHES = ("'", "\u2019")
_JOIN_GAP = 8  # stretches fewer tokens apart are matched as one (a call costs a few tokens)


def resolve_label(label: str, categories: frozenset[str], reported: bool = False) -> str | None:
    """The label a target takes under its modifiers, or None when they cancel it.

    ``reported`` says the sentence is in a section written in the complainant's voice.
    """
    if not categories:
        if reported:
            return CLAIMED_INJUSTICE if label in (INJUSTICE, CLAIMED_INJUSTICE) else None
        return None if label == CLAIMED_INJUSTICE else label
    if categories & _DROP:
        return None
    injustice = _FAMILIES[label] == "injustice"
    if injustice and categories & _HARMLESS_AS_INJUSTICE:
        return None
    if reported or REPORTED in categories:
        return CLAIMED_INJUSTICE if label in (INJUSTICE, CLAIMED_INJUSTICE) else None
    if label == CLAIMED_INJUSTICE:
        return None
    if NEGATED in categories:
        return _NEGATIONS.get(label, label)
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
    if len(hits) < 2:
        return list(hits)
    reach = hits[0].end
    for hit in hits[1:]:
        if hit.start < reach:
            break  # an overlap (or hits out of order): resolve below
        reach = hit.end
    else:
        return list(hits)  # in order and disjoint: every hit stays
    ordered = sorted(hits, key=lambda h: (h.start - h.end, h.start, h.pattern.id))
    kept: list[tuple[str, Hit]] = []
    for hit in ordered:
        family = _FAMILIES[hit.pattern.label]
        start, end = hit.start, hit.end
        for k_family, k in kept:
            if k_family == family and k.start < end and start < k.end:
                break
        else:
            kept.append((family, hit))
    return sorted((hit for _, hit in kept), key=lambda h: (h.start, h.end))


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


def _trim_bounds(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Token bounds of ``doc[start:end]`` without the white space and marks :func:`trim` drops."""
    while start < end:
        token = doc[start]
        if not (token.is_space or token.text in _LEADING):
            break
        start += 1
    while end > start:
        token = doc[end - 1]
        if not (token.is_space or token.text in _TRAILING):
            break
        end -= 1
    return start, end


def _trim_sentence(
    doc: Doc, index: Sentences, position: int, text: str | None = None
) -> tuple[int, int]:
    """:func:`_trim_bounds` of a whole sentence, read from the text when its ends need none.

    The sentence's first character starts its first token; the character before the next
    sentence ends its last token, or is that token's trailing space (the tokenizer gives a
    space right after a token to that token).
    """
    start, end = index.starts[position], index.ends[position]
    if text is None:
        text = doc_text(doc)
    chars = index.start_chars
    first = text[chars[position]]
    if not first.isspace() and first not in _LEADING:
        stop = chars[position + 1] if position + 1 < len(chars) else len(text)
        last = text[stop - 1]
        if last == " " and stop - 2 > chars[position]:
            last = text[stop - 2]
        if not last.isspace() and last not in _TRAILING:
            return start, end
    return _trim_bounds(doc, start, end)


def trim(span: Span) -> Span:
    """The span without leading/trailing white space and list-marker punctuation."""
    start, end = _trim_bounds(span.doc, span.start, span.end)
    return span.doc[start:end]


class _Heads:
    """The token bounds of a doc's complaint heads, read from the span group when first asked."""

    __slots__ = ("_doc", "_bounds")

    def __init__(self, doc: Doc) -> None:
        self._doc = doc
        self._bounds: list[tuple[int, int]] | None = None

    def bounds(self) -> list[tuple[int, int]]:
        if self._bounds is None:
            spans = self._doc.spans
            self._bounds = (
                [(h.start, h.end) for h in spans[HEADS_KEY]] if HEADS_KEY in spans else []
            )
        return self._bounds

    def overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        return [h for h in self.bounds() if h[0] < end and start < h[1]]


class _RuleTable(dict):
    """A mapping of target rule id to what it yields in one section, filled in when asked."""

    __slots__ = ("_rules",)

    def __init__(self, rules: _SectionRules) -> None:
        super().__init__()
        self._rules = rules

    def __missing__(self, rule: str) -> int | frozenset[str]:
        self._rules.fill(rule)
        return self[rule]


class _SectionRules:
    """What the target rules can yield in one section."""

    __slots__ = ("_tagger", "section", "reported", "codes", "allowed")

    def __init__(self, tagger: FindingsTagger, section: str | None) -> None:
        self._tagger = tagger
        self.section = section
        self.reported = section in tagger.reported_sections  # the complainant's voice
        self.codes: dict[str, int] = _RuleTable(self)  # rule id -> _IDLE, _USEFUL or _CUE
        # rule id -> the labels its hits may take in the section
        self.allowed: dict[str, frozenset[str]] = _RuleTable(self)

    def fill(self, rule: str) -> None:
        code, allowed = self._tagger._rule_in(rule, self)
        dict.__setitem__(self.codes, rule, code)
        dict.__setitem__(self.allowed, rule, allowed)


class _DocState:
    """What the tagging of one doc shares: the doc, its string ids, heads and purposes."""

    __slots__ = ("doc", "keys", "heads", "purposes", "index", "text")

    def __init__(self, doc: Doc, keys: dict[str, int], purposes: list[Span]) -> None:
        self.doc = doc
        self.keys = keys  # label or rule id -> string id ({} for a doc of another vocab)
        self.heads = _Heads(doc)
        self.purposes = purposes
        self.index = sentence_index(doc)  # kept per doc by whoever set the sentences
        self.text = doc_text(doc)


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
        modifiers = [p for p in self.patterns if p.label in MODIFIER_LABELS]
        self._modifiers = RuleMatcher(self.nlp, modifiers)
        # Phrase rules match the same in a run of adjacent sentences as in each of them.
        self._phrase_modifiers = all(
            p.is_phrase or expand_to_phrases(p.pattern) is not None for p in modifiers
        )
        # The most tokens a modifier spans: how far one may run on past its sentence.
        self._modifier_reach = max((self._length(p) for p in modifiers), default=1)
        # Sections no target may fire in (the standard paragraphs): not even matched.
        skipped = set.intersection(
            *(set(self.excluded_sections.get(lb, ())) for lb in TARGET_LABELS)
        )
        for pattern in self.patterns:
            skipped -= set(pattern.sections or ())
        self._skipped_sections = frozenset(skipped)
        self._rules_cache: dict[str | None, _SectionRules] = {}
        self._target_rules = {p.id: p for p in self._targets.patterns}
        # String ids of the labels and rule ids the spans take (a Span made with ids skips
        # hashing its strings).
        strings = self.nlp.vocab.strings
        names = [*TARGET_LABELS, *CUE_LABELS, *(p.id for p in self._targets.patterns)]
        self._keys: dict[str, int] = {name: strings.add(name) for name in names}

    @property
    def targets(self) -> RuleMatcher:
        """The matcher of the target (and cue) patterns, as the patterns stand now."""
        return self._targets

    def _length(self, pattern: Pattern) -> int:
        """The most tokens a phrase (or phrase-like) modifier rule matches."""
        if not pattern.is_phrase:
            sequences = expand_to_phrases(pattern.pattern)
            return max((len(seq) for seq in sequences or ()), default=1)
        phrase = pattern.pattern.lower()
        variants = {
            phrase.replace(_APOSTROPHES[0], a).replace(_APOSTROPHES[1], a) for a in _APOSTROPHES
        }
        return max(token_count(self.nlp, v) for v in variants)

    def __call__(self, doc: Doc) -> Doc:
        findings: list[Span] = []
        injustice: list[Span] = []
        purposes: list[Span] = []
        cues: list[Span] = []
        groups = doc.spans
        rows = section_rows(doc)
        section_starts = [row.start for row in rows]
        section_ends = [row.end for row in rows]
        labels = [row.label for row in rows]
        skipped = self._skipped_sections
        if skipped and rows:
            kept = [row for row in rows if row.label not in skipped]
            targets = self._targets.in_bounds(
                doc, [row.start for row in kept], [row.end for row in kept]
            )
        else:
            targets = self._targets(doc)
        if targets:
            state = _DocState(doc, self._keys if doc.vocab is self.nlp.vocab else {}, purposes)
            self._tag(
                state, targets, (section_starts, section_ends, labels), findings, injustice, cues
            )
        groups[FINDINGS_KEY] = findings
        groups[INJUSTICE_KEY] = injustice
        groups[REMEDY_PURPOSES_KEY] = purposes
        groups[OUTCOME_CUES_KEY] = cues
        return doc

    def _tag(
        self,
        state: _DocState,
        targets: list[Hit],
        sections: tuple[list[int], list[int], list[str]],
        findings: list[Span],
        injustice: list[Span],
        cues: list[Span],
    ) -> None:
        """Tag the sentences holding targets, appending to the output lists."""
        doc, keys = state.doc, state.keys
        starts, ends = state.index.starts, state.index.ends
        # Targets by sentence, in order (the hits come sorted by start).
        held: list[int] = []
        grouped: list[list[Hit]] = []
        limit = -1  # the end of the sentence of the last group
        for hit in targets:
            if hit.start < limit:
                grouped[-1].append(hit)
            else:
                position = bisect_right(starts, hit.start) - 1
                limit = ends[position]
                held.append(position)
                grouped.append([hit])
        section_starts, section_ends, section_labels = sections
        # The sentences whose targets may yield something: cues are taken here, and the
        # others wait for the modifiers.
        todo: list[tuple[int, _SectionRules, list[Hit]]] = []
        rules = self._rules(None)
        section = None
        window = -1  # the sentences held come in order: the section holds up to here
        codes = rules.codes
        for position, hits in zip(held, grouped, strict=True):
            start = starts[position]
            if start >= window:
                where = bisect_right(section_starts, start) - 1
                following = where + 1  # the same section holds up to the next one's start
                window = (
                    section_starts[following] if following < len(section_starts) else ends[-1] + 1
                )
                section = None
                if where >= 0 and start < section_ends[where]:
                    section, window = section_labels[where], min(window, section_ends[where])
                if rules.section != section:
                    rules = self._rules(section)
                    codes = rules.codes
            if len(hits) == 1:
                code = codes[hits[0].pattern.id]
                if code == _USEFUL:
                    todo.append((position, rules, hits))
                    continue
                if code == _IDLE:
                    continue
            kinds = [codes[h.pattern.id] for h in hits]
            if _CUE in kinds:
                for hit, code in zip(hits, kinds, strict=True):
                    pattern = hit.pattern
                    if code == _CUE and self._allowed(hit, pattern.label, section):
                        cues.append(
                            Span(
                                doc,
                                hit.start,
                                hit.end,
                                label=keys.get(pattern.label, pattern.label),
                                span_id=keys.get(pattern.id, pattern.id),
                            )
                        )
                hits = [h for h, code in zip(hits, kinds, strict=True) if code != _CUE]
            if _USEFUL in kinds:
                todo.append((position, rules, hits))
        if not todo:
            return
        # Modifiers matter only in the sentences that hold a target.
        mods = self._modifiers.in_bounds(doc, *self._modifier_scope(starts, ends, held, todo))
        mod_starts = [m.start for m in mods]
        for position, rules, hits in todo:
            start, end = starts[position], ends[position]
            first = bisect_left(mod_starts, start)
            scoped = mods[first : bisect_left(mod_starts, end, first)]
            resolved = self._resolve(state, end, rules, hits, scoped)
            if not resolved:
                continue
            for label, first_token, last_token, rule in self._extents(
                state, position, resolved, scoped
            ):
                span = Span(
                    doc,
                    first_token,
                    last_token,
                    label=keys.get(label, label),
                    span_id=keys.get(rule, rule),
                )
                (findings if label in FINDING_LABELS else injustice).append(span)

    def _modifier_scope(
        self,
        starts: list[int],
        ends: list[int],
        held: list[int],
        todo: list[tuple[int, _SectionRules, list[Hit]]],
    ) -> tuple[list[int], list[int]]:
        """The token bounds of the stretches to match modifiers in: those of the sentences in
        ``todo``.

        A modifier may run on from its sentence into the next one that holds a target, so a
        stretch reaches as far into the run of adjacent target sentences as a modifier can
        (and no further than the run). The stretches are plain bounds: the matcher has only
        phrase rules, which match the same in any stretch holding them.
        """
        if not self._phrase_modifiers:
            return [starts[i] for i in held], [ends[i] for i in held]
        reach = self._modifier_reach - 1
        # Where the run of adjacent held sentences of each held sentence ends.
        run_ends = [0] * len(held)
        following = -1
        for i in range(len(held) - 1, -1, -1):
            sentence = held[i]
            run_ends[i] = run_ends[i + 1] if following == sentence + 1 else ends[sentence]
            following = sentence
        firsts: list[int] = []
        lasts: list[int] = []
        last_run = -1
        wanted = iter(todo)
        position = next(wanted)[0]
        for i, sentence in enumerate(held):
            if sentence != position:
                continue
            position = next(wanted, (-1,))[0]
            start, run_end = starts[sentence], run_ends[i]
            stop = min(ends[sentence] + reach, run_end)
            if run_end == last_run and start - lasts[-1] < _JOIN_GAP:
                lasts[-1] = stop
            else:
                firsts.append(start)
                lasts.append(stop)
            last_run = run_end
        return firsts, lasts

    def _allowed(self, hit: Hit, label: str, section: str | None) -> bool:
        pattern = hit.pattern
        if pattern.sections is not None:
            return section in pattern.sections
        if pattern.exclude_sections is not None and section in pattern.exclude_sections:
            return False
        return section not in self.excluded_sections.get(label, ())

    def _rules(self, section: str | None) -> _SectionRules:
        """What the target rules can yield in a section (each rule worked out when first met)."""
        rules = self._rules_cache.get(section)
        if rules is None:
            rules = self._rules_cache[section] = _SectionRules(self, section)
        return rules

    def _rule_in(self, rule: str, rules: _SectionRules) -> tuple[int, frozenset[str]]:
        """What a target rule can yield in the section of ``rules``, and the labels it may take
        there."""
        pattern = self._target_rules[rule]
        label = pattern.label
        if label in CUE_LABELS:
            return _CUE, frozenset()
        hit = Hit(pattern, 0, 0)
        allowed = frozenset(lb for lb in TARGET_LABELS if self._allowed(hit, lb, rules.section))
        reported = rules.reported
        outcomes = _REPORTED_OUTCOMES.get(label, ()) if reported else _OUTCOMES[label]
        useful = (label == INJUSTICE and not reported) or any(o in allowed for o in outcomes)
        return (_USEFUL if useful else _IDLE), allowed

    def _resolve(
        self, state: _DocState, end: int, rules: _SectionRules, hits: list[Hit], mods: list[Hit]
    ) -> list[tuple[str, Modified]]:
        """The labelled targets of one sentence (ending at ``end``); remedy purposes go to
        ``state.purposes``."""
        codes = rules.codes
        if len(hits) > 1:
            hits = [h for h in select_targets(hits) if codes[h.pattern.id] == _USEFUL]
        reported, allowed = rules.reported, rules.allowed
        resolved: list[tuple[str, Modified]] = []
        for item in apply_context(hits, mods, end):
            hit, categories, _ = item
            pattern = hit.pattern
            target = pattern.label
            if not categories:  # resolve_label and licensed, unmodified
                if reported:
                    label = CLAIMED_INJUSTICE if target in _HARMS else None
                else:
                    label = None if target == CLAIMED_INJUSTICE else target
                if label is None or label not in allowed[pattern.id]:
                    continue
                if label in _HARMS and pattern.frame != "own":
                    continue
                resolved.append((label, item))
                continue
            label = resolve_label(target, categories, reported)
            if (
                categories
                and target == INJUSTICE
                and not reported
                and REMEDY in categories
                and not categories & _DROP
            ):
                name = state.keys.get(INJUSTICE, INJUSTICE)
                state.purposes.append(Span(state.doc, hit.start, hit.end, label=name))
            if label is None or label not in allowed[pattern.id] or not licensed(label, item):
                continue
            resolved.append((label, item))
        return resolved

    def _extents(
        self,
        state: _DocState,
        position: int,
        resolved: list[tuple[str, Modified]],
        mods: list[Hit],
    ) -> list[tuple[str, int, int, str]]:
        """(label, start, end, rule id) of the spans of the labelled targets of the sentence
        at ``position``."""
        doc = state.doc
        start, end = state.index.starts[position], state.index.ends[position]
        claims = [item.hit.start for label, item in resolved if label == CLAIMED_INJUSTICE]
        if claims:
            resolved = self._drop_complained_of(doc, start, end, resolved, mods, state.heads)
            if not resolved:
                return []
            claims = [item.hit.start for label, item in resolved if label == CLAIMED_INJUSTICE]
        clauses: list[tuple[int, int]] = []
        if len(resolved) > 1 and len({label for label, _ in resolved}) > 1:
            clauses = self._clauses(doc, start, end, mods)
        claim_start = None
        if claims:
            held = bool(state.heads.overlapping(start, end))
            claim_start = self._claim_start(start, min(claims), mods, held)
        extents: list[tuple[str, int, int, str]] = []
        seen: set[tuple[str, int, int]] = set()
        whole: tuple[int, int] | None = None  # the trimmed sentence
        for label, item in resolved:
            first, last = start, end
            at = item.hit.start
            for clause_start, clause_end in clauses:
                if clause_start <= at < clause_end:
                    first, last = clause_start, clause_end
                    break
            if label == CLAIMED_INJUSTICE and claim_start is not None:
                first = max(first, claim_start)
                last = max(first, last)
            if first == start and last == end:
                if whole is None:
                    whole = _trim_sentence(doc, state.index, position, state.text)
                first, last = whole
            else:
                first, last = _trim_bounds(doc, first, last)
            key = (label, first, last)
            if key in seen or first == last:
                continue
            seen.add(key)
            extents.append((label, first, last, item.hit.pattern.id))
        return extents

    @staticmethod
    def _drop_complained_of(
        doc: Doc,
        start: int,
        end: int,
        resolved: list[tuple[str, Modified]],
        mods: list[Hit],
        tagged: _Heads,
    ) -> list[tuple[str, Modified]]:
        """Claims without the harm words that belong to a complained-of act.

        In "complains the Council failed to consider the impact on her health" the harm word
        lies inside the complaint head: it names what the organisation did, not what it
        caused. A consequence clause inside the head ("..., causing her distress") is a claim.
        """
        if not any(lb == CLAIMED_INJUSTICE for lb, _ in resolved):
            return resolved
        heads = tagged.overlapping(start, end)
        implied = not heads
        if implied:
            # No head tagged (a summary, a narrative): what follows "complained" is the act,
            # except a phrase that carries its own consequence ("complains she has had to pay").
            heads = [(m.end, max(m.end, end)) for m in mods if m.pattern.label == COMPLAINED]
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

        def effect(hit: Hit, head: tuple[int, int]) -> bool:
            head_start, head_end = head
            for m in frames:
                backward = m.pattern.label == FRAME and m.pattern.direction == "backward"
                if backward and hit.end <= m.start < head_end:
                    return True
                if not backward and head_start <= m.start <= hit.start:
                    return True
            return False

        kept = []
        for label, item in resolved:
            at = item.hit.start
            inside = [h for h in heads if h[0] <= at < h[1]]
            claim = label == CLAIMED_INJUSTICE
            if implied and item.hit.pattern.frame == "own":
                claim = False
            if claim and inside and not any(effect(item.hit, h) for h in inside):
                continue
            kept.append((label, item))
        return kept

    @staticmethod
    def _claim_start(start: int, first: int, mods: list[Hit], head: bool) -> int | None:
        """Where a reported consequence clause starts, when every claim lies inside it.

        ``first`` is the first claim's token offset in the sentence starting at ``start``.
        After a complained-of act ("complains the Council delayed, causing her distress", a
        sentence holding a complaint head) the claim is the clause; an account with no head
        ("says she cancelled the care, which has left her isolated") is the whole sentence.
        """
        cuts = [m.start for m in mods if m.pattern.label == CLAUSE and start < m.start <= first]
        if cuts:
            pseudo = [m for m in mods if m.pattern.label == PSEUDO]
            if pseudo:
                cuts = [
                    m.start
                    for m in mods
                    if m.pattern.label == CLAUSE
                    and start < m.start <= first
                    and not any(_cancels(p, m) for p in pseudo)
                ]
        if not cuts:
            return None
        cut = max(cuts)
        if not head and any(m.pattern.label == ACCOUNT and m.start < cut for m in mods):
            return None
        return cut

    @staticmethod
    def _clauses(doc: Doc, start: int, end: int, mods: list[Hit]) -> list[tuple[int, int]]:
        """Token bounds of the clauses ``TERMINATE`` hits cut the sentence into (none: [])."""
        cuts = sorted(
            {
                (m.start, m.end)
                for m in mods
                if m.pattern.label == TERMINATE and start < m.start < end
            }
        )
        if not cuts:
            return []
        starts = [start, *(cut_end for _, cut_end in cuts)]
        ends = [*(cut_start for cut_start, _ in cuts), end]
        clauses = []
        for first, last in zip(starts, ends, strict=True):
            while first < last and (doc[first].text in ",;" or doc[first].is_space):
                first += 1
            while last > first and (doc[last - 1].text in ",;" or doc[last - 1].is_space):
                last -= 1
            if last > first:
                clauses.append((first, last))
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
