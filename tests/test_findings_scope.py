"""The findings tagger's reading shortcuts agree with the slow paths they stand in for."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ombudsman_nlp.components.findings import _trim_bounds, _trim_sentence
from ombudsman_nlp.context import FRAME, TERMINATE, apply_context
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


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 30), st.integers(1, 3)), min_size=1, max_size=6),
    st.lists(
        st.tuples(
            st.integers(0, 30),
            st.integers(1, 3),
            st.sampled_from([None, "forward", "backward", "both"]),
            st.sampled_from([None, 2, 8]),
        ),
        min_size=1,
        max_size=1,  # one frame: nested frames are pruned first (tested above)
    ),
    st.lists(st.integers(0, 33), max_size=5),
)
def test_terminators_cut_scopes_as_the_plain_rule_says(targets, frames, terminators):
    """A modifier reaches a target unless a terminator ("but") stands between them, beyond
    its direction or its ``max_scope``; ``apply_context`` finds the terminators by bisection."""
    hits = [
        Hit(Pattern(id=f"harm{n}", label="INJUSTICE", pattern="distress"), start, start + length)
        for n, (start, length) in enumerate(targets)
    ]
    mods = [
        Hit(
            Pattern(id=f"f{n}", label=FRAME, pattern="f", direction=direction, max_scope=limit),
            start,
            start + length,
        )
        for n, (start, length, direction, limit) in enumerate(frames)
    ]
    mods += [
        Hit(Pattern(id=f"t{n}", label=TERMINATE, pattern="but"), at, at + 1)
        for n, at in enumerate(terminators)
    ]

    def reaches(target: Hit, m: Hit) -> bool:
        direction, limit = m.pattern.direction, m.pattern.max_scope
        if target.start >= m.end:
            gap = range(m.end, target.start)
            if direction == "backward" or (limit is not None and len(gap) > limit):
                return False
        elif target.end <= m.start:
            gap = range(target.end, m.start)
            if direction in (None, "forward") or (limit is not None and len(gap) > limit):
                return False
        else:
            return True  # overlapping: FRAME is not a self-contained category
        return not any(t in gap for t in terminators)

    frame = mods[0]
    for item in apply_context(hits, mods, 40):
        assert item.modifier_ids == (("f0",) if reaches(item.hit, frame) else ())
