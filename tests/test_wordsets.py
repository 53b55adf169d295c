"""The word-set engine matches on word ids exactly as its regular expression does on text."""

from __future__ import annotations

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from ombudsman_nlp.components.wordsets import WordSetMatcher, compilable, compile_pattern
from ombudsman_nlp.patterns import Pattern

_WORDS = ["review", "its", "the", "policy", "procedures", "staff", "x", "2", "\n", "agreed"]
_NLP = spacy.blank("en")

_token = st.one_of(
    st.fixed_dictionaries({"LOWER": st.sampled_from(_WORDS[:7])}),
    st.fixed_dictionaries(
        {"LOWER": st.fixed_dictionaries({"IN": st.lists(st.sampled_from(_WORDS[:7]), min_size=1)})}
    ),
    st.just({"IS_ALPHA": True}),
)
_op = st.sampled_from([None, "?", "*", "+", "{0,2}", "{1,3}", "{2}", "{,2}", "{1,}"])


@st.composite
def _patterns(draw: st.DrawFn) -> list[dict]:
    tokens = draw(st.lists(st.tuples(_token, _op), min_size=1, max_size=4))
    return [dict(token, **({"OP": op} if op else {})) for token, op in tokens]


def _regex_hits(pattern: list[dict], words: list[str]) -> list[tuple[int, int]]:
    """What the regular expression finds over the words joined by spaces, as token offsets."""
    shown = ["\x00" if w.isspace() else w for w in words]
    text = " ".join(shown) + " "
    offsets = [0]
    for word in shown:
        offsets.append(offsets[-1] + len(word) + 1)
    found = []
    for match in compile_pattern(pattern).finditer(text):
        if match.end() > match.start():
            found.append((offsets.index(match.start()), offsets.index(match.end())))
    return found


@settings(max_examples=300, deadline=None)
@given(pattern=_patterns(), words=st.lists(st.sampled_from(_WORDS), max_size=12))
def test_steps_match_as_the_regular_expression(pattern: list[dict], words: list[str]) -> None:
    assert compilable(pattern)
    matcher = WordSetMatcher([Pattern(id="t", label="other", pattern=pattern)], _NLP.vocab)
    doc = spacy.tokens.Doc(_NLP.vocab, words=words or ["x"])
    words = [t.lower_ for t in doc]
    expected = _regex_hits(pattern, words)
    # A pattern starting with a required word set is tried only where that set's words stand.
    got = [(h.start, h.end) for h in matcher.match(doc, [(0, len(doc))])]
    assert got == expected


def test_a_word_set_phrase_runs_as_its_regular_expression() -> None:
    # "mr x's" is two words: the pattern runs as a regular expression on the sentence text.
    pattern = [
        {"LOWER": "review"},
        {"LOWER": {"IN": ["mr x's", "the"]}, "OP": "?"},
        {"LOWER": "policy"},
    ]
    matcher = WordSetMatcher([Pattern(id="t", label="other", pattern=pattern)], _NLP.vocab)
    assert matcher._steps == [None]
    doc = _NLP.make_doc("We review the policy and review policy.")
    assert [doc[h.start : h.end].text for h in matcher([doc[:]])] == [
        "review the policy",
        "review policy",
    ]
