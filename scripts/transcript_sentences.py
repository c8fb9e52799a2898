"""How the sentence classifier reads real transcript sentences, and how far two annotators agree.

Usage: python scripts/transcript_sentences.py

1. Cross-fitted: each rated transcript's annotated leader sentences are predicted by the
   bundled model's configuration refitted without that transcript's fold (the measurement
   `clientlens fit-index` uses), against the gold labels.
2. The same sentences predicted by a model trained without any transcript sentence (the
   isolated-sentence corpus alone): what the transcript sentences and their context add.
3. The bundled model on the annotated sentences of the held-out transcripts
   (corpus/heldout_sentences.jsonl), which no model was trained on.
4. Agreement of a second, independent annotation of some transcripts
   (corpus/second_annotation.jsonl) with the corpus labels: Cohen's kappa and F1 per label.
Figures are reported in docs/evaluation.md. A few minutes on 2 cores.
"""

from __future__ import annotations

import json

import numpy as np
from sklearn.metrics import cohen_kappa_score, f1_score

from clientlens.classifier.model import SentenceModel, label_matrix, load_classifier
from clientlens.classifier.training import (
    leave_transcripts_out,
    load_corpus,
    out_of_fold,
    score_table,
    scores,
    sentence_inputs,
    transcript_id,
)
from clientlens.pipeline import Analyzer
from clientlens.resources import corpus_path
from clientlens.taxonomy import LABELS
from clientlens.validation import CROSS_FIT_FOLDS


def main() -> None:
    rows = [r for r in load_corpus() if r.split != "test"]
    analyzer = Analyzer(use_classifier=False)
    inputs = sentence_inputs(analyzer, rows)
    y = label_matrix(r.labels for r in rows)
    base = load_classifier().model
    mine = np.array([transcript_id(r.group) is not None for r in rows])
    texts = [transcript_id(r.group) for r in rows]
    # as validation.cross_fitted: each fold's second pass refitted on out-of-fold first-pass probabilities
    first_pass = out_of_fold(rows, analyzer, CROSS_FIT_FOLDS, inputs, **base.get_params())[2]
    predicted = np.zeros_like(y)
    for fold, model in leave_transcripts_out(rows, inputs, y, base, CROSS_FIT_FOLDS, first_pass):
        held = [i for i, r in enumerate(rows) if transcript_id(r.group) in fold]
        predicted[held] = model.predict_texts([inputs[i] for i in held], [texts[i] for i in held])
    print(f"{int(mine.sum())} annotated sentences from "
          f"{len({r.group for r, m in zip(rows, mine, strict=True) if m})} rated transcripts")
    print(score_table("cross-fitted (each transcript unseen)", scores(y[mine], predicted[mine])))
    corpus_only = SentenceModel(**base.get_params()).fit([x for x, m in zip(inputs, mine, strict=True) if not m],
                                                        y[~mine])
    corpus_only.thresholds_ = base.thresholds_
    print(score_table("trained without any transcript sentence (first pass only)",
         scores(y[mine], corpus_only.predict([x for x, m in zip(inputs, mine, strict=True) if m]))))

    lines = (corpus_path().parent / "second_annotation.jsonl").read_text("utf-8").splitlines()
    heldout = load_corpus(corpus_path().parent / "heldout_sentences.jsonl")
    print(score_table(f"bundled model on {len(heldout)} sentences of "
         f"{len({r.group for r in heldout})} held-out transcripts",
         scores(label_matrix(r.labels for r in heldout),
                base.predict_texts(sentence_inputs(analyzer, heldout), [transcript_id(r.group) for r in heldout]))))

    second = [json.loads(line) for line in lines]
    first = {r.id: r.labels for r in load_corpus()}
    a = label_matrix(first[s["id"]] for s in second)
    b = label_matrix(s["labels"] for s in second)
    print(f"agreement of a second annotation, {len(second)} sentences "
          f"({len({s['id'].split('-s')[0] for s in second})} transcripts):")
    for j, label in enumerate(LABELS):
        print(f"  {label:<22} kappa={cohen_kappa_score(a[:, j], b[:, j]):.3f} F1={f1_score(a[:, j], b[:, j]):.3f}")
    print(f"  macro-F1 between annotators {np.mean([f1_score(a[:, j], b[:, j]) for j in range(len(LABELS))]):.3f}")


if __name__ == "__main__":
    main()
