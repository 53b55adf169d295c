"""ombudsman_nlp: structured data from the decision statements of the Local Government and
Social Care Ombudsman, with a rule-based spaCy pipeline."""

from __future__ import annotations

from .pipeline import load
from .schema import Decision

__version__ = "0.1.0"
__all__ = ["Decision", "__version__", "load"]
