"""Lexicon stage: load and validate lexicon files, match entries on lemmas and forms.

A lexicon file is JSON Lines, one entry per line (see lexicons/README.md). Each word of a
term matches a token whose lemma *or* lower-cased form equals it, without case or accents,
so inflections come from the lemmatizer and « conquete » still finds « conquête ».
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Token

from .errors import LexiconError, excerpt
from .language import Lemmas, bounded, fold
from .resources import lexicon_dir
from .taxonomy import COMPONENT_BY_NAME, Polarity

REQUIRED_KEYS = frozenset({"term", "family", "polarity", "weight"})
OPTIONAL_KEYS = frozenset({"pos", "exclude", "requires", "note"})
REQUIREMENTS = frozenset({"customer_object"})
UPOS = frozenset(
    [
        "ADJ",
        "ADP",
        "ADV",
        "AUX",
        "CCONJ",
        "DET",
        "INTJ",
        "NOUN",
        "NUM",
        "PART",
        "PRON",
        "PROPN",
        "PUNCT",
        "SCONJ",
        "SYM",
        "VERB",
        "X",
    ]
)
MAX_WEIGHT = 3.0
FAMILIES_FILE = "families.json"

Words = tuple[str, ...]


@dataclass(frozen=True)
class Family:
    """A lexicon family and the index component it feeds."""

    name: str
    polarity: Polarity
    component: str
    description: str


@dataclass(frozen=True)
class LexiconEntry:
    """One validated lexicon row."""

    term: str
    words: Words
    family: str
    polarity: Polarity
    weight: float
    pos: frozenset[str] | None
    exclude: tuple[Words, ...]
    requires: str | None
    note: str | None
    origin: str


@dataclass(frozen=True)
class Match:
    """A lexicon entry found on tokens [start, end) of a Doc."""

    entry: LexiconEntry
    start: int
    end: int


def term_words(term: str) -> Words:
    """Split a term into matching keys with the French tokenizer, as texts are split."""
    return tuple(fold(t.text) for t in _tokenizer()(term) if not t.is_space)


@cache
def _tokenizer() -> Tokenizer:
    return spacy.blank("fr").tokenizer


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

    def _one_typo_away(self, form: str) -> frozenset[str]:
        """Lexicon words one edit from a folded form (cached: long words recur)."""
        found = self._typo_cache.get(form)
        if found is None:
            near = {w for d in _deletions(form) for w in self._variants.get(d, ())}
            found = bounded(self._typo_cache)[form] = frozenset(w for w in near if _one_edit(form, w))
        return found


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
_INFINITIVE_ENDINGS = ("er", "ir", "re", "oir")


def coarse_pos(token: Token) -> str:
    """N (nominal), V (verbal) or the UPOS tag, correcting impossible infinitives."""
    coarse = _COARSE.get(token.pos_, token.pos_)
    infinitive = coarse == "V" and "Inf" in token.morph.get("VerbForm")
    if infinitive and not fold(token.text).endswith(_INFINITIVE_ENDINGS):
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


# --------------------------------------------------------------------------- loading


def load_families(path: Path | None = None) -> dict[str, Family]:
    """Read the family registry (family -> polarity and component)."""
    path = path or lexicon_dir() / FAMILIES_FILE
    try:
        raw = json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise LexiconError(f"{path}: cannot read the family registry: {exc}") from None
    families = {}
    for name, spec in raw["families"].items():
        families[name] = _family(path, name, spec)
    return families


def _family(path: Path, name: str, spec: dict) -> Family:
    try:
        polarity = Polarity(spec["polarity"])
    except (KeyError, ValueError):
        raise LexiconError(f"{path}: family {name!r}: polarity must be adversarial or respectful") from None
    component = spec.get("component")
    if component not in COMPONENT_BY_NAME:
        raise LexiconError(f"{path}: family {name!r}: unknown component {component!r}")
    return Family(name, polarity, component, spec.get("description", ""))


def default_lexicon_files() -> list[Path]:
    """The bundled lexicon files, one per family."""
    return sorted(lexicon_dir().glob("*.jsonl"))


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


def read_entries(path: Path, families: dict[str, Family]) -> list[LexiconEntry]:
    """Read one JSONL lexicon file."""
    try:
        lines = path.read_text("utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"{path}: cannot read lexicon file: {exc}") from None
    entries = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{path}:{lineno}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LexiconError(f"{where}: not valid JSON ({exc.msg})") from None
        entries.append(parse_entry(row, where, families))
    return entries


def parse_entry(row: object, where: str, families: dict[str, Family]) -> LexiconEntry:
    """Validate one row and build its entry; `where` names file and line in errors."""
    if not isinstance(row, dict):
        raise LexiconError(f"{where}: an entry must be a JSON object")
    missing = REQUIRED_KEYS - row.keys()
    unknown = row.keys() - REQUIRED_KEYS - OPTIONAL_KEYS
    if missing:
        raise LexiconError(f"{where}: missing field(s) {sorted(missing)}")
    if unknown:
        raise LexiconError(f"{where}: unknown field(s) {', '.join(excerpt(k) for k in sorted(unknown)[:5])}")
    family = _check_family(row, where, families)
    return LexiconEntry(
        term=row["term"],
        words=_check_words(row["term"], where, "term"),
        family=family.name,
        polarity=family.polarity,
        weight=_check_weight(row["weight"], where),
        pos=_check_pos(row.get("pos"), where),
        exclude=tuple(_check_words(x, where, "exclude") for x in _as_list(row, "exclude", where)),
        requires=_check_requires(row.get("requires"), where),
        note=row.get("note"),
        origin=where,
    )


def _check_family(row: dict, where: str, families: dict[str, Family]) -> Family:
    family = families.get(row["family"]) if isinstance(row["family"], str) else None
    if family is None:
        raise LexiconError(
            f"{where}: field 'family': unknown family {excerpt(row['family'])} (known: {', '.join(sorted(families))})"
        )
    if row["polarity"] != family.polarity:
        raise LexiconError(
            f"{where}: field 'polarity': {excerpt(row['polarity'])} "
            f"but family {family.name!r} is {family.polarity.value}"
        )
    return family


def _check_words(term: object, where: str, field: str) -> Words:
    if not isinstance(term, str) or not term_words(term):
        raise LexiconError(f"{where}: field {field!r} must be a non-empty string")
    return term_words(term)


def _check_weight(weight: object, where: str) -> float:
    if isinstance(weight, bool) or not isinstance(weight, int | float):
        raise LexiconError(f"{where}: field 'weight' must be a number")
    if not 0 < weight <= MAX_WEIGHT:
        raise LexiconError(f"{where}: field 'weight' must be in (0, {MAX_WEIGHT}], got {weight}")
    return float(weight)


def _check_pos(pos: object, where: str) -> frozenset[str] | None:
    if pos is None:
        return None
    if not isinstance(pos, list) or not pos or not all(isinstance(p, str) and p in UPOS for p in pos):
        raise LexiconError(f"{where}: field 'pos' must be null or a list of UPOS tags, got {_pos_excerpt(pos)}")
    return frozenset(pos)


def _pos_excerpt(pos: object) -> str:
    """The offending tags of a 'pos' list (each as a short excerpt), or what the value is instead."""
    if isinstance(pos, list) and pos:
        bad = [p for p in pos if p not in UPOS]
        return ", ".join(excerpt(p) for p in bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
    return excerpt(pos)


def _check_requires(requires: object, where: str) -> str | None:
    if requires is not None and (not isinstance(requires, str) or requires not in REQUIREMENTS):
        raise LexiconError(f"{where}: field 'requires' must be null or one of {sorted(REQUIREMENTS)}")
    return requires  # type: ignore[return-value]


def _as_list(row: dict, key: str, where: str) -> list:
    value = row.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise LexiconError(f"{where}: field {key!r} must be null or a list")
    return value
