"""The sectionizer reads a text as a plain line-by-line reading does, on real and edited text."""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy
import pytest
import srsly
from spacy.attrs import IDX, SENT_START

from ombudsman_nlp.components.sections import (
    _METADATA,
    FURNITURE,
    HEADER,
    IMPLICIT_SUMMARY,
    MAX_SENTENCE_TOKENS,
    PAGE_END,
)
from ombudsman_nlp.extensions import Sentences, doc_text
from ombudsman_nlp.extensions import sentences as sentence_index
from ombudsman_nlp.segment import split_sentences

TRAINING = Path(__file__).resolve().parent.parent / "training"
SEEDS = TRAINING / "seeds"
_LINE = re.compile(r"[^\n]+")
_MARKER = re.compile(
    r"[ \t]*(?:[-•*–·▪◦‣]|\(?\d{1,3}(?:\.\d{1,3})*[.)]?(?=\s)|\(?[a-hj-z][.)]"
    r"|\(?[ivxl]{1,5}[.)])[ \t]+"
)


def _lines(text: str):
    """Lines as the regular expressions read them: (start, end, content start)."""
    for match in _LINE.finditer(text):
        first, last = match.span()
        line = match.group()
        if line.isspace():
            continue
        marker = _MARKER.match(line)
        content = first + (marker.end() if marker and marker.end() < len(line) else 0)
        while content < last and text[content] in " \t":
            content += 1
        yield first, last, content


def _plain_reading(sectionizer, text: str):
    """Sentence start characters and sections, one line and one sentence split at a time."""
    chars: list[int] = []
    sections = [(0, HEADER, "section.header")]
    current = (HEADER, "section.header")
    seen_metadata = False
    for start, end, content_start in _lines(text):
        has_marker = content_start > start
        found = sectionizer.classify_line(text[start:end])
        if found is not None and not has_marker:
            pattern, content = found
            chars.append(start)
            if pattern.label == PAGE_END and current[0] != HEADER:
                sections.append((start, FURNITURE, pattern.id))
                break
            if pattern.label in (FURNITURE, PAGE_END):
                sections.append((start, FURNITURE, pattern.id))
                sections.append((end, *current))
                continue
            current = (pattern.label, pattern.id)
            sections.append((start, *current))
            after = start + content
            while after < end and text[after].isspace():
                after += 1
            if after < end:
                chars.extend(s for s, _ in split_sentences(text, after, end))
            continue
        if current[0] == HEADER:
            if _METADATA.match(text[start:end]):
                seen_metadata = True
            elif seen_metadata:
                current = ("summary", IMPLICIT_SUMMARY)
                sections.append((start, *current))
        if has_marker:
            chars.append(start)
        chars.extend(s for s, _ in split_sentences(text, content_start, end))
    return chars, sections


def _expected(sectionizer, doc):
    text = doc_text(doc)
    chars, sections = _plain_reading(sectionizer, text)
    idx = doc.to_array([IDX]).reshape(-1)
    starts = numpy.full(len(doc), -1, dtype="int32")
    starts[0] = 1
    if chars:
        positions = numpy.searchsorted(idx, numpy.asarray(chars, dtype=idx.dtype))
        starts[positions[positions < len(doc)]] = 1
    # A sentence longer than MAX_SENTENCE_TOKENS is cut every MAX_SENTENCE_TOKENS tokens.
    firsts = [i for i, flag in enumerate(starts.tolist()) if flag == 1]
    for first, stop in zip(firsts, [*firsts[1:], len(doc)], strict=True):
        starts[first + MAX_SENTENCE_TOKENS : stop : MAX_SENTENCE_TOKENS] = 1
    spans = []
    bounds = [*sections[1:], (len(text), "", "")]
    for (start, label, pattern_id), (end, _, _) in zip(sections, bounds, strict=True):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end <= start:
            continue
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span) or (spans and span.start < spans[-1][1]):
            continue
        spans.append((span.start, span.end, label, pattern_id))
    return starts.tolist(), spans


_EDITS = (
    "Mr. Smith said so. ",
    "(e.g. The Council) ",
    "No. 4 applies. ",
    "It was late! The Council ",
    "Why? Because ",
    "\r",
    "\xa0",
    "\t",
    "\n  ",
    "\n\n",
    "\n- ",
    "\n(iv) ",
    "\n12. ",
    "\nThe complaint\n",
    "\nSummary: The Council was at fault. ",
    "\nFindings7\n",
    "\nWe use Cookies here.\n",
    "\nBack to top\n",
    "\nPrint this page\n",
    "Ms\u2019 ",
    "\u212a",
    ".\u2019 The ",
    ". “Quote” ",
)


def _texts() -> list[str]:
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    texts += [record["text"] for record in srsly.read_jsonl(TRAINING / "dev_tune.jsonl")]
    chooser = random.Random(11)
    edited = []
    for text in texts[:40]:
        for _ in range(3):
            pieces = list(text)
            for _ in range(25):
                at = chooser.randrange(len(pieces) + 1)
                pieces.insert(at, chooser.choice(_EDITS))
            edited.append("".join(pieces))
    # Scraped text without sentence punctuation or line breaks: one line, cut by length.
    unpunctuated = [re.sub(r"[.!?;:\n]", " ", text) for text in texts[:2]]
    return texts + edited + unpunctuated


@pytest.fixture(scope="module")
def texts():
    return _texts()


def test_sentences_and_sections_equal_the_plain_reading(nlp, texts):
    sectionizer = nlp.get_pipe("sections")
    for text in texts:
        doc = sectionizer(nlp.make_doc(text))
        starts, spans = _expected(sectionizer, doc)
        assert doc.to_array([SENT_START]).astype("int32").tolist() == starts
        got = [(s.start, s.end, s.label_, s.id_) for s in doc.spans["sections"]]
        assert got == spans


def test_sentence_index_equals_one_read_from_the_doc(nlp, texts):
    sectionizer = nlp.get_pipe("sections")
    for text in texts[::3]:
        doc = sectionizer(nlp.make_doc(text))
        index, fresh = sentence_index(doc), Sentences(doc)
        assert index.starts == fresh.starts
        assert index.ends == fresh.ends
        assert index.start_chars == fresh.start_chars
        assert index.end_chars == fresh.end_chars
        assert index.markers() == fresh.markers()
        assert [index.span(i).text for i in range(len(index))] == [s.text for s in doc.sents]
