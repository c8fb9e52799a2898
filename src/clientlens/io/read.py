"""The registry of readers: format name -> reader, chosen by extension or by the caller."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from importlib import import_module
from pathlib import Path

from clientlens.errors import InputError, excerpt
from clientlens.io.decode import EXPECTED, HTML_PAGE, decode_checked, found_text, max_input_bytes, repair_mojibake
from clientlens.io.plain import parse_text
from clientlens.io.transcript import Transcript

#: Input formats `read_file` accepts ("md" is read as "txt").
INPUT_FORMATS = ("txt", "md", "vtt", "srt", "docx", "json", "pdf", "html")


#: Format chosen from a file's extension; any other extension is read as plain text.
EXTENSION_FORMATS = {".txt": "txt", ".md": "txt", ".vtt": "vtt", ".srt": "srt", ".docx": "docx", ".json": "json",
                     ".pdf": "pdf", ".html": "html", ".htm": "html"}


#: The one registry of readers: format -> module whose `read(data: bytes, source) -> Transcript`
#: reads it. Modules are imported on first use (python-docx, webvtt and pypdf load only when needed).
READERS: dict[str, str] = {
    "txt": "clientlens.io.plain",
    "vtt": "clientlens.io.vtt",
    "srt": "clientlens.io.srt",
    "docx": "clientlens.io.docx",
    "json": "clientlens.io.json_segments",
    "pdf": "clientlens.io.pdf",
    "html": "clientlens.io.html",
}


#: Formats whose bytes are decoded as text first (their module's `parse(text, source)` reads
#: the text); the others' module reads the bytes (`read(data, source)`).
TEXT_FORMATS = frozenset({"txt", "vtt", "srt", "json", "html"})


def read_file(
    path: str | Path, input_format: str | None = None, *, encoding: str | None = None,
    decode_errors: str = "replace", max_bytes: int | None = None,
) -> Transcript:
    """Read a transcript file; its format comes from the extension unless `input_format` is given.

    Args:
        encoding: force this encoding instead of choosing one (clientlens.io.decode).
        decode_errors: "replace" invalid bytes by U+FFFD and report them, or "strict": refuse.
        max_bytes: the size limit (default: the environment variable CLIENTLENS_MAX_BYTES, else
            20,000,000 bytes).

    Raises:
        InputError: missing, unreadable, directory, empty, too large or binary file, unknown
            format, or content that does not match the format (the message names both).
    """
    path = Path(path)
    fmt = input_format_of(path, input_format)
    limit = max_input_bytes(max_bytes)
    data = _read_bytes(path, limit)
    try:
        return read_bytes(data, fmt, source=str(path), encoding=encoding, decode_errors=decode_errors,
                          max_bytes=limit)
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None


def input_format_of(path: Path, input_format: str | None = None) -> str:
    """The format to read `path` in: `input_format` if given, else the one of its extension."""
    if input_format is None:
        return EXTENSION_FORMATS.get(path.suffix.lower(), "txt")
    fmt = input_format.lower().lstrip(".")
    if fmt not in INPUT_FORMATS:
        raise InputError(f"unknown input format {excerpt(input_format)}; choose from {', '.join(INPUT_FORMATS)}")
    return "txt" if fmt == "md" else fmt


def _read_bytes(path: Path, limit: int) -> bytes:
    if not path.exists():
        raise InputError(f"no such file: {path}")
    if path.is_dir():
        raise InputError(f"{path} is a directory, not a transcript file")
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError(f"{path} is {size:,} bytes; the limit is {limit:,} (raise it with --max-bytes, "
                             "max_bytes= or CLIENTLENS_MAX_BYTES)")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None


def read_bytes(
    data: bytes, input_format: str = "txt", source: str | None = None, *, encoding: str | None = None,
    decode_errors: str = "replace", max_bytes: int | None = None,
) -> Transcript:
    """Read transcript bytes in one of INPUT_FORMATS (READERS names the reader of each).

    Text formats are decoded here (`encoding`, `decode_errors`: see `read_file`) and the
    Transcript records how (`Transcript.decoding`); replaced bytes are noted for the report.
    """
    limit = max_input_bytes(max_bytes)
    if len(data) > limit:
        raise InputError(f"the input is {len(data):,} bytes; the limit is {limit:,} (raise it with --max-bytes, "
                         "max_bytes= or CLIENTLENS_MAX_BYTES)")
    fmt = "txt" if input_format == "md" else input_format
    if fmt not in READERS:
        raise InputError(f"unknown input format {excerpt(input_format)}; choose from {', '.join(INPUT_FORMATS)}")
    module = import_module(READERS[fmt])
    if fmt in TEXT_FORMATS:
        text, decoding = decode_checked(data, fmt, encoding, decode_errors)
        if fmt == "txt" and found_text(text) == HTML_PAGE:
            raise InputError(f"expected {EXPECTED['txt']}, found {HTML_PAGE} (read it as .html)")
        parsed = parse_text(text, source, max_bytes=limit) if fmt == "txt" else module.parse(text, source)
        transcript = replace(parsed, decoding=decoding)
        note = decoding.note()
        if note:
            transcript = replace(transcript, notes=(note, *transcript.notes))
    else:
        reader: Callable[[bytes, str | None], Transcript] = module.read
        transcript = reader(data, source)
    if b"\xc3\x83" in data or b"\xc3\x82" in data or b"\xc3\xa2\xe2\x82\xac" in data:
        repaired = repair_mojibake(data.decode("utf-8", errors="ignore"))[1]
        if repaired:
            note = f"repaired {repaired} mis-encoded character sequence(s) (« Ã© » for « é »)"
            transcript = replace(transcript, notes=(*transcript.notes, note))
    return transcript
