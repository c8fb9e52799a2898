"""Add gold-labelled leader sentences of rated transcripts to the training corpus.

Usage: python scripts/add_transcript_sentences.py LABELS.jsonl [LABELS.jsonl ...]
       python scripts/add_transcript_sentences.py --heldout LABELS.jsonl [...]

With --heldout, the rows (sentences of held-out transcripts) go to
corpus/heldout_sentences.jsonl with split "test" instead: never trained on, read only by
scripts/transcript_sentences.py.

Each labels line is {"id": "t07-s012", "labels": [...], "hard": [...]}, where "s012" is the
12th sentence of the transcript's leader as clientlens segments it (the annotators were given
these sentences, with the whole transcript to read). Each row keeps the leader's previous
sentences as its `context`, as the analysis gives them to the classifier. Rows go to the train split, grouped by
transcript ("transcript-t07"), so a transcript never straddles two folds of a cross-validation
and `clientlens fit-index` can measure it cross-fitted (docs/evaluation.md). Sentences outside
the corpus's 5–60 words are skipped, like any corpus sentence, and so is a sentence too close
to one already kept (character 5-gram Jaccard > 0.8, the corpus test's bound: « Bon, je crois
qu'on a fait le tour » closes two meetings).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sklearn.feature_extraction.text import CountVectorizer

from clientlens.classifier.features import CONTEXT_SENTENCES
from clientlens.classifier.training import TRANSCRIPT_GROUP, load_corpus
from clientlens.pipeline import Analyzer
from clientlens.resources import corpus_path
from clientlens.taxonomy import LABELS
from clientlens.validation import read_ratings, transcripts_dir

HELDOUT_FILE = "heldout_sentences.jsonl"
HARD_KINDS = {"polysemy", "mild_misconduct", "english_jargon", "negation", "anecdote_no_keyword",
              "numbers_not_customers", "respectful_numbers", "quotation", "irony"}


def leader_sentences(analyzer: Analyzer, row: dict) -> list[str]:
    """The leader's sentences, in order (a report keeps only the scored speaker's)."""
    report = analyzer.analyze_file(transcripts_dir() / row["file"], speaker=row["leader"])
    return [s.text for s in report.sentences]


def near_duplicates(texts: list[str], start: int, bound: float = 0.8) -> set[int]:
    """Indexes >= `start` whose 5-gram Jaccard with an earlier text exceeds `bound`."""
    x = CountVectorizer(analyzer="char", ngram_range=(5, 5), binary=True).fit_transform(texts)
    sizes = x.sum(axis=1).A1
    inter = (x @ x.T).tocoo()
    return {int(j) for i, j, n in zip(inter.row, inter.col, inter.data, strict=True)
            if i < j and j >= start and n / (sizes[i] + sizes[j] - n) > bound}


def main(paths: list[str]) -> None:
    heldout = "--heldout" in paths
    paths = [p for p in paths if p != "--heldout"]
    target = corpus_path().parent / HELDOUT_FILE if heldout else corpus_path()
    analyzer = Analyzer(use_classifier=False)
    ratings = {r["id"]: r for r in read_ratings()}
    corpus = load_corpus()
    sectors, known = {r.sector for r in corpus}, {r.id for r in corpus}
    texts: dict[str, list[str]] = {}
    added = []
    for path in paths:
        for line in Path(path).read_text("utf-8").splitlines():
            gold = json.loads(line)
            tid, number = gold["id"].split("-s")
            if tid not in texts:
                texts[tid] = leader_sentences(analyzer, ratings[tid])
            k = int(number) - 1
            text = texts[tid][k]
            assert set(gold["labels"]) <= set(LABELS) and set(gold["hard"]) <= HARD_KINDS, gold
            if not 5 <= len(text.split()) <= 60 or gold["id"] in known:
                continue
            sector = ratings[tid]["sector"].lower().replace(" ", "_")
            added.append({"id": gold["id"], "text": text, "labels": gold["labels"],
                          "sector": sector if sector in sectors else "other",
                          "register": "oral", "hard": gold["hard"],
                          "group": f"{TRANSCRIPT_GROUP}{tid}", "split": "test" if heldout else "train",
                          "context": " ".join(texts[tid][max(0, k - CONTEXT_SENTENCES) : k])})
    existing = [r.text for r in corpus]
    repeated = near_duplicates(existing + [r["text"] for r in added], len(existing))
    added = [r for k, r in enumerate(added) if len(existing) + k not in repeated]
    with open(target, "a", encoding="utf-8") as out:
        for row in added:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"added {len(added)} sentences from {len(texts)} transcripts to {target}")


if __name__ == "__main__":
    main(sys.argv[1:])
