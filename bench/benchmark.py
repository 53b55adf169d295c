"""Speed and memory benchmark of the ombudsman_nlp pipeline.

Times, in one run on the same texts (the seed decisions repeated, plus the dev excerpts):

- the full pipeline (``nlp(text)``), and the pipeline plus building the output record;
- a bare ``spacy.blank("en")`` tokenizer;
- both streaming, ``nlp.pipe(texts)`` (the components then work batch by batch);
- each pipe on its own (per-component breakdown);
- one long text (the seeds joined 16 times), as it is and without sentence ends or line
  breaks (scraped text read as one line: the sentences are then cut by length);
- the output floor: a bare tokenizer plus setting the sentence starts and span groups the
  pipeline gave each text, with no rule logic (what spaCy alone costs to hold the output);
- ``extract``'s batch path with ``n_process=1`` and ``n_process=2``;
- import-plus-load time in a fresh interpreter, beside spaCy's own import and blank pipeline;
- peak memory (RSS) of a run over many decisions, in a fresh interpreter.

Timings interleave the contenders and keep each one's best round, so a busy machine
disturbs the ratio less. Run from the repository root::

    python bench/benchmark.py            # everything
    python bench/benchmark.py --json     # machine-readable
    python bench/benchmark.py --quick    # fewer rounds, smaller memory run
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "training" / "seeds"
DEV = ROOT / "training" / "dev.jsonl"


def load_texts(seed_repeats: int) -> list[str]:
    """The seed decisions repeated ``seed_repeats`` times, then the dev excerpts."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    dev = []
    if DEV.exists():
        with DEV.open(encoding="utf-8") as lines:
            dev = [json.loads(line)["text"] for line in lines if line.strip()]
    return seeds * seed_repeats + dev


def best_of(rounds: int, contenders: dict[str, Callable[[], None]]) -> dict[str, float]:
    """Best wall time of each contender over ``rounds`` interleaved rounds."""
    best = dict.fromkeys(contenders, float("inf"))
    for _ in range(rounds):
        for name, run in contenders.items():
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def time_throughput(texts: list[str], rounds: int, n_full: int) -> dict:
    """Decisions per second of the tokenizer, the pipeline and the pipeline plus records.

    The first ``n_full`` texts are full decisions, the rest 2,000-character excerpts; the
    tokenizer and the pipeline are timed on each kind too (their sums give the totals).
    """
    import spacy

    import ombudsman_nlp
    from ombudsman_nlp.decision import build_decision

    blank = spacy.blank("en")
    nlp = ombudsman_nlp.load()
    for text in texts[:20]:  # warm both tokenizer caches the same way
        blank(text)
        nlp(text)
    kinds = {"full": texts[:n_full], "excerpts": texts[n_full:]}

    def each(run: Callable, some: list[str]) -> Callable[[], None]:
        def timed() -> None:
            for text in some:
                run(text)

        return timed

    def records() -> None:
        for text in texts:
            json.dumps(build_decision(nlp(text), "x").to_record(), ensure_ascii=False)

    def tokenizer_stream() -> None:
        for _doc in blank.pipe(texts):
            pass

    def pipeline_stream() -> None:
        for _doc in nlp.pipe(texts):
            pass

    contenders: dict[str, Callable[[], None]] = {"output_floor": output_floor(nlp, texts)}
    for kind, some in kinds.items():
        contenders[f"tokenizer_{kind}"] = each(blank, some)
        contenders[f"pipeline_{kind}"] = each(nlp, some)
    contenders.update(
        records=records, tokenizer_stream=tokenizer_stream, pipeline_stream=pipeline_stream
    )
    best = best_of(rounds, contenders)
    for name in ("tokenizer", "pipeline"):
        best[name] = sum(best[f"{name}_{kind}"] for kind in kinds)
    sizes = {
        f"{name}_{kind}": len(some)
        for kind, some in kinds.items()
        for name in ("tokenizer", "pipeline")
    }
    result = {
        name: {"seconds": secs, "docs_per_s": sizes.get(name, len(texts)) / secs}
        for name, secs in best.items()
    }
    result["ratio"] = best["tokenizer"] / best["pipeline"]
    for kind in kinds:
        result[f"ratio_{kind}"] = best[f"tokenizer_{kind}"] / best[f"pipeline_{kind}"]
    result["ratio_with_records"] = best["tokenizer"] / best["records"]
    result["ratio_stream"] = best["tokenizer_stream"] / best["pipeline_stream"]
    result["ratio_output_floor"] = best["tokenizer"] / best["output_floor"]
    result["components"] = time_components(nlp, texts, rounds)
    return result


def output_floor(nlp, texts: list[str]) -> Callable[[], None]:
    """A run of what spaCy alone costs to hold the pipeline's output: a bare tokenizer and one
    step that sets the sentence starts and span groups the pipeline gave each text (worked
    out beforehand), with no rule logic. The gap between it and the pipeline is the rules'."""
    import numpy
    import spacy
    from spacy.attrs import SENT_START
    from spacy.tokens import Span

    outputs = {}
    for text in texts:
        if text not in outputs:
            doc = nlp(text)
            starts = [s.start for s in doc.sents]
            groups = {k: [(s.start, s.end, s.label) for s in g] for k, g in doc.spans.items()}
            outputs[text] = (starts, groups)
    floor = spacy.blank("en", vocab=nlp.vocab)
    not_start = numpy.uint64(2**64 - 1)

    def run() -> None:
        for text in texts:
            doc = floor.make_doc(text)
            starts, groups = outputs[text]
            flags = numpy.full((len(doc), 1), not_start, dtype="uint64")
            flags[starts] = 1
            doc.from_array([SENT_START], flags)
            for key, spans in groups.items():
                doc.spans[key] = [Span(doc, a, b, label=label) for a, b, label in spans]

    return run


def time_components(nlp, texts: list[str], rounds: int) -> dict[str, dict]:
    """Seconds each pipe takes over all texts (best round), and its share of the total."""
    from ombudsman_nlp.decision import build_decision

    names = ["tokenizer", *nlp.pipe_names, "build_decision"]
    best = dict.fromkeys(names, float("inf"))
    for _ in range(rounds):
        spent = dict.fromkeys(names, 0.0)
        for text in texts:
            start = time.perf_counter()
            doc = nlp.make_doc(text)
            now = time.perf_counter()
            spent["tokenizer"] += now - start
            for name, proc in nlp.pipeline:
                start = now
                doc = proc(doc)
                now = time.perf_counter()
                spent[name] += now - start
            build_decision(doc, "x").to_record()
            spent["build_decision"] += time.perf_counter() - now
        for name in names:
            best[name] = min(best[name], spent[name])
    total = sum(best.values())
    return {name: {"seconds": best[name], "share": best[name] / total} for name in names}


def time_unpunctuated(copies: int = 16) -> dict:
    """Seconds of ``nlp(text)`` on the seed decisions joined ``copies`` times, as they are and
    with every sentence end and line break made a space (scraped text read as one line)."""
    import re

    import ombudsman_nlp

    nlp = ombudsman_nlp.load()
    joined = "\n\n".join(
        [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))] * copies
    )
    result = {}
    for name, text in (("punctuated", joined), ("unpunctuated", re.sub(r"[.!?;:\n]", " ", joined))):
        start = time.perf_counter()
        nlp(text)
        result[name] = {"chars": len(text), "seconds": time.perf_counter() - start}
    return result


def time_batch(texts: list[str], n_processes: list[int]) -> dict:
    """Wall time of ``batch.process_lines`` (the ``extract`` path) per worker count."""
    from ombudsman_nlp.batch import process_lines
    from ombudsman_nlp.textio import InputDoc

    items = [InputDoc(id=str(i), text=t, source=f"bench:{i}") for i, t in enumerate(texts)]
    result = {}
    outputs = {}
    for n in n_processes:
        start = time.perf_counter()
        lines = list(process_lines(items, n_process=n))
        seconds = time.perf_counter() - start
        outputs[n] = lines
        result[str(n)] = {"seconds": seconds, "docs_per_s": len(items) / seconds}
    first = outputs[n_processes[0]]
    result["identical"] = all(lines == first for lines in outputs.values())
    return result


_LOAD_SNIPPET = """
import time
start = time.perf_counter()
import ombudsman_nlp
imported = time.perf_counter()
ombudsman_nlp.load()
print(time.perf_counter() - start, time.perf_counter() - imported)
"""
# spaCy's own floor: importing it and building a blank English pipeline. ``spacy.blank``
# imports every package registering ``spacy_factories`` entry points, this one included: its
# components are imported first, and timed apart, so the blank pipeline is spaCy's alone.
_SPACY_SNIPPET = """
import time
start = time.perf_counter()
import spacy
imported = time.perf_counter()
import ombudsman_nlp.components
ours = time.perf_counter()
spacy.blank("en")
print(imported - start, time.perf_counter() - ours, ours - imported)
"""


def time_load(repeats: int) -> dict:
    """Import-plus-load time in fresh interpreters: in-process seconds and process wall time.

    The package is timed as ``pip install`` leaves it, with its modules byte-compiled: the
    byte-code goes to a temporary cache (``PYTHONPYCACHEPREFIX``), written by a first,
    untimed run. A source checkout run with ``PYTHONDONTWRITEBYTECODE`` set compiles every
    module on each start instead, which is slower.
    """
    inner, wall, load_only = [], [], []
    spacy_import, spacy_blank, components_import = [], [], []
    with tempfile.TemporaryDirectory() as cache:
        env = _env()
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = cache
        command = [sys.executable, "-c", _LOAD_SNIPPET]
        subprocess.run(command, capture_output=True, check=True, env=env)  # writes byte-code
        for _ in range(repeats):  # the two alternate: a busy spell slows both alike
            start = time.perf_counter()
            out = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
            wall.append(time.perf_counter() - start)
            both, load = out.stdout.strip().splitlines()[-1].split()
            inner.append(float(both))
            load_only.append(float(load))
            out = subprocess.run(
                [sys.executable, "-c", _SPACY_SNIPPET],
                capture_output=True,
                text=True,
                check=True,
                env=env,
            )
            first, second, third = out.stdout.strip().splitlines()[-1].split()
            spacy_import.append(float(first))
            spacy_blank.append(float(second))
            components_import.append(float(third))
    return {
        "import_and_load_s": min(inner),
        "load_only_s": min(load_only),
        "process_wall_s": min(wall),
        "runs": inner,
        "import_spacy_s": min(spacy_import),
        "spacy_blank_en_s": min(spacy_blank),
        "components_import_s": min(components_import),
    }


# Peak RSS of a benchmark child process, in kB.
_PEAK_KB = """
def peak_kb():
    # The peak RSS of this process image. On Linux ``ru_maxrss`` also counts the parent's
    # pages at fork time (it survives ``execve``), so the process's own ``VmHWM`` is read.
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""
_MEMORY_SNIPPET = (
    """
import json, resource, sys
from ombudsman_nlp.batch import process_lines
from ombudsman_nlp.textio import InputDoc
"""
    + _PEAK_KB
    + """
texts = json.load(open(sys.argv[1], encoding="utf-8"))
n = int(sys.argv[2])
items = (InputDoc(id=str(i), text=texts[i % len(texts)], source="bench") for i in range(n))
marks = {}
for i, line in enumerate(process_lines(items), 1):  # the path extract takes
    if i in (n // 10, n):
        marks[i] = peak_kb()
print(json.dumps(marks))
"""
)


def measure_memory(texts: list[str], n_docs: int) -> dict:
    """Peak RSS (MB) of a fresh process running ``n_docs`` decisions through ``process_lines``."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(texts, f)
        path = f.name
    try:
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", _MEMORY_SNIPPET, path, str(n_docs)],
            capture_output=True,
            text=True,
            check=True,
            env=_env(),
        )
        seconds = time.perf_counter() - start
    finally:
        os.unlink(path)
    marks = {int(k): v / 1024 for k, v in json.loads(out.stdout.strip().splitlines()[-1]).items()}
    return {
        "docs": n_docs,
        "peak_rss_mb": marks[n_docs],
        "peak_rss_mb_at_tenth": marks[max(n_docs // 10, 1)],
        "seconds": seconds,
    }


_RSS_WRAPPER = (
    """
import resource, sys
from ombudsman_nlp import cli
"""
    + _PEAK_KB
    + """
code = cli.main(sys.argv[1:])
print("MAXRSS_KB", peak_kb(), file=sys.stderr)
sys.exit(code)
"""
)


def write_short_records(path: Path, n: int) -> None:
    """``n`` short JSONL decisions, each with words no other record has (new strings)."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            seed = seeds[i % len(seeds)]
            start = (i * 997) % max(len(seed) - 600, 1)
            text = (
                f"Council{i} ({i % 100:02d} {i % 1000:03d} {i % 997:03d})\n\n"
                f"Mr Z{i} complains that Ward{i} failed to act.\n\n"
                f"{seed[start : start + 500]}\n\nThe Council should pay Mr Z{i} £{i % 900 + 100}."
            )
            out.write(json.dumps({"id": f"r{i}", "text": text}) + "\n")


def measure_stream(sizes: list[int], n_process: int = 1) -> dict:
    """Peak RSS (MB) and wall time of ``extract`` over JSONL inputs of each size."""
    result = {}
    with tempfile.TemporaryDirectory() as folder:
        for n in sizes:
            inputs = Path(folder, f"in{n}.jsonl")
            write_short_records(inputs, n)
            output = Path(folder, f"out{n}.jsonl")
            command = [sys.executable, "-c", _RSS_WRAPPER, "extract", str(inputs), "-o"]
            command += [str(output), "--no-progress", "--n-process", str(n_process)]
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, env=_env())
            seconds = time.perf_counter() - start
            rss = [ln for ln in done.stderr.splitlines() if ln.startswith("MAXRSS_KB")]
            with output.open(encoding="utf-8") as lines:
                records = sum(1 for _ in lines)
            result[str(n)] = {
                "records": records,
                "exit_code": done.returncode,
                "peak_rss_mb": int(rss[-1].split()[1]) / 1024 if rss else None,
                "seconds": seconds,
            }
    return result


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def report(result: dict) -> str:
    t = result["throughput"]
    lines = [
        f"texts: {result['texts']} ({result['seed_repeats']} x seeds + dev excerpts), "
        f"best of {result['rounds']} rounds",
        f"bare tokenizer   {t['tokenizer']['docs_per_s']:8.1f} decisions/s",
        f"full pipeline    {t['pipeline']['docs_per_s']:8.1f} decisions/s   "
        f"ratio {t['ratio']:.2f} (target >= 0.33)",
        *(
            f"  {label:14} {t[f'pipeline_{kind}']['docs_per_s']:8.1f} decisions/s   "
            f"ratio {t[f'ratio_{kind}']:.2f} "
            f"(tokenizer {t[f'tokenizer_{kind}']['docs_per_s']:.1f}/s)"
            for kind, label in (("full", "full decisions"), ("excerpts", "excerpts"))
        ),
        f"pipeline+record  {t['records']['docs_per_s']:8.1f} decisions/s   "
        f"ratio {t['ratio_with_records']:.2f}",
        "streaming (nlp.pipe over all texts, for both):",
        f"bare tokenizer   {t['tokenizer_stream']['docs_per_s']:8.1f} decisions/s",
        f"full pipeline    {t['pipeline_stream']['docs_per_s']:8.1f} decisions/s   "
        f"ratio {t['ratio_stream']:.2f} (target >= 0.33)",
        f"output floor     {t['output_floor']['docs_per_s']:8.1f} decisions/s   "
        f"ratio {t['ratio_output_floor']:.2f} (tokenizer + setting the pipeline's sentences "
        "and span groups, no rules)",
        "",
        "per component (seconds over all texts, share of the total):",
    ]
    for name, row in t["components"].items():
        lines.append(f"  {name:22s} {row['seconds']:7.3f} s  {100 * row['share']:5.1f} %")
    if "long_text" in result:
        lines.append("")
        for name, row in result["long_text"].items():
            lines.append(f"one {row['chars']:,}-character text ({name}): {row['seconds']:.2f} s")
    if "batch" in result:
        lines.append("")
        b = result["batch"]
        for key, row in b.items():
            if key != "identical":
                lines.append(
                    f"extract n_process={key}: {row['docs_per_s']:7.1f} decisions/s "
                    f"({row['seconds']:.1f} s, start-up included)"
                )
        lines.append(f"  outputs byte-identical: {b['identical']}")
    if "load" in result:
        load = result["load"]
        lines.append("")
        lines.append(
            f"import + load(): {load['import_and_load_s']:.2f} s "
            f"(fresh process wall {load['process_wall_s']:.2f} s; target < 1 s)"
        )
        lines.append(f"  load() alone, after the import: {load['load_only_s']:.2f} s")
        spacy_alone = load["import_spacy_s"] + load["spacy_blank_en_s"]
        lines.append(
            f"  spaCy alone: {spacy_alone:.2f} s (import spacy {load['import_spacy_s']:.2f} s, "
            f"spacy.blank('en') {load['spacy_blank_en_s']:.2f} s; this package's components, "
            f"which spacy.blank imports through the entry points, "
            f"{load['components_import_s']:.2f} s more)"
        )
    if "stream" in result:
        for n, row in result["stream"].items():
            lines.append(
                f"extract streaming {n} short JSONL records: peak RSS {row['peak_rss_mb']:.0f} MB, "
                f"{row['records']} records, {row['seconds']:.0f} s"
            )
    if "memory" in result:
        m = result["memory"]
        lines.append(
            f"peak RSS over {m['docs']} decisions: {m['peak_rss_mb']:.0f} MB "
            f"(at {m['docs'] // 10}: {m['peak_rss_mb_at_tenth']:.0f} MB; target < 300 MB)"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--quick", action="store_true", help="fewer rounds, 1,000-decision memory run"
    )
    parser.add_argument("--seed-repeats", type=int, default=40, help="copies of the seed decisions")
    parser.add_argument("--rounds", type=int, default=None, help="interleaved timing rounds")
    parser.add_argument("--memory-docs", type=int, default=None, help="decisions in the memory run")
    parser.add_argument(
        "--batch-copies", type=int, default=10, help="copies of the texts for the n_process run"
    )
    parser.add_argument("--no-batch", action="store_true", help="skip the n_process comparison")
    parser.add_argument("--no-load", action="store_true", help="skip the load-time measurement")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory measurement")
    parser.add_argument(
        "--stream",
        type=int,
        nargs="*",
        metavar="N",
        help="also run extract over JSONL inputs of N short records (e.g. 10000 100000)",
    )
    parser.add_argument("--only-stream", action="store_true", help="run only the --stream part")
    args = parser.parse_args(argv)
    rounds = args.rounds or (2 if args.quick else 5)
    memory_docs = args.memory_docs or (1_000 if args.quick else 10_000)
    sys.path.insert(0, str(ROOT))

    if args.only_stream:
        stream = measure_stream(args.stream or [10_000, 100_000])
        print(json.dumps({"stream": stream}, indent=2))
        return 0
    texts = load_texts(args.seed_repeats)
    result: dict = {"texts": len(texts), "seed_repeats": args.seed_repeats, "rounds": rounds}
    n_full = len(list(SEEDS.glob("*.txt"))) * args.seed_repeats
    result["throughput"] = time_throughput(texts, rounds, n_full)
    result["long_text"] = time_unpunctuated()
    if not args.no_batch:
        result["batch"] = time_batch(texts * args.batch_copies, [1, 2])
    if not args.no_load:
        result["load"] = time_load(3 if args.quick else 5)
    if not args.no_memory:
        result["memory"] = measure_memory(texts, memory_docs)
    if args.stream:
        result["stream"] = measure_stream(args.stream)
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
