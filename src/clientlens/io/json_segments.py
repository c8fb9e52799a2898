"""Segment lists from speech-to-text tools (Whisper, WhisperX, diarisation pipelines).

Accepted shapes: a list of segments, or an object with a ``segments`` list (Whisper's output).
A segment is an object with ``start`` and ``end`` (seconds, numbers), ``text`` (a string) and
an optional ``speaker`` (e.g. "SPEAKER_00", kept as written; numbers become strings). Other
keys (``id``, ``tokens``, ``words``, …) are ignored. The text of the Transcript is built as
clientlens.io.cues describes."""

from __future__ import annotations

import json
import math
from typing import Any

from clientlens.errors import InputError, excerpt
from clientlens.io.cues import Cue, build_transcript
from clientlens.io.decode import EXPECTED, decode_as, mismatch
from clientlens.io.transcript import Transcript


def read(data: bytes, source: str | None = None) -> Transcript:
    """Read JSON segment bytes (UTF-8 with or without BOM, UTF-16 or Windows-1252)."""
    return parse(decode_as(data, "json"), source)


def parse(text: str, source: str | None = None) -> Transcript:
    """Read decoded JSON segments.

    Raises:
        InputError: not JSON, not a segment list, a malformed segment (named by its index), or no speech.
    """
    try:
        data = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        if text.lstrip("\ufeff \t\r\n")[:1] not in ("[", "{"):
            raise mismatch("json", text) from None
        where = f"line {exc.lineno} column {exc.colno}"
        raise InputError(f"expected {EXPECTED['json']}, found invalid JSON ({exc.msg} at {where})") from None
    except RecursionError:
        raise InputError("the JSON is nested too deeply to be a segment list") from None
    except ValueError:  # e.g. an integer longer than Python's int_max_str_digits
        raise InputError(f"expected {EXPECTED['json']}, found invalid JSON (a value Python cannot read)") from None
    return build_transcript([_cue(i, seg) for i, seg in enumerate(_segments(data))], source, "json")


def _segments(data: Any) -> list[Any]:
    """The segment list of a list or of an object with a 'segments' list."""
    if isinstance(data, dict):
        if not isinstance(data.get("segments"), list):
            keys = ", ".join(excerpt(k) for k in sorted(data)[:8])  # keys can be speech: excerpts only
            more = f" and {len(data) - 8} more" if len(data) > 8 else ""
            found = f"an object with keys {keys}{more}" if keys else "an empty object"
            raise InputError(f"expected a JSON list of segments or an object with a 'segments' list, found {found}")
        data = data["segments"]
    if not isinstance(data, list):
        raise InputError(f"expected a JSON list of segments, found a JSON {type(data).__name__}")
    if not data:
        raise InputError("the JSON has no segment")
    return data


def _cue(index: int, segment: Any) -> Cue:
    if not isinstance(segment, dict):
        raise InputError(f"segment {index} is not an object with start, end and text")
    text = segment.get("text")
    if not isinstance(text, str):
        raise InputError(f"segment {index} has no 'text' string")
    speaker = segment.get("speaker")
    if speaker is not None and not isinstance(speaker, str | int):
        raise InputError(f"segment {index}: 'speaker' must be a string, found {excerpt(speaker)}")
    label = str(speaker).strip() if speaker is not None else None
    return Cue(label or None, text, _seconds(segment, "start", index), _seconds(segment, "end", index))


def _seconds(segment: dict[str, Any], key: str, index: int) -> float:
    value = segment.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise InputError(f"segment {index}: {key!r} must be a number of seconds, found {excerpt(value)}")
    return float(value)
