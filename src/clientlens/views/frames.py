"""pandas views of reports, for notebooks: evidence, sentences, and one row per transcript.

pandas is an optional dependency (`pip install clientlens[pandas]`); it is imported only
when a frame is asked for, so the library itself never needs it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from clientlens.records import Evidence, Sentence, as_plain
from clientlens.taxonomy import COMPONENT_NAMES, LABELS

if TYPE_CHECKING:
    import pandas as pd

    from clientlens.report import Report


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


def reports_frame(reports: Iterable[Report]) -> pd.DataFrame:
    """One row per report: source, index, interval, verdict, words and the index points of each component.

    Made to compare leaders or transcripts side by side (`.sort_values("index")`).
    """
    pd = _pandas()
    reports = list(reports)
    components = list(COMPONENT_NAMES)
    for r in reports:
        components += [c for c in r.components if c not in components]
    rows = []
    for r in reports:
        row: dict[str, Any] = {
            "source": r.source,
            "index": r.index,
            "interval_low": r.interval[0],
            "interval_high": r.interval[1],
            "verdict": r.verdict,
            "words": r.words,
        }
        row.update({c: r.components[c].points if c in r.components else float("nan") for c in components})
        rows.append(row)
    base = ["source", "index", "interval_low", "interval_high", "verdict", "words"]
    return pd.DataFrame(rows, columns=[*base, *components])


def _labels(report: Report) -> list[str]:
    """The classifier labels in model order, then any other label found in the scores."""
    labels = list(LABELS)
    for s in report.sentences:
        labels += [k for k in s.scores if k not in labels]
    return labels
