"""Scoring stage: component totals -> respect-for-customer index, interval and verdict.

Pure functions over numbers and evidence records (no spaCy): the formula is documented in docs/index.md."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from scipy.special import gammaincinv

from clientlens.errors import ModelError
from clientlens.options import check_threshold, check_thresholds
from clientlens.records import Component, Evidence
from clientlens.resources import model_dir
from clientlens.taxonomy import COMPONENT_BY_NAME, COMPONENT_NAMES, COMPONENTS, INSUFFICIENT, Polarity

INDEX_FILE = "index.json"


_TINY_COUNT = 1e-6


@dataclass(frozen=True)
class IndexModel:
    """Parameters of the index, read from models/index.json."""

    bias: float
    weights: Mapping[str, float]
    label_weights: Mapping[str, float]
    sentence_cap: float
    min_words: int
    slope: float
    prior_signals: float
    short_words: int
    judged_words: int
    interval_level: float
    go: float
    walk_away: float
    provenance: str = ""
    lexicon_weight: float = 1.0
    interval_margin: float = 0.0
    stance_veto: tuple[str, ...] = ()

    def with_thresholds(self, go: float | None = None, walk_away: float | None = None) -> IndexModel:
        """A copy with other verdict thresholds.

        Raises:
            OptionsError: a threshold out of 0..100, or walk_away not below go (a threshold not
                given is this model's).
        """
        go, walk_away = check_threshold("go", go), check_threshold("walk_away", walk_away)
        new = replace(self, go=self.go if go is None else go,
                      walk_away=self.walk_away if walk_away is None else walk_away)
        check_thresholds(new.go, new.walk_away)
        return new


def load_index_model(path: Path | None = None) -> IndexModel:
    """Read the index parameters (bundled ones by default)."""
    path = path or model_dir() / INDEX_FILE
    try:
        raw = json.loads(path.read_text("utf-8"))
        thresholds = raw["thresholds"]
        model = IndexModel(
            bias=float(raw["bias"]),
            weights={c: float(raw["weights"][c]) for c in COMPONENT_NAMES},
            label_weights={k: float(v) for k, v in raw["label_weights"].items()},
            sentence_cap=float(raw["sentence_cap"]),
            min_words=int(raw["min_words"]),
            slope=float(raw["slope"]),
            prior_signals=float(raw["prior_signals"]),
            short_words=int(raw["short_words"]),
            judged_words=int(raw["judged_words"]),
            interval_level=float(raw["interval_level"]),
            go=float(thresholds["go"]),
            walk_away=float(thresholds["walk_away"]),
            provenance=str(raw.get("provenance", "")),
            lexicon_weight=float(raw.get("lexicon_weight", 1.0)),
            interval_margin=float(raw.get("interval_margin", 0.0)),
            stance_veto=tuple(str(label) for label in raw.get("stance_veto", ())),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"{path}: invalid index parameters ({exc!r})") from None
    if any(w < 0 for w in model.weights.values()) or model.slope < 0 or model.prior_signals <= 0 \
            or model.lexicon_weight < 0:
        raise ModelError(
            f"{path}: weights, slope and lexicon_weight must be >= 0 and prior_signals > 0 so that the "
            "index stays monotonic"
        )
    if model.interval_margin < 0:
        raise ModelError(f"{path}: interval_margin must be >= 0 (it widens the interval)")
    unknown = sorted(set(model.stance_veto) - set(model.label_weights))
    if unknown:
        raise ModelError(f"{path}: stance_veto names unknown labels {unknown}")
    return model


@dataclass(frozen=True)
class Signal:
    """A weighted contribution of one piece of evidence to one component in one sentence."""

    component: str
    sentence: int
    weight: float


@dataclass
class Totals:
    """Evidence weight per component, each sentence capped (one rant is not ten)."""

    by_sentence: dict[tuple[int, str], list[float]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def from_signals(cls, signals: Iterable[Signal]) -> Totals:
        """Group signals by sentence and component."""
        totals = cls()
        for s in signals:
            if s.weight > 0:
                totals.by_sentence[(s.sentence, s.component)].append(s.weight)
        return totals

    def per_component(self, cap: float) -> dict[str, float]:
        """Capped totals per component."""
        out = dict.fromkeys(COMPONENT_NAMES, 0.0)
        for (_, component), weights in self.by_sentence.items():
            out[component] += min(cap, sum(weights))
        return out

    def without(self, per_component: dict[str, float], cap: float, drop: Signal) -> dict[str, float]:
        """`per_component` minus one signal, recomputing only that signal's sentence (linear overall)."""
        weights = self.by_sentence.get((drop.sentence, drop.component))
        if drop.weight <= 0 or not weights:
            return per_component
        rest = list(weights)
        rest.remove(drop.weight)
        out = dict(per_component)
        out[drop.component] += min(cap, sum(rest)) - min(cap, sum(weights))
        return out


def rate(total: float, words: int, model: IndexModel) -> float:
    """Evidence per 1000 words, with a floor on the word count for tiny texts."""
    return 1000.0 * total / max(words, model.min_words)


def index_from_totals(totals: Mapping[str, float], words: int, model: IndexModel) -> float:
    """The index in [0, 100]: a logistic of the log balance of respectful to adversarial evidence.

    Both sides get `prior_signals` pseudo-counts, so little evidence stays near neutral and
    the balance, not the raw amount, decides once the speech is long enough (docs/index.md).
    `words` is kept for the interface: the balance is already independent of speech length.
    """
    return _logistic(_log_odds(totals, model))


def _logistic(z: float) -> float:
    return 100.0 / (1.0 + math.exp(-z))


def _log_odds(totals: Mapping[str, float], model: IndexModel) -> float:
    """The index before its logistic: bias + slope * log(respectful / adversarial)."""
    respectful = adversarial = model.prior_signals
    for name, total in totals.items():
        weighted = model.weights[name] * total
        if COMPONENT_BY_NAME[name].polarity is Polarity.RESPECTFUL:
            respectful += weighted
        else:
            adversarial += weighted
    return model.bias + model.slope * math.log(respectful / adversarial)


def interval(totals: Mapping[str, float], words: int, model: IndexModel) -> tuple[float, float]:
    """Uncertainty on the index: Poisson intervals on each component's evidence count, widened
    by the model's reading error.

    The low end takes every adversarial count at its upper bound and every respectful count
    at its lower bound (and conversely); with little speech the bounds are far apart. Those
    bounds hold the counting noise only; `interval_margin` (models/index.json, fitted by
    `clientlens fit-index`) moves each end that much further in log-odds, for the error of
    reading sentences (docs/index.md). The interval always holds the index itself.
    """
    alpha = 1.0 - model.interval_level
    low, high = {}, {}
    for name, total in totals.items():
        lo, hi = _poisson_bounds(total, alpha)
        adversarial = COMPONENT_BY_NAME[name].polarity is Polarity.ADVERSARIAL
        low[name], high[name] = (hi, lo) if adversarial else (lo, hi)
    index = index_from_totals(totals, words, model)
    margin = model.interval_margin
    return (min(_logistic(_log_odds(low, model) - margin), index),
            max(_logistic(_log_odds(high, model) + margin), index))


def _poisson_bounds(count: float, alpha: float) -> tuple[float, float]:
    """Garwood interval of a Poisson mean (fractional counts allowed)."""
    if count < _TINY_COUNT:  # chi2 with a vanishing df is undefined; the count is zero
        count = 0.0
    # chi2.ppf(q, 2k) / 2 == gammaincinv(k, q), without scipy.stats' per-call overhead
    lo = 0.0 if count == 0 else float(gammaincinv(count, alpha / 2))
    hi = float(gammaincinv(count + 1, 1 - alpha / 2))
    return min(lo, count), max(hi, count)


def verdict(index: float, model: IndexModel, words: int | None = None) -> str:
    """go, probe or walk_away from the thresholds; `insufficient_speech` when fewer than
    `judged_words` words were scored (the index and its interval are still reported)."""
    if words is not None and words < model.judged_words:
        return INSUFFICIENT
    if index >= model.go:
        return "go"
    if index < model.walk_away:
        return "walk_away"
    return "probe"


def component_points(totals: Mapping[str, float], words: int, model: IndexModel) -> dict[str, float]:
    """Index points each component moves: the index minus the index without that component."""
    full = index_from_totals(totals, words, model)
    return {
        name: full - index_from_totals({**totals, name: 0.0}, words, model) for name in totals
    }


def signals(evidence: Iterable[Evidence]) -> list[Signal]:
    """The counted evidence as signals."""
    return [Signal(e.component, e.sentence, e.weight) for e in evidence if e.counted]


@dataclass(frozen=True)
class Score:
    """Index, interval and component totals of one set of evidence."""

    totals: Totals
    per_component: dict[str, float]
    words: int
    index: float
    interval: tuple[float, float]

    @classmethod
    def of(cls, evidence: Iterable[Evidence], words: int, model: IndexModel) -> Score:
        """Score the counted evidence of `words` words of speech."""
        totals = Totals.from_signals(signals(evidence))
        per_component = totals.per_component(model.sentence_cap)
        index = index_from_totals(per_component, words, model)
        return cls(totals, per_component, words, index, interval(per_component, words, model))

    def with_impacts(self, evidence: Iterable[Evidence], model: IndexModel) -> list[Evidence]:
        """Each counted piece's impact: the index with it minus the index without it."""
        out = []
        for e in evidence:
            impact = 0.0
            if e.counted:
                drop = Signal(e.component, e.sentence, e.weight)
                without = self.totals.without(self.per_component, model.sentence_cap, drop)
                impact = self.index - index_from_totals(without, self.words, model)
            out.append(replace(e, impact=round(impact, 3)))
        return out

    def components(self, model: IndexModel) -> dict[str, Component]:
        """The report's component table: rate, weight, count and index points of each."""
        points = component_points(self.per_component, self.words, model)
        return {
            c.name: Component(
                score=round(rate(self.per_component[c.name], self.words, model), 3),
                weight=model.weights[c.name],
                count=round(self.per_component[c.name], 3),
                points=round(points[c.name], 3),
            )
            for c in COMPONENTS
        }
