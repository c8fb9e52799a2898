"""Language stage: the French spaCy pipeline, loaded once per process, and what is read
without it: sentence boundaries from punctuation and lemmas from the lemmatizer's tables.

The statistical pipeline (tok2vec, morphologizer, parser, lemmatizer) costs most of the
analysis time, and the context rules need it only around lexicon terms: so every paragraph
is only tokenized and split at sentence-final punctuation, and the full pipeline runs on
the sentences that may hold a lexicon term (docs/benchmarks.md)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

from clientlens.errors import ModelError, NotFrenchError
from clientlens.lang import language
from clientlens.text import coldstart

DEFAULT_MODEL = language().spacy_model


#: Components the analysis does not use. The parser stays: the context rules read its
#: dependencies. NER is only needed for redaction. Measured by bench/components.py.
UNUSED_COMPONENTS: tuple[str, ...] = ("ner",)


#: Parts of speech the lemmatizer distinguishes: a form's possible lemmas are those of each.
_UPOS = ("NOUN", "VERB", "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "PRON", "PUNCT", "SCONJ", "PROPN")


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
    # Before spaCy imports spacy.lang.fr, which compiles its tokenizer's patterns (about 2 s):
    # compiled patterns and lemma tables from the cold-start cache, when there is one.
    coldstart.warm_regex_cache(model)
    nlp = coldstart.load_pipeline(model, exclude=UNUSED_COMPONENTS)
    coldstart.remember_patterns(model, nlp)
    return nlp


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
        # imported here, not with the module: importing spacy.lang.fr compiles the French
        # tokenizer's patterns, which load_nlp takes from the cold-start cache first
        from spacy.lang.en.stop_words import STOP_WORDS as english
        from spacy.lang.fr.stop_words import STOP_WORDS as french

        self.words = self.french = self.english = 0
        self._stop_words = (french, english)

    def add(self, folded_words: Iterable[str]) -> None:
        """Count lower-case, accent-folded words."""
        french_words, english_words = self._stop_words
        for w in folded_words:
            self.words += 1
            self.french += w in french_words
            self.english += w in english_words

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
