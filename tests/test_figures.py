"""The bundled model's documented figures (docs/evaluation.md, README) still hold.

Each test recomputes a figure from the bundled model and data and fails if it drops below
what the docs state, so a retrained model or a changed rule cannot silently make the
published numbers false. Floors: the documented value less a rounding margin for
correlations and F1, the documented count for tier agreement.
"""

from __future__ import annotations

from scipy.stats import spearmanr

from clientlens.analysis import Analyzer
from clientlens.classifier import load_classifier
from clientlens.training import evaluate, load_corpus
from clientlens.validation import read_ratings, transcripts_dir

#: docs/evaluation.md, 2026-12-05.
TEST_MACRO_F1 = 0.862
HELDOUT_SPEARMAN, HELDOUT_TIERS = 0.896, 30  # of 40
REAL_REGISTER_SPEARMAN, REAL_REGISTER_TIERS = 0.659, 20  # of 36
MARGIN = 0.002


def test_test_split_macro_f1_holds():
    rows = [r for r in load_corpus() if r.split == "test"]
    result = evaluate(load_classifier().model, rows, Analyzer(use_classifier=False))
    assert result["model"]["macro_f1"] >= TEST_MACRO_F1 - MARGIN


def _agreement(analyzer, items):
    """(Spearman, tier matches) of (path, speaker, rating, tier) items."""
    scores, matches = [], 0
    for path, speaker, _, tier in items:
        report = analyzer.analyze_file(path, speaker=speaker)
        scores.append(report.index)
        matches += report.verdict == tier
    return spearmanr(scores, [rating for _, _, rating, _ in items]).statistic, matches


def test_held_out_transcripts_hold(analyzer):
    folder = transcripts_dir()
    items = [(folder / r["file"], r["leader"], r["rating"], r["tier"])
             for r in read_ratings(folder) if r.get("part") == "heldout"]
    assert len(items) == 40
    rho, tiers = _agreement(analyzer, items)
    assert rho >= HELDOUT_SPEARMAN - MARGIN and tiers >= HELDOUT_TIERS


def test_held_out_real_register_texts_hold(analyzer):
    folder = transcripts_dir().parent / "realspeech"
    items = [(folder / r["file"], None, r["rating"], r["tier"]) for r in read_ratings(folder)]
    assert len(items) == 36
    rho, tiers = _agreement(analyzer, items)
    assert rho >= REAL_REGISTER_SPEARMAN - MARGIN and tiers >= REAL_REGISTER_TIERS
