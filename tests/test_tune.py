"""The tuning loop on real decisions: ablate FAULT rules, tune on one half, recover on the other.

Run with ``-s`` to see the numbers. Nothing here hard-codes a score: the baseline, the ablated
and the tuned F1 are measured at run time, so the test follows the shipped patterns as they
change.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest
import spacy
import srsly

import ombudsman_nlp
from ombudsman_nlp.evaluation import evaluate_records, read_gold
from ombudsman_nlp.patterns import bundled, default_patterns_dir, write_patterns
from ombudsman_nlp.scoring import pattern_report
from ombudsman_nlp.tune import TuneSettings, tune_records, write_result

TRAINING = Path(__file__).parent.parent / "training"
LABEL = "FAULT"


def _half(doc_id: str) -> int:
    return zlib.crc32(doc_id.encode("utf-8")) % 2


@pytest.fixture(scope="module")
def halves() -> tuple[list[dict], list[dict]]:
    records, _ = read_gold([TRAINING / "dev.jsonl", TRAINING / "seeds.jsonl"])
    tune_half = [r for r in records if _half(r["id"]) == 0]
    test_half = [r for r in records if _half(r["id"]) == 1]
    return tune_half, test_half


def _f1(records: list[dict], patterns: Path | None) -> float:
    nlp = ombudsman_nlp.load(patterns=patterns)
    return evaluate_records(records, nlp).scores["spans"][LABEL]["f1"]


def _ablate(tune_half: list[dict], folder: Path) -> list[str]:
    """Copy the bundled patterns into ``folder`` without every other FAULT rule (ranked by how
    often they are right on the tuning half, so the most useful rule is among those removed)."""
    nlp = ombudsman_nlp.load()
    evaluation = evaluate_records(tune_half, nlp, with_patterns=True)
    stats = evaluation.patterns["patterns"]
    findings = bundled("findings.jsonl")
    targets = [p for p in findings if p.label == LABEL]
    ranked = sorted(targets, key=lambda p: (-stats.get(p.id, {"tp": 0})["tp"], p.id))
    removed = {p.id for p in ranked[::2]}
    folder.mkdir(parents=True, exist_ok=True)
    for file in default_patterns_dir().glob("*.jsonl"):
        (folder / file.name).write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    write_patterns(folder / "findings.jsonl", [p for p in findings if p.id not in removed])
    return sorted(removed)


def test_tuning_recovers_ablated_fault_rules(halves, tmp_path: Path) -> None:
    tune_half, test_half = halves
    ablated = tmp_path / "ablated"
    removed = _ablate(tune_half, ablated)
    baseline_f1 = _f1(test_half, None)
    ablated_f1 = _f1(test_half, ablated)
    drop = baseline_f1 - ablated_f1
    assert drop >= 0.05, f"ablation too mild to test recovery ({drop:.3f})"

    result = tune_records(
        tune_half,
        guard=tune_half,
        patterns=ablated,
        settings=TuneSettings(labels=(LABEL,), folds=5),
    )
    tuned = tmp_path / "tuned"
    write_result(result, tuned)
    tuned_f1 = _f1(test_half, tuned)
    recovered = (tuned_f1 - ablated_f1) / drop
    print(
        f"\n{LABEL} F1 on the held-out half ({len(test_half)} decisions; tuned on "
        f"{len(tune_half)}): baseline {baseline_f1:.3f}, ablated {ablated_f1:.3f} "
        f"({len(removed)} rules removed), tuned {tuned_f1:.3f}: {recovered:.0%} of the drop "
        f"recovered with {len(result.accepted)} changes"
    )
    for change in result.accepted:
        print(f"  {change.kind:<6} {change.pattern.id}: {json.dumps(change.pattern.pattern)}")
    assert recovered >= 0.5
    # Every component file is written, and the report names each change.
    assert sorted(p.name for p in tuned.glob("*.jsonl")) == sorted(
        p.name for p in default_patterns_dir().glob("*.jsonl")
    )
    report = json.loads((tuned / "tuning_report.json").read_text(encoding="utf-8"))
    assert [c["pattern"]["id"] for c in report["changes"]] == [
        c.pattern.id for c in result.accepted
    ]
    markdown = (tuned / "tuning_report.md").read_text(encoding="utf-8")
    assert all(c.pattern.id in markdown for c in result.accepted)
