"""Start-up benchmark: what a user waits for when a new `clientlens` process starts.

Run: python bench/startup.py [--runs N] [--src DIR] [--no-cache]

Every figure is the median of N runs, each in a fresh subprocess, of this checkout's
src/ (or --src DIR, e.g. an older checkout exported with `git archive`): wall time, CPU
time (user + system, less sensitive to other load on the machine) and, for the analyses,
the peak resident set size (VmHWM of the child, read from /proc/self/status).

The src/ measured is byte-compiled first, as an installed package is (the children never write
bytecode: PYTHONDONTWRITEBYTECODE=1). The child processes get PYTHONPATH=<src>, so the `src/`
measured shadows any installed clientlens. spaCy imports the `spacy_factories` entry point of
the installed clientlens (`clientlens.spacy.component:make_clientlens`) whenever it builds a
pipeline: that name exists in every checkout since the redesign, so it resolves to the `src/`
measured. The cold-start cache (clientlens.text.coldstart) goes to a temporary
CLIENTLENS_CACHE_DIR: the first cold analyze fills it and is reported apart. The 9,000-word
meeting chains the turns of the rated transcripts (corpus/transcripts/t*.txt); this script
imports nothing of clientlens itself.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "entretien_concession.txt"
TRANSCRIPTS = ROOT / "corpus" / "transcripts"
MEETING_WORDS = 9_000
BATCH_FILES = 20

#: A child that runs the command line in-process, then reports its peak RSS (KiB) on stderr.
_CLI_WITH_PEAK = """
import contextlib, io, sys
from clientlens.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    status = main(sys.argv[1:])
peak = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0])
print("PEAK_KB", peak, file=sys.stderr)
sys.exit(status)
"""

#: analyze_many in a process whose Analyzer is already loaded: the batch alone is timed.
_ANALYZE_MANY = """
import sys, time
import clientlens
from clientlens.pipeline import default_analyzer
default_analyzer()
files = sys.argv[2:]
t = time.perf_counter()
results = clientlens.analyze_many(files, n_jobs=int(sys.argv[1]), progress=False)
assert all(isinstance(r, clientlens.Report) for r in results), results
print("BATCH_S", time.perf_counter() - t, file=sys.stderr)
"""


@dataclass(frozen=True)
class Run:
    """One figure: seconds of wall and CPU time, and what the child printed (peak KiB, batch seconds)."""

    wall: float
    cpu: float
    peak_kb: int | None
    batch_s: float | None


@dataclass(frozen=True)
class Setup:
    """The interpreter, the environment of the children and the runs per figure."""

    python: str
    env: dict[str, str]
    runs: int


def run(setup: Setup, args: list[str], env: dict[str, str] | None = None) -> Run:
    """One fresh subprocess: its wall time, CPU time, and the peak/batch figures it prints."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([setup.python, *args], env=env or setup.env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])}… failed ({done.returncode}): {done.stderr[-600:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall, cpu, _figure(done.stderr, "PEAK_KB", int), _figure(done.stderr, "BATCH_S", float))


def _figure(stderr: str, name: str, kind: type[int] | type[float]) -> int | float | None:
    for line in stderr.splitlines():
        if line.startswith(name + " "):
            return kind(line.split()[1])
    return None


def median_of(setup: Setup, args: list[str], env: dict[str, str] | None = None) -> Run:
    """The median of `setup.runs` fresh runs, figure by figure."""
    runs = [run(setup, args, env) for _ in range(setup.runs)]
    peaks = [r.peak_kb for r in runs if r.peak_kb is not None]
    batches = [r.batch_s for r in runs if r.batch_s is not None]
    return Run(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs),
               int(statistics.median(peaks)) if peaks else None,
               statistics.median(batches) if batches else None)


def report(name: str, r: Run, target: str = "") -> None:
    """Print one line of the table."""
    peak = f"  peak {r.peak_kb / 1024:6.0f} MB" if r.peak_kb else ""
    batch = f"  batch {r.batch_s:5.2f} s" if r.batch_s is not None else ""
    print(f"{name:<52} {r.wall:6.2f} s wall  {r.cpu:6.2f} s cpu{peak}{batch}  {target}")


def build_meeting(folder: Path, words: int = MEETING_WORDS) -> Path:
    """A ~9,000-word meeting: the turns of t01.txt, t02.txt, ... until `words` words."""
    turns, count = [], 0
    for path in sorted(TRANSCRIPTS.glob("t*.txt")):
        for turn in path.read_text("utf-8").split("\n\n"):
            if count >= words:
                break
            if turn.strip():
                turns.append(turn.strip())
                count += len(turn.split())
    out = folder / "meeting_9000.txt"
    out.write_text("\n\n".join(turns) + "\n", "utf-8")
    return out


def batch_folder(folder: Path) -> Path:
    """A folder holding the rated transcripts t01.txt to t20.txt."""
    out = folder / "batch20"
    out.mkdir()
    for i in range(1, BATCH_FILES + 1):
        shutil.copy(TRANSCRIPTS / f"t{i:02d}.txt", out)
    return out


def spacy_alone_env(env: dict[str, str], folder: Path) -> dict[str, str]:
    """`env` with a clientlens dist-info that declares no spaCy factory ahead of the installed one:
    `spacy.load` then imports no clientlens code, which gives spaCy's own share of a cold start."""
    info = folder / "clientlens-0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: clientlens\n")
    (info / "entry_points.txt").write_text("")
    return {**env, "PYTHONPATH": str(folder)}


def child_env(src: Path, cache: Path, no_cache: bool) -> dict[str, str]:
    """The environment of every child: `src` first on the path, the caches in `cache` (or off)."""
    env = {**os.environ, "PYTHONPATH": str(src.resolve()), "CLIENTLENS_CACHE_DIR": str(cache),
           "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("CLIENTLENS_NO_CACHE", None)
    if no_cache:
        env["CLIENTLENS_NO_CACHE"] = "1"
    return env


def references(setup: Setup, alone_env: dict[str, str]) -> None:
    """What spaCy costs by itself, for comparison."""
    load = ["-c", "import spacy; spacy.load('fr_core_news_sm')"]
    report("reference: import spacy; spacy.load(fr_core_news_sm)", median_of(setup, load))
    report("  the same, spaCy alone (no clientlens factory)", median_of(setup, load, alone_env))
    report("reference: import spacy; spacy.blank('fr')", median_of(setup, ["-c", "import spacy; spacy.blank('fr')"]))


def light_commands(setup: Setup) -> None:
    """import, --help, --version: nothing heavy should load."""
    report("import clientlens", median_of(setup, ["-c", "import clientlens"]), "(target < 0.3 s)")
    report("clientlens --help", median_of(setup, ["-m", "clientlens", "--help"]), "(target < 0.3 s)")
    report("clientlens --version", median_of(setup, ["-m", "clientlens", "--version"]), "(target < 0.3 s)")


def cold_analyses(setup: Setup, meeting: Path) -> None:
    """One analysis per new process: the example (first run apart: it fills the caches), the meeting."""
    analyze = ["-c", _CLI_WITH_PEAK, "analyze", str(EXAMPLE)]
    report("analyze example, first run (empty caches)", run(setup, analyze))
    report("analyze examples/entretien_concession.txt, cold", median_of(setup, analyze), "(target < 2 s)")
    report(f"analyze a {MEETING_WORDS:,}-word meeting, cold",
           median_of(setup, ["-c", _CLI_WITH_PEAK, "analyze", str(meeting)]), "(target peak < 400 MB)")


def batches(setup: Setup, batch: Path) -> None:
    """20 files with 1 and 2 workers: through the command line, and analyze_many with the Analyzer loaded."""
    jobs = {n: median_of(setup, ["-m", "clientlens", "analyze", str(batch), "--jobs", str(n)]) for n in (1, 2)}
    report(f"clientlens analyze <{BATCH_FILES} files> --jobs 1", jobs[1])
    report(f"clientlens analyze <{BATCH_FILES} files> --jobs 2", jobs[2],
           f"speed-up x{jobs[1].wall / jobs[2].wall:.2f} (target >= 1.6)")
    files = [str(p) for p in sorted(batch.iterdir())]
    many = {n: median_of(setup, ["-c", _ANALYZE_MANY, str(n), *files]) for n in (1, 2)}
    report(f"analyze_many({BATCH_FILES} files, n_jobs=1), Analyzer loaded", many[1])
    speedup = many[1].batch_s / many[2].batch_s if many[1].batch_s and many[2].batch_s else float("nan")
    report(f"analyze_many({BATCH_FILES} files, n_jobs=2), Analyzer loaded", many[2],
           f"batch speed-up x{speedup:.2f} (target >= 1.6)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the src/ folder to measure")
    parser.add_argument("--no-cache", action="store_true", help="CLIENTLENS_NO_CACHE=1 (caches off)")
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args(argv)

    compileall.compile_dir(str(args.src.resolve()), quiet=1)
    with tempfile.TemporaryDirectory(prefix="clientlens-startup-") as tmp:
        tmp_path = Path(tmp)
        env = child_env(args.src, tmp_path / "cache", args.no_cache)
        setup = Setup(args.python, env, args.runs)
        print(f"clientlens start-up, {args.src}  (python {sys.version.split()[0]}, {os.cpu_count()} cores, "
              f"median of {args.runs}, load average {os.getloadavg()[0]:.1f}; "
              f"caches {'off' if args.no_cache else 'on'})")
        references(setup, spacy_alone_env(env, tmp_path / "spacy_alone"))
        light_commands(setup)
        cold_analyses(setup, build_meeting(tmp_path))
        batches(setup, batch_folder(tmp_path))


if __name__ == "__main__":
    main()
