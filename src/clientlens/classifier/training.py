"""Training and evaluation of the sentence classifier on the annotated corpus."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import GroupKFold

from clientlens.classifier.features import SentenceInput
from clientlens.classifier.model import SentenceModel, best_thresholds, label_matrix, save_model
from clientlens.classifier.neighbours import NeighbourPass, text_features
from clientlens.errors import InputError
from clientlens.pipeline import Analyzer
from clientlens.resources import corpus_path, model_dir
from clientlens.taxonomy import COMPONENT_BY_NAME, LABELS

SPLITS = ("train", "dev", "test")


#: Group of the corpus sentences taken from a rated transcript: "transcript-<id>".
TRANSCRIPT_GROUP = "transcript-"


@dataclass(frozen=True)
class CorpusRow:
    """One annotated sentence."""

    id: str
    text: str
    labels: tuple[str, ...]
    sector: str
    register: str
    hard: tuple[str, ...]
    group: str
    split: str
    context: str = ""  # the speaker's previous sentences, for sentences taken from transcripts


def load_corpus(path: str | Path | None = None) -> list[CorpusRow]:
    """Read the annotated corpus (JSONL), validating labels and splits."""
    path = Path(path) if path else corpus_path()
    rows = []
    for lineno, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            row = CorpusRow(raw["id"], raw["text"], tuple(raw["labels"]), raw.get("sector", ""),
                            raw.get("register", ""), tuple(raw.get("hard", ())),
                            raw.get("group", raw["id"]), raw.get("split", "train"), raw.get("context", ""))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f"{path}:{lineno}: malformed corpus row ({exc})") from None
        unknown = set(row.labels) - set(LABELS)
        if unknown or row.split not in SPLITS:
            raise InputError(f"{path}:{lineno}: unknown label(s) {sorted(unknown)} or split {row.split!r}")
        rows.append(row)
    return rows


def corpus_hash(rows: Sequence[CorpusRow]) -> str:
    """sha256 over the corpus content (text, labels, split, context), independent of file layout."""
    digest = hashlib.sha256()
    for r in rows:
        digest.update(json.dumps([r.id, r.text, r.labels, r.split, r.context], ensure_ascii=False).encode())
    return digest.hexdigest()


def transcript_id(group: str) -> str | None:
    """The rated transcript a corpus group comes from, if any."""
    return group.removeprefix(TRANSCRIPT_GROUP) if group.startswith(TRANSCRIPT_GROUP) else None


def leave_transcripts_out(
    rows: Sequence[CorpusRow], inputs: Sequence[SentenceInput], y: np.ndarray, base: SentenceModel, folds: int,
    first_pass: np.ndarray | None = None,
) -> Iterator[tuple[set[str], SentenceModel]]:
    """For each fold of the rated transcripts with sentences in `rows`: the fold's transcript
    ids and `base` refitted without their sentences (same parameters and thresholds). When
    `base` has a second pass, the fold's model gets one fitted without the fold's sentences on
    `first_pass`, the rows' out-of-fold first-pass probabilities (`out_of_fold`), or else
    `base`'s own."""
    owned = sorted({t for r in rows if (t := transcript_id(r.group))})
    for k in range(min(folds, len(owned))):
        fold = set(owned[k::folds])
        keep = [i for i, r in enumerate(rows) if transcript_id(r.group) not in fold]
        model = SentenceModel(**base.get_params()).fit([inputs[i] for i in keep], y[keep])
        model.thresholds_ = base.thresholds_
        model.neighbours_ = getattr(base, "neighbours_", None)
        if model.neighbours_ is not None and first_pass is not None:
            model.neighbours_ = fit_second_pass(first_pass[keep], y[keep], [rows[i] for i in keep], folds)
        yield fold, model


def fit_second_pass(first_pass: np.ndarray, y: np.ndarray, rows: Sequence[CorpusRow], folds: int = 5) -> NeighbourPass:
    """The second pass (classifier/neighbours.py) fitted on out-of-fold first-pass
    probabilities of `rows`, with per-label thresholds tuned on its own out-of-fold
    probabilities (`second_pass_out_of_fold`)."""
    features = _second_pass_inputs(first_pass, rows)
    fitted = _logistic_pass(features, y)
    held_out = _held_out_pass(features, y, rows, folds)
    return NeighbourPass(fitted.weights, fitted.intercepts, best_thresholds(held_out, y))


def second_pass_out_of_fold(
    first_pass: np.ndarray, y: np.ndarray, rows: Sequence[CorpusRow], folds: int = 5,
) -> np.ndarray:
    """Second-pass probabilities of `rows`, each fold's from a second pass fitted without it
    (folds grouped as the first pass's)."""
    return _held_out_pass(_second_pass_inputs(first_pass, rows), y, rows, folds)


def _held_out_pass(features: np.ndarray, y: np.ndarray, rows: Sequence[CorpusRow], folds: int) -> np.ndarray:
    held_out = np.zeros(y.shape)
    for fit_idx, held_idx in GroupKFold(folds).split(features, y, [r.group for r in rows]):
        held_out[held_idx] = _logistic_pass(features[fit_idx], y[fit_idx]).proba_of(features[held_idx])
    return held_out


def _second_pass_inputs(first_pass: np.ndarray, rows: Sequence[CorpusRow]) -> np.ndarray:
    """The sentences of a rated text are neighbours, in corpus order; other rows are alone."""
    return text_features(first_pass, [transcript_id(r.group) for r in rows])


def _logistic_pass(features: np.ndarray, y: np.ndarray) -> NeighbourPass:
    """One logistic regression per label (C = 1), thresholds left at 0.5."""
    fitted = [LogisticRegression(C=1.0, max_iter=2000).fit(features, y[:, j]) for j in range(y.shape[1])]
    return NeighbourPass(np.column_stack([m.coef_.ravel() for m in fitted]),
                         np.array([float(m.intercept_[0]) for m in fitted]), np.full(y.shape[1], 0.5))


def sentence_inputs(analyzer: Analyzer, rows: Sequence[CorpusRow]) -> list[SentenceInput]:
    """Classifier inputs of corpus rows."""
    return analyzer.sentence_inputs([r.text for r in rows], [r.context for r in rows])


def fit_model(
    train_rows: Sequence[CorpusRow], dev_rows: Sequence[CorpusRow], analyzer: Analyzer,
    **params: Any,
) -> SentenceModel:
    """Fit on the training rows and tune per-label thresholds on the dev rows."""
    model = SentenceModel(**params)
    model.fit(sentence_inputs(analyzer, train_rows), label_matrix(r.labels for r in train_rows))
    if dev_rows:
        model.tune_thresholds(sentence_inputs(analyzer, dev_rows), label_matrix(r.labels for r in dev_rows))
    return model


def scores(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, Any]:
    """Per-label precision, recall, F1 and support, plus macro-F1."""
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, average=None, zero_division=0)
    per_label = {
        label: {"precision": round(float(p[i]), 3), "recall": round(float(r[i]), 3),
                "f1": round(float(f[i]), 3), "support": int(s[i])}
        for i, label in enumerate(LABELS)
    }
    return {"macro_f1": round(float(np.mean(f)), 3), "labels": per_label}


def score_table(name: str, result: dict[str, Any]) -> str:
    """`scores` as text: macro-F1, then precision, recall, F1 and support per label."""
    lines = [f"{name}: macro-F1 {result['macro_f1']:.3f}"]
    for label, s in result["labels"].items():
        lines.append(f"  {label:<22} P={s['precision']:.3f} R={s['recall']:.3f} "
                     f"F1={s['f1']:.3f} n={s['support']}")
    return "\n".join(lines)


def keyword_baseline(inputs: Sequence[SentenceInput], analyzer: Analyzer) -> np.ndarray:
    """Labels from counted lexicon hits alone (family -> component -> label)."""
    family_label = {
        name: COMPONENT_BY_NAME[fam.component].label for name, fam in analyzer.lexicon.families.items()
    }
    out = np.zeros((len(inputs), len(LABELS)), dtype=int)
    for i, item in enumerate(inputs):
        for key in item.cues:
            if key.startswith("family="):
                out[i, LABELS.index(family_label[key.removeprefix("family=")])] = 1
    return out


def evaluate(
    model: SentenceModel, rows: Sequence[CorpusRow], analyzer: Analyzer
) -> dict[str, Any]:
    """Model and keyword-baseline scores on `rows`, overall and on the hard cases."""
    inputs = sentence_inputs(analyzer, rows)
    y = label_matrix(r.labels for r in rows)
    predicted = model.predict_texts(inputs, [transcript_id(r.group) for r in rows])
    baseline = keyword_baseline(inputs, analyzer)
    hard = np.array([bool(r.hard) for r in rows])
    return {
        "sentences": len(rows),
        "hard_sentences": int(hard.sum()),
        "model": scores(y, predicted),
        "keyword_baseline": scores(y, baseline),
        "model_hard": scores(y[hard], predicted[hard]),
        "keyword_baseline_hard": scores(y[hard], baseline[hard]),
    }


def out_of_fold(
    rows: Sequence[CorpusRow], analyzer: Analyzer, folds: int = 5, inputs: Sequence[SentenceInput] | None = None,
    **params: Any,
) -> tuple[list[SentenceInput], np.ndarray, np.ndarray]:
    """Inputs, labels and out-of-fold first-pass probabilities of a cross-validation grouped
    by writing batch, like the splits: each fold is scored by a model that never saw its
    batches. `inputs`: the rows' classifier inputs, when already built."""
    inputs = list(inputs) if inputs is not None else sentence_inputs(analyzer, rows)
    y = label_matrix(r.labels for r in rows)
    proba = np.zeros(y.shape)
    for fit_idx, held_idx in GroupKFold(folds).split(inputs, y, [r.group for r in rows]):
        fold_model = SentenceModel(**params).fit([inputs[i] for i in fit_idx], y[fit_idx])
        proba[held_idx] = fold_model.predict_proba([inputs[i] for i in held_idx])
    return inputs, y, proba


def cross_validated(rows: Sequence[CorpusRow], analyzer: Analyzer, folds: int = 5, **params: Any) -> dict[str, Any]:
    """Scores of out-of-fold predictions, thresholds tuned on them (for choosing settings)."""
    _, y, proba = out_of_fold(rows, analyzer, folds, **params)
    return scores(y, (proba >= best_thresholds(proba, y)).astype(int))


def refit_rows(rows: Sequence[CorpusRow]) -> list[CorpusRow]:
    """The rows the shipped model is refitted on, in the order `train` refits them: the train
    split, then dev. The order decides the cross-validation folds, hence the thresholds and the
    second pass: the same rows in the corpus's own order give another model (docs/evaluation.md,
    2026-12-07)."""
    return [*(r for r in rows if r.split == "train"), *(r for r in rows if r.split == "dev")]


def refit(rows: Sequence[CorpusRow], analyzer: Analyzer, folds: int = 5, **params: Any) -> SentenceModel:
    """Fit on all `rows` (train + dev) with thresholds tuned on out-of-fold probabilities, and
    the second pass fitted on those probabilities (`fit_second_pass`)."""
    inputs, y, proba = out_of_fold(rows, analyzer, folds, **params)
    model = SentenceModel(**params).fit(inputs, y)
    model.thresholds_ = best_thresholds(proba, y)
    model.neighbours_ = fit_second_pass(proba, y, rows, folds)
    return model


def train(
    corpus: str | Path | None = None, out_dir: str | Path | None = None, **params: Any
) -> tuple[SentenceModel, dict[str, Any]]:
    """Train, measure on dev, refit on train + dev, measure on test, and save.

    The model fitted on train alone gives the dev figures (the ones hyperparameters were
    chosen on); the saved model is refitted on train + dev with cross-validated thresholds and
    gives the test figures. Deterministic: same corpus and library versions, same model.
    """
    rows = load_corpus(corpus)
    analyzer = Analyzer(use_classifier=False)
    by_split = {s: [r for r in rows if r.split == s] for s in SPLITS}
    dev_model = fit_model(by_split["train"], by_split["dev"], analyzer, **params)
    model = refit(refit_rows(rows), analyzer, **params)
    info = {
        "corpus_sha256": corpus_hash(rows),
        "corpus_sentences": {s: len(v) for s, v in by_split.items()},
        "lexicon_sha256": analyzer.lexicon.sha256,
        "training": "fitted on train + dev; thresholds from grouped 5-fold cross-validation; "
                    "second pass fitted on the out-of-fold probabilities",
        "dev": evaluate(dev_model, by_split["dev"], analyzer) if by_split["dev"] else None,
        "test": evaluate(model, by_split["test"], analyzer) if by_split["test"] else None,
    }
    save_model(model, Path(out_dir) if out_dir else model_dir(), info)
    return model, info
