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


@pytest.fixture(scope="module")
def experiment(halves, tmp_path_factory) -> dict:
    """Ablate, tune on one half, measure FAULT F1 on the other: run once for the module."""
    tune_half, test_half = halves
    root = tmp_path_factory.mktemp("tune")
    ablated = root / "ablated"
    removed = _ablate(tune_half, ablated)
    result = tune_records(
        tune_half,
        guard=tune_half,
        patterns=ablated,
        settings=TuneSettings(labels=(LABEL,), folds=5),
    )
    tuned = root / "tuned"
    write_result(result, tuned)
    return {
        "removed": removed,
        "ablated": ablated,
        "tuned": tuned,
        "result": result,
        "baseline_f1": _f1(test_half, None),
        "ablated_f1": _f1(test_half, ablated),
        "tuned_f1": _f1(test_half, tuned),
    }


def test_tuning_recovers_ablated_fault_rules(halves, experiment) -> None:
    tune_half, test_half = halves
    baseline_f1, ablated_f1 = experiment["baseline_f1"], experiment["ablated_f1"]
    tuned_f1, result = experiment["tuned_f1"], experiment["result"]
    drop = baseline_f1 - ablated_f1
    assert drop >= 0.05, f"ablation too mild to test recovery ({drop:.3f})"
    recovered = (tuned_f1 - ablated_f1) / drop
    print(
        f"\n{LABEL} F1 on the held-out half ({len(test_half)} decisions; tuned on "
        f"{len(tune_half)}): baseline {baseline_f1:.3f}, ablated {ablated_f1:.3f} "
        f"({len(experiment['removed'])} rules removed), tuned {tuned_f1:.3f}: "
        f"{recovered:.0%} of the drop recovered with {len(result.accepted)} changes"
    )
    for change in result.accepted:
        print(f"  {change.kind:<6} {change.pattern.id}: {json.dumps(change.pattern.pattern)}")
    assert recovered >= 0.5


def test_tuned_folder_is_a_complete_pattern_set_with_a_report(experiment) -> None:
    tuned, result = experiment["tuned"], experiment["result"]
    assert sorted(p.name for p in tuned.glob("*.jsonl")) == sorted(
        p.name for p in default_patterns_dir().glob("*.jsonl")
    )
    # Components the loop did not touch are written unchanged.
    for name in ("sections.jsonl", "actions.jsonl"):
        assert srsly.read_jsonl(tuned / name) and list(srsly.read_jsonl(tuned / name)) == list(
            srsly.read_jsonl(experiment["ablated"] / name)
        )
    written = {p["id"]: p for p in srsly.read_jsonl(tuned / "findings.jsonl")}
    for change in result.accepted:
        assert (change.pattern.id in written) == (change.kind == "add")
    # No LEMMA in runtime patterns: generalised words are sets of inflections.
    for file in tuned.glob("*.jsonl"):
        assert "LEMMA" not in file.read_text(encoding="utf-8")
    report = json.loads((tuned / "tuning_report.json").read_text(encoding="utf-8"))
    assert [c["pattern"]["id"] for c in report["changes"]] == [
        c.pattern.id for c in result.accepted
    ]
    for change in report["changes"]:
        assert change["cv_gain"] > 0
        before, after = change["labelled"]["before"], change["labelled"]["after"]
        assert after[LABEL]["f1"] > before[LABEL]["f1"]
        assert change["guard"]["after"][LABEL]["f1"] >= change["guard"]["before"][LABEL]["f1"]
    markdown = (tuned / "tuning_report.md").read_text(encoding="utf-8")
    assert all(c.pattern.id in markdown for c in result.accepted)


def test_tuned_patterns_load_and_survive_to_disk(experiment, halves, tmp_path: Path) -> None:
    tuned = experiment["tuned"]
    nlp = ombudsman_nlp.load(patterns=tuned)
    written = [p["id"] for p in srsly.read_jsonl(tuned / "findings.jsonl")]
    assert [p.id for p in nlp.get_pipe("findings").patterns] == written
    nlp.to_disk(tmp_path / "model")
    reloaded = spacy.load(tmp_path / "model")
    assert [p.id for p in reloaded.get_pipe("findings").patterns] == written
    texts = [r["text"] for r in halves[1][:20]]
    spans = [
        [(s.start_char, s.end_char, s.label_, s.id_) for s in doc.spans["findings"]]
        for doc in nlp.pipe(texts)
    ]
    again = [
        [(s.start_char, s.end_char, s.label_, s.id_) for s in doc.spans["findings"]]
        for doc in reloaded.pipe(texts)
    ]
    assert spans == again
    # The reloaded pipeline holds the tuned rules and they fire on the test half.
    added = {c.pattern.id for c in experiment["result"].accepted if c.kind == "add"}
    everywhere = {
        s.id_ for doc in reloaded.pipe(r["text"] for r in halves[1]) for s in doc.spans["findings"]
    }
    assert added and added & everywhere


def test_scope_modifiers_are_proposed_for_wrong_findings(halves, tmp_path: Path) -> None:
    """Without its NEGATED modifiers, "did not find fault" reads as fault: tuning with scope
    modifiers only proposes negations from the wrong spans, and the unseen half gains."""
    tune_half, test_half = halves
    folder = tmp_path / "no_negations"
    folder.mkdir()
    for file in default_patterns_dir().glob("*.jsonl"):
        (folder / file.name).write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    findings = bundled("findings.jsonl")
    write_patterns(folder / "findings.jsonl", [p for p in findings if p.label != "NEGATED"])
    settings = TuneSettings(folds=5, add=False, remove=False, modifiers=True)
    result = tune_records(tune_half, guard=tune_half, patterns=folder, settings=settings)
    added = [c.pattern for c in result.accepted]
    assert added and all(c.kind == "add" for c in result.accepted)
    assert "NEGATED" in {p.label for p in added}
    assert all(p.direction == "both" and p.id.startswith("ctx.tuned.") for p in added)
    tuned = tmp_path / "tuned"
    write_result(result, tuned)

    def micro(patterns: Path) -> float:
        nlp = ombudsman_nlp.load(patterns=patterns)
        return evaluate_records(test_half, nlp).scores["spans"]["micro"]["f1"]

    ablated_f1, tuned_f1 = micro(folder), micro(tuned)
    print(f"\nmicro F1 on the held-out half: ablated {ablated_f1:.3f}, tuned {tuned_f1:.3f}")
    assert tuned_f1 > ablated_f1


def test_imprecise_rule_is_disabled(halves, tmp_path: Path) -> None:
    """A FAULT rule on "the council" fires everywhere and is nearly always wrong: removed."""
    tune_half, _ = halves
    folder = tmp_path / "noisy"
    folder.mkdir()
    findings = bundled("findings.jsonl")
    noisy = {"id": "fault.noisy_the_council", "label": "FAULT", "pattern": "the council"}
    srsly.write_jsonl(folder / "findings.jsonl", [*(p.to_json() for p in findings), noisy])
    result = tune_records(
        tune_half, patterns=folder, settings=TuneSettings(labels=(LABEL,), add=False)
    )
    removed = [c for c in result.accepted if c.kind == "remove"]
    assert "fault.noisy_the_council" in [c.pattern.id for c in removed]
    stats = next(c.stats for c in removed if c.pattern.id == "fault.noisy_the_council")
    assert stats["precision"] < 0.5 and stats["fired"] >= 2
    assert result.after["labelled"][LABEL]["f1"] > result.before["labelled"][LABEL]["f1"]


def test_tune_command_writes_folder(tmp_path: Path, capsys) -> None:
    from ombudsman_nlp.cli import main

    data = Path(__file__).parent / "data"
    out = tmp_path / "out"
    args = ["tune", str(data / "formats_gold.jsonl"), str(data / "formats_doccano.jsonl")]
    code = main([*args, "--out", str(out), "--no-guard", "--folds", "2"])
    assert code == 0
    assert "changes kept" in capsys.readouterr().out
    assert (out / "tuning_report.md").exists() and (out / "findings.jsonl").exists()
    assert ombudsman_nlp.load(patterns=out).get_pipe("findings").patterns
