"""Decoding input bytes: BOMs, UTF-16 without BOM, Windows-1252, repaired mojibake."""

from __future__ import annotations

import json
import re

from clientlens.errors import InputError

#: Files larger than this are refused (documented in docs/schema.md).
MAX_INPUT_BYTES = 20_000_000


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


# A UTF-8 lead byte (Ã, Â, Å…) read as Windows-1252, followed by continuation bytes.
_MOJIBAKE = re.compile("[\u00c2-\u00c5\u00e2][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
                       "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{1,2}")


def decode(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16/32 (BOM or not) and Windows-1252 bytes.

    Raises:
        InputError: if the bytes are empty or look binary.
    """
    if not data.strip():
        raise InputError("the input is empty")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom):], codec)
    utf16 = _bomless_utf16(data)
    if utf16:
        return _strict(data, utf16)
    if b"\x00" in data:
        raise InputError("the input looks binary (NUL bytes), not a text transcript")
    try:
        return repair_mojibake(data.decode("utf-8"))[0]
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if text.count("\ufffd") > max(3, len(text) // 100):
        raise InputError("the input is neither UTF-8, UTF-16 nor Windows-1252 text")
    return text


def repair_mojibake(text: str) -> tuple[str, int]:
    """Undo UTF-8 read as Windows-1252 (« Ã© » for « é »), sequence by sequence.

    Returns the repaired text and the number of sequences repaired. A sequence is replaced
    only when it re-decodes as UTF-8, so genuine « Ã » (rare in French) is left alone.
    """
    count = 0

    def fix(match: re.Match[str]) -> str:
        nonlocal count
        try:
            fixed = match.group().encode("cp1252").decode("utf-8")
        except UnicodeError:
            return match.group()
        count += 1
        return fixed

    return _MOJIBAKE.sub(fix, text), count


def _strict(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(f"the input claims {codec} but does not decode: {exc.reason}") from None


def _bomless_utf16(data: bytes) -> str | None:
    """Guess BOM-less UTF-16 from where the NUL bytes of ASCII characters fall."""
    sample = data[:4000]
    if len(sample) < 4 or sample.count(0) < len(sample) // 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if odd > 3 * even:
        return "utf-16-le"
    if even > 3 * odd:
        return "utf-16-be"
    return None


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
