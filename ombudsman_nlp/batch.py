"""Process many documents: one record per input, error records for bad ones, in order.

Workers are ``multiprocessing`` processes started with ``spawn`` (the default on macOS and
Windows; nothing but the pattern folder and the inputs cross to them), each loading its own
pipeline and returning finished JSON lines, so the output of ``n_process=2`` is
byte-identical to ``n_process=1``. Documents are processed in batches through
``nlp.pipe``, each batch inside ``nlp.memory_zone()``, so memory stays flat over any number
of documents.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import re
import warnings
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from itertools import islice
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from . import __version__
from .decision import build_decision
from .extensions import remember_text
from .textio import InputDoc

_WORKER_NLP: Language | None = None
# Documents a process handles outside a memory zone before it uses one for each: the
# tokenizer caches what it sees outside zones for good, so the common words of the corpus
# stay cached (a zone from the first document on makes tokenizing about 2.5 times slower).
WARM_UP_DOCS = 200
PIPE_BATCH = 32  # documents processed together (each component over all of them in turn)
# Documents a process handles with one pipeline before it loads a fresh one. A memory zone
# frees the strings a document adds, but spaCy's string and lexeme tables keep the room
# they grew to; a fresh pipeline (a new vocabulary) gives it back, so memory stays bounded
# however long the stream. Loading takes well under a second: about 0.5 % of the run.
RENEW_EVERY = 20_000
_worker_settings: tuple[str | None, int] = (None, RENEW_EVERY)  # patterns, renew_every
_warm_up_left = 0
_renew_left = 0
# Keys a good record owns; input fields of the same name are not copied into it.
_RESERVED = frozenset({"id", "text", "error", "source", "version", "warnings"})
_PARAGRAPH = re.compile(r"\n[ \t]*\n")


def process_input(nlp: Language, item: InputDoc, *, memory_zone: bool = True) -> dict:
    """The record of one input: the decision, or an error record with the reason.

    With ``memory_zone`` (the default) the strings the document adds to the vocabulary are
    freed afterwards, so memory stays flat over any number of documents.
    """
    if item.error is not None or item.text is None:
        return error_record(item, item.error or "no text")
    if not item.text.strip():
        return error_record(item, f"{item.source}: empty document (no text, or only white space)")
    try:
        with nlp.memory_zone() if memory_zone else nullcontext():
            doc = process_text(nlp, item.text)
            record = build_decision(doc, item.id).to_record()
    except Exception as err:  # one bad document must not stop the batch
        return error_record(item, f"{item.source}: {type(err).__name__}: {err}")
    return _completed(record, item)


def process_inputs(
    nlp: Language, items: Sequence[InputDoc], *, memory_zone: bool = True
) -> list[dict]:
    """The records of several inputs, in order, as :func:`process_input` gives them.

    The plain documents go through ``nlp.pipe`` together, in one memory zone, which runs
    each component over the whole batch (faster than one document at a time). If one of
    them fails, the batch is done again document by document, so only that one gets an
    error record.
    """
    records: list[dict | None] = [None] * len(items)
    plain = [i for i, item in enumerate(items) if _is_plain(nlp, item)]
    if len(plain) > 1:
        with nlp.memory_zone() if memory_zone else nullcontext():
            try:
                docs = nlp.pipe(items[i].text for i in plain)  # type: ignore[misc]
                for i, doc in zip(plain, docs, strict=True):
                    record = build_decision(doc, items[i].id).to_record()
                    records[i] = _completed(record, items[i])
            except Exception:  # found and reported below, one document at a time
                for i in plain:
                    records[i] = None
    return [
        record if record is not None else process_input(nlp, item, memory_zone=memory_zone)
        for record, item in zip(records, items, strict=True)
    ]


def _is_plain(nlp: Language, item: InputDoc) -> bool:
    text = item.text
    return item.error is None and bool(text and text.strip()) and len(text) <= nlp.max_length


def _completed(record: dict, item: InputDoc) -> dict:
    """A decision's record with the input's source, warnings and other fields."""
    record["source"] = item.source
    record["version"] = __version__
    if item.warnings:
        record["warnings"] = list(item.warnings)
    for key, value in item.extra.items():
        if key not in _RESERVED:
            record.setdefault(key, value)
    return record


def error_record(item: InputDoc, reason: str) -> dict:
    """The record of an input that could not be processed."""
    record = {"id": item.id, "source": item.source, "error": reason, "version": __version__}
    if item.warnings:
        record["warnings"] = list(item.warnings)
    return record


def process_text(nlp: Language, text: str) -> Doc:
    """``nlp(text)``, also for a text longer than ``nlp.max_length``.

    A longer text is cut at paragraph breaks (else line breaks, else spaces) into pieces
    below ``nlp.max_length``; the pieces are processed one by one and joined with
    ``Doc.from_docs``, which shifts every span and span value, so the doc's offsets index
    the full text. The header metadata come from the first piece, the overall outcome is
    recomputed on the joined doc. Pieces keep memory bounded (spaCy's limit exists because
    memory grows with the document); only a heading's scope cannot cross a cut.
    """
    if len(text) <= nlp.max_length:
        return nlp(text)
    docs = list(nlp.pipe(split_text(text, nlp.max_length)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # W101: doc-level values are not joined; set below
        joined = Doc.from_docs(docs, ensure_whitespace=False)
    remember_text(joined, text)
    joined._.metadata = docs[0]._.metadata
    if "decision" in nlp.pipe_names:
        joined = nlp.get_pipe("decision")(joined)
    return joined


def split_text(text: str, limit: int) -> list[str]:
    """Consecutive pieces of ``text``, each at most ``limit`` characters, that join back to it.

    Cuts fall after a paragraph break where one lies in the second half of a piece, else
    after a line break, else after a space, else at the limit.
    """
    if limit < 2:
        raise ValueError("limit must be at least 2 characters")
    pieces: list[str] = []
    start = 0
    while len(text) - start > limit:
        end = start + limit
        cut = _last_break(text, start + limit // 2, end)
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


def _last_break(text: str, low: int, high: int) -> int:
    """Where to cut ``text`` between ``low`` and ``high``: just after the best break."""
    breaks = [m.end() for m in _PARAGRAPH.finditer(text, low, high)]
    if breaks:
        return breaks[-1]
    for separator in ("\n", " "):
        position = text.rfind(separator, low, high)
        if position >= 0:
            return position + 1
    return high


def _init_worker(patterns: str | None, renew_every: int = RENEW_EVERY) -> None:
    global _WORKER_NLP, _worker_settings, _warm_up_left, _renew_left
    from .pipeline import load

    if _WORKER_NLP is not None:  # free the old pipeline (it holds cycles) before the new loads
        _WORKER_NLP = None
        gc.collect()
    _WORKER_NLP = load(patterns)
    _worker_settings = (patterns, renew_every)
    _warm_up_left = WARM_UP_DOCS
    _renew_left = renew_every


def _work_batch(items: list[InputDoc]) -> list[str]:
    global _warm_up_left, _renew_left
    if _renew_left <= 0:
        _init_worker(*_worker_settings)
    _renew_left -= len(items)
    assert _WORKER_NLP is not None
    zone = _warm_up_left <= 0
    _warm_up_left -= 0 if zone else len(items)
    return [json_line(r) for r in process_inputs(_WORKER_NLP, items, memory_zone=zone)]


def json_line(record: dict) -> str:
    """One JSONL line; escaped to ASCII if the record holds text UTF-8 cannot encode."""
    line = json.dumps(record, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates, e.g. from "\ud800" in a JSONL input
        line = json.dumps(record, ensure_ascii=True)
    return line


def process_lines(
    items: Iterable[InputDoc],
    patterns: str | Path | None = None,
    n_process: int = 1,
    chunksize: int = PIPE_BATCH,
    renew_every: int = RENEW_EVERY,
) -> Iterator[str]:
    """JSON lines for the inputs, in input order, streaming.

    The inputs are processed in batches of ``chunksize`` (see :func:`process_inputs`). With
    ``n_process > 1`` the batches go to spawned worker processes, with a bounded number in
    flight, so neither the inputs nor the results pile up in memory. If a worker dies
    (killed, out of memory), a ``ChildProcessError`` says so instead of the run hanging;
    ``--resume`` continues it. Each process loads a fresh pipeline every ``renew_every``
    documents (see :data:`RENEW_EVERY`); the records do not change.
    """
    patterns = str(patterns) if patterns is not None else None
    if n_process <= 1:
        _init_worker(patterns, renew_every)
        for batch in _batches(items, chunksize):
            yield from _work_batch(batch)
        return
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        n_process,
        mp_context=context,
        initializer=_init_worker,
        initargs=(patterns, renew_every),
    )
    pending: deque[Future[list[str]]] = deque()
    try:
        for batch in _batches(items, chunksize):
            pending.append(pool.submit(_work_batch, batch))
            if len(pending) >= 4 * n_process:
                yield from _result(pending.popleft())
        while pending:
            yield from _result(pending.popleft())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _batches(items: Iterable[InputDoc], size: int) -> Iterator[list[InputDoc]]:
    iterator = iter(items)
    while batch := list(islice(iterator, max(size, 1))):
        yield batch


def _result(future: Future[list[str]]) -> list[str]:
    try:
        return future.result()
    except BrokenProcessPool as err:
        raise ChildProcessError(
            "a worker process died (killed or out of memory); the records written so far "
            "are kept: run again with --resume"
        ) from err
