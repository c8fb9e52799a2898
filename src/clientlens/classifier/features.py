"""Classifier inputs and features: what the model sees of a sentence.

Nothing here imports scikit-learn: the analysis builds these inputs and scores them with the
linear export (classifier/linear.py); the scikit-learn vectorizers that read them for training
are built in classifier/model.py (`build_features`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

import numpy as np

from clientlens.lang import language
from clientlens.records import Evidence
from clientlens.text.nlp import fold

_NUMBER = re.compile(r"\d")


_PERCENT = re.compile(language().percent)


_MONEY = re.compile(language().money)


#: Words whose character-feature indices a model keeps (SentenceModel._char_features).
_MAX_CACHED_WORDS = 1 << 17


#: Previous sentences of the same speaker given to the classifier as context (docs/evaluation.md).
CONTEXT_SENTENCES = 2


#: The context feature of a sentence with none (a speaker's first one, a stand-alone sentence):
#: it also keeps the context vocabulary non-empty for a corpus without any context.
NO_CONTEXT = language().no_context


@dataclass(frozen=True)
class SentenceInput:
    """What the classifier sees of one sentence."""

    text: str
    lemmas: str
    cues: dict[str, float] = field(default_factory=dict)
    context: str = ""  # the speaker's previous sentences ("" for a stand-alone sentence)


def surface_features(text: str) -> dict[str, float]:
    """ContextWords read from the characters: figures, percentages, amounts, quotes, questions."""
    return {
        "has_number": float(bool(_NUMBER.search(text))),
        "has_percent": float(bool(_PERCENT.search(text))),
        "has_money": float(bool(_MONEY.search(text))),
        "has_quote": float(any(q in text for q in "«»\"“”")),
        "is_question": float(text.rstrip().endswith("?")),
    }


def sentence_input(
    text: str, words: Iterable[str], evidence: Iterable[Evidence], lemma_of: Callable[[str], str],
    context: str = "",
) -> SentenceInput:
    """Classifier input of a sentence, its words (tokens but punctuation and spaces), the
    lexicon evidence found in it and the text of the speaker's previous sentences.

    Lemmas come from `lemma_of` (language.Lemmas.of, a table lookup), not from tagging: most
    sentences are never tagged (language.py), and training must see what analysis sees.
    """
    lemmas = " ".join(fold(lemma_of(w)) for w in words)
    cues: dict[str, float] = {}
    for e in evidence:
        if e.source != "lexicon":
            continue
        key = f"family={e.family}" if e.counted else f"cancelled={_rule_of(e.reason)}:{e.polarity}"
        cues[key] = cues.get(key, 0.0) + (e.weight if e.counted else 1.0)
    return SentenceInput(text, lemmas, cues, context)


def _rule_of(reason: str | None) -> str:
    return (reason or "").split(":")[0]


def _texts(items: Sequence[SentenceInput]) -> list[str]:
    return [i.text.lower() for i in items]


def _lemmas(items: Sequence[SentenceInput]) -> list[str]:
    return [i.lemmas for i in items]


def _contexts(items: Sequence[SentenceInput]) -> list[str]:
    return [i.context.lower() or NO_CONTEXT for i in items]


def _cues(items: Sequence[SentenceInput]) -> list[dict[str, float]]:
    return [{**i.cues, **surface_features(i.text)} for i in items]


@dataclass(frozen=True)
class CharNgrams:
    """Character n-grams inside word boundaries, exactly scikit-learn's `analyzer="char_wb"`
    (a test checks it), with each word's n-grams cached: words recur, and this analyzer was
    the classifier's largest cost."""

    min_n: int
    max_n: int

    def __call__(self, text: str) -> list[str]:
        """The n-grams of every whitespace-separated word of `text`, padded with spaces."""
        out: list[str] = []
        for word in text.split():
            out.extend(_word_ngrams(word, self.min_n, self.max_n))
        return out


@lru_cache(maxsize=1 << 16)
def _word_ngrams(word: str, min_n: int, max_n: int) -> tuple[str, ...]:
    padded = f" {word} "
    out = []
    for n in range(min_n, max_n + 1):
        if len(padded) <= n:  # a short word counts once, whole
            out.append(padded)
            break
        out.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return tuple(out)


#: The selectors of the feature blocks, by name (a linear export names the selector of each block).
SELECTORS: dict[str, Callable[[Sequence[SentenceInput]], list]] = {
    f.__name__: f for f in (_texts, _lemmas, _cues, _contexts)
}


class SentenceClassifier(Protocol):
    """What the analysis needs from a sentence classifier."""

    sha256: str

    def predict(self, items: list[SentenceInput]) -> list[tuple[list[str], dict[str, float]]]:
        """Labels and label probabilities for each sentence (the first pass)."""
        ...

    def second_pass(self, first: np.ndarray) -> list[tuple[list[str], dict[str, float]]] | None:
        """One text's labels and probabilities after the second pass (classifier/neighbours.py),
        from its sentences' first-pass probabilities in order; None when the model has none."""
        ...
