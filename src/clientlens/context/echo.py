"""The interviewer-echo rule: a term the speaker repeats from another speaker's recent turns."""

from __future__ import annotations

from functools import cache

from clientlens.context.rules import RuleOutcome
from clientlens.io.transcript import Transcript
from clientlens.lang import language
from clientlens.lexicon.entries import LexiconEntry
from clientlens.text.nlp import Lemmas, fold
from clientlens.text.units import Paragraph


class RecentWords:
    """Words of the last turns, for the echo rule: only `lookback` turns are kept."""

    def __init__(self, transcript: Transcript, lookback: int, lemmas: Lemmas) -> None:
        self.transcript = transcript
        self.lookback = lookback
        self.lemmas = lemmas
        self.keys: dict[int, set[str]] = {}

    def add(self, paragraph: Paragraph) -> None:
        """Remember the lemma and form keys of a paragraph's tokens (lemmas from the tables)."""
        keys = self.keys.setdefault(paragraph.turn, set())
        for unit in paragraph.units:
            for form in unit.content:
                keys.update((fold(self.lemmas.of(form)), fold(form)))
        for old in [t for t in self.keys if t < paragraph.turn - self.lookback]:
            del self.keys[old]

    def before(self, turn: int) -> frozenset[str]:
        """Words other speakers said in the `lookback` turns before `turn`."""
        turns = self.transcript.turns
        me = turns[turn].speaker
        if me is None:
            return frozenset()
        words: set[str] = set()
        for earlier in range(max(0, turn - self.lookback), turn):
            if turns[earlier].speaker not in (me, None):
                words |= self.keys.get(earlier, set())
        return frozenset(words)


def echo(entry: LexiconEntry, earlier_words: frozenset[str], factor: float) -> RuleOutcome | None:
    """A word the interviewer used just before weighs less than one the leader brings himself."""
    if set(entry.words) <= earlier_words:
        return RuleOutcome("echo", factor, f"down-weighted: echoes « {entry.term} » from another speaker")
    return None


@cache
def echo_settings() -> tuple[int, float]:
    """(turns to look back, weight factor) for the echo rule."""
    raw = language().rules("context")["echo"]
    return int(raw["lookback_turns"]), float(raw["factor"])
