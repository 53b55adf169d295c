"""How far a rule's hits reach, to scope matching to stretches of a doc without losing any;
and the doc's sections as plain lists."""

from __future__ import annotations

from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc

from ..extensions import section_rows
from ..patterns import Pattern
from ..rules import required_words, token_count

SectionTable = tuple[list[int], list[int], list[str]]

_QUOTES = (("'", "\u2019"), ("\u2019", "'"))


def hit_reach(nlp: Language, patterns: Iterable[Pattern]) -> tuple[int, int]:
    """Bounds, with a margin, of the tokens a hit of the patterns spans and of the tokens of
    one anchor word of a token pattern (the words a sentence must hold for it to run there).

    A phrase is counted in every casing and apostrophe it is matched in; a token pattern
    spans at most one token per entry when it runs as phrases, and stays inside a sentence
    when it runs in a ``Matcher``.
    """
    phrase, anchor = 1, 1
    for pattern in patterns:
        if pattern.is_phrase:
            text = str(pattern.pattern)
            variants = {text, text.lower(), *(text.lower().replace(a, b) for a, b in _QUOTES)}
            phrase = max(phrase, *(token_count(nlp, v) for v in variants))
        else:
            phrase = max(phrase, len(pattern.pattern))  # type: ignore[arg-type]
            for words in required_words(pattern.pattern):  # type: ignore[arg-type]
                anchor = max(anchor, *(token_count(nlp, w) for w in words))
    return phrase + 1, anchor + 1


# -- the doc's sections, as the components after the sectionizer read them ---------------


def sections_of(doc: Doc) -> SectionTable:
    """The token starts, character starts and labels of the doc's sections (from the rows
    the sectionizer records)."""
    rows = section_rows(doc)
    return [r.start for r in rows], [r.start_char for r in rows], [r.label for r in rows]
