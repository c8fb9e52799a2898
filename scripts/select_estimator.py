"""Choose the classifier's estimator: grouped 5-fold cross-validation on train + dev, and the
dev split fitted on train, for each candidate (docs/evaluation.md). The test split is not read.

Run: python scripts/select_estimator.py   (clientlens installed, or PYTHONPATH=src; ~2 min)
"""

from __future__ import annotations

from clientlens.classifier.training import cross_validated, evaluate, fit_model, load_corpus
from clientlens.pipeline import Analyzer

CANDIDATES = {
    "logistic regression, C = 4, balanced classes": {"estimator": "logistic", "C": 4.0, "class_weight": "balanced"},
    "linear SVM, C = 0.5, balanced classes": {"estimator": "svm", "C": 0.5, "class_weight": "balanced"},
    "ridge, alpha = 1, balanced classes": {"estimator": "ridge", "alpha": 1.0, "class_weight": "balanced"},
    "ridge, alpha = 1": {"estimator": "ridge", "alpha": 1.0},
}


def main() -> None:
    rows = load_corpus()
    analyzer = Analyzer(use_classifier=False)
    train = [r for r in rows if r.split == "train"]
    dev = [r for r in rows if r.split == "dev"]
    print("| estimator (same features) | 5-fold CV macro-F1, train + dev | dev macro-F1, fitted on train |")
    print("|---|---|---|")
    for name, params in CANDIDATES.items():
        cv = cross_validated(train + dev, analyzer, **params)["macro_f1"]
        on_dev = evaluate(fit_model(train, dev, analyzer, **params), dev, analyzer)["model"]["macro_f1"]
        print(f"| {name} | {cv:.3f} | {on_dev:.3f} |", flush=True)


if __name__ == "__main__":
    main()
