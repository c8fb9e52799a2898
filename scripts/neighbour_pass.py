"""What the classifier's second pass gains, sentence by sentence (issue 14).

The first pass labels a sentence from its words and the speaker's two previous sentences; the
second pass (classifier/neighbours.py) re-reads it beside its neighbours' first-pass
probabilities. Both are scored out of fold here, as training tunes them: the first pass's
probabilities from a 5-fold cross-validation grouped by writing batch and by text
(training.out_of_fold), the second pass cross-validated over the same groups on those
probabilities (training.second_pass_out_of_fold). Macro-F1, thresholds tuned on the scored
probabilities, for all train + dev sentences, the sentences of rated texts, those of the
real-register texts alone, and stand-alone sentences (which have no neighbours).

    python scripts/neighbour_pass.py [--alpha A]   # about 8 minutes on 2 cores

`--alpha` sets the ridge classifier's regularisation (SentenceModel's `alpha`, the bundled
model's by default), to compare settings on these out-of-fold figures rather than on the test
split.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import numpy as np

from clientlens.classifier.model import best_thresholds
from clientlens.classifier.training import load_corpus, out_of_fold, scores, second_pass_out_of_fold, transcript_id
from clientlens.pipeline import Analyzer

#: First real-register text (docs/evaluation.md): rated texts from here on are real-register.
FIRST_REAL_REGISTER = 181


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--alpha", type=float, help="ridge regularisation (default: SentenceModel's)")
    args = parser.parse_args(argv)
    params = {} if args.alpha is None else {"alpha": args.alpha}
    rows = [r for r in load_corpus() if r.split in ("train", "dev")]
    _, y, first = out_of_fold(rows, Analyzer(use_classifier=False), **params)
    second = second_pass_out_of_fold(first, y, rows)
    texts = [transcript_id(r.group) for r in rows]
    real = np.array([t is not None and int(t[1:]) >= FIRST_REAL_REGISTER for t in texts])
    rated = np.array([t is not None for t in texts])
    print(f"{'sentences':<22} {'n':>6}  first pass  second pass")
    for name, mask in [("all (train + dev)", np.ones(len(rows), bool)), ("rated texts", rated),
                       ("real-register texts", real), ("stand-alone", ~rated)]:
        f1 = [scores(y[mask], (p[mask] >= best_thresholds(p[mask], y[mask])).astype(int))["macro_f1"]
              for p in (first, second)]
        print(f"{name:<22} {int(mask.sum()):>6}  {f1[0]:>10.3f}  {f1[1]:>11.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
