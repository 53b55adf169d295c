"""The pipeline components, one module each; importing this registers their factories."""

from . import actions, decision, findings, header, heads, remedies, sections  # noqa: F401
