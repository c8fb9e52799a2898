"""Lexicon stage: load and validate lexicon files, match entries on lemmas and forms.

A lexicon file is JSON Lines, one entry per line (see lexicons/README.md). Each word of a
term matches a token whose lemma *or* lower-cased form equals it, without case or accents,
so inflections come from the lemmatizer and « conquete » still finds « conquête »."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Token

from clientlens.lang import language
from clientlens.lexicon.entries import (
    Family,
    LexiconEntry,
    Words,
    default_lexicon_files,
    load_families,
    parse_entry,
    read_entries,
)
from clientlens.text.nlp import Lemmas, bounded, fold


@dataclass(frozen=True)
class Match:
    """A lexicon entry found on tokens [start, end) of a Doc."""

    entry: LexiconEntry
    start: int
    end: int


def token_keys(token: Token) -> tuple[str, str]:
    """The two keys a token answers to: its lemma and its form."""
    return fold(token.lemma_), fold(token.text)


class Lexicon:
    """A set of lexicon entries with a first-word index for linear-time matching."""

    def __init__(self, entries: Iterable[LexiconEntry], families: dict[str, Family]) -> None:
        self.entries: tuple[LexiconEntry, ...] = tuple(entries)
        self.families = dict(families)
        self._by_first: dict[str, list[LexiconEntry]] = {}
        for entry in self.entries:
            self._by_first.setdefault(entry.words[0], []).append(entry)
        self._vocabulary = frozenset(w for e in self.entries for w in e.words)
        self._variants = _deletion_index(w for w in self._vocabulary if len(w) >= MIN_FUZZY_LENGTH)
        self.sha256 = _entries_hash(self.entries)
        self._keys_cache: dict[str, frozenset[str]] = {}
        self._rules_of: Lemmas | None = None
        self._rules_cache: dict[str, tuple[str, ...]] = {}
        self._rule_sizes: list[int] = []
        self._typo_cache: dict[str, frozenset[str]] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def family(self, name: str) -> Family:
        """The family record of `name`."""
        return self.families[name]

    def match(self, doc: Doc, known: frozenset[str] = frozenset()) -> list[Match]:
        """All entry occurrences in `doc`, longest first where they overlap.

        Entries whose part of speech does not fit are kept (rules.other_sense shows them as
        not counted) but lose against a fitting entry on the same tokens.
        """
        keys = [self._spelling_fixed(t, token_keys(t), known) for t in doc]
        keys = [self._verb_fixed(doc, i, k) for i, k in enumerate(keys)]
        found: list[Match] = []
        for i, (lemma, form) in enumerate(keys):
            for first in (lemma,) if lemma == form else (lemma, form):  # ordered: deterministic
                for entry in self._by_first.get(first, ()):
                    end = match_words(keys, i, entry.words)
                    if end:
                        found.append(Match(entry, i, end))
        return _longest_first(found, doc)

    def may_match(self, forms: Sequence[str], lemmas: Lemmas) -> bool:
        """Whether some entry could match these token forms under any tagging of them.

        A superset of `match`: each form stands for itself, every lemma the lemmatizer could
        give it and the lexicon word one typo away, so a sentence for which this is False has
        no hit whatever the parse, and need not be parsed.
        """
        keys = [self._possible_keys(f, lemmas) for f in forms]
        for i, candidates in enumerate(keys):
            for key in candidates:
                for entry in self._by_first.get(key, ()):
                    end = i + len(entry.words)
                    if end <= len(keys) and all(w in keys[i + j] for j, w in enumerate(entry.words)):
                        return True
        return False

    def _possible_keys(self, form: str, lemmas: Lemmas) -> frozenset[str]:
        keys = self._keys_cache.get(form)
        if keys is None:
            folded = fold(form)
            found = {folded, *(fold(lemma) for lemma in lemmas.irregular(form))}
            found |= self._by_rules(folded, lemmas)
            if len(folded) >= MIN_FUZZY_LENGTH and folded not in self._vocabulary:
                found |= self._one_typo_away(folded)
            keys = bounded(self._keys_cache)[form] = frozenset(found)
        return keys

    def _by_rules(self, folded: str, lemmas: Lemmas) -> set[str]:
        """Lexicon words that one of the lemmatizer's suffix rules (old -> new, for any part
        of speech) makes of the folded form: what `by_rules` lemmas could match, for the cost
        of a few dictionary lookups."""
        by_old = self._rules_by_old(lemmas)
        out = set()
        for size in self._rule_sizes:
            if size > len(folded):
                break
            stem, old = folded[: len(folded) - size], folded[len(folded) - size :]
            out.update(w for new in by_old.get(old, ()) if (w := stem + new) in self._vocabulary)
        return out

    def _rules_by_old(self, lemmas: Lemmas) -> dict[str, tuple[str, ...]]:
        """The folded suffix rules, grouped by the suffix they remove; built once per Lemmas."""
        if self._rules_of is not lemmas:
            by_old: dict[str, set[str]] = {}
            for old, new in lemmas.rules:
                by_old.setdefault(fold(old), set()).add(fold(new))
            self._rules_cache = {old: tuple(sorted(news)) for old, news in by_old.items()}
            self._rule_sizes = sorted({len(old) for old in self._rules_cache})
            self._rules_of = lemmas
        return self._rules_cache

    def _spelling_fixed(self, token: Token, keys: tuple[str, str], known: frozenset[str]) -> tuple[str, str]:
        """Replace the form key of a long unknown word by the lexicon word one edit away
        (« agresivité » -> « agressivite »), when exactly one such word exists. Only words that
        are no known French lemma (`known`) and that the lemmatizer left unchanged are
        tried: « adresser » or « commence » is no typo of « agresser » or « commerce »."""
        lemma, form = keys
        if len(form) < MIN_FUZZY_LENGTH or lemma != form or form in self._vocabulary:
            return keys
        if token.lemma_.lower() in known:
            return keys
        candidates = self._one_typo_away(form)
        return (lemma, next(iter(candidates))) if len(candidates) == 1 else keys

    def _verb_fixed(self, doc: Doc, i: int, keys: tuple[str, str]) -> tuple[str, str]:
        """Lemma key of a regular verb the small model took for a noun (« on les plume »,
        « je chalute large »): a token tagged as a verb, or right after a subject pronoun or a
        pronoun-tagged object clitic, whose present-tense ending turned into the infinitive
        gives a lexicon word. « La plume », « une cuisine » keep their noun lemma; a verb-tagged
        « cible » left unchanged by the lemmatizer reads as « cibler »."""
        lemma, form = keys
        token = doc[i]
        if lemma in self._vocabulary and not (lemma == form and token.pos_ == "VERB"):
            return keys  # « on cible les cadres »: a verb left as its noun lemma is tried too
        if token.pos_ not in {"VERB", "AUX"} and not after_verb_clitics(doc, i):
            return keys
        for ending, infinitive in language().verb_endings:
            if form.endswith(ending) and (candidate := form[: -len(ending)] + infinitive) in self._vocabulary:
                return candidate, form
        return keys

    def _one_typo_away(self, form: str) -> frozenset[str]:
        """Lexicon words one edit from a folded form (cached: long words recur)."""
        found = self._typo_cache.get(form)
        if found is None:
            near = {w for d in _deletions(form) for w in self._variants.get(d, ())}
            found = bounded(self._typo_cache)[form] = frozenset(w for w in near if _one_edit(form, w))
        return found


def after_verb_clitics(doc: Doc, i: int) -> bool:
    """Whether token `i` follows what can only precede a verb: a subject pronoun (« on plume »),
    a pronoun-tagged object clitic (« les » as PRON), or object clitics after a subject pronoun
    whatever their tag (« on les arrose », where the tagger reads « les » as a determiner)."""
    lang = language()
    if i == 0:
        return False
    before = doc[i - 1]
    folded = fold(before.text)
    if folded in lang.subject_pronouns or (before.pos_ == "PRON" and folded in lang.object_pronouns):
        return True
    j = i - 1
    while j >= 0 and fold(doc[j].text) in lang.object_pronouns:
        j -= 1
    return j < i - 1 and j >= 0 and fold(doc[j].text) in lang.subject_pronouns


@cache
def known_lemmas(nlp: Language) -> frozenset[str]:
    """Lower-case lemmas the French lemmatizer knows (its `lemma_index` tables): real words,
    which the lexicon's typo tolerance must never rewrite. Built once per pipeline, unfolded
    so that building it stays cheap (tokens are checked on their lower-case lemma)."""
    if "lemmatizer" not in nlp.pipe_names:
        return frozenset()
    index = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index", {})
    return frozenset(word for words in index.values() for word in words)


#: Words at least this long may carry one typo and still match (shorter words would match
#: too many ordinary words: « cibles » is one edit from « câbles »).
MIN_FUZZY_LENGTH = 8


def _deletions(word: str) -> set[str]:
    """The word and every string made by deleting one of its characters (SymSpell index keys)."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def _deletion_index(words: Iterable[str]) -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for word in words:
        for key in _deletions(word):
            index.setdefault(key, set()).add(word)
    return {k: frozenset(v) for k, v in index.items()}


def _one_edit(a: str, b: str) -> bool:
    """Levenshtein distance of exactly one (insertion, deletion or substitution)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def match_words(keys: Sequence[tuple[str, str]], start: int, words: Words) -> int:
    """End index if `words` match the tokens from `start` on, else 0."""
    end = start + len(words)
    if end > len(keys):
        return 0
    for (lemma, form), word in zip(keys[start:end], words, strict=True):
        if word != lemma and word != form:
            return 0
    return end


#: Coarse classes for the part-of-speech check: the small French model often tags a noun
#: as ADJ or X (« le mot cible »), so the check separates nominal from verbal uses only.
_COARSE = {"NOUN": "N", "PROPN": "N", "ADJ": "N", "X": "N", "VERB": "V", "AUX": "V"}




def coarse_pos(token: Token) -> str:
    """N (nominal), V (verbal) or the UPOS tag, correcting impossible infinitives."""
    coarse = _COARSE.get(token.pos_, token.pos_)
    infinitive = coarse == "V" and "Inf" in token.morph.get("VerbForm")
    if infinitive and not fold(token.text).endswith(language().infinitive_endings):
        return "N"  # « parler de conquête » tagged as an infinitive
    return coarse


def pos_fits(entry: LexiconEntry, token: Token) -> bool:
    """Whether a single-word entry's part-of-speech constraint accepts the token."""
    if entry.pos is None or len(entry.words) > 1:
        return True
    return coarse_pos(token) in {_COARSE.get(p, p) for p in entry.pos}


def _longest_first(matches: list[Match], doc: Doc) -> list[Match]:
    """Drop matches overlapping a longer, fitting or heavier one, like spaCy's filter_spans."""

    def rank(m: Match) -> tuple:
        fits = pos_fits(m.entry, doc[m.start])
        return (-(m.end - m.start), not fits, -m.entry.weight, m.start, m.entry.family, m.entry.term)

    ranked = sorted(matches, key=rank)
    taken: set[int] = set()
    kept: list[Match] = []
    for m in ranked:
        span = set(range(m.start, m.end))
        if not span & taken:
            kept.append(m)
            taken |= span
    return sorted(kept, key=lambda m: m.start)


def _entries_hash(entries: Sequence[LexiconEntry]) -> str:
    digest = hashlib.sha256()
    for e in entries:
        row = [e.term, e.family, e.polarity, e.weight, sorted(e.pos or []), e.exclude, e.requires]
        digest.update(json.dumps(row, ensure_ascii=False).encode())
    return digest.hexdigest()


def load_lexicon(
    extra_files: Iterable[str | Path] = (),
    extra_entries: Iterable[dict] = (),
    include_defaults: bool = True,
) -> Lexicon:
    """Load the bundled lexicons plus user files and entries, validating every row.

    Raises:
        LexiconError: naming the file, line and field of the first malformed entry.
    """
    families = load_families()
    entries: list[LexiconEntry] = []
    files = [*default_lexicon_files()] if include_defaults else []
    for path in [*files, *map(Path, extra_files)]:
        entries.extend(read_entries(path, families))
    for n, row in enumerate(extra_entries, 1):
        entries.append(parse_entry(row, f"<entry {n}>", families))
    return Lexicon(entries, families)
