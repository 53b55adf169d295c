"""Token patterns of word sets run as one regular expression over a sentence's lower-cased words.

spaCy's token ``Matcher`` evaluates every ``IN`` set as a Python predicate at every token, so
patterns of large verb and object sets ("review / amend / update ... its ... procedures") cost
many times the tokenizer. The patterns this module accepts use only ``LOWER`` (a word or an
``IN`` set), ``IS_ALPHA: true`` and the operators ``?``, ``*``, ``+`` and ``{n,m}``; each is
compiled to a regular expression over the sentence's words joined by single spaces, and its
matches are mapped back to token offsets.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from itertools import accumulate
from typing import Any

from spacy.attrs import LOWER
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from ..patterns import Pattern
from ..rules import Hit, _runs

_SPACE_WORD = "\x00"  # stands for a whitespace token: no word pattern matches it
_ALPHA = r"[^\W\d_]+"
_QUANTIFIER = re.compile(r"^\{\d*,\d*\}$|^\{\d+\}$")


def compilable(pattern: list[dict[str, Any]]) -> bool:
    """Whether a token pattern uses only what :func:`compile_pattern` supports."""
    return all(_token_regex(token) is not None for token in pattern)


def _token_regex(token: dict[str, Any]) -> str | None:
    keys = set(token) - {"OP"}
    op = token.get("OP")
    if op is not None and op not in ("?", "*", "+") and not _QUANTIFIER.match(str(op)):
        return None
    if keys == {"LOWER"}:
        value = token["LOWER"]
        if isinstance(value, str):
            body = re.escape(value.lower())
        elif isinstance(value, dict) and set(value) == {"IN"} and value["IN"]:
            words = sorted({str(w).lower() for w in value["IN"]}, key=len, reverse=True)
            body = "(?:" + "|".join(re.escape(w) for w in words) + ")"
        else:
            return None
    elif keys == {"IS_ALPHA"} and token["IS_ALPHA"] is True:
        body = _ALPHA
    else:
        return None
    unit = f"(?:{body}) "
    return unit if op is None else f"(?:{unit}){op}"


def pattern_source(pattern: list[dict[str, Any]]) -> str:
    """The source of :func:`compile_pattern`'s regular expression."""
    parts = [_token_regex(token) for token in pattern]
    if any(p is None for p in parts):
        raise ValueError("unsupported token pattern")
    return "(?<![^ ])" + "".join(parts)  # type: ignore[arg-type]


def compile_pattern(pattern: list[dict[str, Any]]) -> re.Pattern[str]:
    """The regular expression of a supported token pattern (see :func:`compilable`)."""
    return re.compile(pattern_source(pattern))


def _token_words(token: dict[str, Any]) -> frozenset[str] | None:
    """The words one of which a required token must be, or None (optional, or not a set of
    single lower-case words)."""
    if token.get("OP") not in (None, "+") or "LOWER" not in token:
        return None
    value = token["LOWER"]
    if isinstance(value, str):
        words = frozenset({value.lower()})
    else:
        words = frozenset(str(w).lower() for w in value["IN"])
    if any(not w or w.isspace() or " " in w or _SPACE_WORD in w or w != w.lower() for w in words):
        return None
    return words


def _first_words(pattern: list[dict[str, Any]]) -> frozenset[str] | None:
    """The words of which a match's first token must be one, or None if any may start it
    (or when one of them is not a single word: the regex then scans the whole sentence)."""
    if not pattern or pattern[0].get("OP") is not None:
        return None
    return _token_words(pattern[0])


class WordSetMatcher:
    """Run compiled word-set patterns on chosen sentences; hits as token offsets.

    A match holds one word of each required word set of its pattern, and starts at a word
    of the first one: one ``PhraseMatcher`` pass over the doc finds those words, a pattern is
    tried only in the sentences holding all its sets, and only where its first word stands.
    """

    def __init__(self, patterns: Sequence[Pattern], vocab: Vocab | None = None) -> None:
        """``vocab``: the pipeline's, to build the word matcher now (its strings must be added
        outside a ``memory_zone``); without it, it is built on the first call."""
        self.patterns = [p for p in patterns if not p.is_phrase]
        self._compiled = [
            (p, pattern_source(p.pattern), _first_words(p.pattern))  # type: ignore[arg-type]
            for p in self.patterns
        ]
        # Word sets (numbered), and per pattern the sets it needs and the one it starts with.
        self._sets: dict[frozenset[str], int] = {}
        self._needs: list[frozenset[int]] = []
        self._first_set: list[int | None] = []
        for pattern, _, firsts in self._compiled:
            needs = set()
            if firsts is not None:
                needs.add(self._sets.setdefault(firsts, len(self._sets)))
            for token in pattern.pattern[1:]:
                words = _token_words(token)  # type: ignore[arg-type]
                # Sets of stop words ("its", "the") stand everywhere: they choose nothing.
                if words is not None and words.isdisjoint(STOP_WORDS):
                    needs.add(self._sets.setdefault(words, len(self._sets)))
            self._needs.append(frozenset(needs))
            self._first_set.append(None if firsts is None else self._sets[firsts])
        self._regexes: dict[int, re.Pattern[str]] = {}
        self._matcher: PhraseMatcher | None = None
        self._numbers: dict[int, int] = {}  # matcher key -> word set number
        self._vocab: Vocab | None = None
        if vocab is not None:
            self._set_matcher(vocab)

    def _set_matcher(self, vocab: Vocab) -> PhraseMatcher:
        if self._matcher is None or self._vocab is not vocab:
            matcher = PhraseMatcher(vocab, attr="LOWER")
            self._numbers = {}
            for words, number in self._sets.items():
                # One token per word: a token of the set is one token whose lower case it is.
                matcher.add(str(number), [Doc(vocab, words=[w]) for w in sorted(words)])
                self._numbers[vocab.strings.add(str(number))] = number
            self._matcher, self._vocab = matcher, vocab
        return self._matcher

    def __call__(self, sentences: Sequence[Span]) -> list[Hit]:
        """Hits in the sentences (spans of one doc)."""
        hits: list[Hit] = []
        if not self._compiled or not sentences:
            return hits
        doc = sentences[0].doc
        strings = doc.vocab.strings
        # (token, word set number) for every word of a set in the sentences.
        matcher, numbers = self._set_matcher(doc.vocab), self._numbers
        pairs = sorted(
            (start, numbers[key]) for run in _runs(doc, sentences) for key, start, _ in matcher(run)
        )
        free = [n for n, needs in enumerate(self._needs) if not needs]
        if not pairs and not free:
            return hits
        tokens = [t for t, _ in pairs]
        rows = doc.to_array(LOWER)
        for sentence in sentences:
            first, stop = sentence.start, sentence.end
            here = pairs[bisect_left(tokens, first) : bisect_left(tokens, stop)]
            present = {n for _, n in here}
            chosen = [n for n, needs in enumerate(self._needs) if needs <= present]
            if not chosen:
                continue
            words = [strings[lower] for lower in rows[first:stop].tolist()]
            words = [_SPACE_WORD if word.isspace() else word for word in words]
            offsets = [0, *accumulate(len(word) + 1 for word in words)]
            offsets.pop()
            text = " ".join(words) + " "
            for number in chosen:
                pattern, source, _ = self._compiled[number]
                regex = self._regexes.get(number)
                if regex is None:  # compiled on first use: loading the pipeline stays quick
                    regex = self._regexes[number] = re.compile(source)
                first_set = self._first_set[number]
                if first_set is None:
                    matches: Iterator[re.Match[str]] = regex.finditer(text)
                else:
                    at = [t for t, n in here if n == first_set]
                    matches = _matches_at(regex, text, offsets, at, first)
                for match in matches:
                    if match.end() == match.start():
                        continue
                    start = bisect_left(offsets, match.start())
                    end = bisect_left(offsets, match.end())
                    hits.append(Hit(pattern, first + start, first + end))
        return hits


def _matches_at(
    regex: re.Pattern[str], text: str, offsets: list[int], tokens: list[int], first: int
) -> Iterator[re.Match[str]]:
    """``regex.finditer(text)`` when a match can only start at the words of ``tokens``
    (doc token offsets; the sentence starts at token ``first``)."""
    reached = 0
    for token in tokens:
        at = offsets[token - first]
        if at < reached:
            continue
        match = regex.match(text, at)
        if match is not None:
            reached = match.end()
            yield match
