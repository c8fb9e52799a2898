"""Language stage: the French spaCy pipeline, loaded once per process, and what is read
without it: sentence boundaries from punctuation and lemmas from the lemmatizer's tables.

The statistical pipeline (tok2vec, morphologizer, parser, lemmatizer) costs most of the
analysis time, and the context rules need it only around lexicon terms: so every paragraph
is only tokenized and split at sentence-final punctuation, and the full pipeline runs on
the sentences that may hold a lexicon term (docs/benchmarks.md).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

import spacy
from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP_WORDS
from spacy.lang.fr.stop_words import STOP_WORDS as FR_STOP_WORDS
from spacy.language import Language
from spacy.pipeline import Sentencizer

from .errors import ModelError, NotFrenchError
from .resources import lexicon_dir

DEFAULT_MODEL = "fr_core_news_sm"

#: Components the analysis does not use. The parser stays: the context rules read its
#: dependencies. NER is only needed for redaction. Measured by bench/components.py.
UNUSED_COMPONENTS: tuple[str, ...] = ("ner",)
#: Sentence-final punctuation (spaCy's Sentencizer defaults lack the ellipsis character).
SENTENCE_ENDS = (*Sentencizer.default_punct_chars, "…")
_SENTENCE_END_SET = frozenset(SENTENCE_ENDS)
#: Brackets that open an aside, with the one that closes it.
_OPENING = {"(": ")", "[": "]"}
#: Parts of speech the lemmatizer distinguishes: a form's possible lemmas are those of each.
_UPOS = ("NOUN", "VERB", "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "PRON", "PUNCT", "SCONJ", "PROPN")

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


def sentence_ranges(forms: Sequence[str], punct: Sequence[bool]) -> list[tuple[int, int]]:
    """Token ranges of the sentences: a sentence ends after sentence-final punctuation and the
    punctuation that follows it (« » », « ?! »), spaCy's Sentencizer rule, run on token texts
    already read (iterating a Doc's tokens again would cost more than the rule itself).

    Two additions for transcripts: an opening bracket after a sentence end opens the next
    sentence, and a short bracketed aside that opens one (« (rires) », « [inaudible] ») is a
    sentence of its own, not the start of the next one (_aside_cut). Unpunctuated speech is
    cut into pieces of at most `max_tokens` (_long_cut).
    """
    ranges, start, seen_end = [], 0, False
    for i, (form, is_punct) in enumerate(zip(forms, punct, strict=True)):
        ends = form in _SENTENCE_END_SET
        if seen_end and (not is_punct or form in _OPENING) and not ends:
            ranges.append((start, i))
            start, seen_end = i, False
        elif ends:
            seen_end = True
    if start < len(forms):
        ranges.append((start, len(forms)))
    return [piece for r in ranges for aside in _aside_cut(forms, *r) for piece in _long_cut(forms, *aside)]


def _aside_cut(forms: Sequence[str], start: int, end: int) -> list[tuple[int, int]]:
    """Split a leading « (rires) » or « [silence] » off the sentence it opens."""
    closing = _OPENING.get(forms[start])
    if closing is None:
        return [(start, end)]
    window = forms[start + 1 : min(end, start + _segmentation().max_aside_tokens + 2)]
    if closing not in window:
        return [(start, end)]
    cut = start + 2 + window.index(closing)
    return [(start, cut), (cut, end)] if cut < end else [(start, end)]


def _long_cut(forms: Sequence[str], start: int, end: int) -> list[tuple[int, int]]:
    """Cut an over-long sentence before a discourse word (« et », « alors », « donc » ...)."""
    settings = _segmentation()
    limit, cut_words = settings.max_tokens, settings.cut_before
    out = []
    while end - start > limit:
        window = range(start + limit, start + limit // 2, -1)
        cut = next((i for i in window if fold(forms[i]) in cut_words), start + limit)
        out.append((start, cut))
        start = cut
    out.append((start, end))
    return out


class Segmentation(NamedTuple):
    """Settings of lexicons/rules/segmentation.json."""

    max_tokens: int
    max_aside_tokens: int
    cut_before: frozenset[str]


@cache
def _segmentation() -> Segmentation:
    raw = json.loads((lexicon_dir() / "rules" / "segmentation.json").read_text("utf-8"))
    return Segmentation(int(raw["max_tokens"]), int(raw["max_aside_tokens"]), frozenset(raw["cut_before"]))


@lru_cache(maxsize=1 << 18)  # bounded: any input, however varied, keeps memory flat
def fold(text: str) -> str:
    """The matching key: lower case, no accents, plain apostrophes, and no invisible format
    characters (zero-width spaces, soft hyphens), which must not hide a term."""
    text = unicodedata.normalize("NFKD", text.casefold().replace("’", "'"))
    return "".join(c for c in text if not unicodedata.combining(c) and unicodedata.category(c) != "Cf")


class Lemmas:
    """Lemmas read from the French lemmatizer's tables, without tagging.

    `of(form)` is the form's lookup lemma (one per form, whatever its use): what the
    classifier reads. `irregular(form)` (tables) and `rules` (suffix rules) give every lemma the
    rule lemmatizer could assign the form under any part of speech: a sentence none of whose
    forms can reach a lexicon term needs no parse (Lexicon.may_match). Cached per form.
    """

    def __init__(self, nlp: Language) -> None:
        self.lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
        lookups = self.lemmatizer.lookups if self.lemmatizer else None
        self.vocab = nlp.vocab
        self.table = lookups.get_table("lemma_lookup", {}) if lookups else {}
        self.exceptions = lookups.get_table("lemma_exc", {}) if lookups else {}
        table = lookups.get_table("lemma_rules", {}) if lookups else {}
        #: (old suffix, new suffix) of every part of speech's rules
        self.rules = sorted({(old, new) for pos in table for old, new in table.get(pos, [])})
        self._of: dict[str, str] = {}
        self._irregular: dict[str, frozenset[str]] = {}

    def of(self, form: str) -> str:
        """The lookup lemma of a form, lower-case (the form itself when unknown)."""
        lemma = self._of.get(form)
        if lemma is None:
            lower = form.lower()
            found = self.table.get(lower) if lower in self.table else self.table.get(form, lower)
            lemma = bounded(self._of)[form] = (found[0] if isinstance(found, list) else found).lower()
        return lemma

    def irregular(self, form: str) -> frozenset[str]:
        """The form, its lookup lemma and its lemmas in the exception tables (« est » -> « être »)."""
        found = self._irregular.get(form)
        if found is None:
            lower = form.lower()
            out = {lower, self.of(form)}
            for pos in _UPOS:
                out.update(x.lower() for x in self.exceptions.get(pos.lower(), {}).get(lower, []))
            found = bounded(self._irregular)[form] = frozenset(out)
        return found


#: Entries a per-form cache keeps before it is emptied: any input, however varied, keeps memory flat.
MAX_CACHED_FORMS = 200_000


def bounded(cache: dict) -> dict:
    """The cache, emptied first when it holds MAX_CACHED_FORMS entries."""
    if len(cache) >= MAX_CACHED_FORMS:
        cache.clear()
    return cache


@cache
def lemmas(nlp: Language) -> Lemmas:
    """The shared Lemmas of a pipeline."""
    return Lemmas(nlp)


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
