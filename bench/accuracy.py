"""Speed must not cost accuracy (issue 6): the bundled model and index scored on the fast path
(only sentences that may hold a lexicon term are parsed) and with every sentence parsed.

Run: python bench/accuracy.py   (clientlens installed, or PYTHONPATH=src; ~3 min)
"""

from __future__ import annotations

from collections.abc import Sequence

from clientlens.classifier.model import load_classifier
from clientlens.classifier.training import evaluate, load_corpus
from clientlens.pipeline import Analyzer
from clientlens.validation import validate


class EverySentenceParsed(Analyzer):
    """The analysis without the fast path: the full pipeline runs on every sentence."""

    def _needs_parse(self, forms: Sequence[str]) -> bool:
        return True


def main() -> None:
    test = [r for r in load_corpus() if r.split == "test"]
    model = load_classifier().model
    print("| path | test macro-F1 | hard-case macro-F1 | held-out transcripts: Spearman | tier accuracy |")
    print("|---|---|---|---|---|")
    for name, kind in (("fast path (default)", Analyzer), ("every sentence parsed", EverySentenceParsed)):
        sentences = evaluate(model, test, kind(use_classifier=False))
        _, index = validate(kind(), fit=False)
        heldout = index["heldout"]
        print(f"| {name} | {sentences['model']['macro_f1']:.3f} | {sentences['model_hard']['macro_f1']:.3f} "
              f"| {heldout['spearman']:.3f} | {heldout['tier_accuracy']:.3f} |", flush=True)


if __name__ == "__main__":
    main()
