"""Shared fixtures: the pipeline (loaded once) and the bundled seed decisions."""

from __future__ import annotations

from pathlib import Path

import pytest

import ombudsman_nlp

ROOT = Path(__file__).resolve().parent.parent
TRAINING = ROOT / "training"
SEEDS = TRAINING / "seeds"


@pytest.fixture(scope="session")
def nlp():
    return ombudsman_nlp.load()


@pytest.fixture(scope="session")
def seed_text():
    def read(stem: str) -> str:
        return (SEEDS / f"{stem}.txt").read_text(encoding="utf-8")

    return read
