"""Plain-text view of a Report: the summary a consultant reads in a terminal."""

from __future__ import annotations

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


def quote(report: Report, e: Evidence, width: int = 160) -> str:
    """The words behind a piece of evidence: its sentence for a lexicon hit, on one line, cut at `width`."""
    text = e.text if e.source == "classifier" or not report.sentences else report.sentences[e.sentence].text
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _why(e: Evidence) -> str:
    return f", {e.reason}" if e.reason else ""


def clock(seconds: float) -> str:
    """A time in a recording as a person writes it: 4:05, or 1:02:05 past the hour."""
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
