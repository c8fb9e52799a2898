"""Sentence classifier: safe loading, determinism, retraining, integration in the report."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from sklearn.metrics import f1_score

from clientlens.classifier.linear import LINEAR_FILES, load_linear
from clientlens.classifier.model import (
    ESTIMATORS,
    MANIFEST_FILE,
    MODEL_FILE,
    SentenceModel,
    label_matrix,
    load_classifier,
)
from clientlens.classifier.training import load_corpus, train
from clientlens.errors import ModelError
from clientlens.resources import model_dir
from clientlens.taxonomy import LABELS


@pytest.fixture()
def model_copy(tmp_path):
    for name in (MODEL_FILE, MANIFEST_FILE):
        shutil.copy(model_dir() / name, tmp_path / name)
    return tmp_path


def test_bundled_model_loads_and_has_the_labels():
    classifier = load_classifier()
    assert classifier.model.labels_ == LABELS
    manifest = json.loads((model_dir() / MANIFEST_FILE).read_text())
    assert manifest["files"][MODEL_FILE] == classifier.sha256


def test_tampered_model_is_refused_before_unpickling(model_copy):
    path = model_copy / MODEL_FILE
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="does not match the manifest"):
        load_classifier(path, trusted=True)


def test_foreign_model_needs_trust(model_copy):
    with pytest.raises(ModelError, match="trusted"):
        load_classifier(model_copy / MODEL_FILE)
    assert load_classifier(model_copy / MODEL_FILE, trusted=True).model.labels_ == LABELS


@pytest.mark.parametrize(
    "text,label",
    [
        ("Ils te jurent qu'ils n'ont jamais reçu le colis alors qu'on a la photo du livreur.", "negative_anecdote"),
        ("Il faut les faire craquer avant la fin du mois, quitte à insister lourdement.", "adversarial_framing"),
        ("J'ai appelé Mme Roux pour comprendre ce qui n'allait pas et on a changé la procédure avec elle.",
         "client_respect"),
    ],
)
def test_clear_sentences_get_their_label(analyzer, text, label):
    report = analyzer.analyze(text)
    assert label in report.sentences[0].labels, report.sentences[0].scores


def test_report_sentences_carry_scores_for_every_label(analyzer, example):
    report = analyzer.analyze_file(example("entretien_concession.txt"))
    assert all(set(s.scores) == set(LABELS) for s in report.sentences)
    assert any(e.source == "classifier" for e in report.evidence)
    assert report.provenance["model_sha256"]


def test_training_is_deterministic(tmp_path):
    """Same corpus, same versions: same predictions (on a small corpus to stay fast)."""
    rows = load_corpus()
    small = [r for r in rows if r.sector in {"bank", "hotel"}]
    corpus = tmp_path / "small.jsonl"
    corpus.write_text("\n".join(json.dumps({**r.__dict__, "labels": list(r.labels),
                                            "hard": list(r.hard)}) for r in small), "utf-8")
    texts = [r.text for r in small[:40]]
    from clientlens.pipeline import Analyzer

    inputs = Analyzer(use_classifier=False).sentence_inputs(texts)
    first, _ = train(corpus, tmp_path / "a")
    second, _ = train(corpus, tmp_path / "b")
    assert np.array_equal(first.predict_proba(inputs), second.predict_proba(inputs))
    manifest = json.loads((tmp_path / "a" / MANIFEST_FILE).read_text())
    assert manifest["corpus_sha256"]
    # save_model wrote the linear export, listed in the manifest, the same bytes both times
    assert manifest["files"] == json.loads((tmp_path / "b" / MANIFEST_FILE).read_text())["files"]
    assert set(manifest["files"]) == {MODEL_FILE, *LINEAR_FILES}
    assert np.abs(load_linear(tmp_path / "a").predict_proba(inputs) - first.predict_proba(inputs)).max() <= 1e-9


def test_missing_bundled_model_fails_closed(monkeypatch, tmp_path):
    """No silent fallback to lexicons: the default analysis refuses to run without its model."""
    from clientlens.classifier import linear as classifier
    from clientlens.pipeline import Analyzer

    monkeypatch.setattr(classifier, "model_dir", lambda: tmp_path)
    classifier.default_classifier.cache_clear()
    try:
        with pytest.raises(ModelError, match="not found"):
            Analyzer()
        lexicon_only = Analyzer(use_classifier=False).analyze("Nos clients sont des partenaires, on les écoute.")
        assert any("lexicon-only" in w for w in lexicon_only.warnings)
    finally:
        classifier.default_classifier.cache_clear()


def test_direct_probabilities_equal_scikit_learns(analyzer):
    """predict_proba's direct computation gives exactly the nested meta-estimators' numbers."""
    model = load_classifier().model
    inputs = analyzer.sentence_inputs([
        "Nos grands comptes, on les verrouille avant la fin du trimestre.",
        "Mme Roux nous a dit que le devis était illisible, on l'a refait avec elle.",
        "La salle de réunion du deuxième sera repeinte en mars.",
    ])
    generic = model.classifier_.predict_proba(model.features_.transform(inputs))
    assert np.allclose(model.predict_proba(inputs), generic, atol=1e-12)
    # the character block comes from cached per-word indices: the same matrix, twice over
    for _ in range(2):
        assert abs(model._features(inputs) - model.features_.transform(inputs)).max() < 1e-12


@pytest.mark.parametrize("text", ["nos clients, on les écoute.", "a", "ab cd", "  x   y ", "été\u00a0là", ""])
def test_char_ngrams_are_scikit_learns_char_wb(text):
    from sklearn.feature_extraction.text import TfidfVectorizer

    from clientlens.classifier.features import CharNgrams

    reference = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 6)).build_analyzer()
    assert CharNgrams(3, 6)(text) == reference(text)


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_every_estimator_fits_and_its_direct_probabilities_are_exact(analyzer, estimator):
    """Each candidate of scripts/select_estimator.py trains, learns, and takes the direct path."""
    rows = [r for r in load_corpus() if r.split == "train" and r.sector == "hotel"]
    inputs = analyzer.sentence_inputs([r.text for r in rows])
    y = label_matrix(r.labels for r in rows)
    model = SentenceModel(estimator=estimator, C=1.0).fit(inputs, y)
    direct = model.predict_proba(inputs)
    assert model._linear() is not None
    assert np.allclose(direct, model.classifier_.predict_proba(model.features_.transform(inputs)), atol=1e-12)
    learnt = f1_score(y, direct >= 0.5, average="macro", zero_division=0)
    assert learnt > 0.8 > f1_score(y, np.zeros_like(y), average="macro", zero_division=0)  # it learnt them


def test_an_unknown_estimator_is_refused():
    with pytest.raises(ValueError, match="estimator must be one of"):
        SentenceModel(estimator="forest").fit([], np.zeros((0, len(LABELS))))
