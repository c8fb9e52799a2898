"""SubRip (.srt) subtitles, parsed with webvtt-py: numbered cues, with or without `Name:` labels.

A cue that starts with a speaker label (accepted with the rules of plain text) opens that
speaker's speech; a cue without one continues the previous speaker. Formatting tags (``<i>``,
``<font …>``) and ASS overrides (``{\an8}``) are removed. The text of the Transcript is built
as clientlens.io.cues describes."""

from __future__ import annotations

import re

from clientlens.io.cues import Cue, build_transcript, caption_times, label_cues, plain_text, read_captions
from clientlens.io.decode import decode_as, mismatch
from clientlens.io.transcript import Transcript

_SRT_START = re.compile(r"\d+[ \t]*\n[ \t]*\d+:\d{1,2}:\d{1,2}[,.]\d+[ \t]*-->")


_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")


def read(data: bytes, source: str | None = None) -> Transcript:
    """Read SubRip bytes (UTF-8 with or without BOM, UTF-16 or Windows-1252)."""
    return parse(decode_as(data, "srt"), source)


def parse(text: str, source: str | None = None) -> Transcript:
    """Read decoded SubRip text.

    Raises:
        InputError: the text does not start with a numbered, timed cue, or has no speech.
    """
    body = text.lstrip("\ufeff \t\r\n").replace("\r\n", "\n").replace("\r", "\n")
    if not _SRT_START.match(body):
        raise mismatch("srt", text)
    cues = [Cue(None, plain_text(c.raw_text, _TAG), *caption_times(c)) for c in read_captions(body, "srt")]
    return build_transcript(label_cues(cues), source, "srt")

