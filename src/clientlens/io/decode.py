"""Decoding input bytes without loss: BOMs, UTF-16 without BOM, stray bytes, detected encodings.

A file is decoded as a whole, in one encoding, chosen in this order:

1. the encoding the caller forces (`encoding=`, `--encoding`);
2. a byte-order mark (UTF-8, UTF-16, UTF-32), or BOM-less UTF-16 told by its NUL bytes;
3. UTF-8, when the bytes are valid UTF-8, or *mostly* UTF-8: a few invalid bytes among valid
   multi-byte sequences (a stray Windows-1252 byte pasted into a UTF-8 transcript) do not
   re-decode the whole file; each is replaced by U+FFFD and reported with its line number;
4. otherwise the encoding charset-normalizer detects (Windows-1252, Latin-1, ...).

`decode_errors="strict"` refuses, naming the line, instead of replacing. What was done is a
`Decoding` (encoding, bytes replaced, their lines), which goes into the report's provenance
(``provenance["input"]``, docs/schema.md).
"""

from __future__ import annotations

import codecs
import json
import os
import re
import unicodedata
from contextvars import ContextVar
from dataclasses import dataclass

from clientlens.errors import InputError, excerpt

#: Files larger than this are refused unless the limit is raised (`max_bytes=`, `--max-bytes`,
#: or the environment variable MAX_BYTES_ENV); documented in docs/schema.md.
MAX_INPUT_BYTES = 20_000_000

#: The environment variable that raises (or lowers) the size limit, in bytes.
MAX_BYTES_ENV = "CLIENTLENS_MAX_BYTES"

#: How invalid bytes are handled: replaced by U+FFFD and reported, or refused.
DECODE_ERRORS = ("replace", "strict")

#: The most line numbers of replaced bytes a report lists (the count covers them all).
MAX_REPORTED_LINES = 20

#: A file stays UTF-8 when its valid multi-byte sequences outnumber its invalid bytes this many times.
UTF8_MAJORITY = 4


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


# A valid UTF-8 multi-byte sequence (2 to 4 bytes).
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


@dataclass(frozen=True)
class Decoding:
    """How the bytes of an input were decoded.

    Attributes:
        encoding: the codec used (Python's name, e.g. "utf-8", "utf-16-le", "cp1252").
        replaced_bytes: invalid bytes replaced by U+FFFD (0 for a clean file).
        lines: the 1-based lines holding them (at most MAX_REPORTED_LINES).
        detected: True when the encoding came from charset-normalizer.
    """

    encoding: str
    replaced_bytes: int = 0
    lines: tuple[int, ...] = ()
    detected: bool = False

    def to_dict(self) -> dict[str, object]:
        """`provenance["input"]` of a report (docs/schema.md)."""
        return {"encoding": self.encoding, "replaced_bytes": self.replaced_bytes, "lines": list(self.lines),
                "detected": self.detected}

    def note(self) -> str | None:
        """The report warning for replaced bytes, or None for a clean decoding."""
        if not self.replaced_bytes:
            return None
        more = ", ..." if self.replaced_bytes > len(self.lines) and len(self.lines) == MAX_REPORTED_LINES else ""
        return (f"{self.replaced_bytes} invalid byte(s) in the {self.encoding} input replaced by U+FFFD "
                f"on line(s) {', '.join(map(str, self.lines))}{more}; the rest of the file is intact")


def max_input_bytes(max_bytes: int | None = None) -> int:
    """The size limit: `max_bytes` if given, else the environment variable MAX_BYTES_ENV, else
    MAX_INPUT_BYTES.

    Raises:
        InputError: a limit that is not a positive whole number.
    """
    raw: object = max_bytes if max_bytes is not None else os.environ.get(MAX_BYTES_ENV)
    if raw is None or raw == "":
        return MAX_INPUT_BYTES
    try:
        value = int(raw)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        value = 0
    if value <= 0 or isinstance(raw, float | bool):
        source = "max_bytes" if max_bytes is not None else MAX_BYTES_ENV
        raise InputError(f"{source} must be a positive number of bytes, not {excerpt(raw)}")
    return value


def decode(data: bytes, encoding: str | None = None, decode_errors: str = "replace") -> str:
    """The text of `data` (see `decode_bytes`)."""
    return decode_bytes(data, encoding, decode_errors)[0]


def decode_bytes(data: bytes, encoding: str | None = None, decode_errors: str = "replace") -> tuple[str, Decoding]:
    """Decode input bytes per the module docstring; (text, how it was decoded).

    Args:
        data: the bytes of the file.
        encoding: a codec name to force (BOM removed when it matches), or None to choose.
        decode_errors: "replace" (invalid bytes become U+FFFD, reported) or "strict" (refused).

    Raises:
        InputError: empty or binary bytes, an unknown `encoding`, invalid bytes in strict mode
            (the message names the line), or bytes in no known text encoding.
    """
    if decode_errors not in DECODE_ERRORS:
        raise InputError(f"decode_errors must be one of {', '.join(DECODE_ERRORS)}, not {excerpt(decode_errors)}")
    if not data.strip():
        raise InputError("the input is empty")
    if encoding is not None:
        return _forced(data, encoding, decode_errors)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _decode_with(data[len(bom):], codec, decode_errors, offset=len(bom), whole=data)
    utf16 = _bomless_utf16(data)
    if utf16:
        return _decode_with(data, utf16, decode_errors)
    if b"\x00" in data:
        raise InputError("the input looks binary (NUL bytes), not a text transcript")
    try:
        return repair_mojibake(data.decode("utf-8"))[0], Decoding("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc
    if _mostly_utf8(data):
        return _decode_with(data, "utf-8", decode_errors)
    return _detected(data, decode_errors, first_bad)


def _forced(data: bytes, encoding: str, decode_errors: str) -> tuple[str, Decoding]:
    try:
        codec = codecs.lookup(encoding).name
    except (LookupError, TypeError):
        raise InputError(f"unknown encoding {excerpt(encoding)}") from None
    for bom, bom_codec in _BOMS:
        if data.startswith(bom) and codecs.lookup(bom_codec).name in (codec, codec.removesuffix("-sig")):
            return _decode_with(data[len(bom):], codec, decode_errors, offset=len(bom), whole=data)
    return _decode_with(data, codec, decode_errors)


def _mostly_utf8(data: bytes) -> bool:
    """Whether bytes that are not valid UTF-8 still are UTF-8 with a few stray bytes."""
    valid = len(_UTF8_MULTIBYTE.findall(data))
    bad = sum(end - start for start, end in _replacing(data, "utf-8")[1])
    return valid > 0 and valid >= UTF8_MAJORITY * bad


_SPANS: ContextVar[list[tuple[int, int]]] = ContextVar("clientlens_decode_spans")


def _record(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: U+FFFD for an invalid sequence, whose span is recorded."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _SPANS.get().append((exc.start, exc.end))
    return "\ufffd", exc.end


codecs.register_error("clientlens.record", _record)


def _replacing(data: bytes, codec: str) -> tuple[str, list[tuple[int, int]]]:
    """The text with U+FFFD for each invalid sequence, and their (start, end) byte offsets: one pass."""
    spans: list[tuple[int, int]] = []
    token = _SPANS.set(spans)
    try:
        return data.decode(codec, errors="clientlens.record"), spans
    finally:
        _SPANS.reset(token)


def _decode_with(
    data: bytes, codec: str, decode_errors: str, offset: int = 0, whole: bytes | None = None
) -> tuple[str, Decoding]:
    """Decode with `codec`, replacing (and reporting) or refusing invalid bytes."""
    try:
        text, spans = _replacing(data, codec)
    except LookupError:
        raise InputError(f"unknown encoding {excerpt(codec)}") from None
    if codec == "utf-8":
        text = repair_mojibake(text)[0]
    if not spans:
        return text, Decoding(codec)
    lines = _lines(data if whole is None else whole, codec, [start + offset for start, _ in spans])
    if decode_errors == "strict":
        more = f" (and {len(spans) - 1} more invalid sequence(s))" if len(spans) > 1 else ""
        raise InputError(f"invalid {codec} byte(s) on line {lines[0]}{more}: strict decoding refuses them; "
                         "force the right encoding, or leave strict mode to replace them and be told where")
    return text, Decoding(codec, sum(e - s for s, e in spans), tuple(lines))


def _lines(data: bytes, codec: str, positions: list[int]) -> list[int]:
    """Distinct 1-based line numbers of byte `positions` (the first MAX_REPORTED_LINES)."""
    out: list[int] = []
    ascii_compatible = "\n".encode(codec) == b"\n"
    for position in positions:
        if ascii_compatible:
            line = data.count(b"\n", 0, position) + 1
        else:
            line = data[:position].decode(codec, errors="replace").count("\n") + 1
        if line not in out:
            out.append(line)
        if len(out) == MAX_REPORTED_LINES:
            break
    return out


def _detected(data: bytes, decode_errors: str, first_bad: UnicodeDecodeError) -> tuple[str, Decoding]:
    """Bytes that are not UTF-8: the encoding charset-normalizer finds."""
    from charset_normalizer import from_bytes

    from clientlens.lang import language

    # The language's own 8-bit encodings first, judged by the detector alone (threshold 1: a short
    # French text full of accents looks "messy" to it, and is still best read as Windows-1252);
    # any other encoding only when none of them decodes the bytes.
    best = (from_bytes(data, cp_isolation=list(language().legacy_encodings), threshold=1.0).best()
            or from_bytes(data).best())
    if best is None:
        line = data.count(b"\n", 0, first_bad.start) + 1
        raise InputError(f"the input is in no text encoding clientlens recognises (not UTF-8 from line {line}); "
                         "pass --encoding / encoding= if you know it")
    codec = codecs.lookup(best.encoding).name
    text, decoding = _decode_with(data, codec, decode_errors)
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\v")
    if controls > max(3, len(text) // 100):
        line = data.count(b"\n", 0, first_bad.start) + 1
        raise InputError(f"the input is in no text encoding clientlens recognises (not UTF-8 from line {line}, "
                         f"and {controls} control characters in {codec}); pass --encoding / encoding= if you "
                         "know it")
    return text, Decoding(codec, decoding.replaced_bytes, decoding.lines, detected=True)


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


def _bomless_utf16(data: bytes) -> str | None:
    """Guess BOM-less UTF-16 from where the NUL bytes of ASCII characters fall."""
    sample = data[:4000]
    if len(sample) < 4 or sample.count(0) < len(sample) // 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    # Text in a Latin script has a NUL in most of the high bytes of its code units: require it
    # in at least 70 % of them, so that a few NUL bytes in binary data do not read as UTF-16.
    if odd > 3 * even and odd >= 0.7 * len(sample[1::2]):
        return "utf-16-le"
    if even > 3 * odd and even >= 0.7 * len(sample[0::2]):
        return "utf-16-be"
    return None


#: What each format expects, as said in mismatch errors.
EXPECTED = {
    "txt": "plain text",
    "vtt": "WebVTT (a 'WEBVTT' header)",
    "srt": "SubRip (a cue number, then a 'HH:MM:SS,mmm --> HH:MM:SS,mmm' line)",
    "docx": "a Word document (.docx)",
    "pdf": "a PDF document",
    "html": "an HTML page",
    "json": "JSON segments (a list of {start, end, text} objects, or an object with a 'segments' list)",
}


_ZIP = b"PK\x03\x04"


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


_PDF = b"%PDF-"


#: What a saved web page is called in messages; how one starts.
HTML_PAGE = "an HTML page"
_HTML_START = re.compile(r"<(?:!doctype\s+html|html[\s>])", re.IGNORECASE)


_SRT_START = re.compile(r"\d+[ \t]*\r?\n[ \t]*\d+:\d{1,2}:\d{1,2}[,.]\d+[ \t]*-->")


def decode_as(data: bytes, fmt: str) -> str:
    """Decode the bytes of a text format, refusing a Word or ZIP file with a clear message."""
    return decode_checked(data, fmt)[0]


def decode_checked(
    data: bytes, fmt: str, encoding: str | None = None, decode_errors: str = "replace"
) -> tuple[str, Decoding]:
    """`decode_bytes` for the text format `fmt`, refusing a Word or ZIP file with a clear message."""
    if data.startswith((_ZIP, _OLE, _PDF)):
        raise InputError(f"expected {EXPECTED[fmt]}, found {found_in(data)}")
    return decode_bytes(data, encoding, decode_errors)


def found_in(data: bytes) -> str:
    """What the bytes look like, for « expected X, found Y » messages."""
    if not data.strip():
        return "an empty file"
    if data.startswith(_ZIP):
        return "a ZIP archive (such as a .docx Word document)"
    if data.startswith(_OLE):
        return "an old binary Word/Office file (.doc); save it as .docx"
    if data.startswith(_PDF):
        return "a PDF document (read it as .pdf)"
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
    if _HTML_START.match(head):
        return HTML_PAGE
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
