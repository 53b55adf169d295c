"""Score extracted decision records against gold records (ANNOTATION.md, "Scoring").

Records are plain dicts in the gold JSON shape (``id``, ``spans``, ``remedies``, ``metadata``,
``overall``, ``actions``); any other keys are ignored. Nothing here needs spaCy.

Conventions shared by every ratio below: precision = tp / (tp + fp), recall = tp / (tp + fn),
F1 = 2·tp / (2·tp + fp + fn) (the harmonic mean of the two), accuracy = correct / n, and each is
0.0 when its denominator is 0. So a label with no gold and no predicted span scores 0.0, not 1.0;
read ``gold`` and ``pred`` (or ``n``) beside a ratio to tell "nothing to find" from "all missed".
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from .labels import SPAN_LABELS

LABELS: tuple[str, ...] = SPAN_LABELS
METADATA_FIELDS: tuple[str, ...] = (
    "organisation",
    "reference",
    "category",
    "outcome",
    "decision_date",
)
OVERALL_FIELDS: tuple[str, ...] = ("fault", "injustice")
NO_PATTERN = "(none)"

_Span = tuple[int, int, int]  # (start, end, index in the record's span list)


# --------------------------------------------------------------------------- helpers


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def _prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": _ratio(tp, tp + fp),
        "recall": _ratio(tp, tp + fn),
        "f1": _ratio(2 * tp, 2 * tp + fp + fn),
    }


def _items(record: dict, key: str) -> list:
    value = record.get(key)
    return list(value) if value else []


def _mapping(record: dict, key: str) -> dict:
    value = record.get(key)
    return value if isinstance(value, dict) else {}


def _index_by_id(records: Iterable[dict], side: str) -> dict[str, dict]:
    index: dict[str, dict] = {}
    for record in records:
        doc_id = record.get("id")
        if doc_id is None:
            raise ValueError(f"{side} record without an 'id'")
        if doc_id in index:
            raise ValueError(f"duplicate {side} id: {doc_id!r}")
        index[doc_id] = record
    return index


def _pair(gold: list[dict], pred: list[dict]) -> list[tuple[dict, dict]]:
    """(gold, pred) per gold record, in gold order; a missing prediction is an empty record."""
    gold_index = _index_by_id(gold, "gold")
    pred_index = _index_by_id(pred, "predicted")
    return [(g, pred_index.get(doc_id, {"id": doc_id})) for doc_id, g in gold_index.items()]


def _spans_by_label(record: dict) -> dict[str, list[_Span]]:
    by_label: dict[str, list[_Span]] = {}
    for i, span in enumerate(_items(record, "spans")):
        try:
            entry = (int(span["start"]), int(span["end"]), i)
            label = span["label"]
        except (KeyError, TypeError, ValueError):
            raise ValueError(
                f"span {span!r} needs start, end and label (document {record.get('id')!r})"
            ) from None
        by_label.setdefault(label, []).append(entry)
    return by_label


def _overlap(a: _Span, b: _Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def half_overlap(a: _Span, b: _Span) -> bool:
    """Whether two spans overlap by at least half of each (the matching rule)."""
    ov = _overlap(a, b)
    return ov > 0 and 2 * ov >= a[1] - a[0] and 2 * ov >= b[1] - b[0]


def match_spans(gold: list[_Span], pred: list[_Span]) -> list[tuple[int, int]]:
    """One-to-one matching of same-label spans; returns (gold position, pred position) pairs.

    A pair is a candidate when the overlap is positive and covers at least half of each span
    (2·overlap >= length of each). Candidates are taken greedily, largest overlap first; ties go
    to the earlier gold span (start, end), then the earlier predicted span (start, end), so the
    result does not depend on the order of either list except between identical spans.
    """
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if half_overlap(g, p):
                candidates.append((-_overlap(g, p), g[0], g[1], p[0], p[1], gi, pi))
    candidates.sort()
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for *_, gi, pi in candidates:
        if gi not in used_gold and pi not in used_pred:
            used_gold.add(gi)
            used_pred.add(pi)
            pairs.append((gi, pi))
    return pairs


def _label_order(seen: Iterable[str]) -> list[str]:
    extra = sorted(set(seen) - set(LABELS))
    return [*LABELS, *extra]


def _pence(amount: Any, doc_id: Any) -> int:
    """An amount in pounds as whole pence, rounded half up."""
    if isinstance(amount, bool) or amount is None:
        raise ValueError(f"remedy amount {amount!r} is not a number (document {doc_id!r})")
    try:
        value = Decimal(str(amount).strip())
    except InvalidOperation:
        raise ValueError(
            f"remedy amount {amount!r} is not a number (document {doc_id!r})"
        ) from None
    if not value.is_finite():
        raise ValueError(f"remedy amount {amount!r} is not finite (document {doc_id!r})")
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _first_by_amount(record: dict, doc_id: Any) -> dict[int, dict]:
    first: dict[int, dict] = {}
    for remedy in _items(record, "remedies"):
        first.setdefault(_pence(remedy.get("amount"), doc_id), remedy)
    return first


def _norm(value: Any) -> str:
    return str(value).strip().casefold()


def _action_kinds(record: dict, doc_id: Any) -> set[str]:
    kinds = set()
    for action in _items(record, "actions"):
        if isinstance(action, str):
            kinds.add(action)
        elif isinstance(action, dict) and isinstance(action.get("kind"), str):
            kinds.add(action["kind"])
        else:
            raise ValueError(f"action {action!r} has no kind (document {doc_id!r})")
    return kinds


# --------------------------------------------------------------------------- score


def score(gold: list[dict], pred: list[dict]) -> dict:
    """Score predicted records against gold records, exactly as ANNOTATION.md "Scoring" says.

    Records are paired by ``id``; a gold id with no predicted record is scored against an empty
    prediction, and predicted records whose id is not in ``gold`` are ignored. Raises ValueError
    on a missing or duplicate id (naming it), on a remedy amount that is not a number and on an
    action that is neither a string nor an object with a string ``kind``.

    Returns a JSON-serialisable dict:

    - ``spans``: per label (all of LABELS, then any other label found, so that a stray label
      counts as fp/fn) ``{tp, fp, fn, precision, recall, f1, exact, gold, pred}``, and ``micro``
      with the same keys summed over labels. A span matches a same-label span when their overlap
      covers at least half of each; matching is one to one, greedy, largest overlap first (see
      ``match_spans``). ``exact`` is the share of matches with identical offsets.
    - ``remedies``: ``{tp, fp, fn, precision, recall, f1, purpose_accuracy, purpose_n}`` over the
      per-document sets of amounts rounded to the penny; ``purpose`` is compared (exactly) between
      the first gold and the first predicted entry of each matched amount.
    - ``metadata``: per field ``{accuracy, n, correct, predicted_where_gold_null}``; ``n`` counts
      documents whose gold value is not null, compared after ``strip()`` and ``casefold()``;
      ``predicted_where_gold_null`` counts non-null predictions (even "") where gold is null.
    - ``overall``: ``{fault: {accuracy, n}, injustice: {accuracy, n}}`` over non-null gold.
    - ``actions``: ``{tp, fp, fn, precision, recall, f1}``, per-document sets of kinds; a
      predicted action may be a string or an object with a ``kind`` key.
    - ``documents``: the number of gold records.
    - ``text_mismatch``: ids whose predicted record carries a ``text`` that differs from the gold
      text (its offsets are then into another text and its span scores are not meaningful).
    """
    pairs = _pair(gold, pred)

    span_counts: dict[str, dict[str, int]] = {}

    def counts(label: str) -> dict[str, int]:
        return span_counts.setdefault(
            label, {"tp": 0, "fp": 0, "fn": 0, "exact": 0, "gold": 0, "pred": 0}
        )

    remedy = {"tp": 0, "fp": 0, "fn": 0, "purpose_correct": 0, "purpose_n": 0}
    meta = {f: {"n": 0, "correct": 0, "predicted_where_gold_null": 0} for f in METADATA_FIELDS}
    overall = {f: {"n": 0, "correct": 0} for f in OVERALL_FIELDS}
    actions = {"tp": 0, "fp": 0, "fn": 0}
    text_mismatch = []

    for g, p in pairs:
        doc_id = g["id"]
        if isinstance(p.get("text"), str) and p["text"] != g.get("text"):
            text_mismatch.append(doc_id)

        gold_spans, pred_spans = _spans_by_label(g), _spans_by_label(p)
        for label in set(gold_spans) | set(pred_spans):
            gs, ps = gold_spans.get(label, []), pred_spans.get(label, [])
            matched = match_spans(gs, ps)
            c = counts(label)
            c["tp"] += len(matched)
            c["fp"] += len(ps) - len(matched)
            c["fn"] += len(gs) - len(matched)
            c["gold"] += len(gs)
            c["pred"] += len(ps)
            c["exact"] += sum(gs[gi][:2] == ps[pi][:2] for gi, pi in matched)

        gold_amounts, pred_amounts = _first_by_amount(g, doc_id), _first_by_amount(p, doc_id)
        common = gold_amounts.keys() & pred_amounts.keys()
        remedy["tp"] += len(common)
        remedy["fp"] += len(pred_amounts.keys() - common)
        remedy["fn"] += len(gold_amounts.keys() - common)
        remedy["purpose_n"] += len(common)
        remedy["purpose_correct"] += sum(
            gold_amounts[a].get("purpose") == pred_amounts[a].get("purpose") for a in common
        )

        gold_meta, pred_meta = _mapping(g, "metadata"), _mapping(p, "metadata")
        for field in METADATA_FIELDS:
            gv, pv = gold_meta.get(field), pred_meta.get(field)
            if gv is None:
                meta[field]["predicted_where_gold_null"] += pv is not None
            else:
                meta[field]["n"] += 1
                meta[field]["correct"] += pv is not None and _norm(pv) == _norm(gv)

        gold_overall, pred_overall = _mapping(g, "overall"), _mapping(p, "overall")
        for field in OVERALL_FIELDS:
            if gold_overall.get(field) is not None:
                overall[field]["n"] += 1
                overall[field]["correct"] += pred_overall.get(field) == gold_overall[field]

        gold_kinds, pred_kinds = _action_kinds(g, doc_id), _action_kinds(p, doc_id)
        actions["tp"] += len(gold_kinds & pred_kinds)
        actions["fp"] += len(pred_kinds - gold_kinds)
        actions["fn"] += len(gold_kinds - pred_kinds)

    spans: dict[str, dict] = {}
    total = {"tp": 0, "fp": 0, "fn": 0, "exact": 0, "gold": 0, "pred": 0}
    for label in _label_order(span_counts):
        c = counts(label)
        for key in total:
            total[key] += c[key]
        spans[label] = _span_entry(c)
    spans["micro"] = _span_entry(total)

    return {
        "spans": spans,
        "remedies": {
            **_prf(remedy["tp"], remedy["fp"], remedy["fn"]),
            "purpose_accuracy": _ratio(remedy["purpose_correct"], remedy["purpose_n"]),
            "purpose_n": remedy["purpose_n"],
        },
        "metadata": {
            field: {
                "accuracy": _ratio(m["correct"], m["n"]),
                "n": m["n"],
                "correct": m["correct"],
                "predicted_where_gold_null": m["predicted_where_gold_null"],
            }
            for field, m in meta.items()
        },
        "overall": {
            field: {"accuracy": _ratio(o["correct"], o["n"]), "n": o["n"]}
            for field, o in overall.items()
        },
        "actions": _prf(actions["tp"], actions["fp"], actions["fn"]),
        "documents": len(pairs),
        "text_mismatch": text_mismatch,
    }


def _span_entry(c: dict[str, int]) -> dict[str, Any]:
    return {
        **_prf(c["tp"], c["fp"], c["fn"]),
        "exact": _ratio(c["exact"], c["tp"]),
        "gold": c["gold"],
        "pred": c["pred"],
    }


def format_report(scores: dict) -> str:
    """The output of ``score`` as a plain-text report, ratios to three decimals."""
    lines = [f"Documents: {scores['documents']}", ""]
    header = f"{'label':<20} {'P':>6} {'R':>6} {'F1':>6} {'exact':>6} {'gold':>6} {'pred':>6}"
    lines += ["Spans", header, "-" * len(header)]
    for label, s in scores["spans"].items():
        if label == "micro":
            continue
        lines.append(_span_line(label, s))
    lines += ["-" * len(header), _span_line("micro", scores["spans"]["micro"]), ""]

    r = scores["remedies"]
    lines += [
        "Remedies (amounts per document)",
        f"  P {r['precision']:.3f}  R {r['recall']:.3f}  F1 {r['f1']:.3f}"
        f"  (tp {r['tp']}, fp {r['fp']}, fn {r['fn']})",
        f"  purpose accuracy {r['purpose_accuracy']:.3f} over {r['purpose_n']} matched amounts",
        "",
        "Metadata",
        f"  {'field':<16} {'accuracy':>8} {'correct':>8} {'n':>5} {'pred where gold null':>21}",
    ]
    for field, m in scores["metadata"].items():
        lines.append(
            f"  {field:<16} {m['accuracy']:>8.3f} {m['correct']:>8} {m['n']:>5}"
            f" {m['predicted_where_gold_null']:>21}"
        )
    lines += ["", "Overall"]
    for field, o in scores["overall"].items():
        lines.append(f"  {field:<16} accuracy {o['accuracy']:.3f} (n {o['n']})")
    a = scores["actions"]
    lines += [
        "",
        "Actions (kinds per document)",
        f"  P {a['precision']:.3f}  R {a['recall']:.3f}  F1 {a['f1']:.3f}"
        f"  (tp {a['tp']}, fp {a['fp']}, fn {a['fn']})",
    ]
    mismatch = scores.get("text_mismatch") or []
    if mismatch:
        lines += [
            "",
            f"WARNING: {len(mismatch)} predicted record(s) carry a text that differs from the "
            f"gold text, so their offsets are not comparable: {', '.join(map(str, mismatch))}",
        ]
    return "\n".join(lines) + "\n"


def _span_line(label: str, s: dict) -> str:
    return (
        f"{label:<20} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f}"
        f" {s['exact']:>6.3f} {s['gold']:>6} {s['pred']:>6}"
    )


# --------------------------------------------------------------------------- patterns


def pattern_report(gold: list[dict], pred: list[dict]) -> dict:
    """Per-pattern precision and the gold spans missed, with the same matching as ``score``.

    A predicted span's pattern is its ``id`` key ("(none)" when absent). Returns
    ``{"patterns": {pattern id: {labels, fired, tp, fp, precision}}, "missed": {label: [{doc_id,
    start, end, text}]}}``; ``labels`` is the sorted list of labels the pattern produced, and
    ``missed`` lists unmatched gold spans in gold document order, then by offsets, for each label
    that has any (LABELS order first).
    """
    patterns: dict[str, dict[str, Any]] = {}
    missed: dict[str, list[dict]] = {}
    for g, p in _pair(gold, pred):
        gold_items, pred_items = _items(g, "spans"), _items(p, "spans")
        gold_spans, pred_spans = _spans_by_label(g), _spans_by_label(p)
        for label in set(gold_spans) | set(pred_spans):
            gs, ps = gold_spans.get(label, []), pred_spans.get(label, [])
            matched = match_spans(gs, ps)
            matched_gold = {gi for gi, _ in matched}
            matched_pred = {pi for _, pi in matched}
            for pi, span in enumerate(ps):
                pattern = pred_items[span[2]].get("id")
                key = NO_PATTERN if pattern is None else str(pattern)
                entry = patterns.setdefault(key, {"labels": set(), "fired": 0, "tp": 0, "fp": 0})
                entry["labels"].add(label)
                entry["fired"] += 1
                entry["tp" if pi in matched_pred else "fp"] += 1
            for gi, (start, end, i) in enumerate(gs):
                if gi in matched_gold:
                    continue
                text = gold_items[i].get("text")
                if text is None:
                    text = (g.get("text") or "")[start:end]
                missed.setdefault(label, []).append(
                    {"doc_id": g["id"], "start": start, "end": end, "text": text}
                )
    for entry in patterns.values():
        entry["labels"] = sorted(entry["labels"])
        entry["precision"] = _ratio(entry["tp"], entry["fired"])
    doc_order = {g["id"]: n for n, g in enumerate(gold)}
    ordered_missed = {
        label: sorted(missed[label], key=lambda m: (doc_order[m["doc_id"]], m["start"], m["end"]))
        for label in _label_order(missed)
        if label in missed
    }
    return {"patterns": dict(sorted(patterns.items())), "missed": ordered_missed}


def format_pattern_report(report: dict, max_text: int = 100) -> str:
    """The output of ``pattern_report`` as text: patterns by fp (most first) then id, then the
    missed gold spans grouped by label, their text on one line and cut to ``max_text`` chars."""
    header = f"{'pattern':<32} {'labels':<32} {'fired':>5} {'tp':>5} {'fp':>5} {'P':>6}"
    lines = ["Patterns", header, "-" * len(header)]
    ordered = sorted(report["patterns"].items(), key=lambda kv: (-kv[1]["fp"], kv[0]))
    for pattern, e in ordered:
        lines.append(
            f"{pattern:<32} {','.join(e['labels']):<32} {e['fired']:>5} {e['tp']:>5}"
            f" {e['fp']:>5} {e['precision']:>6.3f}"
        )
    lines += ["", "Missed gold spans"]
    if not report["missed"]:
        lines.append("  (none)")
    for label, spans in report["missed"].items():
        lines.append(f"{label} ({len(spans)})")
        for m in spans:
            text = " ".join(str(m["text"]).split())
            if len(text) > max_text:
                text = text[: max_text - 1] + "…"
            lines.append(f"  {m['doc_id']} [{m['start']}:{m['end']}] {text}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- per document


def span_counts(
    gold: dict, pred: dict, labels: Iterable[str] | None = None
) -> dict[str, tuple[int, int, int]]:
    """(tp, fp, fn) per span label for one document, with the matching of ``score``.

    ``labels`` limits the labels counted (default: every label on either side). Summing these
    counts over documents gives the span counts of ``score``.
    """
    gold_spans, pred_spans = _spans_by_label(gold), _spans_by_label(pred)
    wanted = set(gold_spans) | set(pred_spans) if labels is None else set(labels)
    counts: dict[str, tuple[int, int, int]] = {}
    for label in wanted:
        gs, ps = gold_spans.get(label, []), pred_spans.get(label, [])
        tp = len(match_spans(gs, ps))
        counts[label] = (tp, len(ps) - tp, len(gs) - tp)
    return counts


__all__ = [
    "LABELS",
    "METADATA_FIELDS",
    "match_spans",
    "score",
    "format_report",
    "pattern_report",
    "format_pattern_report",
    "span_counts",
]
