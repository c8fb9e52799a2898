"""Small frozen records passed between the stages: transcript in, report pieces out."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Evidence:
    """A piece of text that moved (or was considered for) the index."""

    text: str
    start: int
    end: int
    family: str
    polarity: str
    component: str
    lemma: str | None
    weight: float
    counted: bool
    reason: str | None
    sentence: int
    speaker: str | None
    source: str = "lexicon"
    impact: float = 0.0
    t_start: float | None = None
    t_end: float | None = None


@dataclass(frozen=True)
class Sentence:
    """A scored sentence with the classifier's labels and probabilities."""

    text: str
    start: int
    end: int
    speaker: str | None
    labels: tuple[str, ...] = ()
    scores: dict[str, float] = field(default_factory=dict)
    t_start: float | None = None
    t_end: float | None = None


@dataclass(frozen=True)
class Component:
    """One index component: its rate, weight, evidence count and the index points it moved."""

    score: float
    weight: float
    count: float
    points: float


@dataclass(frozen=True)
class SpeakerSummary:
    """Per-speaker share of speech and index; `role` is "leader", "interviewer", "facilitator",
    "note_taker" or None (clientlens.roles). Interviewers, facilitators and note-takers who were
    not scored get no index, interval or verdict."""

    name: str
    words: int
    share: float
    index: float | None
    interval: tuple[float, float] | None
    verdict: str | None
    scored: bool
    role: str | None = None


def as_plain(obj: Any) -> Any:
    """Convert dataclasses, tuples and dicts to JSON-ready Python values."""
    if hasattr(obj, "__dataclass_fields__"):
        return {k: as_plain(v) for k, v in asdict(obj).items()}
    if isinstance(obj, tuple | list):
        return [as_plain(v) for v in obj]
    if isinstance(obj, dict):
        return {k: as_plain(v) for k, v in obj.items()}
    return obj
