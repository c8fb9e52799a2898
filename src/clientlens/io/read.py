"""The registry of readers: format name -> reader, chosen by extension or by the caller."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from importlib import import_module
from pathlib import Path

from clientlens.errors import InputError, excerpt
from clientlens.io.decode import MAX_INPUT_BYTES, repair_mojibake
from clientlens.io.transcript import Transcript

#: Input formats `read_file` accepts ("md" is read as "txt").
INPUT_FORMATS = ("txt", "md", "vtt", "srt", "docx", "json")


#: Format chosen from a file's extension; any other extension is read as plain text.
EXTENSION_FORMATS = {".txt": "txt", ".md": "txt", ".vtt": "vtt", ".srt": "srt", ".docx": "docx", ".json": "json"}


#: The one registry of readers: format -> module whose `read(data: bytes, source) -> Transcript`
#: reads it. Modules are imported on first use (python-docx and webvtt load only when needed).
READERS: dict[str, str] = {
    "txt": "clientlens.io.plain",
    "vtt": "clientlens.io.vtt",
    "srt": "clientlens.io.srt",
    "docx": "clientlens.io.docx",
    "json": "clientlens.io.json_segments",
}


def read_file(path: str | Path, input_format: str | None = None) -> Transcript:
    """Read a transcript file; its format comes from the extension unless `input_format` is given.

    Raises:
        InputError: missing, unreadable, directory, empty, too large or binary file, unknown
            format, or content that does not match the format (the message names both).
    """
    path = Path(path)
    fmt = input_format_of(path, input_format)
    data = _read_bytes(path)
    try:
        return read_bytes(data, fmt, source=str(path))
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


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise InputError(f"no such file: {path}")
    if path.is_dir():
        raise InputError(f"{path} is a directory, not a transcript file")
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InputError(f"{path} is {size:,} bytes; the limit is {MAX_INPUT_BYTES:,}")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None


def read_bytes(data: bytes, input_format: str = "txt", source: str | None = None) -> Transcript:
    """Read transcript bytes in one of INPUT_FORMATS (READERS names the reader of each)."""
    transcript = _read_format(data, input_format, source)
    if b"\xc3\x83" in data or b"\xc3\x82" in data or b"\xc3\xa2\xe2\x82\xac" in data:
        repaired = repair_mojibake(data.decode("utf-8", errors="ignore"))[1]
        if repaired:
            note = f"repaired {repaired} mis-encoded character sequence(s) (« Ã© » for « é »)"
            transcript = replace(transcript, notes=(*transcript.notes, note))
    return transcript


def _read_format(data: bytes, input_format: str, source: str | None) -> Transcript:
    fmt = "txt" if input_format == "md" else input_format
    if fmt not in READERS:
        raise InputError(f"unknown input format {excerpt(input_format)}; choose from {', '.join(INPUT_FORMATS)}")
    reader: Callable[[bytes, str | None], Transcript] = import_module(READERS[fmt]).read
    return reader(data, source)
