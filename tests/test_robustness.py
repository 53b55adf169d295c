"""Random and mutated decision text: the pipeline never raises and its spans stay sound.

Properties checked on every generated text, on the record ``extract`` writes:
offsets lie inside the text, every span's text is the slice it names, spans of one label
never overlap, payments point at their spans, and nothing raises.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.tokens import Span

import ombudsman_nlp
from ombudsman_nlp.batch import json_line, process_input
from ombudsman_nlp.components.sections import MAX_SENTENCE_TOKENS
from ombudsman_nlp.decision import build_decision
from ombudsman_nlp.labels import FINDINGS_KEY
from ombudsman_nlp.textio import InputDoc

ROOT = Path(__file__).resolve().parent.parent
SEEDS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "training" / "seeds").glob("*.txt"))]
NLP = ombudsman_nlp.load()

MARKERS = ["-", "•", "*", "1.", "2)", "(a)", "b)", "(iii)", "iv.", "1.2", "–", "▪"]
HEADINGS = [
    "The complaint",
    "What I found",
    "Final decision",
    "Agreed action",
    "Summary:",
    "The Ombudsman's role and powers",
    "Print this page",
    "Back to top",
]
JUNK = st.text(
    alphabet=st.characters(
        categories=["L", "M", "N", "P", "S", "Z", "Cc", "Cf", "Co", "Cn"],
        exclude_characters="\x00",
    ),
    max_size=40,
)


def check(text: str) -> None:
    """The pipeline's record of ``text`` is sound."""
    doc = NLP(text)
    record = build_decision(doc, "x").to_record()
    assert record["text"] == text
    by_label: dict[str, list[tuple[int, int]]] = {}
    for span in record["spans"]:
        start, end = span["start"], span["end"]
        assert 0 <= start < end <= len(text), span
        assert text[start:end] == span["text"], span
        by_label.setdefault(span["label"], []).append((start, end))
    for label, ranges in by_label.items():
        ranges.sort()
        for (_, end), (start, _) in zip(ranges, ranges[1:], strict=False):
            assert end <= start, f"overlapping {label} spans in {text!r}"
    for payment in record["remedies"]:
        for start, end in payment["mentions"]:
            assert 0 <= start < end <= len(text)
    for action in record["actions"]:
        assert text[action["start"] : action["end"]] == action["text"]
    for group in doc.spans.values():
        for span in group:
            assert 0 <= span.start_char <= span.end_char <= len(text)


@st.composite
def mutated_seed(draw) -> str:
    """A seed decision with random deletions, insertions, swaps and shuffles."""
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["delete", "insert", "marker", "heading", "junk_line"]))
        at = draw(st.integers(0, len(text)))
        if kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 400)) :]
        elif kind == "insert":
            text = text[:at] + draw(JUNK) + text[at:]
        elif kind == "marker":
            text = text[:at] + "\n" + draw(st.sampled_from(MARKERS)) + " " + text[at:]
        elif kind == "heading":
            text = text[:at] + "\n" + draw(st.sampled_from(HEADINGS)) + "\n" + text[at:]
        else:
            text = text[:at] + "\n" + draw(JUNK) + "\n" + text[at:]
    if draw(st.booleans()):
        lines = text.split("\n")
        text = "\n".join(draw(st.permutations(lines)))
    return text


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_seed())
def test_mutated_decisions(text):
    check(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=400))
def test_random_unicode(text):
    check(text)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(MARKERS), st.sampled_from(HEADINGS), JUNK, st.just("")),
        max_size=40,
    ),
    st.sampled_from(["\n", "\r\n", " ", "\n\n", "\t"]),
)
def test_only_markers_headings_and_junk(parts, joiner):
    check(joiner.join(parts))


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(SEEDS), st.integers(1, 3), st.sampled_from([" ", "", "£500 ", "x"]))
def test_huge_lines(seed, copies, filler):
    line = (re.sub(r"\s+", " ", seed) + filler) * copies
    check(line)
    check(seed[:500] + "\n" + filler * 20_000 + "\n" + seed[500:])


def test_text_without_sentence_ends_is_read_in_bounded_sentences():
    """Scraped text with no sentence punctuation and no line breaks is one "sentence" to the
    splitter; it is cut by length, so the rules' work on each piece stays bounded (it grows
    faster than a sentence's length). The findings are still found."""
    text = re.sub(r"[.!?;:\n]", " ", "\n\n".join(SEEDS * 2))
    doc = NLP(text)
    lengths = [len(sentence) for sentence in doc.sents]
    assert max(lengths) == MAX_SENTENCE_TOKENS
    assert sum(lengths) == len(doc)
    fault = [span for span in doc.spans[FINDINGS_KEY] if span.label_ == "FAULT"]
    assert fault and all(span.text == text[span.start_char : span.end_char] for span in fault)
    check(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\n\n",
        "-",
        "1.",
        "(a)",
        "Final decision",
        "Final decision\n",
        ":\n:\n:",
        "£",
        "£500",
        "pay £",
        "The Council should pay Mrs X £",
        "I find fault. I find fault. I find fault.",
        "\u2028\u2029\x0b\x0c",
        "The complaint\n- \n- ;\n- and",
        "The complaint\nMr X complains that\n",
        "Mr X complains that:\n\n-",
    ],
)
def test_edge_cases(text):
    check(text)


def test_seeds_are_sound():
    for seed in SEEDS:
        check(seed)
        check(seed.replace("\n", "\r\n"))
        check(seed.replace(" ", "\u00a0").replace("'", "\u2019"))


def test_lone_surrogates_give_an_error_record_not_a_crash():
    """spaCy cannot hash lone surrogates (``clean_text`` removes them from real inputs)."""
    item = InputDoc("s", "Mr X complains \ud800 that", "s.jsonl:1", extra={"title": "\udc00"})
    line = json_line(process_input(NLP, item))
    line.encode("utf-8")
    record = json.loads(line)
    assert "UnicodeEncodeError" in record["error"]
    good = InputDoc("t", SEEDS[0], "t.jsonl:1", extra={"title": "\udc00"})
    record = json.loads(json_line(process_input(NLP, good)))
    assert record["title"] == "\udc00" and "error" not in record


def test_build_decision_drops_overlapping_and_empty_spans_of_one_label():
    doc = NLP.make_doc("The Council was at fault and caused injustice. I find fault.")
    doc.spans["findings"] = [
        Span(doc, 0, 5, label="FAULT"),
        Span(doc, 2, 4, label="FAULT"),  # inside the first: dropped
        Span(doc, 3, 9, label="FAULT"),  # overlaps the first: dropped
        Span(doc, 9, 12, label="FAULT"),
        Span(doc, 12, 12, label="NO_FAULT"),  # empty: dropped
    ]
    doc.spans["injustice"] = [Span(doc, 2, 9, label="INJUSTICE")]  # other label: kept
    spans = [(s.start, s.end, s.label) for s in build_decision(doc, "x").spans]
    assert spans == [
        (0, doc[4].idx + len(doc[4]), "FAULT"),
        (doc[2].idx, doc[8].idx + len(doc[8]), "INJUSTICE"),
        (doc[9].idx, doc[11].idx + len(doc[11]), "FAULT"),
    ]


PACKAGE = ROOT / "ombudsman_nlp"
UNSAFE = re.compile(
    r"\b(?:import\s+pickle|from\s+pickle|pickle\.loads?|cloudpickle|dill|marshal\.loads?"
    r"|eval\(|exec\(|yaml\.load\(|yaml\.unsafe_load|__import__\()"
)


def test_package_loads_data_without_pickle_or_eval():
    """Patterns and labelled files are data: nothing in the package unpickles or evaluates."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if UNSAFE.search(code):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
    assert UNSAFE.search("data = pickle.loads(blob)") and UNSAFE.search("x = eval(s)")
