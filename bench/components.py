"""Measure which spaCy components pay for themselves: full pipeline vs clientlens's subset.

Run: python bench/components.py  (uses the rated transcripts as realistic text)
"""

from __future__ import annotations

import time

import spacy

from clientlens.language import DEFAULT_MODEL, UNUSED_COMPONENTS
from clientlens.validation import transcripts_dir


def words_per_second(nlp: spacy.language.Language, texts: list[str], repeats: int = 3) -> float:
    words = sum(len(t.split()) for t in texts)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=64):
            pass
        best = min(best, time.perf_counter() - start)
    return words / best


def main() -> None:
    texts = [p.read_text("utf-8") for p in sorted(transcripts_dir().glob("*.txt"))]
    paragraphs = [p for t in texts for p in t.split("\n") if p.strip()]
    full = spacy.load(DEFAULT_MODEL)
    lean = spacy.load(DEFAULT_MODEL, exclude=list(UNUSED_COMPONENTS))
    w_full = words_per_second(full, paragraphs)
    w_lean = words_per_second(lean, paragraphs)
    print(f"text: {sum(len(p.split()) for p in paragraphs)} words in {len(paragraphs)} paragraphs")
    print(f"full pipeline {full.pipe_names}: {w_full:,.0f} words/s")
    print(f"clientlens pipeline {lean.pipe_names}: {w_lean:,.0f} words/s")
    print(f"speed-up from excluding {list(UNUSED_COMPONENTS)}: x{w_lean / w_full:.2f}")


if __name__ == "__main__":
    main()
