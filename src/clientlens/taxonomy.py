"""Single source of truth for sentence labels, polarities and index components."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Polarity(StrEnum):
    """Which way a signal moves the index."""

    ADVERSARIAL = "adversarial"
    RESPECTFUL = "respectful"


#: Sentence labels of the classifier, in a fixed order (model columns follow it).
LABELS: tuple[str, ...] = (
    "adversarial_framing",
    "negative_anecdote",
    "misconduct_tolerance",
    "numbers_only",
    "client_respect",
)


@dataclass(frozen=True)
class ComponentSpec:
    """One component of the index: which label feeds it and which way it pushes."""

    name: str
    polarity: Polarity
    label: str
    description: str


COMPONENTS: tuple[ComponentSpec, ...] = (
    ComponentSpec(
        "adversarial_vocabulary", Polarity.ADVERSARIAL, "adversarial_framing",
        "war, hunting, objectifying, pressure-selling and contempt words used in own voice",
    ),
    ComponentSpec(
        "negative_anecdotes", Polarity.ADVERSARIAL, "negative_anecdote",
        "stories where customers play the villain",
    ),
    ComponentSpec(
        "misconduct_tolerance", Polarity.ADVERSARIAL, "misconduct_tolerance",
        "excusing or endorsing disrespect and organisation-first habits",
    ),
    ComponentSpec(
        "numbers_only", Polarity.ADVERSARIAL, "numbers_only",
        "customers reduced to figures, KPIs and volumes",
    ),
    ComponentSpec(
        "respectful_signals", Polarity.RESPECTFUL, "client_respect",
        "needs understood, commitments kept, feedback asked, gratitude, individual stories",
    ),
)

COMPONENT_NAMES: tuple[str, ...] = tuple(c.name for c in COMPONENTS)
COMPONENT_BY_NAME: dict[str, ComponentSpec] = {c.name: c for c in COMPONENTS}
COMPONENT_BY_LABEL: dict[str, ComponentSpec] = {c.label: c for c in COMPONENTS}

#: Verdict names, from best to worst.
VERDICTS: tuple[str, ...] = ("go", "probe", "walk_away")
#: The verdict given instead when too little of the speaker's speech was scored to judge.
INSUFFICIENT = "insufficient_speech"
