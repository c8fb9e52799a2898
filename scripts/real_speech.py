"""Measure clientlens on real or real-register speech rated by an expert, beside two baselines.

Three sets can be measured (docs/evaluation.md, "Real speech"):

* ``dev``: the real public excerpts of ``../shared/real-speech-dev.md`` (or of the file
  CLIENTLENS_DEV_TABLE names). Their text is never
  stored in the repository: fetch each one with the search tool at evaluation time (the
  procedure is in docs/evaluation.md), keep only the speaker's own words, and save it as
  ``NN.txt`` in a folder outside the repository, given with ``--texts``. Ratings and tiers
  are read from the markdown table of that file.
* ``heldout``: ``corpus/realspeech/`` (written for the project in the genres of real public
  speech, rated by their writer, frozen before the model changes they measure), or the part
  of it given by ``--ids`` (r01-r36 and r37-r72 were written at different times).
* ``batch``: the real-register texts of ``corpus/transcripts/`` (part ``real_register``) whose
  ids fall in ``--ids FIRST-LAST`` (e.g. ``t379-t450``), measured by the bundled model as it
  is — the "before any use" measurement of a new batch, taken before its sentences are trained
  on (afterwards, ``clientlens fit-index`` measures them cross-fitted). To measure a batch with
  an earlier model, check out that commit's ``models/`` first.

Each text is analysed as one speaker's words. Beside clientlens, two baselines score the
same texts: a keyword count (lexicon matches of each polarity, no context rule, no classifier)
and vaderSentiment-fr's compound score of the whole text (``pip install vaderSentiment-fr``).
Tier agreement and Spearman come with 90 % bootstrap intervals over the texts (seeded): on 24
or 36 texts one text is 3-4 points of agreement, and the intervals say how far the choice of
texts alone can move a figure.

    python scripts/real_speech.py dev --texts /tmp/realdev
    python scripts/real_speech.py heldout [--ids r37-r72]
    python scripts/real_speech.py batch --ids t379-t450
    python scripts/real_speech.py dev --texts /tmp/realdev --against /tmp/index.json

``--against`` scores the texts a second time with other index parameters and prints the
paired bootstrap intervals of the differences (tier agreement, Spearman) and every text whose
verdict changes: whether a change of the index moves a figure by more than the choice of texts.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

from clientlens.errors import ModelError
from clientlens.index import IndexModel, load_index_model, verdict
from clientlens.pipeline import Analyzer
from clientlens.taxonomy import VERDICTS
from clientlens.validation import read_ratings

ROOT = Path(__file__).resolve().parents[1]
#: The development set's table; CLIENTLENS_DEV_TABLE names it for a checkout elsewhere (a worktree).
DEV_TABLE = Path(os.environ.get("CLIENTLENS_DEV_TABLE", ROOT.parent / "shared" / "real-speech-dev.md"))
HELDOUT = ROOT / "corpus" / "realspeech"
TRANSCRIPTS = ROOT / "corpus" / "transcripts"
#: Not one of the three tiers: too little speech to judge (counts as a disagreement).
NO_TIER = "insufficient_speech"
_ROW = re.compile(r"^\|\s*(\d+)\s*\|(?:[^|]*\|){2}\s*(\d+)\s*\|\s*(go|probe|walk_away)\s*\|\s*([^|]*)\|\s*$")


@dataclass(frozen=True)
class Rated:
    """One rated text."""

    id: str
    rating: float
    tier: str
    kinds: str
    path: Path


def tier_of(score: float) -> str:
    """The tier of a 0-100 score under the index model's thresholds (models/index.json)."""
    return verdict(score, _index_model())


@cache
def _index_model() -> IndexModel:
    return load_index_model()


def parse_dev_table(markdown: str, texts: Path) -> list[Rated]:
    """Rows of the development set's summary table (# | speaker | genre | rating | tier | kinds)."""
    rows = []
    for line in markdown.splitlines():
        m = _ROW.match(line)
        if m:
            number, rating, tier, kinds = m.groups()
            rows.append(Rated(f"{int(number):02d}", float(rating), tier, kinds.strip(),
                              texts / f"{int(number):02d}.txt"))
    return rows


def id_range(ids: str | None) -> Callable[[str], bool]:
    """Whether an id (``t412``, ``r40``) falls in FIRST-LAST (``t379-t450``); all ids for None."""
    if ids is None:
        return lambda _id: True
    first, _, last = ids.partition("-")
    if not (first[1:].isdigit() and last[1:].isdigit()):
        raise SystemExit(f"--ids must read like t379-t450 or r37-r72, not {ids!r}")
    low, high = int(first[1:]), int(last[1:])
    return lambda id_: low <= int(id_[1:]) <= high


def _rated(row: dict, folder: Path) -> Rated:
    return Rated(row["id"], float(row["rating"]), row["tier"], ",".join(row.get("kinds", [])), folder / row["file"])


def read_heldout(ids: str | None = None, folder: Path = HELDOUT) -> list[Rated]:
    """Rows of corpus/realspeech/ratings.jsonl, those with ids in FIRST-LAST if given."""
    wanted = id_range(ids)
    return [_rated(row, folder) for row in read_ratings(folder) if wanted(row["id"])]


def development_sets(texts: Path | None) -> dict[str, list[Rated]]:
    """The sets the exploration scripts measure: the development excerpts (when their folder is
    given) and the held-out texts r01-r90 (r91-r126 stay unread)."""
    sets = {"r01-r90": read_heldout("r01-r90")}
    if texts:
        sets = {"development set": parse_dev_table(DEV_TABLE.read_text("utf-8"), texts), **sets}
    return sets


def read_batch(ids: str, folder: Path = TRANSCRIPTS) -> list[Rated]:
    """The real-register rows of corpus/transcripts/ratings.jsonl with ids in FIRST-LAST."""
    wanted = id_range(ids)
    return [_rated(row, folder) for row in read_ratings(folder)
            if row.get("part") == "real_register" and wanted(row["id"])]


def keyword_scorer(analyzer: Analyzer) -> Callable[[str], float]:
    """Keyword count: every lexicon match of each polarity, context rules ignored."""
    def score(text: str) -> float:
        report = analyzer.analyze(text)
        lexical = [e for e in report.evidence if e.source == "lexicon"]
        respectful = sum(1 for e in lexical if e.polarity == "respectful")
        adversarial = len(lexical) - respectful
        return 100.0 * (respectful + 1) / (respectful + adversarial + 2)
    return score


def vader_scorer() -> Callable[[str], float] | None:
    """vaderSentiment-fr's compound score mapped to 0-100, or None when it is not installed."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from vaderSentiment_fr.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return None
    vader = SentimentIntensityAnalyzer()
    return lambda text: 50.0 * (1.0 + vader.polarity_scores(text)["compound"])


#: Resamples and level of the bootstrap intervals of tier agreement and Spearman; the seed is
#: fixed so that a run's figures can be reproduced exactly.
BOOTSTRAP_RESAMPLES, BOOTSTRAP_LEVEL, BOOTSTRAP_SEED = 2000, 0.90, 20261207


def _resampled(items: Sequence[Rated], scores: Sequence[float], tiers: Sequence[str],
               picks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Tier agreement and Spearman of each resample (a row of `picks`); Spearman is NaN where a
    resample holds a single rating or score."""
    ratings = np.array([i.rating for i in items])
    hits = np.array([i.tier == t for i, t in zip(items, tiers, strict=True)], float)
    values = np.asarray(scores, float)
    rho = [spearmanr(ratings[p], values[p]).statistic if np.ptp(ratings[p]) > 0 and np.ptp(values[p]) > 0
           else float("nan") for p in picks]
    return hits[picks].mean(axis=1), np.array(rho)


def _picks(n: int) -> np.ndarray:
    return np.random.default_rng(BOOTSTRAP_SEED).integers(0, n, (BOOTSTRAP_RESAMPLES, n))


def _percentiles(sample: np.ndarray) -> list[float]:
    tail = 100 * (1 - BOOTSTRAP_LEVEL) / 2
    return [round(float(v), 3) for v in np.nanpercentile(sample, [tail, 100 - tail])]


def bootstrap(items: Sequence[Rated], scores: Sequence[float], tiers: Sequence[str]) -> dict[str, list[float]]:
    """Percentile intervals (BOOTSTRAP_LEVEL) of tier agreement and Spearman over texts resampled
    with replacement: how far the figure of a set this small can move by the choice of texts."""
    if len(items) < 3:
        return {"tier_agreement": [float("nan")] * 2, "spearman": [float("nan")] * 2}
    agree, rho = _resampled(items, scores, tiers, _picks(len(items)))
    return {"tier_agreement": _percentiles(agree), "spearman": _percentiles(rho)}


def paired(items: Sequence[Rated], before: tuple[Sequence[float], Sequence[str]],
           after: tuple[Sequence[float], Sequence[str]]) -> dict[str, list[float]]:
    """Intervals of the differences after - before in tier agreement and Spearman, both
    configurations scored on the same resamples of the texts (a paired bootstrap)."""
    if len(items) < 3:
        return {"tier_agreement": [float("nan")] * 2, "spearman": [float("nan")] * 2}
    picks = _picks(len(items))
    agree_0, rho_0 = _resampled(items, *before, picks)
    agree_1, rho_1 = _resampled(items, *after, picks)
    return {"tier_agreement": _percentiles(agree_1 - agree_0), "spearman": _percentiles(rho_1 - rho_0)}


def agreement(items: Sequence[Rated], scores: Sequence[float], tiers: Sequence[str]) -> dict:
    """Tier agreement, Spearman (each with its bootstrap interval), confusion (expert tier ->
    tool tier) and the worst confusions."""
    n = len(items)
    confusion = {t: {u: 0 for u in (*VERDICTS, NO_TIER)} for t in VERDICTS}
    for item, tier in zip(items, tiers, strict=True):
        confusion[item.tier][tier] += 1
    rho = spearmanr([i.rating for i in items], scores).statistic if n > 2 else float("nan")
    return {
        "n": n,
        "tier_agreement": sum(i.tier == t for i, t in zip(items, tiers, strict=True)) / n if n else float("nan"),
        "spearman": float(rho),
        "interval": bootstrap(items, scores, tiers),
        "go_read_as_walk_away": confusion["go"]["walk_away"],
        "walk_away_read_as_go": confusion["walk_away"]["go"],
        "confusion": confusion,
    }


def interval_coverage(items: Sequence[Rated], intervals: Sequence[tuple[float, float]]) -> float:
    """Share of the items whose rating lies inside clientlens's interval (stated at 80 %)."""
    inside = [low <= i.rating <= high for i, (low, high) in zip(items, intervals, strict=True)]
    return sum(inside) / len(inside) if inside else float("nan")


def run(items: Sequence[Rated], analyzer: Analyzer, lexicon_only: Analyzer, against: Analyzer | None = None) -> dict:
    """Every method on every text; missing texts are listed, not scored. With `against` (the
    same analysis with other index parameters), its verdicts too, and the paired differences."""
    present = [i for i in items if i.path.is_file()]
    missing = [i.id for i in items if not i.path.is_file()]
    keyword, vader = keyword_scorer(lexicon_only), vader_scorer()
    rows, indexes, intervals, other = [], [], [], []
    for item in present:
        text = item.path.read_text("utf-8")
        report = analyzer.analyze(text)
        if against is not None:
            other.append(against.analyze(text))
        indexes.append(report.index)  # unrounded, for the statistics
        intervals.append(report.interval)
        row = {"id": item.id, "words": report.words, "rating": item.rating, "tier": item.tier,
               "kinds": item.kinds, "index": round(report.index, 1), "verdict": report.verdict,
               "interval": [round(x, 1) for x in report.interval],
               "keyword": round(keyword(text), 1)}
        if vader:
            row["vader"] = round(vader(text), 1)
        rows.append(row)
    summary = {"clientlens": {**agreement(present, indexes, [r["verdict"] for r in rows]),
                              "interval_coverage": interval_coverage(present, intervals)},
               "keyword": agreement(present, [r["keyword"] for r in rows], [tier_of(r["keyword"]) for r in rows])}
    if vader:
        summary["vaderSentiment-fr"] = agreement(present, [r["vader"] for r in rows],
                                                 [tier_of(r["vader"]) for r in rows])
    result = {"rows": rows, "missing": missing, "summary": summary}
    if against is not None:
        for row, report in zip(rows, other, strict=True):
            row["against"] = {"index": round(report.index, 1), "verdict": report.verdict}
        scores, tiers = [r.index for r in other], [r.verdict for r in other]
        summary["against"] = agreement(present, scores, tiers)
        result["difference"] = paired(present, (indexes, [r["verdict"] for r in rows]), (scores, tiers))
    return result


def render(result: dict) -> str:
    """Per-entry table, then the agreement of each method."""
    lines = [f"{'id':<4} {'words':>5} {'rating':>6} {'tier':<9} | {'index':>5} {'verdict':<19} "
             f"{'keyword':>7} {'vader':>6}  kinds"]
    for r in result["rows"]:
        mark = "" if r["verdict"] == r["tier"] else "  <-"
        lines.append(f"{r['id']:<4} {r['words']:>5} {r['rating']:>6.0f} {r['tier']:<9} | {r['index']:>5.1f} "
                     f"{r['verdict']:<19} {r['keyword']:>7.1f} {r.get('vader', float('nan')):>6.1f}  "
                     f"{r['kinds']}{mark}")
        if "against" in r and r["against"]["verdict"] != r["verdict"]:
            lines.append(f"{'':<4} against: {r['against']['index']:.1f} {r['against']['verdict']}"
                         f"{'' if r['against']['verdict'] == r['tier'] else '  <-'}")
    if result["missing"]:
        lines.append(f"missing texts (not scored): {', '.join(result['missing'])}")
    lines.append("")
    for name, s in result["summary"].items():
        lines.append(f"{name:<18} n={s['n']}  tier agreement {s['tier_agreement']:.3f}  "
                     f"Spearman {s['spearman']:.3f}  go->walk_away {s['go_read_as_walk_away']}  "
                     f"walk_away->go {s['walk_away_read_as_go']}")
    level = f"{BOOTSTRAP_LEVEL * 100:.0f} %"
    lines.extend(f"{name:<18} {level} bootstrap intervals: tier agreement {_span(s['interval']['tier_agreement'])}"
                 f", Spearman {_span(s['interval']['spearman'])}" for name, s in result["summary"].items())
    if "difference" in result:
        d = result["difference"]
        lines.append(f"against - clientlens, {level} paired bootstrap intervals: tier agreement "
                     f"{_span(d['tier_agreement'])}, Spearman {_span(d['spearman'])}")
    ours = result["summary"]["clientlens"]
    inside = round(ours["interval_coverage"] * ours["n"]) if ours["n"] else 0
    lines.append(f"clientlens interval holds the rating for {inside} of {ours['n']} "
                 f"({ours['interval_coverage']:.3f}; stated level 80 %)")
    c = ours["confusion"]
    lines.append("clientlens confusion (rows: expert tier; columns: verdict go/probe/walk_away/insufficient):")
    lines.extend(f"  {t:<9} {' '.join(f'{v:>3}' for v in c[t].values())}" for t in VERDICTS)
    return "\n".join(lines)


def _span(bounds: Sequence[float]) -> str:
    return f"{bounds[0]:.2f}–{bounds[1]:.2f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("set", choices=("dev", "heldout", "batch"))
    parser.add_argument("--ids", help="batch: the range of real-register texts, e.g. t379-t450; "
                                      "heldout: a range of held-out texts, e.g. r37-r72 (default: all)")
    parser.add_argument("--texts", type=Path, help="folder of NN.txt excerpts (dev set; outside the repository)")
    parser.add_argument("--table", type=Path, default=DEV_TABLE, help="the dev set's markdown file")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--against", type=Path, metavar="INDEX_JSON",
                        help="also score with these index parameters (a copy of models/index.json, changed) "
                             "and give the paired differences")
    args = parser.parse_args(argv)
    try:
        against = Analyzer(index_model=load_index_model(args.against)) if args.against else None
    except ModelError as exc:
        parser.error(str(exc))
    if args.set == "dev":
        if args.texts is None:
            parser.error("the dev set needs --texts FOLDER (see docs/evaluation.md)")
        items = parse_dev_table(args.table.read_text("utf-8"), args.texts)
    elif args.set == "batch":
        if args.ids is None:
            parser.error("the batch set needs --ids FIRST-LAST (e.g. t379-t450)")
        items = read_batch(args.ids)
    else:
        items = read_heldout(args.ids)
    result = run(items, Analyzer(), Analyzer(use_classifier=False), against)
    print(json.dumps(result, ensure_ascii=False, indent=1) if args.json else render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
