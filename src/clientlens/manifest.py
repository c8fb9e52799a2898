"""Batch manifests: a CSV naming each transcript with its own speaker and an optional id.

::

    file,speaker,id
    interviews/dupont.txt,Marc Lefèvre,client-17
    meetings/comex.vtt,Claire Vasseur; Sarah Lemaire,
    meetings/all_speech.docx,,

`file` is relative to the manifest's folder (or absolute); `speaker` is one name, several
separated by `;`, or empty to fall back to the batch's speaker (all speech by default); `id`,
when given, must be unique and names the item in JSON lines and resume. Columns may come in
any order; other columns are ignored. UTF-8, with or without BOM; `,` or `;` delimited."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from clientlens.errors import InputError

#: Columns a manifest must have; `id` is optional.
REQUIRED_COLUMNS = ("file", "speaker")
#: Separator of several speakers in one cell.
SPEAKER_SEPARATOR = ";"


@dataclass(frozen=True)
class ManifestRow:
    """One line of a manifest: the file, its speaker(s) (None: the batch's), its id (None: the
    path), and its line number in the manifest."""

    file: Path
    speaker: tuple[str, ...] | None
    id: str | None
    line: int


def read_manifest(path: str | Path) -> list[ManifestRow]:
    """The rows of a manifest CSV, in file order.

    Raises:
        InputError: missing or unreadable file, no header, a missing column, an empty `file`
            cell, a duplicate id, or a file listed twice without ids (the message names the line).
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read manifest {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"manifest {path} is not UTF-8 text") from None
    if not text.strip():
        raise InputError(f"manifest {path} is empty; expected a header line: file,speaker[,id]")
    reader = csv.DictReader(io.StringIO(text), dialect=_dialect(text))
    columns = [(c or "").strip().lower() for c in reader.fieldnames or ()]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise InputError(f"manifest {path}: missing column(s) {', '.join(missing)}; "
                         f"the header must name file, speaker and optionally id (found: {', '.join(columns)})")
    reader.fieldnames = columns
    rows = [_row(path, reader.line_num, raw) for raw in reader]
    _check_unique(path, rows)
    return rows


def _dialect(text: str) -> type[csv.Dialect]:
    header = text.splitlines()[0]
    return csv.excel if header.count(",") >= header.count(";") else _Semicolon


class _Semicolon(csv.excel):
    delimiter = ";"


def _row(path: Path, line: int, raw: dict[str, str | None]) -> ManifestRow:
    file = (raw.get("file") or "").strip()
    if not file:
        raise InputError(f"manifest {path}:{line}: the file cell is empty")
    names = tuple(s.strip() for s in (raw.get("speaker") or "").split(SPEAKER_SEPARATOR) if s.strip())
    item_id = (raw.get("id") or "").strip() or None
    return ManifestRow(path.parent / file, names or None, item_id, line)


def _check_unique(path: Path, rows: list[ManifestRow]) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        key = f"id {row.id}" if row.id is not None else f"file {row.file.resolve()}"
        if key in seen:
            what = f"id {row.id!r}" if row.id is not None else f"{row.file} (without an id)"
            raise InputError(f"manifest {path}:{row.line}: {what} already on line {seen[key]}; "
                             "give each row a unique id to analyse a file more than once")
        seen[key] = row.line
