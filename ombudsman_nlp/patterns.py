"""Pattern files: JSONL rules, one per line, validated on load with errors naming file and line.

A line is a SpanRuler-style pattern with a stable ``id``::

    {"id": "fault.this_is_fault", "label": "FAULT", "pattern": "this is fault"}
    {"id": "fault.find_at_fault", "label": "FAULT",
     "pattern": [{"LOWER": "find"}, {"LOWER": "the", "OP": "?"}, {"LOWER": "council"},
                 {"LOWER": "at"}, {"LOWER": "fault"}]}

A string pattern is a phrase matched on lower-cased tokens; a list is a spaCy token pattern.
Components add their own optional keys (``direction``, ``sections``, ...), declared here so
that a typo is an error rather than a silently ignored rule.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import srsly
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from spacy.schemas import validate_token_pattern

PACKAGE_DIR = Path(__file__).parent


class PatternError(ValueError):
    """A pattern file or line is malformed; the message names the file and line."""


class Pattern(BaseModel):
    """One rule line of a pattern file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    label: str
    pattern: str | list[dict[str, Any]]
    # Scope rules (ConText style) use these; targets ignore them.
    direction: Literal["forward", "backward", "both"] | None = None
    max_scope: int | None = None
    # Where a rule may fire: section labels it is limited to, or kept out of.
    sections: list[str] | None = None
    exclude_sections: list[str] | None = None
    # Line rules (sections, furniture): how a phrase meets a line.
    match: Literal["line", "prefix", "contains"] | None = None
    # Trigger rules (heads): the token of the match where the target starts (default: after it).
    head_start: int | None = None
    # Harm targets (findings): the frame a harm word needs to state an injustice. "own": the
    # phrase carries it ("had to pay", "lost the opportunity"); "consequence": only a
    # consequence (``FRAME``) will do, not an account ("says the fees were wrong"); unset: a
    # consequence or an account (``ACCOUNT``: "says", "feels").
    frame: Literal["own", "consequence"] | None = None
    comment: str | None = None

    @field_validator("id")
    @classmethod
    def _id_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("id must not be empty")
        return value

    @field_validator("pattern")
    @classmethod
    def _pattern_valid(cls, value: str | list[dict[str, Any]]) -> str | list[dict[str, Any]]:
        if isinstance(value, str):
            if not value.strip():
                raise ValueError("phrase pattern must not be empty")
            return value
        if not value:
            raise ValueError("token pattern must not be empty")
        errors = validate_token_pattern(value)
        if errors:
            raise ValueError("invalid token pattern: " + "; ".join(errors))
        return value

    @property
    def is_phrase(self) -> bool:
        return isinstance(self.pattern, str)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


def default_patterns_dir() -> Path:
    """The bundled pattern folder: inside the installed package, or ``patterns/`` of a checkout."""
    installed = PACKAGE_DIR / "patterns"
    if installed.is_dir():
        return installed
    checkout = PACKAGE_DIR.parent / "patterns"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"bundled patterns not found in {installed} or {checkout}")


def parse_patterns(
    lines: Iterable[str], source: str, labels: Iterable[str] | None = None
) -> list[Pattern]:
    """Validate JSONL lines into patterns; raise PatternError naming ``source`` and the line."""
    allowed = set(labels) if labels is not None else None
    patterns: list[Pattern] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            pattern = Pattern.model_validate_json(line)
        except ValidationError:
            pattern = _validate_line(line, where)
        if allowed is not None and pattern.label not in allowed:
            raise PatternError(
                f"{where}: unknown label {pattern.label!r} (expected one of {sorted(allowed)})"
            )
        if pattern.id in seen:
            raise PatternError(
                f"{where}: duplicate id {pattern.id!r} (first on line {seen[pattern.id]})"
            )
        seen[pattern.id] = number
        patterns.append(pattern)
    return patterns


def _validate_line(line: str, where: str) -> Pattern:
    """One pattern line, or a PatternError naming ``where`` and what is wrong with it."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as err:
        raise PatternError(f"{where}: not valid JSON ({err.msg} at column {err.colno})") from None
    if not isinstance(data, dict):
        raise PatternError(f"{where}: a pattern line must be a JSON object")
    try:
        pattern = Pattern.model_validate(data)
    except ValidationError as err:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'line'}: {e['msg']}" for e in err.errors()
        )
        raise PatternError(f"{where}: {problems}") from None
    return pattern


def read_patterns(path: str | Path, labels: Iterable[str] | None = None) -> list[Pattern]:
    """Read and validate one pattern file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise PatternError(f"{path}: cannot read pattern file ({err})") from None
    return parse_patterns(text.splitlines(), str(path), labels)


def write_patterns(path: str | Path, patterns: Iterable[Pattern]) -> None:
    """Write patterns as JSONL, one rule per line."""
    srsly.write_jsonl(path, [p.to_json() for p in patterns])


def bundled(name: str, labels: Iterable[str] | None = None) -> list[Pattern]:
    """The bundled pattern file ``name`` (e.g. ``"findings.jsonl"``)."""
    return read_patterns(default_patterns_dir() / name, labels)
