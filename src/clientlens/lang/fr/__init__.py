"""French: the fr_core_news_sm pipeline, the bundled lexicons and rule files, and the few French
word lists kept in code."""

from __future__ import annotations

from clientlens.lang import LanguagePack
from clientlens.resources import lexicon_dir

PACK = LanguagePack(
    code="fr",
    name="French",
    spacy_model="fr_core_news_sm",
    data_dir=lexicon_dir(),
    negating_words=frozenset({"sans", "jamais", "pas", "ne", "n'"}),
    infinitive_endings=("er", "ir", "re", "oir"),
    percent=r"\d\s*(%|pour ?cent)",
    money=r"\d\s*(€|k€|euros?|m€|M€)|\$",
    no_context="contexte_vide",
    html_lang="fr",
    # Windows, ISO 8859-15 (with € and œ), ISO 8859-1
    legacy_encodings=("cp1252", "iso8859_15", "latin_1"),
    # first-group verbs: « on les plume », « je chalute », « on arrose », « qu'on close »
    verb_endings=(("ent", "er"), ("ons", "er"), ("ez", "er"), ("es", "er"), ("e", "er")),
    subject_pronouns=frozenset({"je", "j'", "tu", "il", "elle", "on", "nous", "vous", "ils", "elles", "ne", "n'"}),
    object_pronouns=frozenset({"le", "la", "l'", "les", "lui", "leur", "me", "m'", "te", "t'", "se", "s'", "y", "en"}),
)
