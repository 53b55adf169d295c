"""ConText-style scope rules: modifiers that change or cancel the targets in their scope.

A modifier is a pattern whose label is a category below. It reaches the targets after it
(``direction: forward``), before it (``backward``) or both, within its sentence, up to
``max_scope`` tokens and never past a ``TERMINATE`` hit. A ``PSEUDO`` hit cancels every target
and modifier it overlaps: "not only", "no doubt" are not negations; a modifier spanning the
whole ``PSEUDO`` hit is its longer reading and stays. ``CLAUSE`` hits reach no target: they
only mark where a reported consequence clause starts. ``COMPLAINED`` hits reach none either:
they mark where a complained-of act starts when no complaint head was tagged. ``FRAME`` and
``ACCOUNT`` hits change no label: they license a harm word ("distress", "costs") as a
statement of injustice, which a bare harm word is not ("her anxiety is diagnosed"); a frame
counts on a target it overlaps.
A ``COMPOUND`` hit is a service noun ("application", "team", "assessment"): a harm word right
before it modifies the noun ("homelessness application", "mental health team") and is no harm.
A ``SPEAKER`` hit names someone other than the complainant ("school", "officer", "guidance"): a
``REPORTED`` or ``ACCOUNT`` verb right after it ("the school said") is not the complainant's voice.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import NamedTuple

from .rules import Hit

NEGATED = "NEGATED"  # "did not find fault", "no evidence of" -> FAULT becomes NO_FAULT
REPORTED = "REPORTED"  # the complainant's voice -> findings dropped, injustice CLAIMED
HYPOTHETICAL = "HYPOTHETICAL"  # general tests and conditionals -> dropped
BOILERPLATE = "BOILERPLATE"  # standard paragraphs about fault and injustice -> dropped
ORGANISATION = "ORGANISATION"  # the organisation's own earlier responses -> dropped
REMEDY = "REMEDY"  # remedy purposes ("to recognise the distress caused") -> injustice dropped
FRAME = "FRAME"  # a consequence ("caused", "as a result"): licenses a harm word as an injustice
ACCOUNT = "ACCOUNT"  # the complainant's account ("says", "feels"): licenses a harm word
CLAUSE = "CLAUSE"  # starts a reported consequence clause: "complains ..., causing him distress"
TERMINATE = "TERMINATE"  # ends a modifier's scope: "but", "however"
PSEUDO = "PSEUDO"  # looks like a trigger but is not one
COMPLAINED = "COMPLAINED"  # "complains (that|about)": what follows is the complained-of act
SPEAKER = "SPEAKER"  # a speaker other than the complainant: "the school said", "the GP reported"
COMPOUND = "COMPOUND"  # a service noun after a harm word: "homelessness application" -> no harm

MODIFIER_LABELS: tuple[str, ...] = (
    NEGATED,
    REPORTED,
    HYPOTHETICAL,
    BOILERPLATE,
    ORGANISATION,
    REMEDY,
    FRAME,
    ACCOUNT,
    CLAUSE,
    TERMINATE,
    PSEUDO,
    COMPOUND,
    COMPLAINED,
    SPEAKER,
)


_SELF_CONTAINED = frozenset({NEGATED, REPORTED, REMEDY, CLAUSE})
_VOICES = frozenset({REPORTED, ACCOUNT})
# The categories that reach no target themselves (the others have a scope).
_UNSCOPED = frozenset({PSEUDO, SPEAKER, TERMINATE, CLAUSE, COMPLAINED})
_NOTHING: frozenset[str] = frozenset()


class Modified(NamedTuple):
    """A target hit with the modifier categories (and their rule ids) that reach it."""

    hit: Hit
    categories: frozenset[str]
    modifier_ids: tuple[str, ...]


def _overlaps(a: Hit, b: Hit) -> bool:
    return a.start < b.end and b.start < a.end


def apply_context(
    targets: Sequence[Hit], modifiers: Sequence[Hit], sentence_end: int
) -> list[Modified]:
    """Resolve which modifiers reach which targets within one sentence."""
    new = tuple.__new__  # Modified(...) without the NamedTuple wrapper
    if not modifiers:
        return [new(Modified, (t, _NOTHING, ())) for t in targets]
    speakers: set[int] = set()
    terminators: list[int] = []
    # (start, end, category, direction, max_scope, rule id) of the modifiers with a scope.
    scopes: list[tuple[int, int, str, str | None, int | None, str]] = []
    frames = voices = 0
    for m in modifiers:
        pattern = m.pattern
        label = pattern.label
        if label not in _UNSCOPED:
            scopes.append((m.start, m.end, label, pattern.direction, pattern.max_scope, pattern.id))
            if label == FRAME:
                frames += 1
            elif label in _VOICES:
                voices += 1
        elif label == SPEAKER:
            speakers.add(m.end)
        elif label == TERMINATE:
            terminators.append(m.start)
        elif label == PSEUDO:
            return _apply_with_pseudo(targets, modifiers)
    if frames > 1:
        scopes = _longest_frames(scopes)
    if speakers and voices:
        # A voice verb right after a speaker who is neither the complainant nor the
        # decision-maker ("the school said", "the guidance says") reports a third party:
        # like ``ORGANISATION``.
        scopes = [
            (s[0], s[1], ORGANISATION, *s[3:]) if s[2] in _VOICES and s[0] in speakers else s
            for s in scopes
        ]
    if not scopes:
        return [new(Modified, (t, _NOTHING, ())) for t in targets]
    terminators.sort()
    result: list[Modified] = []
    for target in targets:
        t_start, t_end = target.start, target.end
        categories: set[str] | None = None
        ids: list[str] = []
        for m_start, m_end, label, direction, limit, rule in scopes:
            if t_start >= m_end:  # the target follows: a forward (the default) scope
                if direction == "backward":
                    continue
                if limit is not None and t_start - m_end > limit:
                    continue
                if terminators and _between(terminators, m_end, t_start):
                    continue
            elif t_end <= m_start:  # the target precedes: a backward scope
                if direction is None or direction == "forward":
                    continue
                if limit is not None and m_start - t_end > limit:
                    continue
                if terminators and _between(terminators, t_end, m_start):
                    continue
            elif label in _SELF_CONTAINED:
                # They overlap. "no fault" holds its own negation, "had to pay" its own verb;
                # a drop rule ("the Council upheld") cancels a target it overlaps.
                continue
            if categories is None:
                categories = {label}
            else:
                categories.add(label)
            ids.append(rule)
        if categories is None:
            result.append(new(Modified, (target, _NOTHING, ())))
        else:
            result.append(new(Modified, (target, frozenset(categories), tuple(ids))))
    return result


def _between(sorted_starts: list[int], first: int, stop: int) -> bool:
    """Whether any of the sorted offsets lies in ``[first, stop)``."""
    at = bisect_left(sorted_starts, first)
    return at < len(sorted_starts) and sorted_starts[at] < stop


def _longest_frames(
    scopes: list[tuple[int, int, str, str | None, int | None, str]],
) -> list[tuple[int, int, str, str | None, int | None, str]]:
    """Of nested frames the longest speaks: "as a result of" looks back, "as a result" forward."""
    frames = sorted((s[0], s[1]) for s in scopes if s[2] == FRAME)
    reach = -1
    for start, end in frames:
        if start < reach:
            break  # two frames overlap: one may hold the other
        reach = end
    else:
        return scopes
    return [
        s
        for s in scopes
        if s[2] != FRAME
        or not any(f0 <= s[0] and s[1] <= f1 and f1 - f0 > s[1] - s[0] for f0, f1 in frames)
    ]


def _apply_with_pseudo(targets: Sequence[Hit], modifiers: Sequence[Hit]) -> list[Modified]:
    """:func:`apply_context` for a sentence holding ``PSEUDO`` hits.

    A ``PSEUDO`` hit cancels the targets it overlaps, and the modifiers it overlaps unless they
    span it whole: the frame "is causing" outlives the pseudo-trigger "is causing" that
    cancels the clause "causing".
    """
    pseudo = [m for m in modifiers if m.pattern.label == PSEUDO]
    targets = [t for t in targets if not any(t.start < p.end and p.start < t.end for p in pseudo)]
    if not targets:
        return []
    kept = [
        m
        for m in modifiers
        if m.pattern.label != PSEUDO
        and (
            m.pattern.label == SPEAKER
            or not any(
                m.start < p.end and p.start < m.end and not (m.start <= p.start and p.end <= m.end)
                for p in pseudo
            )
        )
    ]
    return apply_context(targets, kept, 0)
