"""The second pass: features from neighbouring sentences, and its use by the analysis."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from clientlens.classifier.linear import load_linear
from clientlens.classifier.model import load_classifier
from clientlens.classifier.neighbours import BLOCKS, NeighbourPass, neighbour_features, text_features, width
from clientlens.pipeline import Analyzer

LABELS = 5


def block(features: np.ndarray, name: str) -> np.ndarray:
    start = BLOCKS.index(name) * LABELS
    return features[:, start : start + (2 if name == "flags" else LABELS)]


@pytest.fixture()
def three() -> np.ndarray:
    return np.array([[0.1, 0.2, 0.3, 0.4, 0.5], [0.9, 0.8, 0.7, 0.6, 0.5], [0.5, 0.5, 0.5, 0.5, 0.9]])


def test_features_have_the_documented_width(three):
    assert neighbour_features(three).shape == (3, width(LABELS)) == (3, 5 * LABELS + 2)


@pytest.mark.parametrize(("name", "row", "expected"), [
    ("before1", 0, [0, 0, 0, 0, 0]),
    ("before1", 1, [0.1, 0.2, 0.3, 0.4, 0.5]),
    ("before2", 2, [0.1, 0.2, 0.3, 0.4, 0.5]),
    ("before2", 1, [0, 0, 0, 0, 0]),
    ("after1", 0, [0.9, 0.8, 0.7, 0.6, 0.5]),
    ("after1", 2, [0, 0, 0, 0, 0]),
    ("after2", 0, [0.5, 0.5, 0.5, 0.5, 0.9]),
    ("after2", 1, [0, 0, 0, 0, 0]),
    ("flags", 0, [0, 1]),
    ("flags", 1, [1, 1]),
    ("flags", 2, [1, 0]),
])
def test_each_block_reads_the_right_neighbours(three, name, row, expected):
    assert block(neighbour_features(three), name)[row] == pytest.approx(expected)


def test_a_sentence_alone_has_only_its_own_log_odds():
    features = neighbour_features(np.array([[0.5, 0.5, 0.5, 0.5, 0.9]]))
    assert block(features, "self")[0] == pytest.approx([0, 0, 0, 0, np.log(9)])
    assert not features[0, LABELS:].any()


def test_texts_group_interleaved_rows_and_leave_unkeyed_rows_alone(three):
    proba = np.vstack([three[0], [0.3] * LABELS, three[1], three[2]])
    features = text_features(proba, ["a", None, "a", "a"])
    assert np.allclose(features[[0, 2, 3]], neighbour_features(three))
    assert np.allclose(features[1], neighbour_features(proba[1:2])[0])


def test_the_pass_reads_the_next_sentence():
    weights = np.zeros((width(LABELS), LABELS))
    weights[BLOCKS.index("after1") * LABELS, 0] = 4.0  # label 0 rises with the next sentence's label 0
    second = NeighbourPass(weights, np.full(LABELS, -2.0), np.full(LABELS, 0.5))
    quiet, loud = np.full((2, LABELS), 0.1), np.full((2, LABELS), 0.1)
    loud[1, 0] = 0.95
    assert second.proba(loud)[0, 0] > 0.5 > second.proba(quiet)[0, 0]
    assert second.proba(loud)[1, 0] == second.proba(quiet)[1, 0]  # nothing after the last sentence


def test_an_empty_text_has_no_probabilities():
    second = NeighbourPass(np.zeros((width(LABELS), LABELS)), np.zeros(LABELS), np.full(LABELS, 0.5))
    assert second.proba(np.zeros((0, LABELS))).shape == (0, LABELS)


def test_the_export_runs_the_second_pass_as_the_joblib_model(three):
    trained, linear = load_classifier(), load_linear()
    assert linear.neighbours is not None, "the bundled model has a second pass"
    assert linear.second_pass(three) == trained.second_pass(three)


def test_the_analysis_labels_by_the_second_pass(analyzer):
    text = ("Mon associé disait que le client, c'est un portefeuille sur pattes. "
            "Je ne l'ai jamais cru. Le matin, on ouvre à huit heures. "
            "Quand Mme Roux a eu sa fuite un dimanche, j'y suis allé moi-même.")
    classifier = analyzer.classifier
    report = analyzer.analyze(text)
    thresholds = dict(zip(classifier.labels, classifier.neighbours.thresholds, strict=True))
    for sentence in report.sentences:  # its labels are its kept scores above the second pass's thresholds
        assert set(sentence.labels) == {label for label, p in sentence.scores.items() if p >= thresholds[label]}
    first_only = copy.copy(classifier)
    first_only.neighbours = None
    plain = Analyzer(lexicon=analyzer.lexicon, index_model=analyzer.index_model, classifier=first_only,
                     spacy_model=analyzer.spacy_model).analyze(text)
    assert [s.text for s in plain.sentences] == [s.text for s in report.sentences]
    assert [s.scores for s in plain.sentences] != [s.scores for s in report.sentences]
