"""The taxonomy: sentence labels, lexicon families, index components, verdicts and the four
behaviours of the profile, with their colours and descriptions, read from one data file
(taxonomy.json next to this module).

Every module takes these facts from here: the classifier's label order, which component a
label or a family feeds, which way it pushes the index, and how the views colour it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

TAXONOMY_FILE = Path(__file__).with_name("taxonomy.json")


class Polarity(StrEnum):
    """Which way a signal moves the index."""

    ADVERSARIAL = "adversarial"
    RESPECTFUL = "respectful"


@dataclass(frozen=True)
class ComponentSpec:
    """One component of the index: which way it pushes, and the classifier label that feeds it."""

    name: str
    polarity: Polarity
    label: str
    description: str


@dataclass(frozen=True)
class LabelSpec:
    """One classifier label: the component it feeds, its short name and colour in the views."""

    name: str
    component: str
    short: str
    colour: str
    description: str


@dataclass(frozen=True)
class Family:
    """A lexicon family and the index component it feeds."""

    name: str
    polarity: Polarity
    component: str
    description: str
    colour: str = ""


@dataclass(frozen=True)
class BehaviourSpec:
    """One of the four behaviours of customer orientation (the profile of clientlens.behaviours,
    not an index component)."""

    name: str
    description: str


@dataclass(frozen=True)
class VerdictSpec:
    """A verdict and its colours (the zone colour paints its band of the gauge)."""

    name: str
    colour: str
    zone_colour: str = ""


def _read() -> dict:
    return json.loads(TAXONOMY_FILE.read_text("utf-8"))


_DATA = _read()

#: Classifier labels, in a fixed order (the model's columns follow it).
LABEL_SPECS: tuple[LabelSpec, ...] = tuple(LabelSpec(**row) for row in _DATA["labels"])
LABELS: tuple[str, ...] = tuple(spec.name for spec in LABEL_SPECS)
LABEL_BY_NAME: dict[str, LabelSpec] = {spec.name: spec for spec in LABEL_SPECS}


def _component(row: dict) -> ComponentSpec:
    fed_by = [spec.name for spec in LABEL_SPECS if spec.component == row["name"]]
    if len(fed_by) != 1:
        raise ValueError(f"{TAXONOMY_FILE}: component {row['name']!r} must be fed by one label, not {fed_by}")
    return ComponentSpec(row["name"], Polarity(row["polarity"]), fed_by[0], row["description"])


COMPONENTS: tuple[ComponentSpec, ...] = tuple(_component(row) for row in _DATA["components"])
COMPONENT_NAMES: tuple[str, ...] = tuple(c.name for c in COMPONENTS)
COMPONENT_BY_NAME: dict[str, ComponentSpec] = {c.name: c for c in COMPONENTS}
COMPONENT_BY_LABEL: dict[str, ComponentSpec] = {c.label: c for c in COMPONENTS}

#: Lexicon families (each has one lexicon file, lexicons/<family>.jsonl).
FAMILIES: dict[str, Family] = {
    row["name"]: Family(row["name"], Polarity(row["polarity"]), row["component"], row["description"], row["colour"])
    for row in _DATA["families"]
}

#: The four behaviours of customer orientation, in the order the views show them.
BEHAVIOUR_SPECS: tuple[BehaviourSpec, ...] = tuple(BehaviourSpec(**row) for row in _DATA["behaviours"])
BEHAVIOURS: tuple[str, ...] = tuple(b.name for b in BEHAVIOUR_SPECS)

#: Verdict names, from best to worst.
VERDICT_SPECS: tuple[VerdictSpec, ...] = tuple(VerdictSpec(**row) for row in _DATA["verdicts"])
VERDICTS: tuple[str, ...] = tuple(v.name for v in VERDICT_SPECS)
#: The verdict given instead when too little of the speaker's speech was scored to judge.
INSUFFICIENT: str = _DATA["insufficient"]["name"]
VERDICT_COLOURS: dict[str, str] = {
    **{v.name: v.colour for v in VERDICT_SPECS}, INSUFFICIENT: _DATA["insufficient"]["colour"]
}
ZONE_COLOURS: dict[str, str] = {v.name: v.zone_colour for v in VERDICT_SPECS}
POLARITY_COLOURS: dict[str, str] = {name: spec["colour"] for name, spec in _DATA["polarities"].items()}
#: One colour per lexicon family and per classifier label; warm = adversarial, cool = respectful.
COLOURS: dict[str, str] = {
    **{name: f.colour for name, f in FAMILIES.items()}, **{s.name: s.colour for s in LABEL_SPECS}
}
