"""How far does a retrain alone move the real-speech figures? (docs/evaluation.md, log of
2026-12-07.)

The classifier is refitted as `clientlens train` refits it (train + dev, thresholds and second
pass from out-of-fold probabilities) on the whole corpus, then on copies that each leave out a
random share of its sentences (--drop, one copy per seed). The bundled index parameters are kept.
Each model is measured on the development excerpts (--texts) and on r01-r90 (tier agreement /
Spearman, go <-> walk_away). The full refit differs from the bundled model when the lexicon or
the code computing the features has changed since the bundled model was trained; the spread of
the copies around the full refit is the noise any change of the training data must beat.
r91-r126 is not read. About 5 minutes per model on 2 cores.

    python scripts/retrain_spread.py --texts /tmp/realdev [--drop 0.01] [--seeds 1 2 3]
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from real_speech import Rated, agreement, development_sets

from clientlens.classifier.model import TrainedClassifier
from clientlens.classifier.training import CorpusRow, load_corpus, refit, refit_rows
from clientlens.pipeline import Analyzer


def left_out(rows: Sequence[CorpusRow], share: float, seed: int) -> list[CorpusRow]:
    """`rows` without a random `share` of them (none for seed 0)."""
    if seed == 0 or share <= 0:
        return list(rows)
    keep = np.random.default_rng(seed).random(len(rows)) >= share
    return [r for r, k in zip(rows, keep, strict=True) if k]


def measure(analyzer: Analyzer, sets: dict[str, list[Rated]]) -> str:
    cells = []
    for name, items in sets.items():
        reports = [analyzer.analyze(i.path.read_text("utf-8")) for i in items]
        a = agreement(items, [r.index for r in reports], [r.verdict for r in reports])
        swaps = a["go_read_as_walk_away"] + a["walk_away_read_as_go"]
        cells.append(f"{name} {a['tier_agreement']:.3f} / {a['spearman']:.3f}"
                     + (f" ({swaps} go<->walk)" if swaps else ""))
    return " | ".join(cells)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=Path, help="folder of the 24 real excerpts NN.txt (optional)")
    parser.add_argument("--drop", type=float, default=0.01, help="share of sentences each copy leaves out")
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2, 3],
                        help="one copy per seed (none: the full refit only)")
    args = parser.parse_args(argv)
    sets = development_sets(args.texts)
    rows = refit_rows(load_corpus())
    lexicon_only = Analyzer(use_classifier=False)
    bundled = Analyzer()
    print(f"bundled model | {measure(bundled, sets)}", flush=True)
    for seed in [0, *args.seeds]:
        kept = left_out(rows, args.drop, seed)
        model = refit(kept, lexicon_only)
        analyzer = Analyzer(classifier=TrainedClassifier(model, f"refit seed {seed}"),
                            index_model=bundled.index_model)
        label = "full refit" if seed == 0 else f"seed {seed}, {len(rows) - len(kept)} sentences left out"
        print(f"{label} | {measure(analyzer, sets)}", flush=True)


if __name__ == "__main__":
    main()
