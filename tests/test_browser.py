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


def probe_page(page: Path, profile: Path, *flags: str) -> dict:
    """Open ``page`` in headless Chromium and read the JSON its script wrote into
    ``<pre id="probe">`` (from ``--dump-dom``)."""
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
            *flags,
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    match = re.search(r'<pre id="probe">(.*?)</pre>', result.stdout, re.S)
    assert match, result.stdout[-2000:]
    return json.loads(html.unescape(match.group(1)))


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
    found = probe_page(probe, tmp_path / "profile")

    doc = ombudsman_nlp.load()(SEED.read_text(encoding="utf-8"))
    expected = {s.label_ for s in display_span_group(doc)}
    assert {"COMPLAINT_HEAD", "FAULT", "INJUSTICE", "REMEDY_PAYMENT", "ACTION"} <= expected
    assert set(found["marks"]) == expected
    for label in expected:
        assert set(found["marks"][label]) == {rgb(labels.DISPLACY_COLORS[label])}, label
    assert found["legend"] == {k: rgb(v) for k, v in labels.DISPLACY_COLORS.items()}


# Renders the mouse-selection widget's script with a stand-in for the widget model, selects
# a stretch of its text as a user's mouse would, and writes what the script sent back.
SELECTION_PAGE = """<!doctype html><html><body><script type="module">
const text = %s;
const [from, to] = %s;
const state = {text, start: -1, end: -1};
let saved = 0;
const model = {
  get: (key) => state[key],
  set: (key, value) => { state[key] = value; },
  save_changes: () => { saved += 1; },
  on: () => {},
};
const module = await import("data:text/javascript;base64,%s");
const el = document.createElement("div");
document.body.appendChild(el);
module.default.render({model, el});
const node = el.querySelector(".ombudsman-selection").firstChild;
const range = document.createRange();
range.setStart(node, from);
range.setEnd(node, to);
window.getSelection().removeAllRanges();
window.getSelection().addRange(range);
node.parentNode.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
const pre = document.createElement("pre");
pre.id = "probe";
pre.textContent = JSON.stringify({start: state.start, end: state.end, saved});
document.body.appendChild(pre);
</script></body></html>"""


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (run .ci/install-chromium)")
def test_mouse_selection_gives_python_offsets(tmp_path):
    import base64

    from ombudsman_nlp.selection import SELECTION_ESM

    text = "Summary 😀 of the case\n\nThe Council did not reply. Mr X was upset."
    wanted = "Mr X was upset."
    start = text.index(wanted)
    # The browser's own offsets count UTF-16 units: the emoji counts two there.
    utf16 = len(text[:start].encode("utf-16-le")) // 2
    bounds = [utf16, utf16 + len(wanted)]
    script = base64.b64encode(SELECTION_ESM.encode("utf-8")).decode("ascii")
    page = tmp_path / "selection.html"
    page.write_text(SELECTION_PAGE % (json.dumps(text), json.dumps(bounds), script), "utf-8")
    found = probe_page(page, tmp_path / "profile", "--virtual-time-budget=5000")
    assert found == {"start": start, "end": start + len(wanted), "saved": 1}
    assert text[found["start"] : found["end"]] == wanted
