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
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from .extensions import sentences as sentence_index
from .patterns import Pattern

_LITERAL_KEYS = ("LOWER", "ORTH", "NORM", "TEXT")
_APOSTROPHES = ("'", "\u2019")
MAX_EXPANSION = 2000  # word sequences a token pattern may stand for and still run as phrases
_PLAIN_WORD = re.compile(r"[a-z]+")  # a chunk the tokenizer keeps whole, unless a special case


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
            name = f"RULE{number}"
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
                    group = anchor_keys.setdefault(tuple(words), f"ANCHOR{len(anchor_keys)}")
                    if group not in self._anchors:
                        self._anchors.add(group, [lower_keys.of_phrase(w) for w in words])
                    needs.append(vocab.strings.add(group))
                self._needs.add(frozenset(needs))
        self._has_tokens = len(self._tokens) > 0

    def __call__(self, doc: Doc, sentences: Sequence[Span] | None = None) -> list[Hit]:
        """All hits in the doc, sorted by position.

        ``sentences`` scopes the matching: only hits starting and ending inside the
        stretches of text they cover are returned (None: the whole doc).
        """
        runs = _runs(doc, sentences)
        by_key, new = self._by_key, tuple.__new__  # Hit(...) without the NamedTuple wrapper
        hits = [new(Hit, (by_key[k], s, e)) for run in runs for k, s, e in self._phrases(run)]
        if self._has_tokens:
            for span in self._token_scopes(doc, sentences, runs):
                for key, start, end in self._tokens(span):
                    hits.append(Hit(self._by_key[key], span.start + start, span.start + end))
        hits.sort(key=lambda h: (h.start, -h.end, h.pattern.id))
        return hits

    def _token_scopes(
        self, doc: Doc, sentences: Sequence[Span] | None, runs: list[Doc | Span]
    ) -> list[Span]:
        index = sentence_index(doc) if sentences is None else None
        if self._unanchored:
            return index.spans() if index is not None else list(sentences)  # type: ignore[arg-type]
        found: dict[int, set[int]] = {}
        if index is not None:
            starts, ends = index.starts, index.ends
        else:
            starts = [s.start for s in sentences]  # type: ignore[union-attr]
            ends = [s.end for s in sentences]  # type: ignore[union-attr]
        for run in runs:
            for key, start, _ in self._anchors(run):
                position = bisect_right(starts, start) - 1
                if position >= 0 and start < ends[position]:
                    found.setdefault(position, set()).add(key)
        chosen = [
            position
            for position in sorted(found)
            if any(needs <= found[position] for needs in self._needs)
        ]
        if index is not None:
            return [index.span(i) for i in chosen]
        return [sentences[i] for i in chosen]  # type: ignore[index]


def _runs(doc: Doc, sentences: Sequence[Span] | None) -> list[Doc | Span]:
    """The stretches of the doc the sentences cover: adjacent sentences joined into one."""
    if sentences is None:
        return [doc]
    bounds: list[list[int]] = []
    for sentence in sorted(sentences, key=lambda s: s.start):
        if bounds and sentence.start <= bounds[-1][1]:
            bounds[-1][1] = max(bounds[-1][1], sentence.end)
        else:
            bounds.append([sentence.start, sentence.end])
    if len(bounds) == 1 and bounds[0] == [0, len(doc)]:
        return [doc]
    return [doc[start:end] for start, end in bounds]


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
