"""corpus/terms/ and scripts/term_eval.py: the occurrences are well formed, the script counts
what it says, and the documented rules reading of the test half (docs/evaluation.md) holds."""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import load_script

from clientlens.pipeline import Analyzer

CATEGORIES = {"use", "negated", "rejected", "quoted", "attributed", "idiom", "other_object"}


@pytest.fixture(scope="module")
def evaluation():
    return load_script("term_eval")


@pytest.fixture(scope="module")
def items(evaluation):
    return evaluation.read_items()


def test_each_occurrence_is_marked_once_with_a_known_category(items):
    assert len(items) == 780
    assert len({i.id for i in items}) == len(items)
    for item in items:
        assert item.category in CATEGORIES, item.id
        assert item.text.count(item.term) == 1, item.id


def test_the_halves_follow_the_writers_and_hold_every_category(items):
    writers = {i.id.split("-")[0]: i.split for i in items}
    assert writers == {"w1": "dev", "w2": "dev", "w3": "test", "w4": "test", "w5": "heldout", "w6": "heldout"}
    for split in ("dev", "test", "heldout"):
        counts = Counter(i.category for i in items if i.split == split)
        assert counts == {"use": 90, "negated": 28, "rejected": 32, "quoted": 28, "attributed": 32,
                          "idiom": 26, "other_object": 24}


def test_scores_count_precision_recall_and_shares(evaluation):
    make = evaluation.Item
    items = [make("a", "x", "x", "use", "blog", "dev"), make("b", "x", "x", "use", "blog", "dev"),
             make("c", "x", "x", "negated", "blog", "dev"), make("d", "x", "x", "other_object", "blog", "dev")]
    result = evaluation.scores(items, [True, False, True, False])
    assert result["precision"] == 0.5 and result["recall"] == 0.5
    assert result["mentions"]["negated"] == {"n": 1, "counted": 1}
    assert result["mentions"]["other_object"] == {"n": 1, "counted": 0}
    assert result["aimed_counted_share"] == 1.0  # other_object is not among the four aimed at


@pytest.mark.parametrize(
    ("text", "term", "found", "kept"),
    [
        ("Cette année, on a ciblé les retraités du quartier.", "ciblé", True, True),
        ("Nos clients ne sont pas des cibles.", "cibles", True, False),
        ("On a fait une belle journée au bord du lac.", "journée", False, False),
    ],
)
def test_the_rules_reading_looks_at_the_marked_word(evaluation, text, term, found, kept):
    item = evaluation.Item("x", text, term, "use", "blog", "dev")
    report = Analyzer(use_classifier=False).analyze(text)
    assert evaluation.rules_reading(item, report) == (found, kept)


@pytest.mark.parametrize(
    ("split", "precision", "recall", "aimed"),
    [("test", 0.80, 0.74, 0.09), ("heldout", 0.57, 0.53, 0.18)],
)
def test_documented_rules_reading_holds(evaluation, items, split, precision, recall, aimed):
    """docs/evaluation.md, 2026-12-07: the test half (read for development since the held-out
    half was written) 0.807 / 0.744 / 0.088; the held-out half 0.578 / 0.533 / 0.175 (after the 63
    entries of that day)."""
    part = [i for i in items if i.split == split]
    analyzer = Analyzer(use_classifier=False)
    kept = [evaluation.rules_reading(i, analyzer.analyze(i.text))[1] for i in part]
    result = evaluation.scores(part, kept)
    assert result["precision"] >= precision and result["recall"] >= recall
    assert result["aimed_counted_share"] <= aimed
