"""How much speech does a verdict need? Tier agreement of leaders' opening words, by length.

Each rated transcript of the fit part (the held-out part stays for measuring) has its leader
speech cut to its first N words (whole sentences), analysed alone; the verdict is compared
with the transcript's rated tier. The threshold
`judged_words` of models/index.json (below it the verdict is `insufficient_speech`) is the
shortest length whose tier agreement is clearly better than always answering the most common
tier (docs/index.md, docs/evaluation.md).

    python scripts/judged_words.py
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import replace

from clientlens.pipeline import Analyzer
from clientlens.validation import read_ratings, transcripts_dir

LENGTHS = (20, 40, 60, 80, 100, 150, 200, 300)


def main() -> int:
    analyzer = Analyzer()
    model = replace(analyzer.index_model, judged_words=0)  # measure the verdict itself
    folder = transcripts_dir()
    rows = [r for r in read_ratings(folder) if r.get("part", "fit") == "fit"]
    leaders = []
    for row in rows:
        report = analyzer.analyze_file(folder / row["file"], speaker=row["leader"])
        leaders.append((row["tier"], [s.text for s in report.sentences]))
    majority = Counter(t for t, _ in leaders).most_common(1)[0][1] / len(leaders)
    analyzer.index_model = model
    print(f"fit transcripts: {len(leaders)}; always the most common tier: {majority:.3f}")
    for n in LENGTHS:
        agree = 0
        for tier, sentences in leaders:
            kept, words = [], 0
            for s in sentences:
                if words >= n:
                    break
                kept.append(s)
                words += len(s.split())
            agree += analyzer.analyze(" ".join(kept)).verdict == tier
        print(f"first {n:>3} words: tier agreement {agree / len(leaders):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
