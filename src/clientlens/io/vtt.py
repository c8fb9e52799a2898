"""WebVTT as Teams and Zoom export it, parsed with webvtt-py.

Teams names the speaker in a voice span (``<v Marc Lefèvre>Bonjour.</v>``), Zoom in the cue
text (``Marc Lefèvre: Bonjour.``). webvtt-py's ``Caption.voice`` only reads a voice span that
opens the cue's first line, so voices are read from ``Caption.raw_text``: a cue with several
voice spans gives one cue per voice. Cue identifiers, NOTE, STYLE and REGION blocks are skipped;
other cue tags (``<i>``, ``<c.color>``, ``<00:00:01.000>``) are removed and entities decoded.
The text of the Transcript is built as clientlens.io.cues describes."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from clientlens.errors import InputError
from clientlens.io.cues import Cue, build_transcript, caption_times, label_cues, plain_text, read_captions
from clientlens.io.decode import decode_as, mismatch
from clientlens.io.transcript import Transcript

if TYPE_CHECKING:
    from webvtt import Caption


_VOICE = re.compile(r"<v(?:\.[^\s>]+)*[ \t]+([^>]*)>")


_TAG = re.compile(r"<[^>]*>")


def read(data: bytes, source: str | None = None) -> Transcript:
    """Read WebVTT bytes (UTF-8 with or without BOM, UTF-16 or Windows-1252)."""
    return parse(decode_as(data, "vtt"), source)


def parse(text: str, source: str | None = None) -> Transcript:
    """Read decoded WebVTT text.

    Raises:
        InputError: no 'WEBVTT' header, malformed file, no cue, or no speech in the cues.
    """
    body = text.lstrip("\ufeff \t\r\n")
    if not body.startswith("WEBVTT"):
        raise mismatch("vtt", text)
    captions = read_captions(body, "vtt")
    if not captions:
        raise InputError("the WebVTT file has no cue (no 'HH:MM:SS.mmm --> HH:MM:SS.mmm' line)")
    cues = [cue for caption in captions for cue in _cues(caption)]
    return build_transcript(label_cues(cues), source, "vtt")


def _cues(caption: Caption) -> list[Cue]:
    """One cue per voice span of the caption (text before the first span has no voice)."""
    t_start, t_end = caption_times(caption)
    pieces = _VOICE.split(caption.raw_text)
    cues = [Cue(None, _plain(pieces[0]), t_start, t_end)] if pieces[0].strip() else []
    for voice, speech in zip(pieces[1::2], pieces[2::2], strict=True):
        cues.append(Cue(_plain(voice) or None, _plain(speech), t_start, t_end))
    return cues


def _plain(text: str) -> str:
    return plain_text(text, _TAG)
