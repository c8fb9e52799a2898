"""Report stage: the Report record, its JSON contract and its text rendering."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clientlens.records import Component, Evidence, Sentence, SpeakerSummary, as_plain

if TYPE_CHECKING:
    import pandas as pd

    from clientlens.behaviours import Profile

#: The JSON contract's version (docs/schema.md, src/clientlens/schema/): the minor part grows with
#: additive changes (1.1 added `text`, 1.2 `behaviours`), the major part with incompatible ones.
SCHEMA_VERSION = "1.2"


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
            "text": self.text,
            "behaviours": [{"speaker": p.speaker, "words": p.words, "profile": p.to_dict()} for p in self.behaviours()],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], text: str | None = None) -> Report:
        """The Report of a `to_dict()` value (as read back from JSON).

        `text`, when given, replaces the value's own `text` (schema 1.0 values have none).
        `behaviours` is not read: it is computed again from the evidence and sentences.
        """
        return cls(
            index=data["index"],
            interval=(data["interval"][0], data["interval"][1]),
            verdict=data["verdict"],
            components={k: Component(**v) for k, v in data["components"].items()},
            evidence=tuple(Evidence(**e) for e in data["evidence"]),
            sentences=tuple(Sentence(**{**s, "labels": tuple(s["labels"])}) for s in data["sentences"]),
            speakers=tuple(
                SpeakerSummary(**{**s, "interval": tuple(s["interval"]) if s["interval"] is not None else None})
                for s in data["speakers"]
            ),
            warnings=tuple(data["warnings"]),
            provenance=as_plain(data["provenance"]),  # msgpack (DocBin) gives tuples for lists
            words=data["words"],
            source=data["source"],
            text=data.get("text", "") if text is None else text,
        )

    @classmethod
    def from_json(cls, data: str | bytes) -> Report:
        """The Report of a `to_json()` string: `Report.from_json(r.to_json()).to_json() == r.to_json()`."""
        return cls.from_dict(json.loads(data))

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

    def behaviours(self) -> tuple[Profile, ...]:
        """The four behaviours of customer orientation per speaker (clientlens.behaviours): the
        signs found for each, or their absence; one profile per scored speaker, in order of first
        speech (a single one, speaker None, for unlabelled text). A profile, not part of the index."""
        from clientlens.behaviours import profiles

        return profiles(self)

    def summary(self, quotes: int = 5, language: str | None = None) -> str:
        """A plain-text summary for a person: index, verdict, components and quotes; `language`
        is the report language, "fr" (default: the input's) or "en"."""
        from clientlens.views.text import summary

        return summary(self, quotes, language)

    def _repr_html_(self) -> str:
        """Jupyter display: gauge, verdict, component bars and the highlighted transcript."""
        from clientlens.views.html import report_fragment

        return report_fragment(self)

    def to_html(self, path: str | Path | None = None, language: str | None = None) -> str:
        """The report as a standalone HTML page (no script, no network); also written to `path` if
        given; `language` as in `summary`."""
        from clientlens.views.html import write_page

        return write_page(self, path, language)

    def evidence_frame(self) -> pd.DataFrame:
        """One row per piece of evidence (needs pandas: pip install clientlens[pandas])."""
        from clientlens.views.frames import evidence_frame

        return evidence_frame(self)

    def sentences_frame(self) -> pd.DataFrame:
        """One row per sentence, one column per label score (needs pandas)."""
        from clientlens.views.frames import sentences_frame

        return sentences_frame(self)

    def behaviours_frame(self) -> pd.DataFrame:
        """One row per behaviour of each speaker's profile (`behaviours()`): found, count, the
        first sign's quote, its sentences and evidence (needs pandas; views.frames.behaviours_frame)."""
        from clientlens.views.frames import behaviours_frame

        return behaviours_frame(self)
