"""Index refits on the real-register texts, against the bundled index (docs/evaluation.md,
"What limits these numbers").

Every rated transcript is measured cross-fitted, as `clientlens fit-index` measures it, then the
index weights and slope (optionally the bias and prior too) are fitted on the fit part, on the fit
part plus the real-register texts t181-t378, or on t181-t378 alone, and each fit is reported on
the fit part, the held-out part, t181-t378, the fourth round t379-t450 and, given --texts, the
24 real excerpts (Spearman / tier accuracy). About 6 minutes on 2 cores.

    python scripts/index_refits.py [--texts /tmp/realdev]
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import numpy as np
from real_speech import DEV_TABLE, parse_dev_table
from scipy.optimize import minimize
from scipy.stats import spearmanr

from clientlens.classifier.training import load_corpus
from clientlens.index import IndexModel, index_from_totals, verdict
from clientlens.pipeline import Analyzer
from clientlens.validation import cross_fitted, measure

ADVERSARIAL = ["adversarial_vocabulary", "negative_anecdotes", "misconduct_tolerance", "numbers_only"]


def agreement(model: IndexModel, items: list) -> tuple[float, float]:
    """(Spearman, tier accuracy) of (totals, words, rating, tier) items."""
    scores = [index_from_totals(t, w, model) for t, w, _, _ in items]
    tiers = np.mean([verdict(s, model) == tier for s, (_, _, _, tier) in zip(scores, items, strict=True)])
    return spearmanr(scores, [r for _, _, r, _ in items]).statistic, float(tiers)


def refit(items: list, model: IndexModel, free_bias: bool, free_prior: bool) -> IndexModel:
    """Least squares between index and rating, as validation.fit_weights, with optional bias and prior."""
    def build(theta: np.ndarray) -> IndexModel:
        k = len(ADVERSARIAL)
        out = replace(model, weights={**model.weights, **dict(zip(ADVERSARIAL, map(float, theta[:k]), strict=True))},
                      slope=float(theta[k]))
        extra = list(theta[k + 1:])
        if free_bias:
            out = replace(out, bias=float(extra.pop(0)))
        if free_prior:
            out = replace(out, prior_signals=float(extra.pop(0)))
        return out

    def loss(theta: np.ndarray) -> float:
        candidate = build(theta)
        errors = [index_from_totals(t, w, candidate) - r for t, w, r, _ in items]
        return float(np.mean(np.square(errors))) + 1e-3 * float(np.sum(np.square(theta)))

    start = [model.weights[c] for c in ADVERSARIAL] + [model.slope]
    bounds = [(0.0, 5.0)] * len(ADVERSARIAL) + [(0.0, 10.0)]
    if free_bias:
        start, bounds = [*start, model.bias], [*bounds, (-2.0, 2.0)]
    if free_prior:
        start, bounds = [*start, model.prior_signals], [*bounds, (0.3, 10.0)]
    return build(minimize(loss, np.array(start, float), method="L-BFGS-B", bounds=bounds).x)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=Path, help="folder of the 24 real excerpts NN.txt (optional)")
    args = parser.parse_args()
    analyzer = Analyzer()
    rows = [r for r in load_corpus() if r.split != "test"]
    measured = measure(analyzer, analyzer_for=cross_fitted(analyzer, rows))
    number = {i.id: int(i.id[1:]) for i in measured}
    as_item = lambda i: (i.totals, i.words, i.rating, i.tier)  # noqa: E731
    parts = {
        "fit": [as_item(i) for i in measured if i.part == "fit"],
        "heldout": [as_item(i) for i in measured if i.part == "heldout"],
        "t181-t378": [as_item(i) for i in measured if i.part == "real_register" and number[i.id] <= 378],
        "t379-t450": [as_item(i) for i in measured if i.part == "real_register" and number[i.id] >= 379],
    }
    if args.texts:
        dev = []
        for item in parse_dev_table(DEV_TABLE.read_text("utf-8"), args.texts):
            report = analyzer.analyze(item.path.read_text("utf-8"))
            dev.append(({k: c.count for k, c in report.components.items()}, report.words, item.rating, item.tier))
        parts["development set"] = dev
    bundled = analyzer.index_model
    print("index | " + " | ".join(parts))
    fits = [("bundled", bundled)]
    for free_bias, free_prior in [(False, False), (True, False), (False, True), (True, True)]:
        tag = f"bias {'free' if free_bias else 'fixed'}, prior {'free' if free_prior else 'fixed'}"
        for on, items in [("fit", parts["fit"]), ("fit + t181-t378", parts["fit"] + parts["t181-t378"]),
                          ("t181-t378", parts["t181-t378"])]:
            fits.append((f"fitted on {on}, {tag}", refit(items, bundled, free_bias, free_prior)))
    for name, model in fits:
        cells = " | ".join("{:.3f} / {:.3f}".format(*agreement(model, items)) for items in parts.values())
        print(f"{name} | {cells}")


if __name__ == "__main__":
    main()
