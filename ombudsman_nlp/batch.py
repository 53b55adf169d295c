"""Process many documents: one record per input, error records for bad ones, in order.

Workers are plain ``multiprocessing`` processes (spawn-safe: nothing but the pattern folder
crosses to them), each loading its own pipeline and returning finished JSON lines, so the
output of ``n_process=2`` is byte-identical to ``n_process=1``.
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.language import Language

from . import __version__
from .decision import build_decision
from .textio import InputDoc

_WORKER_NLP: Language | None = None


def process_input(nlp: Language, item: InputDoc) -> dict:
    """The record of one input: the decision, or an error record with the reason."""
    if item.error is not None or item.text is None:
        return error_record(item, item.error or "no text")
    try:
        with nlp.memory_zone():
            doc = nlp(item.text)
            record = build_decision(doc, item.id).to_record()
    except Exception as err:  # one bad document must not stop the batch
        return error_record(item, f"{type(err).__name__}: {err}")
    record["source"] = item.source
    record["version"] = __version__
    if item.warnings:
        record["warnings"] = list(item.warnings)
    for key, value in item.extra.items():
        record.setdefault(key, value)
    return record


def error_record(item: InputDoc, reason: str) -> dict:
    return {"id": item.id, "source": item.source, "error": reason, "version": __version__}


def _init_worker(patterns: str | None) -> None:
    global _WORKER_NLP
    from .pipeline import load

    _WORKER_NLP = load(patterns)


def _work(item: InputDoc) -> str:
    assert _WORKER_NLP is not None
    return json.dumps(process_input(_WORKER_NLP, item), ensure_ascii=False)


def process_lines(
    items: Iterable[InputDoc],
    patterns: str | Path | None = None,
    n_process: int = 1,
    chunksize: int = 8,
) -> Iterator[str]:
    """JSON lines for the inputs, in input order, streaming."""
    patterns = str(patterns) if patterns is not None else None
    if n_process <= 1:
        _init_worker(patterns)
        for item in items:
            yield _work(item)
        return
    context = multiprocessing.get_context("spawn")
    with context.Pool(n_process, initializer=_init_worker, initargs=(patterns,)) as pool:
        yield from pool.imap(_work, items, chunksize=chunksize)
