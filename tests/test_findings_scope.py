"""The findings tagger's reading shortcuts agree with the slow paths they stand in for."""

from __future__ import annotations

from ombudsman_nlp.components.findings import _trim_bounds, _trim_sentence
from ombudsman_nlp.context import FRAME, apply_context
from ombudsman_nlp.extensions import sentences
from ombudsman_nlp.patterns import Pattern
from ombudsman_nlp.rules import Hit


def test_sentence_trim_read_from_text_matches_the_tokens(nlp):
    text = (
        "Summary: the Council delayed.  It was at fault;\n- \u2022 Mrs X was distressed, \n"
        "* We found fault:\n\n\u2013 The Council apologised . \n  - "
    )
    doc = nlp(text)
    index = sentences(doc)
    assert len(index) > 3
    for position in range(len(index)):
        expected = _trim_bounds(doc, index.starts[position], index.ends[position])
        assert _trim_sentence(doc, index, position) == expected


def _frame(rule: str, start: int, end: int, direction: str | None = None) -> Hit:
    pattern = Pattern(id=rule, label=FRAME, pattern=rule, direction=direction)
    return Hit(pattern, start, end)


def test_nested_frames_the_longest_speaks_and_disjoint_frames_both_reach():
    target = Hit(Pattern(id="harm", label="INJUSTICE", pattern="distress"), 0, 1)
    # "distress as a result of": the backward "as a result of" holds "as a result" (forward).
    nested = [_frame("as a result of", 1, 5, "backward"), _frame("as a result", 1, 4)]
    (item,) = apply_context([target], nested, 6)
    assert item.modifier_ids == ("as a result of",)
    disjoint = [_frame("caused", 1, 2, "backward"), _frame("led to", 3, 5, "backward")]
    (item,) = apply_context([target], disjoint, 6)
    assert item.modifier_ids == ("caused", "led to")
