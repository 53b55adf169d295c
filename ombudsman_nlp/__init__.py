"""ombudsman_nlp: structured data from the decision statements of the Local Government and
Social Care Ombudsman, with a rule-based spaCy pipeline."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .pipeline import load

if TYPE_CHECKING:
    from .annotation import AnnotationSession, annotate
    from .dataframe import to_dataframe
    from .notebook import display, render_html
    from .schema import Decision

__version__ = "0.1.0"
__all__ = [
    "AnnotationSession",
    "Decision",
    "__version__",
    "annotate",
    "display",
    "load",
    "render_html",
    "to_dataframe",
]

# Imported on first use: loading the pipeline needs neither the models nor the notebook helpers.
_LAZY = {
    "AnnotationSession": "annotation",
    "annotate": "annotation",
    "Decision": "schema",
    "to_dataframe": "dataframe",
    "display": "notebook",
    "render_html": "notebook",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ombudsman_nlp' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
