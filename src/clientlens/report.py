"""Report stage: the Report record, its JSON contract and its text rendering."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .types import Component, Evidence, Sentence, SpeakerSummary, as_plain

if TYPE_CHECKING:
    import pandas as pd

SCHEMA_VERSION = "1.0"


@dataclass(frozen=True)
class Report:
    """Result of one analysis.

    Attributes:
        index: respect-for-customer index in [0, 100], higher is more respectful.
        interval: (low, high) uncertainty on the index; wide for short speech.
        verdict: "go", "probe" or "walk_away", or "insufficient_speech" when too few words were scored.
        components: component name -> Component(score, weight, count, points).
        evidence: every lexicon hit and classifier label considered, counted or not.
        sentences: the scored speech, sentence by sentence, with classifier labels.
        speakers: per-speaker words, share of speech, index and verdict.
        warnings: things the reader should know (short speech, lexicon-only mode ...).
        provenance: version, resource hashes and settings to reproduce the report.
        words: number of words scored.
    """

    index: float
    interval: tuple[float, float]
    verdict: str
    components: dict[str, Component]
    evidence: tuple[Evidence, ...]
    sentences: tuple[Sentence, ...]
    speakers: tuple[SpeakerSummary, ...]
    warnings: tuple[str, ...]
    provenance: dict[str, Any]
    words: int
    source: str | None = None
    text: str = field(default="", repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of docs/schema.md as plain Python values."""
        return {
            "schema_version": SCHEMA_VERSION,
            "source": self.source,
            "index": round(self.index, 2),
            "interval": [round(self.interval[0], 2), round(self.interval[1], 2)],
            "verdict": self.verdict,
            "words": self.words,
            "components": {k: as_plain(v) for k, v in self.components.items()},
            "warnings": list(self.warnings),
            "speakers": [as_plain(s) for s in self.speakers],
            "evidence": [as_plain(e) for e in self.evidence],
            "sentences": [as_plain(s) for s in self.sentences],
            "provenance": self.provenance,
        }

    def to_json(self, indent: int | None = 2) -> str:
        """The report as a JSON string (schema in docs/schema.md)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def top_evidence(self, n: int = 5) -> list[Evidence]:
        """The counted evidence that moved the index most in the direction of the result:
        the quotes that pulled it down first when the index is below the scale's middle,
        those that pushed it up first otherwise (so the top quotes never contradict the verdict)."""
        direction = 1.0 if self.index >= 50 else -1.0
        counted = [e for e in self.evidence if e.counted and e.impact != 0]
        return sorted(counted, key=lambda e: (-direction * e.impact, e.start))[:n]

    def summary(self, quotes: int = 5) -> str:
        """A plain-text summary for a person: index, verdict, components and quotes."""
        lo, hi = self.interval
        lines = [
            f"Respect-for-customer index: {self.index:.0f}/100 (interval {lo:.0f}-{hi:.0f})",
            f"Verdict: {VERDICT_TEXT[self.verdict]}",
            f"Words scored: {self.words}",
            "",
            "Components (index points moved):",
        ]
        for name, c in self.components.items():
            lines.append(f"  {name:<24} {c.points:+6.1f}  ({c.count:g} signals, {c.score:.1f}/1000 words)")
        lines += ["", "Strongest quotes:"]
        for e in self.top_evidence(quotes):
            who = f"{e.speaker}: " if e.speaker else ""
            quote = self._quote(e)
            lines.append(f"  [{e.impact:+.1f}] {who}« {quote} » ({e.family}{_why(e)})")
        if not self.top_evidence(quotes):
            lines.append("  (none)")
        if len(self.speakers) > 1:
            lines += ["", "Speakers:"]
            for s in self.speakers:
                idx = f"{s.index:.0f} ({s.verdict})" if s.index is not None else "not scored"
                lines.append(f"  {s.name:<28} {s.words:>6} words  {s.share:5.0%}  index {idx}")
        if self.warnings:
            lines += ["", "Warnings:", *(f"  - {w}" for w in self.warnings)]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """Jupyter display: gauge, verdict, component bars and the highlighted transcript."""
        from .render import report_fragment

        return report_fragment(self)

    def to_html(self, path: str | Path | None = None) -> str:
        """The report as a standalone HTML page (no script, no network); also written to `path` if given."""
        from .render import write_page

        return write_page(self, path)

    def evidence_frame(self) -> pd.DataFrame:
        """One row per piece of evidence (needs pandas: pip install clientlens[pandas])."""
        from .frames import evidence_frame

        return evidence_frame(self)

    def sentences_frame(self) -> pd.DataFrame:
        """One row per sentence, one column per label score (needs pandas)."""
        from .frames import sentences_frame

        return sentences_frame(self)

    def _quote(self, e: Evidence, width: int = 160) -> str:
        text = e.text if e.source == "classifier" or not self.sentences else self.sentences[e.sentence].text
        text = " ".join(text.split())
        return text if len(text) <= width else text[: width - 1] + "…"


VERDICT_TEXT = {
    "go": "GO - the leadership shows respect for customers",
    "probe": "PROBE - mixed signals: interview the leadership team before committing",
    "walk_away": "WALK AWAY - the discourse shows little respect for customers",
    "insufficient_speech": "INSUFFICIENT SPEECH - too few words of the speaker to judge; the index is indicative only",
}


def _why(e: Evidence) -> str:
    return f", {e.reason}" if e.reason else ""
