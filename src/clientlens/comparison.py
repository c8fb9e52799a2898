"""Side by side: several leaders or companies (a shortlist of prospective engagements), one row each.

Each entry is one transcript scored for one speaker: the speaker named for it, else the leader
of the team it holds (clientlens.team: a leader's title, else the member who speaks most), else,
without speaker labels, all its speech. Rows are sorted by index, descending, judged rows first:
a speech too short to judge has an index that is indicative only, so it never outranks a
judged one. An entry that fails is a row with its error, never dropped (as in a batch).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clientlens.errors import ClientlensError, InputError, excerpt
from clientlens.io.transcript import Transcript
from clientlens.lang import report_language
from clientlens.records import as_plain
from clientlens.report import Report
from clientlens.taxonomy import INSUFFICIENT
from clientlens.team import MemberEvidence, analyze_team, is_path_source, read_source, top_quotes

if TYPE_CHECKING:
    import pandas as pd

COMPARISON_SCHEMA_VERSION = "1.0"

#: Code of an entry's error that is not a ClientlensError (a bug, not bad input), as in a batch.
INTERNAL_ERROR = "internal_error"
#: Separator of several speakers scored together in the speaker cell (as in a batch table).
SPEAKERS_JOIN = "; "

Source = str | Path | Transcript
#: One entry's speaker: a name, several names scored together, or None (the leader, inferred).
Speaker = str | Sequence[str] | None


@dataclass(frozen=True)
class EntryError:
    """Why an entry could not be scored: the stable `code`, the message, the exception's class."""

    code: str
    message: str
    type: str

    def to_dict(self) -> dict[str, str]:
        """The error object of a batch line (`code`, `message`, `type`)."""
        return {"code": self.code, "message": self.message, "type": self.type}


@dataclass(frozen=True)
class ComparisonRow:
    """One leader or company of a comparison.

    Attributes:
        name: the label given for the entry, else the file's stem.
        source: the file read, or None for a text.
        speaker: the speaker label(s) scored (None: all speech of an unlabelled text).
        speaker_basis: how the speaker was chosen: "given", "title" or "most_words" (the team's
            leader, clientlens.team), "all_speech" (no speaker labels); None for a failed entry.
        index, interval, verdict, words: as in the speaker's Report; None for a failed entry.
        quote: the strongest quote (`Report.top_evidence`'s first, its whole sentence), or None.
        error: why the entry failed, or None.
        report: the speaker's full Report (not in `to_dict`).
    """

    name: str
    source: str | None
    speaker: str | None = None
    speaker_basis: str | None = None
    index: float | None = None
    interval: tuple[float, float] | None = None
    verdict: str | None = None
    words: int | None = None
    quote: MemberEvidence | None = None
    error: EntryError | None = None
    report: Report | None = field(default=None, repr=False, compare=False)

    @property
    def failed(self) -> bool:
        """Whether the entry could not be scored."""
        return self.error is not None

    @property
    def judged(self) -> bool:
        """Whether the speaker said enough to be judged (a failed entry is not)."""
        return self.verdict is not None and self.verdict != INSUFFICIENT

    def to_dict(self) -> dict[str, Any]:
        """The row's JSON object (docs/schema.md, "Comparison")."""
        interval = [round(x, 2) for x in self.interval] if self.interval is not None else None
        return {
            "name": self.name, "source": self.source, "speaker": self.speaker, "speaker_basis": self.speaker_basis,
            "index": round(self.index, 2) if self.index is not None else None, "interval": interval,
            "verdict": self.verdict, "words": self.words,
            "quote": as_plain(self.quote) if self.quote is not None else None,
            "error": self.error.to_dict() if self.error is not None else None,
        }


@dataclass(frozen=True)
class Comparison:
    """Several leaders or companies side by side, sorted by index (`compare`).

    Attributes:
        rows: one row per entry: judged rows by index, descending; then those too short to
            judge, by index; then the failed entries, in the order given.
        language: the report language of `summary()` and the HTML ("fr" or "en").
    """

    rows: tuple[ComparisonRow, ...]
    language: str

    @property
    def failed(self) -> tuple[ComparisonRow, ...]:
        """The rows of the entries that could not be scored."""
        return tuple(r for r in self.rows if r.failed)

    def to_dict(self) -> dict[str, Any]:
        """The comparison JSON contract (docs/schema.md, "Comparison"); keys in English."""
        return {"schema_version": COMPARISON_SCHEMA_VERSION, "kind": "comparison", "language": self.language,
                "rows": [r.to_dict() for r in self.rows]}

    def to_json(self, indent: int | None = 2) -> str:
        """The comparison as a JSON string."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def summary(self, language: str | None = None) -> str:
        """A plain-text table: rank, name, speaker, index, interval, verdict, words, then the quote."""
        from clientlens.views.comparison import comparison_text

        return comparison_text(self, language or self.language)

    def to_frame(self) -> pd.DataFrame:
        """One row per entry, in rank order (needs pandas: pip install clientlens[pandas])."""
        from clientlens.views.comparison import comparison_frame

        return comparison_frame(self)

    def to_csv(self) -> str:
        """The rows as CSV, with the columns of `to_frame()`."""
        from clientlens.views.comparison import comparison_csv

        return comparison_csv(self)

    def to_html(self, path: str | Path | None = None, language: str | None = None) -> str:
        """A standalone HTML page of the comparison (no script, no network); written to `path` if given."""
        from clientlens.views.comparison import comparison_page

        page = comparison_page(self, language or self.language)
        if path is not None:
            Path(path).write_text(page, encoding="utf-8")
        return page

    def _repr_html_(self) -> str:
        from clientlens.views.comparison import comparison_fragment

        return comparison_fragment(self, self.language)


def compare(
    sources: Sequence[Source],
    *,
    speakers: Sequence[Speaker] | None = None,
    labels: Sequence[str | None] | None = None,
    language: str | None = None,
    input_format: str | None = None,
    analyzer: Any = None,
) -> Comparison:
    """Score several leaders or companies and put them side by side, sorted by index.

    Args:
        sources: one transcript per entry: a path (a Path, or a one-line str ending with a
            transcript extension), a text, or a Transcript.
        speakers: one per source, in order: the speaker to score (a name, or several names
            scored together), or None to take the leader of the team the transcript holds
            (given by title, else the member who speaks most; all speech without labels).
        labels: one per source: the row's name (None: the file's stem).
        language: report language of the views, "fr" or "en" (default: the input's, French).
        input_format: read every file as this format instead of from its extension.
        analyzer: a clientlens Analyzer to reuse (default: the shared one).

    Returns:
        A Comparison; an entry that fails (unreadable, not French, unknown speaker...) is a row
        with its error.

    Raises:
        InputError: no source, or `speakers`/`labels` not one per source.

    Example:
        >>> shortlist = compare(["a.vtt", "b.txt"], speakers=[None, "Claire Vasseur"])  # doctest: +SKIP
        >>> shortlist.to_frame()[["name", "index", "verdict"]]  # doctest: +SKIP
    """
    sources = list(sources)
    if not sources:
        raise InputError("compare() needs at least one transcript")
    speakers = _one_per_source(speakers, sources, "speakers")
    labels = _one_per_source(labels, sources, "labels")
    code = report_language(language)
    if analyzer is None:
        from clientlens.pipeline import default_analyzer

        analyzer = default_analyzer()
    rows = [_row(analyzer, source, speaker, label, n, input_format)
            for n, (source, speaker, label) in enumerate(zip(sources, speakers, labels, strict=True), 1)]
    return Comparison(rows=tuple(sort_rows(rows)), language=code)


def sort_rows(rows: Sequence[ComparisonRow]) -> list[ComparisonRow]:
    """Judged rows by index (descending), then rows too short to judge, then failures; ties keep
    the order given."""
    def key(row: ComparisonRow) -> tuple[int, float]:
        group = 2 if row.failed else 0 if row.judged else 1
        return group, -(row.index or 0.0)

    return sorted(rows, key=key)


def _one_per_source(values: Sequence[Any] | None, sources: list[Source], what: str) -> list[Any]:
    if values is None:
        return [None] * len(sources)
    values = list(values)
    if len(values) != len(sources):
        raise InputError(f"{what}: give one per transcript ({len(sources)}), got {len(values)}")
    return values


def _row(analyzer: Any, source: Source, speaker: Speaker, label: str | None, n: int,
         input_format: str | None) -> ComparisonRow:
    """The row of one entry; any failure becomes the row's error."""
    name, where = _name(source, label, n)
    try:
        report, basis = _score(analyzer, read_source(source, input_format), speaker)
    except Exception as exc:  # one bad entry must not hide the others
        code = exc.code if isinstance(exc, ClientlensError) else INTERNAL_ERROR
        message = str(exc) if isinstance(exc, ClientlensError) else excerpt(str(exc))
        return ComparisonRow(name=name, source=where, error=EntryError(code, message, type(exc).__name__))
    top = top_quotes(report, 1)
    scored = [s.name for s in report.speakers if s.scored]
    return ComparisonRow(
        name=name, source=where, speaker=SPEAKERS_JOIN.join(scored) or None, speaker_basis=basis,
        index=report.index, interval=report.interval, verdict=report.verdict, words=report.words,
        quote=top[0] if top else None, report=report,
    )


def _score(analyzer: Any, transcript: Transcript, speaker: Speaker) -> tuple[Report, str]:
    """(the entry's Report, how its speaker was chosen)."""
    if speaker is not None:
        return analyzer.analyze_transcript(transcript, speaker), "given"
    if not transcript.speakers:
        return analyzer.analyze_transcript(transcript, None), "all_speech"
    team = analyze_team(transcript, analyzer=analyzer)
    assert team.leader.report is not None  # analyze_team keeps every member's Report
    return team.leader.report, team.leader_basis


def _name(source: Source, label: str | None, n: int) -> tuple[str, str | None]:
    """(the row's name, the file read or None)."""
    where = None
    if isinstance(source, Transcript):
        where = str(source.source) if source.source else None
    elif is_path_source(source):
        where = str(source)
    if label:
        return label, where
    return (Path(where).stem if where else f"#{n}"), where
