"""ombudsman_nlp: structured data from the decision statements of the Local Government and
Social Care Ombudsman, with a rule-based spaCy pipeline."""

from __future__ import annotations

from .annotate import AnnotationSession, annotate
from .dataframe import to_dataframe
from .notebook import display, render_html
from .pipeline import load
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
