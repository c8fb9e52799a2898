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

    from clientlens.batch import BatchError
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
