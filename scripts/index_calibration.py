"""Can a recalibration of the index, or lower label thresholds, fix the verdicts of short real
texts? (docs/evaluation.md, log of 2026-12-07.)

The index ranks real texts well but reads many go and walk-away texts as probe. This script
tests whether that is a matter of calibration rather than of evidence:

1. Calibration: the index's weights and slope are fitted on the fit transcripts plus the
   real-register texts (cross-fitted, as `clientlens fit-index` measures them) under other
   forms of the index: a smaller prior, a slope that grows for short texts
   (slope * (words / 300) ** -beta), and a loss on tier bands instead of squared error. Each fit
   is reported on every part; the real-register texts are reported out of fold (5 folds).
2. Verdict thresholds: the bundled index, with the go and walk_away cut-offs that maximise
   tier agreement on the real-register texts (cross-fitted; 0.5 steps, go 55-70, walk_away
   35-50, ties to the nearest of 65/40) instead of the rating tiers' 65/40: a least-squares
   index is shrunk toward the middle, so the tiers' cut-offs may under-call go and walk_away.
   Then the expert's tiers of the texts in each 5-point band of the index, set by set.
3. Label thresholds: the evidence totals of the real texts recomputed from the sentence
   probabilities with lower thresholds for the adversarial labels (no refit).

Real texts: the 24 excerpts of the development set (--texts) and the held-out real-register
set r01-r90. r91-r126 is not read. About 9 minutes on 2 cores.

    python scripts/index_calibration.py --texts /tmp/realdev
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from real_speech import development_sets
from scipy.optimize import minimize
from scipy.stats import spearmanr

from clientlens.classifier.training import load_corpus
from clientlens.index import index_from_totals, load_index_model
from clientlens.pipeline import Analyzer
from clientlens.taxonomy import COMPONENT_BY_NAME, COMPONENTS, Polarity
from clientlens.validation import cross_fitted, measure

MODEL = load_index_model()
NAMES = [c.name for c in COMPONENTS]
ADVERSARIAL = np.array([COMPONENT_BY_NAME[n].polarity is Polarity.ADVERSARIAL for n in NAMES])
REFERENCE_WORDS = 300.0
FOLDS = 5


@dataclass
class Part:
    """Evidence totals (texts x components), word counts and ratings of one set of rated texts."""

    totals: np.ndarray
    words: np.ndarray
    ratings: np.ndarray

    @classmethod
    def of(cls, rows: Sequence[tuple[dict[str, float], int, float]]) -> Part:
        return cls(np.array([[t[n] for n in NAMES] for t, _, _ in rows]),
                   np.array([w for _, w, _ in rows], float), np.array([r for _, _, r in rows], float))

    def subset(self, keep: np.ndarray) -> Part:
        return Part(self.totals[keep], self.words[keep], self.ratings[keep])

    def plus(self, other: Part) -> Part:
        return Part(np.vstack([self.totals, other.totals]), np.concatenate([self.words, other.words]),
                    np.concatenate([self.ratings, other.ratings]))


def index(theta: np.ndarray, part: Part, prior: float, beta: float) -> np.ndarray:
    """The bundled index form (index.py) with free adversarial weights and slope, a given prior,
    and the slope scaled by (words / 300) ** -beta."""
    weights = np.ones(len(NAMES))
    weights[ADVERSARIAL] = theta[:-1]
    respectful = prior + part.totals[:, ~ADVERSARIAL] @ weights[~ADVERSARIAL]
    adversarial = prior + part.totals[:, ADVERSARIAL] @ weights[ADVERSARIAL]
    slope = theta[-1] * (part.words / REFERENCE_WORDS) ** -beta
    return 100.0 / (1.0 + np.exp(-(MODEL.bias + slope * np.log(respectful / adversarial))))


def tiers(scores: np.ndarray, go: float = MODEL.go, walk_away: float = MODEL.walk_away) -> np.ndarray:
    """0 walk_away, 1 probe, 2 go, at the bundled cut-offs (or those given)."""
    return np.where(scores >= go, 2, np.where(scores < walk_away, 0, 1))


def fit(part: Part, prior: float, beta: float, loss_kind: str) -> np.ndarray:
    """Adversarial weights and slope by squared error ("mse") or by squared distance outside the
    band of the expert's tier, with a 3-point margin ("tier")."""
    band = tiers(part.ratings)
    low = np.select([band == 1, band == 2], [MODEL.walk_away, MODEL.go], -np.inf)
    high = np.select([band == 0, band == 1], [MODEL.walk_away, MODEL.go], np.inf)

    def loss(theta: np.ndarray) -> float:
        scores = index(theta, part, prior, beta)
        if loss_kind == "mse":
            value = np.mean((scores - part.ratings) ** 2)
        else:
            value = np.mean(np.maximum(0, low + 3 - scores) ** 2 + np.maximum(0, scores - high + 3) ** 2)
        return float(value + 1e-3 * np.sum(theta ** 2))

    start = np.array([*[MODEL.weights[n] for n, a in zip(NAMES, ADVERSARIAL, strict=True) if a], MODEL.slope])
    bounds = [(0.0, 5.0)] * int(ADVERSARIAL.sum()) + [(0.0, 10.0)]
    return minimize(loss, start, method="L-BFGS-B", bounds=bounds).x


def cell(scores: np.ndarray, ratings: np.ndarray, cuts: tuple[float, float] | None = None) -> str:
    """tier agreement / Spearman, and go<->walk_away confusions if any; the index read at the
    verdict cut-offs `cuts` (go, walk_away), the expert's rating always at the tiers' own."""
    predicted, expert = tiers(scores, *(cuts or ())), tiers(ratings)
    swaps = int(np.sum(np.abs(predicted - expert) == 2))
    return f"{np.mean(predicted == expert):.3f} / {spearmanr(scores, ratings).statistic:.3f}" + (
        f" ({swaps} go<->walk)" if swaps else "")


def confusion(scores: np.ndarray, ratings: np.ndarray) -> str:
    """Counts of expert tier -> tier read, rows and columns walk_away, probe, go."""
    counts = np.zeros((3, 3), int)
    np.add.at(counts, (tiers(ratings), tiers(scores)), 1)
    return " / ".join(" ".join(map(str, row)) for row in counts)


def out_of_fold(fit_part: Part, register: Part, prior: float, beta: float, loss_kind: str) -> str:
    """The real-register texts scored by fits that did not see them."""
    fold = np.arange(len(register.ratings)) % FOLDS
    scores = np.empty(len(register.ratings))
    for k in range(FOLDS):
        theta = fit(fit_part.plus(register.subset(fold != k)), prior, beta, loss_kind)
        scores[fold == k] = index(theta, register.subset(fold == k), prior, beta)
    return cell(scores, register.ratings)


def real_texts(analyzer: Analyzer, texts: Path | None) -> dict[str, list]:
    """Reports of the development excerpts (if given) and of r01-r90."""
    return {name: [(analyzer.analyze(i.path.read_text("utf-8")), i.rating) for i in items]
            for name, items in development_sets(texts).items()}


def calibration(analyzer: Analyzer, real: dict[str, list]) -> None:
    rows = [r for r in load_corpus() if r.split != "test"]
    measured = measure(analyzer, analyzer_for=cross_fitted(analyzer, rows))
    parts = {p: Part.of([(i.totals, i.words, i.rating) for i in measured if i.part == p])
             for p in ("fit", "heldout", "real_register")}
    parts.update({name: Part.of([({k: c.count for k, c in r.components.items()}, r.words, rating)
                                 for r, rating in reports]) for name, reports in real.items()})
    bundled = np.array([*[MODEL.weights[n] for n, a in zip(NAMES, ADVERSARIAL, strict=True) if a], MODEL.slope])
    fit_part = parts["fit"]
    same = [index_from_totals(dict(zip(NAMES, t, strict=True)), int(w), MODEL)
            for t, w in zip(fit_part.totals, fit_part.words, strict=True)]
    if not np.allclose(index(bundled, fit_part, MODEL.prior_signals, 0.0), same):
        raise SystemExit("the index form of this script differs from index.py")
    print("## Calibration (tier agreement / Spearman)\n")
    print("variant | " + " | ".join(parts) + " |\n" + "---|" * (len(parts) + 1))
    print("bundled | " + " | ".join(cell(index(bundled, p, MODEL.prior_signals, 0.0), p.ratings)
                                    for p in parts.values()) + " |")
    print("\nbundled, expert tier -> tier read (walk_away, probe, go): " + "; ".join(
        f"{name} {confusion(index(bundled, p, MODEL.prior_signals, 0.0), p.ratings)}" for name, p in parts.items()))
    verdict_cuts({name: index(bundled, p, MODEL.prior_signals, 0.0) for name, p in parts.items()}, parts)
    both = parts["fit"].plus(parts["real_register"])
    for loss_kind in ("mse", "tier"):
        for prior in (1.5, 2.5, 5.0):
            for beta in (0.0, 0.25, 0.5):
                theta = fit(both, prior, beta, loss_kind)
                cells = [out_of_fold(parts["fit"], parts["real_register"], prior, beta, loss_kind)
                         if name == "real_register" else cell(index(theta, p, prior, beta), p.ratings)
                         for name, p in parts.items()]
                print(f"{loss_kind}, prior {prior}, beta {beta} | " + " | ".join(cells) + " |", flush=True)


def verdict_cuts(scores: dict[str, np.ndarray], parts: dict[str, Part]) -> None:
    """The bundled index read at the verdict cut-offs fitted on the real-register texts, then
    the expert's tiers of each set's texts by 5-point band of the index."""
    expert = tiers(parts["real_register"].ratings)
    grid = [(go, walk) for go in np.arange(55.0, 70.25, 0.5) for walk in np.arange(35.0, 50.25, 0.5)]
    best = max(grid, key=lambda c: (np.mean(tiers(scores["real_register"], *c) == expert),
                                    -abs(c[0] - MODEL.go) - abs(c[1] - MODEL.walk_away)))
    print(f"\nverdict cut-offs fitted on the real-register texts: go >= {best[0]:g}, walk_away < {best[1]:g}")
    print("cut-offs | " + " | ".join(parts) + " |\n" + "---|" * (len(parts) + 1))
    for cuts in ((MODEL.go, MODEL.walk_away), best):
        print(f"{cuts[0]:g} / {cuts[1]:g} | " + " | ".join(cell(scores[n], p.ratings, cuts)
                                                        for n, p in parts.items()) + " |")
    print("\nexpert tiers (walk_away / probe / go) of the texts in each band of the bundled index")
    print("band | " + " | ".join(parts) + " |\n" + "---|" * (len(parts) + 1))
    for low in range(35, 70, 5):
        print(f"{low}-{low + 5} | " + " | ".join(band(scores[n], p.ratings, low, low + 5)
                                                for n, p in parts.items()) + " |")
    print()


def band(scores: np.ndarray, ratings: np.ndarray, low: float, high: float) -> str:
    """Counts of the expert's tiers among the texts whose index is in [low, high)."""
    inside = tiers(ratings[(scores >= low) & (scores < high)])
    return " / ".join(str(int(np.sum(inside == t))) for t in (0, 1, 2))


def thresholds(real: dict[str, list]) -> None:
    """Totals recomputed from each sentence's probabilities with other thresholds (no refit)."""
    component_of = {c.label: c.name for c in COMPONENTS}
    adverse = [c.label for c in COMPONENTS if c.polarity is Polarity.ADVERSARIAL and c.name != "numbers_only"]
    variants = {"bundled labels": None, "every label 0.35": {},
                "adversarial 0.25": dict.fromkeys(adverse, 0.25), "adversarial 0.20": dict.fromkeys(adverse, 0.20),
                "every label 0.25": dict.fromkeys(component_of, 0.25)}
    print("\n## Label thresholds, no refit (tier agreement / Spearman)\n")
    print("thresholds | " + " | ".join(real) + " |\n" + "---|" * (len(real) + 1))
    for name, threshold in variants.items():
        cells = []
        for reports in real.values():
            scores = []
            for report, _ in reports:
                totals = dict.fromkeys(NAMES, 0.0)
                for s in report.sentences:
                    for label, p in s.scores.items():
                        if label in s.labels if threshold is None else p >= threshold.get(label, 0.35):
                            totals[component_of[label]] += min(MODEL.sentence_cap, p)
                scores.append(index_from_totals(totals, report.words, MODEL))
            cells.append(cell(np.array(scores), np.array([rating for _, rating in reports])))
        print(f"{name} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=Path, help="folder of the 24 real excerpts NN.txt (optional)")
    args = parser.parse_args()
    analyzer = Analyzer()
    real = real_texts(analyzer, args.texts)
    calibration(analyzer, real)
    thresholds(real)


if __name__ == "__main__":
    main()
