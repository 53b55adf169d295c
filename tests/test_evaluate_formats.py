"""``ombudsman-nlp evaluate --patterns-report`` on the four labelled formats and a mixed file.

The fixtures hold two real decision excerpts (17 018 631, 24 009 439) from
``training/dev_tune.jsonl`` with their gold spans, written as gold JSONL, Prodigy, doccano and a
spaCy DocBin; ``formats_mixed.jsonl`` holds the first excerpt, a broken JSON line, a record
without text, and the second excerpt with three bad spans added (offsets out of range, an
unknown label, a duplicate of a gold span).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ombudsman_nlp.cli import main

DATA = Path(__file__).parent / "data"
FORMATS = ["formats_gold.jsonl", "formats_prodigy.jsonl", "formats_doccano.jsonl", "formats.spacy"]


def _evaluate(capsys, *files: Path) -> tuple[dict, str]:
    code = main(["evaluate", *map(str, files), "--json", "--patterns-report"])
    out, err = capsys.readouterr()
    assert code == 0
    return json.loads(out), err


@pytest.fixture(scope="module")
def gold_result() -> dict:
    from ombudsman_nlp.evaluation import evaluate_files

    return evaluate_files([DATA / "formats_gold.jsonl"], with_patterns=True).as_json()


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_scores_like_the_gold_file(capsys, gold_result, name: str) -> None:
    result, err = _evaluate(capsys, DATA / name)
    assert err == ""
    assert result["scores"]["documents"] == 2 if "documents" in result["scores"] else True
    assert result["scores"]["spans"] == gold_result["scores"]["spans"]
    assert result["patterns"] == gold_result["patterns"]


def test_pattern_report_counts_and_missed_spans(gold_result) -> None:
    spans = gold_result["scores"]["spans"]
    patterns = gold_result["patterns"]["patterns"]
    # Every predicted span is credited to one pattern: fired sums to the predicted spans.
    assert sum(p["fired"] for p in patterns.values()) == spans["micro"]["pred"]
    assert sum(p["tp"] for p in patterns.values()) == spans["micro"]["tp"]
    for entry in patterns.values():
        assert entry["tp"] + entry["fp"] == entry["fired"]
        assert entry["precision"] == pytest.approx(entry["tp"] / entry["fired"])
    missed = gold_result["patterns"]["missed"]
    for label, items in missed.items():
        assert len(items) == spans[label]["fn"]
        for item in items:
            assert item["doc_id"] in {"17-018-631", "24-009-439"}
    # A missed span is quoted from its gold record.
    gold = {
        r["id"]: r for r in map(json.loads, (DATA / "formats_gold.jsonl").open(encoding="utf-8"))
    }
    for label, items in missed.items():
        for item in items:
            record = gold[item["doc_id"]]
            assert item["text"] == record["text"][item["start"] : item["end"]]
            assert any(
                (s["start"], s["end"], s["label"]) == (item["start"], item["end"], label)
                for s in record["spans"]
            )


def test_mixed_file_reports_bad_lines_and_scores_the_rest(capsys, gold_result) -> None:
    result, err = _evaluate(capsys, DATA / "formats_mixed.jsonl")
    lines = err.strip().splitlines()
    where = [line.split(": ", 1)[0] for line in lines]
    name = str(DATA / "formats_mixed.jsonl")
    assert where == [f"{name}:2", f"{name}:3", f"{name}:4", f"{name}:4", f"{name}:4"]
    assert "invalid JSON" in lines[0]
    assert "missing 'text'" in lines[1]
    assert "out of range" in lines[2]
    assert "unknown label 'VERDICT'" in lines[3]
    assert "same label" in lines[4]
    # The two good records, with the bad spans dropped, score as the clean file does.
    assert result["scores"]["spans"] == gold_result["scores"]["spans"]
    assert result["patterns"] == gold_result["patterns"]


def test_text_report_lists_patterns_and_missed_spans(capsys) -> None:
    assert main(["evaluate", str(DATA / "formats_doccano.jsonl"), "--patterns-report"]) == 0
    out = capsys.readouterr().out
    assert "Patterns" in out and "Missed gold spans" in out
    assert "17-018-631 [" in out or "24-009-439 [" in out
