"""Language packs: everything that depends on the language of the speech, behind one interface.

The pipeline asks the pack for its spaCy model, its lexicon and rule files and the few word
lists that live in code; nothing else in clientlens names a language. French is the only pack
(clientlens.lang.fr); another language would add a package beside it with the same fields.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import Any

from clientlens.errors import InputError, LexiconError
from clientlens.resources import lang_file

DEFAULT_LANGUAGE = "fr"

#: Languages a report can be written in (lang/<code>/report.json); the *input language* (the
#: speech analysed) is a separate thing: only French today.
REPORT_LANGUAGES = ("fr", "en")


@dataclass(frozen=True)
class LanguagePack:
    """What clientlens needs to know of a language.

    Attributes:
        code: ISO 639-1 code, also the spaCy language of `spacy_model`.
        name: the language's name in English, for messages.
        spacy_model: the trained spaCy pipeline the analysis loads.
        data_dir: lexicon files (<family>.jsonl) and rule files (rules/<name>.json).
        negating_words: words that negate a term they precede within a clause (folded forms).
        infinitive_endings: endings that mark a verb's dictionary form, for lexicon POS checks.
        percent: regular expression of a percentage in a sentence (a classifier feature).
        money: regular expression of an amount of money (a classifier feature).
        no_context: the token that stands for "no previous sentence" in the classifier's input.
        html_lang: the `lang` attribute of the HTML views.
        legacy_encodings: the 8-bit encodings texts of this language come in, most likely
            first: the encoding detector of clientlens.io.decode tries them before all others.
        verb_endings: (ending, replacement) pairs that turn a regular present-tense form into
            the infinitive (« plume » -> « plumer »), for verbs the small model tags as nouns.
        subject_pronouns: words after which the next word is a verb (« on », « je », « ne »).
        object_pronouns: words that, tagged as pronouns, announce a verb (« les », « l' »).
    """

    code: str
    name: str
    spacy_model: str
    data_dir: Path
    negating_words: frozenset[str]
    infinitive_endings: tuple[str, ...]
    percent: str
    money: str
    no_context: str
    html_lang: str
    legacy_encodings: tuple[str, ...] = ("cp1252", "latin_1")
    verb_endings: tuple[tuple[str, str], ...] = ()
    subject_pronouns: frozenset[str] = frozenset()
    object_pronouns: frozenset[str] = frozenset()

    def rules(self, name: str) -> dict[str, Any]:
        """The rule file `rules/<name>.json` of this language (read once per process).

        Raises:
            LexiconError: the file is missing or is not valid JSON.
        """
        return _read_rules(self.data_dir / "rules" / f"{name}.json")

    def data(self, name: str) -> dict[str, Any]:
        """The data file `<name>.json` kept with the pack's code (src/clientlens/lang/<code>/),
        such as the speaker roles (read once per process).

        Raises:
            LexiconError: the file is missing or is not valid JSON.
        """
        return _read_rules(lang_file(self.code, f"{name}.json"))

    def lexicon_files(self) -> list[Path]:
        """The bundled lexicon files, one per family."""
        return sorted(self.data_dir.glob("*.jsonl"))


@cache
def _read_rules(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise LexiconError(f"{path}: cannot read the rule file: {exc}") from None


@cache
def language(code: str = DEFAULT_LANGUAGE) -> LanguagePack:
    """The language pack of `code` (only "fr" today).

    Raises:
        LexiconError: no pack for that language.
    """
    try:
        module = import_module(f"clientlens.lang.{code}")
    except ModuleNotFoundError:
        raise LexiconError(f"no language pack for {code!r}; clientlens analyses French ('fr')") from None
    if not hasattr(module, "PACK"):  # lang/en holds report strings only: English is a report language
        raise LexiconError(f"no language pack for {code!r}; clientlens analyses French ('fr')")
    return module.PACK


def report_language(code: str | None = None, input_language: str = DEFAULT_LANGUAGE) -> str:
    """The report language: `code` when given, else the input language when reports exist in it
    (French input, French report), else English.

    Raises:
        InputError: `code` is not one of REPORT_LANGUAGES.
    """
    if code is None:
        return input_language if input_language in REPORT_LANGUAGES else "en"
    if code not in REPORT_LANGUAGES:
        raise InputError(f"no report language {code!r}; choose one of {', '.join(REPORT_LANGUAGES)}")
    return code


def report_strings(code: str | None = None) -> dict[str, Any]:
    """The human-facing strings of reports in a report language (lang/<code>/report.json).

    Raises:
        InputError: no such report language.
    """
    return _read_rules(lang_file(report_language(code), "report.json"))
