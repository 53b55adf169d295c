"""Tests of ombudsman_nlp.textio: cleaning, HTML to text, and reading inputs.

Fixtures in tests/data/inputs/ are real LGSCO decision text (see tests/data/README.md).
Byte-level variants (Windows line endings, cp1252, binary, empty) are written by the tests
themselves from those fixtures, so that no checkout setting (autocrlf) can alter them.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ombudsman_nlp.textio import (
    EmptyInput,
    FirstSources,
    InputDoc,
    UnreadableInput,
    clean_text,
    html_to_text,
    iter_inputs,
    looks_like_html,
)

DATA = Path(__file__).parent / "data" / "inputs"
EXCERPT_PATH = DATA / "24-001-148.txt"
HTML_PATH = DATA / "20-003-792.html"
JSONL_PATH = DATA / "decisions.jsonl"
EXCERPT = EXCERPT_PATH.read_text(encoding="utf-8")
SUMMARY = (
    "Summary: Mr X complained that the Council did not deal with child protection issues "
    "properly. The Council did not properly assess Mr X’s circumstances and delayed making a "
    "reassessment. Mr X suffered avoidable distress. The Council should pay Mr X £4,724."
)


def test_fixture_is_the_real_excerpt():
    assert EXCERPT.startswith("Stoke-on-Trent City Council (24 001 148)\n")
    assert SUMMARY in EXCERPT
    assert "\r" not in EXCERPT


# ---------------------------------------------------------------------------- clean_text


def test_clean_utf8_text_is_unchanged():
    text, warnings = clean_text(EXCERPT.encode("utf-8"))
    assert text == EXCERPT
    assert warnings == []


def test_clean_str_is_unchanged():
    assert clean_text(EXCERPT) == (EXCERPT, [])


def test_utf8_bom_is_dropped():
    text, warnings = clean_text(b"\xef\xbb\xbf" + EXCERPT.encode("utf-8"))
    assert text == EXCERPT
    assert warnings == []


def test_windows_line_endings():
    raw = EXCERPT.replace("\n", "\r\n").encode("utf-8")
    text, warnings = clean_text(raw)
    assert text == EXCERPT
    assert "\r" not in text
    assert warnings == ["normalised line endings to \\n"]
    # Offsets line up with the LF version of the text.
    assert text.index("£4,724") == EXCERPT.index("£4,724")


def test_old_mac_line_endings_and_form_feeds():
    text, _ = clean_text("Decision : Upheld\rDecision date : 23 Apr 2025\x0cSummary: x")
    assert text == "Decision : Upheld\nDecision date : 23 Apr 2025\nSummary: x"


def test_non_breaking_and_narrow_spaces_become_spaces():
    raw = (
        "Stoke-on-Trent City Council (24\u00a0001\u202f148)\n"
        "The Council should pay Mr\u00a0X £4,724.\u2007"
    )
    text, warnings = clean_text(raw)
    assert text == "Stoke-on-Trent City Council (24 001 148)\nThe Council should pay Mr X £4,724. "
    assert len(text) == len(raw)  # offsets unchanged
    assert warnings == []


def test_zero_width_characters_are_removed():
    text, warnings = clean_text("\ufeffThe com\u200bplaint\u200d about Mr\u00adX\u2060’s care")
    assert text == "The complaint about MrX’s care"
    assert warnings == ["removed 5 invisible or control character(s)"]


def test_mojibake_is_repaired():
    text, warnings = clean_text("The Council should pay Mr Xâ€™s mother Â£500.")
    assert text == "The Council should pay Mr X’s mother £500."
    assert warnings == ["repaired mojibake"]


def test_mojibake_in_bytes_is_repaired():
    raw = "Mr X£4,724 said the Councilâ€™s".encode()
    assert clean_text(raw) == ("Mr X£4,724 said the Council’s", ["repaired mojibake"])


def test_repair_keeps_quotes_dashes_ligatures_width_and_normal_form():
    raw = (
        "We investigate complaints about ‘maladministration’ and “service failure” – "
        "the ﬁnal decision, ＡＢＣ, cafe\u0301 ... Mr X's"
    )
    assert clean_text(raw) == (raw, [])


def test_cp1252_bytes():
    original = "Mr X’s complaint – the Council should pay £500 “in recognition”."
    text, warnings = clean_text(original.encode("cp1252"))
    assert text == original
    assert warnings == ["decoded as cp1252 (not valid UTF-8 at byte 4)"]


def test_latin1_fallback_when_cp1252_fails():
    # 0x81 is undefined in cp1252: latin-1 decodes it to a C1 control, then removed.
    text, warnings = clean_text(b"Caf\xe9 \x81review")
    assert text == "Café review"
    assert warnings[0] == "decoded as latin-1 (not valid UTF-8 at byte 3)"


def test_utf16_with_bom():
    text, warnings = clean_text(EXCERPT.encode("utf-16"))
    assert text == EXCERPT
    assert warnings == ["decoded as UTF-16"]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\x00\x01\x02binary\x00data", "contains NUL bytes"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "looks like a PDF file"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP archive"),
        ("text\x01\x02\x03\x04\x05\x06", "control characters"),
        ("Mr X\x00", "contains NUL characters"),
    ],
)
def test_binary_is_unreadable(raw, reason):
    with pytest.raises(UnreadableInput, match=reason):
        clean_text(raw)


@pytest.mark.parametrize("raw", [b"", b"  \n\r\n\t ", "", " \u00a0\u200b\n"])
def test_empty_input(raw):
    with pytest.raises(EmptyInput):
        clean_text(raw)


def test_errors_are_value_errors():
    assert issubclass(UnreadableInput, ValueError)
    assert issubclass(EmptyInput, ValueError)


def test_clean_rejects_other_types():
    with pytest.raises(TypeError):
        clean_text(42)  # type: ignore[arg-type]


def test_html_detected_in_text():
    text, warnings = clean_text(HTML_PATH.read_bytes())
    assert text.startswith("Staffordshire County Council (20 003 792)\n\nCategory : ")
    assert warnings == ["converted HTML to text"]


def test_html_fragment_detected_and_forced():
    assert clean_text("<p>Summary: We find fault.</p><p>Next.</p>")[0] == (
        "Summary: We find fault.\n\nNext."
    )
    assert clean_text("Summary only", html=True) == ("Summary only", ["converted HTML to text"])
    assert clean_text("<p>kept as is</p>", html=False)[0] == "<p>kept as is</p>"


@pytest.mark.parametrize(
    "text",
    [
        "If a < b and c > d the Council is at fault.",
        "Mr X wrote <redacted> in his email.",
        "Amounts: <£500 and >£100",
    ],
)
def test_plain_text_is_not_html(text):
    assert not looks_like_html(text)
    assert clean_text(text) == (text, [])


@pytest.mark.parametrize(
    "text", ["<!DOCTYPE html><p>x</p>", "  <html><body>x</body></html>", "<!-- c -->\n<HTML>"]
)
def test_pages_are_html(text):
    assert looks_like_html(text)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_clean_text_invariants(raw):
    try:
        text, warnings = clean_text(raw)
    except (EmptyInput, UnreadableInput):
        return
    assert text.strip()
    assert "\r" not in text
    assert not set(text) & {"\u00a0", "\u202f", "\u2007", "\u200b", "\ufeff", "\x00"}
    assert all(isinstance(w, str) for w in warnings)


@settings(max_examples=200, deadline=None)
@given(st.binary())
def test_clean_text_never_fails_on_bytes_except_documented(raw):
    with contextlib.suppress(EmptyInput, UnreadableInput):
        clean_text(raw)


# --------------------------------------------------------------------------- html_to_text


def test_html_page_with_cookie_banner_and_nested_list():
    text = html_to_text(HTML_PATH.read_text(encoding="utf-8"))
    assert text == (
        "Staffordshire County Council (20\u00a0003\u00a0792)\n"
        "\n"
        "Category : Children's care services > Other\n"
        "\n"
        "Decision : Upheld\n"
        "\n"
        "Decision date : 21 Jan 2021\n"
        "\n"
        "The Ombudsman’s final decision:\n"
        "\n"
        "Summary: We find fault with the way the Council handled Mr B’s request to progress his "
        "complaint to stage two of the children’s services statutory complaints process. This "
        "means Mr B was denied an independent investigation. The Council agrees actions to "
        "remedy the injustice.\n"
        "\n"
        "The complaint\n"
        "\n"
        "1. Mr B complains about the Councils actions when his children were subject of a child "
        "in need assessment and plan.\n"
        "2. He complains the Council:\n"
        "  - Included inaccurate information in the assessment report.\n"
        "  - Failed to invite him to the child in need meeting.\n"
        "\n"
        "Back to top\n"
        "\n"
        "Agreed action\n"
        "\n"
        "1. Within one month of my final decision the Council agrees to:\n"
        "  - Pay Mr B £100 for his time and trouble pursuing his complaint.\n"
        "  - Appoint an Investigating Officer and Independent Person to investigate Mr B’s "
        "complaint at stage two of the statutory complaint procedure."
    )
    for furniture in ("cookies", "Accept all", "Home", "dataLayer", "not text", "console"):
        assert furniture not in text
    assert "Local Government and Social Care Ombudsman" not in text  # site title and footer


def test_html_lists_nested_three_levels_and_numbering():
    html = (
        "<ul><li>one<ul><li>nested<ol><li>deep</li><li>deeper</li></ol></li></ul></li>"
        "<li>two</li></ul>"
        '<ol start="3"><li>c</li><li value="7">g</li><li>h</li></ol>'
        '<ol type="a"><li>first</li><li>second</li></ol>'
        '<ol type="i"><li>first</li><li>second</li><li>third</li><li>fourth</li></ol>'
    )
    assert html_to_text(html) == (
        "- one\n  - nested\n    1. deep\n    2. deeper\n- two\n"
        "\n3. c\n7. g\n8. h\n"
        "\na. first\nb. second\n"
        "\ni. first\nii. second\niii. third\niv. fourth"
    )


def test_html_unclosed_items_and_paragraphs():
    html = "<p>Summary<p>The complaint<ul><li>Failed to reply<li>Delayed<li><p>Para one<p>two</ul>"
    assert html_to_text(html) == (
        "Summary\n\nThe complaint\n\n- Failed to reply\n- Delayed\n- Para one\n  two"
    )


def test_html_breaks_blank_lines_and_whitespace():
    html = "<div>Decision :\n   Upheld</div><div>a<br>b<br><br><br><br>c</div>\n\n\n<p>  d  </p>"
    assert html_to_text(html) == "Decision : Upheld\na\nb\n\nc\n\nd"


def test_html_entities_and_inline_markup():
    html = "<p>Mr&nbsp;X&rsquo;s <b>£</b><i>500</i> &amp; &#8220;fault&#8221; &lt;b&gt;</p>"
    assert html_to_text(html) == "Mr\u00a0X’s £500 & “fault” <b>"


def test_html_tables_pre_and_hidden():
    html = (
        "<table><tr><th>Amount</th><th>Purpose</th></tr><tr><td>£100</td><td>time</td></tr>"
        "</table><pre>  line 1\n    line 2</pre>"
        '<div hidden>hidden</div><p style="display: none">gone</p><span aria-hidden="true">x'
        '</span><div class="consent-modal"><p>We use cookies</p></div><p>end</p>'
    )
    assert html_to_text(html) == "Amount\tPurpose\n£100\ttime\n\n  line 1\n    line 2\n\nend"


def test_html_unclosed_head_ends_at_body():
    assert html_to_text("<html><head><title>Title<body><p>Text</p>") == "Text"


def test_html_article_footer_kept():
    html = (
        "<article><p>Decision</p><footer>Final decision date</footer></article>"
        "<footer>Site map</footer>"
    )
    assert html_to_text(html) == "Decision\n\nFinal decision date"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/ pliuoldvbr=\"'&;#x\n ab"))))
def test_html_to_text_never_fails(html):
    text = html_to_text(html)
    assert "\n\n\n" not in text


# ---------------------------------------------------------------------------- iter_inputs


def test_iter_text_and_html_files():
    docs = list(iter_inputs([EXCERPT_PATH, str(HTML_PATH)]))
    assert [d.id for d in docs] == ["24-001-148", "20-003-792"]
    assert docs[0] == InputDoc(id="24-001-148", text=EXCERPT, source=str(EXCERPT_PATH))
    assert docs[1].source == str(HTML_PATH)
    assert docs[1].warnings == ["converted HTML to text"]
    assert docs[1].text.startswith("Staffordshire County Council (20 003 792)\n")
    assert all(d.ok for d in docs)


def test_iter_accepts_a_single_path():
    assert [d.id for d in iter_inputs(EXCERPT_PATH)] == ["24-001-148"]


def test_iter_nonexistent_path(tmp_path):
    missing = tmp_path / "nowhere" / "24-001-149.txt"
    (doc,) = iter_inputs([missing])
    assert doc.id == "24-001-149"
    assert doc.text is None
    assert doc.source == str(missing)
    assert doc.error == f"{missing}: no such file or directory"


def test_iter_jsonl_with_bad_lines():
    docs = list(iter_inputs([JSONL_PATH]))
    src = str(JSONL_PATH)
    assert [(d.id, d.source, d.ok) for d in docs] == [
        ("24-013-077", f"{src}:1", True),
        ("decisions:2", f"{src}:2", True),
        ("decisions:3", f"{src}:3", False),
        ("no-text", f"{src}:4", False),
        ("number-text", f"{src}:5", False),
        ("20-007-616", f"{src}:7", True),
        ("decisions:8", f"{src}:8", False),
    ]
    first, mojibake, broken, no_text, number, last, array = docs
    assert first.text.startswith("Summary: We upheld this complaint about how the Council’s")
    assert first.extra == {"source": "002_3361a64780ec40b8.txt", "complete": False}
    assert mojibake.warnings == ["repaired mojibake"]
    assert "symbolic payment of £500 in recognition" in mojibake.text
    assert mojibake.text.endswith("caused by the Council’s faults.")
    assert broken.error.startswith(f"{src}:3: invalid JSON: ")
    assert no_text.error == f"{src}:4: missing 'text' field"
    assert no_text.extra == {"source": "003_10efd45c4424b1c0.txt"}
    assert number.error == f"{src}:5: 'text' must be a string, got a number"
    assert last.text == (
        "Summary: Miss X complains about the Council’s response to child protection concerns. "
        "The Council is at fault, has caused injustice and has agreed financial remedies."
    )
    assert array.error == f"{src}:8: expected a JSON object, got an array"
    assert all(d.text is None for d in (broken, no_text, number, array))


def test_jsonl_empty_text_and_bom(tmp_path):
    path = tmp_path / "batch.jsonl"
    lines = [json.dumps({"id": "a", "text": SUMMARY}), json.dumps({"id": "b", "text": "  "})]
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode("utf-8") + b"\n")
    a, b = iter_inputs([path])
    assert (a.id, a.text, a.error) == ("a", SUMMARY, None)
    assert b.error == f"{path}:2: input holds only white space"


def _make_folder(root: Path) -> Path:
    folder = root / "decisions"
    (folder / "2021").mkdir(parents=True)
    (folder / "2025").mkdir()
    (folder / "notes.txt").mkdir()  # a directory named like a text file
    (folder / ".cache").mkdir()
    for i in range(10):
        (folder / f"decision_{i:02d}.txt").write_text(
            EXCERPT.replace("24 001 148", f"24 001 {i:03d}"), encoding="utf-8"
        )
    (folder / "decision_05.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "windows.txt").write_bytes(EXCERPT.replace("\n", "\r\n").encode("cp1252"))
    (folder / "2021" / "summary.txt").write_text(SUMMARY, encoding="utf-8")
    (folder / "2025" / "summary.txt").write_text(SUMMARY, encoding="utf-8")
    (folder / "notes.txt" / "inner.txt").write_text(SUMMARY, encoding="utf-8")
    (folder / "page.html").write_bytes(HTML_PATH.read_bytes())
    (folder / "readme.md").write_text("not an input", encoding="utf-8")
    (folder / ".hidden.txt").write_text("skipped", encoding="utf-8")
    (folder / ".cache" / "x.txt").write_text("skipped", encoding="utf-8")
    return folder


def test_iter_folder(tmp_path):
    folder = _make_folder(tmp_path)
    docs = list(iter_inputs([folder]))
    assert [d.id for d in docs] == [
        "2021/summary",
        "2025/summary",
        *[f"decision_{i:02d}" for i in range(10)],
        "empty",
        "inner",
        "page",
        "windows",
    ]
    by_id = {d.id: d for d in docs}
    assert by_id["2021/summary"].source == str(folder / "2021" / "summary.txt")
    assert by_id["2021/summary"].text == SUMMARY
    assert by_id["inner"].source == str(folder / "notes.txt" / "inner.txt")
    png = by_id["decision_05"]
    assert png.text is None
    assert png.error == (
        f"{folder / 'decision_05.txt'}: binary data: looks like a PNG image, not text"
    )
    assert by_id["empty"].error == f"{folder / 'empty.txt'}: empty input"
    assert by_id["decision_06"].text == EXCERPT.replace("24 001 148", "24 001 006")
    assert by_id["windows"].text == EXCERPT
    first_curly_quote = EXCERPT.replace("\n", "\r\n").index("’")  # one byte per char before
    assert by_id["windows"].warnings == [
        f"decoded as cp1252 (not valid UTF-8 at byte {first_curly_quote})",
        "normalised line endings to \\n",
    ]
    assert by_id["page"].warnings == ["converted HTML to text"]
    assert sum(d.ok for d in docs) == 14


def test_iter_mixed_paths_continue_after_errors(tmp_path):
    folder = _make_folder(tmp_path)
    paths = [tmp_path / "missing.txt", folder / "notes.txt", JSONL_PATH, EXCERPT_PATH]
    docs = list(iter_inputs(paths))
    assert docs[0].error == f"{tmp_path / 'missing.txt'}: no such file or directory"
    assert docs[1].id == "inner"  # a folder named *.txt is read as a folder
    assert [d.id for d in docs[2:9]][0] == "24-013-077"
    assert docs[-1].id == "24-001-148"
    assert docs[-1].ok


def test_iter_duplicate_ids_warn(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x.txt").write_text(SUMMARY, encoding="utf-8")
    (tmp_path / "b" / "x.txt").write_text(SUMMARY, encoding="utf-8")
    first, second = iter_inputs([tmp_path / "a", tmp_path / "b"])
    assert first.warnings == []
    assert second.warnings == [f"duplicate id 'x' (first used by {tmp_path / 'a' / 'x.txt'})"]


def test_iter_duplicate_ids_across_jsonl_files_name_the_first_line(tmp_path):
    first_file, second_file = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    first_file.write_text(
        "".join(json.dumps({"id": f"d{i}", "text": SUMMARY}) + "\n" for i in range(3000)),
        encoding="utf-8",
    )
    second_file.write_text(
        json.dumps({"id": "d2500", "text": SUMMARY})
        + "\n"
        + json.dumps({"id": "new", "text": SUMMARY}),
        encoding="utf-8",
    )
    *_, repeated, new = iter_inputs([first_file, second_file])
    assert repeated.warnings == [f"duplicate id 'd2500' (first used by {first_file}:2501)"]
    assert new.warnings == []


def test_first_sources_keep_ids_as_fingerprints():
    seen = FirstSources()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for number in range(1, 50_001):
        assert seen.setdefault(f"decision-{number}", f"archive.jsonl:{number}") == (
            f"archive.jsonl:{number}"
        )
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert len(seen) == 50_000
    assert seen.setdefault("decision-31337", "other.jsonl:1") == "archive.jsonl:31337"
    assert seen.setdefault("notes", "C:/decisions/notes.txt") == "C:/decisions/notes.txt"
    assert seen.setdefault("notes", "x") == "C:/decisions/notes.txt"
    assert grown < 50_000 * 48  # the id and source strings alone would take over 100 bytes each


def test_iter_special_files_are_errors(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    (folder / "ok.txt").write_text(SUMMARY, encoding="utf-8")
    dangling, ok = iter_inputs([folder])
    assert dangling.error == f"{folder / 'dangling.txt'}: cannot read: not a regular file"
    assert ok.text == SUMMARY


def test_iter_jsonl_streams_100000_lines(tmp_path):
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for i in range(100_000):
            record = {"id": f"doc-{i:05d}", "text": f"Decision {i}.", "n": i}
            handle.write(json.dumps(record) + "\n")
    docs = iter_inputs([path])
    head = list(itertools.islice(docs, 2))
    assert [d.id for d in head] == ["doc-00000", "doc-00001"]
    # Rewrite the last line in place: a lazy reader sees the change, a loaded one would not.
    with path.open("r+b") as handle:
        handle.seek(-len('{"id": "doc-99999", "text": "Decision 99999.", "n": 99999}\n'), 2)
        handle.write(b'{"id": "end-99999"')
    rest = list(docs)
    assert len(head) + len(rest) == 100_000
    last = rest[-1]
    assert (last.id, last.text, last.extra, last.source) == (
        "end-99999",
        "Decision 99999.",
        {"n": 99999},
        f"{path}:100000",
    )
