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

import numpy
from spacy.attrs import LOWER
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from ..patterns import Pattern
from ..rules import Hit

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


_REPEAT = re.compile(r"^\{(\d*)(,?)(\d*)\}$")
_ALPHA_WORD = re.compile(_ALPHA)
_LOW_BITS = numpy.uint64(0xFFFF)  # the bits of a word id that index the candidates' table
_MANY = 1 << 30  # no upper bound on a repeat
# A token of a pattern on word ids: the ids one of which the token's lower case must be (None:
# an alphabetic word), and how many such tokens in a row (least, most), greedy.
_Step = tuple[frozenset[str] | None, int, int]


def _repeat(op: str | None) -> tuple[int, int] | None:
    """The (least, most) times of an operator, as the regular expression reads it."""
    if op is None:
        return 1, 1
    fixed = {"?": (0, 1), "*": (0, _MANY), "+": (1, _MANY)}
    if op in fixed:
        return fixed[op]
    match = _REPEAT.match(op)
    if match is None:
        return None
    low, comma, high = match.groups()
    if not comma:
        return int(low), int(low)
    least, most = int(low) if low else 0, int(high) if high else _MANY
    return (least, most) if least <= most else None


def _steps(pattern: list[dict[str, Any]]) -> list[_Step] | None:
    """The pattern as steps over token words, or None when a word of it is not one token's
    lower case (the regular expression then runs on the sentence's text)."""
    steps: list[_Step] = []
    for token in pattern:
        times = _repeat(token.get("OP"))
        if times is None:
            return None
        if "IS_ALPHA" in token:
            steps.append((None, *times))
            continue
        value = token["LOWER"]
        words = frozenset(
            {value.lower()} if isinstance(value, str) else {str(w).lower() for w in value["IN"]}
        )
        if any(not w or w.isspace() or " " in w or _SPACE_WORD in w for w in words):
            return None
        steps.append((words, *times))
    return steps


def _match_steps(
    steps: list[tuple[frozenset[int] | None, int, int]],
    lowers: list[int],
    at: int,
    alpha: dict[int, bool],
) -> int | None:
    """Where a match of the steps starting at token ``at`` of ``lowers`` ends (the regular
    expression's backtracking order: each repeat takes as many tokens as it can first)."""
    size, length = len(steps), len(lowers)

    def step(index: int, position: int) -> int | None:
        while index < size:
            ids, least, most = steps[index]
            if most == 1 and least == 1:  # one token, no choice: no backtracking
                if position == length:
                    return None
                key = lowers[position]
                if not (alpha[key] if ids is None else key in ids):
                    return None
                index, position = index + 1, position + 1
                continue
            limit = min(most, length - position)
            count = 0
            if ids is None:
                while count < limit and alpha[lowers[position + count]]:
                    count += 1
            else:
                while count < limit and lowers[position + count] in ids:
                    count += 1
            while count >= least:
                end = step(index + 1, position + count)
                if end is not None:
                    return end
                count -= 1
            return None
        return position

    return step(0, at)


class _Alpha(dict):
    """Whether a lower-case word id is an alphabetic word, read once per id."""

    def __init__(self, strings: Any) -> None:
        super().__init__()
        self.strings = strings

    def __missing__(self, key: int) -> bool:
        word = self.strings[key]
        value = self[key] = not word.isspace() and _ALPHA_WORD.fullmatch(word) is not None
        return value


class WordSetMatcher:
    """Run compiled word-set patterns on chosen sentences; hits as token offsets.

    A match holds one word of each required word set of its pattern, and starts at a word
    of the first one: a pattern is tried only in the sentences holding a word of each of its
    sets (a set intersection of the sentence's word ids), and only where its first word stands.
    """

    def __init__(self, patterns: Sequence[Pattern], vocab: Vocab | None = None) -> None:
        """``vocab``: the pipeline's, to read the words' ids now (its strings must be added
        outside a ``memory_zone``); without it, they are read on the first call."""
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
        self._free = [n for n, needs in enumerate(self._needs) if not needs]
        # A bit per word set: per pattern the sets it needs, and the patterns a mix of sets
        # chooses (memoised).
        self._need_masks = [sum(1 << n for n in needs) for needs in self._needs]
        self._chosen: dict[int, list[int]] = {}
        self._regexes: dict[int, re.Pattern[str]] = {}
        # Per pattern its steps over token words (None: run as a regular expression), and,
        # once the vocab is known, over word ids.
        self._steps = [_steps(p.pattern) for p in self.patterns]  # type: ignore[arg-type]
        self._id_steps: list[list[tuple[frozenset[int] | None, int, int]] | None] = []
        self._first_ids: list[frozenset[int]] = []
        # Per lower-case word id, the word sets holding the word (a bit per set).
        self._word_sets: dict[int, int] = {}
        self._known: frozenset[int] = frozenset()
        self._table = numpy.zeros(1, dtype=bool)  # by the low bits of a word id: a set word?
        self._vocab: Vocab | None = None
        if vocab is not None:
            self._set_words(vocab)

    def _set_words(self, vocab: Vocab) -> dict[int, int]:
        if self._vocab is not vocab:
            masks: dict[int, int] = {}
            for words, number in self._sets.items():
                for word in words:
                    key = vocab.strings.add(word)
                    masks[key] = masks.get(key, 0) | 1 << number
            self._word_sets = masks
            self._known = frozenset(self._word_sets)
            self._table = numpy.zeros(int(_LOW_BITS) + 1, dtype=bool)
            self._table[[key & int(_LOW_BITS) for key in self._known]] = True
            add = vocab.strings.add
            self._id_steps = [
                None
                if steps is None
                else [
                    (None if words is None else frozenset(add(w) for w in words), least, most)
                    for words, least, most in steps
                ]
                for steps in self._steps
            ]
            ids = {number: frozenset(add(w) for w in words) for words, number in self._sets.items()}
            self._first_ids = [
                frozenset() if first is None else ids[first] for first in self._first_set
            ]
            self._vocab = vocab
        return self._word_sets

    def __call__(self, sentences: Sequence[Span]) -> list[Hit]:
        """Hits in the sentences (spans of one doc)."""
        if not sentences:
            return []
        return self.match(sentences[0].doc, [(s.start, s.end) for s in sentences])

    def match(self, doc: Doc, bounds: Sequence[tuple[int, int]]) -> list[Hit]:
        """Hits in the sentences of ``doc`` given as token bounds ``(start, end)``."""
        hits: list[Hit] = []
        if not self._compiled or not bounds:
            return hits
        masks = self._set_words(doc.vocab)
        chosen_by_mask, free = self._chosen, self._free
        strings = doc.vocab.strings
        id_steps, first_ids = self._id_steps, self._first_ids
        alpha = _Alpha(strings)
        rows = doc.to_array(LOWER)
        # The tokens that are set words, found in numpy: a table of the ids' low bits gives
        # the candidates (cheap), the exact ids decide. Python ints only for those tokens.
        candidates = numpy.flatnonzero(self._table[rows & _LOW_BITS])
        if not len(candidates) and not free:
            return hits
        # (token, word id) of the candidates; one that is no set word adds no set to a mask.
        pairs = list(zip(candidates.tolist(), rows[candidates].tolist(), strict=True))
        tokens = [token for token, _ in pairs]
        for first, stop in bounds:
            lo, hi = bisect_left(tokens, first), bisect_left(tokens, stop)
            here = pairs[lo:hi]  # (token, word id) of the sentence's set words, in order
            if here:  # the sets the sentence holds choose the patterns to try
                mask = 0
                for _, key in here:
                    mask |= masks.get(key, 0)
                chosen = chosen_by_mask.get(mask)
                if chosen is None:
                    chosen = chosen_by_mask[mask] = self._choose(mask)
            else:
                chosen = free
            if not chosen:
                continue
            lowers = rows[first:stop].tolist()
            text = None
            for number in chosen:
                pattern = self._compiled[number][0]
                steps, starts_with = id_steps[number], first_ids[number]
                at = [t - first for t, key in here if key in starts_with] if starts_with else None
                if steps is None:  # the regular expression on the sentence's words
                    if text is None:
                        text, offsets = _sentence_text(strings, lowers)
                    spans = self._regex_matches(number, text, offsets, at)
                else:
                    spans = _step_matches(steps, lowers, at, alpha)
                for start, end in spans:
                    hits.append(Hit(pattern, first + start, first + end))
        return hits

    def _choose(self, mask: int) -> list[int]:
        """The patterns whose word sets are all in ``mask`` (a bit per set), in order."""
        return [n for n, need in enumerate(self._need_masks) if need & mask == need]

    def _regex_matches(
        self, number: int, text: str, offsets: list[int], at: list[int] | None
    ) -> Iterator[tuple[int, int]]:
        """The matches (sentence token offsets) of a pattern's regular expression."""
        regex = self._regexes.get(number)
        if regex is None:  # compiled on first use: loading the pipeline stays quick
            regex = self._regexes[number] = re.compile(self._compiled[number][1])
        if at is None:
            matches: Iterator[re.Match[str]] = regex.finditer(text)
        else:
            matches = _matches_at(regex, text, offsets, at, 0)
        for match in matches:
            if match.end() == match.start():
                continue
            yield bisect_left(offsets, match.start()), bisect_left(offsets, match.end())


def _sentence_text(strings: Any, lowers: list[int]) -> tuple[str, list[int]]:
    """A sentence's lower-case words joined by spaces, and each word's character offset."""
    words = [strings[key] for key in lowers]
    words = [_SPACE_WORD if word.isspace() else word for word in words]
    offsets = [0, *accumulate(len(word) + 1 for word in words)]
    offsets.pop()
    return " ".join(words) + " ", offsets


def _step_matches(
    steps: list[tuple[frozenset[int] | None, int, int]],
    lowers: list[int],
    at: list[int] | None,
    alpha: dict[int, bool],
) -> list[tuple[int, int]]:
    """The non-overlapping matches (sentence token offsets) of a pattern's steps, leftmost
    first, as ``finditer`` of its regular expression finds them; a pattern that starts with a
    required word set starts only at its words (``at``)."""
    found: list[tuple[int, int]] = []
    reached = 0
    for start in range(len(lowers)) if at is None else at:
        if start < reached:
            continue
        end = _match_steps(steps, lowers, start, alpha)
        if end is not None and end > start:
            reached = end
            found.append((start, end))
    return found


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
