"""Batch processing and ``extract``: records, error records, long texts, resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from spacy.language import Language

import ombudsman_nlp
from ombudsman_nlp import batch, cli, pipeline
from ombudsman_nlp.batch import (
    process_input,
    process_inputs,
    process_lines,
    process_text,
    split_text,
)
from ombudsman_nlp.textio import InputDoc

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "training" / "seeds").glob("*.txt"))


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEEDS[1].read_text(encoding="utf-8")


def read_records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def spans_index_text(record: dict) -> None:
    text = record["text"]
    for span in record["spans"]:
        assert 0 <= span["start"] < span["end"] <= len(text)
        assert text[span["start"] : span["end"]] == span["text"]


# -- process_input ------------------------------------------------------------------------


def test_record_of_a_decision(nlp, seed_text):
    record = process_input(nlp, InputDoc("d1", seed_text, "seed.txt", extra={"url": "u"}))
    assert "error" not in record
    assert record["id"] == "d1" and record["source"] == "seed.txt"
    assert record["text"] == seed_text
    assert record["url"] == "u"
    assert record["metadata"]["reference"]
    assert any(s["label"] == "COMPLAINT_HEAD" for s in record["spans"])
    spans_index_text(record)


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t \n", "\u00a0\u2003"])
def test_empty_text_is_an_error_record(nlp, text):
    record = process_input(nlp, InputDoc("e", text, "e.txt"))
    assert "empty document" in record["error"]
    assert record["id"] == "e"


def test_unreadable_input_keeps_its_reason(nlp):
    item = InputDoc("b", None, "b.txt", error="b.txt: binary data, not text")
    assert process_input(nlp, item)["error"] == "b.txt: binary data, not text"


def test_input_fields_do_not_overwrite_the_record(nlp, seed_text):
    extra = {"error": "stale", "version": "0", "source": "x", "court": "LGSCO"}
    record = process_input(nlp, InputDoc("d", seed_text, "s.txt", extra=extra))
    assert "error" not in record
    assert record["source"] == "s.txt" and record["version"] == ombudsman_nlp.__version__
    assert record["court"] == "LGSCO"


@Language.component("test_batch_raise")
def _raise(doc):
    raise RuntimeError("boom")


def test_component_failure_becomes_an_error_record(seed_text):
    nlp = ombudsman_nlp.load()
    nlp.add_pipe("test_batch_raise", after="findings")
    record = process_input(nlp, InputDoc("x", seed_text, "x.txt"))
    assert record["error"] == "x.txt: RuntimeError: boom"
    nlp.remove_pipe("test_batch_raise")
    assert "error" not in process_input(nlp, InputDoc("y", seed_text, "y.txt"))


@Language.component("test_batch_raise_on_marker")
def _raise_on_marker(doc):
    if "BROKEN-MARKER" in doc.text:
        raise RuntimeError("marked")
    return doc


def test_a_batch_gives_the_records_of_its_documents_one_by_one(nlp, seed_text):
    items = [
        InputDoc("a", seed_text, "a.txt"),
        InputDoc("empty", "  ", "empty.txt"),
        InputDoc("b", seed_text[:2000], "b.txt", warnings=["w"]),
        InputDoc("bad", None, "bad.txt", error="bad.txt: binary data, not text"),
    ]
    assert process_inputs(nlp, items) == [process_input(nlp, item) for item in items]


def test_one_failing_document_does_not_fail_its_batch(seed_text):
    nlp = ombudsman_nlp.load()
    nlp.add_pipe("test_batch_raise_on_marker", after="heads")
    items = [
        InputDoc("a", seed_text, "a.txt"),
        InputDoc("x", seed_text + "\nBROKEN-MARKER", "x.txt"),
        InputDoc("b", seed_text[:3000], "b.txt"),
    ]
    first, broken, last = process_inputs(nlp, items)
    assert broken == {
        "id": "x",
        "source": "x.txt",
        "error": "x.txt: RuntimeError: marked",
        "version": ombudsman_nlp.__version__,
    }
    assert first["id"] == "a" and "error" not in first
    assert last["id"] == "b" and last["text"] == seed_text[:3000]
    assert first == process_input(nlp, items[0])


def test_a_renewed_pipeline_gives_the_same_records(monkeypatch):
    texts = [seed.read_text(encoding="utf-8") for seed in SEEDS * 2]
    items = [InputDoc(f"s{i}", text, f"s{i}") for i, text in enumerate(texts)]
    monkeypatch.setattr(batch, "WARM_UP_DOCS", 2)  # memory zones from the third document on
    loaded = []
    real_load = pipeline.load

    def counting_load(*args):
        loaded.append(real_load(*args))
        return loaded[-1]

    monkeypatch.setattr(pipeline, "load", counting_load)
    renewed = list(process_lines(items, chunksize=2, renew_every=3))
    assert len(loaded) == 1 + (len(items) - 1) // 4  # after every second batch of two
    assert renewed == list(process_lines(items, chunksize=2))
    assert [json.loads(line)["id"] for line in renewed] == [item.id for item in items]


# -- long texts ---------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [50, 700, 5000])
def test_split_text_joins_back_and_respects_the_limit(seed_text, limit):
    pieces = split_text(seed_text, limit)
    assert "".join(pieces) == seed_text
    assert all(0 < len(p) <= limit for p in pieces)


def test_split_text_prefers_paragraph_breaks(seed_text):
    pieces = split_text(seed_text, 4000)
    assert len(pieces) > 1
    assert all(p.endswith("\n") for p in pieces[:-1])


def test_split_text_without_any_break():
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_text_longer_than_max_length_is_processed_in_pieces(seed_text):
    nlp = ombudsman_nlp.load()
    whole = process_input(nlp, InputDoc("w", seed_text, "w.txt"))
    nlp.max_length = 3000
    assert len(seed_text) > 3 * nlp.max_length
    record = process_input(nlp, InputDoc("p", seed_text, "p.txt"))
    assert "error" not in record
    assert record["text"] == seed_text
    spans_index_text(record)
    assert record["metadata"] == whole["metadata"]
    assert record["overall"] == whole["overall"]
    # amounts are found in every piece, at their offsets in the full text
    assert {r["amount"] for r in record["remedies"]} == {r["amount"] for r in whole["remedies"]}


def test_process_text_of_a_long_doc_keeps_sentences_and_sections(seed_text):
    nlp = ombudsman_nlp.load()
    nlp.max_length = 4000
    doc = process_text(nlp, seed_text * 3)
    assert doc.text == seed_text * 3
    assert doc.has_annotation("SENT_START")
    assert doc.spans["sections"][-1].end_char <= len(doc.text)


# -- extract ------------------------------------------------------------------------------


def run_extract(*args: str) -> int:
    return cli.main(["extract", "--no-progress", *args])


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i, seed in enumerate(SEEDS):
        (inputs / f"good{i}.txt").write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    (inputs / "empty.txt").write_text("  \n\n", encoding="utf-8")
    (inputs / "binary.txt").write_bytes(bytes(range(256)) * 20)
    return inputs


def test_extract_writes_good_and_error_records_and_fails(folder, tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    assert run_extract(str(folder), "-o", str(out)) == 1
    records = read_records(out)
    assert len(records) == len(SEEDS) + 2
    errors = {r["id"]: r["error"] for r in records if "error" in r}
    assert set(errors) == {"empty", "binary"}
    assert all("empty.txt" in errors["empty"] and errors[k] for k in errors)
    for record in records:
        if "error" not in record:
            spans_index_text(record)
    assert not Path(str(out) + ".part").exists()
    err = capsys.readouterr().err
    assert "(2 failed)" in err and "binary.txt" in err


def test_extract_exits_zero_when_all_good(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text(SEEDS[0].read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert run_extract(str(inputs), "-o", str(out)) == 0
    assert [r["id"] for r in read_records(out)] == ["a"]


def test_extract_unreadable_file_among_many(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    text = SEEDS[2].read_text(encoding="utf-8")
    for i in range(200):
        (inputs / f"d{i:03d}.txt").write_text(text, encoding="utf-8")
    (inputs / "d010.txt").unlink()
    (inputs / "d010.txt").symlink_to(tmp_path / "gone.txt")  # unreadable, also for root
    out = tmp_path / "out.jsonl"
    assert run_extract(str(inputs), "-o", str(out)) == 1
    records = read_records(out)
    assert [r["id"] for r in records] == [f"d{i:03d}" for i in range(200)]
    assert [r["id"] for r in records if "error" in r] == ["d010"]
    assert "d010.txt" in records[10]["error"]


def test_resume_after_a_cut_off_line_adds_only_missing_records(folder, tmp_path):
    out = tmp_path / "out.jsonl"
    run_extract(str(folder), "-o", str(out))
    full = out.read_bytes().splitlines(keepends=True)
    good = [line for line in full if b'"error"' not in line]
    # an interrupted run: two good records, then a line cut off mid-write
    part = Path(str(out) + ".part")
    part.write_bytes(good[0] + good[1] + good[2][:100])
    out.unlink()
    assert run_extract(str(folder), "-o", str(out), "--resume") == 1
    records = read_records(out)
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)) == len(full)
    assert sorted(out.read_bytes().splitlines(keepends=True)) == sorted(full)
    assert not part.exists()


def test_resume_of_a_finished_run_retries_only_the_errors(folder, tmp_path):
    out = tmp_path / "out.jsonl"
    run_extract(str(folder), "-o", str(out))
    before = read_records(out)
    (folder / "empty.txt").write_text(SEEDS[0].read_text(encoding="utf-8"), encoding="utf-8")
    assert run_extract(str(folder), "-o", str(out), "--resume") == 1  # binary still fails
    after = read_records(out)
    assert len(after) == len(before)
    assert [r["id"] for r in after if "error" in r] == ["binary"]
    assert [r for r in after if r["id"] == "empty"][0]["metadata"]["reference"]


def test_a_new_run_discards_a_stale_part_file(folder, tmp_path):
    out = tmp_path / "out.jsonl"
    part = Path(str(out) + ".part")
    part.write_text('{"id": "stale"}\n', encoding="utf-8")
    run_extract(str(folder), "-o", str(out))
    assert "stale" not in [r["id"] for r in read_records(out)]


def test_killed_run_resumes_without_duplicates(tmp_path):
    """A run killed mid-way leaves OUT.part and no OUT; --resume completes it exactly."""
    inputs = tmp_path / "in.jsonl"
    texts = [s.read_text(encoding="utf-8") for s in SEEDS]
    with inputs.open("w", encoding="utf-8") as f:
        for i in range(400):
            f.write(json.dumps({"id": f"r{i}", "text": texts[i % len(texts)]}) + "\n")
    out = tmp_path / "out.jsonl"
    part = Path(str(out) + ".part")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "ombudsman_nlp", "extract", str(inputs), "-o", str(out)]
    proc = subprocess.Popen([*command, "--no-progress"], env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if part.exists() and part.stat().st_size > 200_000:
            break
        time.sleep(0.05)
    if proc.poll() is not None:
        pytest.skip("the run finished before it could be interrupted")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert part.exists() and not out.exists()
    done_before = len(part.read_bytes().splitlines())
    assert 0 < done_before < 400
    resumed = subprocess.run([*command, "--resume", "--no-progress"], env=env, capture_output=True)
    assert resumed.returncode == 0, resumed.stderr.decode()
    ids = [r["id"] for r in read_records(out)]
    assert sorted(ids) == sorted(f"r{i}" for i in range(400))
    assert not part.exists()


def test_messy_files_give_the_records_of_the_clean_text(tmp_path):
    """CRLF, mojibake, cp1252, odd spaces: each file's record is that of the clean text."""
    clean = SEEDS[0].read_text(encoding="utf-8")
    assert "£" in clean
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a_clean.txt").write_text(clean, encoding="utf-8")
    (inputs / "b_crlf.txt").write_bytes(clean.replace("\n", "\r\n").encode("utf-8"))
    mojibake = clean.encode("utf-8").decode("cp1252", errors="replace")
    (inputs / "c_mojibake.txt").write_text(mojibake, encoding="utf-8")
    (inputs / "d_cp1252.txt").write_bytes(clean.encode("cp1252", errors="replace"))
    (inputs / "e_nbsp.txt").write_text(clean.replace(" ", "\u00a0", 40), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    run_extract(str(inputs), "-o", str(out))
    records = {r["id"]: r for r in read_records(out)}
    reference = records["a_clean"]
    assert "error" not in reference
    for name in ("b_crlf", "c_mojibake", "d_cp1252", "e_nbsp"):
        record = records[name]
        assert "error" not in record, record
        spans_index_text(record)
        assert "Â" not in record["text"]
        assert [r["amount"] for r in record["remedies"]] == [
            r["amount"] for r in reference["remedies"]
        ], name
        assert record["metadata"] == reference["metadata"], name


def test_html_page_keeps_its_list_structure(tmp_path):
    lines = SEEDS[1].read_text(encoding="utf-8").split("\n\n")
    body = "".join(f"<p>{line}</p>" for line in lines[:12])
    items = "".join(f"<li>{line}</li>" for line in ("failed to assess", "delayed its reply"))
    page = (
        "<!DOCTYPE html><html><head><title>t</title><script>var x = 1;</script></head><body>"
        f"<nav>Home | Decisions</nav>{body}<p>Mr X complains the Council:</p><ul>{items}</ul>"
        "</body></html>"
    )
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "page.html").write_text(page, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    run_extract(str(inputs), "-o", str(out))
    (record,) = read_records(out)
    assert "error" not in record
    assert "<p>" not in record["text"] and "var x" not in record["text"]
    assert "- failed to assess\n- delayed its reply" in record["text"]
    spans_index_text(record)
