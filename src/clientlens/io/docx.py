"""Word documents (.docx): Microsoft Teams transcript exports and ordinary Word files.

The document is read with python-docx (imported when needed). Its *extracted text* is its
paragraphs in document order joined with "\n" (a table row gives one line, « cell : cell »
for two cells; a line break inside a paragraph stays "\n").

- A Teams export has, for each block, a line with the speaker and a time, « Marc Lefèvre   0:03 »
  or « 00:00:03.120 Marc Lefèvre », then the speech paragraph(s). It is read as a timed format:
  each block is a cue from its time to the next block's time (the last block has no end time),
  consecutive blocks of one speaker are merged into one turn, and the Transcript's text is
  *built* as clientlens.io.cues describes, so offsets point into that built text. Lines before
  the first block (title, date) and « X a démarré la transcription » notices are left out.
- Any other document is read by clientlens.io.plain.parse_text on the extracted text: offsets
  point into the extracted text, and `Name : text` paragraphs are speaker turns."""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING

from clientlens.errors import InputError
from clientlens.io.cues import Cue, build_transcript
from clientlens.io.decode import EXPECTED, found_in, max_input_bytes
from clientlens.io.plain import clock_seconds, is_speaker_label, normalize_name, parse_text
from clientlens.io.transcript import Transcript

if TYPE_CHECKING:
    from docx.table import Table


_ZIP = b"PK\x03\x04"


_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"


_NAME = r"[^\W\d_][\w.,'’\-()]*(?:[ \u00a0]+[\w.,'’\-()]+){0,5}?"


_SEP = r"[ \t\u00a0]+"


_HEADERS = (
    re.compile(rf"[ \t]*(?P<name>{_NAME}){_SEP}(?P<time>{_TIME})[ \t]*"),
    re.compile(rf"[ \t]*(?P<time>{_TIME}){_SEP}(?P<name>{_NAME})[ \t]*"),
)


_NOTICE = re.compile(r".{1,80}?(?: (?:started|stopped) transcription| a (?:démarré|arrêté|lancé) la transcription)\.?",
                     re.IGNORECASE)


Header = tuple[int, str, float | None]


def read(data: bytes, source: str | None = None) -> Transcript:
    """Read a .docx file's bytes.

    Raises:
        InputError: not a Word document (the message says what it is instead), no text, or no speech.
    """
    text = extract_text(data)
    lines = text.split("\n")
    headers = teams_headers(lines)
    if headers:
        return build_transcript(_teams_cues(lines, headers), source, "docx")
    return replace(parse_text(text, source=source), format="docx")


def extract_text(data: bytes) -> str:
    """The document's paragraphs (and table rows) joined with "\\n"."""
    if not data.startswith(_ZIP):
        raise InputError(f"expected {EXPECTED['docx']}, found {found_in(data)}")
    from docx import Document
    from docx.text.paragraph import Paragraph

    try:
        document = Document(io.BytesIO(data))
        lines = [b.text if isinstance(b, Paragraph) else _table_text(b) for b in document.iter_inner_content()]
    except Exception as exc:  # python-docx, zipfile and lxml raise many kinds on a damaged or foreign ZIP
        raise InputError(
            f"expected {EXPECTED['docx']}, found a ZIP archive that is not a readable Word document "
            f"({type(exc).__name__})"
        ) from None
    text = "\n".join(lines)
    if not text.strip():
        raise InputError("the Word document has no text")
    limit = max_input_bytes()
    if len(text) > limit:
        raise InputError(f"the Word document has {len(text):,} characters; the limit is {limit:,}")
    return text


def _table_text(table: Table) -> str:
    rows = []
    for row in table.rows:
        cells = [c.text.strip() for c in row.cells]
        cells = [c for i, c in enumerate(cells) if c and (i == 0 or c != cells[i - 1])]  # merged cells repeat
        rows.append(" : ".join(cells) if len(cells) == 2 else " ".join(cells))
    return "\n".join(rows)


def teams_headers(lines: list[str]) -> list[Header]:
    """The Teams block lines (index, speaker, seconds), or [] when the document is not a Teams export.

    It is one when at least two lines are speaker-and-time lines, or one is among the first three
    non-empty lines; a speaker must look like a name or recur (clientlens.io.plain.is_speaker_label).
    """
    found = [(i, m) for i, line in enumerate(lines) if (m := _header(line))]
    counts = Counter(normalize_name(m["name"]) for _, m in found)
    headers = [
        (i, " ".join(m["name"].split()), clock_seconds(m["time"]))
        for i, m in found
        if is_speaker_label(m["name"], counts[normalize_name(m["name"])])
    ]
    first_lines = [i for i, line in enumerate(lines) if line.strip()][:3]
    if len(headers) >= 2 or (headers and headers[0][0] in first_lines):
        return headers
    return []


def _header(line: str) -> re.Match[str] | None:
    for pattern in _HEADERS:
        match = pattern.fullmatch(line)
        if match:
            return match
    return None


def _teams_cues(lines: list[str], headers: list[Header]) -> list[Cue]:
    """One cue per block: its speech lines, from its time to the next block's time."""
    cues = []
    ends = [i for i, _, _ in headers[1:]] + [len(lines)]
    next_times = [t for _, _, t in headers[1:]] + [None]
    for (i, name, t_start), end, t_end in zip(headers, ends, next_times, strict=True):
        speech = [line for line in lines[i + 1 : end] if not _NOTICE.fullmatch(line.strip())]
        cues.append(Cue(name, " ".join(speech), t_start, t_end))
    return cues
