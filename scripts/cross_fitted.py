"""Cross-fitted index figures of the rated transcripts, by id range, with the bundled model.

`clientlens fit-index` measures every part of corpus/transcripts as it fits (the real-register
texts cross-fitted: each fold by the classifier refitted without that fold's sentences,
`clientlens.validation.cross_fitted`), but only part by part. This script measures them the
same way, with the bundled classifier and index as they are (no fit), and reports Spearman,
tier accuracy, mean absolute error and interval coverage for each range asked, so that two
models can be compared on the same texts when a round of sentences is added (a range of
real-register texts that was unseen by one model is cross-fitted for the next).

    python scripts/cross_fitted.py t181-t522 t523-t594 [--part real_register]
"""

from __future__ import annotations

import argparse
import json
import re
import sys

from clientlens.classifier.training import load_corpus
from clientlens.pipeline import Analyzer
from clientlens.validation import PARTS, cross_fitted, measure, report


def id_range(text: str) -> tuple[int, int]:
    """« t181-t522 » -> (181, 522)."""
    match = re.fullmatch(r"t(\d+)-t(\d+)", text)
    if not match or int(match[1]) > int(match[2]):
        raise argparse.ArgumentTypeError(f"expected a range such as t181-t522, got {text!r}")
    return int(match[1]), int(match[2])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ranges", nargs="+", type=id_range, help="id ranges such as t181-t522")
    parser.add_argument("--part", choices=PARTS, default="real_register", help="part of corpus/transcripts")
    args = parser.parse_args(argv)
    analyzer = Analyzer()
    rows = [r for r in load_corpus(None) if r.split != "test"]
    items = [i for i in measure(analyzer, analyzer_for=cross_fitted(analyzer, rows)) if i.part == args.part]
    out = {}
    for low, high in args.ranges:
        chosen = [i for i in items if low <= int(i.id[1:]) <= high]
        out[f"t{low}-t{high}"] = report(chosen, analyzer.index_model) if chosen else None
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
