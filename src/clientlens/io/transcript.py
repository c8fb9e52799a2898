"""The Transcript record: decoded text, speaker turns and cue times."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clientlens.io.decode import Decoding

#: One original cue of a timed transcript: (offset_start, offset_end, t_start, t_end).
CueSpan = tuple[int, int, float | None, float | None]


@dataclass(frozen=True)
class Turn:
    """One speaker's uninterrupted speech; `start`/`end` index the decoded input text."""

    speaker: str | None
    start: int
    end: int
    t_start: float | None = None
    t_end: float | None = None


@dataclass(frozen=True)
class Transcript:
    """Decoded input text and the turns found in it.

    `cues` holds, for timed formats (VTT, SRT, JSON segments, Teams DOCX), one CueSpan per
    original cue kept, in text order, so that times survive the merging of a speaker's
    consecutive cues into one turn; it is empty for untimed text.
    """

    text: str
    turns: tuple[Turn, ...]
    source: str | None = None
    format: str = "txt"
    cues: tuple[CueSpan, ...] = ()
    notes: tuple[str, ...] = ()  # what reading changed or noticed (e.g. mojibake repaired)
    decoding: Decoding | None = None  # how the input bytes were decoded (None: text given, or .docx)
    #: Speaker labels the format itself shows to ask rather than answer: the chair and members of
    #: the committee in the record of a hearing, the questions of a printed interview
    #: (clientlens.io.plain, clientlens.roles).
    questioners: frozenset[str] = frozenset()

    def time_span(self, start: int, end: int) -> tuple[float | None, float | None]:
        """Start time of the cue containing `start`, end time of the cue containing `end - 1`.

        An offset between cues (a label, the space joining two cues) takes the next cue for
        `start` and the previous one for `end - 1`. (None, None) for untimed text or a span
        that covers no cue. O(log n) in the number of cues.
        """
        if not self.cues or end <= start:
            return None, None
        first = bisect_right(self.cues, start, key=_cue_start) - 1
        if first < 0 or start >= self.cues[first][1]:
            first += 1
        last = bisect_right(self.cues, end - 1, key=_cue_start) - 1
        if last < first or first >= len(self.cues):
            return None, None
        return self.cues[first][2], self.cues[last][3]

    @property
    def speakers(self) -> list[str]:
        """Distinct speaker labels in order of first appearance."""
        seen: dict[str, None] = {}
        for turn in self.turns:
            if turn.speaker is not None:
                seen.setdefault(turn.speaker, None)
        return list(seen)


def _cue_start(cue: CueSpan) -> int:
    return cue[0]


#: What separates two transcripts joined into one (a blank line: a paragraph break).
JOIN = "\n\n"


def concatenate(transcripts: list[Transcript]) -> Transcript:
    """Several transcripts as one (one meeting or interview per file), offsets shifted.

    Cue times are kept only when every transcript is timed: times of different recordings
    cannot share one axis with untimed text between them, so a mix gives none."""
    if len(transcripts) == 1:
        return transcripts[0]
    timed = all(t.cues for t in transcripts)
    text, turns, cues, notes, questioners = "", [], [], [], set()
    for t in transcripts:
        shift = len(text) + (len(JOIN) if text else 0)
        text = f"{text}{JOIN}{t.text}" if text else t.text
        turns += [Turn(u.speaker, u.start + shift, u.end + shift, u.t_start, u.t_end) for u in t.turns]
        if timed:
            cues += [(a + shift, b + shift, ts, te) for a, b, ts, te in t.cues]
        notes += list(t.notes)
        questioners |= t.questioners
    formats = {t.format for t in transcripts}
    return Transcript(
        text=text, turns=tuple(turns), source=" + ".join(str(t.source) for t in transcripts),
        format=formats.pop() if len(formats) == 1 else "mixed", cues=tuple(cues), notes=tuple(notes),
        questioners=frozenset(questioners),
    )
