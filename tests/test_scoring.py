"""Tests of ombudsman_nlp.scoring against hand-made gold and predictions, numbers worked by hand.

tests/data/handmade_gold.jsonl holds three short decisions, handmade_pred.jsonl predictions for
the first two (the third is missing, so it counts as an empty prediction) and one record whose
id is not in the gold (ignored). Offsets used below (start, end, length):

Document 90-000-001
  gold COMPLAINT_HEAD [149,184) 35   pred same, exact                 id head_complains
  gold FAULT          [185,219) 34   pred [201,219) 18: overlap 18, 2*18=36 >= 34 and >= 18,
                                     so a match just above half (18/34 = 0.53), not exact
                                                                       id fault_at_fault
  -                                  pred FAULT [79,96) "Decision : Upheld", no gold: fp
                                                                       id fault_upheld
  gold INJUSTICE      [220,256) 36   pred same offsets but NO_INJUSTICE: wrong label, so
                                     INJUSTICE fn and NO_INJUSTICE fp  id no_inj_caused
  gold REMEDY_PAYMENT [294,298) 4    pred same, exact                 id money
Document 90-000-002
  gold COMPLAINT_HEAD [94,118) 24    pred same, exact                 id head_list
  gold COMPLAINT_HEAD [126,156) 30   pred [142,156) 14: 2*14=28 < 30, just below half: no
                                     match, so fp and fn              id says
  gold CLAIMED_INJ.   [159,190) 31   pred same, exact                 id says
  gold NO_FAULT       [204,257) 53   pred same, exact                 id no_fault
  gold FAULT          [258,305) 47   pred [258,336) 78 (whole sentence): overlap 47,
                                     2*47=94 >= 47 and >= 78: match, not exact  id fault_clause
  gold NO_INJUSTICE   [311,336) 25   pred same, exact                 id no_inj_caused
  gold FAULT          [337,433) 96   pred same, exact                 id fault_at_fault
  gold INJUSTICE      [337,433) 96   not predicted: fn
  gold REMEDY_PAYMENT [488,491) 3    pred same, exact                 id money
  gold REMEDY_PAYMENT [526,533) 7    pred same, exact                 no id -> "(none)"
Document 90-000-003 (no prediction)
  gold COMPLAINT_HEAD [67,100) 33    fn
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ombudsman_nlp.scoring import (
    LABELS,
    format_pattern_report,
    format_report,
    match_spans,
    pattern_report,
    score,
)

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parent.parent


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    return load(DATA / "handmade_gold.jsonl")


@pytest.fixture(scope="module")
def pred() -> list[dict]:
    return load(DATA / "handmade_pred.jsonl")


@pytest.fixture(scope="module")
def scores(gold, pred) -> dict:
    return score(gold, pred)


def approx(x: float):
    return pytest.approx(x, abs=1e-12)


def test_fixture_offsets_match_text(gold, pred):
    for record in gold:
        for span in record["spans"]:
            assert record["text"][span["start"] : span["end"]] == span["text"]
    pred_by_id = {r["id"]: r for r in pred}
    for record in gold:
        for span in pred_by_id.get(record["id"], {}).get("spans", []):
            assert record["text"][span["start"] : span["end"]] == span["text"]


def test_handmade_spans_per_label(scores):
    s = scores["spans"]
    assert list(s) == [*LABELS, "micro"]

    # COMPLAINT_HEAD: gold 1 + 2 + 1 = 4, pred 1 + 2 = 3; matches: D1 exact, D2 [94,118) exact;
    # D2 [142,156) below half -> fp 1; missed D2 [126,156) and D3 -> fn 2.
    ch = s["COMPLAINT_HEAD"]
    assert (ch["tp"], ch["fp"], ch["fn"], ch["gold"], ch["pred"]) == (2, 1, 2, 4, 3)
    assert ch["precision"] == approx(2 / 3)  # 2 / (2 + 1)
    assert ch["recall"] == approx(0.5)  # 2 / (2 + 2)
    assert ch["f1"] == approx(4 / 7)  # 2*2 / (2*2 + 1 + 2)
    assert ch["exact"] == approx(1.0)  # 2 exact of 2 matches

    # FAULT: gold 1 + 2 = 3, pred 2 + 2 = 4; matches: D1 partial (18/34), D2 sentence (47 of 78),
    # D2 exact; fp: "Decision : Upheld".
    f = s["FAULT"]
    assert (f["tp"], f["fp"], f["fn"], f["gold"], f["pred"]) == (3, 1, 0, 3, 4)
    assert f["precision"] == approx(0.75)  # 3 / 4
    assert f["recall"] == approx(1.0)  # 3 / 3
    assert f["f1"] == approx(6 / 7)  # 6 / (6 + 1 + 0)
    assert f["exact"] == approx(1 / 3)  # only [337,433) exact

    nf = s["NO_FAULT"]
    assert (nf["tp"], nf["fp"], nf["fn"], nf["gold"], nf["pred"]) == (1, 0, 0, 1, 1)
    assert (nf["precision"], nf["recall"], nf["f1"], nf["exact"]) == (1.0, 1.0, 1.0, 1.0)

    # INJUSTICE: gold 2 (D1, D2), none predicted with this label -> all ratios 0.0 by convention
    # (precision 0/0 -> 0.0, exact 0/0 -> 0.0).
    inj = s["INJUSTICE"]
    assert (inj["tp"], inj["fp"], inj["fn"], inj["gold"], inj["pred"]) == (0, 0, 2, 2, 0)
    assert (inj["precision"], inj["recall"], inj["f1"], inj["exact"]) == (0.0, 0.0, 0.0, 0.0)

    # NO_INJUSTICE: gold 1 (D2), pred 2 (D1 wrong label, D2 exact).
    ni = s["NO_INJUSTICE"]
    assert (ni["tp"], ni["fp"], ni["fn"], ni["gold"], ni["pred"]) == (1, 1, 0, 1, 2)
    assert ni["precision"] == approx(0.5)  # 1 / 2
    assert ni["recall"] == approx(1.0)
    assert ni["f1"] == approx(2 / 3)  # 2 / (2 + 1 + 0)
    assert ni["exact"] == approx(1.0)

    ci = s["CLAIMED_INJUSTICE"]
    assert (ci["tp"], ci["fp"], ci["fn"], ci["gold"], ci["pred"]) == (1, 0, 0, 1, 1)

    rp = s["REMEDY_PAYMENT"]
    assert (rp["tp"], rp["fp"], rp["fn"], rp["gold"], rp["pred"]) == (3, 0, 0, 3, 3)
    assert (rp["precision"], rp["recall"], rp["f1"], rp["exact"]) == (1.0, 1.0, 1.0, 1.0)

    # micro: tp 2+3+1+0+1+1+3 = 11, fp 1+1+0+0+1+0+0 = 3, fn 2+0+0+2+0+0+0 = 4,
    # gold 4+3+1+2+1+1+3 = 15, pred 3+4+1+0+2+1+3 = 14, exact 2+1+1+0+1+1+3 = 9.
    m = s["micro"]
    assert (m["tp"], m["fp"], m["fn"], m["gold"], m["pred"]) == (11, 3, 4, 15, 14)
    assert m["precision"] == approx(11 / 14)
    assert m["recall"] == approx(11 / 15)
    assert m["f1"] == approx(22 / 29)  # 22 / (22 + 3 + 4)
    assert m["exact"] == approx(9 / 11)


def test_handmade_remedies(scores):
    # D1: gold {300.00}; pred 300.0 and 300 (same amount twice) -> {300.00}: tp 1.
    # D2: gold 75 (Mrs Y), 75 (Mr Z), 120.5 -> {75.00, 120.50}; pred 120.504 -> 120.50, 75, 40
    #     -> {120.50, 75.00, 40.00}: tp 2, fp 1 (40).  D3: nothing on either side.
    # tp 3, fp 1, fn 0 -> P 3/4, R 1, F1 6/7.
    # purpose over matched amounts, first entry per amount on each side:
    #   300: distress / distress (the second pred 300, time_and_trouble, is ignored) -> right
    #   75: distress / distress -> right; 120.50: financial_loss / distress -> wrong  => 2/3.
    r = scores["remedies"]
    assert (r["tp"], r["fp"], r["fn"]) == (3, 1, 0)
    assert r["precision"] == approx(0.75)
    assert r["recall"] == approx(1.0)
    assert r["f1"] == approx(6 / 7)
    assert r["purpose_n"] == 3
    assert r["purpose_accuracy"] == approx(2 / 3)


def test_handmade_metadata(scores):
    md = scores["metadata"]
    # organisation: D1 "  example borough COUNCIL " == "Example Borough Council" after strip +
    # casefold; D2 equal; D3 no prediction -> 2 of 3.
    assert md["organisation"] == {
        "accuracy": approx(2 / 3),
        "n": 3,
        "correct": 2,
        "predicted_where_gold_null": 0,
    }
    # reference: D1, D2 equal; D3 missing -> 2 of 3.
    assert md["reference"] == {
        "accuracy": approx(2 / 3),
        "n": 3,
        "correct": 2,
        "predicted_where_gold_null": 0,
    }
    # category: gold only in D1 (pred null -> wrong); D2 gold null, pred "Adult care services"
    # -> counted as predicted where gold is null; D3 both null.
    assert md["category"] == {
        "accuracy": 0.0,
        "n": 1,
        "correct": 0,
        "predicted_where_gold_null": 1,
    }
    # outcome: D1 "Upheld" == "Upheld"; D2 "upheld" == "Upheld" (case); D3 gold null.
    assert md["outcome"] == {"accuracy": 1.0, "n": 2, "correct": 2, "predicted_where_gold_null": 0}
    # decision_date: only D1 has gold, 2025-01-16 != 2025-01-15.
    assert md["decision_date"] == {
        "accuracy": 0.0,
        "n": 1,
        "correct": 0,
        "predicted_where_gold_null": 0,
    }


def test_handmade_overall_actions_documents(scores):
    # fault: D1 fault/fault, D2 fault/fault, D3 gold null (not counted) -> 2/2.
    # injustice: D1 injustice/no_injustice wrong, D2 right, D3 null -> 1/2.
    assert scores["overall"] == {
        "fault": {"accuracy": 1.0, "n": 2},
        "injustice": {"accuracy": 0.5, "n": 2},
    }
    # D1 gold {apology, service_improvement}, pred ["apology", {"kind": "service_improvement"}]
    #    -> tp 2;  D2 gold {reconsider}, pred [{"kind": "reconsider"}, "apology"] -> tp 1, fp 1;
    # D3 nothing.  tp 3, fp 1, fn 0 -> P 3/4, R 1, F1 6/7.
    a = scores["actions"]
    assert (a["tp"], a["fp"], a["fn"]) == (3, 1, 0)
    assert a["precision"] == approx(0.75)
    assert a["recall"] == approx(1.0)
    assert a["f1"] == approx(6 / 7)
    # three gold documents; the predicted record 99-999-999 is not in the gold and is ignored.
    assert scores["documents"] == 3
    assert scores["text_mismatch"] == []


def test_scores_are_json_serialisable(scores):
    assert json.loads(json.dumps(scores)) == scores


def _all_ratios_one(scores: dict) -> None:
    for label, s in scores["spans"].items():
        if s["gold"]:
            assert (s["precision"], s["recall"], s["f1"], s["exact"]) == (1.0, 1.0, 1.0, 1.0), label
            assert (s["fp"], s["fn"]) == (0, 0), label
    assert scores["spans"]["micro"]["f1"] == 1.0
    r = scores["remedies"]
    if r["tp"]:
        assert (r["precision"], r["recall"], r["f1"], r["purpose_accuracy"]) == (1.0,) * 4
    for field, m in scores["metadata"].items():
        assert m["predicted_where_gold_null"] == 0, field
        if m["n"]:
            assert m["accuracy"] == 1.0, field
    for field, o in scores["overall"].items():
        if o["n"]:
            assert o["accuracy"] == 1.0, field
    a = scores["actions"]
    if a["tp"]:
        assert (a["precision"], a["recall"], a["f1"]) == (1.0, 1.0, 1.0)


def test_gold_against_itself_is_perfect(gold):
    scores = score(gold, gold)
    # the hand-made gold has every label, remedies, actions and non-null metadata, so every
    # ratio in the report is 1.0
    assert all(scores["spans"][label]["gold"] > 0 for label in LABELS)
    assert all(m["n"] > 0 for m in scores["metadata"].values())
    assert all(o["n"] > 0 for o in scores["overall"].values())
    assert scores["remedies"]["tp"] > 0 and scores["actions"]["tp"] > 0
    _all_ratios_one(scores)


@pytest.mark.parametrize("name", ["seeds.jsonl", "dev.jsonl"])
def test_bundled_gold_against_itself_is_perfect(name):
    records = load(REPO / "training" / name)
    _all_ratios_one(score(records, records))


# --------------------------------------------------------------------------- matching


def _naive_first_come(gold, pred):
    """Each gold span in turn takes the first free predicted span that qualifies."""
    used, pairs = set(), []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            ov = max(0, min(g[1], p[1]) - max(g[0], p[0]))
            ok = ov > 0 and 2 * ov >= g[1] - g[0] and 2 * ov >= p[1] - p[0]
            if ok and pi not in used:
                used.add(pi)
                pairs.append((gi, pi))
                break
    return pairs


def test_greedy_largest_overlap_first_beats_first_come():
    # gold G1 [0,10), G2 [6,16); pred P1 [4,14), P2 [0,8).
    # G1-P1 overlap 6 (>= 5, >= 5) ok; G1-P2 overlap 8 (>= 5, >= 4) ok;
    # G2-P1 overlap 8 (>= 5, >= 5) ok; G2-P2 overlap 2 (< 5) no.
    # First come: G1 takes P1, G2 is left with P2 (no) -> 1 match.
    # Largest first: overlap 8 ties G1-P2 / G2-P1 -> both taken; G1-P1 (6) skipped -> 2 matches.
    gold = [(0, 10, 0), (6, 16, 1)]
    pred = [(4, 14, 0), (0, 8, 1)]
    assert _naive_first_come(gold, pred) == [(0, 0)]
    assert sorted(match_spans(gold, pred)) == [(0, 1), (1, 0)]

    def record(spans):
        return {
            "id": "g",
            "spans": [{"start": s, "end": e, "label": "FAULT", "text": ""} for s, e, _ in spans],
        }

    f = score([record(gold)], [record(pred)])["spans"]["FAULT"]
    assert (f["tp"], f["fp"], f["fn"], f["exact"]) == (2, 0, 0, 0.0)


def test_largest_overlap_wins_even_when_listed_later():
    # gold G [0,10); pred P1 [0,6) overlap 6, P2 [0,9) overlap 9: P2 is taken, P1 is an fp,
    # whichever order they come in.
    gold = [(0, 10, 0)]
    assert match_spans(gold, [(0, 6, 0), (0, 9, 1)]) == [(0, 1)]
    assert match_spans(gold, [(0, 9, 0), (0, 6, 1)]) == [(0, 0)]


def test_half_of_each_boundaries():
    g = [(0, 10, 0)]
    assert match_spans(g, [(5, 10, 0)]) == [(0, 0)]  # overlap 5 = half of 10, all of 5
    assert match_spans(g, [(6, 10, 0)]) == []  # overlap 4 < 5
    assert match_spans(g, [(0, 20, 0)]) == [(0, 0)]  # overlap 10 = half of the pred's 20
    assert match_spans(g, [(0, 21, 0)]) == []  # overlap 10 < half of 21
    assert match_spans(g, [(10, 15, 0)]) == []  # touching, no overlap
    assert match_spans([(3, 3, 0)], [(3, 3, 0)]) == []  # empty spans never match


def test_labels_must_agree_and_other_labels_are_counted():
    gold = [{"id": "a", "spans": [{"start": 0, "end": 5, "label": "FAULT", "text": ""}]}]
    pred = [{"id": "a", "spans": [{"start": 0, "end": 5, "label": "FAULTY", "text": ""}]}]
    s = score(gold, pred)["spans"]
    assert (s["FAULT"]["tp"], s["FAULT"]["fn"]) == (0, 1)
    assert list(s)[-2:] == ["FAULTY", "micro"]
    assert (s["FAULTY"]["fp"], s["micro"]["fp"], s["micro"]["fn"]) == (1, 1, 1)


spans_strategy = st.lists(
    st.tuples(st.integers(0, 60), st.integers(1, 25)).map(lambda t: (t[0], t[0] + t[1])),
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(gold=spans_strategy, pred=spans_strategy, seed=st.integers(0, 2**32 - 1))
def test_matching_properties(gold, pred, seed):
    g = [(s, e, i) for i, (s, e) in enumerate(gold)]
    p = [(s, e, i) for i, (s, e) in enumerate(pred)]
    pairs = match_spans(g, p)
    assert len({gi for gi, _ in pairs}) == len(pairs) == len({pi for _, pi in pairs})
    for gi, pi in pairs:
        a, b = g[gi], p[pi]
        ov = min(a[1], b[1]) - max(a[0], b[0])
        assert 2 * ov >= a[1] - a[0] and 2 * ov >= b[1] - b[0]
    # the number of matches does not depend on the order of the predicted spans
    shuffled = p[:]
    random.Random(seed).shuffle(shuffled)
    assert len(match_spans(g, shuffled)) == len(pairs)
    # a list matched against itself matches every span
    assert len(match_spans(g, g)) == len(g)


# --------------------------------------------------------------------------- records


def test_missing_prediction_counts_as_empty(gold):
    s = score(gold, [])
    assert s["documents"] == 3
    assert s["spans"]["micro"]["tp"] == 0
    assert s["spans"]["micro"]["fn"] == 15
    assert s["remedies"]["fn"] == 3  # {300} + {75, 120.50}
    assert s["metadata"]["organisation"]["correct"] == 0
    assert s["actions"]["fn"] == 3


def test_duplicate_ids_raise(gold):
    with pytest.raises(ValueError, match="90-000-002"):
        score(gold, [gold[1], gold[1]])
    with pytest.raises(ValueError, match="90-000-001"):
        score([gold[0], gold[0]], [])


def test_bad_action_and_amount_raise():
    with pytest.raises(ValueError, match="doc"):
        score([{"id": "doc", "actions": [{"text": "no kind"}]}], [])
    with pytest.raises(ValueError, match="doc"):
        score([{"id": "doc"}], [{"id": "doc", "remedies": [{"amount": "lots"}]}])


def test_extra_keys_and_missing_sections_are_tolerated():
    gold = [{"id": "a", "metadata": {"outcome": "Upheld"}, "actions": []}]
    pred = [{"id": "a", "anything": 1, "metadata": {"outcome": " UPHELD\n", "extra": "x"}}]
    s = score(gold, pred)
    assert s["metadata"]["outcome"] == {
        "accuracy": 1.0,
        "n": 1,
        "correct": 1,
        "predicted_where_gold_null": 0,
    }
    assert s["remedies"]["tp"] == s["actions"]["tp"] == 0


def test_text_mismatch_is_reported(gold):
    changed = dict(gold[0], text=gold[0]["text"] + " ")
    s = score(gold[:1], [changed])
    assert s["text_mismatch"] == ["90-000-001"]
    assert "WARNING" in format_report(s)


def test_format_report(scores):
    report = format_report(scores)
    lines = report.splitlines()
    # label  P  R  F1  exact  gold  pred
    fault = next(line for line in lines if line.startswith("FAULT "))
    assert fault.split() == ["FAULT", "0.750", "1.000", "0.857", "0.333", "3", "4"]
    micro = next(line for line in lines if line.startswith("micro"))
    assert micro.split() == ["micro", "0.786", "0.733", "0.759", "0.818", "15", "14"]
    assert "purpose accuracy 0.667 over 3 matched amounts" in report
    category = next(line for line in lines if line.strip().startswith("category"))
    assert category.split() == ["category", "0.000", "0", "1", "1"]
    assert "injustice        accuracy 0.500 (n 2)" in report
    assert "Actions" in report and "P 0.750  R 1.000  F1 0.857" in report
    assert "WARNING" not in report


# --------------------------------------------------------------------------- patterns


def test_pattern_report(gold, pred):
    report = pattern_report(gold, pred)
    p = report["patterns"]

    def row(pattern):
        e = p[pattern]
        return e["labels"], e["fired"], e["tp"], e["fp"], e["precision"]

    assert row("head_complains") == (["COMPLAINT_HEAD"], 1, 1, 0, 1.0)
    assert row("head_list") == (["COMPLAINT_HEAD"], 1, 1, 0, 1.0)
    # "says": D2 head [142,156) below half (fp) and D2 claimed injustice (tp) -> 1/2
    assert row("says") == (["CLAIMED_INJUSTICE", "COMPLAINT_HEAD"], 2, 1, 1, 0.5)
    # D1 partial 18/34 (tp) and D2 exact [337,433) (tp)
    assert row("fault_at_fault") == (["FAULT"], 2, 2, 0, 1.0)
    assert row("fault_clause") == (["FAULT"], 1, 1, 0, 1.0)
    assert row("fault_upheld") == (["FAULT"], 1, 0, 1, 0.0)
    assert row("no_fault") == (["NO_FAULT"], 1, 1, 0, 1.0)
    # D1 wrong label (fp) and D2 exact (tp)
    assert row("no_inj_caused") == (["NO_INJUSTICE"], 2, 1, 1, 0.5)
    assert row("money") == (["REMEDY_PAYMENT"], 2, 2, 0, 1.0)
    assert row("(none)") == (["REMEDY_PAYMENT"], 1, 1, 0, 1.0)
    # fired 1+1+2+2+1+1+1+2+2+1 = 14 = predicted spans; tp 11 and fp 3 as in score()
    assert sum(e["fired"] for e in p.values()) == 14
    assert sum(e["tp"] for e in p.values()) == 11
    assert sum(e["fp"] for e in p.values()) == 3

    text2 = "The Council cut her care without a reassessment, which was fault causing Mrs Y and "
    assert report["missed"] == {
        "COMPLAINT_HEAD": [
            {
                "doc_id": "90-000-002",
                "start": 126,
                "end": 156,
                "text": "the Council was slow to reply.",
            },
            {
                "doc_id": "90-000-003",
                "start": 67,
                "end": 100,
                "text": "the Council lost his application.",
            },
        ],
        "INJUSTICE": [
            {
                "doc_id": "90-000-001",
                "start": 220,
                "end": 256,
                "text": "This caused Mr X avoidable distress.",
            },
            {"doc_id": "90-000-002", "start": 337, "end": 433, "text": text2 + "Mr Z anxiety."},
        ],
    }
    assert json.loads(json.dumps(report)) == report


def test_format_pattern_report(gold, pred):
    text = format_pattern_report(pattern_report(gold, pred))
    lines = text.splitlines()
    first = [line.split()[0] for line in lines[3:13]]
    # fp 1 first, by id; then fp 0 by id ("(" sorts before letters)
    assert first == [
        "fault_upheld",
        "no_inj_caused",
        "says",
        "(none)",
        "fault_at_fault",
        "fault_clause",
        "head_complains",
        "head_list",
        "money",
        "no_fault",
    ]
    assert lines[3].split() == ["fault_upheld", "FAULT", "1", "0", "1", "0.000"]
    assert "COMPLAINT_HEAD (2)" in text and "INJUSTICE (2)" in text
    assert "  90-000-003 [67:100] the Council lost his application." in lines
    # the 96-character missed INJUSTICE span fits; a longer one is cut to 100 characters
    long = {
        "patterns": {},
        "missed": {"FAULT": [{"doc_id": "d", "start": 0, "end": 300, "text": "word\nword " * 30}]},
    }
    cut = format_pattern_report(long).splitlines()[-1]
    assert cut.startswith("  d [0:300] word word") and cut.endswith("…")
    assert len(cut) == len("  d [0:300] ") + 100
