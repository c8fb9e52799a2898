"""Readers of the transcript formats consultants receive, and what they share.

One module per format, each with ``read(data: bytes, source) -> Transcript``:
``vtt`` (Teams and Zoom WebVTT), ``srt`` (SubRip), ``docx`` (Teams exports and ordinary Word
documents) and ``json_segments`` (Whisper and diarised speech-to-text segments). Plain text
is read by clientlens.io.plain.parse_text; clientlens.io.read.read_file picks the reader.

The timed formats give a list of `Cue`; `build_transcript` turns it into a Transcript whose
text is *built*, one paragraph per turn separated by a blank line::

    Marc Lefèvre : first cue second cue of the same speaker…

    Sophie Martin : …

(no « label : » prefix when the speaker is unknown). Consecutive cues of the same speaker
(label compared exactly as written) are merged into one turn, joined by a space, so sentences
are not cut at cue boundaries; `Transcript.cues` keeps each cue's offsets and times, and
`Transcript.time_span` maps any span of the text back to times."""

from __future__ import annotations

import html
import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING

from clientlens.errors import InputError, excerpt
from clientlens.io.plain import find_labels
from clientlens.io.transcript import CueSpan, Transcript, Turn

if TYPE_CHECKING:
    from webvtt import Caption

_BRACKETED = re.compile(r"\[[^\]]*\]|\([^)]*\)|\{[^}]*\}")


_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Cue:
    """One timed piece of speech as a format gives it, before cleaning and merging."""

    speaker: str | None
    text: str
    t_start: float | None = None
    t_end: float | None = None


@dataclass(frozen=True)
class SpeakerStats:
    """How much one speaker speaks: turns, words, and seconds (None when the format has no time)."""

    name: str
    turns: int
    words: int
    seconds: float | None


def clean_text(text: str) -> str:
    """Cue text on one line: line breaks inside a cue are display wrapping, not meaning."""
    return _SPACES.sub(" ", text).strip()


def is_noise(text: str) -> bool:
    """True for a cue without speech: empty, or only bracketed noise such as [Musique] or (inaudible)."""
    return not any(c.isalnum() for c in _BRACKETED.sub("", text))


def label_cues(cues: Sequence[Cue]) -> list[Cue]:
    """Give unlabelled cues the `Name :` label at their start (Zoom, SRT), else the previous cue's speaker.

    Labels are accepted with the rules of plain text over the whole file (clientlens.io.plain.find_labels).
    """
    open_cues = [i for i, c in enumerate(cues) if c.speaker is None]
    found = find_labels([cues[i].text.lstrip() for i in open_cues])
    labelled = list(cues)
    for i, (label, speech) in zip(open_cues, found, strict=True):
        if label is not None:
            labelled[i] = Cue(label, cues[i].text.lstrip()[speech:], cues[i].t_start, cues[i].t_end)
    current: str | None = None
    for i, cue in enumerate(labelled):
        current = cue.speaker if cue.speaker is not None else current
        if cue.speaker is None and current is not None:
            labelled[i] = Cue(current, cue.text, cue.t_start, cue.t_end)
    return labelled


def build_transcript(cues: Iterable[Cue], source: str | None, fmt: str) -> Transcript:
    """Merge consecutive cues of one speaker into turns and build the text (see the module docstring).

    Empty cues and pure noise cues are dropped. Raises InputError when no speech is left.
    """
    kept = [c for c in (_cleaned(c) for c in cues) if c is not None]
    if not kept:
        raise InputError("no speech: every cue is empty or non-speech such as [Musique]")
    text = _TextBuilder()
    for speaker, group in groupby(kept, key=lambda c: c.speaker):
        text.add_turn(speaker, list(group))
    return Transcript(text=text.value(), turns=tuple(text.turns), source=source, format=fmt, cues=tuple(text.spans))


def _cleaned(cue: Cue) -> Cue | None:
    text = clean_text(cue.text)
    if is_noise(text):
        return None
    speaker = clean_text(cue.speaker) if cue.speaker else None
    return Cue(speaker or None, text, cue.t_start, cue.t_end)


class _TextBuilder:
    """Accumulates the built text with the turns and cue spans that index it."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.turns: list[Turn] = []
        self.spans: list[CueSpan] = []

    def write(self, piece: str) -> int:
        """Append a piece; return its offset."""
        start = self.pos
        self.parts.append(piece)
        self.pos += len(piece)
        return start

    def add_turn(self, speaker: str | None, group: list[Cue]) -> None:
        """One paragraph: optional « speaker : » label, then the cues joined by a space."""
        self.write(("\n\n" if self.parts else "") + (f"{speaker} : " if speaker else ""))
        start = self.pos
        for i, cue in enumerate(group):
            self.write(" " if i else "")
            self.spans.append((self.write(cue.text), self.pos, cue.t_start, cue.t_end))
        starts = [c.t_start for c in group if c.t_start is not None]
        ends = [c.t_end for c in group if c.t_end is not None]
        self.turns.append(Turn(speaker, start, self.pos, min(starts, default=None), max(ends, default=None)))

    def value(self) -> str:
        return "".join(self.parts)


def speaker_stats(transcript: Transcript, words: Mapping[str | None, int]) -> list[SpeakerStats]:
    """Turns, words and speaking time of each labelled speaker, in order of first appearance.

    `words` gives each speaker's word count, as the analysis counts them
    (clientlens.text.units.word_counts: the one definition of a word). Speaking time is the
    total duration of the speaker's cues, overlapping cues of one speaker counted once; None
    when the transcript has no cue times (plain text).
    """
    stats = []
    for name in transcript.speakers:
        turns = [t for t in transcript.turns if t.speaker == name]
        times = [(c[2], c[3]) for t in turns for c in cues_within(transcript, t.start, t.end)]
        intervals = [(a, b) for a, b in times if a is not None and b is not None]
        stats.append(SpeakerStats(name, len(turns), words.get(name, 0), _covered(intervals) if intervals else None))
    return stats


def cues_within(transcript: Transcript, start: int, end: int) -> tuple[CueSpan, ...]:
    """The cues lying inside text[start:end] (found by bisection)."""
    cues = transcript.cues
    first = bisect_left(cues, start, key=lambda c: c[0])
    last = bisect_left(cues, end, key=lambda c: c[0])
    return tuple(c for c in cues[first:last] if c[1] <= end)


def _covered(intervals: list[tuple[float, float]]) -> float:
    """Length of the union of time intervals."""
    total, reach = 0.0, float("-inf")
    for a, b in sorted(intervals):
        start = max(a, reach)
        if b > start:
            total += b - start
            reach = b
    return round(total, 3)


#: Names of the caption formats read with webvtt-py, for error messages.
_CAPTION_FORMATS = {"vtt": "WebVTT", "srt": "SubRip"}


def read_captions(body: str, fmt: str) -> list[Caption]:
    """The captions of a WebVTT or SubRip body, parsed by webvtt-py (imported on first use).

    Raises:
        InputError: webvtt-py finds the file malformed (its message quotes the cue).
    """
    import io

    import webvtt
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    try:
        if fmt == "vtt":
            return webvtt.from_string(body).captions
        return webvtt.from_buffer(io.StringIO(body), format="srt").captions
    except (MalformedFileError, MalformedCaptionError, ValueError) as exc:
        raise InputError(f"malformed {_CAPTION_FORMATS[fmt]}: {excerpt(str(exc))}") from None


def caption_times(caption: Caption) -> tuple[float, float]:
    """A caption's start and end, in seconds."""
    return caption.start_time.in_milliseconds() / 1000, caption.end_time.in_milliseconds() / 1000


def plain_text(text: str, tags: re.Pattern[str]) -> str:
    """Caption text without its markup tags, HTML entities decoded."""
    return html.unescape(tags.sub("", text)).strip()
