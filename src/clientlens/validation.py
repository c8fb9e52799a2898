"""Index validation: fit component weights on rated transcripts, report on held-out ones."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.stats import spearmanr

from clientlens.classifier.features import SentenceClassifier
from clientlens.classifier.linear import LinearClassifier
from clientlens.classifier.model import SentenceModel, TrainedClassifier, label_matrix, load_classifier
from clientlens.classifier.training import (
    CorpusRow,
    leave_transcripts_out,
    load_corpus,
    out_of_fold,
    sentence_inputs,
    transcript_id,
)
from clientlens.errors import InputError
from clientlens.index import IndexModel, index_from_totals, interval, verdict
from clientlens.pipeline import Analyzer
from clientlens.resources import data_dir
from clientlens.taxonomy import COMPONENTS, Polarity

#: Share of rated transcripts used to fit the weights; the rest is held out.
FIT_SHARE = 0.55
ADVERSARIAL = tuple(c.name for c in COMPONENTS if c.polarity is Polarity.ADVERSARIAL)


@dataclass(frozen=True)
class RatedTranscript:
    """A transcript with an expert rating, measured by the analysis."""

    id: str
    rating: float
    tier: str
    totals: dict[str, float]
    words: int
    part: str


def transcripts_dir() -> Path:
    """Folder of the rated transcripts and their ratings.jsonl."""
    return data_dir("corpus") / "transcripts"


#: Parts of the rated transcripts. Only "fit" is fitted on (index weights, and the classifier
#: through the sentences of these transcripts in the corpus); "heldout" transcripts were
#: written after both were last designed and are only measured; "real_register" texts (short
#: single-speaker texts in the registers of real speech) train the classifier through their
#: sentences and are measured cross-fitted, but do not fit the index weights (docs/evaluation.md).
PARTS = ("fit", "heldout", "real_register")
#: Folds of the cross-fitting of transcripts whose sentences the classifier was trained on.
CROSS_FIT_FOLDS = 5


def part_of(transcript_id: str) -> str:
    """Fixed fit/held-out assignment from a hash of the id (rows without an explicit part)."""
    h = int(hashlib.sha256(transcript_id.encode()).hexdigest(), 16) % 1000
    return "fit" if h < FIT_SHARE * 1000 else "heldout"


def read_ratings(folder: Path | None = None) -> list[dict[str, Any]]:
    """The rows of ratings.jsonl (id, file, leader, rating, tier, optional part, ...)."""
    folder = folder or transcripts_dir()
    lines = (folder / "ratings.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def measure(
    analyzer: Analyzer, folder: Path | None = None, analyzer_for: Callable[[str], Analyzer] | None = None,
) -> list[RatedTranscript]:
    """Analyse every rated transcript (leader only) and keep its component totals.

    `analyzer_for(id)` picks the analyzer of each transcript (see `cross_fitted`); by default
    `analyzer` measures them all.
    """
    folder = folder or transcripts_dir()
    out = []
    for row in read_ratings(folder):
        part = row.get("part") or part_of(row["id"])
        if part not in PARTS:
            raise InputError(f"{row['id']}: unknown part {part!r} (expected one of {PARTS})")
        chosen = analyzer_for(row["id"]) if analyzer_for else analyzer
        report = chosen.analyze_file(folder / row["file"], speaker=row["leader"])
        totals = {k: c.count for k, c in report.components.items()}
        out.append(RatedTranscript(row["id"], float(row["rating"]), row["tier"], totals, report.words, part))
    return out


def cross_fitted(
    analyzer: Analyzer, rows: Sequence[CorpusRow], folds: int = CROSS_FIT_FOLDS,
) -> Callable[[str], Analyzer]:
    """Per transcript, an analyzer whose classifier never saw that transcript's sentences.

    The bundled classifier is trained on the corpus, which holds the annotated sentences of
    the "fit" transcripts; measured with it, those transcripts would get cleaner labels than
    any new transcript, and the index weights fitted on them would be too trusting. So the
    transcripts are split into `folds` folds and each fold is measured by the same model
    refitted without that fold's sentences (same parameters and thresholds). Transcripts
    with no sentence in `rows` get `analyzer` itself.
    """
    owned = any(transcript_id(r.group) for r in rows)
    base = fitted_model(analyzer.classifier) if owned else None
    if base is None:
        return lambda _: analyzer
    inputs = sentence_inputs(analyzer, rows)
    y = label_matrix(r.labels for r in rows)
    # A second pass is refitted per fold on out-of-fold first-pass probabilities (computed
    # once over the corpus's own grouped folds: those probabilities of the kept rows come from
    # models that saw part of the fold, a leak of the second order, docs/evaluation.md).
    first_pass = (out_of_fold(rows, analyzer, folds, inputs, **base.get_params())[2]
                  if getattr(base, "neighbours_", None) is not None else None)
    folds_and_models = leave_transcripts_out(rows, inputs, y, base, folds, first_pass)
    chosen: dict[str, Analyzer] = {}
    for k, (fold, model) in enumerate(folds_and_models):
        fold_analyzer = Analyzer(lexicon=analyzer.lexicon, index_model=analyzer.index_model,
                                 classifier=TrainedClassifier(model, f"cross-fit fold {k + 1}/{folds}"),
                                 spacy_model=analyzer.spacy_model)
        chosen.update(dict.fromkeys(fold, fold_analyzer))
    return lambda tid: chosen.get(tid, analyzer)


def fitted_model(classifier: SentenceClassifier | None) -> SentenceModel | None:
    """The scikit-learn model behind a classifier: a TrainedClassifier's own, or for the linear
    export of the bundled model (the analysis's default), the bundled model itself."""
    if isinstance(classifier, TrainedClassifier):
        return classifier.model
    if isinstance(classifier, LinearClassifier):
        trained = load_classifier()
        return trained.model if trained.sha256 == classifier.sha256 else None
    return None


def fit_weights(items: Sequence[RatedTranscript], model: IndexModel) -> IndexModel:
    """Least-squares fit of the adversarial component weights and the slope to ratings.

    The bias stays fixed (no evidence must mean neutral, which rated transcripts, all
    carrying evidence, cannot teach), the respectful weight stays 1.0 (the unit of the
    balance) and the prior stays at `prior_signals`; weights and slope are kept >= 0.
    """

    def loss(theta: np.ndarray) -> float:
        candidate = _with(model, theta)
        errors = [index_from_totals(i.totals, i.words, candidate) - i.rating for i in items]
        return float(np.mean(np.square(errors))) + 1e-3 * float(np.sum(np.square(theta)))

    start = np.array([*[model.weights[c] for c in ADVERSARIAL], model.slope])
    bounds = [(0.0, 5.0)] * len(ADVERSARIAL) + [(0.0, 10.0)]
    result = minimize(loss, start, method="L-BFGS-B", bounds=bounds)
    return _with(model, result.x)


#: Candidate interval margins (log-odds), searched from narrowest to widest.
MARGIN_GRID = tuple(round(0.05 * k, 2) for k in range(81))


def fit_interval_margin(items: Sequence[RatedTranscript], model: IndexModel) -> IndexModel:
    """The narrowest `interval_margin` of MARGIN_GRID whose interval holds the rating of at
    least `interval_level` of `items` (the widest of the grid if none does).

    The Poisson interval bounds only the counting noise; on texts the classifier reads with
    its real error (the real-register texts, cross-fitted) it holds the rating less often than
    its level says. The margin adds that error, measured, so that the interval means what its
    level says on speech like theirs.
    """
    if not items:
        return model
    for margin in MARGIN_GRID:
        candidate = replace(model, interval_margin=margin)
        if _coverage(items, candidate) >= model.interval_level - 1e-9:
            return candidate
    return replace(model, interval_margin=MARGIN_GRID[-1])


def _coverage(items: Sequence[RatedTranscript], model: IndexModel) -> float:
    bounds = [interval(i.totals, i.words, model) for i in items]
    return float(np.mean([lo <= i.rating <= hi for (lo, hi), i in zip(bounds, items, strict=True)]))


def _with(model: IndexModel, theta: np.ndarray) -> IndexModel:
    weights = {**model.weights, **{c: float(w) for c, w in zip(ADVERSARIAL, theta[:-1], strict=True)}}
    return replace(model, weights=weights, slope=float(theta[-1]))


def report(items: Sequence[RatedTranscript], model: IndexModel) -> dict[str, Any]:
    """Spearman correlation between index and rating, tier accuracy, mean absolute error, and
    the share of ratings inside the report's interval (its coverage, against its level)."""
    if not items:
        return {"transcripts": 0}
    index = [index_from_totals(i.totals, i.words, model) for i in items]
    rho = spearmanr(index, [i.rating for i in items]).statistic
    tiers = [verdict(x, model) == i.tier for x, i in zip(index, items, strict=True)]
    mae = np.mean([abs(x - i.rating) for x, i in zip(index, items, strict=True)])
    return {"transcripts": len(items), "spearman": round(float(rho), 3),
            "tier_accuracy": round(float(np.mean(tiers)), 3), "mae": round(float(mae), 1),
            "interval_coverage": round(_coverage(items, model), 3)}


def leave_one_out(items: Sequence[RatedTranscript], model: IndexModel) -> dict[str, Any]:
    """Refit on all transcripts but one and score that one, for each: a steadier estimate than
    the single held-out part (which stays the reported target figure)."""
    predicted = []
    for k, item in enumerate(items):
        fitted = fit_weights([*items[:k], *items[k + 1 :]], model)
        predicted.append(index_from_totals(item.totals, item.words, fitted))
    rho = spearmanr(predicted, [i.rating for i in items]).statistic
    tiers = [verdict(x, model) == i.tier for x, i in zip(predicted, items, strict=True)]
    return {"transcripts": len(items), "spearman": round(float(rho), 3),
            "tier_accuracy": round(float(np.mean(tiers)), 3)}


def validate(
    analyzer: Analyzer, fit: bool = True, corpus: str | Path | None = None,
) -> tuple[IndexModel, dict[str, Any]]:
    """Fit on the fit part (unless `fit` is False) and report on every part.

    Transcripts whose sentences are in the training rows of `corpus` are measured cross-fitted
    (`cross_fitted`). Leave-one-out runs over the fit part, for a steadier in-sample estimate.
    The weights are fitted on the fit part; the interval margin on the real-register part
    (`fit_interval_margin`), whose texts are read with the classifier's real-speech error. The
    held-out part measures both.
    """
    rows = [r for r in load_corpus(corpus) if r.split != "test"]
    items = measure(analyzer, analyzer_for=cross_fitted(analyzer, rows))
    model = analyzer.index_model
    by_part = {p: [i for i in items if i.part == p] for p in PARTS}
    if fit:
        model = fit_interval_margin(by_part["real_register"], fit_weights(by_part["fit"], model))
    metrics = {p: report(by_part[p], model) for p in PARTS if by_part[p]}
    metrics["leave_one_out"] = leave_one_out(by_part["fit"], analyzer.index_model)
    return model, metrics


def write_index_model(model: IndexModel, metrics: dict[str, Any], path: Path) -> None:
    """Update models/index.json with fitted bias and weights, keeping other settings."""
    raw = json.loads(path.read_text("utf-8"))
    raw["slope"] = round(model.slope, 4)
    raw["weights"] = {k: round(v, 4) for k, v in model.weights.items()}
    raw["interval_margin"] = model.interval_margin
    raw["provenance"] = ("fitted by `clientlens fit-index` on the 'fit' part of "
                         "corpus/transcripts (docs/evaluation.md)")
    raw["validation"] = metrics
    path.write_text(json.dumps(raw, indent=2, ensure_ascii=False) + "\n", "utf-8")



