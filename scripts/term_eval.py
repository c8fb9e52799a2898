"""Measure how clientlens reads adversarial words: used about customers, or only mentioned.

``corpus/terms/items.jsonl`` holds short passages written for the project, each with one marked
word or expression (``term``) and the category its writer gives that occurrence
(``corpus/terms/README.md``): ``use`` (the speaker really uses it about customers, and endorses
it) or one of the uses that must not count — ``negated``, ``rejected``, ``quoted``,
``attributed`` (other people's talk, criticised), ``idiom`` (another sense) and
``other_object`` (aimed at competitors, hiring, costs...). The set has a ``dev`` half, to
develop the lexicon and the context rules on, and a ``test`` half, measured once per change of
those files (docs/evaluation.md).

Two readings of each occurrence are measured:

* **rules**: the lexicon and its context rules alone (lexicon-only analysis): is an adversarial
  lexicon hit overlapping the term kept (``counted``)? This is what the report's evidence says
  of the word, and what the classifier reads as a cue. ``found`` is whether the lexicon matched
  the term at all, before the rules (its coverage).
* **index**: the full analysis, as the index counts it: is the sentence holding the term counted
  on the adversarial side (any adversarial component, from the sentence classifier's labels)?

For each reading: precision and recall of ``use``, and the share of each other category counted
(the issue's aim: precision >= 0.90, recall >= 0.85, at most 5 % of quoted, negated, rejected or
idiomatic uses counted).

    python scripts/term_eval.py [--split dev|test|heldout|all] [--errors rules|index] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from clientlens.pipeline import Analyzer
from clientlens.records import Evidence
from clientlens.report import Report

ROOT = Path(__file__).resolve().parents[1] / "corpus" / "terms"
USE = "use"
#: The categories that must not count, in the order they are printed.
MENTIONS = ("negated", "rejected", "quoted", "attributed", "idiom", "other_object")
#: The categories the issue's 5 % aim names.
AIMED = ("negated", "rejected", "quoted", "idiom")
ADVERSARIAL = "adversarial"


@dataclass(frozen=True)
class Item:
    """One marked occurrence."""

    id: str
    text: str
    term: str
    category: str
    register: str
    split: str

    @property
    def span(self) -> tuple[int, int]:
        start = self.text.index(self.term)
        return start, start + len(self.term)


def read_items(path: Path = ROOT / "items.jsonl") -> list[Item]:
    """The marked occurrences, in file order."""
    out = []
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out.append(Item(row["id"], row["text"], row["term"], row["category"], row["register"], row["split"]))
    return out


def _overlaps(e: Evidence | object, span: tuple[int, int]) -> bool:
    return e.start < span[1] and span[0] < e.end  # type: ignore[attr-defined]


def rules_reading(item: Item, report: Report) -> tuple[bool, bool]:
    """(found, counted): an adversarial lexicon hit overlaps the term; one of them is kept."""
    hits = [e for e in report.evidence
            if e.source == "lexicon" and e.polarity == ADVERSARIAL and _overlaps(e, item.span)]
    return bool(hits), any(e.counted for e in hits)


def index_reading(item: Item, report: Report) -> bool:
    """The sentence holding the term is counted on the adversarial side of the index."""
    span = item.span
    sentences = {i for i, s in enumerate(report.sentences) if _overlaps(s, span)}
    return any(e.counted and e.polarity == ADVERSARIAL and e.source != "lexicon" and e.sentence in sentences
               for e in report.evidence)


def scores(items: Sequence[Item], counted: Sequence[bool]) -> dict:
    """Precision and recall of `use`, and the share counted of each other category."""
    uses = [c for i, c in zip(items, counted, strict=True) if i.category == USE]
    flagged = sum(counted)
    true = sum(uses)
    shares = {}
    for category in MENTIONS:
        marks = [c for i, c in zip(items, counted, strict=True) if i.category == category]
        shares[category] = {"n": len(marks), "counted": sum(marks)}
    aimed = [c for i, c in zip(items, counted, strict=True) if i.category in AIMED]
    return {
        "use": len(uses),
        "precision": true / flagged if flagged else None,
        "recall": true / len(uses) if uses else None,
        "mentions": shares,
        "aimed_counted_share": sum(aimed) / len(aimed) if aimed else None,
    }


def run(items: Sequence[Item], full: Analyzer, lexicon_only: Analyzer) -> dict:
    """Both readings of every item."""
    rows = []
    for item in items:
        found, kept = rules_reading(item, lexicon_only.analyze(item.text))
        rows.append({"id": item.id, "category": item.category, "term": item.term, "found": found,
                     "rules": kept, "index": index_reading(item, full.analyze(item.text))})
    return {
        "items": len(items),
        "found_use": sum(r["found"] for r, i in zip(rows, items, strict=True) if i.category == USE),
        "rules": scores(items, [r["rules"] for r in rows]),
        "index": scores(items, [r["index"] for r in rows]),
        "rows": rows,
    }


def _figure(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def render(result: dict, errors: str | None = None, items: Sequence[Item] = ()) -> str:
    lines = [f"{result['items']} marked occurrences; the lexicon matches "
             f"{result['found_use']} of {result['rules']['use']} uses"]
    head = f"{'reading':8} {'precision':>9} {'recall':>7} " + " ".join(f"{c:>12}" for c in MENTIONS) \
        + f" {'aimed 4':>8}"
    lines.append(head)
    for reading in ("rules", "index"):
        s = result[reading]
        shares = " ".join(f"{m['counted']:>5} / {m['n']:<4}" for m in s["mentions"].values())
        lines.append(f"{reading:8} {_figure(s['precision']):>9} {_figure(s['recall']):>7} {shares} "
                     f"{_figure(s['aimed_counted_share']):>8}")
    lines.append("(other categories: occurrences counted / occurrences; 'aimed 4': share counted of "
                 "negated, rejected, quoted and idiom)")
    if errors:
        by_id = {i.id: i for i in items}
        for row in result["rows"]:
            wrong = row[errors] != (row["category"] == USE)
            if wrong:
                item = by_id[row["id"]]
                lines.append(f"{row['id']} {row['category']:>12} «{row['term']}» {item.text}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("dev", "test", "heldout", "all"), default="dev")
    parser.add_argument("--errors", choices=("rules", "index"), help="list the occurrences read wrong")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    items = [i for i in read_items() if args.split in ("all", i.split)]
    result = run(items, Analyzer(), Analyzer(use_classifier=False))
    print(json.dumps(result, ensure_ascii=False, indent=1) if args.json else render(result, args.errors, items))
    return 0


if __name__ == "__main__":
    sys.exit(main())
