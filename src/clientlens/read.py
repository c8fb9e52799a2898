"""Read stage: bytes or text -> Transcript with speaker turns and character offsets.

Offsets always index ``transcript.text``, so that ``transcript.text[start:end]`` is exactly
the quoted text. For .txt/.md input that text is the *decoded* input (after BOM removal);
for the timed formats (.vtt, .srt, .json, Teams .docx) it is the text clientlens builds from
the cues, and for other .docx files the paragraphs joined with "\n" (see clientlens.formats).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache
from importlib import import_module
from pathlib import Path

from .errors import InputError, excerpt
from .resources import lexicon_dir
from .types import Transcript, Turn

#: Files larger than this are refused (documented in docs/schema.md).
MAX_INPUT_BYTES = 20_000_000

#: Input formats `read_file` accepts ("md" is read as "txt").
INPUT_FORMATS = ("txt", "md", "vtt", "srt", "docx", "json")
#: Format chosen from a file's extension; any other extension is read as plain text.
EXTENSION_FORMATS = {".txt": "txt", ".md": "txt", ".vtt": "vtt", ".srt": "srt", ".docx": "docx", ".json": "json"}
_FORMAT_MODULES = {"vtt": "vtt", "srt": "srt", "docx": "docx", "json": "json_segments"}

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

_TIMESTAMP = r"(?:[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?[\])]?[ \t]*(?:[-–—][ \t]*)?)"
# A label: 1-6 name-like words, optional "(role)", then a colon (French or English spacing).
_LABEL_LINE = re.compile(
    rf"^[ \t]*(?P<ts>{_TIMESTAMP})?"
    r"(?P<label>(?P<name>[A-ZÀ-ÖØ-Þ][\w.'’\-]*(?:[ \t]+[\w.'’\-]+){0,5}?)"
    r"(?:[ \t]*\((?P<role>[^()\n]{1,60})\))?)"
    r"[ \t\u00a0\u202f]*:[ \t\u00a0\u202f]*",
    re.MULTILINE,
)
_NOT_ONLY_DIGITS = re.compile(r"\D")


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
    """Read transcript bytes in one of INPUT_FORMATS (the format readers live in clientlens.formats)."""
    transcript = _read_format(data, input_format, source)
    if b"\xc3\x83" in data or b"\xc3\x82" in data or b"\xc3\xa2\xe2\x82\xac" in data:
        repaired = repair_mojibake(data.decode("utf-8", errors="ignore"))[1]
        if repaired:
            note = f"repaired {repaired} mis-encoded character sequence(s) (« Ã© » for « é »)"
            transcript = replace(transcript, notes=(*transcript.notes, note))
    return transcript


def _read_format(data: bytes, input_format: str, source: str | None) -> Transcript:
    fmt = "txt" if input_format == "md" else input_format
    if fmt == "txt":
        from .formats import decode_as

        return parse_text(decode_as(data, "txt"), source=source)
    if fmt not in _FORMAT_MODULES:
        raise InputError(f"unknown input format {excerpt(input_format)}; choose from {', '.join(INPUT_FORMATS)}")
    reader: Callable[[bytes, str | None], Transcript] = import_module(
        f"{__package__}.formats.{_FORMAT_MODULES[fmt]}"
    ).read
    return reader(data, source)


def parse_text(text: str, source: str | None = None) -> Transcript:
    """Split text into speaker turns; text without speaker labels is one anonymous turn."""
    if len(text) > MAX_INPUT_BYTES:
        raise InputError(f"the text has {len(text):,} characters; the limit is {MAX_INPUT_BYTES:,}")
    if not text.strip():
        raise InputError("the input is empty")
    labels = [m for m in _LABEL_LINE.finditer(text) if _is_line_start(text, m.start())]
    speakers = _accepted_labels(labels)
    turns: list[Turn] = []
    accepted = [m for m in labels if _label_key(m) in speakers]
    first = accepted[0].start() if accepted else len(text)
    _add_turn(turns, text, None, 0, first, None)
    for i, match in enumerate(accepted):
        end = accepted[i + 1].start() if i + 1 < len(accepted) else len(text)
        _add_turn(turns, text, _display_label(match), match.end(), end, clock_seconds(match["ts"]))
    if not turns:
        raise InputError("the input has speaker labels but no speech")
    return Transcript(text=text, turns=tuple(turns), source=source)


def _is_line_start(text: str, pos: int) -> bool:
    return pos == 0 or text[pos - 1] in "\n\r"


def _add_turn(
    turns: list[Turn], text: str, speaker: str | None, start: int, end: int, t: float | None
) -> None:
    """Append a turn trimmed of surrounding whitespace, unless it holds no speech."""
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    lead = len(chunk) - len(chunk.lstrip())
    turns.append(Turn(speaker, start + lead, start + lead + len(stripped), t_start=t))


def _display_label(match: re.Match[str]) -> str:
    label = " ".join(match["name"].split())
    return f"{label} ({' '.join(match['role'].split())})" if match["role"] else label


def _label_key(match: re.Match[str]) -> str:
    return normalize_name(match["name"])


def _accepted_labels(matches: list[re.Match[str]]) -> set[str]:
    """Keep labels that are speakers, not headings such as « Attention : » or « Objectif : »."""
    counts = Counter(_label_key(m) for m in matches)
    return {
        _label_key(m) for m in matches if is_speaker_label(m["name"], counts[_label_key(m)], bool(m["role"]))
    }


def is_speaker_label(name: str, count: int = 1, role: bool = False) -> bool:
    """Whether a label seen `count` times (with a role in parentheses or not) names a speaker.

    A label is a speaker when it repeats, has a role, is a known role word (« DG ») or looks like a
    person's name (2+ capitalised words); headings (« Objectif », « Attention ») and numbers never are.
    """
    words = _label_words()
    key = normalize_name(name)
    if key in words["not_speakers"] or not _NOT_ONLY_DIGITS.search(key):
        return False
    person_like = len(name.split()) >= 2 and all(w[:1].isupper() for w in name.split())
    return count >= 2 or role or key in words["roles"] or person_like


def find_labels(texts: Sequence[str]) -> list[tuple[str | None, int]]:
    """For each text (a cue), the speaker label at its start and the offset where its speech begins.

    Labels are the `Name :` labels of plain text, accepted with the same rules over all the texts
    together; a text without an accepted label gives (None, 0).
    """
    matches = [_LABEL_LINE.match(t) for t in texts]
    accepted = _accepted_labels([m for m in matches if m])
    return [(_display_label(m), m.end()) if m and _label_key(m) in accepted else (None, 0) for m in matches]


@cache
def _label_words() -> dict[str, frozenset[str]]:
    data = json.loads((lexicon_dir() / "rules" / "speaker_labels.json").read_text("utf-8"))
    return {k: frozenset(normalize_name(w) for w in data[k]) for k in ("roles", "not_speakers")}


def clock_seconds(stamp: str | None) -> float | None:
    """Seconds of a clock time such as « 1:02 », « [00:01:02] » or « 00:00:03,120 »; None if empty."""
    if not stamp:
        return None
    parts = re.findall(r"\d+(?:[.,]\d+)?", stamp)
    values = [float(p.replace(",", ".")) for p in parts]
    seconds = 0.0
    for v in values:
        seconds = seconds * 60 + v
    return seconds


def normalize_name(name: str) -> str:
    """Speaker-name key: no case, no accents, no role in parentheses, single spaces."""
    name = re.sub(r"\([^)]*\)", " ", name)
    name = unicodedata.normalize("NFKD", name)
    name = "".join(c for c in name if not unicodedata.combining(c))
    name = re.sub(r"[^\w]+", " ", name.casefold())
    return " ".join(name.split())
