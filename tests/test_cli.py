"""The command line: extract and evaluate, run as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ombudsman_nlp.labels import SPAN_LABELS

DATA = Path(__file__).parent / "data"
SEEDS = Path(__file__).resolve().parent.parent / "training" / "seeds"


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ombudsman_nlp", *args], capture_output=True, text=True, check=check
    )


def test_evaluate_scores_given_predictions_as_worked_out_by_hand():
    out = run(
        "evaluate",
        str(DATA / "handmade_gold.jsonl"),
        "--predictions",
        str(DATA / "handmade_pred.jsonl"),
        "--json",
    )
    scores = json.loads(out.stdout)["scores"]
    micro = scores["spans"]["micro"]
    # tp 11, fp 3, fn 4 (worked out label by label in test_scoring.py)
    assert (micro["tp"], micro["fp"], micro["fn"]) == (11, 3, 4)
    assert micro["f1"] == pytest.approx(22 / 29)
    assert scores["documents"] == 3


def test_evaluate_prints_the_table_per_label():
    out = run(
        "evaluate",
        str(DATA / "handmade_gold.jsonl"),
        "--predictions",
        str(DATA / "handmade_pred.jsonl"),
    )
    lines = out.stdout.splitlines()
    for label in (*SPAN_LABELS, "micro"):
        assert any(line.startswith(label) for line in lines), label
    assert any("purpose accuracy" in line for line in lines)
    assert any(line.strip().startswith("decision_date") for line in lines)


def test_evaluate_runs_the_pipeline_on_the_seeds(tmp_path):
    gold = SEEDS.parent / "seeds.jsonl"
    out = run("evaluate", str(gold), "--json")
    scores = json.loads(out.stdout)["scores"]
    assert scores["documents"] == 5
    assert scores["metadata"]["reference"] == {
        "accuracy": 1.0,
        "n": 5,
        "correct": 5,
        "predicted_where_gold_null": 0,
    }
    assert scores["remedies"]["fp"] == 0


def test_extract_files_folders_and_jsonl_with_an_error_record(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text((SEEDS / "002_3361a64780ec40b8.txt").read_text("utf-8"))
    (folder / "empty.txt").write_text("  \n")
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"id": "from-jsonl", "text": "Summary: This is fault."}) + "\n")
    output = tmp_path / "out.jsonl"
    done = run("extract", str(folder), str(batch), "-o", str(output), check=False)
    assert done.returncode == 1
    assert "empty.txt" in done.stderr
    records = [json.loads(line) for line in output.read_text("utf-8").splitlines()]
    assert [r["id"] for r in records] == ["empty", "good", "from-jsonl"]
    assert "error" in records[0] and "empty" in records[0]["error"].lower()
    good = records[1]
    assert good["metadata"]["organisation"] == "Warwickshire County Council"
    assert [(p["amount"], p["payee"]) for p in good["remedies"]] == [(500.0, "Mr X")]
    assert not Path(str(output) + ".part").exists()
