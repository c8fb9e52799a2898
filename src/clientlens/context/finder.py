"""Evidence: lexicon hits judged by the context rules, and classifier labels, as Evidence records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Doc

from clientlens.context.echo import echo
from clientlens.context.rules import RuleOutcome, combine, evaluate, rejection_next
from clientlens.context.words import ContextWords
from clientlens.io.transcript import Transcript
from clientlens.lexicon.matcher import Lexicon, Match
from clientlens.records import Evidence
from clientlens.text.units import Unit, times


@dataclass(frozen=True)
class EvidenceFinder:
    """Finds lexicon evidence in parsed Docs: matching, then every context rule.

    Args:
        lexicon: the entries to match.
        known: lemmas the typo tolerance must never rewrite (lexicon.known_lemmas).
        lists: the context rules' word lists (ContextWords).
        echo_lookback, echo_factor: the echo rule's settings (context.echo.echo_settings).
    """

    lexicon: Lexicon
    known: frozenset[str]
    lists: ContextWords
    echo_lookback: int
    echo_factor: float

    def in_unit(self, unit: Unit, number: int, transcript: Transcript, earlier: frozenset[str],
                following: Sequence[str] = ()) -> list[Evidence]:
        """Evidence of one sentence unit (sentence `number`); none unless it was parsed.

        `earlier` holds the words other speakers used in the turns just before (echo rule);
        `following` the words of the speaker's next sentence in the paragraph (rejection_next).
        """
        if unit.parsed is None:
            return []
        out = []
        for match in self.lexicon.match(unit.parsed, self.known):
            extra = [o for o in (echo(match.entry, earlier, self.echo_factor),
                                 rejection_next(following, match, self.lists)) if o is not None]
            hit = self.of_match(unit.parsed, match, number, unit.sentence.speaker, unit.sentence.start, extra)
            t_start, t_end = times(transcript, unit.turn, hit.start, hit.end)
            text = transcript.text[hit.start : hit.end]  # original characters (typographic spaces)
            out.append(replace(hit, text=text, t_start=t_start, t_end=t_end))
        return out

    def in_doc(self, doc: Doc) -> list[Evidence]:
        """Evidence of a stand-alone Doc (a corpus sentence), offsets relative to it."""
        return [self.of_match(doc, m, 0, None, 0, ()) for m in self.lexicon.match(doc, self.known)]

    def of_match(
        self, doc: Doc, match: Match, number: int, speaker: str | None, offset: int,
        extra: Sequence[RuleOutcome],
    ) -> Evidence:
        """Evidence of one lexicon match after the context rules."""
        multiplier, reason = combine([*evaluate(doc, match, self.lists), *extra])
        span = doc[match.start : match.end]
        family = self.lexicon.family(match.entry.family)
        return Evidence(
            text=span.text,
            start=offset + span.start_char,
            end=offset + span.end_char,
            family=family.name,
            polarity=family.polarity.value,
            component=family.component,
            lemma=match.entry.term,
            weight=round(match.entry.weight * multiplier, 4),
            counted=multiplier > 0,
            reason=reason,
            sentence=number,
            speaker=speaker,
        )
