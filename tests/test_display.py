"""Tests of ombudsman_nlp.notebook: the displaCy span view, its legend, sections and tables."""

from __future__ import annotations

from pathlib import Path

import pytest
import srsly
from spacy.util import registry

import ombudsman_nlp
from ombudsman_nlp import labels
from ombudsman_nlp.cli import main
from ombudsman_nlp.notebook import DISPLAY_KEY, display_span_group, label_colors, render_html

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "training" / "seeds" / "000_5a2b375e91cba30c.txt"


@pytest.fixture(scope="module")
def doc(nlp):
    doc = nlp(SEED.read_text(encoding="utf-8"))
    doc._.doc_id = SEED.stem
    return doc


def test_colours_come_from_the_entry_point():
    registered = registry.displacy_colors.get_all()
    assert registered["ombudsman_nlp"] == labels.DISPLACY_COLORS
    assert label_colors()["FAULT"] == labels.DISPLACY_COLORS["FAULT"]


def test_one_span_group_holds_every_component_group(doc):
    group = display_span_group(doc)
    assert doc.spans[DISPLAY_KEY] is not None
    expected = sum(len(doc.spans[k]) for k in (*labels.SPAN_GROUP_KEYS, labels.ACTIONS_KEY))
    assert len(group) == expected
    found = {s.label_ for s in group}
    assert {"COMPLAINT_HEAD", "FAULT", "INJUSTICE", "REMEDY_PAYMENT", "ACTION"} <= found
    # actions are drawn under one label, whatever their kind
    assert "apology" not in found
    starts = [(s.start, -s.end) for s in group]
    assert starts == sorted(starts)


def test_render_marks_each_label_in_its_colour(doc):
    html = render_html(doc)
    for span in display_span_group(doc):
        colour = labels.DISPLACY_COLORS[span.label_]
        assert f"background: {colour}" in html
    # the label tag of displaCy's span style, and the legend with counts
    assert "FAULT\n" in html or ">FAULT<" in html
    faults = sum(s.label_ == "FAULT" for s in doc.spans["findings"])
    assert 'data-label="FAULT"' in html and f"FAULT ({faults})" in html
    assert 'data-label="NO_INJUSTICE"' in html and "NO_INJUSTICE (0)" in html


def test_render_shows_sections_and_tables(doc):
    html = render_html(doc)
    for section in ("header", "summary", "complaint", "role_and_powers", "action"):
        assert f'data-section="{section}"' in html
    # one band per run of a section label, in text order
    assert html.count('data-section="summary"') == 1
    assert html.index('data-section="complaint"') < html.index('data-section="action"')
    payments = html[html.index('class="on-payments"') :]
    payments = payments[: payments.index("</table>")]
    assert "£4,724" in payments and "Mr X" in payments and "financial_loss" in payments
    assert "recommended" in payments
    findings = html[html.index('class="on-findings"') :]
    assert "This is fault by the Council." in findings[: findings.index("</table>")]
    assert "Stoke-on-Trent City Council" in html


def test_text_is_escaped(nlp):
    record = {
        "id": "<b>x</b>",
        "text": "Summary: The Council was at fault <script>alert(1)</script> & will pay £50.",
        "spans": [{"start": 9, "end": 33, "label": "FAULT", "text": "The Council was at fault"}],
        "remedies": [{"amount": 50.0, "payee": "<img src=x onerror=alert(1)>", "purpose": "other"}],
        "actions": ["apology"],
    }
    html = render_html(record, page=True, nlp=nlp)
    assert "<script" not in html and "<img" not in html and "<b>x" not in html
    body = html[html.index('class="spans"') :]
    assert "&lt;" in body and "&gt;" in body and "&amp;" in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<title>&lt;b&gt;x&lt;/b&gt;</title>" in html


def test_labelled_record_shows_its_own_spans(nlp):
    gold = next(iter(srsly.read_jsonl(ROOT / "training" / "seeds.jsonl")))
    html = render_html(gold, nlp=nlp)
    fault_marks = sum(1 for s in gold["spans"] if s["label"] == "FAULT")
    assert f"FAULT ({fault_marks})" in html
    assert 'data-section="complaint"' in html  # sections recomputed from the text


def test_display_returns_html_outside_jupyter_and_shows_it_inside(doc, monkeypatch):
    assert ombudsman_nlp.display(doc, jupyter=False).startswith("<style>")
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    assert ombudsman_nlp.display(doc, jupyter=True) is None
    assert 'class="on-decision"' in shown[0].data


def test_render_command_writes_a_standalone_page(tmp_path):
    out = tmp_path / "out.html"
    assert main(["render", str(SEED), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert f"<title>{SEED.stem}</title>" in page and "£4,724" in page
    assert page.rstrip().endswith("</html>")


def test_render_command_labelled_and_missing_input(tmp_path, capsys):
    out = tmp_path / "gold.html"
    gold = ROOT / "training" / "seeds.jsonl"
    assert main(["render", "--labelled", str(gold), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.count('class="on-decision"') == 5
    assert main(["render", str(tmp_path / "nope.txt"), "-o", str(out)]) == 1
    assert "no such file" in capsys.readouterr().err
