"""Benchmark of one large transcript against many 1 MB ones (issue 16, large inputs).

Run: python bench/large.py [--mb 20] [--parts 20]   (clientlens installed, or PYTHONPATH=src)

Builds, from the bundled rated transcripts (bench/corpus.py chains their turns under one cast),
one transcript of about `--mb` MB and `--parts` transcripts of about `--mb / --parts` MB each
(the same amount of text), writes them to a temporary folder, and analyses each set in a new
process with one Analyzer: the large file with `analyze_file(max_bytes=...)`, the small ones one
after the other. Prints, for each, the words scored, the wall time of the analysis (loading
excluded; `--together` runs both processes at once on a busy machine, then compare CPU
time), its CPU time, the resident memory once loaded and the peak (`VmHWM` of /proc/self/status; on other
systems `ru_maxrss`), then the ratios. Targets (issue 16): the large file within a few times the
cost of the parts, under 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from corpus import meeting, words

MB = 1_000_000

#: A new process: load an Analyzer, analyse the files given as arguments, print JSON figures.
CHILD = r"""
import json, resource, sys, time
from clientlens.pipeline import Analyzer

def memory(field):
    try:
        for line in open("/proc/self/status"):
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

analyzer = Analyzer()
loaded = memory("VmRSS")
start, cpu = time.perf_counter(), time.process_time()
scored = 0
for path in sys.argv[2:]:
    scored += analyzer.analyze_file(path, max_bytes=int(sys.argv[1])).words
print(json.dumps({"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu,
                  "words": scored, "loaded_kb": loaded, "peak_kb": memory("VmHWM")}))
"""


def build(folder: Path, total_mb: float, parts: int) -> tuple[Path, list[Path]]:
    """The large transcript and the parts, of about the same total size."""
    per_part = total_mb * MB / parts
    small = []
    for i in range(parts):
        text = _of_size(per_part, start=i * 7)
        path = folder / f"part_{i:02d}.txt"
        path.write_text(text, "utf-8")
        small.append(path)
    large = folder / "large.txt"
    large.write_text(_of_size(total_mb * MB, start=0), "utf-8")
    return large, small


def _of_size(n_bytes: float, start: int) -> str:
    """A meeting of about `n_bytes` UTF-8 bytes (built long enough, then measured)."""
    sample = meeting(9_000, start)
    bytes_per_word = len(sample.encode("utf-8")) / words(sample)
    return meeting(int(n_bytes / bytes_per_word), start)


def start(paths: list[Path], limit: int) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(limit), *map(str, paths)], stdout=subprocess.PIPE,
                            text=True, env=os.environ.copy())


def result(process: subprocess.Popen[str]) -> dict[str, float]:
    out, _ = process.communicate()
    if process.returncode:
        raise SystemExit(f"the measuring process failed (status {process.returncode})")
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0, help="size of the large transcript, in MB")
    parser.add_argument("--parts", type=int, default=20, help="number of parts of the same total size")
    parser.add_argument("--together", action="store_true",
                        help="run both measuring processes at once (compare their CPU time, not wall time)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        large, small = build(Path(tmp), args.mb, args.parts)
        size = large.stat().st_size
        limit = max(size, *(p.stat().st_size for p in small)) + 1
        parts_size = sum(p.stat().st_size for p in small)
        if args.together:  # on a busy machine: CPU time stays comparable, wall time does not
            first, second = start([large], limit), start(small, limit)
            one, many = result(first), result(second)
        else:
            one = result(start([large], limit))
            many = result(start(small, limit))
    rows = [
        (f"1 transcript of {size / MB:.1f} MB", one),
        (f"{args.parts} transcripts, {parts_size / MB:.1f} MB in all", many),
    ]
    print(f"{'input':<34} {'words':>10} {'wall s':>8} {'CPU s':>8} {'words/CPU s':>12} {'loaded MB':>10} "
          f"{'peak MB':>8}")
    for name, r in rows:
        print(f"{name:<34} {r['words']:>10,} {r['seconds']:>8.1f} {r['cpu_seconds']:>8.1f} "
              f"{r['words'] / r['cpu_seconds']:>12,.0f} {r['loaded_kb'] / 1024:>10.0f} {r['peak_kb'] / 1024:>8.0f}")
    print(f"CPU time ratio large / parts: x{one['cpu_seconds'] / many['cpu_seconds']:.2f} "
          f"(per word: x{(one['cpu_seconds'] / one['words']) / (many['cpu_seconds'] / many['words']):.2f}); "
          f"peak memory ratio: x{one['peak_kb'] / many['peak_kb']:.2f}; "
          f"large peak {'under' if one['peak_kb'] < 1024 * 1024 else 'OVER'} 1 GB")


if __name__ == "__main__":
    main()
