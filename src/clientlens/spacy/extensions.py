"""spaCy extension attributes set by the `clientlens` pipeline component.

All of them are declared in one table and registered by `register_extensions()`, which is
idempotent: it only adds what is missing, so importing clientlens twice, or another package
calling it, is harmless.

Only plain data is stored on the Doc, so that `Doc.to_bytes`, `DocBin` and
`nlp.pipe(..., n_process=2)` carry it: `doc._.clientlens_data` holds the report as
`Report.to_dict()` gives it (the JSON contract of docs/schema.md), and `doc.spans["clientlens"]`
the evidence spans. Everything else is a getter over those two: `doc._.clientlens` rebuilds
the Report, and the span attributes read it (spaCy keys stored span values by character
offsets only, so two evidence spans over the same words would overwrite each other)."""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from spacy.tokens import Doc, Span

from clientlens.records import Evidence, Sentence
from clientlens.report import Report

#: Name of the SpanGroup holding the evidence spans (label = evidence family).
SPANS_KEY = "clientlens"


#: The last report rebuilt, with the stored dict it came from: the getters of one Doc's spans
#: rebuild it once.
_last: tuple[dict[str, Any] | None, Report | None] = (None, None)


def _doc_report(doc: Doc) -> Report | None:
    global _last
    data = doc._.clientlens_data
    if data is None:
        return None
    if _last[0] is not data:
        _last = (data, Report.from_dict(data, text=doc.text))
    return _last[1]


def _report(span: Span) -> Report | None:
    return _doc_report(span.doc)


def _evidence(span: Span) -> Evidence | None:
    """The report's evidence item at exactly this span's characters and family (its label)."""
    report = _report(span)
    if report is None:
        return None
    items = report.evidence
    i = bisect_left(items, (span.start_char, span.end_char), key=lambda e: (e.start, e.end))
    while i < len(items) and (items[i].start, items[i].end) == (span.start_char, span.end_char):
        if items[i].family == span.label_:
            return items[i]
        i += 1
    return None


def _sentence(span: Span) -> Sentence | None:
    """The scored sentence starting at this span's first character, if it is that sentence."""
    report = _report(span)
    if report is None:
        return None
    sentences = report.sentences
    i = bisect_left(sentences, span.start_char, key=lambda s: s.start)
    if i < len(sentences) and sentences[i].start == span.start_char and sentences[i].end == span.end_char:
        return sentences[i]
    return None


def _family(span: Span) -> str | None:
    e = _evidence(span)
    return e.family if e else None


def _counted(span: Span) -> bool | None:
    e = _evidence(span)
    return e.counted if e else None


def _reason(span: Span) -> str | None:
    e = _evidence(span)
    return e.reason if e else None


def _labels(span: Span) -> tuple[str, ...]:
    s = _sentence(span)
    return s.labels if s else ()


def _respect_index(doc: Doc) -> float | None:
    data = doc._.clientlens_data
    return data["index"] if data is not None else None


#: (object type, attribute name, keyword arguments of set_extension): the one table.
EXTENSIONS: tuple[tuple[type, str, dict[str, Any]], ...] = (
    (Doc, "clientlens_data", {"default": None}),
    (Doc, "clientlens", {"getter": _doc_report}),
    (Doc, "respect_index", {"getter": _respect_index}),
    (Span, "clientlens_family", {"getter": _family}),
    (Span, "clientlens_counted", {"getter": _counted}),
    (Span, "clientlens_reason", {"getter": _reason}),
    (Span, "clientlens_labels", {"getter": _labels}),
)


def register_extensions() -> None:
    """Register the clientlens extension attributes that are not registered yet."""
    for cls, name, kwargs in EXTENSIONS:
        if not cls.has_extension(name):
            cls.set_extension(name, **kwargs)
