"""Measure what the language stage costs: the full pipeline, clientlens's subset of it, and
clientlens's fast path (split everything, parse only the sentences that may hold a term).

Run: python bench/components.py  (uses the rated transcripts as realistic text)
"""

from __future__ import annotations

import time
from collections.abc import Callable

import spacy

import clientlens
from clientlens.io.plain import parse_text
from clientlens.text.nlp import DEFAULT_MODEL, UNUSED_COMPONENTS
from clientlens.text.units import parse_transcript
from clientlens.validation import transcripts_dir


def best_seconds(run: Callable[[], object], repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    texts = [p.read_text("utf-8") for p in sorted(transcripts_dir().glob("*.txt"))]
    paragraphs = [p for t in texts for p in t.split("\n") if p.strip()]
    words = sum(len(p.split()) for p in paragraphs)
    full = spacy.load(DEFAULT_MODEL)
    lean = spacy.load(DEFAULT_MODEL, exclude=list(UNUSED_COMPONENTS))
    analyzer = clientlens.Analyzer()
    transcripts = [parse_text(t) for t in texts]
    units = [u for t in transcripts for p in parse_transcript(analyzer.nlp, t, analyzer._needs_parse) for u in p.units]
    parsed = sum(u.parsed is not None for u in units)

    def fast() -> None:
        for t in transcripts:
            for _ in parse_transcript(analyzer.nlp, t, analyzer._needs_parse):
                pass

    rows = [
        (f"full pipeline {full.pipe_names}", best_seconds(lambda: list(full.pipe(paragraphs, batch_size=64)))),
        (f"without {list(UNUSED_COMPONENTS)}", best_seconds(lambda: list(lean.pipe(paragraphs, batch_size=64)))),
        (f"fast path: split all, parse {parsed} of {len(units)} sentences ({parsed / len(units):.0%})",
         best_seconds(fast)),
    ]
    print(f"text: {words:,} words in {len(paragraphs)} paragraphs of {len(texts)} transcripts")
    for name, seconds in rows:
        print(f"{name}: {words / seconds:,.0f} words/s (x{rows[0][1] / seconds:.2f})")


if __name__ == "__main__":
    main()
