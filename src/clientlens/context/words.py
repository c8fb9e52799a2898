"""The word lists of the context rules, read from lexicons/rules/context.json."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from clientlens.lang import language
from clientlens.lexicon.entries import term_words
from clientlens.text.nlp import fold


@dataclass(frozen=True)
class ContextWords:
    """Folded cue-word sets of every rule."""

    negation: frozenset[str]
    negation_with_ne: frozenset[str]
    ne: frozenset[str]
    negating_preps: tuple[tuple[str, ...], ...]
    inverting_verbs: frozenset[str]
    hypothesis_marks: frozenset[str]
    hypothesis_verbs: frozenset[str]
    hypothesis_exprs: tuple[tuple[str, ...], ...]
    metalinguistic: frozenset[str]
    speech_direct: frozenset[str]
    speech: frozenset[str]
    aversion: frozenset[str]
    quote_pairs: tuple[tuple[str, str], ...]
    max_mention_tokens: int
    reporting_verbs: frozenset[str]
    own_voice: frozenset[str]
    customer: frozenset[str]
    customer_pronouns: frozenset[str]
    sales_words: frozenset[str]
    rejection_skip: frozenset[str]
    rejection_before: tuple[tuple[str, ...], ...]
    rejection_after: tuple[tuple[str, ...], ...]
    rejection_next: tuple[tuple[str, ...], ...]
    rejection_heads: frozenset[str]
    renunciation_verbs: frozenset[str]
    attribution_skip: frozenset[str]
    others: frozenset[str]
    generic_determiners: frozenset[str]
    generic_quantifiers: frozenset[str]
    generic_pronouns: frozenset[str]
    critical_markers: frozenset[str]
    attribution_factor: float
    negative_quantifiers: frozenset[str]
    predicate_verbs: frozenset[str]
    referring_families: frozenset[str]
    naming_verbs: frozenset[str]
    own_usage: tuple[tuple[str, ...], ...]
    preference_heads: tuple[tuple[str, ...], ...]
    always_others: frozenset[str]
    former_markers: frozenset[str]
    other_object_families: frozenset[str]
    other_objects: frozenset[str]


@cache
def load_context_words() -> ContextWords:
    """Read lexicons/rules/context.json once."""
    raw = language().rules("context")
    neg, hyp, men, rep = raw["negation"], raw["hypothesis"], raw["mention"], raw["reported"]
    rej, att = raw["rejection"], raw["attribution"]

    def words(xs: list[str]) -> frozenset[str]:
        return frozenset(fold(x) for x in xs)

    def phrases(xs: list[str]) -> tuple[tuple[str, ...], ...]:
        return tuple(term_words(x) for x in xs)

    return ContextWords(
        negation=words(neg["strong"]),
        negation_with_ne=words(neg["with_ne_only"]),
        ne=words(neg["particle"]),
        negating_preps=phrases(neg["prepositions"]),
        inverting_verbs=words(neg["inverting_verbs"]),
        hypothesis_marks=words(hyp["markers"]),
        hypothesis_verbs=words(hyp["verbs"]),
        hypothesis_exprs=phrases(hyp["expressions"]),
        metalinguistic=words(men["metalinguistic_nouns"]),
        speech_direct=words(men["speech_verbs_direct"]),
        speech=words(men["speech_verbs"]),
        aversion=words(men["aversion_words"]),
        quote_pairs=tuple((a, b) for a, b in men["quote_pairs"]),
        max_mention_tokens=int(men["max_mention_tokens"]),
        reporting_verbs=words(rep["verbs"]),
        own_voice=words(rep["own_voice_subjects"]),
        customer=words(raw["customer_nouns"]),
        customer_pronouns=words(raw["customer_pronouns"]),
        sales_words=words(raw["sales_words"]),
        rejection_skip=frozenset(rej["skip_families"]),
        rejection_before=phrases(rej["frames_before"]),
        rejection_after=phrases(rej["frames_after"]),
        rejection_next=phrases(rej["frames_next"]),
        rejection_heads=words(rej["aversion_heads"]),
        renunciation_verbs=words(rej["renunciation_verbs"]),
        attribution_skip=frozenset(att["skip_families"]),
        others=words(att["others"]),
        generic_determiners=words(att["generic_determiners"]),
        generic_quantifiers=words(att["generic_quantifiers"]),
        generic_pronouns=words(att["generic_pronouns"]),
        critical_markers=words(att["critical_markers"]),
        attribution_factor=float(att["factor"]),
        negative_quantifiers=words(neg["quantifiers"]),
        predicate_verbs=words(neg["predicate_verbs"]),
        referring_families=frozenset(neg["referring_families"]),
        naming_verbs=words(men["naming_verbs"]),
        own_usage=phrases(men["own_usage"]),
        preference_heads=phrases(rej["preference_heads"]),
        always_others=words(att["always_others"]),
        former_markers=words(att["former_markers"]),
        other_object_families=frozenset(raw["other_objects"]["families"]),
        other_objects=words(raw["other_objects"]["nouns"] + raw["other_objects"]["verbs"]),
    )
