"""Benchmark of clientlens (issue 6): throughput, latency, cold start, memory, scaling, linearity.

Run: python bench/run.py [--write-docs] [--profile]   (clientlens installed, or PYTHONPATH=src)

Every figure is measured in this run on text built by bench/corpus.py from the rated
transcripts; `--write-docs` writes the table into docs/benchmarks.md, `--profile` prints where
the analysis of a 9,000-word meeting spends its time.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import spacy

import clientlens
from clientlens.text.nlp import DEFAULT_MODEL
from corpus import interviews, meeting, meetings, words

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
START, END = "<!-- bench/run.py:start -->", "<!-- bench/run.py:end -->"
MEETING_WORDS = 9_000
COLD_WORDS = 200

#: A new process: import, load, analyse a short text; prints its wall time and peak RSS in KiB.
#: On Linux the peak is VmHWM of /proc/self/status: ru_maxrss would include the parent's
#: resident size at fork time (the kernel keeps the pre-exec high-water mark).
_CHILD = """
import sys, time
t0 = time.perf_counter()
import clientlens
report = clientlens.analyze(open(sys.argv[1], encoding="utf-8").read())
wall = time.perf_counter() - t0
try:
    status = open("/proc/self/status").read()
    peak = int(status.split("VmHWM:")[1].split()[0])
except (OSError, IndexError):
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // (1024 if sys.platform == "darwin" else 1)
print(wall, peak)
"""


@dataclass(frozen=True)
class Row:
    """One line of the results table; `met` is None for figures without a target."""

    measure: str
    result: str
    target: str = ""
    met: bool | None = None


def best_seconds(run: Callable[[], object], repeats: int) -> float:
    """Best wall time of `repeats` runs: the least disturbed by other processes."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def interleaved_best(runs: Sequence[Callable[[], float]], repeats: int) -> list[float]:
    """Best time of each run, alternating them so that load from other processes hits all alike."""
    best = [float("inf")] * len(runs)
    for _ in range(repeats):
        best = [min(b, run()) for b, run in zip(best, runs, strict=True)]
    return best


def paragraphs(texts: Sequence[str]) -> list[str]:
    """Blank-line separated paragraphs: what clientlens itself feeds spaCy, and spaCy's fastest input."""
    return [p for t in texts for p in t.split("\n\n") if p.strip()]


def analysis_seconds(analyzer: clientlens.Analyzer, texts: Sequence[str], repeats: int = 1) -> float:
    """Best time for clientlens to analyse every text."""
    return best_seconds(lambda: [analyzer.analyze(t) for t in texts], repeats)


def pipeline_seconds(nlp: spacy.language.Language, texts: Sequence[str], repeats: int = 1) -> float:
    """Best time for a bare spaCy pipeline to process the same texts (nlp.pipe over paragraphs)."""
    chunks = paragraphs(texts)
    return best_seconds(lambda: list(nlp.pipe(chunks, batch_size=64)), repeats)


def full_pipeline() -> spacy.language.Language:
    """The reference: fr_core_news_sm with every component, NER included."""
    return spacy.load(DEFAULT_MODEL)


def analyze_path(path: str) -> float:
    """Analyse one file in a worker process (module level, so that joblib can pickle it)."""
    return clientlens.analyze_file(path).index


def batch_seconds(paths: Sequence[str], n_jobs: int) -> tuple[float, str]:
    """Time to analyse every file with `n_jobs` processes, workers already warm; and the method used."""
    many = getattr(clientlens, "analyze_many", None)
    if many is not None:
        def run(items: Sequence[str]) -> object:
            return list(many([Path(p) for p in items], n_jobs=n_jobs, progress=False))
        method = "clientlens.analyze_many"
    else:
        from joblib import Parallel, delayed

        def run(items: Sequence[str]) -> object:
            return Parallel(n_jobs=n_jobs)(delayed(analyze_path)(p) for p in items)
        method = "joblib.Parallel over clientlens.analyze_file"
    run(list(paths))  # steady state: the model loaded and the caches warm in every worker
    return best_seconds(lambda: run(paths), 2), method


def child(path: Path) -> tuple[float, float]:
    """(wall seconds seen by the parent, peak RSS in MB) of a new process analysing `path`."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _CHILD, str(path)], check=True, capture_output=True, text=True)
    wall = time.perf_counter() - start
    return wall, float(out.stdout.split()[-1]) / 1024


def first_words(text: str, n: int) -> str:
    """The first turns of `text` up to about `n` words."""
    out, total = [], 0
    for para in text.split("\n\n"):
        if total >= n:
            break
        out.append(para)
        total += words(para)
    return "\n\n".join(out)


def machine() -> str:
    """Cores, memory and current load of this machine: figures mean little on a busy machine."""
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024**2:.0f} GiB"
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores, {mem}, Python {platform.python_version()}, spaCy {spacy.__version__}; "
        f"load average {load} (1, 5, 15 min) when the table was made"
    )


def measure(tmp: Path) -> list[Row]:
    """Run every measurement; the slowest part is the 90,000-word linearity run."""
    analyzer = clientlens.Analyzer()
    nlp = full_pipeline()
    one = meeting(MEETING_WORDS)
    texts = [*meetings(2, MEETING_WORDS), *interviews()]
    n_words = sum(words(t) for t in texts)
    analysis_seconds(analyzer, [one])  # warm-up
    t_cl, t_full = interleaved_best(
        [lambda: analysis_seconds(analyzer, texts), lambda: pipeline_seconds(nlp, texts)], repeats=3
    )
    ratio = t_full / t_cl
    rows = [
        Row(f"clientlens throughput ({n_words:,} words: 2 meetings + {len(texts) - 2} interviews)",
            f"{n_words / t_cl:,.0f} words/s"),
        Row(f"full {DEFAULT_MODEL} pipeline, nlp.pipe, same text", f"{n_words / t_full:,.0f} words/s"),
        Row("throughput ratio clientlens / full pipeline", f"×{ratio:.2f}", "≥ ×2.5", ratio >= 2.5),
    ]
    warm = [analysis_seconds(analyzer, [one]) for _ in range(5)]
    rows.append(Row(f"latency, one {words(one):,}-word meeting, warm (median of 5)",
                    f"{statistics.median(warm):.2f} s", "< 1.5 s", statistics.median(warm) < 1.5))

    short = tmp / "short.txt"
    short.write_text(first_words(one, COLD_WORDS), "utf-8")
    colds = [child(short) for _ in range(3)]
    cold = statistics.median(w for w, _ in colds)
    rows.append(Row(f"cold start: new process, import + load + analyse {words(short.read_text('utf-8'))} words "
                    "(median of 3)", f"{cold:.2f} s", "< 3 s", cold < 3))
    long_path = tmp / "meeting.txt"
    long_path.write_text(one, "utf-8")
    peaks = sorted(child(long_path)[1] for _ in range(3))
    peak = statistics.median(peaks)
    rows.append(Row(f"peak resident memory, new process analysing the {words(one):,}-word meeting "
                    f"(median of 3; lowest {peaks[0]:,.0f}, highest {peaks[-1]:,.0f})",
                    f"{peak:,.0f} MB", "< 500 MB", peak < 500))

    paths = []
    for i, text in enumerate(texts):
        p = tmp / f"batch_{i:02d}.txt"
        p.write_text(text, "utf-8")
        paths.append(str(p))
    b1, method = batch_seconds(paths, 1)
    b2, _ = batch_seconds(paths, 2)
    rows += [
        Row(f"batch, 1 process ({method}, {len(paths)} files)", f"{n_words / b1:,.0f} words/s"),
        Row("batch, 2 processes", f"{n_words / b2:,.0f} words/s"),
        Row("scaling 2 processes / 1", f"×{b1 / b2:.2f}", "≥ ×1.7", b1 / b2 >= 1.7),
    ]

    ten = meeting(10 * MEETING_WORDS)
    t1, t10 = interleaved_best(
        [lambda: analysis_seconds(analyzer, [one]), lambda: analysis_seconds(analyzer, [ten])], repeats=2
    )
    _, peak10 = child(_write(tmp / "ten.txt", ten))
    rows += [
        Row(f"linearity: {words(ten):,} words vs {words(one):,} (time ratio, best runs)",
            f"×{t10 / t1:.2f} ({t10:.1f} s vs {t1:.2f} s)", "≤ ×11", t10 / t1 <= 11),
        Row(f"peak resident memory, new process analysing {words(ten):,} words", f"{peak10:,.0f} MB"),
    ]
    return rows


def _write(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


def table(rows: Sequence[Row]) -> str:
    """Markdown table of the results, with an honest met / not met column."""
    lines = ["| measure | result | target | met |", "|---|---|---|---|"]
    for r in rows:
        met = "" if r.met is None else ("met" if r.met else "**not met**")
        lines.append(f"| {r.measure} | {r.result} | {r.target} | {met} |")
    return "\n".join(lines)


def docs_section(rows: Sequence[Row], command: str) -> str:
    """The generated part of docs/benchmarks.md."""
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    return (
        f"{START}\n`{command}` ({today}, {machine()}):\n\n{table(rows)}\n{END}"
    )


def write_docs(section: str, path: Path = DOCS) -> None:
    """Replace the generated section of the docs (between the markers), or append it."""
    text = path.read_text("utf-8")
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, "utf-8")


def profile(top: int = 10) -> str:
    """cProfile of one warm analysis of a 9,000-word meeting: top functions by own and cumulative time."""
    analyzer = clientlens.Analyzer()
    text = meeting(MEETING_WORDS)
    analyzer.analyze(text)
    prof = cProfile.Profile()
    prof.runcall(analyzer.analyze, text)
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write-docs", action="store_true", help=f"write the table into {DOCS.name}")
    parser.add_argument("--profile", action="store_true", help="only profile the 9,000-word analysis")
    args = parser.parse_args(argv)
    if args.profile:
        print(profile())
        return
    with tempfile.TemporaryDirectory() as tmp:
        rows = measure(Path(tmp))
    print(f"{machine()}\n\n{table(rows)}")
    failed = [r.measure for r in rows if r.met is False]
    print(f"\ntargets not met: {len(failed)}" + "".join(f"\n- {m}" for m in failed))
    if args.write_docs:
        write_docs(docs_section(rows, "python bench/run.py --write-docs"))
        print(f"written to {DOCS}")


if __name__ == "__main__":
    main()
