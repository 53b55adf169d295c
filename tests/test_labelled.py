"""Tests of ombudsman_nlp.labelled: gold, Prodigy, doccano and DocBin inputs.

Fixtures in tests/data/labelled/ are real LGSCO decision text (see tests/data/README.md)
with hand-placed spans; the DocBin is written by the tests.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc, DocBin, Span

from ombudsman_nlp.labelled import (
    LoadIssue,
    detect_format,
    detect_record_format,
    read_labelled,
)

DATA = Path(__file__).parent / "data" / "labelled"
GOLD = DATA / "gold.jsonl"
PRODIGY = DATA / "prodigy.jsonl"
DOCCANO = DATA / "doccano.jsonl"

SUMMARY_792 = (
    "Summary: We find fault with the way the Council handled Mr B’s request to progress his "
    "complaint to stage two of the children’s services statutory complaints process. This "
    "means Mr B was denied an independent investigation. The Council agrees actions to remedy "
    "the injustice."
)
FAULT_792 = SUMMARY_792[9 : SUMMARY_792.index(" This means")]
INJUSTICE_792 = "This means Mr B was denied an independent investigation."
PAYMENTS = (
    "The Council has agreed to pay £300 to remedy the distress caused by the Council’s faults "
    "(excluding the data breach) and a further to £200 to compensate Miss X for her time and "
    "trouble in bringing the complaint."
)


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def issue_strings(issues: list[LoadIssue]) -> list[str]:
    return [str(issue) for issue in issues]


def write_jsonl(path: Path, records: list) -> Path:
    path.write_text(
        "".join(
            (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records
        ),
        encoding="utf-8",
    )
    return path


# ------------------------------------------------------------------------------ detect


def test_detect_format_of_fixtures(tmp_path):
    assert detect_format(GOLD) == "gold"
    assert detect_format(PRODIGY) == "prodigy"
    assert detect_format(str(DOCCANO)) == "doccano"
    nlp = spacy.blank("en")
    db = DocBin(attrs=[], store_user_data=True)
    db.add(nlp("text"))
    db.to_disk(tmp_path / "train.spacy")
    (tmp_path / "train.bin").write_bytes(db.to_bytes())
    assert detect_format(tmp_path / "train.spacy") == "docbin"
    assert detect_format(tmp_path / "train.bin") == "docbin"  # found by its zlib header


def test_detect_format_needs_a_record(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("\n[1, 2]\nnot json\n", encoding="utf-8")
    with pytest.raises(ValueError, match="empty.jsonl: cannot detect the format"):
        detect_format(path)


@pytest.mark.parametrize(
    ("record", "fmt"),
    [
        ({"id": "x", "text": "t", "spans": [], "metadata": {}}, "gold"),
        ({"text": "t", "spans": []}, "gold"),
        ({"text": "t"}, "gold"),
        ({"text": "t", "spans": [], "answer": "accept"}, "prodigy"),
        ({"text": "t", "spans": [], "_input_hash": 1}, "prodigy"),
        ({"text": "t", "spans": [], "tokens": []}, "prodigy"),
        ({"text": "t", "spans": [], "meta": {"id": "a"}}, "prodigy"),
        ({"text": "t", "label": [[0, 1, "FAULT"]]}, "doccano"),
        ({"text": "t", "labels": []}, "doccano"),
        ({"text": "t", "entities": [], "relations": []}, "doccano"),
    ],
)
def test_detect_record_format(record, fmt):
    assert detect_record_format(record) == fmt


# -------------------------------------------------------------------------------- gold


def test_gold_good_records_come_back_unchanged():
    records, _ = read_labelled(GOLD)
    assert [r["id"] for r in records] == ["24-001-148", "24-013-077", "20-003-139", "20-003-792"]
    first = json.loads(lines(GOLD)[0])
    assert records[0] == first
    assert records[0]["spans"][2] == {
        "start": 422,
        "end": 428,
        "label": "REMEDY_PAYMENT",
        "text": "£4,724",
    }
    assert records[0]["metadata"]["reference"] == "24 001 148"
    assert records[0]["remedies"] == [
        {"amount": 4724.0, "payee": "Mr X", "purpose": "financial_loss"}
    ]
    assert records[0]["overall"] == {"fault": "fault", "injustice": "injustice"}
    assert records[0]["actions"] == ["apology"]


def test_gold_spans_of_different_labels_may_overlap():
    records, _ = read_labelled(GOLD)
    sentence = "There is fault by the Council, which has caused injustice."
    assert records[2]["spans"] == [
        {"start": 273, "end": 331, "label": "FAULT", "text": sentence},
        {"start": 273, "end": 331, "label": "INJUSTICE", "text": sentence},
    ]


def test_gold_each_kind_of_bad_span_is_reported_and_dropped():
    records, issues = read_labelled(GOLD)
    record = records[1]
    assert record["id"] == "24-013-077"
    assert set(record) == {
        "id",
        "source",
        "complete",
        "text",
        "metadata",
        "spans",
        "remedies",
        "overall",
        "actions",
    }
    text = record["text"]
    assert len(text) == 755
    # Span 1 had a leading space: trimmed and kept; span 2 kept as it was.
    assert record["spans"] == [
        {
            "start": 82,
            "end": 257,
            "label": "FAULT",
            "text": text[82:257],
        },
        {
            "start": 616,
            "end": 676,
            "label": "CLAIMED_INJUSTICE",
            "text": "Mr X says the matter has caused him and his family distress.",
        },
    ]
    assert text[81] == " " and text[82:].startswith("We upheld this complaint")
    where = f"{GOLD}:2"
    line2 = [str(i) for i in issues if i.source == where]
    assert line2 == [
        f"{where}: span 3 FAULT [745:770]: offsets out of range for a text of 755 characters; "
        "dropped",
        f'{where}: span 4 COMPLAINT_HEAD [397:419]: not on token boundaries: "the Stage 3 review '
        'pan"; nearest tokens: "the Stage 3 review panel"; dropped',
        f"{where}: span 5 OUTCOME [82:106]: unknown label 'OUTCOME'; dropped",
        f"{where}: span 6 FAULT [82:106]: overlaps span [82:257] of the same label, kept the "
        "first; dropped",
        f"{where}: span 7 COMPLAINT_HEAD [397:613]: 'text' \"the Stage 2 review panel, com…amily "
        'during the CIN process." does not match the slice "the Stage 3 review panel, com…amily '
        'during the CIN process."; dropped',
        f"{where}: span 8: missing 'label'; dropped",
        f"{where}: span 9: offsets must be integers, got '616', 676; dropped",
        f"{where}: span 10 CLAIMED_INJUSTICE [616:676]: duplicates span [616:676] of the same "
        "label, kept the first; dropped",
    ]


def test_gold_bad_lines_do_not_stop_the_rest():
    records, issues = read_labelled(GOLD)
    others = [i for i in issues if i.source != f"{GOLD}:2"]
    assert others == [
        LoadIssue(
            f"{GOLD}:4", "invalid JSON: Unterminated string starting at column 29; line skipped"
        ),
        LoadIssue(f"{GOLD}:5", "missing 'text'; record skipped"),
        LoadIssue(f"{GOLD}:7", "no 'spans' field; record read with no spans"),
    ]
    last = records[-1]
    assert last["id"] == "20-003-792"
    assert last["spans"] == []
    assert last["metadata"]["decision_date"] == "2021-01-21"
    assert last["text"].startswith("Staffordshire County Council (20 003 792)\n\nCategory")


def test_span_text_mismatch_hints_at_the_right_offsets(tmp_path):
    text = "Summary: Mr X suffered avoidable distress. The Council should pay Mr X £4,724."
    path = write_jsonl(
        tmp_path / "shifted.jsonl",
        [
            {
                "id": "a",
                "text": text,
                "spans": [{"start": 72, "end": 78, "label": "REMEDY_PAYMENT", "text": "£4,724"}],
            }
        ],
    )
    records, issues = read_labelled(path)
    assert records == [{"id": "a", "text": text, "spans": []}]
    assert issue_strings(issues) == [
        f"{path}:1: span 1 REMEDY_PAYMENT [72:78]: 'text' \"£4,724\" does not match the slice "
        '"4,724." (that text is at [71:77]); dropped'
    ]


def test_malformed_records_and_spans(tmp_path):
    text = "The Council is at fault, has caused injustice and has agreed financial remedies."
    path = write_jsonl(
        tmp_path / "odd.jsonl",
        [
            {"id": "list", "text": text, "spans": "FAULT"},
            {
                "id": "items",
                "text": text,
                "spans": [["0", "10"], {"start": 0, "end": 3, "label": ""}],
            },
            {"id": "space", "text": text, "spans": [{"start": 24, "end": 25, "label": "FAULT"}]},
            {"id": "float", "text": text, "spans": [{"start": 0.0, "end": 23, "label": "FAULT"}]},
            {"id": "number", "text": 7, "spans": []},
            {"id": "empty", "text": "", "spans": []},
            "[1, 2, 3]",
            {"id": "null-spans", "text": text, "spans": None},
        ],
    )
    latin1 = b'{"id": "latin", "text": "caf\xe9"}\n'
    with path.open("ab") as handle:
        handle.write(latin1)
    records, issues = read_labelled(path)
    assert [r["id"] for r in records] == ["list", "items", "space", "float", "null-spans"]
    assert all(r["spans"] == [] for r in records)
    assert issue_strings(issues) == [
        f"{path}:1: 'spans' must be a list; record read with no spans",
        f"{path}:2: span 1: expected an object with start, end and label; dropped",
        f"{path}:2: span 2 [0:3]: label must be a non-empty string; dropped",
        f"{path}:3: span 1 FAULT [24:25]: span holds only white space; dropped",
        f"{path}:4: span 1: offsets must be integers, got 0.0, 23; dropped",
        f"{path}:5: 'text' must be a string, not int; record skipped",
        f"{path}:6: empty 'text'; record skipped",
        f"{path}:7: expected a JSON object; line skipped",
        f"{path}:9: not valid UTF-8 (byte {latin1.index(0xE9)}); line skipped",
    ]


def test_labels_argument(tmp_path):
    records, issues = read_labelled(PRODIGY, labels={"REMEDY_PAYMENT", "PAYEE"})
    assert [s["label"] for s in records[1]["spans"]] == ["PAYEE", "REMEDY_PAYMENT"]
    assert f"{PRODIGY}:1: span 1 FAULT [178:335]: unknown label 'FAULT'; dropped" in issue_strings(
        issues
    )


def test_tokenizer_of_the_pipeline_decides_boundaries(tmp_path):
    # spaCy's English suffix rules keep "Y." one token (an initial): a head ending at "Mrs Y"
    # is then off a token boundary, unless the pipeline's tokenizer splits the full stop off.
    text = "- The care workers were not properly trained to use the equipment provided to Mrs Y.\n"
    path = write_jsonl(
        tmp_path / "heads.jsonl",
        [{"id": "h", "text": text, "spans": [{"start": 2, "end": 83, "label": "COMPLAINT_HEAD"}]}],
    )
    records, issues = read_labelled(path)
    assert records[0]["spans"] == []
    assert "not on token boundaries" in issues[0].message
    nlp = spacy.blank("en")
    nlp.tokenizer.suffix_search = re.compile(r"\.$").search
    records, issues = read_labelled(path, nlp=nlp)
    assert issues == []
    assert records[0]["spans"][0]["text"].endswith("provided to Mrs Y")


def test_duplicate_ids_are_reported(tmp_path):
    path = write_jsonl(
        tmp_path / "dupes.jsonl",
        [
            {"id": "24-001-148", "text": "a", "spans": []},
            {"id": "24-001-148", "text": "b", "spans": []},
        ],
    )
    records, issues = read_labelled(path)
    assert [r["text"] for r in records] == ["a", "b"]
    assert issue_strings(issues) == [
        f"{path}:2: duplicate id '24-001-148' (first at {path}:1); both kept"
    ]


def test_missing_path_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_labelled(tmp_path / "nope.jsonl")
    with pytest.raises(IsADirectoryError):
        read_labelled(tmp_path)


# ----------------------------------------------------------------------------- prodigy


def test_prodigy():
    records, issues = read_labelled(PRODIGY)
    # Lines 2 and 3 are answered "reject" and "ignore": skipped without an issue.
    assert [r["id"] for r in records] == ["20-003-792", "123456789", "prodigy:5"]
    first = records[0]
    assert first == {
        "id": "20-003-792",  # from meta.id
        "text": first["text"],
        "spans": [
            {"start": 178, "end": 335, "label": "FAULT", "text": FAULT_792},
            {"start": 336, "end": 392, "label": "INJUSTICE", "text": INJUSTICE_792},
        ],
    }
    assert SUMMARY_792 in first["text"]
    assert records[1]["spans"] == [
        {"start": 9, "end": 13, "label": "REMEDY_PAYMENT", "text": "£100"}
    ]
    assert [s["text"] for s in records[2]["spans"]] == ["£300", "£200"]
    assert issue_strings(issues) == [
        f'{PRODIGY}:4: span 2 REMEDY_PAYMENT [9:12]: not on token boundaries: "£10"; nearest '
        'tokens: "£100"; dropped',
        f"{PRODIGY}:4: span 3 PAYEE [4:8]: unknown label 'PAYEE'; dropped",
    ]


# ----------------------------------------------------------------------------- doccano


def test_doccano():
    records, issues = read_labelled(DOCCANO)
    assert [r["id"] for r in records] == ["1", "2", "3", "doccano:4"]
    assert [(s["start"], s["end"], s["label"]) for s in records[0]["spans"]] == [
        (178, 335, "FAULT"),
        (336, 392, "INJUSTICE"),
    ]
    assert records[0]["spans"][1]["text"] == INJUSTICE_792
    assert records[1]["text"] == PAYMENTS
    assert records[1]["spans"] == [
        {"start": 30, "end": 34, "label": "REMEDY_PAYMENT", "text": "£300"},
        {"start": 134, "end": 138, "label": "REMEDY_PAYMENT", "text": "£200"},
    ]
    assert records[2]["spans"] == [records[1]["spans"][1]]  # from "entities"
    assert records[3]["spans"] == [
        {
            "start": 21,
            "end": 112,
            "label": "COMPLAINT_HEAD",
            "text": "the Councils actions when his children were subject of a child in need "
            "assessment and plan.",
        }
    ]
    assert issue_strings(issues) == [
        f"{DOCCANO}:2: span 2: 'labels' entry: expected [start, end, label], got [0, 5]; dropped",
        f"{DOCCANO}:2: span 3 FAULT [-1:4]: offsets out of range for a text of 211 characters; "
        "dropped",
        f"{DOCCANO}:4: span 2 COMPLAINT_HEAD [47:102]: overlaps span [21:112] of the same label, "
        "kept the first; dropped",
    ]


def test_mixed_formats_in_one_file(tmp_path):
    text = "The Council should pay Mr X £4,724."
    path = write_jsonl(
        tmp_path / "mixed.jsonl",
        [
            {
                "id": "g",
                "text": text,
                "spans": [{"start": 28, "end": 34, "label": "REMEDY_PAYMENT"}],
                "metadata": {},
            },
            {
                "text": text,
                "_input_hash": 5,
                "answer": "accept",
                "spans": [{"start": 28, "end": 34, "label": "REMEDY_PAYMENT"}],
            },
            {"id": 9, "text": text, "label": [[28, 34, "REMEDY_PAYMENT"]]},
            {"text": text, "_input_hash": 6, "answer": "reject", "spans": []},
        ],
    )
    records, issues = read_labelled(path)
    assert issues == []
    assert [r["id"] for r in records] == ["g", "5", "9"]
    assert all(
        r["spans"] == [{"start": 28, "end": 34, "label": "REMEDY_PAYMENT", "text": "£4,724"}]
        for r in records
    )
    assert records[0]["metadata"] == {}


# ------------------------------------------------------------------------------ DocBin


@pytest.fixture
def doc_extensions():
    """doc._.doc_id and doc._.overall as the library's pipeline sets them; removed after
    the test unless they were there before."""
    added = [name for name in ("doc_id", "overall") if not Doc.has_extension(name)]
    for name in added:
        Doc.set_extension(name, default=None)
    yield
    for name in added:
        Doc.remove_extension(name)


def test_docbin(tmp_path, doc_extensions):
    nlp = spacy.blank("en")
    db = DocBin(attrs=[], store_user_data=True)

    doc = nlp(SUMMARY_792)
    fault = doc.char_span(178 - 169, 335 - 169, label="FAULT")
    injustice = doc.char_span(336 - 169, 392 - 169, label="INJUSTICE")
    doc.spans["findings"] = [fault]
    doc.spans["injustice"] = [injustice]
    doc.spans["sc"] = [fault, injustice]  # the same spans again: read once, no issue
    doc.user_data["id"] = "20-003-792"
    doc.user_data["metadata"] = {"reference": "20 003 792", "outcome": "Upheld"}
    db.add(doc)

    doc = nlp(PAYMENTS)
    doc._.doc_id = "20-007-616"
    doc._.overall = {"fault": "fault", "injustice": "injustice"}
    doc.spans["sc"] = [
        doc.char_span(30, 34, label="REMEDY_PAYMENT"),
        doc.char_span(30, 37, label="REMEDY_PAYMENT"),  # "£300 to": overlaps the first
        doc.char_span(134, 138, label="PAYMENT"),
    ]
    db.add(doc)

    # Tokenized differently from spacy.blank("en"): "£10" is a span of this doc only.
    words = ["Pay", "Mr", "B", "£", "10", "0", "for", "his", "time", "."]
    spaces = [True, True, True, False, False, True, True, True, False, False]
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    doc.spans["sc"] = [Span(doc, 3, 5, "REMEDY_PAYMENT"), Span(doc, 3, 6, "REMEDY_PAYMENT")]
    db.add(doc)

    path = tmp_path / "train.spacy"
    db.to_disk(path)
    records, issues = read_labelled(path)
    assert [r["id"] for r in records] == ["20-003-792", "20-007-616", "train:3"]
    assert records[0] == {
        "id": "20-003-792",
        "text": SUMMARY_792,
        "metadata": {"reference": "20 003 792", "outcome": "Upheld"},
        "spans": [
            {"start": 9, "end": 166, "label": "FAULT", "text": FAULT_792},
            {"start": 167, "end": 223, "label": "INJUSTICE", "text": INJUSTICE_792},
        ],
    }
    assert records[1]["spans"] == [
        {"start": 30, "end": 34, "label": "REMEDY_PAYMENT", "text": "£300"}
    ]
    assert records[1]["overall"] == {"fault": "fault", "injustice": "injustice"}
    assert records[2]["text"] == "Pay Mr B £100 for his time."
    assert records[2]["spans"] == [
        {"start": 9, "end": 13, "label": "REMEDY_PAYMENT", "text": "£100"}
    ]
    assert issue_strings(issues) == [
        f"{path}:doc 2: span 2 REMEDY_PAYMENT [30:37]: overlaps span [30:34] of the same label, "
        "kept the first; dropped",
        f"{path}:doc 2: span 3 PAYMENT [134:138]: unknown label 'PAYMENT'; dropped",
        f'{path}:doc 3: span 1 REMEDY_PAYMENT [9:12]: not on token boundaries: "£10"; nearest '
        'tokens: "£100"; dropped',
    ]


def test_docbin_entities(tmp_path):
    nlp = spacy.blank("en")
    doc = nlp(PAYMENTS)
    doc.ents = [doc.char_span(30, 34, label="REMEDY_PAYMENT")]
    db = DocBin(attrs=["ENT_IOB", "ENT_TYPE"])
    db.add(doc)
    db.to_disk(tmp_path / "ents.spacy")
    records, issues = read_labelled(tmp_path / "ents.spacy")
    assert issues == []
    assert records == [
        {
            "id": "ents:1",
            "text": PAYMENTS,
            "spans": [{"start": 30, "end": 34, "label": "REMEDY_PAYMENT", "text": "£300"}],
        }
    ]


def test_corrupt_docbin(tmp_path):
    path = tmp_path / "broken.spacy"
    path.write_bytes(b"x\x9cnot really zlib")
    records, issues = read_labelled(path)
    assert records == []
    assert len(issues) == 1
    assert issues[0].source == str(path)
    assert issues[0].message.startswith("not a readable spaCy DocBin: ")
