"""Build the ombudsman_nlp pipeline on ``spacy.blank("en")``."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import components  # noqa: F401  (registers the factories)
from .components.base import PatternComponent
from .extensions import remember_text

# Component order: sections set the sentences every later component reads.
PIPE_NAMES: tuple[str, ...] = (
    "ombudsman_sections",
    "ombudsman_header",
    "ombudsman_heads",
    "ombudsman_findings",
    "ombudsman_remedies",
    "ombudsman_actions",
    "ombudsman_decision",
)


def load(patterns: str | Path | None = None) -> Language:
    """The pipeline; ``patterns`` is a folder of pattern files that replace the bundled ones.

    Each component reads its own file from the folder (``findings.jsonl``, ``heads.jsonl``,
    ...); a component whose file is absent keeps the bundled patterns.
    """
    nlp = spacy.blank("en")
    nlp.make_doc = TextKeepingMakeDoc(nlp)  # type: ignore[method-assign]
    for name in PIPE_NAMES:
        nlp.add_pipe(name, name=name.removeprefix("ombudsman_"))
    if patterns is not None:
        use_patterns(nlp, patterns)
    return nlp


def use_patterns(nlp: Language, folder: str | Path) -> list[str]:
    """Load the pattern files found in ``folder`` into the matching components."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"pattern folder not found: {folder}")
    loaded = []
    for _name, component in nlp.pipeline:
        if isinstance(component, PatternComponent):
            file = folder / component.pattern_file
            if file.exists():
                component.load_patterns(file)
                loaded.append(str(file))
    return loaded


class TextKeepingMakeDoc:
    """``Language.make_doc`` that remembers the input text of each doc.

    The components read the text of every document; ``Doc.text`` rebuilds it from the
    tokens on each access, while the input string is the same text (spaCy's tokenizer is
    non-destructive). A plain class, so the pipeline still pickles.
    """

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp

    def __call__(self, text: str) -> Doc:
        doc = Language.make_doc(self.nlp, text)
        remember_text(doc, text)
        return doc
