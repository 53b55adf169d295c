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
from collections.abc import Sequence
from typing import Any

from spacy.tokens import Span

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


def compile_pattern(pattern: list[dict[str, Any]]) -> re.Pattern[str]:
    """The regular expression of a supported token pattern (see :func:`compilable`)."""
    parts = [_token_regex(token) for token in pattern]
    if any(p is None for p in parts):
        raise ValueError("unsupported token pattern")
    return re.compile("(?<![^ ])" + "".join(parts))  # type: ignore[arg-type]


def _first_words(pattern: list[dict[str, Any]]) -> frozenset[str] | None:
    """The words of which a match's first token must be one, or None if any may start it."""
    if not pattern or pattern[0].get("OP") is not None or "LOWER" not in pattern[0]:
        return None
    value = pattern[0]["LOWER"]
    if isinstance(value, str):
        return frozenset({value.lower()})
    return frozenset(str(w).lower() for w in value["IN"])


class WordSetMatcher:
    """Run compiled word-set patterns on chosen sentences; hits as token offsets."""

    def __init__(self, patterns: Sequence[Pattern]) -> None:
        self.patterns = [p for p in patterns if not p.is_phrase]
        self._compiled = [
            (p, compile_pattern(p.pattern), _first_words(p.pattern))  # type: ignore[arg-type]
            for p in self.patterns
        ]

    def __call__(self, sentences: Sequence[Span]) -> list[Hit]:
        hits: list[Hit] = []
        if not self._compiled:
            return hits
        for sentence in sentences:
            words = [_SPACE_WORD if t.is_space else t.lower_ for t in sentence]
            offsets, position = [], 0
            for word in words:
                offsets.append(position)
                position += len(word) + 1
            text = " ".join(words) + " "
            present = set(words)
            for pattern, regex, firsts in self._compiled:
                if firsts is not None and present.isdisjoint(firsts):
                    continue
                for match in regex.finditer(text):
                    if match.end() == match.start():
                        continue
                    start = bisect_left(offsets, match.start())
                    end = bisect_left(offsets, match.end())
                    hits.append(Hit(pattern, sentence.start + start, sentence.start + end))
        return hits
