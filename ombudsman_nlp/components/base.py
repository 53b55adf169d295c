"""What every rule-based component shares: its pattern set, validation and serialisation."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import ensure_path, minibatch, raise_error

from .. import extensions
from ..patterns import Pattern, PatternError, bundled, parse_patterns, read_patterns, write_patterns

ErrorHandler = Callable[[str, Callable[[Doc], Doc], list[Doc], Exception], None]


class BatchedPipe:
    """``pipe`` for a rule-based component: each batch of documents goes through the
    component before the next component sees it.

    Run document by document, seven components take turns on each decision and keep
    evicting each other's matchers and tables from the processor's caches; over a batch each
    works on warm data, about a fifth faster. ``nlp.pipe`` calls this; ``nlp(text)`` is
    unchanged. Errors go to the handler ``nlp.set_error_handler`` sets, as for spaCy's own
    components: the default raises; a handler that returns drops the document.
    """

    name: str
    batch_cap: ClassVar[int] = 32  # a batch larger than this buys nothing but memory

    def __call__(self, doc: Doc) -> Doc:
        raise NotImplementedError

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        handle = self.get_error_handler()
        for batch in minibatch(stream, size=max(1, min(batch_size, self.batch_cap))):
            done = []
            for doc in batch:
                try:
                    done.append(self(doc))
                except Exception as error:  # noqa: BLE001  (the handler decides)
                    handle(self.name, self, [doc], error)
            yield from done

    def set_error_handler(self, error_handler: ErrorHandler) -> None:
        self.error_handler = error_handler

    def get_error_handler(self) -> ErrorHandler:
        return getattr(self, "error_handler", raise_error)


class PatternComponent(BatchedPipe):
    """A component driven by one JSONL pattern file.

    Subclasses name the bundled file (``pattern_file``) and the labels it may use, and rebuild
    their matchers in ``_compile``. ``to_disk``/``from_disk`` write and read the patterns, so
    rules added in memory survive ``nlp.to_disk`` and ``spacy.load``.
    """

    pattern_file: ClassVar[str]
    pattern_labels: ClassVar[tuple[str, ...] | None] = None

    def __init__(self, nlp: Language, name: str, use_default_patterns: bool = True) -> None:
        extensions.register()
        self.nlp = nlp
        self.name = name
        self.patterns: list[Pattern] = []
        with paused_gc():
            if use_default_patterns:
                self.set_patterns(bundled(self.pattern_file, self.pattern_labels))
            else:
                self.set_patterns([])

    # -- patterns -------------------------------------------------------------------------
    def set_patterns(self, patterns: Iterable[Pattern | dict]) -> None:
        """Replace the rule set (dicts are validated like pattern-file lines)."""
        with paused_gc():
            self.patterns = self._validated(patterns)
            self._compile()

    def add_patterns(self, patterns: Iterable[Pattern | dict]) -> None:
        """Add rules to the current set."""
        self.set_patterns([*self.patterns, *self._validated(patterns)])

    def load_patterns(self, path: str | Path) -> None:
        """Replace the rule set with a pattern file."""
        self.set_patterns(read_patterns(path, self.pattern_labels))

    def _validated(self, patterns: Iterable[Pattern | dict]) -> list[Pattern]:
        items = list(patterns)
        if all(isinstance(p, Pattern) for p in items):
            counts = Counter(p.id for p in items)
            duplicates = sorted(i for i, n in counts.items() if n > 1)
            if duplicates:
                raise PatternError(f"{self.name}: duplicate pattern ids {duplicates}")
            return items
        lines = [srsly.json_dumps(p.to_json() if isinstance(p, Pattern) else p) for p in items]
        return parse_patterns(lines, f"<{self.name} patterns>", self.pattern_labels)

    def _compile(self) -> None:
        """Build the matchers from ``self.patterns``."""

    # -- serialisation --------------------------------------------------------------------
    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        write_patterns(path / "patterns.jsonl", self.patterns)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> PatternComponent:
        file = ensure_path(path) / "patterns.jsonl"
        if file.exists():
            self.load_patterns(file)
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return srsly.msgpack_dumps({"patterns": [p.to_json() for p in self.patterns]})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> PatternComponent:
        self.set_patterns(srsly.msgpack_loads(data)["patterns"])
        return self


@contextmanager
def paused_gc() -> Iterator[None]:
    """Hold off the cyclic garbage collector while a rule set is built.

    Building matchers allocates thousands of long-lived objects, each allocation burst
    triggering full collections that scan everything spaCy has loaded; none of it is garbage.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
