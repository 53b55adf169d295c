"""docs/example.ipynb runs top to bottom without error (nbclient, a real kernel)."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="needs the test extra (nbformat)")
nbclient = pytest.importorskip("nbclient", reason="needs the test extra (nbclient)")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "docs" / "example.ipynb"


def outputs(nb, mime: str) -> list[str]:
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if mime in data:
                found.append(data[mime])
            elif mime == "text/plain" and output.get("output_type") == "stream":
                found.append(output["text"])
    return found


def test_example_notebook_runs(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    )
    client.execute()  # raises CellExecutionError on any error
    html = "\n".join(outputs(nb, "text/html"))
    assert 'class="on-decision"' in html and 'data-section="complaint"' in html
    for seed in sorted((ROOT / "training" / "seeds").glob("*.txt")):
        assert seed.stem in html  # one DataFrame row per seed decision
    assert outputs(nb, "application/vnd.jupyter.widget-view+json")
    text = "\n".join(outputs(nb, "text/plain"))
    assert "INJUSTICE" in text and "Mr X suffered avoidable delay and distress." in text
