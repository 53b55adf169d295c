"""Propose patterns from missed gold spans: n-grams generalised by lemma, shape and names;
and scope modifiers from wrong findings spans (:func:`propose_modifiers`).

Used only at tuning time. Lemmas come from spaCy's English lookup table (spacy-lookups-data);
a word is generalised into the set of its lemma's inflections (``{"LOWER": {"IN": [...]}}``),
so the written patterns never use ``LEMMA`` and need no lemmatizer at runtime. Numbers become
``SHAPE`` tokens; a name such as "Mr X" becomes two optional tokens.

What a pattern must look like depends on the component whose label it targets:

- findings (``FAULT``, ``NO_FAULT``, ``INJUSTICE``, ``NO_INJUSTICE``, ``CLAIMED_INJUSTICE``): a
  trigger phrase anywhere inside the sentence; the component expands it to the sentence.
- heads (``COMPLAINT_HEAD``): a ``HEAD_TRIGGER`` right before where the head starts.
- remedies (``REMEDY_PAYMENT``): a ``PAYMENT_CUE`` before the amount, in its sentence.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span

from .labels import (
    CLAIMED_INJUSTICE,
    COMPLAINT_HEAD,
    FAULT,
    NO_FAULT,
    NO_INJUSTICE,
    REMEDY_PAYMENT,
)
from .labels import INJUSTICE as INJUSTICE_LABEL
from .patterns import Pattern

FINDINGS = "findings"
HEADS = "heads"
REMEDIES = "remedies"
# The component (by its pipe name) that produces each span label, and the pattern label a
# proposed rule gets there.
COMPONENT_OF: dict[str, str] = {
    FAULT: FINDINGS,
    NO_FAULT: FINDINGS,
    INJUSTICE_LABEL: FINDINGS,
    NO_INJUSTICE: FINDINGS,
    CLAIMED_INJUSTICE: FINDINGS,
    COMPLAINT_HEAD: HEADS,
    REMEDY_PAYMENT: REMEDIES,
}
PATTERN_LABEL: dict[str, str] = {COMPLAINT_HEAD: "HEAD_TRIGGER", REMEDY_PAYMENT: "PAYMENT_CUE"}
TITLES = ("mr", "mrs", "ms", "miss", "dr", "mx")
_MAX_FORMS = 8
_SLUG = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=1)
def _lemma_tables() -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """(form -> lemma, lemma -> forms) from spaCy's English lemma lookup table."""
    import spacy_lookups_data
    import srsly

    # The raw table: spaCy's ``Lookups`` keeps only hashes of the forms.
    path = Path(spacy_lookups_data.en["lemma_lookup"])
    gzipped = path.with_name(path.name + ".gz")
    table = srsly.read_gzip_json(gzipped) if gzipped.exists() else srsly.read_json(path)
    lemma_of: dict[str, str] = {}
    forms: dict[str, set[str]] = defaultdict(set)
    for form, lemma in table.items():
        form, lemma = str(form).lower(), str(lemma).lower()
        if not form.isalpha() or not lemma.isalpha():
            continue
        lemma_of.setdefault(form, lemma)
        forms[lemma].add(form)
    return lemma_of, {lemma: frozenset(f) for lemma, f in forms.items()}


def lemma(word: str) -> str:
    """The lookup lemma of a word (lower case); the word itself when the table lacks it."""
    word = word.lower()
    return _lemma_tables()[0].get(word, word)


def inflections(word: str) -> list[str]:
    """The word and the other inflections of its lemma, lower case, sorted (at most a few)."""
    word = word.lower()
    base = lemma(word)
    found = set(_lemma_tables()[1].get(base, ())) | {word, base}
    if len(found) > _MAX_FORMS:  # irregular sprawl ("be"): keep the word and its lemma only
        found = {word, base}
    return sorted(found)


@dataclass(frozen=True)
class Gram:
    """A token n-gram as lower-cased words, with the names it skipped marked as ``"<NAME>"``."""

    words: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(w for w in self.words if w != "<NAME>")


@dataclass
class Proposal:
    """A candidate rule for one span label, with why it was proposed."""

    label: str
    pattern: Pattern
    gram: Gram
    support: int  # missed gold spans it was found in
    background: int = 0  # sentences without a gold span of the label that hold it
    sources: list[str] = field(default_factory=list)  # doc ids of the supporting spans
    evidence: str = "missed"  # the supporting spans: gold spans "missed", or "wrong" ones put out

    @property
    def component(self) -> str:
        return COMPONENT_OF[self.label]


def _is_name_at(tokens: Sequence[Any], i: int) -> bool:
    """A title followed by a one-letter capital ("Mr X") starts at ``tokens[i]``."""
    if i + 1 >= len(tokens):
        return False
    title, letter = tokens[i], tokens[i + 1]
    return title.lower_.rstrip(".") in TITLES and len(letter.text) == 1 and letter.text.isupper()


def _units(tokens: Sequence[Any]) -> list[tuple[str, Any]]:
    """Word units of a token run: ("<NAME>", None) for "Mr X", else (lower form, token)."""
    units: list[tuple[str, Any]] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.is_space:
            i += 1
            continue
        if _is_name_at(tokens, i):
            units.append(("<NAME>", None))
            i += 2
            continue
        units.append((token.lower_, token))
        i += 1
    return units


def _usable(words: tuple[str, ...]) -> bool:
    """An n-gram worth a rule: starts and ends with a word, not only stop words or names."""
    real = [w for w in words if w != "<NAME>"]
    if not real or words[0] == "<NAME>" or words[-1] == "<NAME>":
        return False
    if not (real[0][0].isalnum() and real[-1][0].isalnum()):
        return False
    if all(w in STOP_WORDS or not w.isalpha() for w in real):
        return False
    return all(w.isalnum() or w in {"'s", "-"} for w in real)


def grams_in(
    units: list[tuple[str, Any]], max_n: int, usable: Callable[[tuple[str, ...]], bool] = _usable
) -> set[tuple[str, ...]]:
    """The n-grams (1..max_n units) of a unit sequence that ``usable`` accepts."""
    words = [w for w, _ in units]
    found = set()
    for n in range(1, max_n + 1):
        for i in range(len(words) - n + 1):
            gram = tuple(words[i : i + n])
            if usable(gram):
                found.add(gram)
    return found


def token_pattern(words: Sequence[str], generalise: bool) -> str | list[dict[str, Any]]:
    """A phrase, or a token pattern when the n-gram has a name or inflected words."""
    tokens: list[dict[str, Any]] = []
    varied = False
    for word in words:
        if word == "<NAME>":
            tokens.append({"LOWER": {"IN": list(TITLES)}, "OP": "?"})
            tokens.append({"IS_UPPER": True, "LENGTH": 1, "OP": "?"})
            varied = True
        elif word.isdigit():
            tokens.append({"SHAPE": "d" * min(len(word), 4)})
            varied = True
        elif generalise and word.isalpha() and word not in STOP_WORDS:
            forms = inflections(word)
            if len(forms) > 1:
                tokens.append({"LOWER": {"IN": forms}})
                varied = True
            else:
                tokens.append({"LOWER": word})
        else:
            tokens.append({"LOWER": word})
    if not varied:
        return " ".join(words)
    return tokens


def _slug(words: Sequence[str]) -> str:
    return _SLUG.sub("_", " ".join(w if w != "<NAME>" else "name" for w in words)).strip("_")


def pattern_id(label: str, words: Sequence[str], generalised: bool, sections: Sequence[str]) -> str:
    slug = _slug(words)
    suffix = ("_gen" if generalised else "") + ("_in_" + "_".join(sections) if sections else "")
    return f"{label.lower()}.tuned.{slug}{suffix}"


def _doc_sentences(doc: Doc) -> list[Span]:
    return list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]


@dataclass
class MissedSpan:
    """A gold span the current rules miss, located in its processed doc."""

    doc_id: str
    doc: Doc
    label: str
    start: int  # character offsets
    end: int
    section: str | None


def _context_units(missed: MissedSpan, window: int) -> list[tuple[str, Any]] | None:
    """The tokens a rule for the span's label would have to match."""
    doc = missed.doc
    span = doc.char_span(missed.start, missed.end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    if missed.label in (COMPLAINT_HEAD, REMEDY_PAYMENT):
        sentence = doc[span.start].sent if doc.has_annotation("SENT_START") else doc[:]
        start = max(sentence.start, span.start - window)
        tokens = list(doc[start : span.start])
        if not any(not t.is_space for t in tokens):
            return None
        return _units(tokens)
    return _units(list(span))


def propose(
    missed: Iterable[MissedSpan],
    background_docs: Iterable[tuple[Doc, dict[str, list[tuple[int, int]]]]],
    *,
    min_support: int = 2,
    min_precision: float = 0.5,
    max_n: int = 4,
    per_label: int = 25,
    existing: Iterable[Pattern] = (),
) -> list[Proposal]:
    """Candidate rules for the missed spans, most promising first within each label.

    ``background_docs``: every labelled doc with its gold spans by label (character offsets),
    to count how often an n-gram occurs in sentences that hold no gold span of the label; an
    n-gram is kept when it occurs in at least ``min_support`` missed spans and its share of
    gold sentences among the sentences holding it is at least ``min_precision``. Each kept
    n-gram gives a literal and a lemma-generalised rule, each also restricted to the sections
    where its missed spans are. Heads and payment cues take the n-grams that end right before
    the span (``max_n`` words at most).
    """
    support: dict[str, Counter[tuple[str, ...]]] = defaultdict(Counter)
    sources: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)
    sections: dict[tuple[str, tuple[str, ...]], set[str | None]] = defaultdict(set)
    for item in missed:
        units = _context_units(item, window=3 if item.label == COMPLAINT_HEAD else 10)
        if not units:
            continue
        if item.label == COMPLAINT_HEAD:
            # The trigger must end right before the head.
            grams = {
                tuple(w for w, _ in units[-n:])
                for n in range(1, min(3, len(units)) + 1)
                if _usable(tuple(w for w, _ in units[-n:]))
            }
        else:
            grams = grams_in(units, 2 if item.label == REMEDY_PAYMENT else max_n)
        for gram in grams:
            support[item.label][gram] += 1
            sources[(item.label, gram)].append(item.doc_id)
            sections[(item.label, gram)].add(item.section)
    wanted = {
        label: {g for g, n in counter.items() if n >= min_support}
        for label, counter in support.items()
    }
    positive, negative = _sentence_counts(background_docs, wanted, max_n)
    taken = {_key(p) for p in existing}
    proposals: list[Proposal] = []
    for label, grams in wanted.items():
        scored = []
        for gram in grams:
            pos, neg = positive[label][gram], negative[label][gram]
            precision = pos / (pos + neg) if pos + neg else 0.0
            if precision >= min_precision:
                scored.append((support[label][gram] * precision, len(gram), gram, neg))
        scored.sort(key=lambda s: (-s[0], -s[1], s[2]))
        for _, _, gram, neg in scored[:per_label]:
            where = sorted(s for s in sections[(label, gram)] if s is not None)
            for generalise in (False, True):
                body = token_pattern(gram, generalise)
                if generalise and isinstance(body, str):
                    continue
                limits = [[]] + ([where] if where and len(where) <= 3 else [])
                for limit in limits:
                    pid = pattern_id(label, gram, not isinstance(body, str), limit)
                    pattern = Pattern(
                        id=pid,
                        label=PATTERN_LABEL.get(label, label),
                        pattern=body,
                        sections=list(limit) or None,
                        comment=f"proposed from {support[label][gram]} missed {label} spans",
                    )
                    _add_new(
                        proposals,
                        taken,
                        Proposal(
                            label=label,
                            pattern=pattern,
                            gram=Gram(gram),
                            support=support[label][gram],
                            background=neg,
                            sources=sorted(set(sources[(label, gram)])),
                        ),
                    )
    return proposals


def _add_new(proposals: list[Proposal], taken: set[str], proposal: Proposal) -> None:
    """Append the proposal unless a rule of the same label, pattern and sections is taken."""
    key = _key(proposal.pattern)
    if key not in taken:
        taken.add(key)
        proposals.append(proposal)


def _key(pattern: Pattern) -> str:
    import json

    return json.dumps([pattern.label, pattern.pattern, pattern.sections], sort_keys=True)


def _sentence_counts(
    docs: Iterable[tuple[Doc, dict[str, list[tuple[int, int]]]]],
    wanted: dict[str, set[tuple[str, ...]]],
    max_n: int,
) -> tuple[dict[str, Counter], dict[str, Counter]]:
    """Per label: sentences holding each wanted n-gram with / without a gold span there."""
    positive: dict[str, Counter] = defaultdict(Counter)
    negative: dict[str, Counter] = defaultdict(Counter)
    all_wanted = set().union(*wanted.values()) if wanted else set()
    if not all_wanted:
        return positive, negative
    for doc, gold in docs:
        for sentence in _doc_sentences(doc):
            units = _units(list(sentence))
            present = grams_in(units, max_n) & all_wanted
            if not present:
                continue
            lo, hi = sentence.start_char, sentence.end_char
            for label, grams in wanted.items():
                hits = present & grams
                if not hits:
                    continue
                has_gold = any(s < hi and lo < e for s, e in gold.get(label, ()))
                target = positive if has_gold else negative
                for gram in hits:
                    target[label][gram] += 1
    return positive, negative


# ------------------------------------------------------------------------ scope modifiers

# The ConText modifier that corrects a wrong findings span, by (put-out label, gold label):
# a span gold does not have at all is dropped (HYPOTHETICAL), a statement of injustice that is
# the complainant's claim is reported (REPORTED), a fault or injustice gold finds absent is
# negated (NEGATED). See :mod:`ombudsman_nlp.context`.
MODIFIER_FOR: dict[tuple[str, str | None], str] = {
    **{(label, None): "HYPOTHETICAL" for label, name in COMPONENT_OF.items() if name == FINDINGS},
    (INJUSTICE_LABEL, CLAIMED_INJUSTICE): "REPORTED",
    (FAULT, NO_FAULT): "NEGATED",
    (INJUSTICE_LABEL, NO_INJUSTICE): "NEGATED",
}
MAX_MODIFIER_WORDS = 3


@dataclass
class WrongSpan:
    """A findings span the current rules put out with a label gold does not give it there."""

    doc_id: str
    label: str  # the label put out
    gold_label: str | None  # the findings label of the gold span there, if any
    runs: list[list[Any]]  # the tokens of its sentence outside the target hits, run by run


def cue_runs(doc: Doc, start: int, end: int, targets: Any) -> list[list[Any]]:
    """The tokens of the sentence holding ``doc.text[start:end]`` outside the hits of
    ``targets`` (a :class:`RuleMatcher`), in runs: where a modifier's cue may stand."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return []
    sentence = doc[span.start].sent if doc.has_annotation("SENT_START") else doc[:]
    covered = set()
    for hit in targets(doc, [sentence]):
        covered.update(range(hit.start, hit.end))
    runs: list[list[Any]] = [[]]
    for token in sentence:
        if token.i in covered:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(token)
    return [run for run in runs if run]


def _modifier_usable(words: tuple[str, ...]) -> bool:
    """A cue worth a modifier: starts and ends with a word. Stop words are allowed ("if",
    "would have"): whether a cue is too common shows in the spans it would break."""
    if words[0] == "<NAME>" or words[-1] == "<NAME>":
        return False
    real = [w for w in words if w != "<NAME>"]
    if not (real[0][0].isalnum() and real[-1][0].isalnum()):
        return False
    return all(w.isalnum() or w in {"'s", "-"} for w in real)


def _modifier_grams(runs: list[list[Any]], max_n: int) -> set[tuple[str, ...]]:
    grams: set[tuple[str, ...]] = set()
    for run in runs:
        grams |= grams_in(_units(run), max_n, _modifier_usable)
    return grams


def propose_modifiers(
    wrong: Iterable[WrongSpan],
    right: Iterable[tuple[str, list[list[Any]]]],
    *,
    min_support: int = 2,
    min_precision: float = 0.5,
    max_n: int = MAX_MODIFIER_WORDS,
    per_label: int = 25,
    existing: Iterable[Pattern] = (),
) -> list[Proposal]:
    """Scope modifiers that would correct the wrong spans, most promising first per kind.

    A cue is an n-gram (up to ``max_n`` words) of the sentences holding wrong spans of one
    kind (``MODIFIER_FOR``), outside the target hits (a cue is not part of the trigger it
    modifies). It is kept when it stands in at least ``min_support`` of them and its share of
    those among them and the sentences of ``right`` spans (correct spans, as ``(label,
    runs)``) of the same label holding it is at least ``min_precision``: a modifier there would
    break those. Each kept cue gives a modifier reaching both ways in its sentence; the tuning
    loop keeps it only if it helps on held-out folds.
    """
    support: dict[tuple[str, str], Counter[tuple[str, ...]]] = defaultdict(Counter)
    sources: dict[tuple[str, str, tuple[str, ...]], list[str]] = defaultdict(list)
    for item in wrong:
        modifier = MODIFIER_FOR.get((item.label, item.gold_label))
        if modifier is None:
            continue
        kind = (item.label, modifier)
        for gram in _modifier_grams(item.runs, max_n):
            support[kind][gram] += 1
            sources[(*kind, gram)].append(item.doc_id)
    wanted = {kind: {g for g, n in c.items() if n >= min_support} for kind, c in support.items()}
    broken: dict[str, Counter[tuple[str, ...]]] = defaultdict(Counter)
    labels = {label for label, _ in wanted}
    for label, runs in right:
        if label in labels:
            broken[label].update(_modifier_grams(runs, max_n))
    taken = {_key(p) for p in existing}
    proposals: list[Proposal] = []
    for (label, modifier), grams in sorted(wanted.items()):
        scored = []
        for gram in grams:
            hits, misses = support[(label, modifier)][gram], broken[label][gram]
            precision = hits / (hits + misses)
            if precision >= min_precision:
                scored.append((hits * precision, -len(gram), gram, misses))
        scored.sort(key=lambda s: (-s[0], s[1], s[2]))
        for _, _, gram, misses in scored[:per_label]:
            pattern = Pattern(
                id=f"ctx.tuned.{modifier.lower()}.{label.lower()}.{_slug(gram)}",
                label=modifier,
                pattern=token_pattern(gram, generalise=False),
                direction="both",
                comment=f"proposed from {support[(label, modifier)][gram]} wrong {label} spans",
            )
            _add_new(
                proposals,
                taken,
                Proposal(
                    label=label,
                    pattern=pattern,
                    gram=Gram(gram),
                    support=support[(label, modifier)][gram],
                    background=misses,
                    sources=sorted(set(sources[(label, modifier, gram)])),
                    evidence="wrong",
                ),
            )
    return proposals
