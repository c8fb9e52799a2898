"""Classifier stage: multi-label sentence classifier (scikit-learn) and its safe loading.

Features per sentence: word and character n-grams of the text, lemma n-grams, cues derived
from the lexicon stage (counted hits per family, cancelled hits per rule), so that « nos
clients ne sont pas des cibles » is not read as a hunting sentence, and the words of the
speaker's previous sentences, so that « Et là, rien, pas un mot. » can be read as the end of
the anecdote it closes."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import scipy.sparse as sp
import sklearn
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, RidgeClassifier
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer, normalize
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from clientlens.classifier.features import (
    _MAX_CACHED_WORDS,
    CharNgrams,
    SentenceInput,
    _contexts,
    _cues,
    _lemmas,
    _texts,
    _word_ngrams,
)
from clientlens.classifier.files import MANIFEST_FILE, MODEL_FILE, load_model_file, manifest_identity, sha256_file
from clientlens.classifier.linear import export_linear, labelled
from clientlens.classifier.neighbours import NeighbourPass, text_features
from clientlens.errors import ModelError
from clientlens.resources import model_dir
from clientlens.taxonomy import LABELS

#: Linear estimators SentenceModel can use; all expose coef_ and intercept_ (SentenceModel._linear).
ESTIMATORS = ("ridge", "logistic", "svm")


def build_features(char_ngrams: tuple[int, int] = (3, 6), min_df: int = 2) -> FeatureUnion:
    """Word, character, lemma, cue and context features."""
    return FeatureUnion([
        ("words", Pipeline([("select", FunctionTransformer(_texts)),
                            ("tfidf", TfidfVectorizer(ngram_range=(1, 2), min_df=min_df,
                                                      sublinear_tf=True))])),
        ("chars", Pipeline([("select", FunctionTransformer(_texts)),
                            ("tfidf", TfidfVectorizer(analyzer=CharNgrams(*char_ngrams),
                                                      min_df=min_df, sublinear_tf=True,
                                                      max_features=60000))])),
        ("lemmas", Pipeline([("select", FunctionTransformer(_lemmas)),
                             ("tfidf", TfidfVectorizer(ngram_range=(1, 3), min_df=min_df,
                                                       sublinear_tf=True, token_pattern=r"\S+"))])),
        ("cues", Pipeline([("select", FunctionTransformer(_cues)),
                           ("dict", DictVectorizer())])),
        ("context", Pipeline([("select", FunctionTransformer(_contexts)),
                              ("tfidf", TfidfVectorizer(min_df=min_df, sublinear_tf=True))])),
    ])


class SentenceModel(ClassifierMixin, BaseEstimator):
    """One sigmoid-calibrated linear classifier per label over shared features.

    Ridge is the default: it beat logistic regression and a linear SVM in grouped 5-fold
    cross-validation on train + dev (scripts/select_estimator.py, docs/evaluation.md).

    Args:
        estimator: "ridge", "logistic" or "svm".
        alpha: regularisation strength of the ridge classifier.
        C: inverse regularisation strength of the logistic regression or the SVM.
        class_weight: None or "balanced".
        char_ngrams: range of character n-grams.
        calibration_folds: folds of the sigmoid calibration.
        labels: the label names (columns of Y).
    """

    def __init__(self, estimator: str = "ridge", alpha: float = 1.0, C: float = 4.0,
                 class_weight: str | None = None, char_ngrams: tuple[int, int] = (3, 6),
                 calibration_folds: int = 3, labels: tuple[str, ...] = LABELS) -> None:
        self.estimator = estimator
        self.alpha = alpha
        self.C = C
        self.class_weight = class_weight
        self.char_ngrams = char_ngrams
        self.calibration_folds = calibration_folds
        self.labels = labels

    def _base(self) -> BaseEstimator:
        if self.estimator == "ridge":
            return RidgeClassifier(alpha=self.alpha, class_weight=self.class_weight)
        if self.estimator == "logistic":
            return LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=3000,
                                      solver="liblinear")
        if self.estimator == "svm":
            return LinearSVC(C=self.C, class_weight=self.class_weight)
        raise ValueError(f"estimator must be one of {ESTIMATORS}, not {self.estimator!r}")

    def fit(self, X: Sequence[SentenceInput], Y: np.ndarray) -> SentenceModel:
        """Fit features and one calibrated classifier per label (Y: n x labels, 0/1)."""
        base = self._base()
        self.features_ = build_features(self.char_ngrams)
        matrix = self.features_.fit_transform(X)
        # One classifier fitted on all the data, its sigmoid fitted on cross-validated
        # scores (ensemble=False): as well calibrated as averaging one model per fold, and a
        # third of the prediction cost and model size.
        calibrated = CalibratedClassifierCV(base, method="sigmoid", cv=self.calibration_folds, ensemble=False)
        self.classifier_ = OneVsRestClassifier(calibrated).fit(matrix, Y)
        self.labels_ = tuple(self.labels)
        self.thresholds_ = np.full(len(self.labels_), 0.5)
        self.neighbours_: NeighbourPass | None = None  # the second pass, fitted by training.refit
        self._linear_cache = None
        return self

    def predict_proba(self, X: Sequence[SentenceInput]) -> np.ndarray:
        """Calibrated probability of each label (n x labels).

        Computed from the fitted vectorizers, coefficients and sigmoids directly: the same
        numbers as `classifier_.predict_proba(features_.transform(X))` (a test checks it),
        without the ~8 ms of per-call overhead of the nested scikit-learn meta-estimators,
        which a batch of short transcripts would pay thousands of times.
        """
        check_is_fitted(self)
        linear = self._linear()
        if linear is None:  # a model of another shape (an older file): the generic path
            return self.classifier_.predict_proba(self.features_.transform(X))
        weights, intercepts, slopes, offsets = linear
        scores = self._features(X) @ weights + intercepts
        return expit(-(slopes * scores + offsets))

    def _features(self, X: Sequence[SentenceInput]) -> sp.csr_matrix:
        """The FeatureUnion's matrix, built transformer by transformer."""
        blocks = []
        for _, pipeline in self.features_.transformer_list:
            select, vectorizer = pipeline.steps[0][1], pipeline.steps[-1][1]
            if isinstance(getattr(vectorizer, "analyzer", None), CharNgrams):
                blocks.append(self._char_features(select.func(X), vectorizer))
            else:
                blocks.append(vectorizer.transform(select.func(X)))
        return sp.hstack(blocks, format="csr")

    def _char_features(self, texts: list[str], vectorizer: TfidfVectorizer) -> sp.csr_matrix:
        """`vectorizer.transform(texts)` for the character block, from each word's vocabulary
        indices, cached per model: words recur, and looking up every n-gram of every
        sentence was the classifier's largest cost (a test checks the equality)."""
        known = self.__dict__.setdefault("_word_indices", {})
        if len(known) > _MAX_CACHED_WORDS:  # a long batch of new vocabulary: start again
            known.clear()
        ngrams, vocabulary = vectorizer.analyzer, vectorizer.vocabulary_
        indices: list[int] = []
        indptr = [0]
        for text in texts:
            for word in text.split():
                if word not in known:
                    known[word] = [vocabulary[g] for g in _word_ngrams(word, ngrams.min_n, ngrams.max_n)
                                   if g in vocabulary]
                indices.extend(known[word])
            indptr.append(len(indices))
        counts = sp.csr_matrix((np.ones(len(indices)), indices, indptr),
                               shape=(len(texts), len(vocabulary)))
        counts.sum_duplicates()
        if vectorizer.sublinear_tf:
            np.log(counts.data, out=counts.data)
            counts.data += 1
        if vectorizer.use_idf:
            counts = counts @ sp.diags(vectorizer.idf_)
        return normalize(counts, norm=vectorizer.norm, copy=False) if vectorizer.norm else counts

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the caches (rebuilt on first use)."""
        state = super().__getstate__()
        return {k: v for k, v in state.items() if k not in ("_linear_cache", "_word_indices")}

    def _linear(self) -> tuple[np.ndarray, ...] | None:
        """(weights, intercepts, sigmoid slopes, sigmoid offsets) of every label, stacked."""
        cached = getattr(self, "_linear_cache", None)
        if cached is not None:
            return cached
        parts = []
        for calibrated in self.classifier_.estimators_:
            inner = getattr(calibrated, "calibrated_classifiers_", None)
            if not inner or len(inner) != 1 or not hasattr(inner[0].estimator, "coef_"):
                return None
            model, sigmoid = inner[0].estimator, inner[0].calibrators[0]
            parts.append((model.coef_.ravel(), float(np.ravel(model.intercept_)[0]), sigmoid.a_, sigmoid.b_))
        weights = np.column_stack([p[0] for p in parts])
        self._linear_cache = (weights, *(np.array([p[k] for p in parts]) for k in (1, 2, 3)))
        return self._linear_cache

    def predict(self, X: Sequence[SentenceInput]) -> np.ndarray:
        """0/1 label matrix of the first pass, using its per-label thresholds."""
        return (self.predict_proba(X) >= self.thresholds_).astype(int)

    def predict_texts(self, X: Sequence[SentenceInput], texts: Sequence[str | None]) -> np.ndarray:
        """0/1 label matrix as the analysis labels: the first pass, then the second pass over
        each text's sentences (`texts`: a key per sentence, rows of a key in order, None for a
        sentence alone), with its own thresholds. A model without a second pass: `predict`."""
        first = self.predict_proba(X)
        second = getattr(self, "neighbours_", None)
        if second is None:
            return (first >= self.thresholds_).astype(int)
        return (second.proba_of(text_features(first, texts)) >= second.thresholds).astype(int)

    def tune_thresholds(self, X: Sequence[SentenceInput], Y: np.ndarray) -> np.ndarray:
        """Per-label thresholds maximising F1 on held-out data (the dev split)."""
        self.thresholds_ = best_thresholds(self.predict_proba(X), Y)
        return self.thresholds_


def best_thresholds(proba: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Per-label thresholds maximising F1 of held-out probabilities against Y."""
    grid = np.arange(0.1, 0.91, 0.025)
    best = []
    for j in range(Y.shape[1]):
        scores = [_f1(Y[:, j], proba[:, j] >= t) for t in grid]
        best.append(float(grid[int(np.argmax(scores))]))
    return np.array(best)


def _f1(y: np.ndarray, pred: np.ndarray) -> float:
    tp = float(np.sum(y & pred))
    denominator = float(np.sum(y) + np.sum(pred))
    return 2 * tp / denominator if denominator else 0.0


class TrainedClassifier:
    """A fitted SentenceModel with the sha256 of the file it came from."""

    def __init__(self, model: SentenceModel, sha256: str) -> None:
        self.model = model
        self.sha256 = sha256

    def predict(self, items: list[SentenceInput]) -> list[tuple[list[str], dict[str, float]]]:
        """Labels above threshold and rounded probabilities per sentence (the first pass)."""
        if not items:
            return []
        return labelled(self.model.predict_proba(items), self.model.labels_, self.model.thresholds_)

    def second_pass(self, first: np.ndarray) -> list[tuple[list[str], dict[str, float]]] | None:
        """One text's labels and probabilities after the second pass, from its sentences'
        first-pass probabilities (n x labels, in order); None for a model without one."""
        second = getattr(self.model, "neighbours_", None)
        return None if second is None else labelled(second.proba(first), self.model.labels_, second.thresholds)


def load_classifier(path: str | Path | None = None, *, trusted: bool = False) -> TrainedClassifier:
    """Load a classifier after checking its sha256 against the manifest beside it.

    The bundled model is always checked against the bundled manifest. A model from elsewhere
    is unpickled only with `trusted=True` (joblib files can run code when loaded), and still
    checked against its own manifest when one is present.

    Raises:
        ModelError: missing file, checksum mismatch, untrusted path or incompatible model.
    """
    model, actual = load_model_file(Path(path) if path else None, trusted=trusted)
    if not isinstance(model, SentenceModel):
        raise ModelError(f"{path or model_dir() / MODEL_FILE}: not a clientlens SentenceModel")
    return TrainedClassifier(model, actual)


def save_model(model: SentenceModel, directory: Path, info: dict[str, Any]) -> Path:
    """Write the model with joblib, its linear export (what the analysis scores with, see
    classifier/linear.py) and a manifest (every file's sha256, versions, labels, metrics)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / MODEL_FILE
    joblib.dump(model, path, compress=3)
    manifest = {
        "files": {MODEL_FILE: sha256_file(path), **export_linear(model, directory)},
        "scikit_learn": sklearn.__version__,
        **manifest_identity(sklearn.__version__),
        "labels": list(model.labels_),
        "thresholds": dict(zip(model.labels_, map(float, model.thresholds_), strict=True)),
        "params": model.get_params(),
        **info,
    }
    (directory / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return path


def label_matrix(label_lists: Iterable[Iterable[str]], labels: tuple[str, ...] = LABELS) -> np.ndarray:
    """0/1 matrix of label lists."""
    rows = [[int(lab in set(ls)) for lab in labels] for ls in label_lists]
    return np.array(rows, dtype=int).reshape(-1, len(labels))
