"""The standalone page in a real headless Chromium: every label shows in its own colour."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import ombudsman_nlp
from ombudsman_nlp import labels
from ombudsman_nlp.cli import main
from ombudsman_nlp.notebook import display_span_group

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "training" / "seeds" / "000_5a2b375e91cba30c.txt"
CHROMIUM = next(
    (
        p
        for p in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"))
        if p and Path(p).exists()
    ),
    None,
)

# Reads, in the browser, the computed background colour of every displaCy span label and
# legend item, and writes them as JSON into the page for --dump-dom.
PROBE = """<script>
const names = %s;
const found = {marks: {}, legend: {}};
for (const el of document.querySelectorAll(".spans span")) {
  const label = el.textContent.trim();
  if (el.childElementCount === 0 && names.includes(label)) {
    (found.marks[label] = found.marks[label] || []).push(getComputedStyle(el).backgroundColor);
  }
}
for (const el of document.querySelectorAll(".on-legend-item")) {
  found.legend[el.dataset.label] = getComputedStyle(el).backgroundColor;
}
const pre = document.createElement("pre");
pre.id = "probe";
pre.textContent = JSON.stringify(found);
document.body.appendChild(pre);
</script>"""


def rgb(hex_colour: str) -> str:
    value = hex_colour.lstrip("#")
    r, g, b = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgb({r}, {g}, {b})"


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (run .ci/install-chromium)")
def test_every_label_of_the_seed_shows_in_its_colour(tmp_path):
    page = tmp_path / "seed.html"
    assert main(["render", str(SEED), "-o", str(page)]) == 0
    names = list(labels.DISPLACY_COLORS)
    probe = tmp_path / "probe.html"
    markup = page.read_text(encoding="utf-8")
    probe.write_text(markup.replace("</body>", PROBE % json.dumps(names) + "</body>"), "utf-8")
    profile = tmp_path / "profile"
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--dump-dom",
            probe.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    match = re.search(r'<pre id="probe">(.*?)</pre>', result.stdout, re.S)
    assert match, result.stdout[-2000:]
    found = json.loads(html.unescape(match.group(1)))

    doc = ombudsman_nlp.load()(SEED.read_text(encoding="utf-8"))
    expected = {s.label_ for s in display_span_group(doc)}
    assert {"COMPLAINT_HEAD", "FAULT", "INJUSTICE", "REMEDY_PAYMENT", "ACTION"} <= expected
    assert set(found["marks"]) == expected
    for label in expected:
        assert set(found["marks"][label]) == {rgb(labels.DISPLACY_COLORS[label])}, label
    assert found["legend"] == {k: rgb(v) for k, v in labels.DISPLACY_COLORS.items()}
