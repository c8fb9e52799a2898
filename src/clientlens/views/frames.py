"""pandas views of reports, for notebooks: evidence, sentences, behaviours, and one row per transcript.

pandas is an optional dependency (`pip install clientlens[pandas]`); it is imported only
when a frame is asked for, so the library itself never needs it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from clientlens.records import Evidence, Sentence, as_plain
from clientlens.taxonomy import BEHAVIOURS, COMPONENT_NAMES, LABELS

if TYPE_CHECKING:
    import pandas as pd

    from clientlens.batch import BatchError
    from clientlens.behaviours import Profile
    from clientlens.report import Report
    from clientlens.team import TeamReport


INSTALL_HINT = "pip install clientlens[pandas]"


#: Sentence columns before the one-column-per-label scores.
SENTENCE_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Sentence) if f.name != "scores")


def _pandas() -> Any:
    """The pandas module, or an ImportError that says how to get it."""
    try:
        import pandas
    except ImportError as exc:
        raise ImportError(f"clientlens data frames need pandas: {INSTALL_HINT}") from exc
    return pandas


def evidence_frame(report: Report) -> pd.DataFrame:
    """One row per piece of evidence, columns as in the JSON contract (docs/schema.md).

    `sentence` is the row label of `sentences_frame(report)`, so the two frames join on it.
    """
    pd = _pandas()
    columns = [f.name for f in fields(Evidence)]
    return pd.DataFrame([as_plain(e) for e in report.evidence], columns=columns)


def sentences_frame(report: Report) -> pd.DataFrame:
    """One row per scored sentence (index `sentence`), one column per classifier label score.

    Score columns are NaN in lexicon-only mode, where no classifier scored the sentences.
    """
    pd = _pandas()
    labels = _labels(report)
    rows = []
    for s in report.sentences:
        row: dict[str, Any] = {name: getattr(s, name) for name in SENTENCE_COLUMNS}
        row.update({label: s.scores.get(label, float("nan")) for label in labels})
        rows.append(row)
    frame = pd.DataFrame(rows, columns=[*SENTENCE_COLUMNS, *labels])
    frame.index.name = "sentence"
    return frame


#: Columns of `behaviours_frame` (after `speaker`) and `team_behaviours_frame` (after `member`,
#: `leader`): one row per behaviour of a profile, the first sign's quote as the views show it.
BEHAVIOUR_COLUMNS: tuple[str, ...] = ("behaviour", "found", "count", "judged", "quote", "term", "t_start",
                                      "sentences", "evidence", "words")


def behaviours_frame(report: Report) -> pd.DataFrame:
    """One row per behaviour of each profile of the report (`Report.behaviours()`: one per
    scored speaker, `speaker` None for unlabelled text), in taxonomy order.

    `found` says whether a sign was found and `count` how many (one per sentence); `quote` is
    the first sign's sentence and `term` its words, as the text and HTML views quote them (None
    when absent); `sentences` are the row labels of `sentences_frame(report)` and `evidence`
    the row labels of `evidence_frame(report)` of its lexicon signs, so the frames join.
    `judged` is False for a speaker too short to judge: their absences say nothing.
    """
    from clientlens.views.text import short_speakers

    pd = _pandas()
    short = short_speakers(report)
    rows = [{"speaker": p.speaker, **row}
            for p in report.behaviours() for row in _behaviour_rows(p, p.speaker not in short)]
    return _typed(pd.DataFrame(rows, columns=["speaker", *BEHAVIOUR_COLUMNS]))


def team_behaviours_frame(team: TeamReport) -> pd.DataFrame:
    """Member × behaviour: one row per behaviour of each member, the leader first (columns
    `member`, `leader`, then BEHAVIOUR_COLUMNS as in `behaviours_frame`, `sentences` and
    `evidence` indexing the member's own report).

    `frame.pivot(index="member", columns="behaviour", values="found")` is the grid of the views;
    `frame[frame.judged].groupby("behaviour").found.sum()` counts the judged members who show each.
    """
    pd = _pandas()
    rows = [{"member": m.name, "leader": m.leader, **row}
            for m in team.members for row in _behaviour_rows(m.behaviours, m.judged)]
    return _typed(pd.DataFrame(rows, columns=["member", "leader", *BEHAVIOUR_COLUMNS]))


def _behaviour_rows(p: Profile, judged: bool) -> list[dict[str, Any]]:
    """The four rows of a profile (BEHAVIOUR_COLUMNS)."""
    rows = []
    for name in BEHAVIOURS:
        signs = p.signs.get(name, ())
        first = signs[0] if signs else None
        rows.append({
            "behaviour": name, "found": bool(signs), "count": len(signs), "judged": judged,
            "quote": first.text if first else None, "term": first.term if first else None,
            "t_start": first.t_start if first else None,
            "sentences": [s.sentence for s in signs],
            "evidence": [s.evidence for s in signs if s.evidence is not None],
            "words": p.words,
        })
    return rows


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Booleans as bool and counts as int, whatever the rows (an empty frame included)."""
    return frame.astype({"found": bool, "count": int, "judged": bool, "t_start": float, "words": int})


def reports_frame(results: Iterable[Report | BatchError]) -> pd.DataFrame:
    """One row per transcript: source, index, interval, verdict, words, the index points of
    each component, and the error of a failed batch item (`analyze_many`'s `BatchError`).

    Made to compare leaders or transcripts side by side (`.sort_values("index")`). A failed
    item keeps its row, with its source, NaN scores and `error` ("code: message"); `error`
    is None for a report, so `frame[frame.error.notna()]` lists what failed.
    """
    pd = _pandas()
    results = list(results)
    components = list(COMPONENT_NAMES)
    for r in results:
        if not _failed(r):
            components += [c for c in r.components if c not in components]
    rows = [_error_row(r) if _failed(r) else _report_row(r, components) for r in results]
    return pd.DataFrame(rows, columns=[*REPORT_COLUMNS, *components, "error"])


#: The columns of `reports_frame` before the components.
REPORT_COLUMNS = ("source", "index", "interval_low", "interval_high", "verdict", "words")


def _report_row(r: Report, components: list[str]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "source": r.source,
        "index": r.index,
        "interval_low": r.interval[0],
        "interval_high": r.interval[1],
        "verdict": r.verdict,
        "words": r.words,
        "error": None,
    }
    row.update({c: r.components[c].points if c in r.components else float("nan") for c in components})
    return row


def _failed(result: Report | BatchError) -> bool:
    """Whether a batch result is a failure (checked by shape: this module does not import the
    batch machinery, which imports the pipeline)."""
    return hasattr(result, "error_type")


def _error_row(e: BatchError) -> dict[str, Any]:
    """A failed item: its source (None for a text item), NaN scores, the error."""
    return {"source": e.source, "error": f"{e.code}: {e.message}"}


def _labels(report: Report) -> list[str]:
    """The classifier labels in model order, then any other label found in the scores."""
    labels = list(LABELS)
    for s in report.sentences:
        labels += [k for k in s.scores if k not in labels]
    return labels
