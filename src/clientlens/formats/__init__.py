"""Readers of the transcript formats consultants receive, and what they share.

One module per format, each with ``read(data: bytes, source) -> Transcript``:
``vtt`` (Teams and Zoom WebVTT), ``srt`` (SubRip), ``docx`` (Teams exports and ordinary Word
documents) and ``json_segments`` (Whisper and diarised speech-to-text segments). Plain text
is read by clientlens.read.parse_text; clientlens.read.read_file picks the reader.

The timed formats give a list of `Cue`; `build_transcript` turns it into a Transcript whose
text is *built*, one paragraph per turn separated by a blank line::

    Marc Lefèvre : first cue second cue of the same speaker…

    Sophie Martin : …

(no « label : » prefix when the speaker is unknown). Consecutive cues of the same speaker
(label compared exactly as written) are merged into one turn, joined by a space, so sentences
are not cut at cue boundaries; `Transcript.cues` keeps each cue's offsets and times, and
`Transcript.time_span` maps any span of the text back to times.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby

from ..errors import InputError
from ..read import decode, find_labels
from ..types import CueSpan, Transcript, Turn

#: What each format expects, as said in mismatch errors.
EXPECTED = {
    "txt": "plain text",
    "vtt": "WebVTT (a 'WEBVTT' header)",
    "srt": "SubRip (a cue number, then a 'HH:MM:SS,mmm --> HH:MM:SS,mmm' line)",
    "docx": "a Word document (.docx)",
    "json": "JSON segments (a list of {start, end, text} objects, or an object with a 'segments' list)",
}

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SRT_START = re.compile(r"\d+[ \t]*\r?\n[ \t]*\d+:\d{1,2}:\d{1,2}[,.]\d+[ \t]*-->")
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


# ---------------------------------------------------------------------- content checks


def decode_as(data: bytes, fmt: str) -> str:
    """Decode the bytes of a text format, refusing a Word or ZIP file with a clear message."""
    if data.startswith((_ZIP, _OLE)):
        raise InputError(f"expected {EXPECTED[fmt]}, found {found_in(data)}")
    return decode(data)


def found_in(data: bytes) -> str:
    """What the bytes look like, for « expected X, found Y » messages."""
    if not data.strip():
        return "an empty file"
    if data.startswith(_ZIP):
        return "a ZIP archive (such as a .docx Word document)"
    if data.startswith(_OLE):
        return "an old binary Word/Office file (.doc); save it as .docx"
    try:
        return found_text(decode(data))
    except InputError:
        return "binary data"


def found_text(text: str) -> str:
    """What a decoded text looks like: WebVTT, SubRip, JSON, timed cues, plain text or nothing."""
    head = text.lstrip("\ufeff \t\r\n")
    if not head:
        return "an empty file"
    if head.startswith("WEBVTT"):
        return "WebVTT"
    if _SRT_START.match(head):
        return "SubRip (SRT) cues"
    if head[0] in "[{":
        try:
            json.loads(text)
            return "JSON"
        except (ValueError, RecursionError):
            pass
    if "-->" in head[:2000]:
        return "timed cues without a 'WEBVTT' header"
    return "plain text"


def mismatch(fmt: str, text: str) -> InputError:
    """The error for a text whose content does not match `fmt`."""
    return InputError(f"expected {EXPECTED[fmt]}, found {found_text(text)}")


# ---------------------------------------------------------------------- cues -> transcript


def clean_text(text: str) -> str:
    """Cue text on one line: line breaks inside a cue are display wrapping, not meaning."""
    return _SPACES.sub(" ", text).strip()


def is_noise(text: str) -> bool:
    """True for a cue without speech: empty, or only bracketed noise such as [Musique] or (inaudible)."""
    return not any(c.isalnum() for c in _BRACKETED.sub("", text))


def label_cues(cues: Sequence[Cue]) -> list[Cue]:
    """Give unlabelled cues the `Name :` label at their start (Zoom, SRT), else the previous cue's speaker.

    Labels are accepted with the rules of plain text over the whole file (clientlens.read.find_labels).
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


# ---------------------------------------------------------------------- speaker statistics


def speaker_stats(transcript: Transcript) -> list[SpeakerStats]:
    """Turns, words and speaking time of each labelled speaker, in order of first appearance.

    Speaking time is the total duration of the speaker's cues, overlapping cues of one speaker
    counted once; None when the transcript has no cue times (plain text).
    """
    stats = []
    for name in transcript.speakers:
        turns = [t for t in transcript.turns if t.speaker == name]
        words = sum(len(transcript.text[t.start : t.end].split()) for t in turns)
        times = [(c[2], c[3]) for t in turns for c in cues_within(transcript, t.start, t.end)]
        intervals = [(a, b) for a, b in times if a is not None and b is not None]
        stats.append(SpeakerStats(name, len(turns), words, _covered(intervals) if intervals else None))
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
