"""SubRip (.srt) subtitles, parsed with webvtt-py: numbered cues, with or without `Name:` labels.

A cue that starts with a speaker label (accepted with the rules of plain text) opens that
speaker's speech; a cue without one continues the previous speaker. Formatting tags (``<i>``,
``<font …>``) and ASS overrides (``{\\an8}``) are removed. The text of the Transcript is built
as clientlens.formats describes.
"""

from __future__ import annotations

import html
import io
import re

from ..errors import InputError, excerpt
from ..types import Transcript
from . import Cue, build_transcript, decode_as, label_cues, mismatch

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
    import webvtt
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    body = text.lstrip("\ufeff \t\r\n").replace("\r\n", "\n").replace("\r", "\n")
    if not _SRT_START.match(body):
        raise mismatch("srt", text)
    try:
        captions = webvtt.from_buffer(io.StringIO(body), format="srt").captions
    except (MalformedFileError, MalformedCaptionError) as exc:
        raise InputError(f"malformed SubRip: {excerpt(str(exc))}") from None  # webvtt quotes cue text
    cues = [
        Cue(None, _plain(c.raw_text), c.start_time.in_milliseconds() / 1000, c.end_time.in_milliseconds() / 1000)
        for c in captions
    ]
    return build_transcript(label_cues(cues), source, "srt")


def _plain(text: str) -> str:
    return html.unescape(_TAG.sub("", text)).strip()
