"""Tune the pattern files on labelled decisions: add proposed rules, disable imprecise ones.

The loop (``tune``):

1. run the pipeline once over the labelled and guard documents and keep the docs;
2. propose rules from the gold spans the current rules miss (:mod:`ombudsman_nlp.induce`),
   scope modifiers from the findings spans they get wrong, and to disable every rule whose
   precision on the labelled data is below ``min_precision`` with at least ``min_support``
   firings;
3. evaluate each proposed change by re-running only its component, only on the docs where its
   pattern matches, and keep a change (greedily, best first) when it raises the F1 of the
   tuned labels on held-out folds (k-fold cross-validation: in each fold the change counts
   only if it also helps on the other folds), raises it on all the labelled data, does not
   lower the micro F1 of its component's labels there, and lowers no label's F1 on the guard
   documents;
4. write every component's pattern file into the output folder, plus ``tuning_report.md``
   and ``tuning_report.json``.
"""

from __future__ import annotations

import copy
import heapq
import json
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .components.base import PatternComponent
from .evaluation import read_gold
from .induce import (
    COMPONENT_OF,
    MissedSpan,
    Proposal,
    WrongSpan,
    cue_runs,
    propose,
    propose_modifiers,
)
from .labelled import LoadIssue
from .labels import FINDINGS_KEY, HEADS_KEY, INJUSTICE_KEY, REMEDIES_KEY, SPAN_LABELS
from .patterns import PACKAGE_DIR, Pattern, write_patterns
from .pipeline import load
from .rules import RuleMatcher
from .scoring import LABELS, match_spans, span_counts

GROUPS: dict[str, tuple[str, ...]] = {
    "findings": (FINDINGS_KEY, INJUSTICE_KEY),
    "heads": (HEADS_KEY,),
    "remedies": (REMEDIES_KEY,),
}
COMPONENT_LABELS: dict[str, tuple[str, ...]] = {
    name: tuple(label for label in LABELS if COMPONENT_OF[label] == name) for name in GROUPS
}
# Pattern labels that put a span out (a rule of another label only modifies or blocks).
OUTPUT_PATTERN_LABELS: dict[str, frozenset[str]] = {
    "findings": frozenset(COMPONENT_LABELS["findings"]),
    "heads": frozenset({"HEAD_TRIGGER"}),
    "remedies": frozenset({"PAYMENT_CUE"}),
}
_EPS = 1e-9

Counts = dict[str, list[int]]  # label -> [tp, fp, fn]


def default_guard_files() -> list[Path]:
    """The bundled gold data (``training/seeds.jsonl``, ``training/dev.jsonl``) if present."""
    folder = PACKAGE_DIR.parent / "training"
    return [p for p in (folder / "seeds.jsonl", folder / "dev.jsonl") if p.exists()]


# ------------------------------------------------------------------------------ counting


def _f1(counts: Counts, labels: Iterable[str]) -> float:
    tp = fp = fn = 0
    for label in labels:
        c = counts.get(label)
        if c:
            tp, fp, fn = tp + c[0], fp + c[1], fn + c[2]
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _add(total: Counts, other: Counts, sign: int = 1) -> Counts:
    out = {label: list(v) for label, v in total.items()}
    for label, v in other.items():
        row = out.setdefault(label, [0, 0, 0])
        for i in range(3):
            row[i] += sign * v[i]
    return out


def _prf(c: Sequence[int]) -> dict[str, float | int]:
    tp, fp, fn = c
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": f}


def label_scores(counts: Counts, labels: Iterable[str]) -> dict[str, dict[str, float | int]]:
    """Precision, recall, F1 per label and micro-averaged (``"micro"``)."""
    labels = list(labels)
    out = {label: _prf(counts.get(label, [0, 0, 0])) for label in labels}
    micro = [sum(counts.get(label, [0, 0, 0])[i] for label in labels) for i in range(3)]
    out["micro"] = _prf(micro)
    return out


# ------------------------------------------------------------------------------ workspace


@dataclass
class Item:
    """One labelled or guard document with its processed doc."""

    record: dict
    doc: Doc
    fold: int | None  # cross-validation fold; None for a guard document


@dataclass
class Change:
    """Adding or removing one pattern of one component, with its cached outcomes."""

    kind: str  # "add" or "remove"
    component: str
    pattern: Pattern
    proposal: Proposal | None = None
    stats: dict[str, Any] = field(default_factory=dict)  # fired/tp/fp of a removed rule
    hits: list[int] = field(default_factory=list)  # items where the pattern matches
    outcome: dict[int, tuple[list[dict], Counts]] = field(default_factory=dict)
    seen_version: dict[int, int] = field(default_factory=dict)
    gain: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)


def fold_of(doc_id: str, folds: int) -> int:
    """A stable fold for a document id."""
    return zlib.crc32(str(doc_id).encode("utf-8")) % folds


class Workspace:
    """Processed docs and current predictions; re-runs one component on a few docs at a time."""

    def __init__(
        self,
        nlp: Language,
        labelled: Sequence[dict],
        guard: Sequence[dict] = (),
        folds: int = 5,
        labels: Iterable[str] | None = None,
    ) -> None:
        self.nlp = nlp
        self.folds = max(2, folds)
        self.labels = tuple(labels) if labels else tuple(LABELS)
        self.components: dict[str, PatternComponent] = {
            name: nlp.get_pipe(name) for name in GROUPS if name in nlp.pipe_names
        }
        self.patterns: dict[str, list[Pattern]] = {
            name: list(c.patterns) for name, c in self.components.items()
        }
        docs: dict[str, Doc] = {}
        texts = list(dict.fromkeys(r["text"] for r in [*labelled, *guard]))
        for text, doc in zip(texts, nlp.pipe(texts, batch_size=32), strict=True):
            docs[text] = doc
        self.items: list[Item] = [
            Item(r, docs[r["text"]], fold_of(r["id"], self.folds)) for r in labelled
        ] + [Item(r, docs[r["text"]], None) for r in guard]
        self.version: dict[tuple[str, int], int] = {}
        self.pred: dict[str, list[list[dict]]] = {
            name: [self._spans(item.doc, name) for item in self.items] for name in self.components
        }
        self.counts: list[Counts] = [self._counts(i) for i in range(len(self.items))]

    # -- predictions ----------------------------------------------------------------------
    @staticmethod
    def _spans(doc: Doc, component: str) -> list[dict]:
        return [
            {"start": s.start_char, "end": s.end_char, "label": s.label_, "id": s.id_ or None}
            for key in GROUPS[component]
            if key in doc.spans
            for s in doc.spans[key]
        ]

    def _counts(self, index: int, component: str | None = None, spans=None) -> Counts:
        gold = self.items[index].record
        names = [component] if component else list(self.components)
        out: Counts = {}
        for name in names:
            pred = spans if component else self.pred[name][index]
            counted = span_counts(gold, {"spans": pred}, COMPONENT_LABELS[name])
            out.update({label: list(c) for label, c in counted.items()})
        return out

    def labelled_indices(self) -> list[int]:
        return [i for i, item in enumerate(self.items) if item.fold is not None]

    def guard_indices(self) -> list[int]:
        return [i for i, item in enumerate(self.items) if item.fold is None]

    def totals(self, indices: Iterable[int]) -> Counts:
        total: Counts = {}
        for i in indices:
            total = _add(total, self.counts[i])
        return total

    def predicted_records(self, indices: Iterable[int]) -> list[dict]:
        return [
            {
                "id": self.items[i].record["id"],
                "spans": [s for name in self.components for s in self.pred[name][i]],
            }
            for i in indices
        ]

    # -- changes --------------------------------------------------------------------------
    def patterns_after(self, change: Change) -> list[Pattern]:
        current = self.patterns[change.component]
        if change.kind == "add":
            return [*current, change.pattern]
        return [p for p in current if p.id != change.pattern.id]

    def find_hits(self, changes: Sequence[Change]) -> None:
        """Set each change's ``hits``: the items where its pattern matches at all."""
        by_component: dict[str, list[Change]] = {}
        for change in changes:
            by_component.setdefault(change.component, []).append(change)
        for group in by_component.values():
            unique = {c.pattern.id: c.pattern for c in group}
            matcher = RuleMatcher(self.nlp, unique.values())
            found: dict[str, set[int]] = {}
            for i, item in enumerate(self.items):
                for hit in matcher(item.doc, list(item.doc.sents)):
                    found.setdefault(hit.pattern.id, set()).add(i)
            for change in group:
                change.hits = sorted(found.get(change.pattern.id, ()))

    def evaluate(self, change: Change) -> None:
        """Re-run the change's component where its pattern matches and the outcome is stale."""
        stale = [
            i
            for i in change.hits
            if change.seen_version.get(i, -1) != self.version.get((change.component, i), 0)
        ]
        if not stale:
            return
        component = copy.copy(self.components[change.component])
        component.set_patterns(self.patterns_after(change))
        for i in stale:
            doc = component(self.items[i].doc)
            spans = self._spans(doc, change.component)
            change.outcome[i] = (spans, self._counts(i, change.component, spans))
            change.seen_version[i] = self.version.get((change.component, i), 0)

    def deltas(self, change: Change) -> dict[int, Counts]:
        out = {}
        for i, (_, counts) in change.outcome.items():
            delta = {
                label: [counts[label][k] - self.counts[i][label][k] for k in range(3)]
                for label in counts
            }
            if any(any(v) for v in delta.values()):
                out[i] = delta
        return out

    def apply(self, change: Change) -> None:
        """Make the change: new pattern set, new predictions where it matched."""
        self.patterns[change.component] = self.patterns_after(change)
        self.components[change.component].set_patterns(self.patterns[change.component])
        for i in change.hits:
            spans, counts = change.outcome[i]
            self.pred[change.component][i] = spans
            self.counts[i].update({label: list(v) for label, v in counts.items()})
            key = (change.component, i)
            self.version[key] = self.version.get(key, 0) + 1


# ------------------------------------------------------------------------------ selection


@dataclass
class TuneSettings:
    """Knobs of the tuning loop (``training/tune.cfg`` holds the defaults)."""

    folds: int = 5
    min_precision: float = 0.5
    min_support: int = 2
    max_changes: int = 60
    per_label: int = 25
    max_n: int = 4
    labels: tuple[str, ...] | None = None
    remove: bool = True
    add: bool = True
    modifiers: bool = True  # propose scope modifiers from the wrong findings spans


@dataclass
class TuneResult:
    """What the loop changed, with scores before and after."""

    accepted: list[Change]
    considered: int
    before: dict[str, Any]
    after: dict[str, Any]
    patterns: dict[str, list[Pattern]]
    issues: list[LoadIssue] = field(default_factory=list)
    settings: TuneSettings = field(default_factory=TuneSettings)

    def as_json(self) -> dict[str, Any]:
        return {
            "settings": {
                k: (list(v) if isinstance(v, tuple) else v) for k, v in vars(self.settings).items()
            },
            "considered": self.considered,
            "before": self.before,
            "after": self.after,
            "changes": [
                {
                    "kind": c.kind,
                    "component": c.component,
                    "pattern": c.pattern.to_json(),
                    **(
                        {
                            "label": c.proposal.label,
                            "support": c.proposal.support,
                            "sources": c.proposal.sources,
                            "evidence": c.proposal.evidence,
                        }
                        if c.proposal
                        else {}
                    ),
                    **({"stats": c.stats} if c.stats else {}),
                    **c.details,
                }
                for c in self.accepted
            ],
            "issues": [str(i) for i in self.issues],
        }


class Tuner:
    """Greedy, cross-validated selection of pattern changes over a :class:`Workspace`."""

    def __init__(self, space: Workspace, settings: TuneSettings) -> None:
        self.space = space
        self.settings = settings
        self.labels = tuple(settings.labels or space.labels)
        self.labelled = space.labelled_indices()
        self.guard = space.guard_indices()

    # -- proposals ------------------------------------------------------------------------
    def missed(self) -> list[MissedSpan]:
        space = self.space
        out = []
        for i in self.labelled:
            item = space.items[i]
            gold = item.record
            for name in space.components:
                pred = space.pred[name][i]
                for label in COMPONENT_LABELS[name]:
                    if label not in self.labels:
                        continue
                    gs = [
                        (s["start"], s["end"], n)
                        for n, s in enumerate(gold.get("spans", []))
                        if s["label"] == label
                    ]
                    ps = [
                        (s["start"], s["end"], n) for n, s in enumerate(pred) if s["label"] == label
                    ]
                    matched = {g for g, _ in match_spans(gs, ps)}
                    for g, (start, end, _) in enumerate(gs):
                        if g not in matched:
                            out.append(
                                MissedSpan(
                                    gold["id"],
                                    item.doc,
                                    label,
                                    start,
                                    end,
                                    _section(item.doc, start),
                                )
                            )
        return out

    def proposals(self) -> list[Change]:
        space, s = self.space, self.settings
        changes: list[Change] = []
        existing = [p for ps in space.patterns.values() for p in ps]
        ids = {p.id for p in existing}
        if s.add:
            background = [
                (space.items[i].doc, _gold_by_label(space.items[i].record)) for i in self.labelled
            ]
            for proposal in propose(
                self.missed(),
                background,
                min_support=s.min_support,
                min_precision=s.min_precision,
                max_n=s.max_n,
                per_label=s.per_label,
                existing=existing,
            ):
                if proposal.component not in space.components or proposal.pattern.id in ids:
                    continue
                ids.add(proposal.pattern.id)
                changes.append(Change("add", proposal.component, proposal.pattern, proposal))
        if s.modifiers and "findings" in space.components:
            changes.extend(self.modifier_changes(ids))
        if s.remove:
            changes.extend(self.removals())
        return changes

    def wrong_and_right(self) -> tuple[list[WrongSpan], list[tuple[str, list[list[Any]]]]]:
        """The findings spans put out with a label gold does not give them (with the gold
        findings label there, if any), and the correct ones, each with its cue runs."""
        space = self.space
        labels = COMPONENT_LABELS["findings"]
        targets = space.components["findings"].targets
        wrong: list[WrongSpan] = []
        right: list[tuple[str, list[list[Any]]]] = []
        for i in self.labelled:
            item = space.items[i]
            gold = [s for s in item.record.get("spans", []) if s["label"] in labels]
            pred = [s for s in space.pred["findings"][i] if s["label"] in labels]
            every_gold = [(g["start"], g["end"], k) for k, g in enumerate(gold)]
            for label in labels:
                gs = [(s["start"], s["end"], n) for n, s in enumerate(gold) if s["label"] == label]
                ps = [(s["start"], s["end"], n) for n, s in enumerate(pred) if s["label"] == label]
                matched = {p for _, p in match_spans(gs, ps)}
                for n, (start, end, _) in enumerate(ps):
                    runs = cue_runs(item.doc, start, end, targets)
                    if n in matched:
                        right.append((label, runs))
                        continue
                    found = match_spans(every_gold, [(start, end, 0)])
                    gold_label = gold[found[0][0]]["label"] if found else None
                    if label in self.labels or gold_label in self.labels:
                        wrong.append(WrongSpan(item.record["id"], label, gold_label, runs))
        return wrong, right

    def modifier_changes(self, ids: set[str]) -> list[Change]:
        """Proposed scope modifiers (see :func:`induce.propose_modifiers`)."""
        s = self.settings
        wrong, right = self.wrong_and_right()
        changes = []
        for proposal in propose_modifiers(
            wrong,
            right,
            min_support=s.min_support,
            min_precision=s.min_precision,
            per_label=s.per_label,
            existing=self.space.patterns["findings"],
        ):
            if proposal.pattern.id not in ids:
                ids.add(proposal.pattern.id)
                changes.append(Change("add", "findings", proposal.pattern, proposal))
        return changes

    def removals(self) -> list[Change]:
        """Disable rules below ``min_precision`` with at least ``min_support`` firings."""
        from .scoring import pattern_report

        space, s = self.space, self.settings
        # Keyed by position: labelled files may repeat an id.
        golds = [{**space.items[i].record, "id": str(i)} for i in self.labelled]
        preds = [
            {**p, "id": str(i)}
            for i, p in zip(self.labelled, space.predicted_records(self.labelled), strict=True)
        ]
        report = pattern_report(golds, preds)["patterns"]
        out = []
        for name, patterns in space.patterns.items():
            for pattern in patterns:
                stats = report.get(pattern.id)
                if pattern.label not in OUTPUT_PATTERN_LABELS[name] or stats is None:
                    continue
                if not set(stats["labels"]) & set(self.labels):
                    continue
                if stats["fired"] >= s.min_support and stats["precision"] < s.min_precision:
                    out.append(Change("remove", name, pattern, stats=dict(stats)))
        return out

    # -- scoring a change -----------------------------------------------------------------
    def score(self, change: Change) -> float:
        """Cross-validated gain in F1 of the tuned labels; 0 when any check fails."""
        space = self.space
        space.evaluate(change)
        deltas = space.deltas(change)
        if not deltas:
            change.gain = 0.0
            return 0.0
        k = space.folds
        fold_delta: list[Counts] = [{} for _ in range(k)]
        guard_delta: Counts = {}
        for i, delta in deltas.items():
            fold = space.items[i].fold
            if fold is None:
                guard_delta = _add(guard_delta, delta)
            else:
                fold_delta[fold] = _add(fold_delta[fold], delta)
        fold_total = [
            space.totals(i for i in self.labelled if space.items[i].fold == f) for f in range(k)
        ]
        total: Counts = {}
        for t in fold_total:
            total = _add(total, t)
        all_delta: Counts = {}
        for d in fold_delta:
            all_delta = _add(all_delta, d)
        cv = total
        chosen = []
        for f in range(k):
            train = _add(total, fold_total[f], -1)
            train_delta = _add(all_delta, fold_delta[f], -1)
            if _f1(_add(train, train_delta), self.labels) > _f1(train, self.labels) + _EPS:
                cv = _add(cv, fold_delta[f])
                chosen.append(f)
        before = _f1(total, self.labels)
        cv_gain = _f1(cv, self.labels) - before
        full_gain = _f1(_add(total, all_delta), self.labels) - before
        # The component's labels together may not get worse on the labelled data.
        mine = COMPONENT_LABELS[change.component]
        others_ok = _f1(_add(total, all_delta), mine) >= _f1(total, mine) - _EPS
        guard_total = space.totals(self.guard)
        after_guard = _add(guard_total, guard_delta)
        guard_ok = (
            all(
                _f1(after_guard, [lb]) >= _f1(guard_total, [lb]) - _EPS
                for lb in [*COMPONENT_LABELS[change.component], *self.labels]
            )
            and _f1(after_guard, self.labels) >= _f1(guard_total, self.labels) - _EPS
        )
        change.details = {
            "cv_gain": cv_gain,
            "full_gain": full_gain,
            "folds_chosen": chosen,
            "docs_changed": len(deltas),
            "guard_ok": guard_ok,
            "other_labels_ok": others_ok,
        }
        ok = cv_gain > _EPS and full_gain > _EPS and guard_ok and others_ok
        change.gain = cv_gain if ok else 0.0
        return change.gain

    # -- the loop -------------------------------------------------------------------------
    def run(self) -> tuple[list[Change], int]:
        changes = self.proposals()
        self.space.find_hits(changes)
        changes = [c for c in changes if c.hits]
        heap: list[tuple[float, int, Change]] = []
        for n, change in enumerate(changes):
            gain = self.score(change)
            if gain > 0:
                heap.append((-gain, n, change))
        heapq.heapify(heap)
        accepted: list[Change] = []
        while heap and len(accepted) < self.settings.max_changes:
            _, n, change = heapq.heappop(heap)
            gain = self.score(change)
            if gain <= 0:
                continue
            if heap and gain < -heap[0][0] - _EPS:
                heapq.heappush(heap, (-gain, n, change))
                continue
            self._accept(change)
            accepted.append(change)
            if change.kind == "remove":  # a removed rule cannot be removed or added again
                heap = [h for h in heap if h[2].pattern.id != change.pattern.id]
                heapq.heapify(heap)
        return accepted, len(changes)

    def _accept(self, change: Change) -> None:
        space = self.space
        labels = sorted(
            set(COMPONENT_LABELS[change.component]) | set(self.labels), key=LABELS.index
        )
        before = label_scores(space.totals(self.labelled), labels)
        guard_before = label_scores(space.totals(self.guard), labels) if self.guard else None
        space.apply(change)
        change.details["labelled"] = {
            "before": before,
            "after": label_scores(space.totals(self.labelled), labels),
        }
        if guard_before is not None:
            change.details["guard"] = {
                "before": guard_before,
                "after": label_scores(space.totals(self.guard), labels),
            }


def _gold_by_label(record: dict) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = {}
    for span in record.get("spans", []):
        out.setdefault(span["label"], []).append((span["start"], span["end"]))
    return out


def _section(doc: Doc, char: int) -> str | None:
    from .extensions import section_at

    return section_at(doc, char)


# ------------------------------------------------------------------------------ entry point


def default_config() -> Path | None:
    """``training/tune.cfg`` of a checkout, if present."""
    path = PACKAGE_DIR.parent / "training" / "tune.cfg"
    return path if path.exists() else None


def load_settings(path: str | Path | None = None) -> TuneSettings:
    """Settings from the ``[tune]`` section of a config file (default ``training/tune.cfg``)."""
    from thinc.api import Config

    path = default_config() if path is None else Path(path)
    settings = TuneSettings()
    if path is None:
        return settings
    section = Config().from_disk(path).get("tune", {})
    known = set(vars(settings))
    unknown = sorted(set(section) - known)
    if unknown:
        raise ValueError(f"{path}: unknown tuning settings {unknown}")
    for key, value in section.items():
        setattr(settings, key, tuple(value) if key == "labels" and value else value)
    return settings


def tune_records(
    labelled: Sequence[dict],
    guard: Sequence[dict] = (),
    patterns: str | Path | None = None,
    settings: TuneSettings | None = None,
    nlp: Language | None = None,
) -> TuneResult:
    """Tune the pattern set (bundled, or the folder ``patterns``) on labelled records."""
    settings = settings or TuneSettings()
    nlp = nlp or load(patterns)
    space = Workspace(nlp, labelled, guard, settings.folds, settings.labels)
    labels = list(SPAN_LABELS)
    before = _summary(space, labels)
    accepted, considered = Tuner(space, settings).run()
    after = _summary(space, labels)
    patterns_out = {
        name: list(component.patterns)
        for name, component in nlp.pipeline
        if isinstance(component, PatternComponent)
    }
    patterns_out.update(space.patterns)
    return TuneResult(accepted, considered, before, after, patterns_out, settings=settings)


def _summary(space: Workspace, labels: list[str]) -> dict[str, Any]:
    out = {"labelled": label_scores(space.totals(space.labelled_indices()), labels)}
    if space.guard_indices():
        out["guard"] = label_scores(space.totals(space.guard_indices()), labels)
    return out


def tune_files(
    paths: Iterable[str | Path],
    out: str | Path,
    patterns: str | Path | None = None,
    guard: Iterable[str | Path] | None = None,
    settings: TuneSettings | None = None,
) -> TuneResult:
    """Read labelled files, tune, and write the pattern folder and the reports into ``out``."""
    labelled, issues = read_gold(paths)
    guard_records, guard_issues = read_gold(default_guard_files() if guard is None else guard)
    result = tune_records(labelled, guard_records, patterns, settings)
    result.issues = issues + guard_issues
    write_result(result, out)
    return result


def write_result(result: TuneResult, out: str | Path) -> None:
    """Every component's pattern file, ``tuning_report.json`` and ``tuning_report.md``."""
    from .pipeline import load as load_pipeline

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = {
        name: c.pattern_file
        for name, c in load_pipeline().pipeline
        if isinstance(c, PatternComponent)
    }
    for name, patterns in result.patterns.items():
        write_patterns(out / files[name], patterns)
    data = result.as_json()
    (out / "tuning_report.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    (out / "tuning_report.md").write_text(format_report(data), encoding="utf-8")


def _score_table(before: dict, after: dict) -> list[str]:
    lines = [
        "| label | P before | R before | F1 before | P after | R after | F1 after |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, b in before.items():
        a = after[label]
        lines.append(
            f"| {label} | {b['precision']:.3f} | {b['recall']:.3f} | {b['f1']:.3f} "
            f"| {a['precision']:.3f} | {a['recall']:.3f} | {a['f1']:.3f} |"
        )
    return lines


def format_report(data: dict) -> str:
    """The tuning report as Markdown."""
    lines = ["# Tuning report", ""]
    settings = ", ".join(f"{k}={v}" for k, v in data["settings"].items())
    lines += [f"Settings: {settings}.", ""]
    lines += [f"Changes considered: {data['considered']}; kept: {len(data['changes'])}.", ""]
    for part in ("labelled", "guard"):
        if part in data["before"]:
            lines += [f"## Scores on the {part} data", ""]
            lines += _score_table(data["before"][part], data["after"][part])
            lines.append("")
    lines += ["## Changes, in the order kept", ""]
    if not data["changes"]:
        lines += ["(none)", ""]
    for n, change in enumerate(data["changes"], start=1):
        pattern = change["pattern"]
        verb = "added to" if change["kind"] == "add" else "removed from"
        lines += [f"### {n}. `{pattern['id']}` {verb} {change['component']}", ""]
        lines += ["```json", json.dumps(pattern, ensure_ascii=False), "```", ""]
        if "support" in change:
            lines.append(
                f"Proposed from {change['support']} {change.get('evidence', 'missed')} "
                f"{change['label']} spans "
                f"({', '.join(change['sources'][:8])}{'…' if len(change['sources']) > 8 else ''})."
            )
        if "stats" in change:
            st = change["stats"]
            lines.append(
                f"Fired {st['fired']} times on the labelled data, {st['tp']} correct "
                f"(precision {st['precision']:.3f})."
            )
        lines.append(
            f"Cross-validated F1 gain {change['cv_gain']:+.4f} "
            f"(folds where it also helped the others: {change['folds_chosen']}); "
            f"gain on all labelled data {change['full_gain']:+.4f}; "
            f"{change['docs_changed']} documents changed."
        )
        lines.append("")
        for part in ("labelled", "guard"):
            if part in change:
                lines += [f"Scores on the {part} data:", ""]
                lines += _score_table(change[part]["before"], change[part]["after"])
                lines.append("")
    if data["issues"]:
        lines += ["## Problems in the input", ""]
        lines += [f"- {issue}" for issue in data["issues"]]
        lines.append("")
    return "\n".join(lines)
