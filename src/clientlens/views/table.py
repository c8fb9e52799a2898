"""The summary table of a batch: one row per transcript, as text, CSV or an HTML page.

Columns: file, speaker, index, interval, verdict, words, error. A failed item is a row with
its error and empty scores, so that a table never hides a transcript. The text and HTML
tables are for people: headers and verdicts in the report language (lang/*/report.json,
`batch`). The CSV is for programs: its header is COLUMNS and its verdicts the JSON's, in any
language. An error cell keeps its code and the library's message as they are."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from clientlens.lang import report_language, report_strings

if TYPE_CHECKING:
    from clientlens.batch import BatchError
    from clientlens.report import Report

#: Separator of several speakers in the speaker cell (as in a manifest).
SPEAKERS_JOIN = "; "


@dataclass(frozen=True)
class SummaryRow:
    """One transcript of a batch; scores are empty ("") for a failed item, error empty for a report."""

    file: str
    speaker: str
    index: str
    interval: str
    verdict: str
    words: str
    error: str


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(SummaryRow))


def summary_rows(results: Iterable[Report | BatchError]) -> list[SummaryRow]:
    """One row per result, in the given order."""
    from clientlens.report import Report

    rows = []
    for r in results:
        if isinstance(r, Report):
            speaker = r.provenance.get("settings", {}).get("speaker")
            rows.append(SummaryRow(r.source or "", SPEAKERS_JOIN.join(speaker or ()), f"{r.index:.1f}",
                                   f"{r.interval[0]:.1f}-{r.interval[1]:.1f}", r.verdict, str(r.words), ""))
        else:
            file = r.source if r.source is not None else f"(text item: {len(str(r.item)):,} characters)"
            rows.append(SummaryRow(file, SPEAKERS_JOIN.join(r.speaker or ()), "", "", "", "",
                                   f"{r.code}: {r.message}"))
    return rows


def shown(rows: Sequence[SummaryRow], language: str | None = None) -> tuple[list[str], list[list[str]]]:
    """The header and the cells of `rows` as a person reads them: in a report language, the
    verdicts named as the reports name them."""
    strings = report_strings(language)
    verdicts = strings["verdict"]
    header = [strings["batch"][c] for c in COLUMNS]
    cells = [[verdicts.get(v, v) if c == "verdict" else v for c, v in zip(COLUMNS, astuple(r), strict=True)]
             for r in rows]
    return header, cells


def table_text(rows: Sequence[SummaryRow], language: str | None = None) -> str:
    """An aligned plain-text table with a header line (columns separated by two spaces), in a
    report language (French by default)."""
    header, body = shown(rows, language)
    cells = [header, *body]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in cells]
    return "\n".join(lines) + "\n"


def table_csv(rows: Sequence[SummaryRow], language: str | None = None) -> str:
    """CSV with a header line (RFC 4180 quoting, \\r\\n line ends as the csv module writes): the
    same in every language (`language` is accepted for a uniform signature)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(astuple(r) for r in rows)
    return buffer.getvalue()


_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


def table_html(rows: Sequence[SummaryRow], language: str | None = None) -> str:
    """A standalone HTML page holding the table (every cell escaped; no script, no network), in
    a report language (French by default)."""
    code = report_language(language)
    header, body = shown(rows, code)
    title = report_strings(code)["batch"]["title"].format(n=len(rows))
    return _ENV.get_template("batch.html.j2").render(columns=header, rows=body, title=title,
                                                     lang=code, errors=[bool(r.error) for r in rows])


#: Renderers of the table by output format.
TABLE_FORMATS = {"text": table_text, "csv": table_csv, "html": table_html}
