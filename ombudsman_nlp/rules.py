"""The matching engine every rule-based component shares.

Phrase patterns run through one ``PhraseMatcher`` over the document (or the stretches of it
the caller names): its cost does not grow with the number of phrases. Token patterns made only
of lower-case literals, ``IN`` sets and optional tokens are phrases in disguise: they are
expanded into the word sequences they match and run there too. Token patterns run
through a ``Matcher``, whose cost grows with every pattern at every token, so they only run
on the sentences that hold one of their anchor words (a required literal token of the
pattern), found by a second ``PhraseMatcher``.
"""

from __future__ import annotations

import re
import weakref
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from .extensions import sentences as sentence_index
from .patterns import Pattern

_LITERAL_KEYS = ("LOWER", "ORTH", "NORM", "TEXT")
_APOSTROPHES = ("'", "\u2019")
MAX_EXPANSION = 2000  # word sequences a token pattern may stand for and still run as phrases
_PLAIN_WORD = re.compile(r"[a-z]+")  # a chunk the tokenizer keeps whole, unless a special case
RUN_COST = 12  # the cost of matching a stretch on its own, in tokens matched

_Matches = list[tuple[int, int, int]]  # (match id, start, end), as the matchers give them
_Bounds = tuple[list[int], list[int]]  # starts and ends of sorted, disjoint stretches


class Hit(NamedTuple):
    """A pattern match: token offsets into the doc, end exclusive."""

    pattern: Pattern
    start: int
    end: int


def anchor_words(pattern: list[dict]) -> list[str] | None:
    """Lower-cased words of which a token pattern must contain one, or None if it has none."""
    for token in pattern:
        if token.get("OP") in ("?", "*", "!"):
            continue
        for key in _LITERAL_KEYS:
            value = token.get(key)
            if isinstance(value, str):
                return [value.lower()]
            if isinstance(value, dict) and isinstance(value.get("IN"), list):
                return [str(v).lower() for v in value["IN"]]
    return None


def required_words(pattern: list[dict]) -> list[list[str]]:
    """The word sets of every required token of a pattern that is a lower-case literal.

    Each set must be present in a sentence the pattern matches; the first one is
    :func:`anchor_words`' (any literal key), the others only ``LOWER``/``ORTH``/``TEXT``
    literals, whose lower case is the token's.
    """
    first = anchor_words(pattern)
    if first is None:
        return []
    groups = [first]
    seen = False
    for token in pattern:
        if token.get("OP") not in (None, "+"):
            continue
        for key in _LITERAL_KEYS:
            value = token.get(key)
            if isinstance(value, str):
                words = [value.lower()]
            elif isinstance(value, dict) and isinstance(value.get("IN"), list):
                words = [str(v).lower() for v in value["IN"]]
            else:
                continue
            if not seen and words == first:
                seen = True  # the anchor itself
            elif key != "NORM" and words not in groups:
                groups.append(words)
            break
    return groups


def expand_to_phrases(pattern: list[dict], limit: int = MAX_EXPANSION) -> list[list[str]] | None:
    """The word sequences a token pattern matches, when it is a phrase in disguise.

    A pattern qualifies when every token is a lower-case literal (``LOWER`` string or ``IN``
    list) that is required or optional (``"OP": "?"``), and the sequences number at most
    ``limit``. Such patterns then run in the ``PhraseMatcher`` and cost nothing per rule.
    """
    sequences: list[list[str]] = [[]]
    for token in pattern:
        if set(token) - {"LOWER", "OP"} or token.get("OP") not in (None, "?"):
            return None
        value = token.get("LOWER")
        if isinstance(value, str):
            words = [value.lower()]
        elif isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list):
            words = [str(v).lower() for v in value["IN"]]
        else:
            return None
        options: list[list[str]] = [[w] for w in words]
        if token.get("OP") == "?":
            options.append([])
        sequences = [seq + option for seq in sequences for option in options]
        if len(sequences) > limit:
            return None
    return [seq for seq in sequences if seq]


def _phrase_variants(phrase: str) -> set[str]:
    """The phrase with straight and curly apostrophes, lower-cased."""
    phrase = phrase.lower()
    return {phrase.replace(_APOSTROPHES[0], a).replace(_APOSTROPHES[1], a) for a in _APOSTROPHES}


class RuleMatcher:
    """Find the hits of a list of patterns in a doc, sentence-scoped for token patterns."""

    def __init__(self, nlp: Language, patterns: Iterable[Pattern]) -> None:
        vocab = nlp.vocab
        self.patterns: list[Pattern] = list(patterns)
        self._by_key: dict[int, Pattern] = {}
        self._phrases = PhraseMatcher(vocab, attr="LOWER")
        self._tokens = Matcher(vocab, validate=True)
        self._anchors = PhraseMatcher(vocab, attr="LOWER")
        self._unanchored = False
        # Per token pattern, the anchor groups (required literal tokens) a sentence must hold.
        self._needs: set[frozenset[int]] = set()
        anchor_keys: dict[tuple[str, ...], str] = {}
        lower_keys = _LowerKeys(nlp)
        for number, pattern in enumerate(self.patterns):
            # Match keys by position: every key gets a lexeme, so matchers share the same few.
            name = _key_name(vocab, f"RULE {number}")
            self._by_key[vocab.strings.add(name)] = pattern
            sequences = None if pattern.is_phrase else expand_to_phrases(pattern.pattern)
            if pattern.is_phrase:
                variants = sorted(_phrase_variants(pattern.pattern))
                self._phrases.add(name, [lower_keys.of_phrase(v) for v in variants])
            elif sequences is not None:
                self._phrases.add(name, [lower_keys.of_words(w) for w in sequences])
            else:
                self._tokens.add(name, [pattern.pattern])
                groups = required_words(pattern.pattern)
                if not groups:
                    self._unanchored = True
                    continue
                needs = []
                for words in groups:
                    group = anchor_keys.get(tuple(words))
                    if group is None:
                        group = _key_name(vocab, f"ANCHOR {len(anchor_keys)}")
                        anchor_keys[tuple(words)] = group
                    if group not in self._anchors:
                        self._anchors.add(group, [lower_keys.of_phrase(w) for w in words])
                    needs.append(vocab.strings.add(group))
                self._needs.add(frozenset(needs))
        self._has_tokens = len(self._tokens) > 0
        # Hits sort by (start, -end, pattern id): each key's rank in pattern-id order.
        by_id = sorted(self._by_key, key=lambda k: self._by_key[k].id)
        self._rank: dict[int, int] = {key: rank for rank, key in enumerate(by_id)}
        self._ranked: list[Pattern] = [self._by_key[key] for key in by_id]
        self._last: tuple | None = None  # (weak doc, its length, phrase matches, anchor matches)

    def __call__(self, doc: Doc, sentences: Sequence[Span] | None = None) -> list[Hit]:
        """All hits in the doc, sorted by position.

        ``sentences`` scopes the matching: only hits starting and ending inside the
        stretches of text they cover are returned (None: the whole doc).
        """
        if sentences is None:
            return self._hits(doc, None, None)
        return self._hits(doc, [s.start for s in sentences], [s.end for s in sentences])

    def in_bounds(self, doc: Doc, starts: Sequence[int], ends: Sequence[int]) -> list[Hit]:
        """The hits of ``self(doc, sentences)`` for the sentences ``doc[starts[i]:ends[i]]``,
        given by their token bounds: no ``Span`` is built for a sentence nothing is read in."""
        return self._hits(doc, starts, ends)

    def _hits(
        self, doc: Doc, starts: Sequence[int] | None, ends: Sequence[int] | None
    ) -> list[Hit]:
        bounds = None if starts is None else _joined(doc, starts, ends)  # type: ignore[arg-type]
        phrases, anchors = self._matches(doc, bounds)
        rank = self._rank
        found: list[tuple[int, int, int]] = []  # the token matches as (start, -end, rank)
        if self._has_tokens:
            for offset, end in self._token_scopes(doc, starts, ends, anchors):
                run = Span(doc, offset, end)
                found.extend((offset + s, -offset - e, rank[k]) for k, s, e in self._tokens(run))
        if not found:
            return _phrase_hits(phrases, self._by_key, rank)
        order = [(s, -e, rank[k]) for k, s, e in phrases]
        order.extend(found)
        order.sort()
        ranked, new = self._ranked, tuple.__new__  # Hit(...) without the NamedTuple wrapper
        return [new(Hit, (ranked[r], s, -e)) for s, e, r in order]

    def _matches(self, doc: Doc, bounds: _Bounds | None) -> tuple[_Matches, _Matches]:
        """The phrase and anchor matches inside the stretches ``bounds`` (None: whole doc).

        The ``PhraseMatcher`` reports every match, overlapping ones too, so the matches of a
        stretch are exactly the whole-doc matches that lie inside it. Its cost is per token
        matched: stretches covering most of the doc are matched as the whole doc (kept for
        the next call on the same doc, against a weak reference to it), others one by one.
        """
        last = self._last
        length = len(doc)
        cached = last is not None and last[0]() is doc and last[1] == length
        if not cached:
            if bounds is not None:
                starts, ends = bounds
                covered = sum(ends) - sum(starts) + RUN_COST * len(starts)
                if covered < length:
                    return self._run_matches(doc, starts, ends)
            anchored = self._has_tokens and not self._unanchored and len(self._anchors)
            phrases = self._phrases(doc) if length else []
            anchors = self._anchors(doc) if length and anchored else []
            self._last = last = (weakref.ref(doc), length, phrases, anchors)
        if bounds is None:
            return last[2], last[3]  # type: ignore[index]
        return _inside(last[2], *bounds), _inside(last[3], *bounds)  # type: ignore[index]

    def _run_matches(
        self, doc: Doc, starts: list[int], ends: list[int]
    ) -> tuple[_Matches, _Matches]:
        """The phrase and anchor matches of each stretch, matched one by one."""
        phrases: _Matches = []
        anchors: _Matches = []
        anchored = self._has_tokens and not self._unanchored and len(self._anchors)
        for start, end in zip(starts, ends, strict=True):
            if end > start:
                run = Span(doc, start, end)
                phrases.extend(self._phrases(run))
                if anchored:
                    anchors.extend(self._anchors(run))
        return phrases, anchors

    def _token_scopes(
        self,
        doc: Doc,
        starts: Sequence[int] | None,
        ends: Sequence[int] | None,
        anchors: _Matches,
    ) -> list[tuple[int, int]]:
        """The token bounds of the sentences the token patterns run in: the scopes (None: the
        doc's sentences) holding every anchor group of a pattern."""
        if starts is None or ends is None:
            index = sentence_index(doc)
            starts, ends = index.starts, index.ends
        if self._unanchored:
            return list(zip(starts, ends, strict=True))
        found: dict[int, set[int]] = {}
        for key, start, _ in anchors:
            position = bisect_right(starts, start) - 1  # type: ignore[arg-type]
            if position >= 0 and start < ends[position]:
                found.setdefault(position, set()).add(key)
        return [
            (starts[position], ends[position])
            for position in sorted(found)
            if any(needs <= found[position] for needs in self._needs)
        ]


def _key_name(vocab: Vocab, name: str) -> str:
    """``name``, ready to be a ``PhraseMatcher`` key.

    ``PhraseMatcher.add`` makes a lexeme of its key, computing every lexical attribute, which
    cost about 20 microseconds a rule when the pipeline loads. A name holding a space is never
    a token's text, so its lexeme is made here without attributes (once per vocabulary).
    """
    if name not in vocab:
        getters, vocab.lex_attr_getters = vocab.lex_attr_getters, None
        try:
            _ = vocab[name]
        finally:
            vocab.lex_attr_getters = getters
    return name


def _phrase_hits(phrases: _Matches, by_key: dict[int, Pattern], rank: dict[int, int]) -> list[Hit]:
    """The hits of phrase matches sorted by (start, -end, pattern id).

    The ``PhraseMatcher`` gives the matches of a stretch by start (and stretches come in
    order), so only the matches sharing a start need ordering; anything else is sorted whole.
    """
    new = tuple.__new__  # Hit(...) without the NamedTuple wrapper
    starts = [m[1] for m in phrases]
    if starts != sorted(starts):
        phrases = sorted(phrases, key=lambda m: (m[1], -m[2], rank[m[0]]))
        starts = [m[1] for m in phrases]
    hits = [new(Hit, (by_key[k], s, e)) for k, s, e in phrases]
    if len(set(starts)) == len(starts):
        return hits
    # The runs of matches sharing a start: longest first, then by pattern id.
    same = [i for i, (a, b) in enumerate(zip(starts[:-1], starts[1:], strict=True), 1) if a == b]
    first = last = same[0] - 1
    for i in (*same, -1):
        if i == last + 1:
            last = i
            continue
        group = sorted(phrases[first : last + 1], key=lambda m: (-m[2], rank[m[0]]))
        hits[first : last + 1] = [new(Hit, (by_key[k], s, e)) for k, s, e in group]
        first, last = i - 1, i
    return hits


def _joined(doc: Doc, starts: Sequence[int], ends: Sequence[int]) -> _Bounds | None:
    """The stretches ``starts[i]:ends[i]`` sorted, adjacent ones joined (None: the whole doc)."""
    pairs = sorted(zip(starts, ends, strict=True))
    joined_starts: list[int] = []
    joined_ends: list[int] = []
    for start, end in pairs:
        if joined_ends and start <= joined_ends[-1]:
            if end > joined_ends[-1]:
                joined_ends[-1] = end
        else:
            joined_starts.append(start)
            joined_ends.append(end)
    if len(joined_starts) == 1 and joined_starts[0] == 0 and joined_ends[0] == len(doc):
        return None
    return joined_starts, joined_ends


def _inside(matches: _Matches, starts: list[int], ends: list[int]) -> _Matches:
    """The matches that start and end within one of the stretches ``starts``/``ends``."""
    if not starts:
        return []
    kept = []
    first, last = starts[0], ends[-1]
    for match in matches:
        start = match[1]
        if start < first or match[2] > last:
            continue
        position = bisect_right(starts, start) - 1
        if match[2] <= ends[position]:
            kept.append(match)
    return kept


def token_count(nlp: Language, text: str) -> int:
    """``len(nlp.make_doc(text))``, without building a doc for plain words.

    A chunk of ASCII letters is one token unless it is a tokenizer special case.
    """
    chunks = text.split(" ")
    special_cases = nlp.tokenizer.rules or {}
    if all(c.isascii() and c.isalpha() and c not in special_cases for c in chunks):
        return len(chunks)
    return len(nlp.make_doc(text))


class _LowerKeys:
    """The ``LOWER`` values a ``PhraseMatcher`` pattern is made of, without building docs.

    ``PhraseMatcher.add`` takes sequences of attribute values as well as docs. Building a
    doc per phrase creates a lexeme (with all its attributes) for every new word, which made
    up most of the load time; a phrase of plain lower-case words that the tokenizer keeps
    whole is hashed directly, anything else goes through the tokenizer.
    """

    def __init__(self, nlp: Language) -> None:
        self._tokenizer = nlp.tokenizer
        self._strings = nlp.vocab.strings
        self._special_cases = set(nlp.tokenizer.rules or ())

    def of_words(self, words: Sequence[str]) -> list[int]:
        """The values of a sequence of single tokens."""
        return [self._strings.add(word.lower()) for word in words]

    def of_phrase(self, phrase: str) -> list[int]:
        """The values of the tokens the tokenizer makes of ``phrase``."""
        chunks = phrase.split(" ")
        if all(_PLAIN_WORD.fullmatch(c) and c not in self._special_cases for c in chunks):
            return [self._strings.add(chunk) for chunk in chunks]
        return [token.lower for token in self._tokenizer(phrase)]
