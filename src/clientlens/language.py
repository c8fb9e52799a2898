"""Language stage: the French spaCy pipeline, loaded once per process."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

import spacy
from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP_WORDS
from spacy.lang.fr.stop_words import STOP_WORDS as FR_STOP_WORDS
from spacy.language import Language

from .errors import ModelError, NotFrenchError

DEFAULT_MODEL = "fr_core_news_sm"

#: Components the analysis does not use. The parser stays: it splits sentences and the
#: context rules read its dependencies. NER is only needed for redaction.
#: Measured by bench/run.py (docs/benchmarks.md).
UNUSED_COMPONENTS: tuple[str, ...] = ("ner",)

#: Texts are fed to spaCy in paragraphs: bounded memory, and batching through nlp.pipe.
_PARAGRAPH = re.compile(r"\S(?:.*?\S)?(?=\s*(?:\n[ \t]*\n|\n(?=[ \t]*[-•*])|$))", re.DOTALL)
_MAX_SEGMENT_CHARS = 20_000
#: Typographic spaces become plain spaces before parsing (same length, so offsets hold):
#: the tokenizer would otherwise make « agressivité\u00a0commerciale » three tokens.
_PLAIN_SPACES = str.maketrans(dict.fromkeys("\u00a0\u202f\u2007\u2009\u200a\u2002\u2003", " "))


#: Below this share of French function words (with more English ones) the text is not French.
MIN_FRENCH_STOPWORD_SHARE = 0.2
MIN_WORDS_FOR_LANGUAGE_CHECK = 12


def load_nlp(model: str = DEFAULT_MODEL) -> Language:
    """Load the French pipeline once per process, without the components clientlens does not use."""
    return _load(model)


@cache
def _load(model: str) -> Language:  # one cache key per model, however load_nlp is called
    return spacy.load(model, exclude=list(UNUSED_COMPONENTS))


@cache
def load_ner(model: str = DEFAULT_MODEL) -> Language:
    """The pipeline's named-entity recogniser alone (it has its own token encoder), for redaction.

    Loaded on first use only: the analysis itself never needs it.
    """
    path = Path(model) if Path(model).exists() else spacy.util.get_package_path(model)
    meta = spacy.util.get_model_meta(path)
    names = meta.get("components", meta.get("pipeline", []))
    if "ner" not in names:
        raise ModelError(f"the spaCy pipeline {model!r} has no named-entity recogniser: redaction needs one")
    return spacy.load(model, exclude=[n for n in names if n != "ner"])


class LanguageTally:
    """Counts French and English function words as the text streams by, to refuse non-French text."""

    def __init__(self) -> None:
        self.words = self.french = self.english = 0

    def add(self, folded_words: Iterable[str]) -> None:
        """Count lower-case, accent-folded words."""
        for w in folded_words:
            self.words += 1
            self.french += w in FR_STOP_WORDS
            self.english += w in EN_STOP_WORDS

    def check(self) -> None:
        """Raise NotFrenchError when the words counted do not look like French.

        Raises:
            NotFrenchError: fewer than 20 % French function words, and more English ones.
        """
        if self.words < MIN_WORDS_FOR_LANGUAGE_CHECK:
            return
        fr, en = self.french / self.words, self.english / self.words
        if fr < MIN_FRENCH_STOPWORD_SHARE and en > fr:
            raise NotFrenchError(
                f"the text does not look like French ({fr:.0%} French function words, "
                f"{en:.0%} English ones); clientlens analyses French speech only"
            )


def segments(text: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    """Split text[start:end] into paragraphs, yielding (offset, paragraph) pairs.

    Paragraphs come with typographic spaces made plain (same length: offsets still index `text`).

    Paragraphs longer than _MAX_SEGMENT_CHARS are cut at the last sentence end or newline
    before the limit so that no sentence straddles two segments when avoidable.
    """
    for match in _PARAGRAPH.finditer(text, start, end):
        offset, chunk = match.start(), match.group()
        while len(chunk) > _MAX_SEGMENT_CHARS:
            cut = _cut_point(chunk)
            yield offset, chunk[:cut].translate(_PLAIN_SPACES)
            rest = chunk[cut:]
            skipped = len(rest) - len(rest.lstrip())
            offset, chunk = offset + cut + skipped, rest.lstrip()
        if chunk:
            yield offset, chunk.translate(_PLAIN_SPACES)


def _cut_point(chunk: str) -> int:
    window = chunk[:_MAX_SEGMENT_CHARS]
    for sep in ("\n", ". ", "? ", "! ", "; ", " "):
        pos = window.rfind(sep)
        if pos > _MAX_SEGMENT_CHARS // 2:
            return pos + len(sep)
    return _MAX_SEGMENT_CHARS
