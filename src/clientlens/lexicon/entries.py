"""Lexicon entries: the family registry, reading and validating lexicon files (JSONL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import spacy
from spacy.tokenizer import Tokenizer

from clientlens.errors import LexiconError, excerpt
from clientlens.lang import language
from clientlens.taxonomy import COMPONENT_BY_NAME, FAMILIES, Family, Polarity
from clientlens.text.nlp import fold

REQUIRED_KEYS = frozenset({"term", "family", "polarity", "weight"})


OPTIONAL_KEYS = frozenset({"pos", "exclude", "requires", "note"})


REQUIREMENTS = frozenset({"customer_object", "customer_in_sentence"})


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


Words = tuple[str, ...]


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


def term_words(term: str) -> Words:
    """Split a term into matching keys with the French tokenizer, as texts are split."""
    return tuple(fold(t.text) for t in _tokenizer()(term) if not t.is_space)


@cache
def _tokenizer() -> Tokenizer:
    return spacy.blank(language().code).tokenizer


def load_families(path: Path | None = None) -> dict[str, Family]:
    """The lexicon families: the taxonomy's, or those of a registry file `path` (same fields)."""
    if path is None:
        return dict(FAMILIES)
    try:
        raw = json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise LexiconError(f"{path}: cannot read the family registry: {exc}") from None
    families = {}
    rows = raw["families"]
    for spec in rows if isinstance(rows, list) else [{"name": k, **v} for k, v in rows.items()]:
        families[spec["name"]] = _family(path, spec["name"], spec)
    return families


def _family(path: Path, name: str, spec: dict) -> Family:
    try:
        polarity = Polarity(spec["polarity"])
    except (KeyError, ValueError):
        raise LexiconError(f"{path}: family {name!r}: polarity must be adversarial or respectful") from None
    component = spec.get("component")
    if component not in COMPONENT_BY_NAME:
        raise LexiconError(f"{path}: family {name!r}: unknown component {component!r}")
    return Family(name, polarity, component, spec.get("description", ""), spec.get("colour", ""))


def default_lexicon_files() -> list[Path]:
    """The bundled lexicon files, one per family."""
    return language().lexicon_files()


def jsonl_rows(path: Path) -> Iterator[tuple[str, Any]]:
    """(`file:line`, value) of each line of a JSON Lines data file (lexicons, cues), skipping
    blank lines and `#` comments.

    Raises:
        LexiconError: the file cannot be read, or a line is not JSON (the message names file and line).
    """
    try:
        lines = path.read_text("utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"{path}: cannot read lexicon file: {exc}") from None
    for lineno, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{path}:{lineno}"
        try:
            yield where, json.loads(line)
        except json.JSONDecodeError as exc:
            raise LexiconError(f"{where}: not valid JSON ({exc.msg})") from None


def read_entries(path: Path, families: dict[str, Family]) -> list[LexiconEntry]:
    """Read one JSONL lexicon file."""
    return [parse_entry(row, where, families) for where, row in jsonl_rows(path)]


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
