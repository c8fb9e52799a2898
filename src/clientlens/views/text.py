"""Plain-text view of a Report: the summary a consultant reads in a terminal."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clientlens.records import Evidence
    from clientlens.report import Report

VERDICT_TEXT = {
    "go": "GO - the leadership shows respect for customers",
    "probe": "PROBE - mixed signals: interview the leadership team before committing",
    "walk_away": "WALK AWAY - the discourse shows little respect for customers",
    "insufficient_speech": "INSUFFICIENT SPEECH - too few words of the speaker to judge; the index is indicative only",
}


def summary(report: Report, quotes: int = 5) -> str:
    """A plain-text summary for a person: index, verdict, components and quotes."""
    lo, hi = report.interval
    lines = [
        f"Respect-for-customer index: {report.index:.0f}/100 (interval {lo:.0f}-{hi:.0f})",
        f"Verdict: {VERDICT_TEXT[report.verdict]}",
        f"Words scored: {report.words}",
        "",
        "Components (index points moved):",
    ]
    for name, c in report.components.items():
        lines.append(f"  {name:<24} {c.points:+6.1f}  ({c.count:g} signals, {c.score:.1f}/1000 words)")
    lines += ["", "Strongest quotes:"]
    top = report.top_evidence(quotes)
    for e in top:
        who = f"{e.speaker}: " if e.speaker else ""
        lines.append(f"  [{e.impact:+.1f}] {who}« {quote(report, e)} » ({e.family}{_why(e)})")
    if not top:
        lines.append("  (none)")
    if len(report.speakers) > 1:
        lines += ["", "Speakers:"]
        for s in report.speakers:
            idx = f"{s.index:.0f} ({s.verdict})" if s.index is not None else "not scored"
            idx += f" ({s.role.replace('_', ' ')})" if s.role and not s.scored and s.index is None else ""
            lines.append(f"  {s.name:<28} {s.words:>6} words  {s.share:5.0%}  index {idx}")
    if report.warnings:
        lines += ["", "Warnings:", *(f"  - {w}" for w in report.warnings)]
    return "\n".join(lines)


def sentence_of(report: Report, e: Evidence) -> str:
    """The words behind a piece of evidence, on one line: its sentence for a lexicon hit."""
    text = e.text if e.source == "classifier" or not report.sentences else report.sentences[e.sentence].text
    return " ".join(text.split())


def quote(report: Report, e: Evidence, width: int = 160) -> str:
    """The words behind a piece of evidence (`sentence_of`), cut at a word boundary within `width`."""
    return cut(sentence_of(report, e), width)


def cut(text: str, width: int = 160) -> str:
    """`text` on one line, at most `width` characters, cut after a whole word with an ellipsis.

    Example:
        >>> cut("Nos clients sont des partenaires", 20)
        'Nos clients sont…'
    """
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    head = text[: width - 1]
    if text[width - 1] != " " and " " in head:  # never half a word
        head = head[: head.rfind(" ")]
    return head.rstrip(" ,;:.-–") + "…"


def band(index: float, go: float, walk_away: float) -> str:
    """The verdict band of an index value (go, probe or walk_away)."""
    return "go" if index >= go else "walk_away" if index < walk_away else "probe"


def shown_index(index: float, verdict: str, go: float, walk_away: float) -> str:
    """The index as printed: a whole number, unless rounding would carry it across a verdict
    threshold (39.7 would read « 40 » beside walk away): then one decimal, rounded down (« 39.7 »).

    Example:
        >>> shown_index(39.7, "walk_away", 65, 40), shown_index(40.2, "probe", 65, 40)
        ('39.7', '40')
    """
    whole = f"{index:.0f}"
    if verdict not in ("go", "probe", "walk_away") or band(float(whole), go, walk_away) == verdict:
        return whole
    return f"{math.floor(index * 10) / 10:.1f}"


def thresholds(report: Report) -> tuple[float, float]:
    """(go, walk_away) as used for this report: its provenance, else the bundled index model."""
    found = report.provenance.get("settings", {}).get("thresholds") or {}
    if "go" in found and "walk_away" in found:
        return float(found["go"]), float(found["walk_away"])
    from clientlens.index import load_index_model

    model = load_index_model()
    return model.go, model.walk_away


def report_index(report: Report) -> str:
    """The report's index as printed beside its verdict (`shown_index`)."""
    return shown_index(report.index, report.verdict, *thresholds(report))


def _why(e: Evidence) -> str:
    return f", {e.reason}" if e.reason else ""


def clock(seconds: float) -> str:
    """A time in a recording as a person writes it: 4:05, or 1:02:05 past the hour."""
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
