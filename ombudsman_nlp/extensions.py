"""Doc and Span extensions. Values are plain (msgpack-native); rich views are getters."""

from __future__ import annotations

import re
import weakref
from bisect import bisect_right
from operator import sub
from typing import NamedTuple
from weakref import WeakKeyDictionary

import numpy
from spacy.attrs import IDX, LENGTH, SENT_START, SPACY
from spacy.tokens import Doc, Span

from . import labels

# Texts of live docs, by doc: a weak mapping, so nothing outlives its doc or is serialised.
_TEXTS: WeakKeyDictionary[Doc, str] = WeakKeyDictionary()


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed at most once per doc.

    ``Doc.text`` joins the text of every token on each access (about a third of the
    tokenizer's time on a decision); the components read it several times per document.
    """
    text = _TEXTS.get(doc)
    if text is None:
        text = _TEXTS[doc] = doc.text
    return text


def remember_text(doc: Doc, text: str) -> None:
    """Record the text a doc was made from (spaCy's tokenizer keeps it exactly)."""
    _TEXTS[doc] = text


# A sentence that is only a list marker: "-", "•", "1.", "(a)", "iv)".
_MARKER_RE = re.compile(  # matched with pos/endpos on the doc text: no "^"
    r"\s*(?:[-•*\u2022\u2013]|\(?[0-9]{1,2}[.)]|\(?[a-z][.)]|\(?[ivx]+[.)])\s*$"
)

# The characters ``_MARKER_RE`` can match first: those of ``\s`` (``str.isspace``, all below
# U+3001) and of each marker's first character.
_MARKER_FIRST = frozenset(
    [c for c in map(chr, range(0x3001)) if c.isspace()]
    + list("-•*\u2022\u2013(0123456789abcdefghijklmnopqrstuvwxyz")
)


class Sentences:
    """The sentence bounds of a doc as plain lists: token and character offsets.

    Read once from the token arrays; :meth:`span` builds a ``Span`` only when asked for one.
    The character offsets are those of ``Span.start_char`` / ``Span.end_char``, so
    ``text[start_chars[i]:end_chars[i]]`` is the sentence's ``Span.text``. It refers to its
    doc weakly (it is cached against the doc in a ``WeakKeyDictionary``, whose values must
    not keep their key alive).
    """

    __slots__ = ("_doc", "starts", "ends", "start_chars", "_end_chars", "_known_ends", "_markers")

    def __init__(self, doc: Doc) -> None:
        self._doc = weakref.ref(doc)
        n = len(doc)
        if n and doc.has_annotation("SENT_START"):
            array = doc.to_array([SENT_START, IDX, LENGTH])
            positions = numpy.flatnonzero(array[:, 0] == 1)
            if not len(positions) or positions[0] != 0:
                positions = numpy.concatenate(([0], positions))
            starts = positions.tolist()
            ends = [*starts[1:], n]
            idx = array[:, 1]
            last = numpy.asarray(ends) - 1
            self.start_chars: list[int] = idx[positions].tolist()
            self._end_chars: list[int] | None = (idx[last] + array[last, 2]).tolist()
        elif n:
            array = doc.to_array([IDX, LENGTH])
            starts, ends = [0], [n]
            self.start_chars = [0]
            self._end_chars = [int(array[-1, 0] + array[-1, 1])]
        else:
            starts, ends = [], []
            self.start_chars, self._end_chars = [], []
        self.starts: list[int] = starts
        self.ends: list[int] = ends
        self._known_ends: dict[int, int] = {}  # end_char() of single sentences
        self._markers: list[bool] | None = None

    @property
    def end_chars(self) -> list[int]:
        """``Span.end_char`` of each sentence (read from the doc when first asked for)."""
        if self._end_chars is None:
            doc = self.doc
            spaces = doc.to_array(SPACY).tolist()
            starts, start_chars = self.starts, self.start_chars
            # A sentence ends where the next starts, less its last token's trailing space.
            pairs = zip(starts[1:], start_chars[1:], strict=True)
            ends = [char - spaces[start - 1] for start, char in pairs]
            ends.append(len(doc_text(doc)) - spaces[-1])
            self._end_chars = ends
        return self._end_chars

    def end_char(self, index: int) -> int:
        """``end_chars[index]``, read for this sentence only when they are not known yet: the
        next sentence's start (or the text's end) less its last token's trailing space."""
        if self._end_chars is not None:
            return self._end_chars[index]
        known = self._known_ends.get(index)
        if known is None:
            doc = self.doc
            starts = self.start_chars
            following = starts[index + 1] if index + 1 < len(starts) else len(doc_text(doc))
            known = following - len(doc[self.ends[index] - 1].whitespace_)
            self._known_ends[index] = known
        return known

    @property
    def doc(self) -> Doc:
        doc = self._doc()
        if doc is None:
            raise ReferenceError("the doc of these sentences no longer exists")
        return doc

    def __len__(self) -> int:
        return len(self.starts)

    def span(self, index: int) -> Span:
        """The sentence as a ``Span``."""
        return Span(self.doc, self.starts[index], self.ends[index])

    def spans(self) -> list[Span]:
        doc = self.doc
        return [Span(doc, start, end) for start, end in zip(self.starts, self.ends, strict=True)]

    def text(self, index: int) -> str:
        return doc_text(self.doc)[self.start_chars[index] : self.end_chars[index]]

    def index(self, token: int) -> int:
        """Index of the sentence holding token offset ``token`` (-1 before the first)."""
        return bisect_right(self.starts, token) - 1

    def markers(self) -> list[bool]:
        """Whether each sentence is only a list marker (short, and marker text only)."""
        if self._markers is None:
            text = doc_text(self.doc)
            match, first = _MARKER_RE.match, _MARKER_FIRST
            self._markers = [
                text[start_char] in first and match(text, start_char, end_char) is not None
                for start_char, end_char in zip(self.start_chars, self.end_chars, strict=True)
            ]
        return self._markers

    def is_marker(self, index: int) -> bool:
        """``markers()[index]`` for one sentence. The marker expression ends in white space to
        the end, so it is matched up to the next sentence's start and no token is read."""
        text, start_chars = doc_text(self.doc), self.start_chars
        following = start_chars[index + 1] if index + 1 < len(start_chars) else len(text)
        return _MARKER_RE.match(text, start_chars[index], following) is not None

    def marker_sentences(self, longest: int) -> list[int]:
        """The indices of the sentences of at most ``longest`` tokens that are only a list
        marker, in order."""
        text = doc_text(self.doc)
        match, starts = _MARKER_RE.match, self.start_chars
        follows = [*starts[1:], len(text)]
        lengths = map(sub, self.ends, self.starts)  # no tuple per sentence
        return [
            index
            for index, length in enumerate(lengths)
            if length <= longest and match(text, starts[index], follows[index]) is not None
        ]


_SENTENCES: WeakKeyDictionary[Doc, tuple[int, Sentences]] = WeakKeyDictionary()


def sentences(doc: Doc) -> Sentences:
    """The doc's :class:`Sentences`, computed once per doc.

    Whoever sets sentence starts calls :func:`forget_sentences` (the sectionizer does); a
    change of the doc's length also rebuilds them.
    """
    cached = _SENTENCES.get(doc)
    if cached is not None and cached[0] == len(doc):
        return cached[1]
    value = Sentences(doc)
    _SENTENCES[doc] = (len(doc), value)
    return value


def cached_sentences(doc: Doc) -> Sentences | None:
    """The doc's :class:`Sentences` if they are known and current (as set by the sectionizer)."""
    cached = _SENTENCES.get(doc)
    if cached is not None and cached[0] == len(doc):
        return cached[1]
    return None


def set_sentence_starts(
    doc: Doc,
    tokens: list[int] | numpy.ndarray,
    idx: list[int] | numpy.ndarray,
    longest: int | None = None,
) -> None:
    """Start the doc's sentences at the token offsets ``tokens`` (and 0), and no others.

    Offsets past the last token are left out. ``idx`` is the doc's ``IDX`` values: the
    doc's :class:`Sentences` are built from them at once (their ends on first use).
    ``tokens`` and ``idx`` may be numpy arrays. With ``longest``, a sentence of more tokens
    is cut into pieces of ``longest`` tokens.
    """
    n = len(doc)
    # A set of Python ints: ``numpy.unique`` costs more than this on a few hundred starts.
    offsets = tokens.tolist() if isinstance(tokens, numpy.ndarray) else tokens
    starts: list[int] = sorted({t for t in offsets if t < n})
    if n and (not starts or starts[0] != 0):
        starts.insert(0, 0)
    if longest is not None and n > longest:
        starts = _cut_long(starts, n, longest)
    flags = numpy.full((n, 1), _NOT_START, dtype="uint64")
    flags[starts] = 1
    doc.from_array([SENT_START], flags)
    sentences = Sentences.__new__(Sentences)
    sentences._doc = weakref.ref(doc)
    sentences.starts = starts
    sentences.ends = [*starts[1:], n]
    if isinstance(idx, numpy.ndarray):
        sentences.start_chars = idx[starts].tolist()
    else:
        sentences.start_chars = [idx[t] for t in starts]
    sentences._end_chars = None
    sentences._known_ends = {}
    sentences._markers = None
    _SENTENCES[doc] = (n, sentences)


def _cut_long(starts: list[int], n: int, longest: int) -> list[int]:
    """Sorted sentence starts of a doc of ``n`` tokens, with more starts cutting every
    sentence longer than ``longest`` tokens."""
    ends = [*starts[1:], n]
    if all(end - start <= longest for start, end in zip(starts, ends, strict=True)):
        return starts
    cut: list[int] = []
    for start, end in zip(starts, ends, strict=True):
        cut.extend(range(start, end, longest))
    return cut


_NOT_START = numpy.uint64(2**64 - 1)  # -1 as spaCy reads ``SENT_START`` from ``uint64``


def forget_sentences(doc: Doc) -> None:
    """Drop the cached :class:`Sentences` of a doc whose sentence starts changed."""
    _SENTENCES.pop(doc, None)


class SectionRow(NamedTuple):
    """One section span as plain values: its label and its token and character bounds."""

    label: str
    start: int
    end: int
    start_char: int
    end_char: int


# The rows of each doc's section group, against the group they were read from and its length.
_SECTION_ROWS: WeakKeyDictionary[Doc, tuple[object, int, list[SectionRow]]] = WeakKeyDictionary()


def remember_sections(doc: Doc, rows: list[SectionRow]) -> None:
    """Record the rows of the section spans just written to ``doc.spans["sections"]``."""
    group = doc.spans[labels.SECTIONS_KEY]
    _SECTION_ROWS[doc] = (group, len(group), rows)


def section_rows(doc: Doc) -> list[SectionRow]:
    """The doc's section spans as :class:`SectionRow` values, read once per section group."""
    group = doc.spans.get(labels.SECTIONS_KEY)
    if group is None:
        return []
    cached = _SECTION_ROWS.get(doc)
    if cached is not None and cached[0] is group and cached[1] == len(group):
        return cached[2]
    rows = [SectionRow(s.label_, s.start, s.end, s.start_char, s.end_char) for s in group]
    _SECTION_ROWS[doc] = (group, len(group), rows)
    return rows


def _group(doc: Doc, key: str) -> list[Span]:
    return list(doc.spans[key]) if key in doc.spans else []


def get_complaint_heads(doc: Doc) -> list[Span]:
    return _group(doc, labels.HEADS_KEY)


def get_findings(doc: Doc) -> list[Span]:
    return _group(doc, labels.FINDINGS_KEY)


def get_injustices(doc: Doc) -> list[Span]:
    return _group(doc, labels.INJUSTICE_KEY)


def get_remedies(doc: Doc) -> list[Span]:
    return _group(doc, labels.REMEDIES_KEY)


def get_actions(doc: Doc) -> list[Span]:
    return _group(doc, labels.ACTIONS_KEY)


def get_sections(doc: Doc) -> list[Span]:
    return _group(doc, labels.SECTIONS_KEY)


def get_decision(doc: Doc):
    """The pydantic ``Decision`` of a processed doc, built on demand."""
    from .decision import build_decision

    return build_decision(doc)


def get_span_section(span: Span) -> str | None:
    """Label of the section that holds the span's first token."""
    return section_at(span.doc, span.start_char)


def section_at(doc: Doc, char: int) -> str | None:
    """Label of the section holding character offset ``char``, or None."""
    rows = section_rows(doc)  # plain values: no ``Span`` made per section on each call
    if not rows:
        return None
    index = bisect_right([row.start_char for row in rows], char) - 1
    if index < 0 or char >= rows[index].end_char:
        return None
    return rows[index].label


_DOC_GETTERS = {
    "complaint_heads": get_complaint_heads,
    "findings": get_findings,
    "injustices": get_injustices,
    "remedies": get_remedies,
    "actions": get_actions,
    "sections": get_sections,
    "decision": get_decision,
}
_DOC_VALUES = ("metadata", "overall", "doc_id")
_SPAN_VALUES = ("amount", "payee", "purpose", "status", "deadline")


def register() -> None:
    """Register the extensions (idempotent)."""
    for name, getter in _DOC_GETTERS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, getter=getter)
    for name in _DOC_VALUES:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    for name in _SPAN_VALUES:
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    if not Span.has_extension("section"):
        Span.set_extension("section", getter=get_span_section)
