"""Save and load: ``nlp.to_disk`` then ``spacy.load`` gives identical results."""

from __future__ import annotations

import subprocess
import sys

import spacy

import ombudsman_nlp


def _records(nlp, texts):
    return [doc._.decision.to_record() for doc in nlp.pipe(texts)]


def test_round_trip_gives_identical_results(tmp_path, nlp, seed_text):
    texts = [seed_text("000_5a2b375e91cba30c"), seed_text("004_01bc15cdf5a7ca05")]
    nlp.to_disk(tmp_path / "model")
    restored = spacy.load(tmp_path / "model")
    assert restored.pipe_names == nlp.pipe_names
    assert _records(restored, texts) == _records(nlp, texts)


def test_patterns_added_in_memory_survive_to_disk(tmp_path, seed_text):
    nlp = ombudsman_nlp.load()
    nlp.get_pipe("findings").add_patterns(
        [{"id": "test.zebra", "label": "FAULT", "pattern": "zebra crossing was painted"}]
    )
    nlp.to_disk(tmp_path / "model")
    restored = spacy.load(tmp_path / "model")
    ids = {p.id for p in restored.get_pipe("findings").patterns}
    assert "test.zebra" in ids
    text = "Summary: The zebra crossing was painted purple."
    doc = restored(text)
    assert [s.id_ for s in doc.spans["findings"]] == ["test.zebra"]


def test_factories_load_through_entry_points_in_a_fresh_process():
    code = (
        "import spacy\n"
        "nlp = spacy.blank('en')\n"
        "for name in ('ombudsman_sections', 'ombudsman_header', 'ombudsman_heads',\n"
        "             'ombudsman_findings', 'ombudsman_remedies', 'ombudsman_actions',\n"
        "             'ombudsman_decision'):\n"
        "    nlp.add_pipe(name)\n"
        "doc = nlp('Council (24 001 148)\\nSummary: This is fault by the Council.')\n"
        "print(doc._.metadata['reference'], [s.label_ for s in doc.spans['findings']])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/"
    )
    assert out.stdout.strip() == "24 001 148 ['FAULT']"
