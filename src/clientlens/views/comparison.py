"""Views of a Comparison: a text table, CSV, a pandas frame and HTML, in a report language."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from clientlens.lang import report_strings
from clientlens.taxonomy import VERDICT_COLOURS, ZONE_COLOURS
from clientlens.views.html import _ENV
from clientlens.views.text import clock, cut, shown_index, thresholds

if TYPE_CHECKING:
    import pandas as pd

    from clientlens.comparison import Comparison, ComparisonRow

#: Quote width in the comparison views (characters).
QUOTE_WIDTH = 140
#: Widths of the name and speaker columns of the text table.
NAME_WIDTH, SPEAKER_WIDTH = 24, 34

#: Columns of `comparison_frame` and `comparison_csv`; numbers rounded as in the JSON.
COLUMNS: tuple[str, ...] = ("rank", "name", "source", "speaker", "speaker_basis", "index", "interval_low",
                            "interval_high", "verdict", "words", "quote", "quote_impact", "quote_family",
                            "quote_at", "error")


def row_index(row: ComparisonRow) -> str:
    """The row's index as printed beside its verdict (never across a threshold), "" for a failure."""
    if row.index is None or row.verdict is None:
        return ""
    if row.report is not None:
        return shown_index(row.index, row.verdict, *thresholds(row.report))
    from clientlens.index import load_index_model

    model = load_index_model()
    return shown_index(row.index, row.verdict, model.go, model.walk_away)


def _error(row: ComparisonRow) -> str:
    return f"{row.error.code}: {row.error.message}" if row.error is not None else ""


def _interval(row: ComparisonRow) -> str:
    return f"{row.interval[0]:.0f}–{row.interval[1]:.0f}" if row.interval is not None else ""


def _verdict(row: ComparisonRow, s: dict[str, Any], verdicts: dict[str, str]) -> str:
    if row.failed:
        return s["failed"]
    return verdicts[row.verdict] if row.judged else s["too_short"]


def _quote_note(row: ComparisonRow, names: dict[str, str]) -> str:
    """(+5.5, family, 8:36): the quote's impact, label or family (by its display name) and time."""
    q = row.quote
    if q is None:
        return ""
    at = f", {clock(q.t_start)}" if q.t_start is not None else ""
    return f"({q.impact:+.1f}, {names.get(q.family, q.family)}{at})"


# ---------------------------------------------------------------- text


def comparison_text(comparison: Comparison, language: str) -> str:
    """The comparison as an aligned text table, each row followed by its quote or its error."""
    strings = report_strings(language)
    s, verdicts = strings["compare"], strings["verdict"]
    lines = [f"{s['title']} ({s['order']}):", "",
             f"  {'#':>2}  {s['name']:<{NAME_WIDTH}} {s['speaker']:<{SPEAKER_WIDTH}} {s['index']:>6} "
             f"{s['interval']:>10}  {s['verdict']:<22} {s['words']:>6}"]
    for rank, row in enumerate(comparison.rows, 1):
        speaker = row.speaker or (s["all_speech"] if row.speaker_basis == "all_speech" else "")
        words = str(row.words) if row.words is not None else ""
        lines.append(f"  {rank:>2}  {cut(row.name, NAME_WIDTH):<{NAME_WIDTH}} "
                     f"{cut(speaker, SPEAKER_WIDTH):<{SPEAKER_WIDTH}} {row_index(row):>6} {_interval(row):>10}  "
                     f"{_verdict(row, s, verdicts):<22} {words:>6}".rstrip())
        if row.failed:
            lines.append(f"      {_error(row)}")
        elif row.quote is not None:
            lines.append(f"      « {cut(row.quote.text, QUOTE_WIDTH)} » {_quote_note(row, strings['names'])}")
        else:
            lines.append(f"      {s['no_quote']}")
    if comparison.failed:
        lines += ["", s["failures"].format(n=len(comparison.failed), total=len(comparison.rows))]
    return "\n".join(lines)


# ---------------------------------------------------------------- frame and CSV


def _records(comparison: Comparison) -> list[tuple[Any, ...]]:
    """One tuple per row, in the order of COLUMNS (None for what a row lacks)."""
    out = []
    for rank, row in enumerate(comparison.rows, 1):
        data = row.to_dict()
        q = data["quote"] or {}
        low, high = data["interval"] or (None, None)
        out.append((rank, row.name, row.source, row.speaker, row.speaker_basis, data["index"], low, high,
                    row.verdict, row.words, q.get("text"), q.get("impact"), q.get("family"), q.get("t_start"),
                    _error(row) or None))
    return out


def comparison_frame(comparison: Comparison) -> pd.DataFrame:
    """One row per entry in rank order (columns COLUMNS, index `rank`); `error` is None for a
    scored entry, so `frame[frame.error.notna()]` lists what failed."""
    from clientlens.views.frames import _pandas

    pd = _pandas()
    frame = pd.DataFrame(_records(comparison), columns=list(COLUMNS)).set_index("rank")
    return frame.astype({"words": "Int64"})  # whole numbers, <NA> for a failed entry


def comparison_csv(comparison: Comparison) -> str:
    """CSV with a header line (COLUMNS; empty cells for what a row lacks)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(["" if cell is None else cell for cell in record] for record in _records(comparison))
    return buffer.getvalue()


# ---------------------------------------------------------------- HTML


@dataclass(frozen=True)
class _Gauge:
    """A row's small 0–100 gauge in SVG units of a 100 × 14 box: verdict zones, interval, index."""

    zones: tuple[tuple[float, float, str], ...]  # (x, width, fill)
    low: float
    high: float
    index: float
    colour: str
    label: str


@dataclass(frozen=True)
class _Row:
    rank: int
    name: str
    source: str
    speaker: str
    basis: str
    index: str
    interval: str
    verdict: str
    verdict_name: str
    colour: str
    words: str
    quote: str
    note: str
    error_code: str
    error: str  # the error object's message, in English as in the JSON (lang="en" in the page)
    gauge: _Gauge | None


def _gauge(row: ComparisonRow, s: dict[str, Any]) -> _Gauge | None:
    if row.index is None or row.interval is None or row.verdict is None:
        return None
    if row.report is not None:
        go, walk_away = thresholds(row.report)
    else:
        from clientlens.index import load_index_model

        model = load_index_model()
        go, walk_away = model.go, model.walk_away

    def x(value: float) -> float:
        return round(min(max(value, 0.0), 100.0), 2)

    zones = (("walk_away", 0.0, walk_away), ("probe", walk_away, go), ("go", go, 100.0))
    low, high = row.interval
    return _Gauge(
        zones=tuple((x(a), round(max(x(b) - x(a), 0.0), 2), ZONE_COLOURS[name]) for name, a, b in zones),
        low=x(low), high=x(high), index=x(row.index), colour=VERDICT_COLOURS.get(row.verdict, "#444"),
        label=s["gauge"].format(index=row_index(row), low=f"{low:.0f}", high=f"{high:.0f}"),
    )


def _context(comparison: Comparison, language: str) -> dict[str, Any]:
    strings = report_strings(language)
    s, verdicts = strings["compare"], strings["verdict"]
    rows = []
    for rank, row in enumerate(comparison.rows, 1):
        rows.append(_Row(
            rank=rank, name=row.name, source=row.source or "",
            speaker=row.speaker or (s["all_speech"] if row.speaker_basis == "all_speech" else ""),
            basis=s["basis"].get(row.speaker_basis or "", ""), index=row_index(row), interval=_interval(row),
            verdict=_verdict(row, s, verdicts), verdict_name=row.verdict or "error",
            colour=VERDICT_COLOURS.get(row.verdict or "", "#b42318"),
            words=str(row.words) if row.words is not None else "",
            quote=cut(row.quote.text, QUOTE_WIDTH) if row.quote is not None else "",
            note=_quote_note(row, strings["names"]), error_code=row.error.code if row.error is not None else "",
            error=row.error.message if row.error is not None else "", gauge=_gauge(row, s),
        ))
    failures = s["failures"].format(n=len(comparison.failed), total=len(rows)) if comparison.failed else ""
    return {"s": s, "rows": rows, "failures": failures}


def comparison_fragment(comparison: Comparison, language: str) -> str:
    """The comparison as one `<div class="clientlens">` (Jupyter)."""
    return _ENV.get_template("comparison.html.j2").render(_context(comparison, language))


def comparison_page(comparison: Comparison, language: str) -> str:
    """The comparison as a standalone HTML page (no script, no network)."""
    names = [r.name for r in comparison.rows]
    title = "clientlens – " + ", ".join(names) if names else "clientlens"
    return _ENV.get_template("comparison_page.html.j2").render(_context(comparison, language),
                                                            title=cut(title, 120), lang=language)

