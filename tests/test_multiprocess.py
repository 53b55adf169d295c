"""Several processes (spawn start method) give the same output as one; values serialise."""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
from pathlib import Path

import pytest
from spacy.tokens import Doc, DocBin

import ombudsman_nlp
from ombudsman_nlp import cli
from ombudsman_nlp.batch import process_lines
from ombudsman_nlp.textio import InputDoc

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "training" / "seeds").glob("*.txt"))
TEXTS = [s.read_text(encoding="utf-8") for s in SEEDS]


def items() -> list[InputDoc]:
    docs = [InputDoc(f"s{i}", t, f"seed{i}") for i, t in enumerate(TEXTS * 3)]
    docs.insert(4, InputDoc("bad", None, "bad.txt", error="bad.txt: binary data"))
    docs.insert(7, InputDoc("blank", "  \n", "blank.txt"))
    return docs


def test_two_processes_give_byte_identical_lines_in_input_order():
    one = list(process_lines(items(), n_process=1))
    two = list(process_lines(items(), n_process=2, chunksize=2))
    assert two == one
    assert [json.loads(line)["id"] for line in two] == [i.id for i in items()]


def test_workers_that_load_a_fresh_pipeline_give_the_same_lines():
    one = list(process_lines(items(), n_process=1))
    renewing = list(process_lines(items(), n_process=2, chunksize=2, renew_every=3))
    assert renewing == one


def test_extract_n_process_2_output_file_is_identical(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i, text in enumerate(TEXTS * 2):
        (inputs / f"d{i}.txt").write_text(text, encoding="utf-8")
    (inputs / "zz_binary.txt").write_bytes(bytes(range(256)) * 10)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert cli.main(["extract", str(inputs), "-o", str(one), "--no-progress"]) == 1
    args = ["extract", str(inputs), "-o", str(two), "--no-progress", "--n-process", "2"]
    assert cli.main(args) == 1
    assert one.read_bytes() == two.read_bytes()


def test_spawn_is_the_start_method_of_the_workers(monkeypatch):
    used = []
    real = multiprocessing.get_context

    def spy(method=None):
        used.append(method)
        return real(method)

    monkeypatch.setattr(multiprocessing, "get_context", spy)
    list(process_lines(items()[:3], n_process=2))
    assert used == ["spawn"]


@pytest.fixture(scope="module")
def docs() -> list[Doc]:
    nlp = ombudsman_nlp.load()
    return list(nlp.pipe(TEXTS))


def test_doc_to_bytes_round_trip_keeps_spans_and_values(docs):
    nlp = ombudsman_nlp.load()
    for doc in docs:
        back = Doc(nlp.vocab).from_bytes(doc.to_bytes())
        assert back.text == doc.text
        assert back._.metadata == doc._.metadata
        assert back._.overall == doc._.overall
        for key in doc.spans:
            assert [(s.start_char, s.end_char, s.label_, s.id_) for s in back.spans[key]] == [
                (s.start_char, s.end_char, s.label_, s.id_) for s in doc.spans[key]
            ]
        amounts = [s._.amount for s in doc._.remedies]
        assert [s._.amount for s in back._.remedies] == amounts
        assert back._.decision.model_dump() == doc._.decision.model_dump()
    assert any(doc._.remedies for doc in docs)


def test_docbin_round_trip_with_user_data(docs):
    nlp = ombudsman_nlp.load()
    data = DocBin(docs=docs, store_user_data=True).to_bytes()
    back = list(DocBin().from_bytes(data).get_docs(nlp.vocab))
    assert [d._.decision.model_dump() for d in back] == [d._.decision.model_dump() for d in docs]


def test_extension_values_are_msgpack_native(docs):
    import srsly

    for doc in docs:
        values = {k: v for k, v in doc.user_data.items() if isinstance(k, tuple)}
        assert srsly.msgpack_loads(srsly.msgpack_dumps(list(values.values()))) == list(
            values.values()
        )


def test_pipeline_and_docs_pickle(docs):
    nlp = ombudsman_nlp.load()
    again = pickle.loads(pickle.dumps(nlp))
    assert again(TEXTS[0]).spans["sections"]
    doc = pickle.loads(pickle.dumps(docs[0]))
    assert doc._.decision.model_dump() == docs[0]._.decision.model_dump()


def test_a_dead_worker_is_an_error_not_a_hang():
    killer = InputDoc("kill", "x", "kill", extra={})
    killer.__class__ = _Killer
    with pytest.raises(ChildProcessError, match="--resume"):
        list(process_lines([*items()[:2], killer, *items()[:20]], n_process=2, chunksize=1))


class _Killer(InputDoc):
    """An input whose unpickling in a worker ends that worker at once."""

    def __reduce__(self):
        return (os._exit, (3,))
