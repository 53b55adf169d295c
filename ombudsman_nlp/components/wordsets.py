"""Token patterns of word sets run as one regular expression over a sentence's lower-cased words.

spaCy's token ``Matcher`` evaluates every ``IN`` set as a Python predicate at every token, so
patterns of large verb and object sets ("review / amend / update ... its ... procedures") cost
many times the tokenizer. The patterns this module accepts use only ``LOWER`` (a word or an
``IN`` set), ``IS_ALPHA: true`` and the operators ``?``, ``*``, ``+`` and ``{n,m}``; each is
compiled to a regular expression over the sentence's words joined by single spaces, and its
matches are mapped back to token offsets. Where every word of a pattern is one token, the same
expression runs on a string of one code character per token (each pattern word its own code),
so its matches are token offsets at once.
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
_LOW_BITS = numpy.uint64(0xFFFF)  # the bits of a word id that index the word sets' table
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


_OTHER = "\x01"  # the code of a token that is no pattern word and not alphabetic
_OTHER_ALPHA = "\x02"  # the code of an alphabetic token that is no pattern word
_FIRST_CODE = 0xE000  # pattern words are coded from here on (a private-use range)
_MAX_CODES = 1 << 16  # word ids whose code is remembered before the memo starts afresh


def _is_alpha_word(word: str) -> bool:
    """Whether a lower-case word is what ``IS_ALPHA`` steps (and ``_ALPHA``) accept."""
    return not word.isspace() and _ALPHA_WORD.fullmatch(word) is not None


class _Codes(dict):
    """A one-character code per lower-case word id: each pattern word its own, any other word
    ``_OTHER_ALPHA`` or ``_OTHER`` (read once per id). A sentence's codes joined make a string
    of one character per token, on which a pattern's steps run as a regular expression."""

    def __init__(self, strings: Any, words: dict[int, str]) -> None:
        super().__init__(words)
        self.strings = strings
        self.words = words

    def __missing__(self, key: int) -> str:
        if len(self) > _MAX_CODES:
            self.clear()
            self.update(self.words)
        value = self[key] = _OTHER_ALPHA if _is_alpha_word(self.strings[key]) else _OTHER
        return value


def _code_source(
    steps: list[tuple[frozenset[int] | None, int, int]], codes: dict[int, str], alpha: str
) -> str:
    """A pattern's steps as a regular expression over token codes (see :class:`_Codes`): it
    backtracks as the regular expression over the words does, one character per token."""
    parts = []
    for ids, least, most in steps:
        chars = alpha if ids is None else "".join(sorted({codes[key] for key in ids}))
        unit = "[" + "".join(re.escape(char) for char in chars) + "]"
        if (least, most) == (1, 1):
            parts.append(unit)
        elif most >= _MANY:
            parts.append(f"{unit}{{{least},}}")
        else:
            parts.append(f"{unit}{{{least},{most}}}")
    return "".join(parts)


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
        self._codes = _Codes(None, {})
        # Per pattern the source of its regular expression over codes (None: run over the
        # words), compiled on first use: loading the pipeline stays quick.
        self._code_sources: list[str | None] = []
        self._code_regexes: dict[int, re.Pattern[str]] = {}
        # Per lower-case word id, the word sets holding the word (a bit per set).
        self._word_sets: dict[int, int] = {}
        # By the low bits of a word id, the word sets of the set words with those bits (a bit
        # per set): at least the sets of the word itself.
        self._table = numpy.zeros(1, dtype=numpy.uint64)
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
            kind = numpy.uint64 if len(self._sets) <= 64 else object
            self._table = numpy.zeros(int(_LOW_BITS) + 1, dtype=kind)
            for key, mask in masks.items():
                self._table[key & int(_LOW_BITS)] |= mask
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
            # One code per pattern word; the steps as regular expressions over the codes.
            words = sorted(
                {w for steps in self._steps if steps for group, _, _ in steps for w in group or ()}
            )
            coded = {add(w): chr(_FIRST_CODE + n) for n, w in enumerate(words)}
            alpha = _OTHER_ALPHA + "".join(coded[add(w)] for w in words if _is_alpha_word(w))
            self._codes = _Codes(vocab.strings, coded)
            self._code_sources = [
                None if steps is None else _code_source(steps, coded, alpha)
                for steps in self._id_steps
            ]
            self._code_regexes = {}
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
        self._set_words(doc.vocab)
        chosen_by_mask = self._chosen
        strings = doc.vocab.strings
        first_ids, codes = self._first_ids, self._codes
        code_sources, code_regexes = self._code_sources, self._code_regexes
        rows = doc.to_array(LOWER)
        # Each sentence's word sets (a bit per set), in numpy: the sets of its tokens' low bits
        # joined by ``bitwise_or``. Words sharing low bits may add sets a sentence lacks: a
        # pattern is then tried in vain (its codes are exact), never missed.
        table = self._table
        held_by = numpy.zeros(len(rows) + 1, dtype=table.dtype)  # one past the end: 0
        held_by[:-1] = table[rows & _LOW_BITS]
        edges = numpy.asarray(bounds, dtype=numpy.intp).ravel()
        held = numpy.bitwise_or.reduceat(held_by, edges)[::2]
        held[edges[::2] == edges[1::2]] = 0  # an empty sentence holds no set
        # The sets a sentence holds choose the patterns to try (no sets: the free patterns).
        for (first, stop), mask in zip(bounds, held.tolist(), strict=True):
            chosen = chosen_by_mask.get(mask)
            if chosen is None:
                chosen = chosen_by_mask[mask] = self._choose(mask)
            if not chosen:
                continue
            lowers = rows[first:stop].tolist()
            text = code = None
            for number in chosen:
                pattern = self._compiled[number][0]
                source = code_sources[number]
                if source is None:  # the regular expression on the sentence's words
                    firsts = first_ids[number]
                    at = [i for i, key in enumerate(lowers) if key in firsts] if firsts else None
                    if text is None:
                        text, offsets = _sentence_text(strings, lowers)
                    for start, end in self._regex_matches(number, text, offsets, at):
                        hits.append(Hit(pattern, first + start, first + end))
                    continue
                # The steps on the sentence's token codes: a match of a pattern that starts
                # with a required word set starts at one of its words.
                if code is None:
                    code = "".join([codes[key] for key in lowers])
                regex = code_regexes.get(number)
                if regex is None:
                    regex = code_regexes[number] = re.compile(source)
                for match in regex.finditer(code):
                    start, end = match.span()
                    if end > start:
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
