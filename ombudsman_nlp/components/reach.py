"""How far a rule's hits reach, to scope matching to stretches of a doc without losing any;
and the doc's sections and sentence ends, read only where a component needs them."""

from __future__ import annotations

from collections.abc import Iterable
from operator import sub
from weakref import WeakKeyDictionary

from spacy.language import Language
from spacy.tokens import Doc, SpanGroup

from ..extensions import _MARKER_RE, Sentences, section_rows
from ..labels import SECTIONS_KEY
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


# -- the doc's sections and sentences, read only where they are needed ---------------------

# The sections of a doc as (token starts, character starts, labels), kept while its section
# group is unchanged.
_SECTIONS: WeakKeyDictionary[Doc, tuple[SpanGroup, int, SectionTable]] = WeakKeyDictionary()


def sections_of(doc: Doc) -> SectionTable:
    """The token starts, character starts and labels of the doc's sections, read once per
    section group (shared by the components that run after the sectionizer)."""
    group = doc.spans.get(SECTIONS_KEY)
    if group is None:
        return [], [], []
    cached = _SECTIONS.get(doc)
    if cached is not None and cached[0] is group and cached[1] == len(group):
        return cached[2]
    rows = section_rows(doc)  # plain rows, recorded by the sectionizer
    value = [r.start for r in rows], [r.start_char for r in rows], [r.label for r in rows]
    _SECTIONS[doc] = (group, len(group), value)
    return value


def end_char(sents: Sentences, doc: Doc, text: str, index: int) -> int:
    """``sents.end_chars[index]`` for one sentence, without reading every token's spacing: the
    next sentence's start (or the text's end) less the sentence's last trailing space."""
    ends = sents.ends
    following = sents.start_chars[index + 1] if index + 1 < len(ends) else len(text)
    return following - len(doc[ends[index] - 1].whitespace_)


def is_marker(sents: Sentences, doc: Doc, text: str, index: int) -> bool:
    """``sents.markers()[index]`` for one sentence: whether it is only a list marker.

    The marker expression ends in white space to the end, so it is matched up to the next
    sentence's start: the sentence's trailing space makes no difference and no token is read.
    """
    start_chars = sents.start_chars
    following = start_chars[index + 1] if index + 1 < len(start_chars) else len(text)
    return _MARKER_RE.match(text, start_chars[index], following) is not None


def marker_sentences(sents: Sentences, text: str, longest: int) -> list[int]:
    """The indices of the sentences of at most ``longest`` tokens that are only a list marker
    (:func:`is_marker`), in order."""
    match = _MARKER_RE.match
    start_chars = sents.start_chars
    last = len(start_chars) - 1
    lengths = map(sub, sents.ends, sents.starts)  # no tuple per sentence
    short = [i for i, length in enumerate(lengths) if length <= longest]
    return [
        index
        for index in short
        if match(text, start_chars[index], start_chars[index + 1] if index < last else len(text))
        is not None
    ]
