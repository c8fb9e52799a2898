"""The annotated corpus: size, coverage, hard cases, no near-duplicates, grouped splits."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from clientlens.classifier.training import load_corpus, refit_rows
from clientlens.taxonomy import LABELS

ROWS = load_corpus()


def test_size_sectors_registers():
    assert len(ROWS) >= 3000
    assert len({r.sector for r in ROWS}) >= 12
    assert {r.register for r in ROWS} == {"oral", "written"}


def test_every_label_is_well_represented():
    counts = Counter(label for r in ROWS for label in r.labels)
    assert all(counts[label] >= 300 for label in LABELS)
    assert sum(1 for r in ROWS if not r.labels) >= 300


def test_at_least_a_third_are_hard_cases():
    assert sum(1 for r in ROWS if r.hard) >= len(ROWS) / 3


def test_sentence_lengths():
    lengths = [len(r.text.split()) for r in ROWS]
    assert min(lengths) >= 5 and max(lengths) <= 60


def test_no_near_duplicates():
    """Character 5-gram Jaccard similarity between any two sentences stays <= 0.8."""
    vectorizer = CountVectorizer(analyzer="char", ngram_range=(5, 5), binary=True, lowercase=True)
    x = vectorizer.fit_transform([r.text for r in ROWS]).astype(np.float32)
    sizes = np.asarray(x.sum(axis=1)).ravel()
    inter = (x @ x.T).tocoo()
    mask = inter.row < inter.col
    union = sizes[inter.row[mask]] + sizes[inter.col[mask]] - inter.data[mask]
    jaccard = inter.data[mask] / union
    worst = jaccard.max() if len(jaccard) else 0
    assert worst <= 0.8, f"near-duplicates: max Jaccard {worst:.2f}"


def test_a_rated_texts_sentences_come_in_order():
    """The second pass reads a text's corpus rows in file order as its sentences' order."""
    last: dict[str, int] = {}
    for r in ROWS:
        if r.group.startswith("transcript-"):
            number = int(r.id.rsplit("-s", 1)[1])
            assert number > last.get(r.group, 0), r.id
            last[r.group] = number


def test_groups_never_straddle_splits():
    splits = defaultdict(set)
    for r in ROWS:
        splits[r.group].add(r.split)
    assert all(len(s) == 1 for s in splits.values())
    assert {r.split for r in ROWS} == {"train", "dev", "test"}


def test_datasheet_counts_are_the_corpus_counts():
    """docs/annotation.md's datasheet tables state what the corpus holds (no stale numbers)."""
    import re
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "annotation.md").read_text("utf-8")
    table = {name: int(n) for name, n in re.findall(r"^\| `?([a-z0-9_ ()]+?)`? \| (\d+) \|$", doc, re.M)}
    labels = Counter(label for r in ROWS for label in r.labels)
    labels["none (neutral)"] = sum(1 for r in ROWS if not r.labels)
    sectors = Counter(r.sector for r in ROWS)
    kinds = Counter(kind for r in ROWS for kind in r.hard)
    for expected in (labels, sectors, kinds):
        assert {k: table.get(k) for k in expected} == dict(expected)
    registers = Counter(r.register for r in ROWS)
    splits = Counter(r.split for r in ROWS)
    assert f"Registers: oral {registers['oral']}, written {registers['written']}." in doc
    assert f"Splits: train {splits['train']}, dev {splits['dev']}, test {splits['test']}." in doc
    hard = sum(1 for r in ROWS if r.hard)
    assert f"Hard cases: {hard} sentences ({hard / len(ROWS):.0%})" in doc
    assert f"{len(ROWS):,} sentences" in doc


def test_second_annotation_covers_corpus_sentences_with_known_labels():
    """corpus/second_annotation.jsonl (inter-annotator agreement) relabels corpus sentences only."""
    import json
    from pathlib import Path

    path = Path(__file__).parents[2] / "corpus" / "second_annotation.jsonl"
    second = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    ids = {r.id for r in ROWS}
    assert len(second) >= 300 and all(s["id"] in ids and set(s["labels"]) <= set(LABELS) for s in second)


def test_no_held_out_transcript_is_training_data():
    """Sentences of held-out transcripts are only in heldout_sentences.jsonl, never in the corpus."""
    from pathlib import Path

    from clientlens.classifier.training import transcript_id
    from clientlens.validation import read_ratings

    heldout = {r["id"] for r in read_ratings() if r.get("part") == "heldout"}
    assert len(heldout) >= 40
    assert not {transcript_id(r.group) for r in ROWS} & heldout
    rows = load_corpus(Path(__file__).parents[2] / "corpus" / "heldout_sentences.jsonl")
    assert {transcript_id(r.group) for r in rows} == heldout and {r.split for r in rows} == {"test"}


def test_pending_labels_are_valid_and_not_yet_in_the_corpus():
    """corpus/pending/: labelled sentences of rated texts, waiting to be added and trained on."""
    import json
    from pathlib import Path

    from clientlens.taxonomy import LABELS
    from clientlens.validation import read_ratings

    rated = {r["id"] for r in read_ratings()}
    known = {r.id for r in ROWS}
    for path in sorted((Path(__file__).parents[2] / "corpus" / "pending").glob("*.jsonl")):
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
        assert rows, path
        for row in rows:
            assert row["id"].split("-s")[0] in rated and row["id"] not in known, row["id"]
            assert set(row["labels"]) <= set(LABELS) and isinstance(row["hard"], list), row["id"]


def test_the_shipped_model_is_refitted_on_train_then_dev():
    rows = refit_rows(ROWS)
    splits = [r.split for r in rows]
    assert splits == sorted(splits, key=["train", "dev"].index)
    assert Counter(splits) == Counter(r.split for r in ROWS if r.split != "test")
