"""Pattern files are validated on load; a bad line names the file, the line and the problem."""

from __future__ import annotations

import json

import pytest

import ombudsman_nlp
from ombudsman_nlp.patterns import PatternError, default_patterns_dir, read_patterns

COMPONENT_FILES = ("sections", "heads", "findings", "remedies", "actions")


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_every_bundled_pattern_file_is_valid_with_unique_ids():
    folder = default_patterns_dir()
    for name in COMPONENT_FILES:
        patterns = read_patterns(folder / f"{name}.jsonl")
        assert patterns, name
        assert len({p.id for p in patterns}) == len(patterns)


GOOD = json.dumps({"id": "fault.ok", "label": "FAULT", "pattern": "this is fault"})


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "x", "label": "FAULT", "pattern": "a"', "not valid JSON"),
        ('["not", "an", "object"]', "must be a JSON object"),
        ('{"label": "FAULT", "pattern": "a"}', "id: Field required"),
        ('{"id": "x", "label": "FAULT", "pattern": ""}', "phrase pattern must not be empty"),
        ('{"id": "x", "label": "FAULT", "pattern": [{"LOWR": "fault"}]}', "invalid token pattern"),
        ('{"id": "x", "label": "FAULT", "pattern": "a", "directoin": "forward"}', "directoin"),
        ('{"id": "x", "label": "FAULT", "pattern": "a", "direction": "up"}', "direction"),
        ('{"id": "fault.ok", "label": "FAULT", "pattern": "b"}', "duplicate id 'fault.ok'"),
    ],
)
def test_bad_line_raises_naming_file_and_line(tmp_path, line, message):
    path = _write(tmp_path / "findings.jsonl", [GOOD, "", line])
    with pytest.raises(PatternError) as caught:
        read_patterns(path)
    assert f"{path}:3:" in str(caught.value)
    assert message in str(caught.value)


def test_unknown_label_is_named(tmp_path):
    path = _write(tmp_path / "findings.jsonl", [GOOD.replace("FAULT", "FAUTL")])
    with pytest.raises(PatternError, match=r"findings.jsonl:1: unknown label 'FAUTL'"):
        read_patterns(path, labels=["FAULT", "NO_FAULT"])


def test_load_with_a_bad_pattern_folder_names_the_culprit(tmp_path):
    _write(tmp_path / "heads.jsonl", ['{"id": "h", "label": "NOT_A_LABEL", "pattern": "x"}'])
    with pytest.raises(PatternError, match=r"heads.jsonl:1: unknown label 'NOT_A_LABEL'"):
        ombudsman_nlp.load(patterns=tmp_path)


def test_load_with_patterns_replaces_one_component(tmp_path):
    _write(
        tmp_path / "findings.jsonl",
        ['{"id": "only.rule", "label": "FAULT", "pattern": "the zebra was blue"}'],
    )
    nlp = ombudsman_nlp.load(patterns=tmp_path)
    assert [p.id for p in nlp.get_pipe("findings").patterns] == ["only.rule"]
    assert len(nlp.get_pipe("heads").patterns) > 1
    doc = nlp("Summary: This is fault. The zebra was blue.")
    assert [(s.text, s.id_) for s in doc.spans["findings"]] == [
        ("The zebra was blue.", "only.rule")
    ]
