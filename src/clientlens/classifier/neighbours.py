"""Classifier stage, second pass: each sentence's labels read beside its neighbours'.

The first pass labels a sentence from its words and the words of the speaker's two previous
sentences. Real speech often decides a sentence's meaning elsewhere: a caricature is rejected
a sentence or two later, a polite line follows a mocking one, a story's stance comes at its
end. The second pass is one logistic regression per label over the first pass's probabilities
of the sentence (as log-odds), of the speaker's two sentences before and two after it, and
whether it has a sentence before and after it. It is fitted on out-of-fold first-pass
probabilities of the corpus's rated texts (training.refit), so it learns how the first pass
errs on unseen text.

Only neighbours: features of the whole text (each label's mean or maximum over the speaker's
other sentences) were tried and dropped. They spread a text's dominant label to its other
sentences: an essay criticising other people's talk came out as that talk, sentence after
sentence (docs/evaluation.md).

A text here is one speaker's sentences in one transcript, in order. A sentence alone (a
stand-alone corpus sentence, a one-sentence text) has no neighbours: its features are its own
log-odds and zeros. Numpy only: analysis reads the pass from the linear export.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Sentences on each side whose first-pass probabilities the second pass reads.
SPAN = 2

#: The feature blocks, in order; each has one column per label, but the flags (two columns).
BLOCKS = ("self", *(f"before{k}" for k in range(1, SPAN + 1)), *(f"after{k}" for k in range(1, SPAN + 1)), "flags")

_EPSILON = 1e-4


def neighbour_features(proba: np.ndarray) -> np.ndarray:
    """Second-pass inputs of one text's sentences (rows of `proba`, in order): n x features."""
    n, labels = proba.shape
    clipped = np.clip(proba, _EPSILON, 1 - _EPSILON)
    blocks = [np.log(clipped / (1 - clipped))]
    for k in range(1, SPAN + 1):
        before = np.zeros((n, labels))
        before[k:] = proba[: max(n - k, 0)]
        blocks.append(before)
    for k in range(1, SPAN + 1):
        after = np.zeros((n, labels))
        after[: max(n - k, 0)] = proba[k:]
        blocks.append(after)
    position = np.arange(n)
    blocks.append(np.column_stack([position > 0, position < n - 1]).astype(float))
    return np.hstack(blocks)


def width(labels: int) -> int:
    """Number of second-pass inputs for `labels` labels: a column per label in every block
    but the flags, which have two."""
    return (len(BLOCKS) - 1) * labels + 2


def text_features(proba: np.ndarray, texts: Sequence[str | None]) -> np.ndarray:
    """Second-pass inputs of many sentences: rows of the same text (same key, in row order)
    are neighbours; a row whose key is None is alone."""
    out = np.zeros((proba.shape[0], width(proba.shape[1])))
    members: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        if text is None:
            out[i] = neighbour_features(proba[i : i + 1])[0]
        else:
            members.setdefault(text, []).append(i)
    for rows in members.values():
        out[rows] = neighbour_features(proba[rows])
    return out


@dataclass(frozen=True, eq=False)
class NeighbourPass:
    """The fitted second pass: weights (features x labels), intercepts and thresholds per label."""

    weights: np.ndarray
    intercepts: np.ndarray
    thresholds: np.ndarray

    def proba(self, first: np.ndarray) -> np.ndarray:
        """Second-pass probabilities of one text's sentences from their first-pass ones."""
        return self.proba_of(neighbour_features(first)) if len(first) else np.zeros_like(first)

    def proba_of(self, features: np.ndarray) -> np.ndarray:
        """Second-pass probabilities from second-pass inputs (`neighbour_features`)."""
        return 1.0 / (1.0 + np.exp(-(features @ self.weights + self.intercepts)))
