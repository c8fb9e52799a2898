"""Precision and recall of the four-behaviour profile on its labelled sentences.

Each sentence of corpus/behaviours/sentences.jsonl is analysed alone (the bundled analyzer,
classifier on), and the behaviours its profile finds are compared with its labels. The cue data
was improved on the `dev` half; the `test` half is measured once per change of the data
(docs/evaluation.md, measurement log).

    python scripts/behaviours_eval.py [--split dev|test|all] [--errors]
    python scripts/behaviours_eval.py --corpus    # how often it fires on the index's own sentences

`--corpus` reads the dev and test splits of corpus/sentences.jsonl instead (written by other
writers for the index, not for the profile): the share of sentences with a behaviour found,
by their index label. Neutral and adversarial sentences should show almost none.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from clientlens.behaviours import profile
from clientlens.pipeline import Analyzer
from clientlens.resources import data_dir
from clientlens.taxonomy import BEHAVIOURS


@dataclass(frozen=True)
class Scores:
    """One behaviour's counts and scores."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def read_sentences(split: str = "all", path: Path | None = None) -> list[dict]:
    """The labelled sentences of one half ("dev", "test") or of both ("all")."""
    path = path or data_dir("corpus") / "behaviours" / "sentences.jsonl"
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [r for r in rows if split == "all" or r["split"] == split]


def predict(analyzer: Analyzer, rows: list[dict]) -> list[set[str]]:
    """The behaviours the profile finds in each sentence, analysed alone."""
    return [{b for b in BEHAVIOURS if profile(analyzer.analyze(r["text"])).present(b)} for r in rows]


def score(rows: list[dict], found: list[set[str]]) -> dict[str, Scores]:
    """Per-behaviour counts; "none" scores the sentences with no behaviour (gold and found)."""
    out = {}
    for b in BEHAVIOURS:
        gold = [b in r["behaviours"] for r in rows]
        got = [b in f for f in found]
        out[b] = Scores(sum(g and p for g, p in zip(gold, got, strict=True)),
                        sum(p and not g for g, p in zip(gold, got, strict=True)),
                        sum(g and not p for g, p in zip(gold, got, strict=True)))
    gold_none = [not r["behaviours"] for r in rows]
    got_none = [not f for f in found]
    out["none"] = Scores(sum(g and p for g, p in zip(gold_none, got_none, strict=True)),
                         sum(p and not g for g, p in zip(gold_none, got_none, strict=True)),
                         sum(g and not p for g, p in zip(gold_none, got_none, strict=True)))
    return out


def table(scores: dict[str, Scores]) -> str:
    lines = [f"{'behaviour':<22} {'P':>6} {'R':>6} {'F1':>6}   tp  fp  fn"]
    for name, s in scores.items():
        lines.append(f"{name:<22} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}  {s.tp:3d} {s.fp:3d} {s.fn:3d}")
    macro = sum(scores[b].f1 for b in BEHAVIOURS) / len(BEHAVIOURS)
    lines.append(f"macro-F1 over the four behaviours: {macro:.3f}")
    return "\n".join(lines)


def corpus_rates(analyzer: Analyzer, show: int = 0) -> str:
    """Share of the index corpus's dev and test sentences with a behaviour found, by label."""
    path = data_dir("corpus") / "sentences.jsonl"
    rows = [r for r in map(json.loads, path.read_text("utf-8").splitlines()) if r["split"] in ("dev", "test")]
    found = predict(analyzer, rows)
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        key = "neutral" if not r["labels"] else "client_respect" if r["labels"] == ["client_respect"] else (
            "adversarial" if "client_respect" not in r["labels"] else "mixed")
        groups.setdefault(key, []).append(i)
    lines = [f"index corpus, dev + test: {len(rows)} sentences"]
    for key in ("neutral", "adversarial", "client_respect", "mixed"):
        idx = groups.get(key, [])
        n = sum(bool(found[i]) for i in idx)
        per = {b: sum(b in found[i] for i in idx) for b in BEHAVIOURS}
        lines.append(f"  {key:<15} {len(idx):4d} sentences, {n:3d} with a behaviour ({n / max(len(idx), 1):.1%}) {per}")
        for i in [i for i in idx if found[i]][:show]:
            lines.append(f"      {sorted(found[i])}: {rows[i]['text']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    parser.add_argument("--errors", action="store_true", help="print every sentence the profile gets wrong")
    parser.add_argument("--corpus", action="store_true", help="rates on the index corpus's dev and test sentences")
    parser.add_argument("--show", type=int, default=0, help="with --corpus: sentences to print per label")
    args = parser.parse_args(argv)
    if args.corpus:
        print(corpus_rates(Analyzer(), args.show))
        return 0
    rows = read_sentences(args.split)
    found = predict(Analyzer(), rows)
    print(f"{args.split}: {len(rows)} sentences, {sum(not r['behaviours'] for r in rows)} showing none")
    print(table(score(rows, found)))
    if args.errors:
        for r, f in zip(rows, found, strict=True):
            gold = set(r["behaviours"])
            if gold != f:
                missed, extra = sorted(gold - f), sorted(f - gold)
                print(f"{r['id']} {r['kind']:<13} missed {missed} extra {extra}: {r['text']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
