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
_UNSCOPED = frozenset({TERMINATE, CLAUSE, COMPLAINED})
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
    pseudo: list[Hit] = []
    speakers: set[int] = set()
    active: list[Hit] = []
    for m in modifiers:
        label = m.pattern.label
        if label == PSEUDO:
            pseudo.append(m)
        elif label == SPEAKER:
            speakers.add(m.end)
        else:
            active.append(m)
    if pseudo:
        targets = [
            t for t in targets if not any(t.start < p.end and p.start < t.end for p in pseudo)
        ]
        if not targets:
            return []
        # A modifier that spans a whole pseudo-trigger is its longer reading and stays: the
        # frame "is causing" outlives the pseudo-trigger "is causing" that cancels the clause
        # "causing".
        active = [
            m
            for m in active
            if not any(
                m.start < p.end and p.start < m.end and not (m.start <= p.start and p.end <= m.end)
                for p in pseudo
            )
        ]
    # Of nested frames the longest speaks: "as a result of" looks back, "as a result" forward.
    frames = [m for m in active if m.pattern.label == FRAME]
    if len(frames) > 1:
        active = [
            m
            for m in active
            if m.pattern.label != FRAME
            or not any(
                f.start <= m.start and m.end <= f.end and f.end - f.start > m.end - m.start
                for f in frames
            )
        ]
    terminators = sorted(m.start for m in active if m.pattern.label == TERMINATE)
    # A voice verb right after a speaker who is neither the complainant nor the decision-maker
    # ("the school said", "the guidance says") reports a third party: like ``ORGANISATION``.
    scopes: list[tuple[Hit, str]] = []
    for m in active:
        label = m.pattern.label
        if label in _UNSCOPED:
            continue
        if label in _VOICES and m.start in speakers:
            label = ORGANISATION
        scopes.append((m, label))
    if not scopes:
        return [new(Modified, (t, _NOTHING, ())) for t in targets]
    result: list[Modified] = []
    for target in targets:
        categories: set[str] = set()
        ids: list[str] = []
        t_start, t_end = target.start, target.end
        for modifier, label in scopes:
            if modifier.start < t_end and t_start < modifier.end:
                # "no fault" holds its own negation, "had to pay" its own verb; a drop
                # rule ("the Council upheld") cancels a target it overlaps.
                if label in _SELF_CONTAINED:
                    continue
            elif not _reaches(modifier, target, terminators):
                continue
            categories.add(label)
            ids.append(modifier.pattern.id)
        if categories:
            result.append(new(Modified, (target, frozenset(categories), tuple(ids))))
        else:
            result.append(new(Modified, (target, _NOTHING, ())))
    return result


def _reaches(modifier: Hit, target: Hit, terminators: list[int]) -> bool:
    pattern = modifier.pattern
    direction = pattern.direction or "forward"
    limit = pattern.max_scope
    if target.start >= modifier.end and direction != "backward":
        if limit is not None and target.start - modifier.end > limit:
            return False
        if terminators:
            return not any(modifier.end <= t < target.start for t in terminators)
        return True
    if target.end <= modifier.start and direction != "forward":
        if limit is not None and modifier.start - target.end > limit:
            return False
        if terminators:
            return not any(target.end <= t < modifier.start for t in terminators)
        return True
    return False
