"""Talk balance and humanisation: what a speaker's words are spent on, and how customers are named.

Talk balance sorts each scored sentence of a Report into one of three shares of the words:

- **customers**: a sentence the classifier labels `client_respect`, or holding counted respectful
  lexicon evidence (needs, commitment, feedback, gratitude, care) or a mention of an individual
  customer (humanisation below) - customers as people;
- **figures**: otherwise, a sentence labelled `numbers_only` or holding a `numbers` lexicon hit -
  figures and sales performance;
- **other**: the rest - internal matters (organisation, budget lines, planning) and everything else.

Humanisation counts mentions of individual customers (« Mme Perrin », « une dame », « un client
qui… ») against abstract ones (« le client », « la clientèle », « nos clients », « les cibles »),
with the patterns of src/clientlens/lang/<code>/humanisation.json.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from clientlens.lang import language
from clientlens.report import Report

CUSTOMER_LABEL = "client_respect"
FIGURES_LABEL = "numbers_only"
FIGURES_FAMILY = "numbers"


@dataclass(frozen=True)
class Balance:
    """Words spent on customers as people, on figures, and on everything else (whole words)."""

    customers: int = 0
    figures: int = 0
    other: int = 0

    @property
    def words(self) -> int:
        """All words counted."""
        return self.customers + self.figures + self.other

    def share(self, part: str) -> float:
        """Share of the words in `part` ("customers", "figures" or "other"), 0 when nothing was said."""
        return getattr(self, part) / self.words if self.words else 0.0

    def __add__(self, other: Balance) -> Balance:
        return Balance(self.customers + other.customers, self.figures + other.figures, self.other + other.other)

    def to_dict(self) -> dict[str, float | int]:
        """{customers, figures, other} shares rounded to 3 decimals, and the word count."""
        return {"customers": round(self.share("customers"), 3), "figures": round(self.share("figures"), 3),
                "other": round(self.share("other"), 3), "words": self.words}


@dataclass(frozen=True)
class Humanisation:
    """Mentions of individual customers and of customers in the abstract."""

    individual: int = 0
    abstract: int = 0

    def __add__(self, other: Humanisation) -> Humanisation:
        return Humanisation(self.individual + other.individual, self.abstract + other.abstract)

    @property
    def individual_share(self) -> float | None:
        """Share of mentions that are individuals; None with no mention at all."""
        total = self.individual + self.abstract
        return round(self.individual / total, 3) if total else None

    def to_dict(self) -> dict[str, float | int | None]:
        """{individual, abstract, individual_share}."""
        return {"individual": self.individual, "abstract": self.abstract, "individual_share": self.individual_share}


@cache
def _patterns(code: str = "fr") -> tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]]:
    data = language(code).data("humanisation")
    return (tuple(re.compile(p) for p in data["individual"]),
            tuple(re.compile(p, re.IGNORECASE) for p in data["abstract"]))


def humanisation(texts: Iterable[str]) -> Humanisation:
    """Individual and abstract customer mentions in some texts."""
    individual, abstract = _patterns()
    out = Humanisation()
    for text in texts:
        out += Humanisation(sum(len(p.findall(text)) for p in individual),
                            sum(len(p.findall(text)) for p in abstract))
    return out


def talk_balance(report: Report) -> Balance:
    """The talk balance of a report's scored sentences (see the module's docstring)."""
    respectful: set[int] = set()
    figures: set[int] = set()
    for e in report.evidence:
        if e.source == "lexicon" and e.counted and e.polarity == "respectful":
            respectful.add(e.sentence)
        if e.source == "lexicon" and e.family == FIGURES_FAMILY:
            figures.add(e.sentence)
    individual = _patterns()[0]
    out = Balance()
    for i, s in enumerate(report.sentences):
        words = len(s.text.split())
        if CUSTOMER_LABEL in s.labels or i in respectful or any(p.search(s.text) for p in individual):
            out += Balance(customers=words)
        elif FIGURES_LABEL in s.labels or i in figures:
            out += Balance(figures=words)
        else:
            out += Balance(other=words)
    return out


def report_humanisation(report: Report) -> Humanisation:
    """Humanisation of a report's scored sentences."""
    return humanisation(s.text for s in report.sentences)


@dataclass(frozen=True)
class Moment:
    """Where one piece of counted evidence falls: `at` in seconds (timed transcripts) or as a
    share of the text (0-1, plain text); `id` indexes the report's evidence."""

    at: float
    impact: float
    id: int


def timeline(report: Report, by_position: bool = False) -> tuple[str, list[Moment]]:
    """("time" or "position", the counted evidence in order): by cue time when every counted
    piece has one (VTT, SRT, JSON, timestamped text) and `by_position` is False, else by
    position in the text."""
    counted = [(i, e) for i, e in enumerate(report.evidence) if e.counted and e.impact]
    if not by_position and counted and all(e.t_start is not None for _, e in counted):
        return "time", [Moment(float(e.t_start or 0.0), e.impact, i) for i, e in counted]
    size = max(len(report.text), 1)
    return "position", [Moment(round(e.start / size, 4), e.impact, i) for i, e in counted]


def strip(moments: Iterable[Moment], end: float, cells: int = 24) -> str:
    """A one-line picture of where signals fall over [0, end]: « + » net up, « − » net down,
    « · » nothing, per cell."""
    net = [0.0] * cells
    for m in moments:
        net[min(cells - 1, int(cells * m.at / end)) if end > 0 else 0] += m.impact
    return "".join("+" if x > 0 else "−" if x < 0 else "·" for x in net)
