"""Tests of ombudsman_nlp.annotation: the session API, durable saving, resuming, the widget."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ombudsman_nlp
from ombudsman_nlp.annotation import AnnotationSession, AnnotationWidget
from ombudsman_nlp.evaluation import evaluate_files
from ombudsman_nlp.labelled import read_labelled

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "training" / "seeds" / "000_5a2b375e91cba30c.txt"
FAULT_LINE = "- This is fault by the Council. Mr X suffered avoidable delay and distress."
MISSED = "Mr X suffered avoidable delay and distress."


@pytest.fixture(scope="module")
def nlp(tmp_path_factory):
    """The pipeline with two fault rules only, so that what it misses stays fixed."""
    folder = tmp_path_factory.mktemp("patterns")
    rules = [
        {"id": "fault.this_is_fault", "label": "FAULT", "pattern": "this is fault"},
        {"id": "fault.find_fault", "label": "FAULT", "pattern": "find fault"},
    ]
    (folder / "findings.jsonl").write_text("\n".join(json.dumps(r) for r in rules) + "\n")
    return ombudsman_nlp.load(patterns=folder)


def session_at(nlp, path: Path, startswith: str, **kwargs) -> AnnotationSession:
    session = AnnotationSession(SEED, path, unit="paragraph", nlp=nlp, **kwargs)
    while session.current is not None and not session.current.text.startswith(startswith):
        session.next()
    assert session.current is not None, startswith
    return session


def test_paragraph_items_carry_predictions(nlp, tmp_path):
    session = session_at(nlp, tmp_path / "out.jsonl", FAULT_LINE)
    item = session.current
    text = SEED.read_text(encoding="utf-8")
    assert item.text == FAULT_LINE
    assert text[item.offset : item.offset + len(item.text)] == item.text
    assert item.id == f"{SEED.stem}@{item.offset}" and item.parent == SEED.stem
    assert [(c.label, c.text, c.origin) for c in item.spans] == [
        ("FAULT", "This is fault by the Council.", "predicted")
    ]
    assert item.spans[0].pattern_id
    # the paragraph's offsets are its own
    c = item.spans[0]
    assert item.text[c.start : c.end] == c.text


def test_add_by_snippet_save_and_evaluate(nlp, tmp_path, monkeypatch):
    out = tmp_path / "out.jsonl"
    synced = []
    real_fsync = __import__("os").fsync
    monkeypatch.setattr("os.fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    session = session_at(nlp, out, FAULT_LINE)
    i = session.add_snippet(MISSED, "INJUSTICE")
    assert session.current.spans[i].origin == "added"
    record = session.save()
    assert len(synced) == 1
    lines = out.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0]) == record
    assert record["complete"] is False and "metadata" not in record
    assert [(s["label"], s["text"]) for s in record["spans"]] == [
        ("FAULT", "This is fault by the Council."),
        ("INJUSTICE", MISSED),
    ]
    gold, issues = read_labelled(out)
    assert issues == [] and gold[0]["spans"] == record["spans"]
    result = evaluate_files([out])
    assert result.issues == []
    assert result.scores  # the file scores like any gold file
    with pytest.raises(ValueError, match="already saved"):
        session.save()


def test_resume_skips_saved_ids_and_drops_a_cut_line(nlp, tmp_path):
    out = tmp_path / "out.jsonl"
    first = AnnotationSession(SEED, out, unit="paragraph", nlp=nlp)
    total = len(first)
    saved_id = first.current.id
    second = first.save_and_next()
    second_id = second.id
    first.save()
    with out.open("a", encoding="utf-8") as handle:
        handle.write('{"id": "cut off mid-wri')  # a write the kernel restart interrupted
    resumed = AnnotationSession(SEED, out, unit="paragraph", nlp=nlp)
    assert len(resumed) == total and resumed.remaining == total - 2
    assert resumed.saved_ids == {saved_id, second_id}
    assert resumed.current.id not in {saved_id, second_id}
    assert out.read_text(encoding="utf-8").endswith("}\n")
    resumed.save()
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3


def test_accept_reject_relabel_and_pending(nlp, tmp_path):
    session = session_at(nlp, tmp_path / "a.jsonl", "- I find fault causing injustice.")
    assert [c.label for c in session.current.spans] == ["FAULT"]
    session.add_snippet("I find fault causing injustice.", "INJUSTICE")
    session.relabel(1, "NO_INJUSTICE")
    assert session.current.spans[1].label == "NO_INJUSTICE"
    session.reject(0)
    assert [c.label for c in session.kept()] == ["NO_INJUSTICE"]
    session.accept(0)
    assert [c.label for c in session.kept()] == ["FAULT", "NO_INJUSTICE"]
    with pytest.raises(ValueError, match="label must be"):
        session.relabel(0, "FAULTY")
    strict = session_at(nlp, tmp_path / "b.jsonl", FAULT_LINE, pending="reject")
    assert strict.kept() == []
    assert strict.record()["spans"] == []


def test_add_span_snaps_to_tokens_and_refuses_overlaps(nlp, tmp_path):
    session = session_at(nlp, tmp_path / "a.jsonl", FAULT_LINE)
    text = session.current.text
    start = text.index(MISSED)
    i = session.add_span(start - 1, start + 6, "INJUSTICE")  # " Mr X s": space and half a word
    span = session.current.spans[i]
    assert span.text == "Mr X suffered"
    with pytest.raises(ValueError, match="overlaps"):
        session.add_span(start, start + len(MISSED), "INJUSTICE")
    session.reject(i)
    session.add_span(start, start + len(MISSED), "INJUSTICE")
    with pytest.raises(ValueError, match="outside"):
        session.add_span(0, len(text) + 1, "FAULT")
    with pytest.raises(ValueError, match="not found"):
        session.add_snippet("no such words", "FAULT")


def test_payments(nlp, tmp_path):
    out = tmp_path / "p.jsonl"
    session = session_at(nlp, out, "Summary:")
    item = session.current
    assert item.payments == [
        {"amount": 4724.0, "payee": "Mr X", "purpose": "financial_loss", "status": "recommended"}
    ]
    session.set_payment(0, purpose="distress", payee="  Mr X ")
    with pytest.raises(ValueError, match="purpose"):
        session.set_payment(0, purpose="happiness")
    with pytest.raises(ValueError, match="positive"):
        session.set_payment(0, amount=0)
    session.add_payment(100, payee="Mrs Y", purpose="time_and_trouble")
    session.remove_payment(1)
    record = session.save()
    assert record["remedies"] == [
        {"amount": 4724.0, "payee": "Mr X", "purpose": "distress", "status": "recommended"}
    ]


def test_a_new_payment_span_adds_its_payment(nlp, tmp_path):
    record = {"id": "d1", "text": "The Council agreed to pay Mrs Y £250 for her time and trouble."}
    session = AnnotationSession([record], tmp_path / "x.jsonl", nlp=nlp, predict=False)
    assert session.current.spans == [] and session.current.payments == []
    session.add_snippet("£250", "REMEDY_PAYMENT")
    assert session.current.payments == [
        {"amount": 250.0, "payee": None, "purpose": "other", "status": None}
    ]
    session.set_payment(0, payee="Mrs Y", purpose="time_and_trouble")
    session.set_overall(fault="fault", injustice="injustice")
    session.set_actions(["apology"])
    saved = session.save()
    assert saved["remedies"] == [{"amount": 250.0, "payee": "Mrs Y", "purpose": "time_and_trouble"}]
    assert saved["overall"] == {"fault": "fault", "injustice": "injustice"}
    assert saved["actions"] == ["apology"] and saved["complete"] is True
    assert session.next() is None and session.remaining == 0


def test_corrects_existing_labels_without_predicting(nlp, tmp_path):
    gold = ROOT / "training" / "seeds.jsonl"
    session = AnnotationSession(gold, tmp_path / "g.jsonl", nlp=nlp, predict=False)
    first = json.loads(gold.read_text(encoding="utf-8").splitlines()[0])
    assert session.current.id == first["id"]
    assert [(c.start, c.end, c.label) for c in session.current.spans] == [
        (s["start"], s["end"], s["label"]) for s in first["spans"]
    ]
    record = session.save()
    assert record["spans"] == first["spans"] and record["metadata"] == first["metadata"]
    assert record["actions"] == sorted(set(first["actions"]))


def test_widget_drives_the_session(nlp, tmp_path):
    pytest.importorskip("ipywidgets")
    out = tmp_path / "w.jsonl"
    widget = AnnotationWidget(session_at(nlp, out, FAULT_LINE))
    session = widget.session
    assert "FAULT" in widget.preview.value and session.current.id in widget.title.value
    # reject the predicted span with its toggle, relabel it with its dropdown
    toggle = widget.spans_box.children[0].children[1]
    toggle.value = "rejected"
    assert session.current.spans[0].status == "rejected"
    widget.snippet.value = MISSED
    widget.new_label.value = "INJUSTICE"
    widget.add_button.click()
    assert [c.label for c in session.kept()] == ["INJUSTICE"]
    widget.snippet.value = "not in this paragraph"
    widget.add_button.click()
    assert "not found" in widget.message.value
    saved_id = session.current.id
    widget.save_button.click()
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["id"] == saved_id and [s["label"] for s in record["spans"]] == ["INJUSTICE"]
    assert session.current.id != saved_id and "saved" in widget.message.value
    assert "application/vnd.jupyter.widget-view+json" in widget._repr_mimebundle_()


def test_a_mouse_selection_becomes_the_next_span(nlp, tmp_path):
    pytest.importorskip("anywidget")
    widget = AnnotationWidget(session_at(nlp, tmp_path / "m.jsonl", FAULT_LINE))
    session, selector = widget.session, widget.selector
    assert selector.text == session.current.text
    start = session.current.text.index(MISSED)
    # what the browser sends when the user selects the sentence with the mouse
    selector.start, selector.end = start, start + len(MISSED)
    assert (widget.start.value, widget.end.value) == (start, start + len(MISSED))
    widget.new_label.value = "INJUSTICE"
    widget.add_button.click()
    added = [c for c in session.kept() if c.label == "INJUSTICE"]
    assert [(c.start, c.end, c.text) for c in added] == [(start, start + len(MISSED), MISSED)]
    assert (selector.start, selector.end) == (-1, -1)  # cleared for the next selection
    widget.save_button.click()
    assert selector.text == session.current.text != FAULT_LINE


def test_bad_arguments(nlp, tmp_path):
    with pytest.raises(ValueError, match="unit"):
        AnnotationSession(SEED, tmp_path / "x.jsonl", unit="sentence", nlp=nlp)
    with pytest.raises(ValueError, match="no text"):
        AnnotationSession([{"id": "x"}], tmp_path / "x.jsonl", nlp=nlp)
